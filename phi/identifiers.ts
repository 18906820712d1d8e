import { scanText } from './text/scan';
import type { EntityType } from './types';

/**
 * Whether an identifier an agent chose (a quoted alias, a result column's header) reads as PHI,
 * and as what. An identifier is no safe place for a value: the SQL text masks string literals,
 * so `AS "078-05-1120"` or `AS "Jane Doe"` must not carry one into the record either. Stricter
 * than free text, because a real column name has no use for what is refused here:
 *   - whatever the free-text detectors find in it, as written or upper-cased (Snowflake folds
 *     names, so "jane doe" comes back as JANE DOE somewhere);
 *   - five digits or more in a row once separators are set aside ("078-05-1120", `078"05"1120`,
 *     "０７８０５", "O78-O5-112O" with a letter O or l standing alone for a digit): a ZIP, an SSN, a
 *     phone number or a date. A name like Q1_2024 is refused too: a neutral header costs an analyst
 *     a word, a kept SSN costs the record;
 *   - a single quote: the header of an unaliased expression is its text (`COUNT_IF(SSN = '...')`),
 *     literals included.
 * Plain names (FIRST_NAME, DIAGNOSIS_CODE, ICD10_CODE, COUNT(*)) read as nothing.
 */
export function phiInIdentifier(name: string): IdentifierPhi | undefined {
  if (typeof name !== 'string' || PLACEHOLDER.test(name)) return undefined;
  // Result headers repeat call after call: each is read once (a bounded memo, emptied when full).
  const known = verdicts.get(name);
  if (known !== undefined) return known === false ? undefined : known;
  const verdict = readIdentifier(name);
  if (name.length <= 256) {
    if (verdicts.size >= MEMO_SIZE) verdicts.clear();
    verdicts.set(name, verdict ?? false);
  }
  return verdict;
}

export type IdentifierPhi = EntityType | 'NUMBER' | 'TEXT';
const MEMO_SIZE = 4096;
const verdicts = new Map<string, IdentifierPhi | false>();
const valueVerdicts = new Map<string, IdentifierPhi | false>();

function readIdentifier(name: string): IdentifierPhi | undefined {
  return readValue(name) ?? (name.includes("'") ? 'TEXT' : undefined);
}

function readValue(text: string): IdentifierPhi | undefined {
  const types = text.length >= 4 ? new Set([...scanText(text), ...scanText(text.toUpperCase())].map((f) => f.type)) : new Set<EntityType>();
  if (types.size) return TYPE_ORDER.find((t) => types.has(t)) ?? [...types][0]!;
  if (longestDigitRun(text) >= 5) return 'NUMBER';
  return undefined;
}

/**
 * Whether a value the agent chose reads as PHI, and as what: a literal of its statement, or a
 * result cell computed from its literals only (`SELECT '078-05-1120' AS A`). The identifier rule
 * without its quote clause (a quote in a value is no sign of anything): what the detectors find
 * as written or upper-cased (`Jane Doe`), five digits or more in a row once separators are set
 * aside (`078-05-1120`, `078051120`, `2024-03-05`). `1`, `2024`, `active`, `n/a` read as nothing.
 */
export function phiInValue(text: string): IdentifierPhi | undefined {
  if (typeof text !== 'string' || PLACEHOLDER.test(text)) return undefined;
  const known = valueVerdicts.get(text);
  if (known !== undefined) return known === false ? undefined : known;
  const verdict = readValue(text);
  if (text.length <= 256) {
    if (valueVerdicts.size >= MEMO_SIZE) valueVerdicts.clear();
    valueVerdicts.set(text, verdict ?? false);
  }
  return verdict;
}

export const identifierReadsAsPhi = (name: string): boolean => phiInIdentifier(name) !== undefined;

const PLACEHOLDER = /^\[[A-Z_]{2,20}\]$/;
const TYPE_ORDER: readonly EntityType[] = ['SSN', 'NAME', 'DATE', 'PHONE', 'EMAIL', 'STREET_ADDRESS', 'MRN'];

/** The most digits in a row, anything but a letter between them set aside; a lone O/o or I/l counts as a digit. */
function longestDigitRun(name: string): number {
  const text = name.normalize('NFKC').replace(/(?<!\p{L})[OoIl](?!\p{L})/gu, (c) => (c === 'O' || c === 'o' ? '0' : '1'));
  let best = 0;
  let run = 0;
  for (const c of text) {
    if (/\p{Nd}/u.test(c)) best = Math.max(best, ++run);
    else if (/\p{L}/u.test(c)) run = 0;
  }
  return best;
}

/** A name no column of `taken` has: `COLUMN_<position>`, then with a suffix. */
export function neutralColumnName(position: number, taken: ReadonlySet<string>): string {
  const base = `COLUMN_${position}`;
  if (!taken.has(base)) return base;
  for (let k = 2; ; k++) if (!taken.has(`${base}_${k}`)) return `${base}_${k}`;
}

/**
 * Column names with every name that reads as PHI replaced by a neutral one (`COLUMN_3`), unique
 * among them (case-insensitively: a client may fold names). The others stay as they are.
 */
export function withNeutralNames(names: readonly string[], readsAsPhi: (name: string) => boolean = identifierReadsAsPhi): string[] {
  const hidden = names.map((n) => typeof n !== 'string' || readsAsPhi(n));
  const taken = new Set(names.filter((n, i) => !hidden[i]).map((n) => n.toUpperCase()));
  return names.map((n, i) => {
    if (!hidden[i]) return n;
    const neutral = neutralColumnName(i + 1, taken);
    taken.add(neutral);
    return neutral;
  });
}
