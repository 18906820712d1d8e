import { canonicalJson } from '../../audit/canonical';
import { exchangeEntryJson } from '../../audit/entry-shape';
import { recordingEntrySchema } from '../../audit/recording';

const AT = '2026-11-30T05:00:00.000Z';
const request = {
  type: 'request', at: AT, sessionId: 's1', messageId: 7, method: 'tools/call', tool: 'run_query',
  arguments: { sql: 'select 1', nested: { a: [1, 'b'] } }, classes: ['select'], verdict: 'allow', commandId: 'c1', reason: 'r', masked: [{ type: 'SSN', count: 2 }],
};
const response = {
  type: 'response', at: AT, sessionId: 's1', messageId: 'm-1', outcome: 'ok',
  result: { content: [{ type: 'text', text: 'x' }], structuredContent: { rows: [{ a: 1 }] } }, error: { code: -32603, message: 'boom' }, masked: [], rows: 3, durationMs: 1.5,
};
// A hostile agent controls arguments, ids and (through the upstream) results: values of every kind, in every field.
const VALUES: unknown[] = [undefined, null, '', 'x', 'not a date', 0, -1, 1.5, 2 ** 53, NaN, Infinity, true, [], ['a'], [1], {}, { a: 1 },
  [{ type: 'SSN', count: 1 }], [{ type: '', count: 1 }], [{ type: 'SSN', count: 0 }], [{ type: 'SSN', count: 1, extra: 1 }], [{ type: 'SSN' }],
  { code: 1, message: 'm' }, { code: 1.5, message: 'm' }, { code: 1 }, { code: 1, message: 'm', data: 1 },
  JSON.parse('{"__proto__": {"polluted": true}, "sql": "x"}'), Object.create(null), new Date(0), 'allow', 'hold', 'ok', 'withheld', 'request', 'response', 'session_end'];

/** What the recorder would store, or what stops it (NaN inside a result stops both paths alike). */
function stored(entry: unknown): string {
  try {
    return canonicalJson(entry);
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

/** The one-pass text of an entry (its type and time given apart, as the recorder gives them), or what stops it. */
function fastJson(entry: Record<string, unknown>): string | undefined {
  try {
    return exchangeEntryJson(entry.type as string, entry.at as string, entry);
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

function agrees(entry: Record<string, unknown>): boolean {
  const fast = fastJson(entry);
  if (fast === undefined) return false;
  const parsed = recordingEntrySchema.safeParse(entry);
  if (!parsed.success) throw new Error(`taken without the schema but the schema refuses it: ${JSON.stringify(entry)}: ${parsed.error.message}`);
  expect(fast).toBe(stored(parsed.data));
  return true;
}

describe('a recording entry taken without the schema', () => {
  it('takes the gateway\'s own request and response entries, stored as the schema would store them', () => {
    expect(agrees(request)).toBe(true);
    expect(agrees(response)).toBe(true);
    const { masked: _masked, ...noMasked } = response;
    expect(agrees(noMasked)).toBe(true);
    expect(fastJson(noMasked)).toContain('"masked":[]');
    expect(agrees({ ...request, messageId: null })).toBe(true);
  });

  it('takes nothing the schema refuses and stores nothing differently, whatever any field holds', () => {
    let taken = 0;
    let left = 0;
    for (const base of [request, response] as Record<string, unknown>[]) {
      for (const key of [...Object.keys(base), 'extra', '__proto__']) {
        for (const value of VALUES) {
          const entry: Record<string, unknown> = { ...base };
          Object.defineProperty(entry, key, { value, enumerable: true, writable: true, configurable: true });
          if (agrees(entry)) taken++; else left++;
        }
        const without = { ...base };
        delete without[key];
        if (agrees(without)) taken++; else left++;
      }
    }
    expect(taken).toBeGreaterThan(20);
    expect(left).toBeGreaterThan(200);
  });

  it('leaves other entry types to the schema', () => {
    expect(fastJson({ type: 'session_end', at: AT, sessionId: 's1', reason: 'closed' })).toBeUndefined();
    expect(fastJson({ type: 'refusals', at: AT, from: AT, to: AT, total: 1, counts: [] })).toBeUndefined();
  });
});
