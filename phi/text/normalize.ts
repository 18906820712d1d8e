import { COMMON_WORDS } from './name-words';

/**
 * What detection reads instead of the raw text: NFKC (full-width digits and letters, ligatures,
 * non-breaking hyphens), digits of other scripts as ASCII digits, HTML and JSON character escapes
 * decoded ("&#51;", "\u0033"), Cyrillic and Greek look-alikes inside Latin words read as Latin,
 * invisible characters dropped (zero-width, bidi controls, soft hyphens),
 * and a line break that splits a digit group after a dash or a dot ("287-65-\n4321") closed up.
 * `toOriginal` maps every finding back, so the masker replaces the characters that were really
 * there, the invisible ones inside a value included.
 */
export interface NormalizedText {
  text: string;
  /** Original offsets of a finding's start and end (end exclusive); identity when nothing changed. */
  toOriginal(start: number, end: number): [number, number];
}

/** Zero-width characters, bidi controls and marks, word joiner, BOM, soft hyphen, Mongolian vowel separator. */
export const isInvisible = (c: number) =>
  c === 0x00ad || c === 0x180e || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x206f) || c === 0xfeff;
const isDigit = (c: number) => (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19);
const isBreakJoin = (c: number) => c === 45 || c === 46 || c === 0x2010 || c === 0x2011 || c === 0x2013 || c === 0x2212 || c === 0xff0d;
const isBlank = (c: number) => c === 10 || c === 13 || c === 32 || c === 9;

const identity: NormalizedText['toOriginal'] = (start, end) => [start, end];
const HTML_ESCAPE = /&#(?:(\d{1,5})|[xX]([0-9a-fA-F]{1,4}));/y;
const JSON_ESCAPE = /\\u()([0-9a-fA-F]{4})/y;

/**
 * The value of a decimal digit of another script ("٠١٢", "०१२", "๐๑๒"), which NFKC leaves as it
 * is: digit blocks are ten consecutive code points, so the zero is found by stepping back.
 */
const DIGIT_VALUES = (() => {
  const isNd = (c: number) => /\p{Nd}/u.test(String.fromCharCode(c));
  const values = new Int8Array(0x10000).fill(-1);
  for (let c = 0x660; c < 0xff10; c++) {
    if (!isNd(c)) continue;
    let k = 0;
    while (k < 9 && isNd(c - k - 1)) k++;
    values[c] = k;
  }
  return values;
})();
const otherScriptDigit = (c: number): number => DIGIT_VALUES[c]!;

/**
 * Cyrillic and Greek letters that look like Latin ones. Inside a word that also has Latin letters
 * ("Аnnа" with Cyrillic А and а) they are read as the Latin letters they imitate: a mixed word
 * is a disguise, not a language. Same length, so offsets do not move.
 */
const CONFUSABLE: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', х: 'x', у: 'y', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w',
  А: 'A', В: 'B', Е: 'E', Н: 'H', К: 'K', М: 'M', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y', І: 'I', Ј: 'J', Ѕ: 'S',
  α: 'a', ο: 'o', ν: 'v', ρ: 'p', τ: 't', υ: 'u', ι: 'i', κ: 'k', Α: 'A', Β: 'B', Ε: 'E', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X', Ζ: 'Z',
};
const MIXED_WORD = /[\p{L}\p{M}]{0,40}(?:[A-Za-z][\p{L}\p{M}]{0,40}[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]|[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f][\p{L}\p{M}]{0,40}[A-Za-z])[\p{L}\p{M}]{0,40}/gu;
function foldConfusables(text: string): string {
  return text.replace(MIXED_WORD, (word) => {
    let out = '';
    for (const ch of word) out += CONFUSABLE[ch] ?? ch;
    return out;
  });
}

/**
 * One stretch of the normalised text: `length` characters from `at` that come from the original
 * characters [`from`, `from + fromLength`). Copied stretches map one to one; a replacement (NFKC
 * turned one character into several, or several into one) maps every character to all of it.
 */
interface Segment {
  at: number;
  from: number;
  length: number;
  fromLength: number;
  copied: boolean;
}

/** A line break inside a digit group: after "65-" (a digit then a dash or dot), before a digit. */
function joinedBreakEnd(text: string, i: number): number {
  if (i < 2 || !isBreakJoin(text.charCodeAt(i - 1)) || !isDigit(text.charCodeAt(i - 2))) return -1;
  let j = i;
  while (j < text.length && j - i < 6 && isBlank(text.charCodeAt(j))) j++;
  return j < text.length && isDigit(text.charCodeAt(j)) ? j : -1;
}

/**
 * A word a line wrap split with a hyphen: a letter, "-", the line break, and a short lower-case
 * rest of at most six letters that is no word of its own ("Bezz-\nola has lived", "Dyks-\ntra").
 * The hyphen and the break are dropped, so the word is read whole. A longer or everyday rest is a
 * word after a hyphenated break ("Quispe-\nreviewed", "Faleolo-\nrelated", "follow-\nup"), left as it is.
 */
const LETTER = /[\p{L}\p{M}]/u;
const LOWER_REST = /^\p{Ll}[\p{Ll}\p{M}]{0,5}(?![\p{L}\p{M}])/u;
function wrappedWordEnd(text: string, i: number): number {
  if (i < 2 || text.charCodeAt(i - 1) !== 45) return -1;
  const before = text.charCodeAt(i - 2);
  if (!((before >= 97 && before <= 122) || (before >= 65 && before <= 90) || (before >= 0xc0 && LETTER.test(text[i - 2]!)))) return -1;
  let j = i;
  if (text.charCodeAt(j) === 13) j++;
  if (text.charCodeAt(j) === 10) j++;
  const rest = LOWER_REST.exec(text.slice(j, j + 8));
  return rest && !COMMON_WORDS.has(rest[0]) ? j : -1;
}

export function normalizeForDetection(text: string): NormalizedText {
  const n = text.length;
  const segments: Segment[] = [];
  let greekOrCyrillic = false;
  const parts: string[] = [];
  let out = 0; // length of the normalised text so far
  let copyFrom = 0; // start of the pending copied stretch
  const flush = (to: number) => {
    if (to > copyFrom) {
      segments.push({ at: out, from: copyFrom, length: to - copyFrom, fromLength: to - copyFrom, copied: true });
      parts.push(text.slice(copyFrom, to));
      out += to - copyFrom;
    }
  };
  const replace = (from: number, to: number, value: string) => {
    flush(from);
    if (value.length) {
      segments.push({ at: out, from, length: value.length, fromLength: to - from, copied: false });
      parts.push(value);
      out += value.length;
    }
    copyFrom = to;
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      // "&#48;", "&#x30;" and "\u0030": one character written as an HTML or JSON escape.
      if ((c === 38 && text.charCodeAt(i + 1) === 35) || (c === 92 && text.charCodeAt(i + 1) === 117)) {
        const escape = c === 38 ? HTML_ESCAPE : JSON_ESCAPE;
        escape.lastIndex = i;
        const m = escape.exec(text);
        const code = m ? parseInt(m[1] || m[2]!, m[1] ? 10 : 16) : -1;
        if (m && code >= 0x20 && code <= 0xffff && (code < 0xd800 || code > 0xdfff) && code !== 0x7f) {
          replace(i, i + m[0].length, String.fromCharCode(code));
          i += m[0].length;
          continue;
        }
      }
      if (c === 10 || c === 13) {
        const end = joinedBreakEnd(text, i);
        if (end > 0) {
          replace(i, end, '');
          i = end;
          continue;
        }
        const wrapped = wrappedWordEnd(text, i);
        if (wrapped > 0 && i - 1 >= copyFrom) {
          replace(i - 1, wrapped, '');
          i = wrapped;
          continue;
        }
      }
      i++;
      continue;
    }
    if (isInvisible(c)) {
      replace(i, i + 1, '');
      i++;
      continue;
    }
    if ((c >= 0x370 && c <= 0x52f) || c >= 0x660) {
      if (c <= 0x52f) greekOrCyrillic = true;
      else {
        const digit = otherScriptDigit(c);
        if (digit >= 0) {
          replace(i, i + 1, String(digit));
          i++;
          continue;
        }
      }
    }
    // A run of visible non-ASCII characters: most runs are already NFKC and are copied as they are.
    let j = i + 1;
    while (j < n && j - i < 256 && text.charCodeAt(j) >= 0x80 && !isInvisible(text.charCodeAt(j)) && otherScriptDigit(text.charCodeAt(j)) < 0) {
      if (text.charCodeAt(j) >= 0x370 && text.charCodeAt(j) <= 0x52f) greekOrCyrillic = true;
      j++;
    }
    if (j < n && text.charCodeAt(j - 1) >= 0xd800 && text.charCodeAt(j - 1) <= 0xdbff) j++;
    const run = text.slice(i, j);
    if (run.normalize('NFKC') !== run) {
      while (i < j) {
        const width = text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) <= 0xdbff && i + 1 < j ? 2 : 1;
        const raw = text.slice(i, i + width);
        const normalized = raw.normalize('NFKC');
        if (normalized !== raw) replace(i, i + width, normalized);
        i += width;
      }
    }
    i = j;
  }
  if (segments.length === 0) return { text: greekOrCyrillic ? foldConfusables(text) : text, toOriginal: identity };
  flush(n);
  const joined = parts.join('');
  const normalized = greekOrCyrillic ? foldConfusables(joined) : joined;

  const find = (offset: number): Segment => {
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.at <= offset) lo = mid;
      else hi = mid - 1;
    }
    return segments[lo]!;
  };
  return {
    text: normalized,
    toOriginal(start, end) {
      if (start >= out) return [n, n];
      const first = find(start);
      let from = first.copied ? first.from + (start - first.at) : first.from;
      const last = find(Math.max(start, end - 1));
      let to = last.copied ? last.from + (Math.max(start, end - 1) - last.at) + 1 : last.from + last.fromLength;
      // Invisible characters hugging a value belong to it (a bidi embedding around an SSN).
      while (from > 0 && isInvisible(text.charCodeAt(from - 1))) from--;
      while (to < n && isInvisible(text.charCodeAt(to))) to++;
      return [from, to];
    },
  };
}
