import { waitFor } from '../../devstack';
import { GrantStore, REVOCATION_CHANNEL, connectRedis, waitForRedis, type RevocationEvent } from '../../lib';
import { historyText } from '../support/history';
import { startHarness, testRedisUrl, waitForState, waitForStatus, type Harness } from '../support/harness';

const requester = 'carol@example.org';
const approver = 'alice@example.org';

describe('the access workflow on a real Temporal server and Redis', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const ask = (durationMs = 4_000, who = requester) =>
    h.access.request({ requester: who, origin: 'api', target: 'clinical', durationMs, reason: 'INC-42 data quality check', ticket: 'INC-42' });

  test('full lifecycle: approval, credential, active grant, expiry, revocation, archive', async () => {
    const { requestId } = await ask(4_000);
    const pending = await waitForStatus(h.access, requestId, (s) => !!s.thread);
    expect(pending.state).toBe('PENDING_APPROVAL');
    expect(pending.thread).toEqual({ channel: 'C0APPROVERS', ts: '1700000000.000100' });

    await h.access.approve(requestId, approver);
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    expect(active.decision).toMatchObject({ approved: true, by: approver });
    expect(active.principal).toBe(`GH_${requestId.toUpperCase()}`);

    // The grant exists while ACTIVE, and its TTL never outlives the approved end.
    const token = h.grants.tokenFor(active.grantId!);
    const grant = await h.grants.lookup(token);
    expect(grant).toMatchObject({ requestId, target: 'clinical', subject: requester });
    // The clock is read before Redis answers, so before + ttl can only overestimate the end.
    const before = Date.now();
    const ttl = await h.grants.ttlMs(active.grantId!);
    expect(ttl).toBeGreaterThan(0);
    expect(before + ttl).toBeLessThanOrEqual(Date.parse(active.expiresAt!));

    const done = await waitForState(h.access, requestId, 'ARCHIVED', 20_000);
    expect(await h.grants.lookup(token)).toBeNull();
    expect(h.provider.revoked).toContain(requestId);
    expect(done.revocation).toMatchObject({ by: 'system:expiry' });
    expect(Date.parse(done.revokedAt!)).toBeGreaterThanOrEqual(Date.parse(active.expiresAt!));
    expect(done.archive?.digest).toMatch(/^[0-9a-f]{64}$/);
    // The state turns ARCHIVED before the 'archived' notice's activity has run.
    await waitFor('the archived notice', async () => (h.notifier.kinds(requestId).includes('archived') ? true : undefined), 10_000);
    expect(h.notifier.kinds(requestId)).toEqual(['requested', 'decided', 'issued', 'active', 'expiring_soon', 'revoked', 'archived']);
    expect(done.timeline.filter((e) => e.type === 'state').map((e) => e.detail)).toEqual(['APPROVED', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'ARCHIVED']);
  });

  test('deny with a reason: no credential, archived as denied', async () => {
    const { requestId } = await ask();
    await expect(h.access.deny(requestId, approver, '')).rejects.toThrow('a denial needs a reason');
    await h.access.deny(requestId, 'bob@example.org', 'use the de-identified mart instead');
    const done = await waitForStatus(h.access, requestId, (s) => s.state === 'DENIED' && !!s.archive);
    expect(done.decision).toMatchObject({ approved: false, by: 'bob@example.org', reason: 'use the de-identified mart instead' });
    expect(h.provider.issued.has(requestId)).toBe(false);
    // Closed, or still archiving: either way the answer names the denial.
    await expect(h.access.approve(requestId, approver)).rejects.toThrow(new RegExp(`access request ${requestId} is closed \\(denied\\)|the request was already denied by bob@example.org`));
  });

  test('no decision before the deadline: EXPIRED_UNAPPROVED', async () => {
    const { requestId } = await ask();
    const done = await waitForStatus(h.access, requestId, (s) => s.state === 'EXPIRED_UNAPPROVED' && !!s.archive, 15_000);
    expect(done.decision).toBeUndefined();
    expect(h.provider.issued.has(requestId)).toBe(false);
    expect(h.notifier.kinds(requestId)).toContain('expired_unapproved');
    // Closed, or still archiving: either way the answer says it expired unapproved.
    await expect(h.access.approve(requestId, approver)).rejects.toThrow(new RegExp(`access request ${requestId} is closed \\(expired unapproved\\)|the request is expired unapproved; it can no longer be approved`));
  });

  test('early revoke cuts the grant at once and publishes a revocation event', async () => {
    const subscriber = connectRedis(testRedisUrl());
    const events: RevocationEvent[] = [];
    await waitForRedis(subscriber);
    await subscriber.subscribe(REVOCATION_CHANNEL);
    subscriber.on('message', (_channel, message) => events.push(JSON.parse(message)));
    try {
      const { requestId } = await ask(15_000);
      await h.access.approve(requestId, approver);
      const active = await waitForState(h.access, requestId, 'ACTIVE');
      await expect(h.access.revoke(requestId, 'mallory@example.org', 'why not')).rejects.toThrow('mallory@example.org may not revoke');
      await h.access.revoke(requestId, requester, 'finished early');
      const done = await waitForState(h.access, requestId, 'ARCHIVED');
      expect(done.revocation).toMatchObject({ by: requester, reason: 'finished early' });
      expect(Date.parse(done.revokedAt!)).toBeLessThan(Date.parse(active.expiresAt!));
      expect(await h.grants.get(active.grantId!)).toBeNull();
      expect(events).toContainEqual(expect.objectContaining({ grantId: active.grantId, requestId, reason: 'finished early' }));
      // Revoking again is harmless.
      await expect(h.access.revoke(requestId, requester, 'again')).resolves.toBeDefined();
    } finally {
      subscriber.disconnect();
    }
  });

  test('withdrawing a pending request ends it without issuing anything', async () => {
    const { requestId } = await ask();
    await h.access.revoke(requestId, requester, 'asked by mistake');
    const done = await waitForState(h.access, requestId, 'ARCHIVED');
    expect(done.timeline.filter((e) => e.type === 'state').map((e) => e.detail)).toEqual(['REVOKED', 'ARCHIVED']);
    expect(h.provider.issued.has(requestId)).toBe(false);
    expect(done.revocation?.reason).toBe('asked by mistake');
  });

  test('self-approval and non-approvers are refused; a duplicate approve is harmless', async () => {
    const { requestId } = await ask(6_000, 'alice@example.org');
    await expect(h.access.approve(requestId, 'alice@example.org')).rejects.toThrow('you cannot approve your own request');
    await expect(h.access.approve(requestId, 'ALICE@example.org')).rejects.toThrow('you cannot approve your own request');
    await expect(h.access.approve(requestId, 'carol@example.org')).rejects.toThrow('carol@example.org is not an approver of clinical');
    await expect(h.access.deny(requestId, 'alice@example.org', 'no')).rejects.toThrow('you cannot deny your own request');
    const first = await h.access.approve(requestId, 'bob@example.org');
    const second = await h.access.approve(requestId, 'bob@example.org');
    expect(second.detail).toBe(first.detail);
    await expect(h.access.deny(requestId, 'bob@example.org', 'changed my mind')).rejects.toThrow('already approved by bob@example.org');
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    expect(h.provider.issued.size).toBeGreaterThan(0);
    expect(active.timeline.filter((e) => e.type === 'approved')).toHaveLength(1);
    await h.access.revoke(requestId, 'bob@example.org', 'test over');
    await waitForState(h.access, requestId, 'ARCHIVED');
  });

  test('extension: approved moves the end and the Redis TTL; denied leaves it; capped by policy', async () => {
    const { requestId } = await ask(5_000);
    await h.access.approve(requestId, approver);
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    await expect(h.access.extend(requestId, requester, 60_000, 'more time')).rejects.toThrow(/at most 20s in all; at most 1[45]s more/);
    await expect(h.access.extend(requestId, 'bob@example.org', 2_000, 'more')).rejects.toThrow('only the requester');
    await h.access.extend(requestId, requester, 3_000, 'one more query');
    await expect(h.access.extend(requestId, requester, 1_000, 'and another')).rejects.toThrow('already waiting');
    await expect(h.access.decideExtension(requestId, requester, true)).rejects.toThrow('you cannot decide on your own request');
    await h.access.decideExtension(requestId, approver, true);
    const extended = await waitForStatus(h.access, requestId, (s) => s.expiresAt !== active.expiresAt);
    expect(Date.parse(extended.expiresAt!) - Date.parse(active.expiresAt!)).toBe(3_000);
    await waitForStatus(h.access, requestId, (s) => s.timeline.some((e) => e.type === 'extension_approved'));
    // The grant's end in Redis moves once the extendGrant activity has run.
    const movedEnd = async () => {
      const before = Date.now();
      const ttl = await h.grants.ttlMs(active.grantId!);
      return before + ttl > Date.parse(active.expiresAt!) ? before + ttl : undefined;
    };
    expect(await waitFor('the grant in Redis to be extended', movedEnd, 10_000)).toBeLessThanOrEqual(Date.parse(extended.expiresAt!));

    await h.access.extend(requestId, requester, 2_000, 'even more');
    await h.access.decideExtension(requestId, approver, false, 'enough');
    const after = await h.access.status(requestId);
    expect(after.expiresAt).toBe(extended.expiresAt);
    expect(after.extensions.map((e) => e.outcome)).toEqual(['approved', 'denied']);
    const done = await waitForState(h.access, requestId, 'ARCHIVED', 20_000);
    expect(Date.parse(done.revokedAt!)).toBeGreaterThanOrEqual(Date.parse(extended.expiresAt!));
  });

  test('auto-approve rules: the CI agent gets short grants without a human', async () => {
    const { requestId } = await ask(3_000, 'agent:ci-nightly');
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    expect(active.decision?.by).toBe('policy:auto-approve');
    await waitForState(h.access, requestId, 'ARCHIVED');
  });

  test('policy refuses unknown targets, strangers and too-long durations before any workflow starts', async () => {
    await expect(h.access.request({ requester, origin: 'api', target: 'nope', durationMs: 1_000, reason: 'x' })).rejects.toThrow('unknown target "nope" (known targets: clinical)');
    await expect(h.access.request({ requester: 'eve@example.org', origin: 'api', target: 'clinical', durationMs: 1_000, reason: 'x' })).rejects.toThrow('eve@example.org may not request access to clinical');
    await expect(h.access.request({ requester, origin: 'api', target: 'clinical', durationMs: 3_600_000, reason: 'x' })).rejects.toThrow('at most 20 seconds');
    await expect(h.access.request({ requester, origin: 'api', target: 'clinical', durationMs: 1_000, reason: '  ' })).rejects.toThrow('a reason is required');
    await expect(h.access.status('req_doesnotexist00000000')).rejects.toThrow('no access request req_doesnotexist00000000');
    await expect(h.access.status('../../etc/passwd')).rejects.toThrow('is not a request id');
  });

  test('revocation is retried until the credential provider recovers', async () => {
    const { requestId } = await ask(2_000);
    h.provider.revokeFailures.set(requestId, 3);
    await h.access.approve(requestId, approver);
    await waitForState(h.access, requestId, 'ACTIVE');
    const done = await waitForState(h.access, requestId, 'ARCHIVED', 40_000);
    expect(h.provider.revokeAttempts.get(requestId)).toBe(4);
    expect(h.provider.revoked).toContain(requestId);
    expect(done.timeline.map((e) => e.detail)).toContain('REVOKED');
  });

  test('a failing issuance ends FAILED with a reason and cleans up', async () => {
    h.provider.issueFailuresLeft = 5;
    const { requestId } = await ask(5_000);
    await h.access.approve(requestId, approver);
    const done = await waitForStatus(h.access, requestId, (s) => s.state === 'FAILED' && !!s.archive, 60_000);
    expect(done.failure).toContain('the data platform refused to create the user');
    expect(h.provider.revoked).toContain(requestId);
    h.provider.issueFailuresLeft = 0;
  });

  test('cancelling the workflow still revokes', async () => {
    const { requestId } = await ask(15_000);
    await h.access.approve(requestId, approver);
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    await h.client.workflow.getHandle(requestId).cancel();
    const done = await h.access.result(requestId);
    expect(done.state).toBe('ARCHIVED');
    expect(done.revocation?.by).toBe('system:cancellation');
    expect(h.provider.revoked).toContain(requestId);
    expect(await h.grants.get(active.grantId!)).toBeNull();
  });

  test('the grant token and the credential never appear in workflow history', async () => {
    const { requestId } = await ask(2_000);
    await h.access.approve(requestId, approver);
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    // The whole history, to its end: ARCHIVED is set before the last notice, the result (with the grant id) comes after it.
    await h.access.result(requestId);
    const history = historyText(await h.client.workflow.getHandle(requestId).fetchHistory());
    const token = h.grants.tokenFor(active.grantId!);
    expect(history).toContain(active.grantId!);
    expect(history).not.toContain(token);
    expect(history).not.toContain(token.slice(4));
    expect(history).not.toContain(GrantStore.hashToken(token));
    for (const secret of h.provider.secrets) {
      expect(history).not.toContain(secret);
      expect(history).not.toContain(Buffer.from(secret).toString('base64'));
    }
    expect(history).not.toContain('PRIVATE KEY');
  });
});
