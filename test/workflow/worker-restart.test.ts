import { AccessClient } from '../../access';
import { connectRedis, connectTemporalClient, decodeKey, GrantStore, temporalSettings, waitForRedis, type Redis } from '../../lib';
import { waitFor, type ManagedProcess } from '../../devstack';
import { startWorkerProcess, workerFamily } from '../support/spawn-worker';
import { TEST_CONFIG_YAML, testConfig, testRedisUrl, waitForState, waitForStatus } from '../support/harness';
import type { Client } from '@temporalio/client';

describe('a worker killed mid-request', () => {
  const family = workerFamily('restart');
  const { taskQueue, prefix } = family;
  let client: Client;
  let access: AccessClient;
  let redis: Redis;
  let grants: GrantStore;
  const workers: ManagedProcess[] = [];

  const startWorker = async (name: string) => {
    const proc = await startWorkerProcess(family, name);
    workers.push(proc);
    return proc;
  };

  beforeAll(async () => {
    client = await connectTemporalClient({ ...temporalSettings(), taskQueue });
    // The approval must outlast a worker's start on a loaded machine: this test is about restarts,
    // not about the approval deadline (access-lifecycle covers that).
    access = new AccessClient(client, testConfig(TEST_CONFIG_YAML.replace('approvalTimeout: 4s', 'approvalTimeout: 90s')), taskQueue);
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    grants = new GrantStore(redis, decodeKey(family.env.GATEHOUSE_GRANT_TOKEN_KEY!, 'key'));
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
