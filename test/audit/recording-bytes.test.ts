// The bytes the recorder hands Redis for each kind of entry, pinned as literals: a rewrite of how
// entries are checked and serialized (recording.ts, entry-shape.ts, canonical.ts) must store the
// same text. And a secret anywhere in an entry is refused whatever path the entry takes. Stack-free:
// the recorder's one Redis call is EVALSHA, answered here by a double that keeps what it was given.
import { GRANT_TOKEN_PREFIX } from '../../lib';
import { RecordingError, SessionRecorder } from '../../audit';

const AT = '2026-12-01T01:40:00.000Z';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const AB = 'ab'.repeat(600);
// A long text (over the 1 KB at which escapes are kept): quotes, a newline, U+2028, a tab, a lone surrogate.
const LONG = `{"columns":["NOTE"],"rows":[["line \\"one\\"\\n\u2028 tab\t \u00e9 ${AB} \ud800 end"]]}`;

function capturingRecorder(): { recorder: SessionRecorder; calls: string[][] } {
  const calls: string[][] = [];
  const redis = { evalsha: async (...args: unknown[]) => { calls.push(args.map(String)); return ['1-0', '2-0']; } };
  return { recorder: new SessionRecorder(redis as never, () => new Date(AT)), calls };
}

const CASES: [string, (r: SessionRecorder) => Promise<unknown>][] = [
  ['a request the gateway forwards (requestWhile, the hot path)', (r) => r.requestWhile('req-1', { sessionId: 'sess-1', messageId: 7, method: 'tools/call', tool: 'run_query', arguments: { statement: 'SELECT WARD FROM BENCH.PUBLIC.WARD_STATS' }, verdict: 'allow', masked: [] }, 'gatehouse:grant:active:g1')],
  ['a request with every field, keys out of order, an own __proto__ key', (r) => r.request('req-1', {
    verdict: 'hold', sessionId: 'sess-1', messageId: 'm-"1"', method: 'tools/call', tool: 'run_query',
    arguments: JSON.parse('{"zeta":[3,{"b":1,"a":"\u00e9\\u0000"}],"__proto__":{"x":1},"Alpha":null,"statement":"SELECT \\"A\\" FROM T"}') as Record<string, unknown>,
    classes: ['read', 'export'], commandId: 'cmd-1', reason: 'needs an approver', masked: [{ type: 'SSN', count: 2 }, { type: 'NAME', count: 1 }],
  })],
  ['a request refused before a session existed (no masked, null id)', (r) => r.request('req-1', { sessionId: '', messageId: null, method: 'tools/call', verdict: 'deny', reason: 'session_mismatch' })],
  ['an answer with a masking plan written with it', (r) => r.response('req-1', {
    sessionId: 'sess-1', messageId: 7, outcome: 'ok', durationMs: 12.345, rows: 3, maskingPlan: DIGEST, masked: [{ type: 'NAME', count: 3 }],
    result: { content: [{ type: 'text', text: LONG }], structuredContent: { rows: [{ b: -0, a: 1e21, c: 1.5e-7, d: 0.1 + 0.2, e: undefined, f: [undefined, true] }] }, isError: false },
  }, { sessionId: 'sess-1', digest: DIGEST, salt: 'salt-1', report: { columns: [{ name: 'NOTE', action: 'mask', type: 'NAME' }], keys: [] } })],
  ['an answer and its SSE event in one step, with a plan (responseWith, the hot path)', (r) => r.responseWith('req-1', {
    sessionId: 'sess-1', messageId: 8, outcome: 'ok', durationMs: 0.5, maskingPlan: DIGEST, masked: [], result: { content: [{ type: 'text', text: LONG }] },
  }, { key: 'gatehouse:events:s1', fields: ['message', 'm', 'at', AT], maxLength: 100, ttlMs: 60000, entryIdField: 'entry' }, { sessionId: 'sess-1', digest: DIGEST, salt: 'salt-1', report: { z: 1, a: 'x' } })],
  ['an answer without a plan and without masked', (r) => r.response('req-1', { sessionId: 'sess-1', messageId: 9, outcome: 'ok', result: { content: [] } })],
  ['an error answer at a given time', (r) => r.response('req-1', { at: '2026-12-01T01:41:02.5Z', sessionId: 'sess-1', messageId: 10, outcome: 'error', error: { message: 'upstream said \u0007 no', code: -32603 }, masked: [], durationMs: 0 })],
  ['a withheld answer', (r) => r.responseWith('req-1', { sessionId: '', messageId: 'x', outcome: 'withheld', error: { code: -31040, message: 'withheld' } }, { key: 'k', fields: ['a', 'b'], maxLength: 1, ttlMs: 1 })],
  ['a session start', (r) => r.sessionStart('req-1', { sessionId: 'sess-1', grantId: 'grt_1', subject: 'carol@example.org', target: 'clinical', client: { version: '1.2', name: 'claude' }, transport: 'streamable-http', resumed: true })],
  ['a session end', (r) => r.sessionEnd('req-1', { sessionId: 'sess-1', reason: 'error', detail: 'the upstream went away' })],
  ['refusals counted over a window', (r) => r.refusals('req-1', { from: AT, to: '2026-12-01T01:40:59.999Z', total: 5, counts: [{ status: 429, code: -31020, kind: 'rate_limited', count: 4, example: 'too many requests' }, { status: 409, code: -31030, kind: 'id_in_use', count: 1 }] })],
];

const PINNED: Record<string, string[][]> = {
  "a request the gateway forwards (requestWhile, the hot path)": [
    ["a65e1f7d58b5ab2e39cc169f9307fdbb1f98df8c",
      "3",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "gatehouse:grant:active:g1",
      "entry",
      "{\"arguments\":{\"statement\":\"SELECT WARD FROM BENCH.PUBLIC.WARD_STATS\"},\"at\":\"2026-12-01T01:40:00.000Z\",\"masked\":[],\"messageId\":7,\"method\":\"tools/call\",\"sessionId\":\"sess-1\",\"tool\":\"run_query\",\"type\":\"request\",\"verdict\":\"allow\"}"],
  ],
  "a request with every field, keys out of order, an own __proto__ key": [
    ["d04c344f49c0fbae49c9acf2f45d4b379bf7b5b3",
      "2",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "entry",
      "{\"arguments\":{\"Alpha\":null,\"__proto__\":{\"x\":1},\"statement\":\"SELECT \\\"A\\\" FROM T\",\"zeta\":[3,{\"a\":\"\u00e9\\u0000\",\"b\":1}]},\"at\":\"2026-12-01T01:40:00.000Z\",\"classes\":[\"read\",\"export\"],\"commandId\":\"cmd-1\",\"masked\":[{\"count\":2,\"type\":\"SSN\"},{\"count\":1,\"type\":\"NAME\"}],\"messageId\":\"m-\\\"1\\\"\",\"method\":\"tools/call\",\"reason\":\"needs an approver\",\"sessionId\":\"sess-1\",\"tool\":\"run_query\",\"type\":\"request\",\"verdict\":\"hold\"}"],
  ],
  "a request refused before a session existed (no masked, null id)": [
    ["d04c344f49c0fbae49c9acf2f45d4b379bf7b5b3",
      "2",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "entry",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"masked\":[],\"messageId\":null,\"method\":\"tools/call\",\"reason\":\"session_mismatch\",\"sessionId\":\"\",\"type\":\"request\",\"verdict\":\"deny\"}"],
  ],
  "an answer with a masking plan written with it": [
    ["d04c344f49c0fbae49c9acf2f45d4b379bf7b5b3",
      "3",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "gatehouse:recording:req-1:plans",
      "entry",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"durationMs\":12.345,\"masked\":[{\"count\":3,\"type\":\"NAME\"}],\"maskingPlan\":\"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"messageId\":7,\"outcome\":\"ok\",\"result\":{\"content\":[{\"text\":\"{\\\"columns\\\":[\\\"NOTE\\\"],\\\"rows\\\":[[\\\"line \\\\\\\"one\\\\\\\"\\\\n\u2028 tab\\t \u00e9 <AB> \\ud800 end\\\"]]}\",\"type\":\"text\"}],\"isError\":false,\"structuredContent\":{\"rows\":[{\"a\":1e+21,\"b\":0,\"c\":1.5e-7,\"d\":0.30000000000000004,\"f\":[null,true]}]}},\"rows\":3,\"sessionId\":\"sess-1\",\"type\":\"response\"}",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"digest\":\"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"report\":{\"columns\":[{\"action\":\"mask\",\"name\":\"NOTE\",\"type\":\"NAME\"}],\"keys\":[]},\"salt\":\"salt-1\",\"sessionId\":\"sess-1\",\"type\":\"masking_plan\"}",
      "plan\u0000sess-1\u0000sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "plans\u0000sess-1\u0000",
      "bytes\u0000sess-1\u0000",
      "1000",
      "4194304"],
  ],
  "an answer and its SSE event in one step, with a plan (responseWith, the hot path)": [
    ["b847d9960948d2ade2079800ab6060bc53468d1e",
      "4",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "gatehouse:events:s1",
      "gatehouse:recording:req-1:plans",
      "entry",
      "3",
      "100",
      "60000",
      "entry",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"digest\":\"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"report\":{\"a\":\"x\",\"z\":1},\"salt\":\"salt-1\",\"sessionId\":\"sess-1\",\"type\":\"masking_plan\"}",
      "plan\u0000sess-1\u0000sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "plans\u0000sess-1\u0000",
      "bytes\u0000sess-1\u0000",
      "1000",
      "4194304",
      "message",
      "m",
      "at",
      "2026-12-01T01:40:00.000Z",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"durationMs\":0.5,\"masked\":[],\"maskingPlan\":\"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"messageId\":8,\"outcome\":\"ok\",\"result\":{\"content\":[{\"text\":",
      "\"{\\\"columns\\\":[\\\"NOTE\\\"],\\\"rows\\\":[[\\\"line \\\\\\\"one\\\\\\\"\\\\n\u2028 tab\\t \u00e9 <AB> \\ud800 end\\\"]]}\"",
      ",\"type\":\"text\"}]},\"sessionId\":\"sess-1\",\"type\":\"response\"}"],
  ],
  "an answer without a plan and without masked": [
    ["d04c344f49c0fbae49c9acf2f45d4b379bf7b5b3",
      "2",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "entry",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"masked\":[],\"messageId\":9,\"outcome\":\"ok\",\"result\":{\"content\":[]},\"sessionId\":\"sess-1\",\"type\":\"response\"}"],
  ],
  "an error answer at a given time": [
    ["d04c344f49c0fbae49c9acf2f45d4b379bf7b5b3",
      "2",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "entry",
      "{\"at\":\"2026-12-01T01:41:02.5Z\",\"durationMs\":0,\"error\":{\"code\":-32603,\"message\":\"upstream said \\u0007 no\"},\"masked\":[],\"messageId\":10,\"outcome\":\"error\",\"sessionId\":\"sess-1\",\"type\":\"response\"}"],
  ],
  "a withheld answer": [
    ["b847d9960948d2ade2079800ab6060bc53468d1e",
      "3",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "k",
      "entry",
      "1",
      "1",
      "1",
      "",
      "",
      "a",
      "b",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"error\":{\"code\":-31040,\"message\":\"withheld\"},\"masked\":[],\"messageId\":\"x\",\"outcome\":\"withheld\",\"sessionId\":\"\",\"type\":\"response\"}"],
  ],
  "a session start": [
    ["d04c344f49c0fbae49c9acf2f45d4b379bf7b5b3",
      "2",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "entry",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"client\":{\"name\":\"claude\",\"version\":\"1.2\"},\"grantId\":\"grt_1\",\"resumed\":true,\"sessionId\":\"sess-1\",\"subject\":\"carol@example.org\",\"target\":\"clinical\",\"transport\":\"streamable-http\",\"type\":\"session_start\"}"],
  ],
  "a session end": [
    ["d04c344f49c0fbae49c9acf2f45d4b379bf7b5b3",
      "2",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "entry",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"detail\":\"the upstream went away\",\"reason\":\"error\",\"sessionId\":\"sess-1\",\"type\":\"session_end\"}"],
  ],
  "refusals counted over a window": [
    ["d04c344f49c0fbae49c9acf2f45d4b379bf7b5b3",
      "2",
      "gatehouse:recording:req-1",
      "gatehouse:recording:req-1:sealed",
      "entry",
      "{\"at\":\"2026-12-01T01:40:00.000Z\",\"counts\":[{\"code\":-31020,\"count\":4,\"example\":\"too many requests\",\"kind\":\"rate_limited\",\"status\":429},{\"code\":-31030,\"count\":1,\"kind\":\"id_in_use\",\"status\":409}],\"from\":\"2026-12-01T01:40:00.000Z\",\"to\":\"2026-12-01T01:40:59.999Z\",\"total\":5,\"type\":\"refusals\"}"],
  ],
};

describe('the bytes of a recording entry', () => {
  test.each(CASES)('%s: stored exactly as pinned', async (name, write) => {
    const { recorder, calls } = capturingRecorder();
    await write(recorder);
    expect(calls).toEqual(PINNED[name]!.map((call) => call.map((arg) => arg.split('<AB>').join(AB))));
  });

  test('the hot paths hand the entry in pieces, a long text apart, and joined they are the text every other path stores', async () => {
    const entry = { sessionId: 'sess-1', messageId: 8, outcome: 'ok' as const, durationMs: 0.5, masked: [], result: { content: [{ type: 'text', text: LONG }, { type: 'text', text: `${LONG} again` }], structuredContent: { note: LONG } } };
    const hot = capturingRecorder();
    await hot.recorder.responseWith('req-1', entry, { key: 'k', fields: ['a', 'b'], maxLength: 1, ttlMs: 1 });
    const plain = capturingRecorder();
    await plain.recorder.response('req-1', entry);
    const args = hot.calls[0]!;
    // Without a plan: sha, key count, 3 keys, field, piece count, 3 companion settings, no plan, 2 fields, then the pieces.
    const count = Number(args[6]);
    const pieces = args.slice(args.length - count);
    expect(count).toBe(7);
    expect(pieces.filter((piece) => piece.length > 1024)).toHaveLength(3);
    expect(pieces.join('')).toBe(plain.calls[0]![5]);
    expect(args.slice(7, args.length - count)).toEqual(['1', '1', '', '', 'a', 'b']);
    // A request's long argument too.
    const request = { sessionId: 'sess-1', messageId: 7, method: 'tools/call', arguments: { statement: LONG }, verdict: 'allow' as const };
    const hotRequest = capturingRecorder();
    await hotRequest.recorder.requestWhile('req-1', request, 'grant');
    const plainRequest = capturingRecorder();
    await plainRequest.recorder.request('req-1', request);
    expect(hotRequest.calls[0]!.slice(6)).toHaveLength(3);
    expect(hotRequest.calls[0]!.slice(6).join('')).toBe(plainRequest.calls[0]![5]);
  });

  test('every case is pinned', () => {
    expect(Object.keys(PINNED).sort()).toEqual(CASES.map(([name]) => name).sort());
  });
});

// Secrets as they might arrive: a grant token alone, one inside a long text after an escaped newline
// (its JSON text then reads `\nghg_…`), and an RSA credential's PEM header.
const TOKEN = `${GRANT_TOKEN_PREFIX}Zx81_kq-3LmPq0aB`;
const SECRETS = [TOKEN, `${'x'.repeat(1500)}\n${TOKEN} "quoted"`, 'key: -----BEGIN RSA PRIVATE KEY-----\nMIIE'];

type Writer = (r: SessionRecorder, entry: Record<string, unknown>) => Promise<unknown>;
const BASES: [string, Writer, Record<string, unknown>][] = [
  ['requestWhile', (r, e) => r.requestWhile('req-1', e as never, 'gatehouse:grant:active:g1'),
    { sessionId: 's1', messageId: 'm1', method: 'tools/call', tool: 't', arguments: { statement: 'S', nested: [{ a: 'x' }] }, classes: ['read'], verdict: 'allow', commandId: 'c', reason: 'r', masked: [{ type: 'SSN', count: 1 }] }],
  ['request', (r, e) => r.request('req-1', e as never),
    { sessionId: 's1', messageId: 1, method: 'tools/call', arguments: { statement: 'S' }, verdict: 'deny', reason: 'r' }],
  ['responseWith', (r, e) => r.responseWith('req-1', e as never, { key: 'k', fields: ['a', 'b'], maxLength: 1, ttlMs: 1 }),
    { sessionId: 's1', messageId: 'm1', outcome: 'ok', result: { content: [{ type: 'text', text: 'rows' }], structuredContent: { rows: [['a', 1]] } }, masked: [{ type: 'NAME', count: 1 }], durationMs: 1 }],
  ['response', (r, e) => r.response('req-1', e as never),
    { sessionId: 's1', messageId: 'm1', outcome: 'error', error: { code: 1, message: 'm' } }],
  ['response with its plan', (r, e) => r.response('req-1', { sessionId: 's1', messageId: 1, outcome: 'ok', result: {}, maskingPlan: DIGEST }, e as never),
    { sessionId: 's1', digest: DIGEST, salt: 'salt', report: { columns: [{ name: 'A', reason: 'r' }] } }],
  ['sessionStart', (r, e) => r.sessionStart('req-1', e as never),
    { sessionId: 's1', grantId: 'g', subject: 'carol', target: 't', client: { name: 'c', version: 'v' } }],
  ['sessionEnd', (r, e) => r.sessionEnd('req-1', e as never), { sessionId: 's1', reason: 'closed', detail: 'd' }],
  ['refusals', (r, e) => r.refusals('req-1', e as never), { from: AT, to: AT, total: 1, counts: [{ status: 429, code: 1, kind: 'k', count: 1, example: 'e' }] }],
];

/** Copies of `value` with one string (value or key) anywhere in it replaced by `secret`, each with its path. */
function withSecret(value: unknown, secret: string, path = '$'): [string, unknown][] {
  if (typeof value === 'string') return [[path, secret]];
  if (Array.isArray(value)) return value.flatMap((item, i) => withSecret(item, secret, `${path}[${i}]`).map(([p, v]): [string, unknown] => [p, value.map((x, j) => (j === i ? v : x))]));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const nested = Object.keys(record).flatMap((key) => withSecret(record[key], secret, `${path}.${key}`).map(([p, v]): [string, unknown] => [p, { ...record, [key]: v }]));
  return path === '$' ? nested : [[`${path} (key)`, { ...record, [secret]: 1 }], ...nested];
}

describe('a secret anywhere in an entry', () => {
  test.each(BASES)('%s: refused, nothing stored, the secret not repeated', async (_name, write, base) => {
    const { recorder, calls } = capturingRecorder();
    await write(recorder, base);
    expect(calls).toHaveLength(1);
    let named = 0;
    for (const secret of SECRETS) {
      for (const [path, entry] of withSecret(base, secret)) {
        const { recorder: r, calls: c } = capturingRecorder();
        const error = await write(r, entry as Record<string, unknown>).then(() => undefined, (e: unknown) => e);
        expect([path, error]).toEqual([path, expect.any(RecordingError)]);
        expect((error as RecordingError).code).toBe('RECORDING_INVALID');
        expect((error as Error).message).not.toContain(TOKEN);
        expect((error as Error).message).not.toContain('MIIE');
        expect(c).toHaveLength(0);
        // A field with a fixed form (an enum, a digest, a time) may be refused for its form first; any free text names the secret.
        if (/looks like a (grant token|PEM private key)/.test((error as Error).message)) named++;
      }
    }
    expect(named).toBeGreaterThan(3);
  });
});
