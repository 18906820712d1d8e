import { eachMatch, finding, type Detector } from '../detector';
import { DASH } from '../patterns';
import { digitsOf, paymentCardValid } from '../validators';
import type { Finding } from '../../types';

const CARD = new RegExp(`(?<![\\d])\\d(?:(?:${DASH}|[ \\u00A0])?\\d){12,18}(?!\\d)`, 'g');

export const paymentCardDetector: Detector = {
  name: 'payment-card',
  patterns: [CARD],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    eachMatch(CARD, text, (m) => {
      if (paymentCardValid(digitsOf(m[0]))) out.push(finding('CARD_NUMBER', m.index, m.index + m[0].length, 0.97));
    });
    return out;
  },
};
