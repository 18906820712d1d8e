// Found by the chaos run (bench/chaos): a worker killed in the middle of revoking a credential
// left the identity alive for the revocation's whole startToCloseTimeout (2 minutes), and the
// reconciliation schedule did not help because the request's workflow was still running.
import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { AccessClient } from '../../access';
import { waitFor, type ManagedProcess } from '../../devstack';
import { connectRedis, connectTemporalClient, temporalSettings, waitForRedis, type Redis } from '../../lib';
import { credentialReconciliation } from '../../workflows';
import { TEST_CONFIG_YAML, testConfig, testRedisUrl, waitForState, waitForStatus } from '../support/harness';
import { startWorkerProcess, workerFamily } from '../support/spawn-worker';

const { EventType, TimeoutType } = temporal.api.enums.v1;

describe('a worker killed while it revokes a credential', () => {
  const family = workerFamily('revoke-killed');
  const { taskQueue, prefix } = family;
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
    await client.connection.close();
    redis.disconnect();
  });

  test('reconciliation drops the identity of a request stuck in REVOKING; the revocation is retried as soon as heartbeats stop', async () => {
    workers.push(await startWorkerProcess(family, 'revoker-1'));
    const { requestId } = await access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 600_000, reason: 'revocation drill' });
    await access.approve(requestId, 'alice@example.org');
    await waitForState(access, requestId, 'ACTIVE');

    // The revocation starts and hangs in the provider, as if Snowflake did not answer.
    await redis.set(`${prefix}:hold-revoke:${requestId}`, '1');
    await access.revoke(requestId, 'carol@example.org', 'done');
    await waitFor('the revocation to start', async () => ((await redis.lrange(`${prefix}:revoke-started`, 0, -1)).includes(requestId) ? true : undefined), 60_000);
    expect((await access.status(requestId)).state).toBe('REVOKING');

    // The workflow still runs, but its grant is over: reconciliation revokes the identity.
    await client.workflow.execute(credentialReconciliation, { taskQueue, workflowId: `reconcile-${requestId}` });
    // (the worker's start-up pass may have seen it too: a pass is idempotent)
    expect([...new Set(await redis.lrange(`${prefix}:reconciled`, 0, -1))]).toEqual([requestId]);

    // The worker dies mid-revocation; another takes over once the heartbeats stop.
    await workers[0]!.stop('SIGKILL');
    await redis.del(`${prefix}:hold-revoke:${requestId}`);
    workers.push(await startWorkerProcess(family, 'revoker-2'));
    await waitForStatus(access, requestId, (s) => s.state === 'ARCHIVED');
    expect((await redis.lrange(`${prefix}:revoked`, 0, -1)).filter((r) => r.startsWith(`${requestId}@`))).toHaveLength(1);

    // History says why the second attempt ran: the first one's heartbeat timed out (10 s),
    // not its start-to-close timeout (2 minutes).
    const history = await client.workflow.getHandle(requestId).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.activityType?.name === 'revokeCredential');
    expect(scheduled?.activityTaskScheduledEventAttributes?.heartbeatTimeout?.seconds?.toString()).toBe('10');
    const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED && e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString());
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBeGreaterThanOrEqual(2);
    expect(started?.activityTaskStartedEventAttributes?.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
  });
});
