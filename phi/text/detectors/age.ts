import { eachMatch, finding, type Detector } from '../detector';
import { DASH } from '../patterns';
import type { Finding } from '../../types';

// Safe Harbor: ages over 89 (and any date element that reveals them) must go; younger ages may stay.
const AGE_AFTER = new RegExp(
  `(?<![\\d.])(\\d{2,3})(?:\\s{0,2}|${DASH})(?:years?|yrs?|y\\.?\\s?o\\.?|y/o|yo|year${DASH}old|years${DASH}old)(?![a-z])`,
  'gi',
);
const AGE_BEFORE = /\b(?:age|aged|ages)[\s:]{0,3}(\d{2,3})(?!\d|\.\d)/gi;

const isOver89 = (n: number) => n > 89 && n < 130;

export const ageDetector: Detector = {
  name: 'age',
  patterns: [AGE_AFTER, AGE_BEFORE],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    for (const pattern of [AGE_AFTER, AGE_BEFORE]) {
      eachMatch(pattern, text, (m) => {
        if (!isOver89(Number(m[1]))) return;
        const start = m.index + m[0].indexOf(m[1]!);
        out.push(finding('AGE', start, start + m[1]!.length, 0.9));
      });
    }
    return out;
  },
};
