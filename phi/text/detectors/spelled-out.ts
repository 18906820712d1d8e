import { contextWords } from '../context';
import { eachMatch, finding, type Detector } from '../detector';
import { MONTHS } from '../patterns';
import { ssnValid } from '../validators';
import type { Finding } from '../../types';

/**
 * Identifiers written in English words: digit by digit ("five five five, one two three ..."),
 * ages over 89 ("ninety-two", "one hundred and one"), dates ("fourth of March, nineteen fifty")
 * and e-mail addresses read aloud ("jane dot doe at gmail dot com").
 */
const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINALS = [
  'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth',
  'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth', 'thirtieth',
];

const alt = (words: readonly string[]) => [...words].sort((a, b) => b.length - a.length).join('|');
const DIGIT_WORD = `(?:${alt([...ONES, 'oh', 'o'])})`;
const TWO_DIGIT = `(?:${alt(TENS)})(?:[ -](?:${alt(ONES.slice(1))}))?|${alt(TEENS)}`;
const DIGIT_RUN = new RegExp(`(?<![a-z])(?:${DIGIT_WORD}|${TWO_DIGIT}|double|triple)(?:[ ,.-]{1,3}(?:${DIGIT_WORD}|${TWO_DIGIT}|double|triple)){6,15}(?![a-z])`, 'gi');
const UNDER_100 = `(?:${TWO_DIGIT}|${alt(ONES)})`;
const AGE_WORDS = new RegExp(
  `(?<![a-z-])((?:ninety(?:[ -](?:${alt(ONES.slice(1))}))?)|one hundred(?:(?: and)? ${UNDER_100})?)((?:-years?-old)?)(?![a-z])`,
  'gi',
);
const AGE_CONTEXT = /^(?:[ -]{1,2}(?:years?|yrs?|yo|y\/o|-year)|-years?-old)/i;
const AGE_BEFORE = /(?:\b(?:age|aged|is|was|turned|turns|turning|now|age of|died at|dies at|death at|woman of|man of|lady of|gentleman of|she['’]s|he['’]s|i['’]m|shes|hes|im|be|been|reached|nearly|almost|over)[ :]{1,3})$/i;
/** "in her ninety-second year", "his ninetieth birthday", "a hundredth birthday": an ordinal age. */
const AGE_ORDINAL = new RegExp(`(?<![a-z-])(?:ninetieth|ninety[ -](?:${alt(ORDINALS.slice(0, 9))})|(?:one )?hundredth|one hundred and (?:${alt(ORDINALS.slice(0, 9))}))(?= (?:year|birthday))`, 'gi');
const ORDINAL = `(?:(?:twenty|thirty)[ -](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|${alt(ORDINALS)})`;
const YEAR_WORDS = `(?:(?:eighteen|nineteen|twenty)[ -](?:hundred|oh[ -](?:${alt(ONES.slice(1))})|${TWO_DIGIT})|two thousand(?:(?: and)? ${UNDER_100})?)`;
const MONTH = `(?:${alt(MONTHS.map((m) => m[0]!.toUpperCase() + m.slice(1)))}|${alt(MONTHS)})`;
const DATE_WORDS = new RegExp(
  `(?:(?:the )?${ORDINAL} (?:day )?of ${MONTH}|${MONTH} (?:the )?${ORDINAL})(?:,? (?:in )?${YEAR_WORDS}|,? \\d{4})?`,
  'gi',
);
const TLD = 'com|org|net|edu|gov|mil|io|co|us|uk|ca|info|biz|me|de|fr|es|it|nl|au|in';
const EMAIL_WORDS = new RegExp(
  `(?<![\\p{L}\\p{N}])[\\p{L}\\p{N}_]{1,40}(?:[ ]{1,2}[\\[(]?(?:dot|period|underscore)[\\])]?[ ]{1,2}[\\p{L}\\p{N}_]{1,40}){0,3}[ ]{1,2}[\\[(]?at[\\])]?[ ]{1,2}[\\p{L}\\p{N}-]{1,40}(?:[ ]{1,2}[\\[(]?dot[\\])]?[ ]{1,2}[\\p{L}\\p{N}-]{1,40}){0,2}[ ]{1,2}[\\[(]?dot[\\])]?[ ]{1,2}(?:${TLD})(?![\\p{L}\\p{N}])`,
  'giu',
);

const phoneContext = contextWords(['phone', 'call', 'cell', 'number', 'reach', 'reached', 'text', 'tel', 'mobile', 'fax']);
const ssnContext = contextWords(['ssn', 'social', 'social security', 'ss#']);

/** The digits a run of number words reads as ("double five" → "55", "twenty-one" → "21"). */
export function wordsToDigits(run: string): string {
  let out = '';
  let repeat = 1;
  for (const word of run.toLowerCase().split(/[ ,.]+/)) {
    if (!word) continue;
    if (word === 'double' || word === 'triple') {
      repeat = word === 'double' ? 2 : 3;
      continue;
    }
    let digits: string;
    const [tens, ones] = word.split('-');
    if (word === 'oh' || word === 'o') digits = '0';
    else if (ONES.includes(word)) digits = String(ONES.indexOf(word));
    else if (TEENS.includes(word)) digits = String(10 + TEENS.indexOf(word));
    else if (TENS.includes(tens!)) digits = String(20 + 10 * TENS.indexOf(tens!) + (ones ? ONES.indexOf(ones) : 0));
    else continue;
    out += digits.repeat(repeat);
    repeat = 1;
  }
  return out;
}

export const spelledOutDetector: Detector = {
  name: 'spelled-out',
  patterns: [DIGIT_RUN, AGE_WORDS, AGE_ORDINAL, DATE_WORDS, EMAIL_WORDS],
  detect(text) {
    const out: Finding[] = [];
    const has = (word: RegExp) => word.test(text);
    if (has(/(?:zero|one|two|three|four|five|six|seven|eight|nine|oh)[ ,.-]{1,3}(?:zero|one|two|three|four|five|six|seven|eight|nine|oh|double|triple)[ ,.-]/i)) eachMatch(DIGIT_RUN, text, (m) => {
      const digits = wordsToDigits(m[0]);
      const end = m.index + m[0].replace(/[ ,.-]+$/, '').length;
      if (digits.length === 9 && (ssnValid(digits) || ssnContext.before(text, m.index))) out.push(finding('SSN', m.index, end, 0.9));
      else if (digits.length === 10 || (digits.length === 11 && digits[0] === '1')) out.push(finding('PHONE', m.index, end, 0.85));
      else if (digits.length === 7 && phoneContext.before(text, m.index)) out.push(finding('PHONE', m.index, end, 0.8));
      else if (digits.length >= 7 && digits.length <= 12) out.push(finding('OTHER_ID', m.index, end, 0.6));
    });
    if (has(/ninety|hundred/i)) eachMatch(AGE_WORDS, text, (m) => {
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
      const before = text.slice(Math.max(0, m.index - 12), m.index);
      if (m[2] || AGE_CONTEXT.test(after) || AGE_BEFORE.test(before)) out.push(finding('AGE', m.index, m.index + m[0].length, 0.85));
    });
    if (has(/ninet|hundredth/i)) eachMatch(AGE_ORDINAL, text, (m) => out.push(finding('AGE', m.index, m.index + m[0].length, 0.85)));
    if (has(/(?:st|nd|rd|th) (?:day )?of |(?:ary|rch|pril|may|une|uly|gust|ber) (?:the )?(?:[ft]|s[ie]|ei|ni)/i)) eachMatch(DATE_WORDS, text, (m) => out.push(finding('DATE', m.index, m.index + m[0].length, 0.85)));
    if (has(/ [[(]?at[\])]? /i) && has(/ [[(]?dot[\])]? /i)) eachMatch(EMAIL_WORDS, text, (m) => out.push(finding('EMAIL', m.index, m.index + m[0].length, 0.9)));
    return out;
  },
};
