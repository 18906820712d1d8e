import { contextWords } from '../context';
import { eachMatch, finding, type Detector } from '../detector';
import { DASH } from '../patterns';
import type { EntityType, Finding } from '../../types';

const SEP = `(?:${DASH}|[ .\\u00A0])`;
const EXT = `(?:\\s{0,2}(?:x|ext\\.?|extension)\\s{0,2}\\d{1,6})?`;
/** North American numbers: area code and exchange start 2-9 (NANP numbering plan). */
const NANP = new RegExp(
  `(?<![\\dA-Za-z+])(?:\\+?1${SEP}{0,2})?(?:\\(\\s?[2-9]\\d{2}\\s?\\)\\s{0,2}|[2-9]\\d{2}(?:${SEP}|/))[2-9]\\d{2}${SEP}\\d{4}(?!\\d|${DASH}\\d)${EXT}`,
  'g',
);
const BARE_TEN = new RegExp(`(?<![\\dA-Za-z+-])(?:\\+?1)?[2-9]\\d{2}[2-9]\\d{6}(?![\\d-])${EXT}`, 'g');
/** "+44 20 7946 0958", "+49 (0)30 955 7114" (the trunk 0 in brackets, dialled only at home). */
const INTERNATIONAL = new RegExp(`\\+[1-9]\\d{0,2}(?:${SEP}?\\(0\\))?(?:${SEP}\\(?\\d{1,5}\\)?|(?<=\\(0\\))\\d{1,5}){2,6}(?!\\d)|\\+[1-9]\\d{7,14}(?!\\d)`, 'g');

/** "Tel 040-3331357", "WhatsApp: 045 1557292": a national number with a trunk 0, only after a phone word. */
const TRUNK_ZERO = /(?<![\dA-Za-z+\-/.])0\d{1,4}[-. /]\d{2,8}(?:[- ]\d{2,4}){0,3}(?![\d\-/]|\.\d)/g;
/**
 * A national number with its trunk 0 written in three groups ("020 7996 4253", "(06) 4168 3632",
 * "0161 496 0018"): the grouping is a phone's, so no phone word is needed.
 */
const TRUNK_GROUPED = /(?<![\dA-Za-z+\-/.])(?:\(0\d{1,4}\)|0\d{1,4})[ \u00A0]\d{3,4}[ \u00A0]\d{3,4}(?![\d\-/]|\.\d)/g;
/** A tel: URI (RFC 3966), scheme included: "tel:+49-30-4053354". */
const TEL_URI = /(?<![A-Za-z])[Tt][Ee][Ll]:\+?\d[\d().-]{5,24}\d(?![\d])/g;
const phoneContext = contextWords([
  'phone', 'number', 'ph', 'tel', 'telephone', 'cell', 'mobile', 'call', 'called', 'call back', 'contact', 'pager', 'home', 'work', 'reach', 'reached', 'reached at', 'text', 'texted', 'whatsapp', 'voicemail', 'callback', 'fax', 'dial',
  // The same words in Nordic, Polish, French, German and Dutch notes.
  'tlf', 'tfn', 'telefon', 'telefonisch', 'mobil', 'återkoppling', 'ring', 'ringes', 'nr', 'numer', 'numerem', 'kontakt', 'joignable', 'joindre', 'portable', 'téléphone', 'erreichbar', 'bereikbaar', 'telefoonnummer',
]);
/**
 * A national number without a trunk 0, in two to four groups of blanks ("tlf. 892 85 377", "pod nr
 * 728 068 879"): eight to ten digits, only right after a phone word (within 24 characters).
 */
const GROUPED_AFTER_WORD = /[1-9]\d{1,3}(?:[ \u00A0]\d{2,4}){1,3}(?![\d\-/]|[.,]\d)/g;
/** The shape of an SSN ("666 68 0706", "000-20-5606"): an "invalid number" on an old form is no phone. */
const SSN_SHAPED = /^\d{3}([ \u00A0-])\d{2}\1\d{4}$/;
/** What may not stand before such a number (checked in code: a lookbehind first would be tried at every position). */
const NOT_BEFORE_GROUPED = /[\dA-Za-z+\-/.,]/;
const faxContext = contextWords(['fax', 'facsimile', 'fx']);

const PHONE_LABEL = /(?:^|[^a-z])(?:phone|ph|tel|telephone|cell|mobile|home|work|pager)[^a-z]/g;
const FAX_LABEL = /(?:^|[^a-z])(?:fax|facsimile|fx)[^a-z]/g;

function lastIndex(pattern: RegExp, text: string): number {
  pattern.lastIndex = 0;
  let at = -1;
  let m: RegExpExecArray | null;
  while ((m = pattern.exec(text)) !== null) {
    at = m.index;
    pattern.lastIndex = m.index + 1;
  }
  return at;
}

/** FAX when a fax label is the nearest label before the number ("tel. X / fax Y": X is a phone). */
function typeAt(text: string, start: number): EntityType {
  if (!faxContext.before(text, start, 24)) return 'PHONE';
  const window = text.slice(Math.max(0, start - 24), start).toLowerCase();
  return lastIndex(FAX_LABEL, window) >= lastIndex(PHONE_LABEL, window) ? 'FAX' : 'PHONE';
}

export const phoneDetector: Detector = {
  name: 'phone',
  patterns: [NANP, BARE_TEN, INTERNATIONAL, TRUNK_ZERO, PHONE_LABEL, FAX_LABEL, TRUNK_GROUPED, TEL_URI, GROUPED_AFTER_WORD, NOT_BEFORE_GROUPED, SSN_SHAPED],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    eachMatch(NANP, text, (m) => {
      out.push(finding(typeAt(text, m.index), m.index, m.index + m[0].length, phoneContext.before(text, m.index) ? 0.95 : 0.8));
    });
    eachMatch(BARE_TEN, text, (m) => {
      if (phoneContext.before(text, m.index, 30)) out.push(finding(typeAt(text, m.index), m.index, m.index + m[0].length, 0.9));
    });
    eachMatch(INTERNATIONAL, text, (m) => {
      const digits = m[0].replace(/\D/g, '').length;
      if (digits >= 8 && digits <= 15) out.push(finding(typeAt(text, m.index), m.index, m.index + m[0].length, 0.85));
    });
    eachMatch(TRUNK_ZERO, text, (m) => {
      const digits = m[0].replace(/\D/g, '').length;
      // A full stop after two groups ends a reference as often ("Claim number: 07-3633632."); after three, a phone's sentence.
      if (text[m.index + m[0].length] === '.' && !m[0].includes(' ')) return;
      if (digits >= 8 && digits <= 12 && !SSN_SHAPED.test(m[0]) && phoneContext.before(text, m.index, 30)) out.push(finding(typeAt(text, m.index), m.index, m.index + m[0].length, 0.85));
    });
    eachMatch(TRUNK_GROUPED, text, (m) => {
      const digits = m[0].replace(/\D/g, '').length;
      if (digits >= 9 && digits <= 12) out.push(finding(typeAt(text, m.index), m.index, m.index + m[0].length, phoneContext.before(text, m.index, 30) ? 0.9 : 0.8));
    });
    eachMatch(GROUPED_AFTER_WORD, text, (m) => {
      const digits = m[0].replace(/\D/g, '').length;
      if ((m.index > 0 && NOT_BEFORE_GROUPED.test(text[m.index - 1]!)) || SSN_SHAPED.test(m[0])) return;
      if (digits >= 8 && digits <= 10 && phoneContext.before(text, m.index, 24)) out.push(finding(typeAt(text, m.index), m.index, m.index + m[0].length, 0.8));
    });
    if (text.includes(':')) eachMatch(TEL_URI, text, (m) => out.push(finding(typeAt(text, m.index), m.index, m.index + m[0].length, 0.95)));
    return out;
  },
};
