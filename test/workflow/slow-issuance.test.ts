import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { waitFor } from '../../devstack';
import type { SecretVault } from '../../activities';
import { connectRedis, GrantStore, newRequestId, temporalDataConverter, temporalSettings, waitForRedis, type Redis } from '../../lib';
import { FakeCredentialProvider } from '../support/doubles';
import { historyText } from '../support/history';
import { startHarness, testRedisUrl, waitForStatus, type Harness } from '../support/harness';

/**
 * A credential provider as slow as the data platform under load: issuing takes longer than the
 * grant it is issued for. The grant's end used to be fixed before issuing, so such a grant was
 * stored already ended ("grant … ends in the past") and the approved request FAILED.
 */
class SlowProvider extends FakeCredentialProvider {
  readonly issuedAt = new Map<string, number>();
  constructor(vault: SecretVault, private readonly delayMs: number) {
    super(vault);
  }
  override async issue(request: { requestId: string; expiresAt: string }) {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const issued = await super.issue(request);
    this.issuedAt.set(request.requestId, Date.now());
    return issued;
  }
}

const ISSUE_DELAY_MS = 4_000;
const GRANT_MS = 2_000;

describe('a grant whose credential is issued slowly (real Temporal server and Redis)', () => {
  let h: Harness;
  let slow: SlowProvider;
  beforeAll(async () => {
    h = await startHarness({ provider: (vault) => (slow = new SlowProvider(vault, ISSUE_DELAY_MS)) });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('issuing takes longer than the grant: ACTIVE for the whole approved duration counted from storing, then expired; never FAILED', async () => {
    const { requestId } = await h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: GRANT_MS, reason: 'nightly', ticket: 'CI-7' });
    // Archived either way (a FAILED request is archived too): the states say which way it went.
    const done = await waitForStatus(h.access, requestId, (s) => !!s.archive, 60_000);
    const states = done.timeline.filter((e) => e.type === 'state').map((e) => e.detail);
    expect(done.failure).toBeUndefined();
    expect(states).toEqual(['APPROVED', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'ARCHIVED']);
    // The time box is exactly what was approved, and it starts after the credential existed.
    expect(Date.parse(done.expiresAt!) - Date.parse(done.activeSince!)).toBe(GRANT_MS);
    expect(Date.parse(done.activeSince!)).toBeGreaterThanOrEqual(slow.issuedAt.get(requestId)!);
    expect(Date.parse(done.activeSince!) - Date.parse(done.requestedAt)).toBeGreaterThanOrEqual(ISSUE_DELAY_MS);
    expect(done.revocation).toMatchObject({ by: 'system:expiry' });
    expect(Date.parse(done.revokedAt!)).toBeGreaterThanOrEqual(Date.parse(done.expiresAt!));
    expect(await h.grants.get(done.grantId!)).toBeNull();
    expect(slow.revoked).toContain(requestId);

    // The history replays with today's code (the patched() marker keeps it on the new path: since
    // 'local-notices', one marker stands for grant-time-from-activation and the other earlier changes;
    // since 'archived-notice-with-archive', that one stands for 'local-notices' too).
    const history = await h.client.workflow.getHandle(requestId).fetchHistory();
    expect(historyText({ events: history.events?.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch') })).toContain('"id":"archived-notice-with-archive"');
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(temporalSettings()) }, history, requestId);
  });

  test('a history recorded before the time box moved (end fixed before issuing) still replays with today\'s code', async () => {
    // Recorded with the workflow code of 23bad41~1 (payload encryption off, test data only): a
    // request made ACTIVE with its end computed before issuing, activateGrant as an activity.
    const bytes = Buffer.from(readFileSync(join(__dirname, '../slack/fixtures/sessions-before-coalescing.history.b64'), 'utf8').trim(), 'base64');
    const history = temporal.api.history.v1.History.decode(bytes);
    expect(history.events?.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'activateGrant')).toBe(true);
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter({ payloadKeys: 'off' }) }, history, 'req_5nmh6etisuvm67g6ys2i');
  });
});

describe('GrantStore.start: the time box begins when the grant is stored (real Redis)', () => {
  let redis: Redis;
  let grants: GrantStore;
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    grants = new GrantStore(redis, randomBytes(32));
  });
  afterAll(() => redis.disconnect());

  const grantFor = (durationMs: number) => {
    const requestId = newRequestId();
    return { grantId: `grt_${randomBytes(16).toString('hex')}`, requestId, target: 'clinical', subject: 'carol@example.org', principal: `GH_${requestId.toUpperCase()}`, credentialRef: `cred_${requestId}`, durationMs };
  };

  test('stores the record to end exactly the approved duration after now; the token finds it; Redis drops it at that end', async () => {
    const grant = grantFor(60_000);
    const now = Date.now();
    const started = await grants.start(grant, now);
    expect(started).toEqual({ stored: true, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString() });
    expect(await grants.lookup(grants.tokenFor(grant.grantId))).toMatchObject({ requestId: grant.requestId, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString() });
    const before = Date.now();
    const ttl = await grants.ttlMs(grant.grantId);
    expect(ttl).toBeGreaterThan(0);
    expect(before + ttl).toBeLessThanOrEqual(now + 60_000);
  });

  test('a retry (the local activity run again) gets the first time box, never a later one, even after the grant ended', async () => {
    const grant = grantFor(300);
    const first = await grants.start(grant);
    const again = await grants.start(grant, Date.now() + 5_000);
    expect(again).toEqual(first);
    await waitFor('the short grant to end in Redis', async () => ((await grants.get(grant.grantId)) === null ? true : undefined), 10_000);
    // An attempt after the end does not bring the grant back with a fresh time box.
    expect(await grants.start(grant)).toEqual(first);
    expect(await grants.get(grant.grantId)).toBeNull();
    expect(await grants.lookup(grants.tokenFor(grant.grantId))).toBeNull();
  });

  test('a request cut before its grant is stored: nothing stored, whatever the timing', async () => {
    const grant = grantFor(60_000);
    await grants.revocations().cut(grant.requestId, 'revoked while issuing');
    expect(await grants.start(grant)).toEqual({ stored: false });
    expect(await grants.get(grant.grantId)).toBeNull();
  });

  test('bad durations are refused with a clear error', async () => {
    for (const durationMs of [0, -1, Number.NaN, 1.5, Number.POSITIVE_INFINITY]) {
      await expect(grants.start(grantFor(durationMs))).rejects.toThrow(/the duration must be a positive number of ms/);
    }
  });
});
