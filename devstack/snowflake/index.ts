export { startLocalSnowflake, DEFAULT_ACCOUNT, ADMIN_USER, type LocalSnowflake, type LocalSnowflakeOptions } from './local';
export { startSnowflakeEndpoint, verifyLoginJwt, type SnowflakeEndpoint, type SnowflakeEndpointOptions } from './server';
export { Engine, type Binding, type EngineSession, type StatementResult } from './engine';
export { Catalog, publicKeyFingerprint, normalizePublicKey, type UserRecord } from './catalog';
export { SnowflakeError } from './errors';
export { seedHealthData, type SeedOptions } from './seed';
export { runLocalSnowflake, type SnowflakeProcessOptions } from './main';
export { bootstrapLocalBroker, type LocalBrokerOptions } from './broker';
export { startLocalSnowflakeProcess, type LocalSnowflakeProcess } from './process';
