export { ensureTemporalCli, startTemporalServer, MissingPrerequisiteError, TEMPORAL_CLI_MODULE, type TemporalServer } from './temporal';
export { ensureRedis, startRedisServer, type RedisServer } from './redis';
export { freePort, preferredPort, startProcess, waitFor, type ManagedProcess } from './processes';
export { projectRoot, stateDir, toolsDir } from './state';
export {
  startLocalSnowflake, startLocalSnowflakeProcess, bootstrapLocalBroker, DEFAULT_ACCOUNT as LOCAL_SNOWFLAKE_ACCOUNT,
  type LocalSnowflake, type LocalSnowflakeProcess,
} from './snowflake';
