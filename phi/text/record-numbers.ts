import type { Finding } from '../types';
import { cueHits, cueSet, guarded, stickyOf } from './cues';

/**
 * Record numbers printed without a label: census lines, wristbands, addressographs, clinic lists,
 * "Name #1234567", "Name (0012345678)". A number alone says nothing, so this runs after the
 * detectors and takes a number as an MRN only where the record around it is a person's: a name,
 * phone, e-mail, address or id found on the same line, or a date-of-birth cue there; or, for a
 * short line of its own (a barcode, a label's last line), such a line next to it in the same
 * block. Lab values, doses, codes (NDC, ICD, CPT, LOINC), lot numbers, rooms and extensions stay.
 */

/**
 * A record-number shape: 7–12 digits, whole or in groups joined by "-", "/" or one space
 * ("12-34567-8", "1234 5678"), or 1–4 capitals then 6–10 digits ("H1234567", "SMH-4471203"),
 * or 6–10 digits after "#".
 */
const CANDIDATE = /(?:(#[ ]?)(\d{6,10})|([A-Z]{1,4}-?\d{6,10})|(\d{3,5} \d{3,5}(?! \d)|\d{1,12}(?:[-/]\d{1,8}){0,3}))(?![\p{L}\p{N}]|[.,]\d|[-/]\d)/gu;

/**
 * What CANDIDATE must not follow: a letter, a digit, ".,/-", or a digit and a space. Checked in the
 * loop rather than by lookbehinds that V8 would try at every position of the text; a match that
 * follows one is retried one character on, so the matches are those of the lookbehind pattern.
 */
const GLUED_BEFORE = /[\p{L}\p{N}.,/-]/u;
function gluedBefore(text: string, at: number): boolean {
  if (at === 0) return false;
  const c = text.charCodeAt(at - 1);
  if (c === 32) {
    const d = text.charCodeAt(at - 2);
    return d >= 48 && d <= 57;
  }
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 44 || c === 47 || c === 45;
  const low = c >= 0xdc00 && c <= 0xdfff && at >= 2;
  return GLUED_BEFORE.test(low ? String.fromCodePoint(text.codePointAt(at - 2)!) : String.fromCharCode(c));
}

/** The line before a number names what it is when it ends with one of these (codes, rooms, amounts, phones). */
const NOT_A_RECORD_BEFORE = /(?:\b(?:rx|ndc|icd(?:-?1[01])?|cpt|hcpcs|loinc|snomed|rxnorm|lot|batch|exp|expiry|room|rm|ext|extension|x|bed|ward|qty|quantity|tel|phone|fax|mob|mobile|cell|npi|dea|tin|ein|zip|postcode|dose|order|ref range|range)\b|[$€£¥]|\(\d{1,5}\)|\+\d{1,3})[\s:#.=-]{0,3}$/iu;
/** Amounts and counts written before the number, in lower case only ("Price" and "Count" are also surnames). */
const AMOUNT_BEFORE = /\b(?:total|amount|balance|charges?|paid|cost|price|count|steps|visits)[\s:#.=-]{0,3}$/u;
/**
 * A key right before the number ("visits":1250000, steps=1250000) decides: only a key that names
 * an identifier lets it through ("patient_id", "mrn", "ref", "chart_no").
 */
const KEY_BEFORE = /(?:"([^"\n]{1,40})"|'([^'\n]{1,40})')[ ]?:[ ]?["']?$|([\p{L}_][\p{L}\p{N}_.-]{0,40})=["']?$/u;
const ID_KEY = /(?:^|[_ -])(?:id|ids|mrn|no|nr|num|number|record|chart|patient|pt|hosp(?:ital)?|case|ur|uhid|nhc|processo|cartella|ref|reference|accession|acc|account|acct|member|policy|claim|encounter|visit|fin|csn|har|uid|key)(?:$|[_ -])|(?:id|mrn|no|number)$/iu;
/** A unit after the number makes it a measurement. */
const UNIT_AFTER = /^[ \t]?(?:mg|mcg|µg|ug|g|kg|ml|l|mmol|µmol|umol|nmol|iu|units?|u|cells|copies|cfu|%|x ?10|cm|mm|ms|bpm|mmhg|kcal|ng|pg|meq|hrs?|min|days?|weeks?|years?|steps)\b|^[ \t]?(?:\/|%)/iu;
/** Said of a person's own record on the same line: a birth date. */
const BIRTH_CUE = /\b(?:dob|d\.o\.b\.?|born|date of birth|birth ?date|n[ée]\(?e?\)? le|nat[oa] il|data de nascimento|fecha de nacimiento|geb\.)/iu;
/** Its first words, found by the shared keyword pass: the cue is read there only, once per text, not once per line. */
const BIRTH_CUE_WORDS = cueSet(['dob', 'd.o.b', 'born', 'date', 'birth', 'ne', 'né', 'nat', 'data', 'fecha', 'geb.'], { after: 'letter' });
const BIRTH_CUE_AT = stickyOf(guarded(new RegExp(BIRTH_CUE.source, 'giu'), BIRTH_CUE_WORDS));

/** Where BIRTH_CUE matches in the text (a line holds one when one of these is inside it: no match crosses a line). */
function birthCues(text: string): number[] {
  const found: number[] = [];
  for (const at of cueHits(text).at(BIRTH_CUE_WORDS)) {
    BIRTH_CUE_AT.lastIndex = at;
    if (BIRTH_CUE_AT.test(text)) found.push(at);
  }
  return found;
}

/** How many of value's characters are 0-9 (value.replace(/\D/g, '').length without the string). */
function digitCount(value: string): number {
  let n = 0;
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Dates the date detector leaves alone on purpose (log timestamps, far-future dates) are still dates. */
const DATE_SHAPED = /^(?:(?:19|20)\d{2}[-/](?:0?[1-9]|1[0-2])[-/](?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])[-/](?:0?[1-9]|[12]\d|3[01])[-/](?:\d{2}|(?:19|20)\d{2}))$/;
/**
 * Shapes other detectors own and leave alone on purpose: SSNs (an invalid one is not an SSN),
 * postcodes with a dash (ZIP+4, Japan 123-4567, Brazil 12345-678, Portugal 1234-567).
 */
const OTHER_SHAPES = /^(?:\d{3}-\d{2}-\d{4}|\d{5}-\d{4}|\d{3}-\d{4}|\d{5}-\d{3}|\d{4}-\d{3})$/;

const PERSON_TYPES = new Set(['NAME', 'PHONE', 'EMAIL', 'STREET_ADDRESS', 'SSN', 'HEALTH_PLAN_ID']);
/** A line this short holding a number is a label or barcode line, read with its block. */
const SHORT_LINE = 48;

interface Line {
  start: number;
  end: number;
  person: boolean;
}

function linesOf(text: string, findings: readonly Finding[], cues: readonly number[]): Line[] {
  const lines: Line[] = [];
  let start = 0;
  let cue = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    while (cue < cues.length && cues[cue]! < start) cue++;
    lines.push({ start, end, person: cue < cues.length && cues[cue]! < end });
    start = end + 1;
  }
  const people = findings.filter((f) => PERSON_TYPES.has(f.type)).sort((a, b) => a.start - b.start);
  let i = 0;
  for (const f of people) {
    while (i < lines.length && lines[i]!.end < f.start) i++;
    for (let j = i; j < lines.length && lines[j]!.start < f.end; j++) lines[j]!.person = true;
  }
  return lines;
}

const isBlank = (text: string, line: Line) => text.slice(line.start, line.end).trim() === '';

/** A word of prose: three lower-case letters in a row ("Wrong patient merged" is a title, not a label line). */
const PROSE_WORD = /\p{Ll}{3}/u;

/** Columns of a row: cells set apart by a tab or two spaces or more. */
const COLUMN_GAP = /\t| {2,}/;
const WORD = "\\p{Lu}[\\p{L}\\p{M}'’.\\-]{1,30}";
const PARTICLE = '(?:de|da|das|do|dos|del|della|di|du|la|le|van|von|der|den|ter|bin|binti|ibn|al|el|ap)';
/**
 * A cell written as a person's name: two to five words, the first and last capitalised, particles
 * between ("Maria da Silva"), or "FAMILY, Given", or two to four words of a script without case.
 */
const NAME_CELL = new RegExp(`^(?:${WORD}(?: (?:${WORD}|${PARTICLE})){0,3} ${WORD}|${WORD}, ${WORD}(?: ${WORD})?|[\\p{Lo}\\p{M}]{1,30}(?: [\\p{Lo}\\p{M}]{1,30}){1,3})$`, 'u');

/** A row of columns in which the number is a cell of its own and another cell is written as a name (a clinic list, a census). */
function inNamedRow(text: string, line: Line, start: number, end: number): boolean {
  const before = text.slice(line.start, start);
  const after = text.slice(end, line.end);
  if (!/(?:^|\t| {2}|#)\s*$/.test(before) || !/^\s*(?:$|\t| {2})/.test(after)) return false;
  return [...before.split(COLUMN_GAP), ...after.split(COLUMN_GAP)].some((cell) => NAME_CELL.test(cell.trim()));
}

/**
 * True when the line is a person's record, or a row whose other cell is written as a name, or a
 * short line of codes and numbers (a barcode, a label's last line) with a person's line within
 * two lines of the same block.
 */
function inPersonRecord(text: string, lines: readonly Line[], i: number, start: number, end: number): boolean {
  if (lines[i]!.person) return true;
  const line = lines[i]!;
  if (inNamedRow(text, line, start, end)) return true;
  const rest = text.slice(line.start, start) + text.slice(end, line.end);
  if (rest.trim().length + (end - start) > SHORT_LINE || PROSE_WORD.test(rest)) return false;
  for (const step of [-1, 1]) {
    for (let k = 1, j = i + step; k <= 2 && j >= 0 && j < lines.length; k++, j += step) {
      if (isBlank(text, lines[j]!)) break;
      if (lines[j]!.person) return true;
    }
  }
  return false;
}

export function recordNumbersNearPeople(text: string, findings: Finding[]): void {
  const cues = birthCues(text);
  if (!findings.some((f) => PERSON_TYPES.has(f.type)) && cues.length === 0 && !/\S(?:\t| {2})/.test(text)) return;
  const lines = linesOf(text, findings, cues);
  const byStart = [...findings].sort((a, b) => a.start - b.start);
  let next = 0;
  let takenUpTo = -1;
  const added: Finding[] = [];
  let lineIndex = 0;
  CANDIDATE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CANDIDATE.exec(text)) !== null) {
    if (gluedBefore(text, m.index)) {
      CANDIDATE.lastIndex = m.index + 1;
      continue;
    }
    const value = m[2] ?? m[3] ?? m[4]!;
    const start = m.index + (m[1]?.length ?? 0);
    const end = start + value.length;
    const digits = digitCount(value);
    if (m[4] !== undefined && (digits < 7 || digits > 12 || DATE_SHAPED.test(value) || OTHER_SHAPES.test(value))) continue;
    // Candidates come in order, so the findings starting before this one's end only grow.
    while (next < byStart.length && byStart[next]!.start < end) takenUpTo = Math.max(takenUpTo, byStart[next++]!.end);
    if (takenUpTo > start) continue;
    while (lines[lineIndex]!.end < start) lineIndex++;
    const line = lines[lineIndex]!;
    const before = text.slice(Math.max(line.start, m.index - 24), m.index);
    if (NOT_A_RECORD_BEFORE.test(before) || AMOUNT_BEFORE.test(before)) continue;
    if (UNIT_AFTER.test(text.slice(end, end + 8))) continue;
    const key = KEY_BEFORE.exec(text.slice(Math.max(line.start, m.index - 44), m.index));
    const keyName = key ? (key[1] ?? key[2] ?? key[3]!).trim() : '';
    // A key of one or two letters ("a", "v") says nothing either way.
    if (keyName.length > 2 && !ID_KEY.test(keyName)) continue;
    if (!inPersonRecord(text, lines, lineIndex, start, end)) continue;
    added.push({ type: 'MRN', start, end, score: 0.6 });
  }
  findings.push(...added);
}
