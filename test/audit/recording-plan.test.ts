// A response and the masking plan it names, written in one atomic step (one Redis script): the
// plan's entry just before the response's, both or neither. What that costs is counted with
// Redis's own MONITOR, not timed: the first answer of a plan is one round trip and one command
// (an XADD) more than a later answer; before, it was a second write (EVALSHA + EXISTS + XADD).
import {
  buildArchive, generateArchiveKeys, maskingPlanDigest, RecordingLog, recordingKey, recordingSealKey, SessionRecorder, sessionCommands, type RecordingEntry,
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
    const monitor = await watch(redis, [recordingKey(requestId), recordingSealKey(requestId)]);
    try {
      await monitor.take();
      await recorder.response(requestId, response(1), plan());
      const first = await monitor.take();
      await recorder.response(requestId, response(2));
      const later = await monitor.take();
      expect(tally(first)).toEqual({ 'client EVALSHA': 1, 'lua EXISTS': 1, 'lua XADD': 2 });
      expect(tally(later)).toEqual({ 'client EVALSHA': 1, 'lua EXISTS': 1, 'lua XADD': 1 });
      expect(first.filter((c) => c.source === 'client')).toHaveLength(later.filter((c) => c.source === 'client').length);
      expect(first.length - later.length).toBe(1);
    } finally {
      monitor.close();
    }
  });

  test('with the SSE event as companion: plan, response, event in one step; counted the same way', async () => {
    const requestId = newRequestId();
    const events = `gatehouse-test:events:${requestId}`;
    const companion = { key: events, fields: ['s', 'stream-1'], entryIdField: 'r', maxLength: 100, ttlMs: 60_000 };
    await recorder.responseWith(newRequestId(), response(0), { ...companion, key: `${events}:warm` }, plan());
    const monitor = await watch(redis, [recordingKey(requestId), recordingSealKey(requestId), events]);
    try {
      await monitor.take();
      await recorder.responseWith(requestId, response(1), companion, plan());
      const first = await monitor.take();
      await recorder.responseWith(requestId, response(2), companion);
      const later = await monitor.take();
      expect(first.filter((c) => c.source === 'client')).toEqual([{ source: 'client', command: 'EVALSHA' }]);
      expect(first.length - later.length).toBe(1);
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
