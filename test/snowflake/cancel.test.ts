import './quiet';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type snowflake from 'snowflake-sdk';
import { startLocalSnowflake, type LocalSnowflake } from '../../devstack/snowflake';
import { connect, connectAdmin, errorCode, tempDir, type Driver } from './support';

// A query that would run for hours: DuckDB counts 10^13 generated rows.
const RUNAWAY = 'SELECT COUNT(*) AS N FROM TABLE(GENERATOR(ROWCOUNT => 10000000000000))';
const WINDOW_MS = 1_500;

/**
 * CPU milliseconds used by this process's threads other than the JavaScript one (DuckDB's workers
 * and the thread pool running the query), over a window: Jest's own work on the main thread is
 * left out, so the figure is the stand-in's query work. From /proc/self/task/<tid>/stat, in ticks of 10 ms.
 */
function backgroundCpuMs(): number {
  let ticks = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return ticks * 10;
}

async function cpuOver(ms = WINDOW_MS): Promise<number> {
  const start = backgroundCpuMs();
  await sleep(ms);
  return backgroundCpuMs() - start;
}

/** "Quiet" after stopping: a small share of what the query used, and at most a few ticks. */
const QUIET_MS = 60;
/**
 * What a query left running would add in one window is about a whole core (WINDOW_MS); a quarter
 * of that above the process's own background (measured in the same run, just before) is "quiet".
 * Jest runs suites one after another in the same worker process, so threads an earlier suite left
 * behind (a Temporal runtime, say) can keep this process's background busy on a loaded machine.
 */
const MARGIN_MS = Math.max(QUIET_MS, WINDOW_MS / 4);

interface Started {
  statement: snowflake.RowStatement;
  outcome: Promise<{ code?: string; message: string; sqlState?: string }>;
}

/** Starts a statement without awaiting it; outcome settles with the error it ends with. */
function start(driver: Driver, sqlText: string): Started {
  let statement!: snowflake.RowStatement;
  const outcome = new Promise<{ code?: string; message: string; sqlState?: string }>((resolve, reject) => {
    statement = driver.connection.execute({
      sqlText,
      complete: (error) => (error ? resolve(error as { code?: string; message: string; sqlState?: string }) : reject(new Error('the runaway query finished'))),
    });
  });
  return { statement, outcome };
}

describe('runaway statements stop: statement.cancel(), STATEMENT_TIMEOUT_IN_SECONDS, a destroyed connection', () => {
  let sf: LocalSnowflake;
  let admin: Driver;
  const dir = tempDir();

  beforeAll(async () => {
    sf = await startLocalSnowflake({ dataDir: dir, seed: false, adminPassword: 'cancel-admin-pw' });
    admin = await connectAdmin(sf);
    await admin.query(`CREATE USER WORKER PASSWORD = 'worker-pw-1' DEFAULT_ROLE = PUBLIC`);
    await admin.query(`CREATE USER NEWCOMER PASSWORD = 'newcomer-pw-1' DEFAULT_ROLE = PUBLIC`);
    await admin.query('GRANT ROLE PUBLIC TO USER WORKER');
    await admin.query('GRANT ROLE PUBLIC TO USER NEWCOMER');
  });
  afterAll(async () => {
    await admin?.close();
    await sf?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until the runaway burns CPU (so the measurement after stopping it can fail). */
  async function burning(): Promise<number> {
    let busy = 0;
    for (let attempt = 0; attempt < 10 && busy < WINDOW_MS * 0.1; attempt++) busy = await cpuOver();
    expect(busy).toBeGreaterThan(WINDOW_MS * 0.1);
    return busy;
  }

  test('statement.cancel() stops the query: 000604 "SQL execution canceled", and the CPU goes quiet', async () => {
    const background = await cpuOver();
    const run = start(admin, RUNAWAY);
    let busy: number;
    try {
      busy = await burning();
    } finally {
      await new Promise<void>((resolve, reject) => run.statement.cancel((error) => (error ? reject(error) : resolve())));
    }
    const error = await run.outcome;
    expect(error.code).toBe('000604');
    expect(error.message).toBe('SQL execution canceled');
    expect(await cpuOver()).toBeLessThanOrEqual(background + Math.max(MARGIN_MS, (busy - background) / 4));
    // The session is usable afterwards (DuckDB's interrupt does not linger).
    expect(await admin.query('SELECT 1 AS ONE')).toEqual([{ ONE: 1 }]);
  });

  test('a session STATEMENT_TIMEOUT_IN_SECONDS stops the query with 000630 and its own wording', async () => {
    const driver = await connect(sf, { username: 'WORKER', password: 'worker-pw-1' });
    try {
      await driver.query('ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 1');
      const background = await cpuOver();
      const run = start(driver, RUNAWAY);
      const error = await run.outcome;
      expect(error.code).toBe('000630');
      expect(error.message).toBe('Statement reached its statement or warehouse timeout of 1 second(s) and was canceled.');
      // With nothing running, this process is back to its own background.
      expect(await cpuOver()).toBeLessThanOrEqual(background + MARGIN_MS);
    } finally {
      await driver.close();
    }
  });

  test('ALTER USER ... SET STATEMENT_TIMEOUT_IN_SECONDS applies to the user\'s sessions; the session value overrides it', async () => {
    await admin.query('ALTER USER WORKER SET STATEMENT_TIMEOUT_IN_SECONDS = 1');
    const driver = await connect(sf, { username: 'WORKER', password: 'worker-pw-1' });
    try {
      const first = await start(driver, RUNAWAY).outcome;
      expect(first.code).toBe('000630');
      expect(first.message).toContain('timeout of 1 second(s)');
      await driver.query('ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 2');
      const second = await start(driver, RUNAWAY).outcome;
      expect(second.message).toContain('timeout of 2 second(s)');
      await driver.query('ALTER SESSION UNSET STATEMENT_TIMEOUT_IN_SECONDS');
      expect((await start(driver, RUNAWAY).outcome).message).toContain('timeout of 1 second(s)');
    } finally {
      await driver.close();
      await admin.query('ALTER USER WORKER UNSET STATEMENT_TIMEOUT_IN_SECONDS');
    }
  });

  test('ALTER ACCOUNT SET STATEMENT_TIMEOUT_IN_SECONDS is the fallback for users without their own', async () => {
    await admin.query('ALTER ACCOUNT SET STATEMENT_TIMEOUT_IN_SECONDS = 1');
    const driver = await connect(sf, { username: 'NEWCOMER', password: 'newcomer-pw-1' });
    try {
      expect((await start(driver, RUNAWAY).outcome).code).toBe('000630');
      // Only ACCOUNTADMIN changes account parameters.
      expect(await errorCode(driver.query('ALTER ACCOUNT SET STATEMENT_TIMEOUT_IN_SECONDS = 0'))).toBe('003001');
    } finally {
      await driver.close();
      await admin.query('ALTER ACCOUNT UNSET STATEMENT_TIMEOUT_IN_SECONDS');
    }
  });

  test('bad timeout values and unauthorised changes are refused', async () => {
    for (const value of ['-1', "'soon'", '604801', '1.5']) {
      expect(await errorCode(admin.query(`ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = ${value}`))).toBe('002041');
    }
    expect(await errorCode(admin.query('ALTER USER WORKER SET STATEMENT_TIMEOUT_IN_SECONDS = -5'))).toBe('002041');
    const driver = await connect(sf, { username: 'WORKER', password: 'worker-pw-1' });
    try {
      // A user cannot lift the limit an administrator set on it (it does not own itself).
      expect(await errorCode(driver.query('ALTER USER WORKER SET STATEMENT_TIMEOUT_IN_SECONDS = 0'))).toBe('003001');
    } finally {
      await driver.close();
    }
  });

  test('destroying the connection cancels its running query', async () => {
    const driver = await connect(sf, { username: 'WORKER', password: 'worker-pw-1' });
    const background = await cpuOver();
    const run = start(driver, RUNAWAY);
    run.outcome.catch(() => undefined);
    let busy: number;
    try {
      busy = await burning();
    } finally {
      await driver.close();
    }
    // The stand-in stops the query as the session ends; measure once the engine says so.
    for (let attempt = 0; attempt < 50 && sf.engine.runningStatements() > 0; attempt++) await sleep(100);
    expect(sf.engine.runningStatements()).toBe(0);
    expect(await cpuOver()).toBeLessThanOrEqual(background + Math.max(MARGIN_MS, (busy - background) / 4));
  });
});
