// Found by the chaos run (issue 19): a Temporal server killed as a grant's expiry timer came due
// fired it about 5 minutes late, and the Snowflake identity lived that long, because
// reconciliation spared every request still ACTIVE in Temporal. The grant record in Redis expires
// exactly at the grant's end: a request ACTIVE without it no longer protects its identity.
import type { Client } from '@temporalio/client';
import { AccessClient } from '../../access';
import type { ManagedProcess } from '../../devstack';
import { connectRedis, connectTemporalClient, temporalSettings, waitForRedis, type Redis } from '../../lib';
import { credentialReconciliation } from '../../workflows';
import { TEST_CONFIG_YAML, testConfig, testRedisUrl, waitForState, waitForStatus } from '../support/harness';
import { startWorkerProcess, workerFamily } from '../support/spawn-worker';

describe('reconciliation when the expiry timer is late', () => {
  const family = workerFamily('late-timer');
  const { taskQueue, prefix } = family;
  let client: Client;
  let access: AccessClient;
  let redis: Redis;
  let worker: ManagedProcess | undefined;

  beforeAll(async () => {
    client = await connectTemporalClient({ ...temporalSettings(), taskQueue });
    access = new AccessClient(client, testConfig(TEST_CONFIG_YAML.replace('maxDuration: 20s', 'maxDuration: 10m')), taskQueue);
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    worker = await startWorkerProcess(family, 'late-timer-1');
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await client.connection.close();
    redis.disconnect();
  });

  test('an ACTIVE request whose grant record is gone (its end passed, the timer not yet fired) has its identity dropped; one with its record keeps it', async () => {
    const ask = () => access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 600_000, reason: 'late timer drill' });
    const [{ requestId: ended }, { requestId: live }] = [await ask(), await ask()];
    for (const id of [ended, live]) await access.approve(id, 'alice@example.org');
    await waitForState(access, ended, 'ACTIVE');
    await waitForState(access, live, 'ACTIVE');

    // As Redis sees the grant once its end has passed: the record expired (PXAT), the timer has not fired.
    await redis.del(`gatehouse:grant-of-request:${ended}`);
    await client.workflow.execute(credentialReconciliation, { taskQueue, workflowId: `reconcile-late-${ended}` });
    const reconciled = await redis.lrange(`${prefix}:reconciled`, 0, -1);
    expect(reconciled).toContain(ended);
    expect(reconciled).not.toContain(live);
    expect((await access.status(ended)).state).toBe('ACTIVE');

    for (const id of [ended, live]) await access.revoke(id, 'carol@example.org', 'drill over');
    for (const id of [ended, live]) await waitForStatus(access, id, (s) => s.state === 'ARCHIVED');
  });
});
