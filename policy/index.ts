export { configSchema, targetSchema, durationSchema, sqlClasses, commandVerdicts, upstreamEraSettings, DEFAULT_MAX_ANSWER_BYTES } from './config-schema';
export type { GatehouseConfig, TargetConfig, SqlClassName, CommandVerdict, UpstreamEraSetting } from './config-schema';
export { loadConfig, parseConfig, configPath, ConfigError, DEFAULT_CONFIG_PATH } from './load-config';
export { evaluateRequest, expandPrincipals, isPrincipal, findTarget, requestableTargets, normalizeSubject } from './evaluate';
export type { Evaluation } from './evaluate';
export { classifySql, hasRowLimit, applyRowLimit, type SqlClass, type SqlClassification, type ClassifyOptions } from './sql';
export { sqlArgumentsFor, isSnowflakeTarget, SNOWFLAKE_SQL_ARGUMENTS, type SqlDeclaringTarget } from './sql-tools';
export { catalogScopeOf } from './catalog-scope';
export { mayReadAudit, IDP_GROUP_PREFIX } from './audit-readers';
