import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisServer } from '../redis';
import { ensureTemporalCli, startTemporalServer } from '../temporal';
import { projectRoot, stateDir } from '../../lib';
import { stopOnSignals } from './signals';

const log = (message: string) => process.stderr.write(`[test stack] ${message}\n`);

/**
 * Starts one Temporal dev server (fresh SQLite file) and one private Redis, runs jest against
 * them, and stops both whatever jest's outcome. Extra arguments go to jest.
 */
export async function runTests(jestArgs: string[]): Promise<number> {
  const cli = ensureTemporalCli(log);
  const dir = stateDir('test-run', String(process.pid));
  const temporal = await startTemporalServer({ cli, dbFile: join(dir, 'temporal.db'), fresh: true, log });
  const redis = await startRedisServer({ dataDir: dir });
  log(`Temporal ${temporal.address}, Redis ${redis.url}`);
  const cleanup = async () => {
    await Promise.allSettled([temporal.stop(), redis.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  const jest = spawn(process.execPath, [join(projectRoot, 'node_modules', 'jest', 'bin', 'jest.js'), ...jestArgs], {
    cwd: projectRoot,
    stdio: 'inherit',
    env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, GATEHOUSE_TEST_REDIS_URL: redis.url },
  });
  const release = stopOnSignals((signal) => jest.kill(signal));
  const code = await new Promise<number>((resolve) => jest.on('exit', (c, s) => resolve(c ?? (s ? 130 : 1))));
  await cleanup();
  release();
  return code;
}
