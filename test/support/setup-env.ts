// Loaded into every test file before it runs (jest.config.js setupFiles).
// snowflake-sdk probes cloud metadata endpoints (AWS IMDS, Azure, GCP) for telemetry when it
// connects; on a machine outside a cloud each probe waits for a timeout and may finish after its
// suite has been torn down. The production image turns it off the same way.
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
// Stacks started by tests (dev, demo, shutdown) take free ports rather than the people-friendly
// ones: two at once would both find 8080 free and then collide (devstack/processes.ts).
process.env.GATEHOUSE_DEV_PORTS ??= 'any';
