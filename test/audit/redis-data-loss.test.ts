// Redis without persistence (or a failover to a replica that never had the data) loses the
// recordings not yet archived. The archive must not pass for complete then: it says so with a
// `recording_gap` event, signed with the rest. Found by the chaos run (issue 19): a Redis that came
// back empty left an archive with none of the statements that had reached Snowflake, and nothing
// in it said why.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditArchiver } from '../../activities';
import { FolderArchiveStore, generateArchiveKeys, parseArchive, recordingKey, RecordingLog, SessionRecorder, verifyArchive } from '../../audit';
import { REDIS_DATA_SINCE_KEY, redisDataSince, RedisSecretVault, type Redis } from '../../lib';
import { startHarness, waitForState, waitForStatus, type Harness } from '../support/harness';

const keys = generateArchiveKeys();

describe('a Redis that lost its data: the archive says the recording is incomplete', () => {
  let h: Harness;
  let root: string;
  let store: FolderArchiveStore;
  // This suite's own marker: the real one (REDIS_DATA_SINCE_KEY) is shared with every suite on this Redis.
  const marker = `gatehouse:test-data-since:${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gatehouse-data-loss-'));
    store = new FolderArchiveStore(root);
    h = await startHarness({
      archiver: (redis: Redis) => new AuditArchiver({
        store, recordings: new RecordingLog(redis), signingKey: createPrivateKey(keys.privateKeyPem), retentionMs: 86_400_000,
        redisDataSince: () => redisDataSince(redis, Date.now(), marker),
      }),
    });
  });
  afterAll(async () => {
    await h?.redis.del(marker);
    await h?.close();
    await rm(root, { recursive: true, force: true });
  });

  async function recordOneCall(requestId: string, grantId: string): Promise<void> {
    const recorder = new SessionRecorder(h.redis);
    await recorder.sessionStart(requestId, { sessionId: 's1', grantId, subject: 'carol@example.org', target: 'clinical', client: { name: 'agent', version: '1' }, transport: 'streamable-http' });
    await recorder.request(requestId, { sessionId: 's1', messageId: 1, method: 'tools/call', tool: 'run_snowflake_query', verdict: 'allow', classes: ['read'], arguments: { statement: 'SELECT 1 AS GAP_MARKER' } });
    await recorder.response(requestId, { sessionId: 's1', messageId: 1, outcome: 'ok', result: { rows: [{ GAP_MARKER: 1 }] }, rows: 1, durationMs: 3 });
  }

  async function activeRequest(): Promise<{ requestId: string; grantId: string; activeSince: string }> {
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 20_000, reason: 'data loss drill' });
    await h.access.approve(requestId, 'alice@example.org');
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    return { requestId, grantId: active.grantId!, activeSince: active.activeSince! };
  }

  async function archiveOf(requestId: string) {
    await h.access.revoke(requestId, 'carol@example.org', 'done');
    const done = await waitForStatus(h.access, requestId, (s) => s.state === 'ARCHIVED');
    const files = await store.get(requestId);
    expect(verifyArchive(files, { publicKey: keys.publicKeyPem, expectedHead: done.archive!.digest })).toMatchObject({ ok: true, problems: [] });
    return parseArchive(files).records.map((r) => r.body as { type: string; detail?: string });
  }

  test('Redis kept its data: the recording is archived whole and nothing claims a gap', async () => {
    await redisDataSince(h.redis, Date.now(), marker);
    const { requestId, grantId } = await activeRequest();
    await recordOneCall(requestId, grantId);
    const records = await archiveOf(requestId);
    expect(records.filter((r) => r.type === 'recording_gap')).toEqual([]);
    expect(JSON.stringify(records)).toContain('GAP_MARKER');
  });

  test('Redis came back empty while the grant was active: the archive, still signed and verifying, carries a recording_gap that says what is missing', async () => {
    const { requestId, grantId, activeSince } = await activeRequest();
    await recordOneCall(requestId, grantId);
    // The loss, as this request sees it: its recording and the data's start marker are gone.
    await h.redis.del(recordingKey(requestId), marker);
    const records = await archiveOf(requestId);
    expect(JSON.stringify(records)).not.toContain('GAP_MARKER');
    const gaps = records.filter((r) => r.type === 'recording_gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.detail).toMatch(new RegExp(`Redis lost its data .* after this grant became active at ${activeSince.replace(/[.]/g, '\\.')}; .* missing from this archive`));
    // The recording the gateway made before the loss is gone; the lifecycle is whole.
    expect(records.map((r) => r.type)).toEqual(expect.arrayContaining(['request', 'approved', 'outcome']));
    expect(records.some((r) => r.type === 'session_start' || r.type === 'response')).toBe(false);
  });

  test('the data marker is written once, by the first credential stored, and a later writer cannot move it', async () => {
    const key = `gatehouse:test-data-since:${randomBytes(6).toString('hex')}`;
    try {
      expect(await redisDataSince(h.redis, 1_000, key)).toBe(1_000);
      expect(await redisDataSince(h.redis, 2_000, key)).toBe(1_000);
      await h.redis.del(key); // Redis came back empty
      expect(await redisDataSince(h.redis, 3_000, key)).toBe(3_000);
      await h.redis.set(key, 'not a time');
      await expect(redisDataSince(h.redis, 4_000, key)).rejects.toThrow(/is not a timestamp/);
    } finally {
      await h.redis.del(key);
    }
    // The real marker: a credential put in the vault sets it when nobody has (never moved when set).
    const before = await h.redis.get(REDIS_DATA_SINCE_KEY);
    await new RedisSecretVault(h.redis, randomBytes(32)).put(`cred_${randomBytes(4).toString('hex')}`, 'secret', 5_000);
    const after = Number(await h.redis.get(REDIS_DATA_SINCE_KEY));
    expect(after).toBeGreaterThan(0);
    if (before !== null) expect(after).toBe(Number(before));
  });
});
