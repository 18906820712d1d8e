export { ensureTemporalCli, startTemporalServer, MissingPrerequisiteError, TEMPORAL_CLI_MODULE, type TemporalServer } from './temporal';
export { ensureRedis, startRedisServer, type RedisServer } from './redis';
export { freePort, preferredPort, startProcess, waitFor, type ManagedProcess } from './processes';
export { projectRoot, stateDir, toolsDir } from './state';
