import { contextWords } from '../context';
import { eachMatch, finding, type Detector } from '../detector';
import { DASH } from '../patterns';
import { digitsOf, ssnValid } from '../validators';
import type { Finding } from '../../types';

const SEP = `(?:${DASH}|[ ./\\u00A0]|\\r?\\n)`;
const SEPARATED = new RegExp(`(?<![\\dA-Za-z])\\d{3}${SEP}\\d{2}${SEP}\\d{4}(?![\\d]|${DASH}\\d)`, 'g');
const BARE = /(?<![\dA-Za-z-])\d{9}(?![\d-])/g;
/** "5 8 8 - 9 8 - 0 1 2 1": nine digits spelled one by one, after the SSN's label. */
const SPACED_DIGITS = /\d[ ]{1,2}(?:-[ ]{1,2})?\d(?:[ ]{1,2}(?:-[ ]{1,2})?\d){7}(?![ ]?\d)/g;
const context = contextWords(['ssn', 'ss#', 'ss #', 'social security', 'social sec', 'soc sec', 'ssa', 'taxpayer', 'tin', 'itin']);
/** The label right before bare digits: "SSN: ", "social security no. - ", "her SSN is ". */
const LABEL_JUST_BEFORE = /(?:ssn|ss ?#|social[\s-]{1,3}security|soc\.? ?sec\.?|taxpayer id|tin|itin)(?:[\s-]{1,3}(?:number|no\.?|#|is|on file))?[\s:#=.\u2010-\u2015-]{0,6}$/;

export const ssnDetector: Detector = {
  name: 'ssn',
  patterns: [SEPARATED, BARE, SPACED_DIGITS],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    eachMatch(SEPARATED, text, (m) => {
      if (!ssnValid(digitsOf(m[0]))) return;
      out.push(finding('SSN', m.index, m.index + m[0].length, context.before(text, m.index) ? 0.99 : 0.85));
    });
    eachMatch(BARE, text, (m) => {
      // Nine bare digits are an SSN only right after its label, not after a nearby one.
      const before = text.slice(Math.max(0, m.index - 40), m.index).toLowerCase();
      if (ssnValid(m[0]) && LABEL_JUST_BEFORE.test(before)) out.push(finding('SSN', m.index, m.index + 9, 0.95));
    });
    eachMatch(SPACED_DIGITS, text, (m) => {
      if (m.index > 0 && /[\dA-Za-z]/.test(text[m.index - 1]!)) return;
      const before = text.slice(Math.max(0, m.index - 40), m.index).toLowerCase();
      if (ssnValid(digitsOf(m[0])) && LABEL_JUST_BEFORE.test(before)) out.push(finding('SSN', m.index, m.index + m[0].length, 0.95));
    });
    return out;
  },
};
