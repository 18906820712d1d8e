// What the demo checks outside the request's own story: the local Snowflake as its ADMIN, and
// the archive through the `gatehouse audit` command, with the same environment as the stack.
import '../../activities/credentials/snowflake/quiet-driver';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import snowflake from 'snowflake-sdk';
import { projectRoot } from '../../lib';
import { secret } from './narrator';

snowflake.configure({ logLevel: 'OFF' } as Parameters<typeof snowflake.configure>[0]);

export type Rows = Record<string, unknown>[];

export interface SnowflakeAdmin {
  query(sql: string): Promise<Rows>;
  close(): Promise<void>;
}

/** ADMIN (password login) on the local Snowflake; the password is read from `<state>/snowflake/admin-password`. */
export async function connectAdmin(url: string, stateDir: string): Promise<SnowflakeAdmin> {
  const password = secret(readFileSync(join(stateDir, 'snowflake', 'admin-password'), 'utf8').trim());
  const connection = snowflake.createConnection({ account: 'gatehouse-dev', accessUrl: url, username: 'ADMIN', password, role: 'ACCOUNTADMIN' } as snowflake.ConnectionOptions);
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  return {
    query: (sqlText) => new Promise<Rows>((resolve, reject) => connection.execute({
      sqlText,
      complete: (error, _statement, rows) => (error ? reject(error) : resolve((rows ?? []) as Rows)),
    })),
    close: () => new Promise<void>((resolve) => connection.destroy(() => resolve())),
  };
}

/** The names SHOW USERS lists. */
export async function userNames(admin: SnowflakeAdmin): Promise<string[]> {
  const rows = await admin.query('SHOW USERS');
  return rows.map((r) => String(r.name ?? r.NAME ?? ''));
}

/** `gatehouse <args>` with the stack's environment; resolves with its exit code and output. */
export function gatehouse(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'gatehouse.js'), ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
