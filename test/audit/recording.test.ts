import { randomBytes } from 'node:crypto';
import { connectRedis, newRequestId, type Redis } from '../../lib';
import { RecordingError, RecordingLog, recordingKey, RECORDING_FIELD, SessionRecorder } from '../../audit';
import type { GatewayRecorder } from '../../proxy';
import { openRecorder } from '../support/recorder';

describe('the session recording (Redis Stream contract)', () => {
  let redis: Redis;
  let recorder: SessionRecorder;
  let log: RecordingLog;
  beforeAll(async () => ({ redis, recorder, log } = await openRecorder(2))); // small pages, so paging is exercised
  afterAll(() => redis.disconnect());

  test('a session is recorded in order, one stream per request, and read back typed', async () => {
    const requestId = newRequestId();
    await recorder.sessionStart(requestId, { sessionId: 's1', grantId: 'grt_1', subject: 'carol@example.org', target: 'clinical', client: { name: 'claude' } });
    await recorder.request(requestId, { sessionId: 's1', messageId: 1, method: 'tools/call', tool: 'run_query', arguments: { statement: 'SELECT 1' }, classes: ['read'], verdict: 'allow' });
    await recorder.response(requestId, { sessionId: 's1', messageId: 1, outcome: 'ok', result: { rows: [{ NAME: '[NAME]' }] }, masked: [{ type: 'NAME', count: 1 }], rows: 1 });
    await recorder.sessionEnd(requestId, { sessionId: 's1', reason: 'revoked' });
    expect(await redis.type(recordingKey(requestId))).toBe('stream');
    const read = await log.read(requestId);
    expect(read.map((r) => r.entry.type)).toEqual(['session_start', 'request', 'response', 'session_end']);
    expect(read[1]?.entry).toMatchObject({ tool: 'run_query', verdict: 'allow', masked: [] });
    expect(read[2]?.entry).toMatchObject({ outcome: 'ok', masked: [{ type: 'NAME', count: 1 }] });
    for (const r of read) expect(Date.parse(r.entry.at)).not.toBeNaN();
    expect(await log.length(requestId)).toBe(4);
  });

  test('bad entries and secrets are refused with a RecordingError, so the gateway withholds the exchange', async () => {
    const requestId = newRequestId();
    await expect(recorder.request(requestId, { sessionId: 's1', messageId: 1, method: 'tools/call', verdict: 'maybe' as never }))
      .rejects.toMatchObject({ code: 'RECORDING_INVALID', message: expect.stringMatching(/verdict/) });
    await expect(recorder.request(requestId, { sessionId: 's1', messageId: 2, method: 'tools/call', verdict: 'allow', arguments: { token: `ghg_${randomBytes(12).toString('hex')}` } }))
      .rejects.toMatchObject({ code: 'RECORDING_INVALID', message: expect.stringMatching(/grant token/) });
    await expect(recorder.response(requestId, { sessionId: 's1', messageId: 2, outcome: 'ok', result: '-----BEGIN PRIVATE KEY-----abc' }))
      .rejects.toBeInstanceOf(RecordingError);
    expect(await log.length(requestId)).toBe(0);
  });

  test('a sealed recording takes no more entries; a foreign entry is read back as malformed, never dropped', async () => {
    const requestId = newRequestId();
    await recorder.request(requestId, { sessionId: 's1', messageId: 1, method: 'tools/list', verdict: 'allow' });
    await redis.xadd(recordingKey(requestId), '*', RECORDING_FIELD, '{"type":"nonsense"}');
    await log.seal(requestId);
    await expect(recorder.request(requestId, { sessionId: 's1', messageId: 2, method: 'tools/list', verdict: 'allow' }))
      .rejects.toMatchObject({ code: 'RECORDING_SEALED' });
    const read = await log.read(requestId);
    expect(read.map((r) => r.entry.type)).toEqual(['request', 'malformed']);
    expect(read[1]?.entry).toMatchObject({ raw: '{"type":"nonsense"}', problem: expect.any(String) });
    await log.delete(requestId);
    expect(await log.length(requestId)).toBe(0);
    expect(await log.isSealed(requestId)).toBe(true);
  });

  test('a Redis that forgot the append script (SCRIPT FLUSH, a restart) is given it again: entries still land, a seal still refuses', async () => {
    const requestId = newRequestId();
    await recorder.request(requestId, { sessionId: 's1', messageId: 1, method: 'tools/call', verdict: 'allow' });
    await redis.script('FLUSH');
    await recorder.response(requestId, { sessionId: 's1', messageId: 1, outcome: 'ok', result: { ok: true } });
    expect((await log.read(requestId)).map((r) => r.entry.type)).toEqual(['request', 'response']);
    await log.seal(requestId, 60);
    await redis.script('FLUSH');
    await expect(recorder.request(requestId, { sessionId: 's1', messageId: 2, method: 'tools/call', verdict: 'allow' })).rejects.toMatchObject({ code: 'RECORDING_SEALED' });
    expect(await log.length(requestId)).toBe(2);
  });

  test('SessionRecorder is the recorder the gateway (proxy/) takes', () => {
    const forGateway: GatewayRecorder = recorder; // a type check: compiles only while the two agree
    expect(typeof forGateway.request).toBe('function');
  });

  test('Redis unavailable: the append fails closed', async () => {
    const down = connectRedis('redis://127.0.0.1:1', { retryStrategy: () => null, lazyConnect: true });
    const offline = new SessionRecorder(down);
    await expect(offline.request(newRequestId(), { sessionId: 's', messageId: 1, method: 'tools/list', verdict: 'allow' }))
      .rejects.toMatchObject({ code: 'RECORDING_UNAVAILABLE' });
    down.disconnect();
  });
});
