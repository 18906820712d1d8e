/**
 * When masking changed nothing in a tool result's structuredContent, the text block that is its
 * JSON twin (the very string JSON.stringify wrote for the structured content received) is still
 * the twin of the masked value, and need not be written again. sameJson decides "changed nothing"
 * exactly, without serialising: it is exact or says no, and "no" only costs the serialisation.
 *
 * Not used for a text alone (a JSON text without a structured twin): whether such a text is what
 * JSON.stringify would write (no duplicated key, whitespace, re-spelled escape or number) was
 * tried as a canonical-token regex, and it cost as much CPU as the serialisation it saved (bench
 * payload), grew worse than linearly and overflowed the stack on tens of MB.
 */

type Json = unknown;

/** Objects JSON.stringify writes member by member (no toJSON, no class instance, no boxed value). */
const isPlainObject = (v: object): v is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
};

/** Deeper values are not compared (the caller serialises them): the walk below recurses. */
const MAX_DEPTH = 200;

/**
 * True when `a` and `b` are the same JSON value: same types, same primitives, same keys in the
 * same order, nothing JSON.stringify would drop or transform (undefined, functions, toJSON,
 * non-finite numbers, class instances), so JSON.stringify(a) === JSON.stringify(b).
 */
export function sameJson(x: Json, y: Json, depth = 0): boolean {
  if (typeof x === 'string') return x === y;
  if (typeof x === 'number') return x === y && Number.isFinite(x);
  if (x === null || typeof x === 'boolean') return x === y;
  if (depth > MAX_DEPTH || typeof x !== 'object' || typeof y !== 'object' || y === null) return false;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(y) || !isPlainObject(x) || !isPlainObject(y)) return false;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (let i = 0; i < kx.length; i++) {
    const k = kx[i]!;
    if (k !== ky[i] || !sameJson(x[k], y[k], depth + 1)) return false;
  }
  return true;
}
