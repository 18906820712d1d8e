// The gateway writes a request and a response entry on every call, built by its own code: a zod
// pass over each (the schema walks a 10 KB result's keys for `z.unknown()` and copies every
// argument for `z.record`) was ~1.7 % of the gateway's CPU. These checks accept only what the
// schemas in recording.ts accept, and yield the same stored JSON; anything else (and every other
// entry type) goes through the schema, which then explains what is wrong. (No import of
// recording.ts's types here: it imports this file, and the lint refuses import cycles.)
type Entry = Record<string, unknown>;
type Check = (value: unknown) => boolean;

const string: Check = (v) => typeof v === 'string';
const nonEmpty: Check = (v) => typeof v === 'string' && v.length > 0;
const iso: Check = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const jsonRpcId: Check = (v) => v === null || typeof v === 'string' || Number.isFinite(v);
const integer: Check = (v) => Number.isSafeInteger(v);
const nonNegativeInteger: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const nonNegative: Check = (v) => Number.isFinite(v) && (v as number) >= 0;
const oneOf = (...values: string[]): Check => (v) => values.includes(v as string);
const plainObject = (v: unknown): v is Entry => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};
/** z.record(z.string(), z.unknown()) copies the object; a key that copy would lose or change takes the schema's path. */
const argumentRecord: Check = (v) => plainObject(v) && !Object.hasOwn(v, '__proto__');
const strings: Check = (v) => Array.isArray(v) && v.every(string);
const strict = (shape: Record<string, Check>, required: readonly string[]): Check => (v) => {
  if (!plainObject(v)) return false;
  for (const key of required) if (!(key in v) || v[key] === undefined) return false;
  for (const key of Object.keys(v)) {
    if (!Object.hasOwn(shape, key)) return false;
    if (v[key] !== undefined && !shape[key]!(v[key])) return false;
  }
  return true;
};
const masked: Check = (v) => Array.isArray(v) && v.every(strict({ type: nonEmpty, count: (c) => Number.isSafeInteger(c) && (c as number) > 0 }, ['type', 'count']));

const requestEntry = strict({
  type: oneOf('request'), at: iso, sessionId: string, messageId: jsonRpcId, method: nonEmpty, tool: string,
  arguments: argumentRecord, classes: strings, verdict: oneOf('allow', 'hold', 'deny'), commandId: string, reason: string, masked,
}, ['type', 'at', 'sessionId', 'messageId', 'method', 'verdict']);

const responseEntry = strict({
  type: oneOf('response'), at: iso, sessionId: string, messageId: jsonRpcId, outcome: oneOf('ok', 'error', 'denied', 'withheld'),
  result: () => true, error: strict({ code: integer, message: string }, ['code', 'message']), masked, rows: nonNegativeInteger, durationMs: nonNegative,
  maskingPlan: (v) => typeof v === 'string' && /^sha256:[0-9a-f]{64}$/.test(v),
}, ['type', 'at', 'sessionId', 'messageId', 'outcome']);

/**
 * A request or response entry that conforms, as the schema would output it (`masked` defaults to
 * []); undefined when it does not, or is of another type: then the caller parses with the schema.
 */
export function conformingExchangeEntry(entry: Entry): Entry | undefined {
  const check = entry.type === 'request' ? requestEntry : entry.type === 'response' ? responseEntry : undefined;
  if (!check?.(entry)) return undefined;
  return entry.masked === undefined ? { ...entry, masked: [] } : entry;
}
