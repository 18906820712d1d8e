import { eachMatch, finding, type Detector } from '../detector';
import { ipv4Valid, ipv6Valid } from '../validators';
import type { Finding } from '../../types';

const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)/g;
// A colon within the first five characters: IPv6 groups have at most four hex digits.
const IPV6_CANDIDATE = /(?<![0-9A-Fa-f:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}(?![0-9A-Fa-f:.])/g;

export const ipAddressDetector: Detector = {
  name: 'ip-address',
  patterns: [IPV4, IPV6_CANDIDATE],
  applies: (f) => f.digit || f.colon,
  detect(text) {
    const out: Finding[] = [];
    eachMatch(IPV4, text, (m) => {
      if (ipv4Valid(m[0])) out.push(finding('IP_ADDRESS', m.index, m.index + m[0].length, 0.95));
    });
    if (text.includes(':')) {
      eachMatch(IPV6_CANDIDATE, text, (m) => {
        const value = m[0].replace(/[.:]+$/, (tail) => (tail.startsWith('::') ? '::' : ''));
        // Clock times and ratios ("10:30:15") are not addresses: require "::" or seven colons.
        const colons = value.split(':').length - 1;
        if ((value.includes('::') || colons === 7) && /[0-9A-Fa-f]{2}/.test(value) && ipv6Valid(value)) {
          out.push(finding('IP_ADDRESS', m.index, m.index + value.length, 0.95));
        }
      });
    }
    return out;
  },
};
