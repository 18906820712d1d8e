import { quoteHeld } from '../lib';

/**
 * RFC 8785 canonical JSON, the same text as the `canonicalize` package (2.1.0) gives for every
 * value, its quirks included (test/lib/json-text.test.ts compares them); throws on values JSON
 * cannot carry. Long strings are escaped once per holder object (`quoteHeld`): the client's SSE
 * event of an answer (`jsonText`) then reuses the escaping its recording entry did.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value, undefined, '');
  if (text === undefined) throw new TypeError('value cannot be serialized as canonical JSON');
  return text;
}

/**
 * Held strings whose escaped text is at least this long are set apart (`canonicalMember`'s
 * `apart`): the size of a result's text, where a copy of it costs; not its short cells.
 */
export const APART_FROM = 1024;

/**
 * The mark that stands in the text for a string set apart: a raw NUL, which JSON text never holds
 * (JSON.stringify and so canonicalJson write U+0000 as the escape `\u0000`, in keys and values).
 */
export const APART_MARK = '\u0000';

/**
 * `"name":<value>` as canonicalJson writes the member `name` of `holder` (undefined when it leaves
 * the member out: an undefined or symbol value), for a writer that knows its members' order.
 * With `apart`: each long string value inside (APART_FROM) is pushed there as its escaped text,
 * and APART_MARK stands in the text for it; the text with each mark replaced by its string in
 * order is the same text as without `apart`.
 */
export function canonicalMember(holder: object, name: string, value: unknown, apart?: string[]): string | undefined {
  if (value === undefined || typeof value === 'symbol') return undefined;
  return `${JSON.stringify(name)}:${serialize(value, holder, name, apart)}`;
}

function serialize(value: unknown, holder: object | undefined, key: string | number, apart?: string[]): string | undefined {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new Error('NaN is not allowed');
    if (!Number.isFinite(value)) throw new Error('Infinity is not allowed');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (holder === undefined) return JSON.stringify(value);
    const text = quoteHeld(holder, key, value);
    if (apart === undefined || text.length < APART_FROM) return text;
    apart.push(text);
    return APART_MARK;
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const object = value as { toJSON?: unknown };
  if (object.toJSON instanceof Function) return serialize((object.toJSON as () => unknown).call(object), undefined, '', apart);
  // As the package: an array's holes are skipped (its reduce does), every element after index 0
  // gets a comma, and what JSON.stringify leaves undefined (a function) is written as `undefined`.
  if (Array.isArray(value)) {
    let out = '';
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue;
      const item: unknown = value[i];
      out += `${i === 0 ? '' : ','}${item === undefined || typeof item === 'symbol' ? 'null' : serialize(item, value, i, apart)}`;
    }
    return `[${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '';
  for (const name of Object.keys(record).sort()) {
    const item = record[name];
    if (item === undefined || typeof item === 'symbol') continue;
    out += `${out.length === 0 ? '' : ','}${JSON.stringify(name)}:${serialize(item, record, name, apart)}`;
  }
  return `{${out}}`;
}

/** The genesis `prev` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);
