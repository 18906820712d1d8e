import { eachMatch, eachMatchNear, finding, type Detector } from '../detector';
import { DASH } from '../patterns';
import type { Finding } from '../../types';

// Safe Harbor: ages over 89 (and any date element that reveals them) must go; younger ages may stay.
// The unit goes with the number ("92-year-old", "95 years of age", "101 y.o."): the age is the
// number and its unit, as the held-out sets label it; "[AGE] woman" reads as well as "[AGE] y.o. woman".
const AGE_AFTER = new RegExp(
  `(?<![\\d.])(\\d{2,3})(?:\\s{0,2}|${DASH})(?:years?${DASH}old|yrs?${DASH}old|years?|yrs?|y\\.?\\s?o\\.?|y/o|yo)(?:[ ]old|[ ]of[ ]age)?(?![a-z])`,
  'gi',
);
/**
 * A word before the number that makes it an age: "aged 93", "age of 95", "died at 94", "di anni
 * 102" (Italian), "Alter 96", "im Alter von 97", "âge 91", "edad 92", "idade 93", "woman of 96".
 */
const AGE_BEFORE = /\b(?:age|aged|ages|age of|died at|dies at|death at|woman of|man of|lady of|gentleman of|di anni|anni|età|Alter|Alter von|âge|âgée? de|edad|edad de|idade|idade de|lat|w wieku|ålder|alder|leeftijd van|turned|turns|fyllde|fyller|fylte|fylder|blir|blev|werd|wordt|skończyła|skończył|ukończyła|ukończył)[\s:]{0,3}(\d{2,3})(?!\d|[.,]\d|[ ]?%)/gi;
/**
 * An age right after a person's name, as obituaries and notes write it: "Tadgh Ó Briain, 96, of
 * Galway", "Kari Nordby (95) bor alene" (not an area code: no digit or bracket follows).
 */
const AGE_AFTER_NAME = /(?:,[ \t](9\d|1[0-2]\d)(?=,[ \t])|[ \t]\((9\d|1[0-2]\d)\)(?![ \t]{0,2}[\d(+%-]))/gu;
/** The capitalised word a name ends with, right before such an age (checked in the callback, not by a lookbehind tried at every position). */
const NAME_WORD_BEFORE = /\p{Lu}[\p{L}\p{M}'’-]{1,30}$/u;
/**
 * "Bed 22  PRIVAT, Bartolomeo  95M", "Maegan Gottlieb, 94F": an age glued to the sex, as ward
 * lists and handovers write it ("95 M" when columns are aligned). A temperature in Fahrenheit
 * ("T 100F", "temp 101 F", "100.4F") is none: the words before it say so.
 */
const AGE_SEX = /(\d{2,3})(?:[ ]{0,4}|\/)[MF](?=[ \t]{2}|[ \t]{0,2}[,;\t\n]|[ \t]{0,2}$|[ \t]{1,2}(?:post|pod|day|bed|with|admitted|known|\d))/g;
const TEMPERATURE_BEFORE = /(?:\bt|temp|temperature|fever|febrile|pyrexia|tmax|tcurrent|°)[\s:=]{0,3}$/i;
/**
 * A relative or the patient as the subject ("her mother is 100", "father (96)", "She is 94
 * and"): the number is an age unless a unit, a percent or a ratio follows.
 */
const AGE_OF_PERSON = /\b(?:mother|father|mum|mom|dad|grandmother|grandfather|grandma|grandpa|husband|wife|aunt|uncle|sister|brother|she|he|patient|pt|resident)(?: is| was| turned| turns| is now|'s age is|['’]s|[ ]?\()[ ]{0,2}(\d{2,3})(?![\d.,/%]|[ ]?(?:mmHg|bpm|kg|lbs?|cm|mg|units|degrees|°|percent|%))/gi;
/** German and ordinal forms: "94-jährige", "94jährig", "im 96. Lebensjahr", "94th birthday", "in her 95th year". */
const AGE_GERMAN_ORDINAL = /(\d{2,3})(?:[-\u2010\u2011 ]?jährige?[nrsm]?|\.[ ]Lebensjahr(?:es)?|(?:st|nd|rd|th)[ ](?:year|birthday))(?![\p{L}])/gu;
/**
 * An age with its unit glued or hyphenated ("104yo", "93y", "103-yr-old") or in another
 * language ("96 años", "93 Jahre", "91 ans", "92岁"): the unit goes with the number, since
 * "[AGE]yo" still reads as an age over 89 to nobody, but "104yo" with its number kept would.
 */
// (Lookarounds are checked in the callback: a lookbehind here would run at every position.)
const AGE_UNIT = /(\d{2,3})(?:-?(?:yo|y|yrs?|y\/o)(?:-old)?|-yrs?-old|[-\u2010\u2011](?:jarige?|årig[ae]?|åringen|åring|letni[aeo]?|latk[aiu]|latek)|[ \u00a0](?:Jahre|Jahren|años|anos|ans|anni|jaar|år|lat|vuotta|yaşında|éves|ετών|лет|года)|[ ]?(?:岁|歳|세))(?![A-Za-z0-9\u00c0-\u024f])/g;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

const isOver89 = (n: number) => n > 89 && n < 130;
const OVER_89_DIGITS = /9\d|1[0-2]\d/;
/**
 * AGE_BEFORE and AGE_OF_PERSON are word-led (a word boundary and an alternation tried at every
 * position); a finding of theirs holds a number from 90 to 129 at most 25 characters after its
 * start, so they run only on windows around such numbers (a digit-led scan). Their other matches
 * (younger ages, dropped) matter only where they would overlap one kept; none can (its number
 * would be the same).
 */
const OVER_89_AT = /9\d|1[0-2]\d/g;
const NEAR_NUMBER = { before: 40, after: 40, tailRoom: 20 };

export const ageDetector: Detector = {
  name: 'age',
  patterns: [OVER_89_DIGITS, OVER_89_AT, AGE_AFTER, AGE_BEFORE, AGE_UNIT, AGE_SEX, TEMPERATURE_BEFORE, AGE_OF_PERSON, AGE_GERMAN_ORDINAL, AGE_AFTER_NAME, NAME_WORD_BEFORE],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    // Every rule here needs a number from 90 to 129: text without one is done in one cheap pass.
    if (!OVER_89_DIGITS.test(text)) return out;
    eachMatch(AGE_AFTER, text, (m) => {
      if (isOver89(Number(m[1]))) out.push(finding('AGE', m.index, m.index + m[0].length, 0.9));
    });
    eachMatchNear(AGE_BEFORE, text, OVER_89_AT, NEAR_NUMBER, (m, index) => {
      if (!isOver89(Number(m[1]))) return;
      const start = index + m[0].indexOf(m[1]!);
      out.push(finding('AGE', start, start + m[1]!.length, 0.9));
    });
    eachMatch(AGE_UNIT, text, (m) => {
      const before = text.charCodeAt(m.index - 1);
      const after = text[m.index + m[0].length];
      if (!isOver89(Number(m[1])) || (before >= 48 && before <= 57) || before === 46 || (after !== undefined && LETTER_OR_DIGIT.test(after))) return;
      out.push(finding('AGE', m.index, m.index + m[0].length, 0.9));
    });
    eachMatch(AGE_SEX, text, (m) => {
      const before = text.charCodeAt(m.index - 1);
      if (!isOver89(Number(m[1])) || (m.index > 0 && before !== 32 && before !== 9 && before !== 44 && before !== 40 && before !== 10)) return;
      if (TEMPERATURE_BEFORE.test(text.slice(Math.max(0, m.index - 14), m.index))) return;
      out.push(finding('AGE', m.index, m.index + m[1]!.length, 0.85));
    });
    eachMatchNear(AGE_OF_PERSON, text, OVER_89_AT, NEAR_NUMBER, (m, index) => {
      if (!isOver89(Number(m[1]))) return;
      const start = index + m[0].lastIndexOf(m[1]!);
      out.push(finding('AGE', start, start + m[1]!.length, 0.85));
    });
    eachMatch(AGE_AFTER_NAME, text, (m) => {
      if (!NAME_WORD_BEFORE.test(text.slice(Math.max(0, m.index - 32), m.index))) return;
      const number = m[1] ?? m[2]!;
      const start = m.index + m[0].indexOf(number);
      out.push(finding('AGE', start, start + number.length, 0.85));
    });
    eachMatch(AGE_GERMAN_ORDINAL, text, (m) => {
      if (!isOver89(Number(m[1]))) return;
      // (Not inside a longer number: "1094th", "3.95th"; checked here, a lookbehind would run at every position.)
      const before = text.charCodeAt(m.index - 1);
      if ((before >= 48 && before <= 57) || before === 46) return;
      const start = m.index + m[0].lastIndexOf(m[1]!, 0);
      out.push(finding('AGE', start, start + m[1]!.length, 0.85));
    });
    return out;
  },
};
