// A response and the masking plan it names, written in one atomic step (one Redis script): the
// plan's entry just before the response's, both or neither. What that costs is counted with
// Redis's own MONITOR, not timed: the first answer of a plan is no round trip more than a later
// answer, and three commands more inside its script (HMGET, XADD, HSET: the plan's entry and the
// session's count of plans); before 9d9ab07 it was a second write (EVALSHA + EXISTS + XADD).
// The bound on plans per session (count and bytes) is kept in Redis by that script, so recorders
// of several gateway replicas on one Redis share it, and a plan one of them wrote is not written twice.
import {
  buildArchive, generateArchiveKeys, maskingPlanDigest, RecordingError, RecordingLog, recordingKey, recordingPlansKey, recordingSealKey, SessionRecorder, sessionCommands, type RecordingEntry,
} from '../../audit';
import { newRequestId, type Redis } from '../../lib';
import { openRecorder } from '../support/recorder';

const report = { plan: 'columns', columns: [{ name: 'ICD10', action: 'mask', type: 'SSN', rule: 'derived-from-phi', sources: ['CLINICAL.PHI.PATIENTS.SSN via REVERSE'], reason: 'derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE; masked whole as SSN' }] };
const salt = 'c2FsdC1vZi10ZXN0';
const digest = maskingPlanDigest(salt, report);
const plan = (sessionId = 's1') => ({ sessionId, digest, salt, report });
const response = (messageId: number, sessionId = 's1') => ({ sessionId, messageId, outcome: 'ok' as const, result: { content: [] }, masked: [{ type: 'SSN', count: 1 }], maskingPlan: digest });

/** Every command Redis runs that names one of `keys`, as MONITOR reports it (client commands and those a script runs). */
async function watch(redis: Redis, keys: string[]) {
  const monitor = await redis.monitor();
  const seen: { source: string; command: string }[] = [];
  let marks = 0;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (args[1] === 'gatehouse-test:monitor-mark') marks += 1;
    // EVAL is only ever sent after NOSCRIPT (another suite's SCRIPT FLUSH): the same round trip, retried.
    else if (args.some((a) => keys.includes(a)) && !(source !== 'lua' && String(args[0]).toUpperCase() === 'EVAL')) {
      seen.push({ source: source === 'lua' ? 'lua' : 'client', command: String(args[0]).toUpperCase() });
    }
  });
  return {
    /** What ran since the last call, once MONITOR has reported all of it (a marker command after it comes back). */
    async take(): Promise<{ source: string; command: string }[]> {
      const want = marks + 1;
      await redis.exists('gatehouse-test:monitor-mark');
      while (marks < want) await new Promise((resolve) => setTimeout(resolve, 5));
      return seen.splice(0);
    },
    close: () => monitor.disconnect(),
  };
}

/** Commands by where they ran and what they were (MONITOR's order of a script and its commands differs between Redis versions). */
const tally = (commands: { source: string; command: string }[]) => commands.reduce<Record<string, number>>((t, c) => ({ ...t, [`${c.source} ${c.command}`]: (t[`${c.source} ${c.command}`] ?? 0) + 1 }), {});

describe('a masking plan written with the response that names it', () => {
  let redis: Redis;
  let recorder: SessionRecorder;
  let log: RecordingLog;
  beforeAll(async () => ({ redis, recorder, log } = await openRecorder()));
  afterAll(() => redis.disconnect());

  test('the plan entry lands just before the response, in one step; a later answer names it without it', async () => {
    const requestId = newRequestId();
    await recorder.response(requestId, response(1), plan());
    await recorder.response(requestId, response(2));
    const read = await log.read(requestId);
    expect(read.map((r) => r.entry.type)).toEqual(['masking_plan', 'response', 'response']);
    expect(read[0]!.entry).toMatchObject({ sessionId: 's1', digest, salt, report });
    expect(read[1]!.entry).toMatchObject({ messageId: 1, maskingPlan: digest });
    // Stamped with its answer's time: the archive orders by time (ties in stream order), so the plan
    // comes before the answer there too, and the answer's why resolves.
    expect(read[0]!.entry.at).toBe(read[1]!.entry.at);
    const archive = buildArchive({ requestId, events: [], recording: read.map((r) => r.entry as RecordingEntry), signingKey: generateArchiveKeys().privateKeyPem });
    expect(archive.records.filter((r) => r.kind === 'recording').map((r) => r.body.type)).toEqual(['masking_plan', 'response', 'response']);
  });

  test('the plan is stamped with its answer\'s time even when the clock moves between them', async () => {
    let ms = Date.UTC(2026, 0, 1, 10, 0, 0);
    const ticking = new SessionRecorder(redis, () => new Date((ms += 7)));
    const requestId = newRequestId();
    await ticking.request(requestId, { sessionId: 's1', messageId: 1, method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement: 'SELECT 1' }, verdict: 'allow' });
    await ticking.response(requestId, response(1), plan());
    const read = await log.read(requestId);
    expect(read.map((r) => r.entry.type)).toEqual(['request', 'masking_plan', 'response']);
    expect(read[1]!.entry.at).toBe(read[2]!.entry.at);
    const archive = buildArchive({ requestId, events: [], recording: read.map((r) => r.entry as RecordingEntry), signingKey: generateArchiveKeys().privateKeyPem });
    expect((sessionCommands(archive.records)[0]!.maskingWhy as { columns: unknown[] }).columns).toEqual(report.columns);
  });

  test('the first answer of a plan: one round trip, one command more than a later answer (MONITOR)', async () => {
    const requestId = newRequestId();
    // The scripts are loaded first (a NOSCRIPT retry is not what is counted).
    await recorder.response(newRequestId(), response(0), plan());
    const monitor = await watch(redis, [recordingKey(requestId), recordingSealKey(requestId), recordingPlansKey(requestId)]);
    try {
      await monitor.take();
      await recorder.response(requestId, response(1), plan());
      const first = await monitor.take();
      await recorder.response(requestId, response(2));
      const later = await monitor.take();
      expect(tally(first)).toEqual({ 'client EVALSHA': 1, 'lua EXISTS': 1, 'lua HMGET': 1, 'lua XADD': 2, 'lua HSET': 1 });
      expect(tally(later)).toEqual({ 'client EVALSHA': 1, 'lua EXISTS': 1, 'lua XADD': 1 });
      expect(first.filter((c) => c.source === 'client')).toHaveLength(later.filter((c) => c.source === 'client').length);
      expect(first.length - later.length).toBe(3);
    } finally {
      monitor.close();
    }
  });

  test('with the SSE event as companion: plan, response, event in one step; counted the same way', async () => {
    const requestId = newRequestId();
    const events = `gatehouse-test:events:${requestId}`;
    const companion = { key: events, fields: ['s', 'stream-1'], entryIdField: 'r', maxLength: 100, ttlMs: 60_000 };
    await recorder.responseWith(newRequestId(), response(0), { ...companion, key: `${events}:warm` }, plan());
    const monitor = await watch(redis, [recordingKey(requestId), recordingSealKey(requestId), events, recordingPlansKey(requestId)]);
    try {
      await monitor.take();
      await recorder.responseWith(requestId, response(1), companion, plan());
      const first = await monitor.take();
      await recorder.responseWith(requestId, response(2), companion);
      const later = await monitor.take();
      expect(first.filter((c) => c.source === 'client')).toEqual([{ source: 'client', command: 'EVALSHA' }]);
      expect(first.length - later.length).toBe(3);
    } finally {
      monitor.close();
    }
    const read = await log.read(requestId);
    expect(read.map((r) => r.entry.type)).toEqual(['masking_plan', 'response', 'response']);
    const [event] = await redis.xrange(events, '-', '+');
    expect(event![1]).toEqual(['s', 'stream-1', 'r', read[1]!.streamId]);
    await redis.del(events, `${events}:warm`);
  });

  test('both or neither: a sealed recording takes neither; a plan that is not the one the response names is refused, nothing written', async () => {
    const sealed = newRequestId();
    await log.seal(sealed);
    await expect(recorder.response(sealed, response(1), plan())).rejects.toMatchObject({ code: 'RECORDING_SEALED' });
    expect(await log.length(sealed)).toBe(0);

    const requestId = newRequestId();
    await expect(recorder.response(requestId, response(1), plan('s2'))).rejects.toMatchObject({ code: 'RECORDING_INVALID', message: expect.stringMatching(/must be the plan it names, in its session/) });
    await expect(recorder.response(requestId, { ...response(1), maskingPlan: `sha256:${'1'.repeat(64)}` }, plan())).rejects.toMatchObject({ code: 'RECORDING_INVALID' });
    const { maskingPlan: _none, ...unnamed } = response(1);
    await expect(recorder.response(requestId, unnamed, plan())).rejects.toMatchObject({ code: 'RECORDING_INVALID' });
    // A plan entry that breaks the schema refuses the response with it.
    await expect(recorder.response(requestId, response(1), { ...plan(), salt: '' })).rejects.toMatchObject({ code: 'RECORDING_INVALID', message: expect.stringMatching(/masking_plan entry/) });
    expect(await log.length(requestId)).toBe(0);
  });
});

describe('the bound on masking plans per session, kept by the recording (two gateway replicas on one Redis)', () => {
  let redis: Redis;
  let log: RecordingLog;
  let a: SessionRecorder;
  let b: SessionRecorder;
  let other: Redis;
  beforeAll(async () => {
    ({ redis, log, recorder: a } = await openRecorder());
    // A second recorder on its own connection: another gateway process.
    ({ redis: other, recorder: b } = await openRecorder());
  });
  afterAll(() => {
    redis.disconnect();
    other.disconnect();
  });

  const planN = (n: number, sessionId = 's1', width = 1) => {
    const r = { plan: 'columns', columns: Array.from({ length: width }, (_, i) => ({ name: `A${n}_${i}`, action: 'pass', rule: 'none-sources', sources: [], reason: 'every source column is none' })) };
    const d = maskingPlanDigest(salt, r);
    return { entry: { sessionId, digest: d, salt, report: r }, answer: (messageId: number) => ({ ...response(messageId, sessionId), maskingPlan: d }) };
  };
  const types = async (requestId: string) => (await log.read(requestId)).map((r) => r.entry.type);

  test('the count: plans written by either recorder count together; past the bound neither plan nor answer is written, and the refusal says which bound', async () => {
    const requestId = newRequestId();
    const bound = { plans: 3, bytes: 1 << 20 };
    const [p1, p2, p3, p4] = [1, 2, 3, 4].map((n) => planN(n));
    await a.response(requestId, p1!.answer(1), p1!.entry, bound);
    await b.response(requestId, p2!.answer(2), p2!.entry, bound);
    await a.response(requestId, p3!.answer(3), p3!.entry, bound);
    const before = await log.length(requestId);
    for (const recorder of [a, b]) {
      const refused = await recorder.response(requestId, p4!.answer(4), p4!.entry, bound).then(() => undefined, (e: unknown) => e);
      expect(refused).toBeInstanceOf(RecordingError);
      expect(refused).toMatchObject({ code: 'RECORDING_PLAN_LIMIT', planLimit: { kind: 'plans', limit: 3, used: 3 } });
      expect((refused as Error).message).toMatch(/already holds 3 distinct masking plans, its limit/);
    }
    const companion = { key: `gatehouse-test:events:${requestId}`, fields: ['s', 'x'], maxLength: 10, ttlMs: 60_000 };
    await expect(b.responseWith(requestId, p4!.answer(5), companion, p4!.entry, bound)).rejects.toMatchObject({ code: 'RECORDING_PLAN_LIMIT' });
    expect(await redis.exists(companion.key)).toBe(0);
    expect(await log.length(requestId)).toBe(before);
    // A plan the session holds, written by the other replica: the answer is taken, the plan not written again.
    await b.response(requestId, p1!.answer(6), p1!.entry, bound);
    // Another session of the same request has its own count.
    const s2 = planN(4, 's2');
    await b.response(requestId, s2.answer(7), s2.entry, bound);
    expect(await types(requestId)).toEqual(['masking_plan', 'response', 'masking_plan', 'response', 'masking_plan', 'response', 'response', 'masking_plan', 'response']);
    // The recording's own bound applies without one given (1,000 plans, 4 MiB).
    const fresh = newRequestId();
    await a.response(fresh, p1!.answer(1), p1!.entry);
    expect(await redis.hgetall(recordingPlansKey(fresh))).toEqual({ [`plan\u0000s1\u0000${p1!.entry.digest}`]: '1', 'plans\u0000s1\u0000': '1', 'bytes\u0000s1\u0000': expect.stringMatching(/^\d+$/) });
    // Deleted with the recording once archived.
    await log.delete(requestId);
    await log.delete(fresh);
    expect(await redis.exists(recordingPlansKey(requestId), recordingPlansKey(fresh))).toBe(0);
  });

  test('the bytes: wide plans stop at the session\'s bytes, whichever recorder writes them; the count of bytes is of the stored entries', async () => {
    const requestId = newRequestId();
    const [w1, w2, w3] = [1, 2, 3].map((n) => planN(n, 's1', 40));
    await a.response(requestId, w1!.answer(1), w1!.entry, { plans: 100, bytes: 1 << 20 });
    const stored = (await redis.xrange(recordingKey(requestId), '-', '+')).map(([, fields]) => Buffer.byteLength(fields[1]!));
    const planBytes = stored[0]!;
    expect(planBytes).toBeGreaterThan(4000);
    expect(Number(await redis.hget(recordingPlansKey(requestId), 'bytes\u0000s1\u0000'))).toBe(planBytes);
    const bound = { plans: 100, bytes: 2 * planBytes + 100 };
    await b.response(requestId, w2!.answer(2), w2!.entry, bound);
    const refused = await a.response(requestId, w3!.answer(3), w3!.entry, bound).then(() => undefined, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RECORDING_PLAN_LIMIT', planLimit: { kind: 'bytes', limit: bound.bytes, used: Number(await redis.hget(recordingPlansKey(requestId), 'bytes\u0000s1\u0000')) } });
    expect((refused as Error).message).toMatch(/masking plans already take \d+ bytes of the recording and this one would pass the limit of \d+/);
    expect(await types(requestId)).toEqual(['masking_plan', 'response', 'masking_plan', 'response']);
    await expect(a.response(requestId, w1!.answer(4), w1!.entry, { plans: 0, bytes: 1 })).rejects.toMatchObject({ code: 'RECORDING_INVALID' });
  });
});
