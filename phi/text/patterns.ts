/**
 * Regex fragments shared by the detectors. Every pattern built from these must stay linear:
 * bounded repetition only, no quantified group whose body can match the same text two ways.
 * test/phi/regex-safety.test.ts checks each detector's patterns statically and on large
 * adversarial strings.
 */

/** ASCII hyphen plus the unicode dashes people paste from word processors. */
export const DASH = '[\\-\\u2010-\\u2015\\u2212\\uFE63\\uFF0D]';

/** US state and territory postal codes (USPS). */
export const STATE_CODES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD',
  'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD',
  'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'PR', 'GU', 'VI', 'AS', 'MP',
];

export const STATE_NAMES = [
  'Alabama', 'Alaska', 'Arizona', 'Arkansas', 'California', 'Colorado', 'Connecticut', 'Delaware', 'Florida', 'Georgia', 'Hawaii',
  'Idaho', 'Illinois', 'Indiana', 'Iowa', 'Kansas', 'Kentucky', 'Louisiana', 'Maine', 'Maryland', 'Massachusetts', 'Michigan',
  'Minnesota', 'Mississippi', 'Missouri', 'Montana', 'Nebraska', 'Nevada', 'New Hampshire', 'New Jersey', 'New Mexico', 'New York',
  'North Carolina', 'North Dakota', 'Ohio', 'Oklahoma', 'Oregon', 'Pennsylvania', 'Rhode Island', 'South Carolina', 'South Dakota',
  'Tennessee', 'Texas', 'Utah', 'Vermont', 'Virginia', 'Washington', 'West Virginia', 'Wisconsin', 'Wyoming', 'Puerto Rico',
  'District of Columbia',
];

/** Alternation of literal words, longest first so "medical record number" wins over "medical record". */
export function wordAlternation(words: readonly string[]): string {
  return [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[ \\t]{1,3}'))
    .join('|');
}

export const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
export const MONTH_ABBREVIATIONS = ['jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec'];

/** Month number (1..12) of a written month, or 0. */
export function monthNumber(word: string): number {
  const w = word.toLowerCase().replace(/\.$/, '');
  const full = MONTHS.indexOf(w);
  if (full >= 0) return full + 1;
  const index = MONTHS.findIndex((m) => m.startsWith(w) && w.length >= 3);
  return index >= 0 ? index + 1 : 0;
}

/**
 * Like wordAlternation, but every letter matches either case, so a pattern can be
 * case-insensitive for its label ("MRN", "mrn") and case-sensitive for what follows.
 */
export function anyCaseAlternation(words: readonly string[]): string {
  const letterClass = (c: string): string => {
    if (/[a-z]/.test(c)) return `[${c}${c.toUpperCase()}]`;
    if (c === ' ') return '[ \\t_-]{1,3}'; // log keys write labels as patient_id or member-id
    return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  };
  return [...new Set(words.map((w) => w.toLowerCase()))]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.split('').map(letterClass).join(''))
    .join('|');
}
