// Imported first by compose.test.ts: the CLI loads snowflake-sdk, which probes cloud metadata
// endpoints (AWS, Azure, GCP) when it is loaded unless this is set; the image sets it too.
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
export {};
