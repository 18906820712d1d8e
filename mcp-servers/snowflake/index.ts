export { createSnowflakeMcpServer, showStatement, qualifiedName, tableResult, SERVER_NAME, SERVER_VERSION, InvalidIdentifierError } from './server';
export { SnowflakeRunner, SnowflakeQueryError, jsonCell, type SqlRunner, type QueryResult } from './runner';
export { settingsFromEnv, SettingsError, type SnowflakeSettings } from './settings';
