// Revocation always wins, also over a worker too busy to take the message: the grant is cut and
// the caller answered within a second; the workflow completes the revocation when it runs.
import { createAccessActivities, CredentialProviders } from '../../activities';
import { AccessClient } from '../../access';
import { newGrantId, temporalSettings } from '../../lib';
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
});
