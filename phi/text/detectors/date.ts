import { contextWords } from '../context';
import { cueSet, eachMatchAt } from '../cues';
import { eachMatch, finding, type Detector } from '../detector';
import { DASH, MONTHS, MONTH_ABBREVIATIONS, monthNumber, wordAlternation } from '../patterns';
import { calendarValid } from '../validators';
import type { Finding } from '../../types';

const SEP = `(?:[/.]|${DASH})`;
const MONTH = `(?:${wordAlternation([...MONTHS, ...MONTH_ABBREVIATIONS])})\\.?`;
const DAY = '(?:[0-3]?\\d)(?:st|nd|rd|th)?';
const YEAR = '(?:1[89]\\d{2}|2[01]\\d{2})';
/** Between month, day and year; exports that strip spaces glue month words to numbers ("24Dec1963", "May2010"). */
const GAP_OR_NONE = '[\\s,]{0,4}';
const SHORT_YEAR_AFTER = /^,?[ ]{1,2}['’‘]\d{2}(?![\d])/;

/** 03/14/2021, 14.03.2021, 3-14-21 (month-first or day-first; either must be a real date). */
const NUMERIC = new RegExp(`(?<![\\d/.]|${DASH})(\\d{1,2})(${SEP})(\\d{1,2})(${SEP})(\\d{4}|\\d{2})(?![\\d]|[/.]\\d|${DASH}\\d)`, 'g');
/** 2021-03-14, 2021/3/14. */
/** An ISO time after a year-first date belongs to it: "2024-01-01T00:00:00.000Z" is one date, not "[DATE]T00:00:00.000Z". */
const ISO_TIME = '(?:[T ](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:[.,]\\d{1,9})?)?(?:Z|[+-](?:[01]\\d):?[0-5]\\d)?(?!\\d))?';
const YEAR_FIRST = new RegExp(`(?<![\\d/.]|${DASH})(${YEAR})(${SEP})(\\d{1,2})(${SEP})(\\d{1,2})${ISO_TIME}(?!\\d|[/.]\\d)`, 'g');
/** 03/2021: month and year. */
const MONTH_YEAR_NUMERIC = new RegExp(`(?<![\\d/.]|${DASH})(0?[1-9]|1[0-2])[/](${YEAR})(?![\\d/])`, 'g');
/** 20210314, only where a date label says so. */
const COMPACT = new RegExp(`(?<!\\d)(${YEAR})(\\d{2})(\\d{2})(?!\\d)`, 'g');
/** 15081991 / 08151991 (day or month first), only where a date label says so. */
const COMPACT_YEAR_LAST = new RegExp(`(?<!\\d)(\\d{2})(\\d{2})(${YEAR})(?!\\d)`, 'g');
/** March 14, 2021 / Mar 14th / March 2021. */
const MONTH_FIRST = new RegExp(`\\b(${MONTH})(?:${GAP_OR_NONE}(${DAY}))?(?:${GAP_OR_NONE}(${YEAR}))?(?![\\w])`, 'gi');
/** Where the shared keyword pass saw a month's name (MONTH_FIRST runs sticky there only). */
const MONTH_CUES = cueSet([...MONTHS, ...MONTH_ABBREVIATIONS], { after: 'letter or digit' });
/** 14 March 2021 / 14th of March / 14-Mar-2021. */
const DAY_FIRST = new RegExp(`(?<![\\w.])(${DAY})(?:[\\s,]{1,3}of)?(?:[\\s,]{0,3}|${DASH})(${MONTH})(?:(?:[\\s,]{0,3}|${DASH})(${YEAR}|\\d{2}(?![\\d:])))?(?![\\w])`, 'gi');
/** 3/14 without a year, only where a date label says so. */
/** "6 août 1991", "7. Juni 1989", "3 de marzo de 1950": day, a month of another language, year. */
const WORLD_MONTHS = [
  'janvier', 'février', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'aout', 'septembre', 'octobre', 'novembre', 'décembre', 'decembre',
  'januar', 'jänner', 'februar', 'märz', 'maerz', 'juni', 'juli', 'oktober', 'dezember',
  'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'setiembre', 'octubre', 'noviembre', 'diciembre',
  'gennaio', 'febbraio', 'aprile', 'maggio', 'giugno', 'luglio', 'settembre', 'ottobre', 'dicembre',
  'janeiro', 'fevereiro', 'março', 'maio', 'junho', 'julho', 'setembro', 'outubro', 'dezembro',
  'januari', 'februari', 'maart', 'mei', 'augustus',
  // Swedish, Norwegian and Danish; Polish months in the genitive a date uses ("26 czerwca 1973 r.").
  'maj', 'augusti', 'desember',
  'stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia', 'września', 'października', 'listopada', 'grudnia',
  // English months after a day with a full stop, as Nordic and German dates write them ("7. december 1977", "18. April 1980").
  ...MONTHS,
];
// (No lookbehind and no u flag: both cost at every position; the callback checks the character before.)
const WORLD_MONTH_WORDS: ReadonlySet<string> = new Set(WORLD_MONTHS);
const WORLD_DAY_MONTH_YEAR = new RegExp(`[0-3]?\\d\\.?[ \\t]{1,2}(?:de[ \\t]{1,2})?([A-Za-zéûçäëåøęśźżłńó]{3,12})\\.?[ \\t,]{1,2}(?:de[ \\t]{1,2})?${YEAR}(?!\\d)(?:[ ]?r\\.(?![A-Za-z]))?`, 'g');
const LETTER_OR_DIGIT_BEFORE = /[\p{L}\p{N}]/u;
/** "1943年11月6日", "1943년 11월 6일": CJK dates. */
/** "13/XII/1942", "4.III.1957", "2-iv-2001" (never spaces: "2 x 2000 mg" is a dose): a month in Roman numerals, as Polish, Romanian, Italian and Czech records write it. */
const ROMAN_MONTH_DATE = /(?<![\dA-Za-z/.])([0-3]?\d)([/.-])(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I|xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)\2((?:1[89]|20)\d{2})(?![\dA-Za-z])/g;
const ROMAN_MONTHS = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii'];
const CJK_DATE = /(?<!\d)(?:1[89]\d{2}|2[01]\d{2})[ ]?[年년][ ]?[01]?\d[ ]?[月월][ ]?[0-3]?\d[ ]?[日일]/gu;
const MONTH_DAY = /(?<![\d/.])(0?[1-9]|1[0-2])\/([0-3]?\d)(?![\d/])/g;

const dateContext = contextWords([
  'date', 'dob', 'd.o.b', 'born', 'birth', 'birthday', 'admitted', 'admission', 'discharged', 'discharge', 'seen', 'visit', 'on',
  'dated', 'died', 'death', 'deceased', 'expired', 'surgery', 'procedure', 'since', 'until', 'from', 'through', 'follow-up', 'appt',
  'appointment', 'scheduled', 'dos', 'effective', 'signed', 'collected', 'received',
]);

/**
 * The timestamp that opens a log record ("ERROR 2026-01-01 request failed", "2026-01-01T10:22:01Z
 * WARN ...") says when a system wrote the line, not a date of a person's life. It is left readable
 * only in that exact shape (at the start of a line, next to a log level) and only when its year is
 * this one or the one before or after: a birth date or an old admission date dressed as a log
 * line is still masked, and so is every other date on the line.
 */
const LOG_LEVEL = '(?:ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL|NOTICE|CRITICAL)';
const LOG_BEFORE = new RegExp(`(?:^|\\n)[ \\t]{0,4}\\[?${LOG_LEVEL}\\]?:?[ \\t]{1,2}\\[?$`);
const LOG_AFTER = new RegExp(`^\\]?[ \\t]{1,2}\\[?${LOG_LEVEL}(?![A-Za-z])`);
const LINE_START = /(?:^|\n)[ \t]{0,4}\[?$/;
function isLogTimestamp(text: string, start: number, end: number, year: number): boolean {
  const now = new Date().getUTCFullYear();
  if (year < now - 1 || year > now + 1) return false;
  const before = text.slice(Math.max(0, start - 16), start);
  if (LOG_BEFORE.test(before)) return true;
  return LINE_START.test(before) && LOG_AFTER.test(text.slice(end, end + 12));
}

/** "03/14-2021" is not a date; a hyphen and a unicode dash are the same separator. */
const isDash = (s: string) => s !== '/' && s !== '.';
const sameSeparator = (a: string, b: string) => a === b || (isDash(a) && isDash(b));

const fullYear = (y: string): number => (y.length === 4 ? Number(y) : Number(y) + (Number(y) > 40 ? 1900 : 2000));

export const dateDetector: Detector = {
  name: 'date',
  patterns: [SHORT_YEAR_AFTER, LOG_BEFORE, LOG_AFTER, LINE_START, NUMERIC, YEAR_FIRST, MONTH_YEAR_NUMERIC, COMPACT, COMPACT_YEAR_LAST, MONTH_FIRST, DAY_FIRST, WORLD_DAY_MONTH_YEAR, CJK_DATE, MONTH_DAY, ROMAN_MONTH_DATE],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    const add = (start: number, end: number, score: number) => out.push(finding('DATE', start, end, score));
    eachMatch(NUMERIC, text, (m) => {
      const [, a, sep, b, sep2, y] = m as unknown as [string, string, string, string, string, string];
      if (!sameSeparator(sep, sep2)) return;
      const year = fullYear(y);
      if (y.length === 2 && sep === '.' && !dateContext.before(text, m.index)) return; // version numbers
      const valid = calendarValid(year, Number(a), Number(b)) || calendarValid(year, Number(b), Number(a));
      if (valid) add(m.index, m.index + m[0].length, y.length === 4 ? 0.95 : 0.85);
    });
    eachMatch(YEAR_FIRST, text, (m) => {
      if (!sameSeparator(m[2]!, m[4]!) || !calendarValid(Number(m[1]), Number(m[3]), Number(m[5]))) return;
      if (isLogTimestamp(text, m.index, m.index + m[0].length, Number(m[1]))) return;
      add(m.index, m.index + m[0].length, 0.95);
    });
    eachMatch(MONTH_YEAR_NUMERIC, text, (m) => add(m.index, m.index + m[0].length, 0.7));
    eachMatch(COMPACT, text, (m) => {
      if (calendarValid(Number(m[1]), Number(m[2]), Number(m[3])) && dateContext.before(text, m.index, 24)) add(m.index, m.index + 8, 0.85);
    });
    eachMatch(COMPACT_YEAR_LAST, text, (m) => {
      const [a, b, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if ((calendarValid(year, a, b) || calendarValid(year, b, a)) && dateContext.before(text, m.index, 24)) add(m.index, m.index + 8, 0.85);
    });
    eachMatchAt(MONTH_FIRST, text, MONTH_CUES, (m) => {
      const [whole, month, day, year] = m as unknown as [string, string, string | undefined, string | undefined];
      if (!day && !year) return; // a bare month name ("in March", "may") is not a date element worth masking
      if (day && !calendarValid(year ? Number(year) : 2000, monthNumber(month), parseInt(day, 10))) {
        if (!year) return;
        add(m.index, m.index + whole.length, 0.7); // "March 2021" followed by something else
        return;
      }
      if (/^may$/i.test(month) && month !== 'May' && month !== 'MAY' && !year) return; // "may 5 more days"
      // "Mar. 15, '21": a two-digit year after an apostrophe goes with the date.
      const shortYear = day && !year ? SHORT_YEAR_AFTER.exec(text.slice(m.index + whole.length, m.index + whole.length + 6)) : null;
      add(m.index, m.index + whole.length + (shortYear ? shortYear[0].length : 0), year || shortYear ? 0.95 : 0.8);
    });
    eachMatch(DAY_FIRST, text, (m) => {
      const [whole, day, month, year] = m as unknown as [string, string, string, string | undefined];
      if (/^may\.?$/i.test(month) && !year && month[0] === 'm') return;
      if (calendarValid(year ? fullYear(year) : 2000, monthNumber(month), parseInt(day, 10))) add(m.index, m.index + whole.length, year ? 0.95 : 0.8);
    });
    eachMatch(WORLD_DAY_MONTH_YEAR, text, (m) => {
      if (WORLD_MONTH_WORDS.has(m[1]!.toLowerCase()) && (m.index === 0 || !LETTER_OR_DIGIT_BEFORE.test(text[m.index - 1]!))) add(m.index, m.index + m[0].length, 0.85);
    });
    eachMatch(ROMAN_MONTH_DATE, text, (m) => {
      if (calendarValid(Number(m[4]), ROMAN_MONTHS.indexOf(m[3]!.toLowerCase()) + 1, Number(m[1]))) add(m.index, m.index + m[0].length, 0.9);
    });
    if (text.includes('年') || text.includes('년')) eachMatch(CJK_DATE, text, (m) => add(m.index, m.index + m[0].length, 0.9));
    eachMatch(MONTH_DAY, text, (m) => {
      if (calendarValid(2000, Number(m[1]), Number(m[2])) && dateContext.before(text, m.index, 20)) add(m.index, m.index + m[0].length, 0.75);
    });
    return out;
  },
};

/** The four-digit year a date string names, if any (used by the generalize operator). */
export function yearOf(value: string): string | undefined {
  const four = /(?<!\d)(1[89]\d{2}|2[01]\d{2})(?!\d)/.exec(value);
  if (four) return four[1];
  const numeric = new RegExp(`^\\d{1,2}${SEP}\\d{1,2}${SEP}(\\d{2})$`).exec(value.trim());
  if (numeric) return String(fullYear(numeric[1]!));
  const written = /(?:^|[\s,-])(\d{2})$/.exec(value.trim());
  if (written && /[a-z]/i.test(value)) return String(fullYear(written[1]!));
  return undefined;
}
