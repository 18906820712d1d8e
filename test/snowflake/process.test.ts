import './quiet';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalSnowflakeProcess, type LocalSnowflakeProcess } from '../../devstack/snowflake';
import { connectWithKey, tempDir } from './support';

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
});
