import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AccessClient, connectRedis, connectTemporalClient, decodeKey, GrantStore, waitForRedis, type Redis } from '../../lib';
import { startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { testConfig, testRedisUrl, waitForState, waitForStatus } from '../support/harness';
import type { Client } from '@temporalio/client';

const root = join(__dirname, '../..');

describe('a worker killed mid-request', () => {
  const taskQueue = `restart-${randomBytes(4).toString('hex')}`;
  const prefix = `doubles:${taskQueue}`;
  const keys = { GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64'), GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  let client: Client;
  let access: AccessClient;
  let redis: Redis;
  let grants: GrantStore;
  const workers: ManagedProcess[] = [];

  const startWorker = async (name: string) => {
    let ready = false;
    const proc = startProcess(name, process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'test/support/worker-process.ts')], {
      cwd: root,
      env: { ...process.env, ...keys, TEMPORAL_TASK_QUEUE: taskQueue, DOUBLES_PREFIX: prefix, LOG_LEVEL: 'info' },
      onLine: (line) => {
        if (line.includes('worker running')) ready = true;
      },
    });
    workers.push(proc);
    await waitFor(`starting ${name}`, async () => (ready ? true : undefined), 60_000, proc);
    return proc;
  };

  beforeAll(async () => {
    client = await connectTemporalClient({ address: process.env.TEMPORAL_ADDRESS!, namespace: 'default', taskQueue });
    access = new AccessClient(client, testConfig(), taskQueue);
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    grants = new GrantStore(redis, decodeKey(keys.GATEHOUSE_GRANT_TOKEN_KEY, 'key'));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await client.connection.close();
    redis.disconnect();
  });

  test('killed while waiting for approval and again while ACTIVE: the request still completes and revokes on time', async () => {
    const first = await startWorker('worker-1');
    const { requestId } = await access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 8_000, reason: 'restart drill' });
    await waitFor('the request notice', async () => ((await redis.lrange(`${prefix}:notices`, 0, -1)).includes(`${requestId}:requested`) ? true : undefined), 30_000);
    await first.stop('SIGKILL');

    await startWorker('worker-2');
    await access.approve(requestId, 'alice@example.org');
    const active = await waitForState(access, requestId, 'ACTIVE');
    expect(await grants.get(active.grantId!)).not.toBeNull();
    await workers[1]!.stop('SIGKILL');

    // Nobody is polling now; the expiry timer lives on the Temporal server. The grant's TTL
    // alone already ends access at the approved end.
    await waitFor('the grant to lapse', async () => ((await grants.get(active.grantId!)) === null ? true : undefined), 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(active.expiresAt!));

    await startWorker('worker-3');
    const done = await waitForStatus(access, requestId, (s) => s.state === 'ARCHIVED', 60_000);
    expect(done.revocation).toMatchObject({ by: 'system:expiry' });
    expect(Date.parse(done.revokedAt!)).toBeGreaterThanOrEqual(Date.parse(active.expiresAt!));
    const revoked = await redis.lrange(`${prefix}:revoked`, 0, -1);
    expect(revoked.filter((r) => r.startsWith(`${requestId}@`))).toHaveLength(1);
    expect(await redis.lrange(`${prefix}:issued`, 0, -1)).toEqual([requestId]);
  });
});
