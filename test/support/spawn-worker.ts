import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { TEST_CONFIG_YAML, testRedisUrl } from './harness';
import { PATIENCE_MS } from './eventually';

const root = join(__dirname, '../..');

/** Everything one family of worker processes shares: task queue, keys, where the doubles write. */
export interface WorkerFamily {
  taskQueue: string;
  prefix: string;
  env: Record<string, string>;
}

export function workerFamily(name: string): WorkerFamily {
  const taskQueue = `${name}-${randomBytes(4).toString('hex')}`;
  const configFile = join(mkdtempSync(join(tmpdir(), 'gatehouse-worker-')), 'gatehouse.yaml');
  writeFileSync(configFile, TEST_CONFIG_YAML);
  return {
    taskQueue,
    prefix: `doubles:${taskQueue}`,
    env: {
      GATEHOUSE_CONFIG: configFile,
      GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64'),
      GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      REDIS_URL: testRedisUrl(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      DOUBLES_PREFIX: `doubles:${taskQueue}`,
      LOG_LEVEL: 'info',
    },
  };
}

/**
 * Starts test/support/worker-process.ts (the real runWorker) and waits until it polls. `script`
 * picks another entry point under test/support/ (e.g. audit-worker-process.ts).
 */
export async function startWorkerProcess(family: WorkerFamily, name: string, extraEnv: Record<string, string> = {}, script = 'worker-process.ts'): Promise<ManagedProcess & { output: string[] }> {
  let ready = false;
  const output: string[] = [];
  const proc = startProcess(name, process.execPath, ['--import', 'tsx', join(root, 'test/support', script)], {
    cwd: root,
    env: { ...process.env, ...family.env, ...extraEnv },
    onLine: (line) => {
      output.push(line);
      if (line.includes('worker running')) ready = true;
    },
  });
  // A worker process loads the SDK and connects before it polls: minutes on a loaded machine.
  await waitFor(`starting ${name}`, async () => (ready ? true : undefined), 2 * PATIENCE_MS, proc);
  return Object.assign(proc, { output });
}
