import './quiet';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snowflake from 'snowflake-sdk';
import type { LocalSnowflake } from '../../devstack/snowflake';

snowflake.configure({ logLevel: 'OFF' } as Parameters<typeof snowflake.configure>[0]);

export function tempDir(prefix = 'gatehouse-sf-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export { newKeyPair } from './keys';

export type Rows = Record<string, unknown>[];

export interface Driver {
  connection: snowflake.Connection;
  query(sqlText: string, binds?: unknown[]): Promise<Rows>;
  statement(sqlText: string, binds?: unknown[]): Promise<{ rows: Rows; statement: snowflake.RowStatement }>;
  close(): Promise<void>;
}

/** The unmodified snowflake-sdk, connected to the local endpoint over accessUrl. */
export async function connect(sf: Pick<LocalSnowflake, 'url' | 'account'>, options: Record<string, unknown>): Promise<Driver> {
  const connection = snowflake.createConnection({ account: sf.account.toLowerCase(), accessUrl: sf.url, ...options } as snowflake.ConnectionOptions);
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  const statement = (sqlText: string, binds?: unknown[]) =>
    new Promise<{ rows: Rows; statement: snowflake.RowStatement }>((resolve, reject) =>
      connection.execute({
        sqlText,
        ...(binds ? { binds: binds as snowflake.Binds } : {}),
        complete: (error, stmt, rows) => (error ? reject(error) : resolve({ rows: (rows ?? []) as Rows, statement: stmt })),
      }),
    );
  return {
    connection,
    statement,
    query: async (sqlText, binds) => (await statement(sqlText, binds)).rows,
    close: () => new Promise<void>((resolve) => connection.destroy(() => resolve())),
  };
}

export function connectAdmin(sf: LocalSnowflake): Promise<Driver> {
  return connect(sf, { username: sf.adminUser, password: sf.adminPassword });
}

export function connectWithKey(sf: Pick<LocalSnowflake, 'url' | 'account'>, username: string, privateKey: string, extra: Record<string, unknown> = {}): Promise<Driver> {
  return connect(sf, { username, authenticator: 'SNOWFLAKE_JWT', privateKey, ...extra });
}

/** The Snowflake error code a driver call failed with. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  throw new Error('expected the call to fail');
}
