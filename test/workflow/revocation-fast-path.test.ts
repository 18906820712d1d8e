import { randomBytes } from 'node:crypto';
import { AccessClient, AccessError } from '../../access';
import { GrantRevocations, GrantStore, type GrantRecord } from '../../lib';
import { startHarness, waitForState, waitForStatus, type Harness } from '../support/harness';

// Revocation's fast path: AccessClient.revoke cuts the grant in Redis before the workflow hears of
// it, an activation can never undo a cut, and a caller who may not revoke cannot use the fast path
// to kill somebody else's grant. Real Temporal, real Redis; no timing.

const grantFor = (requestId: string, overrides: Partial<GrantRecord> = {}): GrantRecord => ({
  grantId: `grt_${randomBytes(16).toString('hex')}`, requestId, target: 'clinical', subject: 'carol@example.org', principal: 'GH_X',
  credentialRef: `cred_${requestId}`, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(), ...overrides,
});

describe('GrantRevocations (Redis only)', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h.close(); });

  test('a cut deletes the grant and marks the request; an activation after it stores nothing', async () => {
    const revocations = new GrantRevocations(h.redis);
    const grant = grantFor(`req_${randomBytes(10).toString('hex')}`);
    expect(await h.grants.activate(grant)).toBe(true);
    const token = h.grants.tokenFor(grant.grantId);
    expect(await revocations.grantOf(grant.requestId)).toMatchObject({ grantId: grant.grantId, subject: 'carol@example.org' });

    expect(await revocations.cut(grant.requestId, 'revoked by carol@example.org: done')).toBe(grant.grantId);
    expect(await h.grants.lookup(token)).toBeNull();
    expect(await revocations.grantOf(grant.requestId)).toBeNull();
    expect(await revocations.isRevoked(grant.requestId)).toBe(true);
    // The workflow's activity retried (or a grant issued after the revoke): refused, nothing stored.
    expect(await h.grants.activate(grant)).toBe(false);
    expect(await h.grants.lookup(token)).toBeNull();
    // Idempotent.
    expect(await revocations.cut(grant.requestId, 'again')).toBeNull();
  });

  test('a cut before any grant exists still wins over the later activation', async () => {
    const revocations = new GrantRevocations(h.redis);
    const grant = grantFor(`req_${randomBytes(10).toString('hex')}`);
    expect(await revocations.cut(grant.requestId, 'withdrawn while issuing')).toBeNull();
    expect(await h.grants.activate(grant)).toBe(false);
    expect(await h.grants.lookup(h.grants.tokenFor(grant.grantId))).toBeNull();
  });

  test('the workflow\'s own deactivation also marks the request, and one request\'s cut leaves the others alone', async () => {
    const a = grantFor(`req_${randomBytes(10).toString('hex')}`);
    const b = grantFor(`req_${randomBytes(10).toString('hex')}`);
    await h.grants.activate(a);
    await h.grants.activate(b);
    await h.grants.deactivate({ grantId: a.grantId, requestId: a.requestId, target: a.target, reason: 'expired', at: new Date().toISOString() });
    expect(await h.grants.activate(a)).toBe(false);
    expect(await h.grants.lookup(h.grants.tokenFor(b.grantId))).toMatchObject({ grantId: b.grantId });
  });
});

describe('AccessClient.revoke: the grant is dead in Redis when revoke returns', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h.close(); });

  const activeRequest = async () => {
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 15_000, reason: 'fast path' });
    await h.access.approve(requestId, 'alice@example.org');
    const status = await waitForState(h.access, requestId, 'ACTIVE');
    return { requestId, token: h.grants.tokenFor(status.grantId!) };
  };

  test('by the requester, then by an approver of another request: refused at once, then revoked durably', async () => {
    for (const by of ['carol@example.org', 'bob@example.org']) {
      const { requestId, token } = await activeRequest();
      await expect(h.access.revoke(requestId, by, 'done')).resolves.toMatchObject({ detail: 'revocation started' });
      expect(await h.grants.lookup(token)).toBeNull();
      const archived = await waitForState(h.access, requestId, 'ARCHIVED');
      expect(archived.revocation).toMatchObject({ by });
    }
  });

  test('a hostile caller who may not revoke cannot use the fast path: the grant lives on, the workflow refuses', async () => {
    const { requestId, token } = await activeRequest();
    await expect(h.access.revoke(requestId, 'mallory@example.org', 'kill it')).rejects.toThrow(/mallory@example.org may not revoke this request/);
    expect(await h.grants.lookup(token)).toMatchObject({ requestId });
    // Blank who or reason: refused before anything is cut.
    await expect(h.access.revoke(requestId, ' ', 'x')).rejects.toMatchObject({ code: 'invalid' });
    await expect(h.access.revoke(requestId, 'carol@example.org', ' ')).rejects.toMatchObject({ code: 'invalid' });
    expect(await h.grants.lookup(token)).toMatchObject({ requestId });
    await h.access.revoke(requestId, 'carol@example.org', 'test over');
  });

  test('a revoke while the request waits for approval marks it: the grant approved later never comes alive', async () => {
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 15_000, reason: 'changed my mind' });
    await h.access.revoke(requestId, 'carol@example.org', 'not needed');
    expect(await h.grants.revocations().isRevoked(requestId)).toBe(true);
    const done = await waitForStatus(h.access, requestId, (s) => ['REVOKED', 'ARCHIVED'].includes(s.state));
    expect(done.grantId).toBeUndefined();
  });

  test('a cut in Redis that the workflow never heard of (its message lost) still wins: the grant is never stored, the rest is revoked', async () => {
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 15_000, reason: 'lost message' });
    // Only the fast path ran (as if the revoke's Update never reached the workflow).
    await h.grants.revocations().cut(requestId, 'revoked by carol@example.org: lost message');
    await h.access.approve(requestId, 'alice@example.org');
    const done = await waitForState(h.access, requestId, 'ARCHIVED');
    expect(done.timeline.map((e) => e.type)).toContain('activation_refused');
    expect(done.timeline.filter((e) => e.type === 'state').map((e) => e.detail)).not.toContain('ACTIVE');
    expect(done.revocation).toMatchObject({ by: 'system:gatehouse' });
    expect(await h.grants.lookup(h.grants.tokenFor(done.grantId!))).toBeNull();
    expect(h.notifier.kinds(requestId)).not.toContain('active');
    // The credential issued for it was revoked too.
    expect(h.provider.revoked).toContain(requestId);
  });

  test('when Redis refuses the cut, the workflow is still told and the caller hears that the token may live on', async () => {
    const { requestId, token } = await activeRequest();
    const broken = new AccessClient(h.client, h.config, h.taskQueue, {
      revocations: {
        grantOf: () => Promise.reject(new Error('connection refused')),
        cut: () => Promise.reject(new Error('connection refused')),
      },
    });
    const failure = await broken.revoke(requestId, 'carol@example.org', 'Redis is down').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AccessError);
    expect(failure).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/accepted.*could not be cut at once.*connection refused/) });
    // The durable path still revokes.
    await waitForState(h.access, requestId, 'ARCHIVED');
    expect(await h.grants.lookup(token)).toBeNull();
  });

  test('without the fast path (no revocations given) revoke still works through the workflow', async () => {
    const { requestId, token } = await activeRequest();
    const plain = new AccessClient(h.client, h.config, h.taskQueue);
    await plain.revoke(requestId, 'carol@example.org', 'plain');
    await waitForState(h.access, requestId, 'ARCHIVED');
    expect(await h.grants.lookup(token)).toBeNull();
    expect(GrantStore.hashToken(token)).toHaveLength(64);
  });
});
