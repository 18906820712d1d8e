import { cueSet, eachMatchAt } from '../cues';
import { eachMatch, finding, type Detector } from '../detector';
import { CLINICAL_STATE_WORDS, COMMON_WORDS, LABEL_WORDS, SUFFIXES, TITLES } from '../name-words';
import type { Finding } from '../../types';

/**
 * Names that the place in a line gives away, whatever the words are (no dictionary knows most of
 * the world's names): the rest of a line after "Name:" or "NOK -"; the display name before an
 * e-mail address; the name after "Dear" or under "Best regards,". Plus two shapes no clinical
 * sentence has: a run of a few words in another script inside Latin text ("Thanks, ธนพล
 * วงศ์สวัสดิ์"), and a word spelled out letter by letter ("N o k u t h u l a", "D-L-A-M-I-N-I"),
 * which is how an agent smuggles a name past a dictionary.
 */

/** One to five words of letters in any script, with inner apostrophes, dots and hyphens. */
const WORDS = "[\\p{L}\\p{M}][\\p{L}\\p{M}'’.\\-]{0,30}(?:(?:[ \\t]{1,3}|,[ \\t]{0,2})[\\p{L}\\p{M}][\\p{L}\\p{M}'’.\\-]{0,30}){0,4}";

/** Up to thirteen words: a list of names ("A B and C D E"), split at "and" below. */
const LIST = "[\\p{L}\\p{M}][\\p{L}\\p{M}'’.\\-]{0,30}(?:(?:[ \\t]{1,3}|,[ \\t]{0,2})[\\p{L}\\p{M}][\\p{L}\\p{M}'’.\\-]{0,30}){0,12}";

/**
 * A line that is a label and a name: "Name: agus santoso", "patient_name=P. Sharma", "NOK - Ní
 * Bhriain", and the header lines of a fax or memo ("To: ...", "From: ...", "Re: ...", "Attn: ..."),
 * where a capitalised value is a person (lower case is not: "Re: follow-up"). The value ends at
 * the line's end or at a gap of two spaces before the next column ("To: X   Fax: ...").
 */
const LABELLED_LINE = new RegExp(
  `[ \\t]{0,8}(?:patient[ _]?name|pt[ _]?name|full[ _]?name|legal[ _]?name|name|patient|pt|nok|next[ _]of[ _]kin|caregiver|carer|emergency[ _]contact|guardian|contact|interpreter|visitor|family present|to|from|re|attn|attention)[ \\t]{0,3}(?:[:=]|[-–][ \\t])[ \\t]{0,3}(${LIST})[ \\t]{0,4}(?=\\n|$|[(;]|[ \\t]{2})`,
  'iuy',
);
/** Labels whose line may hold a name in lower case; after "Patient:" or "Contact:" a name is capitalised. */
const LOWER_CASE_OK = /^(?:\n|[ \t])*(?:patient[ _]?name|pt[ _]?name|full[ _]?name|legal[ _]?name|name|nok|next[ _]of[ _]kin|caregiver|carer)/i;

/** "Dear Ms Rezaei,", "Hi Ji-hoon,": a greeting and a name, ended by a comma. */
const GREETING = new RegExp(`[ \\t]{0,8}(?:dear|hi|hello|hey)[ \\t]{1,3}(${WORDS})[ \\t]{0,2}[,:!]`, 'iuy');
/** The same greeting after a colon inside a line: "SMS to +44...: Hi Wisline, your appointment...". */
const GREETING_AFTER_COLON = new RegExp(`:[ \\t]{1,3}(?:dear|hi|hello|hey)[ \\t]{1,3}(${WORDS})[ \\t]{0,2}[,!]`, 'giu');
/** "Best regards,\nKato Amilakhvari", "Thanks, Joost": a sign-off and the name under or after it. */
const SIGN_OFF = new RegExp(
  `[ \\t]{0,8}(?:thanks|thank you|many thanks|regards|best regards|kind regards|warm regards|best wishes|sincerely|yours sincerely|yours faithfully|yours truly|cheers|respectfully|--)[ \\t]{0,2}[,!.]?[ \\t]{0,4}(?:\\n[ \\t]{0,4}){0,2}(${WORDS})[ \\t]{0,3}(?=\\n|$|\\d)`,
  'iuy',
);
/** "From: "Piotr Tchaikovsky" <piotr@...>", "To: Lili Arakelyan <lili@...>": the display name of an address. */
const DISPLAY_NAME = new RegExp(`(?<=(?:^|\\n|[:,])[ \\t]{0,3}"?)(${WORDS})"?[ \\t]{0,2}<[^\\s<>@]{1,64}@`, 'gu');

/** "[08:02] Gurpreet Kaur Sandhu: when is...", "09:14 Aigerim Zhaksylykova: thanks": the speaker of a chat line after its time. */
const CHAT_SPEAKER = new RegExp(`[ \\t]{0,8}\\[?\\d{1,2}:\\d{2}(?::\\d{2})?\\]?[ \\t]{1,3}(${WORDS})[ \\t]{0,2}:[ \\t]`, 'uy');
/**
 * "Re: Ms Xasan, Faadumo Cabdi, DOB 18-DEC-2009", "N. Khuzwayo (DOB 02-SEP-1971)": the words
 * right before a date-of-birth label, from the start of a line, a colon or a bracket. Found from
 * each label backwards (the label is rare; a pattern tried at every position is not).
 */
const DOB_LABEL = /DOB|D\.O\.B|[Dd]ate of birth|born/g;
const DOB_CUES = cueSet(['dob', 'd.o.b', 'date of birth', 'born'], { whole: true });
const NAME_BEFORE_DOB = new RegExp(`[ \\t]{0,3}(${WORDS})[ \\t]{0,2}[,(][ \\t]{0,2}(?:DOB|D\\.O\\.B\\.?|[Dd]ate of birth|born)(?![\\p{L}])`, 'uy');

function namesBeforeDob(text: string, out: Finding[]): void {
  eachMatchAt(DOB_LABEL, text, DOB_CUES, (label) => {
    // Back over the separator (", " or " (") to where the name would end...
    let p = label.index;
    while (p > 0 && label.index - p < 2 && (text.charCodeAt(p - 1) === 32 || text.charCodeAt(p - 1) === 9)) p--;
    if (p === 0 || (text.charCodeAt(p - 1) !== 44 && text.charCodeAt(p - 1) !== 40)) return;
    // ...then to the start of its line, a colon or a bracket.
    let s = p - 1;
    while (s > 0 && p - s < 200) {
      const c = text.charCodeAt(s - 1);
      if (c === 10 || c === 58 || c === 40) break;
      s--;
    }
    if (s > 0 && p - s >= 200) return;
    NAME_BEFORE_DOB.lastIndex = s;
    const m = NAME_BEFORE_DOB.exec(text);
    if (m) addValue(out, m, true, 0.85);
  });
}

const NOT_NAMES = new Set(['sir', 'madam', 'sir or madam', 'colleague', 'colleagues', 'team', 'all', 'everyone', 'there', 'doctor', 'friends', 'both', 'again', 'you', 'so much', 'for', 'in advance']);
/** Lower-case particles inside a name ("Joost van Dijk", "Khadija bint Saleh"). */
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'della', 'di', 'da', 'dos', 'das', 'do', 'du', 'van', 'von', 'der', 'den', 'ter', 'ten', 'le', 'y', 'e', 'bin', 'binti', 'bint', 'ibn', 'al', 'el', 'ben', 'ap', 'ní', 'nic', 'mac', 'ó']);
const isUpper = (w: string) => w[0] !== w[0]!.toLowerCase() || w[0]!.toLowerCase() === w[0]!.toUpperCase();

/** The words of a candidate that make it no name, or the start after a leading title. */
function nameStart(value: string, capitalisedOnly: boolean): number {
  const words = value.split(/[ \t,]+/).filter(Boolean);
  if (words.length === 0 || NOT_NAMES.has(value.toLowerCase())) return -1;
  // "Patient: Pleasant and cooperative", "Pt: Comfortable.": a state word alone is a sentence ("Patient: Calm Okafor" is not alone).
  if (words.length === 1 && CLINICAL_STATE_WORDS.has(words[0]!.toLowerCase().replace(/[.'’]+$/, ''))) return -1;
  let common = 0;
  for (const w of words) {
    const lower = w.toLowerCase().replace(/[.'’]+$/, '');
    if (COMMON_WORDS.has(lower) || LABEL_WORDS.has(lower) || NOT_NAMES.has(lower)) common++;
    if (capitalisedOnly && !isUpper(w) && !PARTICLES.has(w)) return -1;
  }
  if (common * 2 >= words.length + (TITLES.has(words[0]!.toLowerCase().replace(/\.$/, '')) ? 1 : 0)) return -1;
  // A title opening the name is kept out of it ("Dear Dr Okafor" masks "Okafor").
  const first = words[0]!.toLowerCase().replace(/\.$/, '');
  if (TITLES.has(first) && words.length > 1) {
    const at = value.indexOf(words[1]!, words[0]!.length);
    return at;
  }
  return 0;
}

const TRAILING_WORD = /[ \t,]{1,3}([\p{L}.-]{1,6})$/u;

/** "Family present: Ana Lima and Wiremu Ngata": each name of a list is a candidate of its own. */
const AND = /[ \t]{1,2}(?:and|&)[ \t]{1,2}/giu;

function addValue(out: Finding[], m: RegExpExecArray, capitalisedOnly: boolean, score: number): void {
  const whole = m[1]!;
  const base = m.index + m[0].indexOf(whole);
  let from = 0;
  AND.lastIndex = 0;
  for (let a = AND.exec(whole); a; a = AND.exec(whole)) {
    addName(out, whole.slice(from, a.index), base + from, capitalisedOnly, score);
    from = a.index + a[0].length;
  }
  addName(out, whole.slice(from), base + from, capitalisedOnly, score);
}

function addName(out: Finding[], raw: string, at: number, capitalisedOnly: boolean, score: number): void {
  let value = raw.replace(/[ \t,.]+$/, '');
  // Credentials after the name ("Julien Ziemann, RN", "Ana Ruiz MD PhD") are not part of it.
  for (let cut = TRAILING_WORD.exec(value); cut && SUFFIXES.has(cut[1]!.toLowerCase().replace(/\./g, '')); cut = TRAILING_WORD.exec(value)) value = value.slice(0, cut.index).replace(/[ \t,.]+$/, '');
  const from = nameStart(value, capitalisedOnly);
  if (from < 0) return;
  const start = at + from;
  const end = at + value.length;
  if (end > start) out.push(finding('NAME', start, end, score));
}

const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Letters of scripts other than Latin (Latin-1 and Latin Extended, Vietnamese and IPA count as Latin). */
const OTHER_LETTER = /[\p{L}\p{M}]/u;
function otherScriptLetter(c: number): boolean {
  if (c < 0x370) return false;
  if (c >= 0x1e00 && c <= 0x1eff) return false;
  if (c >= 0x2000 && c <= 0x2e7f) return false;
  return OTHER_LETTER.test(String.fromCharCode(c));
}

/** A few words in another script inside a line of Latin text: the name of a person (or place) written in its own script. */
function islandsOfOtherScripts(text: string, out: Finding[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!otherScriptLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let words = 1;
    let end: number;
    let j = i;
    for (;;) {
      while (j < n && j - start < 80 && (otherScriptLetter(text.charCodeAt(j)) || (text.charCodeAt(j) >= 0x300 && text.charCodeAt(j) <= 0x36f))) j++;
      end = j;
      // One space, a hyphen or a middle dot between words of the island.
      const gap = text.charCodeAt(j);
      if ((gap === 32 || gap === 45 || gap === 0xb7 || gap === 0x30fb) && j + 1 < n && otherScriptLetter(text.charCodeAt(j + 1))) {
        words++;
        j++;
        continue;
      }
      break;
    }
    i = Math.max(end, start + 1);
    if (words > 4 || end - start < 2) continue;
    // A label ("Пациент:", "患者：") introduces a name; it is not one.
    const after = text.charCodeAt(end);
    if (after === 58 || after === 0xff1a) continue;
    if (LABEL_WORDS.has(text.slice(start, end).toLowerCase())) continue;
    // Latin letters on the same line: the island is a name in a Latin-script note, not prose.
    let lineStart = start;
    while (lineStart > 0 && start - lineStart < 200 && text.charCodeAt(lineStart - 1) !== 10) lineStart--;
    let lineEnd = end;
    while (lineEnd < n && lineEnd - end < 200 && text.charCodeAt(lineEnd) !== 10) lineEnd++;
    let latin = false;
    for (let k = lineStart; k < lineEnd && !latin; k++) if (isAsciiLetter(text.charCodeAt(k))) latin = true;
    if (!latin) continue;
    out.push(finding('NAME', start, end, 0.7));
  }
}

const isLetterAt = (text: string, k: number) => {
  const c = text.charCodeAt(k);
  return isAsciiLetter(c) || (c >= 0xc0 && OTHER_LETTER.test(text[k]!));
};
const isAlnumAt = (text: string, k: number) => k >= 0 && k < text.length && (isLetterAt(text, k) || (text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57));

/** "N o k u t h u l a", "D.L.A.M.I.N.I", "S-O-K": five letters or more, one at a time. */
/** Five letters, each followed by a separator: where a spelled word may start (verified below). */
const SPELLED_HINT = /[^\s\d.-][ .-]{1,4}[^\s\d.-][ .-]{1,4}[^\s\d.-][ .-]{1,4}[^\s\d.-][ .-]{1,4}[^\s\d.-](?![^\s\d.-])/g;

function spelledLetters(text: string, out: Finding[]): void {
  SPELLED_HINT.lastIndex = 0;
  for (let m = SPELLED_HINT.exec(text); m; m = SPELLED_HINT.exec(text)) {
    const end = spelledFrom(text, m.index, out);
    SPELLED_HINT.lastIndex = Math.max(end, m.index + 1);
  }
}

/** Verifies a spelled word from `from` on; returns where scanning may resume. */
function spelledFrom(text: string, from: number, out: Finding[]): number {
  const n = text.length;
  for (let i = from; i + 2 < n && i < from + 2; i++) {
    const sep = text.charCodeAt(i + 1);
    if ((sep !== 32 && sep !== 46 && sep !== 45) || !isLetterAt(text, i) || isAlnumAt(text, i - 1) || !isLetterAt(text, i + 2)) continue;
    let letters = 1;
    let last = i;
    let k = i + 1;
    for (;;) {
      // A separator: ". ", "-", one space, or a few spaces between words.
      let g = k;
      while (g < n && g - k < 4 && (text.charCodeAt(g) === 32 || text.charCodeAt(g) === 46 || text.charCodeAt(g) === 45)) g++;
      if (g === k || g >= n || !isLetterAt(text, g) || isAlnumAt(text, g + 1)) break;
      letters++;
      last = g;
      k = g + 1;
    }
    if (letters >= 5) {
      const end = text.charCodeAt(last + 1) === 46 ? last + 2 : last + 1;
      out.push(finding('NAME', i, end, 0.7));
      return end;
    }
  }
  return from + 1;
}

/**
 * The label, greeting and sign-off patterns are tried at line starts only (sticky), so their cost
 * follows the number of lines, not of characters.
 */
function linesOpeningWithWords(text: string, out: Finding[]): void {
  let nextGap = text.indexOf('   ');
  for (let at = 0; at < text.length; ) {
    let k = at;
    while (k < text.length && k - at < 8 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    const c = text.charCodeAt(k) | 0x20;
    // Every label, greeting and sign-off opens with a letter of these, or "--".
    const first = text.charCodeAt(k);
    if (first === 0x5b || (first >= 48 && first <= 57)) {
      CHAT_SPEAKER.lastIndex = at;
      const m = CHAT_SPEAKER.exec(text);
      if (m) addValue(out, m, true, 0.85);
    }
    if ((c >= 97 && c <= 122 && LINE_OPENERS.has(c)) || c === 0x2d) {
      for (const [pattern, capitalisedOnly] of LINE_PATTERNS) {
        pattern.lastIndex = at;
        const m = pattern.exec(text);
        if (m) addValue(out, m, capitalisedOnly ?? !LOWER_CASE_OK.test(m[0]), 0.85);
      }
    }
    const nl = text.indexOf('\n', at);
    // The next gap is searched once for all the lines before it (a search per line would rescan the text).
    if (nextGap >= 0 && nextGap < at) nextGap = text.indexOf('   ', at);
    if (nextGap >= 0 && (nl < 0 || nextGap < nl)) nextGap = labelsAfterColumnGaps(text, nextGap, nl < 0 ? text.length : nl, out);
    if (nl < 0) break;
    at = nl + 1;
  }
}

/**
 * A fax cover or memo header sets its fields in columns: "Pages: 4   Re: KAZLAUSKAS Gintautas",
 * "From: ward 7   To: Ana Lima". A label after a gap of three spaces or a tab is read as one at a
 * line start (its name capitalised).
 */
/** Reads the labels after the gaps of the line [first gap, to); returns the first gap after it (or -1). */
function labelsAfterColumnGaps(text: string, first: number, to: number, out: Finding[]): number {
  let gap = first;
  for (; gap >= 0 && gap < to; gap = text.indexOf('   ', gap + 3)) {
    let k = gap + 3;
    while (k < to && k - gap < 8 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    const c = text.charCodeAt(k) | 0x20;
    if (k < to && c >= 97 && c <= 122 && LINE_OPENERS.has(c)) {
      LABELLED_LINE.lastIndex = k;
      const m = LABELLED_LINE.exec(text);
      if (m) addValue(out, m, true, 0.85);
    }
    gap = k - 3;
  }
  return gap;
}
const LINE_OPENERS = new Set([...'pfnlcegivdhtrmbkswya'].map((ch) => ch.charCodeAt(0)));
/** Each pattern, and whether its name must be capitalised (undefined: the label decides). */
const LINE_PATTERNS: [RegExp, boolean | undefined][] = [
  [LABELLED_LINE, undefined],
  [GREETING, true],
  [SIGN_OFF, true],
];

/**
 * A caller, a texter or a writer naming themselves: "Hi, this is Dela Cruz, Maricel H., my son's
 * appointment", "SMS from pt: its Liis Kõiv cant make it", "hello it is tomas ruiz calling back".
 * The cue counts only where it opens the line, follows a greeting or a colon; a capitalised name
 * ends before the next lower-case word, a lower-case one needs "calling", "here" or "speaking".
 */
const SELF_CUE = /(?<![\p{L}])(?:[Tt]his is|THIS IS|[Ii]t is|[Ii]t['’]s|[Ii]ts|[Mm]y name is)[ \t]{1,3}/gu;
const SELF_CUE_PLACES = cueSet(['this', 'it', 'my'], { after: 'letter' });
// (Up to two greeting words: a speech-to-text line runs them together, "hi yes this is ...".)
const BEFORE_SELF_CUE = /(?:^|\n|:)[ \t]{0,4}(?:(?:hi|hello|hey|hiya|yes|yeah|oh|um|uh|good (?:morning|afternoon|evening))[ \t]{0,2}[,!.]?[ \t]{0,3}){0,2}$/iu;
const CAPS_WORD = "\\p{Lu}[\\p{L}\\p{M}'’.-]{0,30}";
const SELF_CAPS = new RegExp(
  `(${CAPS_WORD}(?:(?:[ \\t]{1,2}|,[ \\t]{1,2})(?:(?:de|del|la|da|dos|do|du|van|von|der|den|ter|le|bin|binti|bint|ibn|al|el|ben|ap|ní|nic|mac|ó)[ \\t]{1,2}){0,2}${CAPS_WORD}){0,4})(?=[ \\t]{0,2}(?:[,.!;)\\n]|$)|[ \\t]{1,2}(?:\\p{Ll}|\\d))`,
  'uy',
);
const ONE_WORD_NAME_END = /^(?:[ \t]{0,2}[,!]|[ \t]{1,2}(?:calling|here|speaking|again)(?![\p{L}]))/u;
const SELF_LOWER = /(\p{Ll}[\p{L}\p{M}'’-]{0,30}(?:[ \t]\p{Ll}[\p{L}\p{M}'’-]{0,30}){0,3})[ \t]{1,2}(?:calling|here|speaking)(?![\p{L}])/uy;
/** One lower-case word before "calling" is a given name ("hi this is mairead calling") unless it is one of these. */
const NOT_A_SELF_NAME = /^(?:me|him|her|us|them|just|only|also|really|still|now|the|your|our|his|their|someone|somebody|nobody|about|not|again|back|from|dr|doctor|nurse|mum|mom|dad|reception|security|pharmacy)$/;

/** Lower-case words before "calling" are a name unless one is an everyday word ("this is really urgent calling"). */
function lowerWordsNameLike(words: string): boolean {
  for (const word of words.split(/[ \t]/)) if (NOT_A_SELF_NAME.test(word) || COMMON_WORDS.has(word)) return false;
  return true;
}

function selfIntroductions(text: string, out: Finding[]): void {
  eachMatchAt(SELF_CUE, text, SELF_CUE_PLACES, (cue) => {
    const lineStart = text.lastIndexOf('\n', cue.index - 1) + 1;
    // Far into a line only a colon can introduce it; the window's own start is no line start.
    const before = cue.index - lineStart > 40 ? `\u0000${text.slice(cue.index - 40, cue.index)}` : text.slice(lineStart, cue.index);
    if (!BEFORE_SELF_CUE.test(before)) return;
    const at = cue.index + cue[0].length;
    SELF_CAPS.lastIndex = at;
    const caps = SELF_CAPS.exec(text);
    if (caps) {
      // "Dela Cruz, Maricel H.": an initial keeps its full stop.
      const value = caps[1]!.replace(/[ \t,]+$/, '');
      const keep = /(?:^|[ \t])\p{Lu}\.$/u.test(value) ? value : value.replace(/\.+$/, '');
      // One word is a name only when a comma or a calling word follows ("This is Important:" is a heading).
      if (!/[ \t,]/.test(keep.trim()) && !ONE_WORD_NAME_END.test(text.slice(at + keep.length, at + keep.length + 12))) return;
      const from = nameStart(keep, true);
      // Below the label score, so an eponym or institution ("This is Crohn disease", "this is Grace Hospice") is dropped as one.
      if (from >= 0 && keep.length > from) out.push(finding('NAME', at + from, at + keep.length, 0.8));
      return;
    }
    SELF_LOWER.lastIndex = at;
    const lower = SELF_LOWER.exec(text);
    if (lower && (/[ \t]/.test(lower[1]!) ? lowerWordsNameLike(lower[1]!) : lower[1]!.length >= 3 && !NOT_A_SELF_NAME.test(lower[1]!))) addValue(out, lower, false, 0.85);
  });
}

export const nameLinesDetector: Detector = {
  name: 'name-lines',
  patterns: [LABELLED_LINE, GREETING, GREETING_AFTER_COLON, SIGN_OFF, DISPLAY_NAME, SPELLED_HINT, CHAT_SPEAKER, DOB_LABEL, NAME_BEFORE_DOB, SELF_CUE, SELF_CAPS, SELF_LOWER, NOT_A_SELF_NAME],
  detect(text) {
    const out: Finding[] = [];
    linesOpeningWithWords(text, out);
    if (text.includes('<')) eachMatch(DISPLAY_NAME, text, (m) => addValue(out, m, false, 0.85));
    if (text.includes(':')) eachMatch(GREETING_AFTER_COLON, text, (m) => addValue(out, m, true, 0.85));
    namesBeforeDob(text, out);
    selfIntroductions(text, out);
    islandsOfOtherScripts(text, out);
    spelledLetters(text, out);
    return out;
  },
};
