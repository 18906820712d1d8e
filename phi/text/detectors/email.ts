import { finding, type Detector } from '../detector';
import type { Finding } from '../../types';

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
/** The domain after "@", matched from that position only (sticky). */
const DOMAIN = /[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){1,8}/y;

/** Emails are found from each "@" outwards, so text without one costs a single indexOf. */
export const emailDetector: Detector = {
  name: 'email',
  patterns: [DOMAIN],
  applies: (f) => f.at,
  detect(text) {
    const out: Finding[] = [];
    let lastEnd = 0;
    for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      let start = at;
      while (start > lastEnd && at - start < 64 && LOCAL_CHAR.test(text[start - 1]!)) start--;
      while (start < at && !/[A-Za-z0-9]/.test(text[start]!)) start++;
      if (start === at) continue;
      DOMAIN.lastIndex = at + 1;
      const domain = DOMAIN.exec(text);
      if (!domain) continue;
      const value = domain[0].replace(/[.-]+$/, '');
      const tld = value.slice(value.lastIndexOf('.') + 1);
      if (!/^[A-Za-z]{2,24}$/.test(tld)) continue;
      lastEnd = at + 1 + value.length;
      out.push(finding('EMAIL', start, lastEnd, 0.99));
    }
    return out;
  },
};
