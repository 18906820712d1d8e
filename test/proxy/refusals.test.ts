import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { buildArchive, RecordingLog, replayText, serializeArchive, SessionRecorder, verifyArchive, recordingEntrySchema } from '../../audit';
import { connectRedis, type Redis } from '../../lib';
import { RefusalTally } from '../../proxy/refusals';
import { connectClient, eventually, initializeBody, MemoryRecorder, rawPost, startTestGateway, testRedisUrl, type TestGateway } from './support';

// Refused traffic on a grant is counted and lands in its session recording as aggregated
// `refusals` entries: a hostile agent's flood writes one entry per window, not one per request.
const quiet = pino({ level: 'silent' });
const grant = { grantId: 'grt_flood', requestId: 'req_flood00000000000000' };

describe('RefusalTally: counting without writing per request', () => {
  test('100,000 refusals of a grant become one entry with exact counts per kind (a reused id, recorded on its own, is only counted)', async () => {
    const recorder = new MemoryRecorder();
    const tally = new RefusalTally(recorder, quiet, 60_000);
    for (let i = 0; i < 100_000; i++) {
      const kind = i % 4 === 0 ? 'too_many_sessions' : i % 4 === 1 ? 'rate_limited' : i % 4 === 2 ? 'wrong_target' : 'id_in_use';
      tally.note(grant, { status: kind === 'wrong_target' ? 401 : kind === 'id_in_use' ? 409 : 429, code: -31051, kind, message: `refused ${kind} #${i}` });
    }
    // Nothing written while counting: the flood costs no Redis write at all.
    expect(recorder.entries).toHaveLength(0);
    await tally.flush(grant.grantId);
    expect(recorder.entries).toHaveLength(1);
    const [entry] = recorder.entries;
    expect(entry).toMatchObject({ requestId: grant.requestId, type: 'refusals', total: 75_000 });
    expect(Object.fromEntries((entry!.counts as { kind: string; count: number }[]).map((c) => [c.kind, c.count]))).toEqual({
      too_many_sessions: 25_000, rate_limited: 25_000, wrong_target: 25_000,
    });
    // The first message of each kind is kept as the example, the rest only counted.
    expect((entry!.counts as { kind: string; example: string }[]).find((c) => c.kind === 'rate_limited')?.example).toBe('refused rate_limited #1');
    expect(tally.counted(grant.grantId)).toEqual({ too_many_sessions: 25_000, rate_limited: 25_000, wrong_target: 25_000, id_in_use: 25_000 });
    // Flushing again writes nothing new (no open window).
    await tally.flush(grant.grantId);
    expect(recorder.entries).toHaveLength(1);
  });

  test('an agent that invents kinds (many distinct codes) cannot grow an entry: kinds beyond the bound fold into "other"', async () => {
    const recorder = new MemoryRecorder();
    const tally = new RefusalTally(recorder, quiet, 60_000);
    for (let i = 0; i < 1_000; i++) tally.note(grant, { status: 400, code: -32000 - i, kind: `http_kind_${i}`, message: 'x'.repeat(10_000) });
    await tally.close();
    const [entry] = recorder.entries;
    const counts = entry!.counts as { kind: string; count: number; example: string }[];
    expect(counts.length).toBeLessThanOrEqual(16);
    expect(counts.find((c) => c.kind === 'other')?.count).toBe(1_000 - 15);
    expect(Math.max(...counts.map((c) => c.example.length))).toBeLessThanOrEqual(500);
    const { requestId: _requestId, ...stored } = entry!;
    expect(recordingEntrySchema.safeParse({ ...stored, at: new Date().toISOString() })).toMatchObject({ success: true });
  });

  test('a window closes by itself and the next refusals open a new one', async () => {
    const recorder = new MemoryRecorder();
    const tally = new RefusalTally(recorder, quiet, 50);
    tally.note(grant, { status: 429, code: -31050, kind: 'rate_limited', message: 'slow down' });
    await eventually(() => recorder.entries.length === 1, 'the first window written');
    tally.note(grant, { status: 429, code: -31050, kind: 'rate_limited', message: 'slow down' });
    await eventually(() => recorder.entries.length === 2, 'the second window written');
    expect(recorder.entries.map((e) => e.total)).toEqual([1, 1]);
    await tally.close();
  });

  test('a recording that refuses the entry (sealed, Redis down) loses the entry, not the refusal', async () => {
    const recorder = new MemoryRecorder();
    recorder.failing = true;
    const tally = new RefusalTally(recorder, quiet, 60_000);
    tally.note(grant, { status: 429, code: -31051, kind: 'too_many_sessions', message: 'full' });
    await expect(tally.close()).resolves.toBeUndefined();
    expect(tally.counted(grant.grantId)).toEqual({ too_many_sessions: 1 });
  });
});

describe('the gateway records refusals on a grant in its session recording (real Redis stream), and the archive shows them', () => {
  let gw: TestGateway;
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    gw = await startTestGateway({
      recorder: new SessionRecorder(redis),
      // One message a second refills the burst: the flood spends it however slowly a loaded machine delivers it.
      limits: { maxSessionsPerGrant: 1, evictIdleAfterMs: 10 * 60_000, refusalWindowMs: 60 * 60_000, messagesPerSecond: 1 },
    });
  });
  afterAll(async () => {
    await gw.close();
    redis.disconnect();
  });

  test('a flood of 429s, a 401 on another target and unknown sessions: counted, one aggregated entry, replayed from the archive', async () => {
    const { token, grant: record } = await gw.grant('everything');
    const auth = { authorization: `Bearer ${token}` };
    const first = await connectClient(gw.url, 'everything', token);
    const log = new RecordingLog(redis);
    const before = await log.length(record.requestId);

    // The session limit (1) is reached: every further initialize is refused with 429 and Retry-After,
    // as "too many sessions" until the grant's message rate (burst 100) is spent, then as "rate limited".
    const floods = await Promise.all(Array.from({ length: 300 }, () => rawPost(gw.url, 'everything', initializeBody(), auth)));
    expect(new Set(floods.map((r) => r.status))).toEqual(new Set([429]));
    expect(floods.every((r) => /^\d+$/.test(r.headers.get('retry-after') ?? ''))).toBe(true);
    // The same token on another target: 401 (a token not valid there). A session id the agent guessed: 404.
    expect((await rawPost(gw.url, 'sql-echo', initializeBody(), auth)).status).toBe(401);
    expect((await rawPost(gw.url, 'everything', { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { ...auth, 'mcp-session-id': 'guessed-session' })).status).toBe(404);
    // An unknown token is no grant's refusal: not counted anywhere.
    expect((await rawPost(gw.url, 'everything', initializeBody(), { authorization: 'Bearer ghg_not-a-real-token' })).status).toBe(401);

    const counted = gw.gateway.refusals.counted(record.grantId);
    expect(counted).toEqual({ too_many_sessions: expect.any(Number), rate_limited: expect.any(Number), wrong_target: 1, session_not_found: 1 });
    // At least the 300 floods (the first client's own background traffic may be rate limited too).
    expect(counted.too_many_sessions! + counted.rate_limited!).toBeGreaterThanOrEqual(300);
    const total = Object.values(counted).reduce((a, b) => a + b, 0);
    // Nothing written per refusal: the stream did not grow with the flood (the first client's own
    // late traffic, its initialized notification and stream, may still add an entry or two).
    expect(await log.length(record.requestId) - before).toBeLessThan(10);
    await gw.gateway.refusals.flush(record.grantId);
    const stored = await log.read(record.requestId);
    const refusals = stored.map((s) => s.entry).filter((e) => e.type === 'refusals');
    expect(refusals).toHaveLength(1);
    expect(stored.some((s) => s.entry.type === 'malformed')).toBe(false);
    expect(refusals[0]).toMatchObject({
      total,
      counts: expect.arrayContaining([
        expect.objectContaining({ kind: 'too_many_sessions', status: 429, code: -31051, count: counted.too_many_sessions, example: expect.stringContaining('already has 1 live sessions (at most 1)') }),
        expect.objectContaining({ kind: 'rate_limited', status: 429, code: -31050, count: counted.rate_limited, example: expect.stringContaining('too many messages for grant') }),
        expect.objectContaining({ kind: 'wrong_target', status: 401, count: 1 }),
        expect.objectContaining({ kind: 'session_not_found', status: 404, count: 1 }),
      ]),
    });
    expect(JSON.stringify(refusals)).not.toContain(token);

    // The archive path: the entry is archived, verifies, and replay shows it.
    const { privateKey } = generateKeyPairSync('ed25519');
    const archive = buildArchive({ requestId: record.requestId, events: [], recording: stored.map((s) => ({ ...s.entry })), signingKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(verifyArchive(serializeArchive(archive)).ok).toBe(true);
    const replay = replayText(archive);
    expect(replay).toMatch(new RegExp(`refusals\\s+${total} refused \\S+ \\.\\. \\S+: `));
    for (const part of [`${counted.too_many_sessions} too_many_sessions (429/-31051)`, `${counted.rate_limited} rate_limited (429/-31050)`, '1 wrong_target (401/-31012)', '1 session_not_found (404/-31014)']) {
      expect(replay).toContain(part);
    }
    await first.client.close();
  });

  test('a revocation writes the open window at once, before the archiver seals the recording', async () => {
    const { token, grant: record } = await gw.grant('everything');
    const c = await connectClient(gw.url, 'everything', token);
    expect((await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` })).status).toBe(429);
    await gw.grants.deactivate({ grantId: record.grantId, requestId: record.requestId, target: 'everything', reason: 'revoked in the test', at: new Date().toISOString() });
    const log = new RecordingLog(redis);
    await eventually(async () => (await log.read(record.requestId)).some((s) => s.entry.type === 'refusals'), 'the refusals written on revocation');
    // Attempts after the revocation still count against the grant this gateway saw end.
    expect((await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` })).status).toBe(401);
    expect(gw.gateway.refusals.counted(record.grantId)).toMatchObject({ too_many_sessions: 1, grant_inactive: 1 });
    await c.client.close().catch(() => undefined);
  });
});
