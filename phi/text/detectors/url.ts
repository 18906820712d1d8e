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

/**
 * A link to public documentation: http(s), on one of `hosts` (exact, or `*.` for subdomains),
 * with no user name or password and no query string (where a link would carry a record's values).
 */
export function isPublicLink(link: string, hosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(/^www\./i.test(link) ? `https://${link}` : link);
  } catch {
    return false;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search) return false;
  const host = url.hostname.toLowerCase();
  return hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) && host.length > h.length - 1 : host === h));
}
