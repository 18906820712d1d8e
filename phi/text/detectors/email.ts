import { finding, type Detector } from '../detector';
import type { Finding } from '../../types';

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
/** The domain after "@", matched from that position only (sticky). */
const DOMAIN = /[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){1,8}/y;

/**
 * An address written so a filter would not see it: "nguyen.lan84[at]yahoo[dot]com", "eero.m (at)
 * gmail (dot) com", "oluwaseun @ outlook . com". ("dot"/"at" spelled as words are spelled-out.ts's.)
 */
const OBFUSCATED =
  /(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})(?:[ \t]{0,2}(?:\[at\]|\(at\)|\{at\})[ \t]{0,2}|[ \t]{1,2}@[ \t]{0,2}|@[ \t]{1,2})([A-Za-z0-9][A-Za-z0-9-]{0,62}(?:(?:[ \t]{0,2}(?:\[dot\]|\(dot\)|\{dot\})[ \t]{0,2}|[ \t]{1,2}\.[ \t]{0,2}|\.)[A-Za-z0-9-]{1,63}){1,4})(?![A-Za-z0-9])/gi;
const OBFUSCATION_HINT = /\[at\]|\(at\)|\{at\}| @|@ /i;

/** Emails are found from each "@" outwards, so text without one costs a single indexOf. */
export const emailDetector: Detector = {
  name: 'email',
  patterns: [DOMAIN, OBFUSCATED],
  detect(text) {
    const out: Finding[] = [];
    if (OBFUSCATION_HINT.test(text)) {
      OBFUSCATED.lastIndex = 0;
      for (let m = OBFUSCATED.exec(text); m; m = OBFUSCATED.exec(text)) {
        const tld = m[2]!.split(/[ \t]|\[dot\]|\(dot\)|\{dot\}|\./i).filter(Boolean).pop() ?? '';
        // ("a @ b.com" is too short to be anybody's address written around a filter.)
        if (/^[A-Za-z]{2,24}$/.test(tld) && m[1]!.length >= 2 && m[2]!.length >= 5) out.push(finding('EMAIL', m.index, m.index + m[0].length, 0.9));
      }
    }
    if (!text.includes('@')) return out;
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
