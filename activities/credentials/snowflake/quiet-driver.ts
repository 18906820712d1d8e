// Imported before snowflake-sdk: the driver bundles the AWS SDK (for stage uploads Gatehouse never
// uses), which prints a Node 20 support warning when it loads. An explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
