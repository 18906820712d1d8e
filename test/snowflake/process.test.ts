import './quiet';
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { HISTORY_FILE, parseHistory, startLocalSnowflakeProcess, type LocalSnowflakeProcess } from '../../devstack/snowflake';
import { connect, connectWithKey, tempDir } from './support';

/** CPU seconds a process has used so far (utime + stime from /proc, in clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe('gatehouse devstack snowflake (its own process)', () => {
  const dir = tempDir();
  let sf: LocalSnowflakeProcess | undefined;
  afterAll(async () => {
    await sf?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('starts, seeds, bootstraps the broker, prints no secret, and stops on SIGTERM', async () => {
    const lines: string[] = [];
    sf = await startLocalSnowflakeProcess({ dataDir: join(dir, 'data'), patients: 5, seed: 1, brokerKeyFile: join(dir, 'broker.pem'), onLine: (l) => lines.push(l) });
    expect(sf.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const broker = await connectWithKey(sf, 'GATEHOUSE_BROKER', sf.brokerPrivateKey!, { role: 'GATEHOUSE_BROKER_ROLE' });
    expect(await broker.query('SELECT CURRENT_ROLE() AS R')).toEqual([{ R: 'GATEHOUSE_BROKER_ROLE' }]);
    await broker.close();
    const printed = `${lines.join('\n')}\n${sf.process.tail()}`;
    expect(printed).not.toContain('PRIVATE KEY');
    expect(printed).not.toContain(sf.adminPassword);
    await sf.stop();
    expect(sf.process.child.exitCode).toBe(0);
    sf = undefined;
  });

  test('records every login and statement in DATA/query-history.jsonl before it runs; a SIGKILL loses none; a restart keeps the broker key', async () => {
    const data = join(dir, 'history');
    sf = await startLocalSnowflakeProcess({ dataDir: data, patients: 2, seed: 1, brokerKeyFile: join(dir, 'history.pem') });
    const broker = await connectWithKey(sf, 'GATEHOUSE_BROKER', sf.brokerPrivateKey!, { role: 'GATEHOUSE_BROKER_ROLE' });
    await broker.query("SELECT 'first' AS A");
    await broker.query("SELECT 'second' AS A");
    await broker.query("ALTER USER GH_NOBODY SET PASSWORD = 'hunter2''s-secret'").catch(() => undefined);
    sf.process.child.kill('SIGKILL');
    await new Promise((resolve) => sf!.process.child.once('exit', resolve));
    sf = undefined;
    const events = parseHistory(readFileSync(join(data, HISTORY_FILE), 'utf8')).filter((e) => e.user === 'GATEHOUSE_BROKER');
    expect(events.map((e) => (e.kind === 'query' ? e.sqlText : e.kind)).filter((t) => t === 'login' || /first|second/.test(t))).toEqual(['login', "SELECT 'first' AS A", "SELECT 'second' AS A"]);
    expect(events.every((e) => e.role === 'GATEHOUSE_BROKER_ROLE' && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    // Restarted on the same folder, it keeps the broker's key: a worker holding it goes on working.
    const key = readFileSync(join(dir, 'history.pem'), 'utf8');
    sf = await startLocalSnowflakeProcess({ dataDir: data, patients: 2, seed: 1, brokerKeyFile: join(dir, 'history.pem') });
    expect(sf.brokerPrivateKey).toBe(key);
    const again = await connectWithKey(sf, 'GATEHOUSE_BROKER', key, { role: 'GATEHOUSE_BROKER_ROLE' });
    expect(await again.query('SELECT CURRENT_USER() AS U')).toEqual([{ U: 'GATEHOUSE_BROKER' }]);
    await again.close();
    await sf.stop();
    sf = undefined;
    const text = readFileSync(join(data, HISTORY_FILE), 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).toContain("PASSWORD = '****'");
    expect(parseHistory('{"kind":"query","at":"x"\n{"kind":"login","at":"2026-01-01T00:00:00Z","user":"U","role":"R"}\n')).toEqual([{ kind: 'login', at: '2026-01-01T00:00:00Z', user: 'U', role: 'R' }]);
  });

  test('SIGTERM while a runaway query runs: the process exits within 3 s', async () => {
    sf = await startLocalSnowflakeProcess({ dataDir: join(dir, 'runaway'), patients: 2, seed: 1 });
    const admin = await connect(sf, { username: sf.adminUser, password: sf.adminPassword });
    admin.connection.execute({ sqlText: 'SELECT COUNT(*) FROM TABLE(GENERATOR(ROWCOUNT => 10000000000000))', complete: () => undefined });
    const pid = sf.process.child.pid!;
    // Wait until the query visibly burns CPU in the child.
    const before = cpuSeconds(pid);
    for (let attempt = 0; attempt < 100 && cpuSeconds(pid) - before < 0.5; attempt++) await sleep(100);
    expect(cpuSeconds(pid) - before).toBeGreaterThanOrEqual(0.5);
    const exited = new Promise<number | null>((resolve) => sf!.process.child.once('exit', (code) => resolve(code)));
    sf.process.child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(3_000).then(() => 'still running' as const)]);
    expect(code).toBe(0);
    admin.connection.destroy(() => undefined);
    sf = undefined;
  });
});
