import { contextWords } from '../context';
import { eachMatch, finding, type Detector } from '../detector';
import { DASH } from '../patterns';
import { digitsOf, ssnValid } from '../validators';
import type { Finding } from '../../types';

const SEP = `(?:${DASH}|[ .\\u00A0]|\\r?\\n)`;
const SEPARATED = new RegExp(`(?<![\\dA-Za-z])\\d{3}${SEP}\\d{2}${SEP}\\d{4}(?![\\d]|${DASH}\\d)`, 'g');
const BARE = /(?<![\dA-Za-z-])\d{9}(?![\d-])/g;
const context = contextWords(['ssn', 'ss#', 'ss #', 'social security', 'social sec', 'soc sec', 'ssa', 'taxpayer', 'tin', 'itin']);

export const ssnDetector: Detector = {
  name: 'ssn',
  patterns: [SEPARATED, BARE],
  detect(text) {
    const out: Finding[] = [];
    eachMatch(SEPARATED, text, (m) => {
      if (!ssnValid(digitsOf(m[0]))) return;
      out.push(finding('SSN', m.index, m.index + m[0].length, context.before(text, m.index) ? 0.99 : 0.85));
    });
    eachMatch(BARE, text, (m) => {
      if (ssnValid(m[0]) && context.before(text, m.index)) out.push(finding('SSN', m.index, m.index + 9, 0.95));
    });
    return out;
  },
};
