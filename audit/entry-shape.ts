// The gateway writes a request and a response entry on every call, built by its own code: a zod
// pass over each (the schema walks a 10 KB result's keys for `z.unknown()` and copies every
// argument for `z.record`) was ~1.7 % of the gateway's CPU. These checks accept only what the
// schemas in recording.ts accept, and yield the same stored JSON; anything else (and every other
// entry type) goes through the schema, which then explains what is wrong. (No import of
// recording.ts's types here: it imports this file, and the lint refuses import cycles.)
import { APART_MARK, canonicalMember } from './canonical';

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

type Member = readonly [name: string, check: Check, required: boolean];
/** The members of an entry type in canonical JSON's order (keys sorted by code unit, as canonicalJson sorts them). */
const members = (shape: Record<string, Check>, required: readonly string[]): Member[] =>
  Object.keys(shape).sort().map((name) => [name, shape[name]!, required.includes(name)] as const);

const REQUEST: Member[] = members({
  type: oneOf('request'), at: iso, sessionId: string, messageId: jsonRpcId, method: nonEmpty, tool: string,
  arguments: argumentRecord, classes: strings, verdict: oneOf('allow', 'hold', 'deny'), commandId: string, reason: string, masked,
}, ['type', 'at', 'sessionId', 'messageId', 'method', 'verdict']);

const RESPONSE: Member[] = members({
  type: oneOf('response'), at: iso, sessionId: string, messageId: jsonRpcId, outcome: oneOf('ok', 'error', 'denied', 'withheld'),
  result: () => true, error: strict({ code: integer, message: string }, ['code', 'message']), masked, rows: nonNegativeInteger, durationMs: nonNegative,
  maskingPlan: (v) => typeof v === 'string' && /^sha256:[0-9a-f]{64}$/.test(v),
}, ['type', 'at', 'sessionId', 'messageId', 'outcome']);

/**
 * The stored JSON of the request or response entry `{ ...fields, type, at }` (`masked` defaulting
 * to []), checked and written in one pass over its members without building that object: the same
 * text as canonicalJson of what the schema outputs for it. Undefined when it does not conform, or
 * is of another type: then the caller builds the entry and parses it with the schema. Throws as
 * canonicalJson does on a value JSON cannot carry (NaN inside a result).
 */
export function exchangeEntryJson(type: string, at: string, fields: Entry): string | undefined {
  return exchangeEntryPieces(type, at, fields)?.join('');
}

/**
 * exchangeEntryJson's text in pieces: each long string (a result's 10 KB text, as its escaped
 * form, the one the client's SSE event reuses) is a piece of its own, between the text before and
 * after it, so the pieces are handed on without being copied into one string. Joined, they are
 * exchangeEntryJson's text. A piece boundary always falls next to a long string's quote mark.
 */
export function exchangeEntryPieces(type: string, at: string, fields: Entry): string[] | undefined {
  const shape = type === 'request' ? REQUEST : type === 'response' ? RESPONSE : undefined;
  if (shape === undefined || !plainObject(fields)) return undefined;
  // Every own key of `fields` must be a member (type and at are the recorder's, whatever `fields` says);
  // an own member Object.keys does not list (not enumerable) makes the counts differ: the schema decides.
  let own = 0;
  let out = '';
  const apart: string[] = [];
  for (const [name, check, required] of shape) {
    const has = Object.hasOwn(fields, name);
    if (has) own++;
    const value = name === 'type' ? type : name === 'at' ? at : has ? fields[name] : undefined;
    if (value === undefined) {
      if (required) return undefined;
      if (name === 'masked') out += `${out === '' ? '' : ','}"masked":[]`;
      continue;
    }
    if (!check(value)) return undefined;
    const member = canonicalMember(fields, name, value, apart);
    if (member !== undefined) out += `${out === '' ? '' : ','}${member}`;
  }
  if (own !== Object.keys(fields).length) return undefined;
  const text = `{${out}}`;
  if (apart.length === 0) return [text];
  // The text around the long strings is short: split at their marks, the long strings go between.
  const around = text.split(APART_MARK);
  const pieces: string[] = [around[0]!];
  for (let i = 0; i < apart.length; i++) pieces.push(apart[i]!, around[i + 1]!);
  return pieces;
}
