/**
 * How the reference server reaches Snowflake: all from its environment, which the gateway fills
 * per session with the grant's ephemeral identity. Nothing here is logged.
 */
export interface SnowflakeSettings {
  account: string;
  /** The local Snowflake (devstack/snowflake) or a private link; omitted for real Snowflake. */
  accessUrl?: string;
  user: string;
  /** Key-pair login (SNOWFLAKE_PRIVATE_KEY), or ... */
  privateKey?: string;
  /** ... programmatic access token login (SNOWFLAKE_TOKEN): whichever the grant's broker issued. */
  token?: string;
  role?: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  /** Most rows a query returns; the rest are cut and the result says so. */
  rowLimit: number;
  /** Statement timeout in seconds, passed to Snowflake. */
  statementTimeoutSeconds: number;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): SnowflakeSettings {
  const missing = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER'].filter((name) => !env[name]);
  if (!env.SNOWFLAKE_PRIVATE_KEY && !env.SNOWFLAKE_TOKEN) missing.push('SNOWFLAKE_TOKEN or SNOWFLAKE_PRIVATE_KEY');
  if (missing.length) {
    throw new SettingsError(`missing ${missing.join(', ')}: this server is started by the Gatehouse gateway with a grant's ephemeral identity (programmatic access token or key pair)`);
  }
  const rowLimit = Number(env.SNOWFLAKE_ROW_LIMIT ?? env.GATEHOUSE_ROW_LIMIT ?? 1000);
  if (!Number.isInteger(rowLimit) || rowLimit <= 0) throw new SettingsError(`SNOWFLAKE_ROW_LIMIT must be a positive integer, got "${env.SNOWFLAKE_ROW_LIMIT}"`);
  const timeout = Number(env.SNOWFLAKE_STATEMENT_TIMEOUT_SECONDS ?? 120);
  const optional = (name: string) => (env[name] ? { [name.replace('SNOWFLAKE_', '').toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase())]: env[name] } : {});
  return {
    account: env.SNOWFLAKE_ACCOUNT!,
    user: env.SNOWFLAKE_USER!,
    ...(env.SNOWFLAKE_TOKEN ? { token: env.SNOWFLAKE_TOKEN } : { privateKey: env.SNOWFLAKE_PRIVATE_KEY! }),
    ...optional('SNOWFLAKE_ACCESS_URL'),
    ...optional('SNOWFLAKE_ROLE'),
    ...optional('SNOWFLAKE_WAREHOUSE'),
    ...optional('SNOWFLAKE_DATABASE'),
    ...optional('SNOWFLAKE_SCHEMA'),
    rowLimit,
    statementTimeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : 120,
  } as SnowflakeSettings;
}
