import type { EntityType, Finding } from '../types';
import { CITY_NAME, NOT_A_CITY, POSTCODE_STRICT } from './places';

/**
 * Address blocks whose street carries no street type the detectors know: an addressograph, a
 * letter's heading, a pharmacy label ("Aqqusinersuaq 9, lejl. 102" over "Nuuk 3900", "VÁCI UTCA
 * 12/B, BUDAPEST 1052"). A street line is a few words and a house number (either order, a unit
 * after a comma allowed); it is an address only when the next line is a city and a postcode (or
 * the same line ends with ", CITY POSTCODE") and a person's record is around it: a name, date,
 * phone, e-mail or id found within two lines. The street is reported here; its city and postcode
 * are then found by the rule for what follows an address (scan.ts).
 */

const WORD = String.raw`\p{L}[\p{L}\p{M}\d'’.-]{0,29}`;
const HOUSE = String.raw`\d{1,5}[A-Za-z]?(?:bis|ter)?(?:[/-][A-Za-z\d]{1,4}){0,2}\.?`;
const UNIT_PART = String.raw`(?:,?[ \t]{1,2}[^\n,:;=|%]{1,24}){0,2}`;
const STREET = String.raw`(?:(?:${WORD}[ \t]{1,2}){1,5}${HOUSE}${UNIT_PART}|(?:[Nn][Oo]\.[ \t])?${HOUSE},?[ \t]{1,2}(?:${WORD}[ \t]{1,2}){0,4}${WORD}${UNIT_PART})`;
const STREET_LINE = new RegExp(String.raw`^[ \t]{0,8}(${STREET}?),?[ \t]*$`, 'u');
const CITY_LINE = new RegExp(String.raw`^[ \t]{0,8}(?:(${CITY_NAME})[ \t]{1,2}${POSTCODE_STRICT}|${POSTCODE_STRICT}[ \t]{1,2}(${CITY_NAME}))[ \t]*$`, 'u');
const STREET_CITY_LINE = new RegExp(String.raw`^[ \t]{0,8}(${STREET}?),[ \t]{1,2}(${CITY_NAME})[ \t]{1,2}${POSTCODE_STRICT}[ \t]*$`, 'u');
/** What opens a line of measurements, doses, codes or places in a building, never a street. */
const NOT_A_STREET = /^(?:room|rm|bed|bay|ward|tel|tél|tlf|phone|fax|ext|suite|floor|level|box|rx|mrn|dob|qty|lot|ref|item|page|dose|hb|crp|bp|hr|gcs|ecog|nyha|icd|cpt|ndc|loinc|stage|grade|score|day|week|cycle|visit|step|question|table|figure|version|v)\.?$/i;
const UNIT_WORD = /\b(?:mg|mcg|µg|g|kg|ml|mmol|µmol|iu|units?|mmhg|bpm|cm|mm|tabs?|caps?|daily|bd|tds|qds|prn|mane|nocte)\b/i;
const DOSE = /\d[ \t]?(?:mg|mcg|µg|g|ml|iu|units?|tabs?|caps?)\b/i;
const PERSON_TYPES = new Set<EntityType>(['NAME', 'DATE', 'PHONE', 'EMAIL', 'SSN', 'MRN', 'HEALTH_PLAN_ID', 'AGE', 'OTHER_ID', 'FAX']);
const MAX_LINE = 90;

/** A digit 0-9 in text[start, end) (/\d/ of the line, without cutting it out). */
function hasDigit(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

interface Line {
  start: number;
  end: number;
}

export function addressBlocks(text: string, findings: Finding[]): void {
  const lines: Line[] = [];
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lines.push({ start, end });
    start = end + 1;
  }
  const candidates: { start: number; end: number; first: number; last: number }[] = [];
  const lineText = (i: number) => text.slice(lines[i]!.start, lines[i]!.end);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.end - line.start > MAX_LINE || line.end === line.start) continue;
    if (!hasDigit(text, line.start, line.end)) continue;
    const here = lineText(i);
    // (STREET_CITY_LINE needs a comma after the street: a line without one is not tried.)
    const same = here.includes(',') ? STREET_CITY_LINE.exec(here) : null;
    if (same && isStreet(same[1]!) && !NOT_A_CITY.test(same[2]!.split(/[ \t]/)[0]!)) {
      const at = line.start + here.indexOf(same[1]!);
      candidates.push({ start: at, end: at + same[1]!.trimEnd().length, first: i, last: i });
      continue;
    }
    if (i === 0) continue;
    const city = CITY_LINE.exec(here);
    if (!city || NOT_A_CITY.test((city[1] ?? city[2])!.split(/[ \t]/)[0]!)) continue;
    const above = lines[i - 1]!;
    if (above.end - above.start > MAX_LINE) continue;
    const prev = lineText(i - 1);
    const street = STREET_LINE.exec(prev);
    if (!street || !isStreet(street[1]!)) continue;
    const at = above.start + prev.indexOf(street[1]!);
    candidates.push({ start: at, end: at + street[1]!.trimEnd().length, first: i - 1, last: i });
  }
  if (!candidates.length) return;
  const addresses = findings.filter((f) => f.type === 'STREET_ADDRESS');
  const people = findings.filter((f) => PERSON_TYPES.has(f.type));
  for (const c of candidates) {
    // A street the detectors found inside the line ("Skipagata 14" of "Skipagata 14, leil. 3") grows to the whole line.
    const inside = addresses.filter((a) => a.start < c.end && a.end > c.start);
    if (inside.some((a) => a.start < c.start || a.end > c.end)) continue;
    const from = lines[Math.max(0, c.first - 2)]!.start;
    const to = lines[Math.min(lines.length - 1, c.last + 2)]!.end;
    const blockEnd = lines[c.last]!.end;
    if (!people.some((p) => p.start < to && p.end > from && (p.end <= c.start || p.start >= blockEnd))) continue;
    // Next to a dose it is a medication list, not an address.
    const around = text.slice(lines[Math.max(0, c.first - 1)]!.start, lines[Math.min(lines.length - 1, c.last + 1)]!.end);
    if (DOSE.test(around)) continue;
    for (const a of inside) findings.splice(findings.indexOf(a), 1);
    findings.push({ type: 'STREET_ADDRESS', start: c.start, end: c.end, score: Math.max(0.8, ...inside.map((a) => a.score)) });
  }
}

/**
 * A street has a word of three letters or more that opens no line of measurements or codes, and
 * more than "Word 50" ("Tramadol 50" over "Paracetamol 1000" is a list of doses): two words, a
 * house number with a letter or a slash ("28B", "12/B", "9-7"), or a unit after a comma.
 */
function isStreet(street: string): boolean {
  if (UNIT_WORD.test(street)) return false;
  const numberFirst = /^(?:[Nn][Oo]\.[ \t])?\d/.test(street);
  const first = numberFirst ? street.replace(/^(?:[Nn][Oo]\.[ \t])?[\d/A-Za-z-]*\d[A-Za-z]?,?[ \t]+/, '') : street;
  const firstWord = first.split(/[ \t.,]/)[0] ?? '';
  if (NOT_A_STREET.test(firstWord)) return false;
  if (!/\p{L}{3}/u.test(street)) return false;
  return numberFirst || street.includes(',') || /\d[A-Za-z/-]/.test(street) || /^\S+[ \t]{1,2}\p{L}/u.test(street);
}
