import { eachMatch, finding, type Detector } from '../detector';
import { ipv4Valid, ipv6Valid } from '../validators';
import type { Finding } from '../../types';

const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)/g;

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/** Characters an IPv6 address (with an embedded IPv4 tail) is written with. */
const isIpv6Char = (c: number) => isHex(c) || c === 58 || c === 46;

/**
 * IPv6 candidates are grown outwards from each colon, so text without colons costs one indexOf
 * and the scan never revisits a character. node:net decides whether a candidate is an address.
 */
function ipv6Candidates(text: string, onCandidate: (start: number, end: number) => void): void {
  let done = 0;
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', Math.max(colon + 1, done))) {
    let start = colon;
    while (start > done && colon - start < 40 && isIpv6Char(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && end - start < 45 && isIpv6Char(text.charCodeAt(end))) end++;
    done = end;
    if (start > 0 && isIpv6Char(text.charCodeAt(start - 1))) continue; // longer than any address
    if (end < text.length && isIpv6Char(text.charCodeAt(end))) continue;
    onCandidate(start, end);
  }
}

export const ipAddressDetector: Detector = {
  name: 'ip-address',
  patterns: [IPV4],
  applies: (f) => f.digit || f.colon,
  detect(text) {
    const out: Finding[] = [];
    eachMatch(IPV4, text, (m) => {
      if (ipv4Valid(m[0])) out.push(finding('IP_ADDRESS', m.index, m.index + m[0].length, 0.95));
    });
    ipv6Candidates(text, (start, end) => {
      // Fewer than two colons can hold neither "::" nor seven colons (the trim below only removes
      // some): most candidates are a label's colon ("Patient:"), skipped without a string.
      let seen = 0;
      for (let k = start; k < end && seen < 2; k++) if (text.charCodeAt(k) === 58) seen++;
      if (seen < 2) return;
      const value = text.slice(start, end).replace(/[.:]+$/, (tail) => (tail.startsWith('::') ? '::' : ''));
      // Clock times and ratios ("10:30:15") are not addresses: require "::" or seven colons.
      const colons = value.split(':').length - 1;
      if ((value.includes('::') || colons === 7) && /[0-9A-Fa-f]{2}/.test(value) && ipv6Valid(value)) {
        out.push(finding('IP_ADDRESS', start, start + value.length, 0.95));
      }
    });
    return out;
  },
};
