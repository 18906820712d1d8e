export { ensureTemporalCli, startTemporalServer, MissingPrerequisiteError, TEMPORAL_CLI_MODULE, type TemporalServer } from './temporal';
export { ensureRedis, startRedisServer, type RedisServer } from './redis';
export { freePort, preferredPort, startProcess, superviseChildProcesses, waitFor, type ManagedProcess } from './processes';
export { toolsDir } from './state';
// Only the process launcher here: the endpoint itself (DuckDB, snowflake-sdk) loads from
// './snowflake' when used, not with every import of devstack/ (the test stack's global setup).
export { startLocalSnowflakeProcess, type LocalSnowflakeProcess } from './snowflake/process';
export type { LocalSnowflake } from './snowflake';
export { fetchWithOwnSignal, type McpFetch } from './mcp-client-fetch';
