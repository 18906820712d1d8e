/**
 * When masking a JSON text changed nothing, the text itself can go out instead of a new
 * serialisation of the masked value, but only when the text is exactly what JSON.stringify would
 * write. Anything else would let an upstream pass text the masker never read: a duplicate key
 * (JSON.parse keeps the last value, the text still carries the first), an escape or number
 * spelling JSON.stringify would normalise (`\u0031`, `1.50`, digits beyond a double), whitespace,
 * keys in another order. Both checks below are exact or say no; "no" only costs the serialisation.
 */

type Json = unknown;

/** Objects JSON.stringify writes member by member (no toJSON, no class instance, no boxed value). */
const isPlainObject = (v: object): v is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
};

/** A key JSON.parse would not keep in text order (an array index: objects list those first, ascending). */
const indexLike = (k: string) => {
  const c = k.charCodeAt(0);
  return c >= 48 && c <= 57;
};

/** Deeper values are not compared (the caller serialises them): the walk below recurses. */
const MAX_DEPTH = 200;

/**
 * When `a` and `b` are the same JSON value (same types, same primitives, same keys in the same
 * order, nothing JSON.stringify would drop or transform, so it writes both alike): how many
 * members its objects have; else -1. Also -1 for an index-like key (see sameJsonText).
 */
function compare(x: Json, y: Json, depth: number): number {
  if (typeof x === 'string') return x === y ? 0 : -1;
  if (typeof x === 'number') return x === y && Number.isFinite(x) ? 0 : -1;
  if (x === null || typeof x === 'boolean') return x === y ? 0 : -1;
  if (depth > MAX_DEPTH || typeof x !== 'object' || typeof y !== 'object' || y === null) return -1;
  let members = 0;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return -1;
    for (let i = 0; i < x.length; i++) {
      const q = compare(x[i], y[i], depth + 1);
      if (q < 0) return -1;
      members += q;
    }
    return members;
  }
  if (Array.isArray(y) || !isPlainObject(x) || !isPlainObject(y)) return -1;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return -1;
  for (let i = 0; i < kx.length; i++) {
    const k = kx[i]!;
    if (k !== ky[i] || indexLike(k)) return -1;
    const q = compare(x[k], y[k], depth + 1);
    if (q < 0) return -1;
    members += 1 + q;
  }
  return members;
}

/** `a` and `b` serialise alike (JSON.stringify(a) === JSON.stringify(b)), checked without serialising. */
export function sameJson(a: Json, b: Json): boolean {
  return compare(a, b, 0) >= 0;
}

/*
 * Canonical JSON text token by token, as JSON.stringify writes it: no whitespace; strings with
 * only the escapes it uses (\" \\ \b \f \n \r \t, \u00xx for other control characters) and
 * surrogates only in pairs; numbers without exponent, trailing fraction zeros or "-0", of at most
 * 15 digits and at least 1e-6 (so the double they parse to prints back as the same digits: a
 * 15-digit decimal is the shortest that round-trips, and Number#toString writes 1e-6 <= |x| <
 * 1e21 without exponent). A scalar must be followed by a delimiter, so "1.50" cannot be read as
 * 1.5 then 0. Whether the tokens form valid JSON is JSON.parse's to say (the caller parsed it).
 */
const STRING = String.raw`"(?:[^"\\\u0000-\u001f\ud800-\udfff]|\\["\\bfnrt]|\\u00(?:0[0-7bef]|1[0-9a-f])|[\ud800-\udbff][\udc00-\udfff])*"`;
const NUMBER = String.raw`(?:-?(?:0\.(?!0{6})(?=\d{1,15}(?!\d))\d*[1-9]|[1-9](?=[\d.]{0,14}(?![\d.]))\d*(?:\.\d*[1-9])?)|0(?![.\d]))`;
const AFTER_SCALAR = String.raw`(?=[,:\]}]|$)`;
const CANONICAL_TOKENS = new RegExp(String.raw`^(?:[[\]{},:]|${STRING}${AFTER_SCALAR}|${NUMBER}${AFTER_SCALAR}|(?:true|false|null)${AFTER_SCALAR})*$`);
/** Members in a canonical JSON text: `":` where the quote closes a string (not `\\":`, an escaped quote inside one). */
function membersIn(text: string): number {
  let n = 0;
  for (let i = text.indexOf('":'); i >= 0; i = text.indexOf('":', i + 2)) {
    let backslashes = 0;
    while (text.charCodeAt(i - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) n++;
  }
  return n;
}

/**
 * True when `text` is exactly JSON.stringify(masked), given `parsed` = JSON.parse(text): masking
 * changed nothing (sameJson), the text is canonical token by token, no key is index-like (whose
 * order JSON.parse changes), and the text has no member the parsed value lacks (a duplicated key,
 * which JSON.parse keeps once).
 */
export function sameJsonText(text: string, parsed: Json, masked: Json): boolean {
  const members = compare(parsed, masked, 0);
  return members >= 0 && CANONICAL_TOKENS.test(text) && membersIn(text) === members;
}
