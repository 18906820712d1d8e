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
/** Where an obfuscated address may be: a bracketed "at", or an "@" beside a space. */
function obfuscationHints(text: string): number[] {
  const hints: number[] = [];
  for (const stem of ['[at]', '(at)', '{at}', '[AT]', '(AT)']) for (let at = text.indexOf(stem); at >= 0; at = text.indexOf(stem, at + 4)) hints.push(at);
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) if (text.charCodeAt(at - 1) === 32 || text.charCodeAt(at + 1) === 32) hints.push(at);
  return hints;
}

/** The obfuscated addresses around each hint (a window, so the pattern never runs over the whole text). */
function obfuscatedEmails(text: string, out: Finding[]): void {
  const seen = new Set<number>();
  for (const hint of obfuscationHints(text)) {
    const from = Math.max(0, hint - 72);
    const window = text.slice(from, hint + 300);
    OBFUSCATED.lastIndex = 0;
    for (let m = OBFUSCATED.exec(window); m; m = OBFUSCATED.exec(window)) {
      const start = from + m.index;
      // A window cut inside the local part does not start an address.
      if (seen.has(start) || (m.index === 0 && from > 0 && /[A-Za-z0-9._%+-]/.test(text[from - 1]!))) continue;
      const tld = m[2]!.split(/[ \t]|\[dot\]|\(dot\)|\{dot\}|\./i).filter(Boolean).pop() ?? '';
      // ("a @ b.com" is too short to be anybody's address written around a filter.)
      if (/^[A-Za-z]{2,24}$/.test(tld) && m[1]!.length >= 2 && m[2]!.length >= 5) {
        seen.add(start);
        out.push(finding('EMAIL', start, start + m[0].length, 0.9));
      }
    }
  }
}

/** Emails are found from each "@" outwards, so text without one costs a single indexOf. */
export const emailDetector: Detector = {
  name: 'email',
  patterns: [DOMAIN, OBFUSCATED],
  detect(text) {
    const out: Finding[] = [];
    obfuscatedEmails(text, out);
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
