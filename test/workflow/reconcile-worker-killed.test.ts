// Found by the chaos run (issue 19): when the worker died in the middle of a reconciliation pass,
// that pass's activity waited out its whole 5-minute startToCloseTimeout (it did not heartbeat),
// and the schedule, whose overlap policy is SKIP, skipped every later pass meanwhile: an identity
// whose grant ended then outlived it by minutes, whatever the reconciliation interval. Now the pass
// heartbeats (retried 10 s after its worker died) and a worker runs a pass as it starts.
import type { Client } from '@temporalio/client';
import { AccessClient } from '../../access';
import { RECONCILE_SCHEDULE_ID } from '../../activities';
import { waitFor, type ManagedProcess } from '../../devstack';
import { connectRedis, connectTemporalClient, temporalSettings, waitForRedis, type Redis } from '../../lib';
import { TEST_CONFIG_YAML, testConfig, testRedisUrl, waitForState, waitForStatus } from '../support/harness';
import { startWorkerProcess, workerFamily } from '../support/spawn-worker';

// Generous on purpose, not a timing goal: the old code could not drop the identity before the
// killed pass's 5-minute startToCloseTimeout; the new one does it within seconds of the restart.
const WELL_BEFORE_THE_OLD_TIMEOUT_MS = 150_000;

describe('a worker killed in the middle of a reconciliation pass', () => {
  const family = workerFamily('reconcile-killed');
  const { taskQueue, prefix } = family;
  const every = { GATEHOUSE_RECONCILE_EVERY: '5s' };
  let client: Client;
  let access: AccessClient;
  let redis: Redis;
  const workers: ManagedProcess[] = [];

  beforeAll(async () => {
    client = await connectTemporalClient({ ...temporalSettings(), taskQueue });
    access = new AccessClient(client, testConfig(TEST_CONFIG_YAML.replace('approvalTimeout: 4s', 'approvalTimeout: 90s').replace('maxDuration: 20s', 'maxDuration: 10m')), taskQueue);
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await client.schedule.getHandle(`${RECONCILE_SCHEDULE_ID}:${taskQueue}`).delete().catch(() => undefined);
    await client.connection.close();
    redis.disconnect();
  });

  test('the next worker reconciles at once: an ended grant\'s identity is dropped long before the dead pass would time out', async () => {
    // Every pass hangs until released, as if Snowflake did not answer SHOW USERS.
    await redis.set(`${prefix}:hold-reconcile`, '1');
    workers.push(await startWorkerProcess(family, 'reconciler-1', every));
    const { requestId } = await access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 600_000, reason: 'reconciliation drill' });
    await access.approve(requestId, 'alice@example.org');
    await waitForState(access, requestId, 'ACTIVE');
    await waitFor('a reconciliation pass to start', async () => (Number(await redis.get(`${prefix}:reconcile-started`)) > 0 ? true : undefined), 60_000);

    // The grant ends while the pass hangs (its record gone from Redis, the expiry timer not yet fired),
    // then the worker dies mid-pass and another one starts.
    await redis.del(`gatehouse:grant-of-request:${requestId}`);
    await workers[0]!.stop('SIGKILL');
    await redis.del(`${prefix}:hold-reconcile`);
    workers.push(await startWorkerProcess(family, 'reconciler-2', every));
    const restarted = Date.now();

    await waitFor('the ended grant\'s identity to be reconciled', async () => ((await redis.lrange(`${prefix}:reconciled`, 0, -1)).includes(requestId) ? true : undefined), WELL_BEFORE_THE_OLD_TIMEOUT_MS);
    process.stdout.write(`identity reconciled ${Math.round((Date.now() - restarted) / 1000)} s after the second worker polled\n`);
    expect((await access.status(requestId)).state).toBe('ACTIVE');

    await access.revoke(requestId, 'carol@example.org', 'drill over');
    await waitForStatus(access, requestId, (s) => s.state === 'ARCHIVED');
  }, 900_000);
});
