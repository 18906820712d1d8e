import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assembleComponents, MissingComponentError, type ComponentContext, type ComponentRegistry } from '../../worker';
import { createLogger, connectRedis, RedisSecretVault, type Redis } from '../../lib';
import { MemoryArchiver, RecordingNotifier } from '../support/doubles';
import { testConfig, testRedisUrl } from '../support/harness';
import { startWorkerProcess, workerFamily } from '../support/spawn-worker';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../devstack';

const root = join(__dirname, '../..');

describe('the worker process', () => {
  test('serves health while running and shuts down gracefully, once, however many signals arrive', async () => {
    const family = workerFamily('health');
    const healthPort = await freePort();
    const worker = await startWorkerProcess(family, 'health-worker', { HEALTH_PORT: String(healthPort) });
    try {
      const response = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ state: 'RUNNING', taskQueue: family.taskQueue });
      expect((await fetch(`http://127.0.0.1:${healthPort}/other`)).status).toBe(404);
    } finally {
      const exited = new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)));
      // Ctrl-C reaches a worker twice (terminal and parent) and a supervisor may add a SIGTERM.
      worker.child.kill('SIGINT');
      worker.child.kill('SIGINT');
      worker.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(worker.output.join('\n')).toMatch(/shutting down the worker gracefully[\s\S]*worker stopped/);
    expect(worker.output.join('\n')).not.toMatch(/IllegalStateError|Error:/);
    // No key material in what the worker printed.
    for (const key of [family.env.GATEHOUSE_GRANT_TOKEN_KEY!, family.env.GATEHOUSE_ENCRYPTION_KEY!]) {
      expect(worker.output.join('\n')).not.toContain(key);
    }
  });

  test('serves the Temporal SDK\'s metrics at GATEHOUSE_WORKER_METRICS_ADDRESS, without key material', async () => {
    const family = workerFamily('metrics');
    const address = `127.0.0.1:${await freePort()}`;
    const worker = await startWorkerProcess(family, 'metrics-worker', { GATEHOUSE_WORKER_METRICS_ADDRESS: address });
    try {
      // The core registers its slot gauges once the worker polls; give it a moment under load.
      let text = '';
      for (let i = 0; i < 50 && !text.includes('worker_task_slots_available'); i++) {
        text = await fetch(`http://${address}/metrics`).then((r) => r.text(), () => '');
        if (!text.includes('worker_task_slots_available')) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(text).toMatch(new RegExp(`temporal_worker_task_slots_available\\{[^}]*task_queue="${family.taskQueue}"[^}]*worker_type="WorkflowWorker"`));
      for (const key of [family.env.GATEHOUSE_GRANT_TOKEN_KEY!, family.env.GATEHOUSE_ENCRYPTION_KEY!]) expect(text).not.toContain(key);
    } finally {
      const exited = new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)));
      worker.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  test('`gatehouse worker` names the broken configuration file and exits 3', () => {
    const result = spawnSync(process.execPath, [join(root, 'bin/gatehouse.js'), 'worker'], {
      cwd: root,
      env: { ...process.env, GATEHOUSE_CONFIG: '/nonexistent/gatehouse.yaml' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('invalid configuration in /nonexistent/gatehouse.yaml');
    expect(result.stderr).toContain('file not found');
  });

  test('`gatehouse worker` without keys says which variables to set', () => {
    const result = spawnSync(process.execPath, [join(root, 'bin/gatehouse.js'), 'worker'], {
      cwd: root,
      env: { ...process.env, GATEHOUSE_CONFIG: join(root, 'gatehouse.example.yaml'), GATEHOUSE_ENCRYPTION_KEY: '', GATEHOUSE_GRANT_TOKEN_KEY: '' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('missing GATEHOUSE_ENCRYPTION_KEY and GATEHOUSE_GRANT_TOKEN_KEY');
  });
});

describe('assembling the worker refuses to run with a silent no-op', () => {
  let redis: Redis;
  let context: ComponentContext;
  beforeAll(() => {
    redis = connectRedis(testRedisUrl());
    context = { config: testConfig(), env: {}, redis, vault: new RedisSecretVault(redis, randomBytes(32)), log: createLogger('test', 'silent') };
  });
  afterAll(() => redis.disconnect());

  const complete: ComponentRegistry = {
    notifier: () => new RecordingNotifier(),
    providers: { fake: () => () => ({ kind: 'fake', issue: async () => ({ credentialRef: 'c', principal: 'p' }), revoke: async () => {} }) },
    archiver: () => new MemoryArchiver(),
  };

  test('a complete registry assembles', () => {
    const components = assembleComponents(complete, context);
    expect(components.providers.for('clinical').kind).toBe('fake');
  });

  test('no notifier', () => {
    expect(() => assembleComponents({ ...complete, notifier: undefined }, context)).toThrow(new MissingComponentError('notifier', 'Approvals are asked for in Slack, and this build has no Slack notifier yet.'));
  });

  test('no archiver', () => {
    expect(() => assembleComponents({ ...complete, archiver: undefined }, context)).toThrow(/cannot start the worker: no archiver/);
  });

  test('a target whose credential provider this build lacks', () => {
    expect(() => assembleComponents({ ...complete, providers: {} }, context)).toThrow(
      'cannot start the worker: no credential provider "fake". target "clinical" uses credential provider "fake", which this worker does not have (available: none)',
    );
  });
});
