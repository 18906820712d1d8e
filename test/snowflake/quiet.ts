// Imported before snowflake-sdk: the driver bundles the AWS SDK, which warns about Node 20 on load.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
