import { rmSync } from 'node:fs';
import { startLocalSnowflake, type LocalSnowflake } from '../../../devstack/snowflake';
import { connect, connectAdmin, newKeyPair, tempDir, type Driver, type Rows } from '../support';

/**
 * One compatibility case: SQL sent through the unmodified snowflake-sdk, and what Snowflake
 * answers to it per its documentation (`doc`, the page the expectation comes from).
 * `rows`: the rows exactly; `check`: a custom assertion; `error`: the error code (and message).
 */
export interface Case {
  sql: string;
  doc: string;
  rows?: Rows;
  check?: (rows: Rows, driver: Driver) => void | Promise<void>;
  error?: { code: string; message?: string | RegExp; sqlState?: string };
  /** Run as the CLINICAL_ANALYST user instead of the admin. */
  analyst?: boolean;
}

export interface CompatStand {
  sf: LocalSnowflake;
  admin: Driver;
  analyst: Driver;
  close(): Promise<void>;
}

/** A seeded stand-in, its admin and an analyst (CLINICAL_ANALYST, CLINICAL.PHI current). */
export async function startCompat(): Promise<CompatStand> {
  const dir = tempDir('gatehouse-sf-compat-');
  const sf = await startLocalSnowflake({ dataDir: dir, seed: { seed: 7, patients: 20 }, adminPassword: 'compat-admin-pw' });
  const admin = await connectAdmin(sf);
  const keys = newKeyPair();
  await admin.query(`CREATE USER COMPAT_ANALYST TYPE = SERVICE RSA_PUBLIC_KEY = '${keys.publicKey}' DEFAULT_ROLE = CLINICAL_ANALYST DEFAULT_WAREHOUSE = ANALYTICS_WH DEFAULT_NAMESPACE = 'CLINICAL.PHI'`);
  await admin.query('GRANT ROLE CLINICAL_ANALYST TO USER COMPAT_ANALYST');
  await admin.query('USE DATABASE CLINICAL');
  await admin.query('USE SCHEMA PHI');
  const analyst = await connect(sf, { username: 'COMPAT_ANALYST', authenticator: 'SNOWFLAKE_JWT', privateKey: keys.privateKey });
  return {
    sf,
    admin,
    analyst,
    async close() {
      await analyst.close();
      await admin.close();
      await sf.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs one case against the stand-in. */
export async function runCase(stand: CompatStand, c: Case): Promise<void> {
  const driver = c.analyst ? stand.analyst : stand.admin;
  if (c.error) {
    let failure: { code?: string; message: string; sqlState?: string } | undefined;
    try {
      await driver.query(c.sql);
    } catch (error) {
      failure = error as typeof failure;
    }
    expect(failure).toBeDefined();
    expect(String(failure!.code)).toBe(c.error.code);
    if (c.error.message !== undefined) expect(failure!.message).toMatch(c.error.message);
    if (c.error.sqlState !== undefined) expect(failure!.sqlState).toBe(c.error.sqlState);
    return;
  }
  const rows = await driver.query(c.sql);
  if (c.rows) expect(rows).toEqual(c.rows);
  if (c.check) await c.check(rows, driver);
}

/**
 * One suite over a fresh stand-in (with a SCRATCH database to create things in): each group of
 * cases a describe block, its cases run in the order given.
 */
export function describeCompat(title: string, groups: Record<string, readonly Case[]>): void {
  describe(title, () => {
    let stand: CompatStand;
    beforeAll(async () => {
      stand = await startCompat();
      await stand.admin.query('CREATE DATABASE IF NOT EXISTS SCRATCH');
    });
    afterAll(async () => {
      await stand?.close();
    });
    for (const [group, cases] of Object.entries(groups)) {
      describe(group, () => {
        test.each(cases.map((c) => [c.sql, c] as const))('%s', async (_sql, c) => runCase(stand, c));
      });
    }
  });
}
