import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from './engine';
import { historyFile } from './history-log';
import { seedHealthData } from './seed';
import { startSnowflakeEndpoint, type SnowflakeEndpoint } from './server';

export const DEFAULT_ACCOUNT = 'gatehouse-dev';
export const ADMIN_USER = 'ADMIN';

export interface LocalSnowflakeOptions {
  /** Where users, roles, grants and table data persist across restarts. */
  dataDir: string;
  port?: number;
  host?: string;
  account?: string;
  /** The ADMIN user's password (ACCOUNTADMIN). Default: generated once and kept in DATA/admin-password (0600). */
  adminPassword?: string;
  /** Seed the synthetic health dataset on first start (skipped when the folder is already seeded). */
  seed?: { seed: number; patients: number } | false;
  sessionTokenValiditySeconds?: number;
  masterTokenValiditySeconds?: number;
  /** Records every login and statement as a JSON line here (./history-log.ts). */
  historyFile?: string;
}

export interface LocalSnowflake extends SnowflakeEndpoint {
  dataDir: string;
  adminUser: string;
  adminPassword: string;
}

/**
 * A local Snowflake in this process: the catalog and DuckDB files under `dataDir`, an ADMIN user
 * (password login, ACCOUNTADMIN) for bootstrap, the synthetic dataset on first start, and the
 * HTTP endpoint the snowflake-sdk connects to with `accessUrl`.
 */
export async function startLocalSnowflake(options: LocalSnowflakeOptions): Promise<LocalSnowflake> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const engine = await Engine.open(options.dataDir, options.account ?? DEFAULT_ACCOUNT);
  try {
    const passwordFile = join(options.dataDir, 'admin-password');
    let adminPassword = options.adminPassword;
    if (!adminPassword) {
      if (existsSync(passwordFile)) adminPassword = readFileSync(passwordFile, 'utf8').trim();
      else {
        adminPassword = randomBytes(18).toString('base64url');
        writeFileSync(passwordFile, `${adminPassword}\n`, { mode: 0o600 });
      }
    }
    const admin = engine.catalog.user(ADMIN_USER);
    if (!admin) {
      engine.catalog.createUser({ name: ADMIN_USER, type: 'PERSON', password: adminPassword, defaultRole: 'ACCOUNTADMIN', owner: 'ACCOUNTADMIN', comment: 'local endpoint bootstrap user' });
      engine.catalog.grantRole('ACCOUNTADMIN', 'USER', ADMIN_USER, 'ACCOUNTADMIN');
    } else if (!engine.catalog.checkPassword(admin, adminPassword)) {
      engine.catalog.updateUser(ADMIN_USER, { password: adminPassword });
    }
    if (options.seed && !engine.catalog.seeded) {
      await seedHealthData(engine, options.seed);
      engine.catalog.markSeeded(options.seed.seed, options.seed.patients);
    }
    const endpoint = await startSnowflakeEndpoint({
      engine,
      port: options.port,
      host: options.host,
      sessionTokenValiditySeconds: options.sessionTokenValiditySeconds,
      masterTokenValiditySeconds: options.masterTokenValiditySeconds,
      ...(options.historyFile ? { history: historyFile(options.historyFile) } : {}),
    });
    return {
      ...endpoint,
      dataDir: options.dataDir,
      adminUser: ADMIN_USER,
      adminPassword,
      async close() {
        await endpoint.close();
        await engine.close();
      },
    };
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
}
