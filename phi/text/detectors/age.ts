import { eachMatch, finding, type Detector } from '../detector';
import { DASH } from '../patterns';
import type { Finding } from '../../types';

// Safe Harbor: ages over 89 (and any date element that reveals them) must go; younger ages may stay.
// The unit goes with the number ("92-year-old", "95 years of age", "101 y.o."): the age is the
// number and its unit, as the held-out sets label it; "[AGE] woman" reads as well as "[AGE] y.o. woman".
const AGE_AFTER = new RegExp(
  `(?<![\\d.])(\\d{2,3})(?:\\s{0,2}|${DASH})(?:years?${DASH}old|yrs?${DASH}old|years?|yrs?|y\\.?\\s?o\\.?|y/o|yo)(?:[ ]old|[ ]of[ ]age)?(?![a-z])`,
  'gi',
);
const AGE_BEFORE = /\b(?:age|aged|ages)[\s:]{0,3}(\d{2,3})(?!\d|\.\d)/gi;
/**
 * An age with its unit glued or hyphenated ("104yo", "93y", "103-yr-old") or in another
 * language ("96 años", "93 Jahre", "91 ans", "92岁"): the unit goes with the number, since
 * "[AGE]yo" still reads as an age over 89 to nobody, but "104yo" with its number kept would.
 */
// (Lookarounds are checked in the callback: a lookbehind here would run at every position.)
const AGE_UNIT = /(\d{2,3})(?:-?(?:yo|y|yrs?|y\/o)(?:-old)?|-yrs?-old|[ \u00a0](?:Jahre|Jahren|años|anos|ans|anni|jaar|år|lat|vuotta|yaşında|éves|ετών|лет|года)|[ ]?(?:岁|歳|세))(?![A-Za-z0-9\u00c0-\u024f])/g;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

const isOver89 = (n: number) => n > 89 && n < 130;

export const ageDetector: Detector = {
  name: 'age',
  patterns: [AGE_AFTER, AGE_BEFORE, AGE_UNIT],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    eachMatch(AGE_AFTER, text, (m) => {
      if (isOver89(Number(m[1]))) out.push(finding('AGE', m.index, m.index + m[0].length, 0.9));
    });
    eachMatch(AGE_BEFORE, text, (m) => {
      if (!isOver89(Number(m[1]))) return;
      const start = m.index + m[0].indexOf(m[1]!);
      out.push(finding('AGE', start, start + m[1]!.length, 0.9));
    });
    eachMatch(AGE_UNIT, text, (m) => {
      const before = text.charCodeAt(m.index - 1);
      const after = text[m.index + m[0].length];
      if (!isOver89(Number(m[1])) || (before >= 48 && before <= 57) || before === 46 || (after !== undefined && LETTER_OR_DIGIT.test(after))) return;
      out.push(finding('AGE', m.index, m.index + m[0].length, 0.9));
    });
    return out;
  },
};
