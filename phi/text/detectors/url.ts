import { eachMatch, finding, type Detector } from '../detector';
import type { Finding } from '../../types';

const URL_PATTERN = /\b(?:(?:https?|ftps?|sftp):\/\/|www\.)[^\s<>"'`]{2,2048}/gi;

export const urlDetector: Detector = {
  name: 'url',
  patterns: [URL_PATTERN],
  detect(text) {
    const out: Finding[] = [];
    eachMatch(URL_PATTERN, text, (m) => {
      // Sentence punctuation after a link belongs to the sentence.
      const value = m[0].replace(/[.,;:!?)\]}]+$/, '');
      out.push(finding('URL', m.index, m.index + value.length, 0.95));
    });
    return out;
  },
};
