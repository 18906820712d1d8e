// Revocation always wins, also over a worker too busy to take the message: the grant is cut and
// the caller answered within a second; the workflow completes the revocation when it runs.
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { createAccessActivities, CredentialProviders } from '../../activities';
import { AccessClient } from '../../access';
import { newGrantId, temporalDataConverter, temporalSettings } from '../../lib';
import { createAccessWorker } from '../../worker';
import { startHarness, waitForState, type Harness } from '../support/harness';

describe('a revoke while no worker takes the message', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('cuts the grant, answers REVOKING at once, and the workflow finishes the revocation later', async () => {
    const queue = `${h.taskQueue}-busy`;
    const busy = new AccessClient(h.client, h.config, queue, { revocations: h.grants.revocations(), revokeAnswerWithinMs: 500 });
    const { requestId } = await busy.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 15_000, reason: 'busy worker' });
    // The grant as the workflow would have stored it (its worker is "busy": none polls the queue yet).
    const grantId = newGrantId();
    await h.grants.activate({
      grantId, requestId, target: 'clinical', subject: 'carol@example.org', principal: 'GH_TEST', credentialRef: `fake:${requestId}`,
      issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const token = h.grants.tokenFor(grantId);
    expect(await h.grants.lookup(token)).not.toBeNull();

    const answer = await busy.revoke(requestId, 'carol@example.org', 'done early');
    expect(answer.state).toBe('REVOKING');
    expect(answer.detail).toMatch(/the grant is cut: its token is refused from now on/);
    expect(await h.grants.lookup(token)).toBeNull();

    // The worker comes back: the message was delivered, the request ends revoked by carol.
    const providers = new CredentialProviders(h.config.targets, { fake: () => h.provider });
    const { worker, connection } = await createAccessWorker({
      temporal: temporalSettings(), taskQueue: queue,
      activities: createAccessActivities({ notifier: h.notifier, providers, grants: h.grants, vault: h.vault, archiver: h.archiver }),
      workflowBundlePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE,
    });
    const running = worker.run();
    try {
      const done = await waitForState(busy, requestId, 'ARCHIVED');
      expect(done.revocation).toMatchObject({ by: 'carol@example.org', reason: 'done early' });
      expect(done.grantId).toBeUndefined();
      expect(h.provider.issued.has(requestId)).toBe(false);
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });

  it('hands a revocation to the workflow even when sending it fails at first: no identity is left to live to the grant end', async () => {
    // Temporal refuses the first two revoke messages (as a busy or restarting server does); the caller
    // is answered REVOKING with the grant cut, and the message is re-sent until the workflow has it.
    let refused = 0;
    const flaky: WorkflowClientInterceptor = {
      async startUpdate(input, next) {
        if (input.updateName === 'revoke' && refused < 2) {
          refused++;
          throw new Error('14 UNAVAILABLE: the workflow service is busy (injected)');
        }
        return next(input);
      },
    };
    const client = new Client({ connection: h.client.connection, namespace: temporalSettings().namespace, dataConverter: temporalDataConverter(temporalSettings()), interceptors: { workflow: [flaky] } });
    const warnings: string[] = [];
    const log = { warn: (...args: unknown[]) => void warnings.push(String(args[1])), error: (...args: unknown[]) => void warnings.push(String(args[1])) };
    const access = new AccessClient(client, h.config, h.taskQueue, { revocations: h.grants.revocations(), revokeAnswerWithinMs: 500, revokeResendAfterMs: [200, 200, 200], log });
    const { requestId } = await access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 20_000, reason: 'flaky temporal' });
    await h.access.approve(requestId, 'alice@example.org');
    const active = await waitForState(access, requestId, 'ACTIVE');
    const token = h.grants.tokenFor(active.grantId!);

    const answer = await access.revoke(requestId, 'carol@example.org', 'done early');
    expect(answer.state).toBe('REVOKING');
    expect(await h.grants.lookup(token)).toBeNull();

    // Without the re-send the workflow stayed ACTIVE to the grant's end (its Snowflake user alive) and ended it as an expiry.
    const done = await waitForState(access, requestId, 'ARCHIVED');
    expect(refused).toBe(2);
    expect(done.revocation).toMatchObject({ by: 'carol@example.org', reason: 'done early' });
    expect(h.provider.revoked).toContain(requestId);
    expect(warnings).toEqual(['a revocation was not taken by its workflow; sending it again', 'a revocation was not taken by its workflow; sending it again']);
  });

  it('does not re-send a revocation the workflow refused', async () => {
    let sent = 0;
    const counting: WorkflowClientInterceptor = {
      async startUpdate(input, next) {
        if (input.updateName === 'revoke') sent++;
        return next(input);
      },
    };
    const client = new Client({ connection: h.client.connection, namespace: temporalSettings().namespace, dataConverter: temporalDataConverter(temporalSettings()), interceptors: { workflow: [counting] } });
    const access = new AccessClient(client, h.config, h.taskQueue, { revocations: h.grants.revocations(), revokeResendAfterMs: [100, 100, 100] });
    const { requestId } = await access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 20_000, reason: 'refused revoke' });
    // Pending approval: there is no grant to cut, and the workflow refuses the stranger's revoke.
    await expect(access.revoke(requestId, 'mallory@example.org', 'not mine')).rejects.toThrow(/may not revoke/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent).toBe(1);
    await h.access.deny(requestId, 'alice@example.org', 'test over');
  });
});
