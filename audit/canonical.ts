import canonicalize from 'canonicalize';

/** RFC 8785 canonical JSON (the `canonicalize` package); throws on values JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be serialized as canonical JSON');
  return text;
}

/** The genesis `prev` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);
