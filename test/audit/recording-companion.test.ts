// A response entry and what must follow it (the gateway's SSE event of that response) in one
// Redis round trip (SessionRecorder.responseWith), and the secret check that reads the entry's
// JSON text once and walks it only on a hint. Real Redis.
import { randomBytes } from 'node:crypto';
import { connectRedis, newRequestId, type Redis } from '../../lib';
import { assertNoSecrets, RecordingLog, SessionRecorder } from '../../audit';
import { mayHoldSecrets } from '../../audit/secret-guard';
import { testRedisUrl } from '../support/harness';
import { openRecorder } from '../support/recorder';

describe('SessionRecorder.responseWith: the entry, then its companion, atomically', () => {
  let redis: Redis;
  let recorder: SessionRecorder;
  let log: RecordingLog;
  beforeAll(async () => ({ redis, recorder, log } = await openRecorder()));
  afterAll(() => redis.disconnect());

  const companion = (key: string, message = '{"jsonrpc":"2.0","id":1,"result":{}}') => ({ key, fields: ['s', 'stream-1', 'm', message], maxLength: 1_000, ttlMs: 60_000 });
  const entry = { sessionId: 's1', messageId: 1, outcome: 'ok' as const, result: { content: [{ type: 'text', text: '[NAME] was seen' }] }, masked: [{ type: 'NAME', count: 1 }] };

  test('both are written; the companion stream is capped and expires; its id is returned', async () => {
    const requestId = newRequestId();
    const key = `gatehouse:test:companion:${randomBytes(6).toString('hex')}`;
    const id = await recorder.responseWith(requestId, entry, companion(key));
    expect(id).toMatch(/^\d+-\d+$/);
    const [read] = await log.read(requestId);
    expect(read?.entry).toMatchObject({ type: 'response', outcome: 'ok', result: entry.result });
    expect(await redis.xrange(key, '-', '+')).toEqual([[id, ['s', 'stream-1', 'm', '{"jsonrpc":"2.0","id":1,"result":{}}']]]);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  test('a sealed recording takes neither: the companion (a replayable event) never exists without its record', async () => {
    const requestId = newRequestId();
    const key = `gatehouse:test:companion:${randomBytes(6).toString('hex')}`;
    await log.seal(requestId);
    await expect(recorder.responseWith(requestId, entry, companion(key))).rejects.toMatchObject({ code: 'RECORDING_SEALED' });
    expect(await redis.exists(key)).toBe(0);
    expect(await log.length(requestId)).toBe(0);
  });

  test('an entry carrying a secret is refused before Redis is asked: no companion either', async () => {
    const requestId = newRequestId();
    const key = `gatehouse:test:companion:${randomBytes(6).toString('hex')}`;
    const token = `ghg_${randomBytes(12).toString('hex')}`;
    await expect(recorder.responseWith(requestId, { ...entry, result: { text: `line one\n${token}` } }, companion(key)))
      .rejects.toMatchObject({ code: 'RECORDING_INVALID', message: expect.stringMatching(/grant token/) });
    expect(await redis.exists(key)).toBe(0);
    expect(await log.length(requestId)).toBe(0);
  });

  test('a Redis that is gone or forgot the script: fails closed, or is given the script again', async () => {
    const requestId = newRequestId();
    const key = `gatehouse:test:companion:${randomBytes(6).toString('hex')}`;
    await redis.script('FLUSH');
    await expect(recorder.responseWith(requestId, entry, companion(key))).resolves.toMatch(/^\d+-\d+$/);
    const gone = connectRedis('redis://127.0.0.1:1', { retryStrategy: () => null });
    gone.on('error', () => undefined);
    await expect(new SessionRecorder(gone).responseWith(newRequestId(), entry, companion(key))).rejects.toMatchObject({ code: 'RECORDING_UNAVAILABLE' });
    gone.disconnect();
  });

  test('a companion may refer to the entry by id instead of copying it; only its own connection is told where entries are', async () => {
    const requestId = newRequestId();
    const key = `gatehouse:test:companion:${randomBytes(6).toString('hex')}`;
    const id = await recorder.responseWith(requestId, entry, { key, fields: ['s', 'stream-1'], entryIdField: 'r', maxLength: 1_000, ttlMs: 60_000 });
    const [read] = await log.read(requestId);
    expect(await redis.xrange(key, '-', '+')).toEqual([[id, ['s', 'stream-1', 'r', read!.streamId]]]);
    const entriesKey = recorder.entriesKeyIn(redis, requestId)!;
    const [[, fields]] = await redis.xrange(entriesKey, read!.streamId, read!.streamId) as [[string, string[]]];
    expect(JSON.parse(fields![1]!)).toMatchObject({ type: 'response', result: entry.result });
    const other = connectRedis(testRedisUrl());
    expect(recorder.entriesKeyIn(other, requestId)).toBeUndefined();
    other.disconnect();
  });

  test('a malformed companion (odd fields, no expiry) is refused, nothing written', async () => {
    const requestId = newRequestId();
    const key = `gatehouse:test:companion:${randomBytes(6).toString('hex')}`;
    await expect(recorder.responseWith(requestId, entry, { ...companion(key), fields: ['s'] })).rejects.toMatchObject({ code: 'RECORDING_INVALID' });
    await expect(recorder.responseWith(requestId, entry, { ...companion(key), ttlMs: 0 })).rejects.toMatchObject({ code: 'RECORDING_INVALID' });
    await expect(recorder.responseWith(requestId, entry, { ...companion(key), entryIdField: '' })).rejects.toMatchObject({ code: 'RECORDING_INVALID' });
    expect(await redis.exists(key)).toBe(0);
    expect(await log.length(requestId)).toBe(0);
  });
});

describe('the secret check reads the JSON text once and walks only on a hint', () => {
  const token = `ghg_${randomBytes(12).toString('hex')}`;
  // Every value the walk refuses, in every position JSON may escape around it: the text hint must see it too.
  const refused: unknown[] = [
    token, `x ${token}`, `\n${token}`, `\t${token}`, `\u0001${token}`, `"${token}"`, `\\${token}`, `\ud800${token}`,
    { [token]: 1 }, { [`\n${token}`]: 'key' }, [[{ deep: [`${'a'.repeat(5000)} ${token}`] }]],
    '-----BEGIN RSA PRIVATE KEY-----\nMIIE', { pem: '\n-----BEGIN PRIVATE KEY-----' },
  ];
  test.each(refused.map((v, i) => [i, v]))('case %i: the walk refuses it, and the text hints at it', (_i, value) => {
    expect(() => assertNoSecrets(value, 0)).toThrow();
    expect(mayHoldSecrets(JSON.stringify(value))).toBe(true);
  });

  test('ordinary results give no hint (no walk); a hint the walk clears is not a refusal', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ WARD: `W${i}`, DESCRIPTION: 'Type 2 diabetes, [NAME] admitted', ADMISSIONS: i }));
    expect(mayHoldSecrets(JSON.stringify({ content: [{ type: 'text', text: JSON.stringify(rows) }], structuredContent: { rows } }))).toBe(false);
    // 'ghg_' after a letter is no token (the walk decides): a hint, then cleared.
    const lookalike = { text: 'xghg_abcdefghijkl' };
    expect(mayHoldSecrets(JSON.stringify(lookalike))).toBe(true);
    expect(() => assertNoSecrets(lookalike, 0)).not.toThrow();
  });
});

describe('SessionRecorder.requestWhile: a request entry only while a key (the grant record) exists, atomically', () => {
  let redis: Redis;
  let recorder: SessionRecorder;
  let log: RecordingLog;
  beforeAll(async () => ({ redis, recorder, log } = await openRecorder()));
  afterAll(() => redis.disconnect());

  const request = { sessionId: 's1', messageId: 7, method: 'tools/call', verdict: 'allow' as const, masked: [] };

  test('written while the key exists; once it is gone nothing is written and the code says why; a seal still wins', async () => {
    const requestId = newRequestId();
    const key = `gatehouse:test:grant:${randomBytes(6).toString('hex')}`;
    await redis.set(key, '{}', 'PX', 60_000);
    expect(await recorder.requestWhile(requestId, request, key)).toMatch(/^\d+-\d+$/);
    expect((await log.read(requestId)).map((e) => e.entry)).toMatchObject([{ type: 'request', messageId: 7 }]);
    await redis.del(key);
    await expect(recorder.requestWhile(requestId, { ...request, messageId: 8 }, key)).rejects.toMatchObject({ code: 'RECORDING_CONDITION_UNMET' });
    expect(await log.length(requestId)).toBe(1);
    await redis.set(key, '{}', 'PX', 60_000);
    await log.seal(requestId);
    await expect(recorder.requestWhile(requestId, { ...request, messageId: 9 }, key)).rejects.toMatchObject({ code: 'RECORDING_SEALED' });
    expect(await log.length(requestId)).toBe(1);
  });

  test('an expired key is gone as well', async () => {
    const requestId = newRequestId();
    const key = `gatehouse:test:grant:${randomBytes(6).toString('hex')}`;
    await redis.set(key, '{}', 'PX', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(recorder.requestWhile(requestId, request, key)).rejects.toMatchObject({ code: 'RECORDING_CONDITION_UNMET' });
    expect(await log.length(requestId)).toBe(0);
  });
});
