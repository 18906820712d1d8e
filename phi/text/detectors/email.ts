import { eachMatch, finding, type Detector } from '../detector';
import type { Finding } from '../../types';

const EMAIL = /[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63}){1,8}/g;

export const emailDetector: Detector = {
  name: 'email',
  patterns: [EMAIL],
  detect(text) {
    const out: Finding[] = [];
    if (!text.includes('@')) return out;
    eachMatch(EMAIL, text, (m) => {
      const value = m[0].replace(/[.-]+$/, '');
      const tld = value.slice(value.lastIndexOf('.') + 1);
      if (/^[A-Za-z]{2,24}$/.test(tld)) out.push(finding('EMAIL', m.index, m.index + value.length, 0.99));
    });
    return out;
  },
};
