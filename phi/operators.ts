import { createHmac } from 'node:crypto';
import { yearOf } from './text/detectors/date';
import type { EntityType, OperatorName } from './types';

/**
 * Safe Harbor keeps the first three ZIP digits only where that area holds more than 20,000
 * people; these prefixes (2000 Census, as listed by HHS) must become 000.
 */
export const RESTRICTED_ZIP3 = new Set(['036', '059', '063', '102', '203', '556', '692', '790', '821', '823', '830', '831', '878', '879', '884', '890', '893']);

export interface OperatorContext {
  /** Secret for deterministic tokens; required when a policy picks `tokenize`. */
  tokenKey?: string | Uint8Array;
  /** Tokens already computed in this call (values repeat: one patient, many rows). */
  tokenMemo?: Map<string, string>;
}

export class MaskingError extends Error {
  constructor(
    readonly code: 'missing-token-key' | 'input-too-large' | 'invalid-policy',
    message: string,
  ) {
    super(message);
    this.name = 'MaskingError';
  }
}

const NUMERIC_TYPES = new Set<EntityType>(['SSN', 'PHONE', 'FAX', 'CARD_NUMBER', 'NPI', 'ZIP']);

/** The form two spellings of the same value share, so tokens join across formats. */
function canonical(type: EntityType, value: string): string {
  if (NUMERIC_TYPES.has(type)) return value.replace(/\D/g, '');
  if (type === 'EMAIL' || type === 'URL') return value.trim().toLowerCase();
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const LABELS = new Map<EntityType, string>();

export function redact(type: EntityType): string {
  let label = LABELS.get(type);
  if (!label) LABELS.set(type, (label = `[${type}]`));
  return label;
}

/** Keeps the last four letters or digits and the separators: "***-**-6789". */
export function partial(type: EntityType, value: string): string {
  if (type === 'ZIP') return zip3(value);
  if (type === 'DATE' || type === 'AGE') return generalize(type, value);
  // Initials and partial names still identify; names are never partially shown.
  if (type === 'NAME' || type === 'STREET_ADDRESS' || type === 'CITY') return redact(type);
  if (type === 'EMAIL') {
    const at = value.lastIndexOf('@');
    return at > 0 ? `${value[0]}***${value.slice(at)}` : redact(type);
  }
  const alnum = value.replace(/[^A-Za-z0-9]/g, '').length;
  if (alnum <= 4) return redact(type);
  let keep = 4;
  const out: string[] = [];
  for (let i = value.length - 1; i >= 0; i--) {
    const c = value[i]!;
    if (/[A-Za-z0-9]/.test(c)) {
      out.push(keep > 0 ? c : '*');
      keep--;
    } else out.push(c);
  }
  return out.reverse().join('');
}

/** Keyed HMAC-SHA256 of the canonical value: same input and key, same token; no key, no token. */
export function tokenize(type: EntityType, value: string, context: OperatorContext): string {
  if (!context.tokenKey || context.tokenKey.length < 16) {
    throw new MaskingError('missing-token-key', 'the masking policy asks for tokenize but no token key of at least 16 bytes was given (set it in the gateway secrets)');
  }
  const memoKey = `${type}\u0000${value}`;
  const known = context.tokenMemo?.get(memoKey);
  if (known) return known;
  const digest = createHmac('sha256', context.tokenKey).update(`${type}\u0000${canonical(type, value)}`).digest('hex');
  const token = `<${type}:${digest.slice(0, 16)}>`;
  if (context.tokenMemo && context.tokenMemo.size < 50_000) context.tokenMemo.set(memoKey, token);
  return token;
}

/**
 * Keeps what Safe Harbor allows: the year of a date, "90+" for an age, three ZIP digits. A year
 * that implies an age of 90 or more (it lies 90 years or more before `now`) is itself an element
 * "indicative of such age" and becomes "90+" too (45 CFR 164.514(b)(2)(i)(C)).
 */
export function generalize(type: EntityType, value: string, now: Date = new Date()): string {
  if (type === 'DATE') {
    const year = yearOf(value);
    if (year === undefined) return redact(type);
    return now.getUTCFullYear() - Number(year) >= 90 ? '90+' : year;
  }
  if (type === 'AGE') {
    const age = Number(value.replace(/\D/g, ''));
    return Number.isFinite(age) && value.trim() !== '' && age <= 89 ? value : '90+';
  }
  if (type === 'ZIP') return zip3(value);
  return redact(type);
}

function zip3(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 5) return redact('ZIP');
  const prefix = digits.slice(0, 3);
  return RESTRICTED_ZIP3.has(prefix) ? '000**' : `${prefix}**`;
}

export function applyOperator(operator: OperatorName, type: EntityType, value: string, context: OperatorContext): string {
  switch (operator) {
    case 'redact':
      return redact(type);
    case 'partial':
      return partial(type, value);
    case 'tokenize':
      return tokenize(type, value, context);
    case 'generalize':
      return generalize(type, value);
  }
}
