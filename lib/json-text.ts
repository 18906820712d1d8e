// The gateway serializes each answer twice: as RFC 8785 canonical JSON for its recording entry
// (audit/) and in its own key order for the client's SSE event (proxy/). Most of either is the
// escaping of the result's one long text (a 10 KB table as a JSON string: every quote escaped),
// so a long string's escaped form is kept with the object that holds it, for as long as that
// object lives, and the second serialization takes it from there. Both texts stay exactly what
// JSON.stringify and the canonicalize package would give (test/lib/json-text.test.ts).

/** Strings shorter than this are escaped each time (a WeakMap lookup costs more than they do). */
const LONG_STRING = 1024;

interface Quoted { key: string | number; source: string; text: string }

/** holder object -> its last long string value's escaped form (dropped with the holder). */
const quotedIn = new WeakMap<object, Quoted>();

/**
 * JSON.stringify(value) for the string held at holder[key] (an array's index as a number, an
 * object's key as a string), made once while the holder lives and holds that same string.
 */
export function quoteHeld(holder: object, key: string | number, value: string): string {
  if (value.length < LONG_STRING) return JSON.stringify(value);
  const known = quotedIn.get(holder);
  if (known !== undefined && known.key === key && known.source === value) return known.text;
  const text = JSON.stringify(value);
  quotedIn.set(holder, { key, source: value, text });
  return text;
}

/** Deeper than this, JSON.stringify itself decides (and throws on a cycle). */
const MAX_DEPTH = 64;

/**
 * JSON.stringify(value), the same text, with long strings escaped once (`quoteHeld`). Plain data
 * only (objects of Object.prototype or null, arrays, strings, numbers, booleans, null; undefined,
 * functions and symbols where JSON.stringify drops or nulls them); anything else anywhere in the
 * value (a toJSON, a class instance, a bigint, depth past MAX_DEPTH) and JSON.stringify does it all.
 */
export function jsonText(value: unknown): string {
  return plain(value, undefined, '', 0) ?? JSON.stringify(value);
}

/** The text, or undefined when the value is not plain data (the caller falls back). */
function plain(value: unknown, holder: object | undefined, key: string | number, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return holder === undefined ? JSON.stringify(value) : quoteHeld(holder, key, value);
    case 'number':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  if (depth >= MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return undefined;
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const text = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : plain(item, value, i, depth + 1);
      if (text === undefined) return undefined;
      out += i === 0 ? text : `,${text}`;
    }
    return `${out}]`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const record = value as Record<string, unknown>;
  let out = '';
  for (const name of Object.keys(record)) {
    const item = record[name];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    const text = plain(item, record, name, depth + 1);
    if (text === undefined) return undefined;
    out += `${out === '' ? '' : ','}${JSON.stringify(name)}:${text}`;
  }
  return `{${out}}`;
}
