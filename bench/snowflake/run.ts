/**
 * npm run bench:snowflake [-- --quick] — queries per second through the unmodified snowflake-sdk
 * against the local endpoint, for a 1,000-row SELECT of CLINICAL.PHI.PATIENTS as an issued user
 * (key-pair login, CLINICAL_ANALYST: every query goes through parsing and the grant check).
 * Baseline, measured in the same run on the same data: the same SELECT straight on DuckDB
 * (no HTTP, no JSON, no driver). The ratio says what the Snowflake protocol layer costs.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../activities/credentials/snowflake/quiet-driver';
import snowflake from 'snowflake-sdk';
import { startLocalSnowflake } from '../../devstack/snowflake';

const quick = process.argv.includes('--quick');
const SQL = 'SELECT * FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 1000';

async function rate(seconds: number, run: () => Promise<number>): Promise<{ qps: number; rows: number }> {
  await run(); // warm-up
  let count = 0;
  let rows = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < end) {
    rows = await run();
    count++;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { qps: count / elapsed, rows };
}

async function main(): Promise<void> {
  snowflake.configure({ logLevel: 'OFF' } as Parameters<typeof snowflake.configure>[0]);
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-sf-'));
  const sf = await startLocalSnowflake({ dataDir: dir, seed: { seed: 1, patients: 1000 } });
  try {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await sf.engine.admin([
      `CREATE USER BENCH TYPE = SERVICE RSA_PUBLIC_KEY = '${publicKey.toString('base64')}' DEFAULT_ROLE = CLINICAL_ANALYST`,
      'GRANT ROLE CLINICAL_ANALYST TO USER BENCH',
    ]);
    const connection = snowflake.createConnection({ account: 'gatehouse-dev', accessUrl: sf.url, username: 'BENCH', authenticator: 'SNOWFLAKE_JWT', privateKey } as snowflake.ConnectionOptions);
    await new Promise<void>((resolve, reject) => connection.connect((e) => (e ? reject(e) : resolve())));
    const viaDriver = () =>
      new Promise<number>((resolve, reject) =>
        connection.execute({ sqlText: SQL, complete: (e, _s, rows) => (e ? reject(e) : resolve(rows?.length ?? 0)) }),
      );
    const duck = sf.engine.loader;
    const viaDuckDb = async () => (await duck.runAndReadAll(SQL)).getRows().length;

    const login = await fetch(`${sf.url}/session/v1/login-request`, {
      method: 'POST',
      body: JSON.stringify({ data: { ACCOUNT_NAME: sf.account, LOGIN_NAME: sf.adminUser, PASSWORD: sf.adminPassword } }),
    });
    const token = ((await login.json()) as { data: { token: string } }).data.token;
    const viaHttp = async () => {
      const response = await fetch(`${sf.url}/queries/v1/query-request`, { method: 'POST', headers: { authorization: `Snowflake Token="${token}"` }, body: JSON.stringify({ sqlText: SQL }) });
      return ((await response.json()) as { data: { rowset: unknown[] } }).data.rowset.length;
    };

    const seconds = quick ? 1.5 : 5;
    const driver = await rate(seconds, viaDriver);
    const http = await rate(seconds, viaHttp);
    const baseline = await rate(seconds, viaDuckDb);
    await new Promise<void>((resolve) => connection.destroy(() => resolve()));
    if (driver.rows !== 1000 || baseline.rows !== 1000) throw new Error(`expected 1000 rows, got ${driver.rows} / ${baseline.rows}`);
    const ratio = driver.qps / baseline.qps;
    process.stdout.write(
      [
        `snowflake-sdk -> local endpoint, 1,000-row SELECT: ${driver.qps.toFixed(1)} queries/s (${driver.qps.toFixed(1)}k rows/s)`,
        `same request over plain HTTP (no driver):        ${http.qps.toFixed(1)} queries/s`,
        `baseline, same SELECT straight on DuckDB:        ${baseline.qps.toFixed(1)} queries/s`,
        `ratio driver/baseline: ${ratio.toFixed(3)} (the protocol layer costs ${(1 / ratio).toFixed(1)}x)`,
      ].join('\n') + '\n',
    );
  } finally {
    await sf.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:snowflake failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
