import './quiet-driver';
import type snowflake from 'snowflake-sdk';

let loaded: typeof snowflake | undefined;

/**
 * The driver, loaded at the first connection: it is a heavy load (it bundles the AWS and Azure
 * SDKs), and a process whose targets use no Snowflake credentials never needs it. It logs to the
 * console by default; Gatehouse wants errors only, and never secrets.
 */
function driver(): typeof snowflake {
  if (loaded) return loaded;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- require, not import(): the worker runs under tsx's CommonJS hook
  const sdk = require('snowflake-sdk') as typeof snowflake;
  sdk.configure({ logLevel: 'ERROR', additionalLogToConsole: false } as Parameters<typeof snowflake.configure>[0]);
  return (loaded = sdk);
}

interface LoginTarget {
  account: string;
  accessUrl?: string;
  username: string;
  role?: string;
  warehouse?: string;
  database?: string;
  schema?: string;
}

/** A key-pair login (authenticator SNOWFLAKE_JWT). */
export interface KeyPairLogin extends LoginTarget {
  /** PEM (PKCS#8). Held only in memory for the connection. */
  privateKey: string;
}

/** A programmatic access token login (authenticator PROGRAMMATIC_ACCESS_TOKEN). */
export interface TokenLogin extends LoginTarget {
  /** The token's secret, as ALTER USER ... ADD PAT returned it. Held only in memory for the connection. */
  token: string;
}

export type SnowflakeLogin = KeyPairLogin | TokenLogin;

/** The driver's authentication options for a login: a key pair or a programmatic access token. */
export function authenticationOf(login: SnowflakeLogin): { authenticator: string; privateKey?: string; token?: string } {
  return 'token' in login ? { authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: login.token } : { authenticator: 'SNOWFLAKE_JWT', privateKey: login.privateKey };
}

export type Row = Record<string, unknown>;

/** A key-pair (SNOWFLAKE_JWT) or token (PROGRAMMATIC_ACCESS_TOKEN) connection to Snowflake or the local endpoint, promise-shaped. */
export class SnowflakeClient {
  private constructor(private readonly connection: snowflake.Connection) {}

  static async connect(login: SnowflakeLogin): Promise<SnowflakeClient> {
    const connection = driver().createConnection({
      account: login.account,
      ...(login.accessUrl ? { accessUrl: login.accessUrl } : {}),
      username: login.username,
      ...authenticationOf(login),
      ...(login.role ? { role: login.role } : {}),
      ...(login.warehouse ? { warehouse: login.warehouse } : {}),
      ...(login.database ? { database: login.database } : {}),
      ...(login.schema ? { schema: login.schema } : {}),
      application: 'Gatehouse',
    } as snowflake.ConnectionOptions);
    await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
    return new SnowflakeClient(connection);
  }

  execute(sqlText: string, binds?: (string | number | boolean | null)[]): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      this.connection.execute({
        sqlText,
        ...(binds ? { binds: binds as snowflake.Binds } : {}),
        complete: (error, _statement, rows) => (error ? reject(error) : resolve((rows ?? []) as Row[])),
      });
    });
  }

  /** The result as a table: column names in order and rows as arrays (what catalog discovery reads). */
  table(sqlText: string): Promise<{ columns: string[]; rows: unknown[][] }> {
    return new Promise((resolve, reject) => {
      this.connection.execute({
        sqlText,
        complete: (error, statement, rows) => {
          if (error) return reject(error);
          const columns = (statement.getColumns() ?? []).map((c) => c.getName());
          resolve({ columns, rows: ((rows ?? []) as Row[]).map((r) => columns.map((c) => r[c])) });
        },
      });
    });
  }

  /** False once the session is gone (closed, expired, or its login failed). */
  isUp(): boolean {
    return this.connection.isUp();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.connection.destroy(() => resolve()));
  }
}

/** Opens a client, runs `work`, always closes it. */
export async function withClient<T>(login: SnowflakeLogin, work: (client: SnowflakeClient) => Promise<T>): Promise<T> {
  const client = await SnowflakeClient.connect(login);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}
