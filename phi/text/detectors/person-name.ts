import { CJK_FAMILY_NAMES, FIRST_NAMES, foldName, LAST_NAMES, WORLD_NAMES } from '../dictionaries';
import { finding, type Detector } from '../detector';
import { AMBIGUOUS_FIRST, CLINICAL_STATE_WORDS, COMMON_WORDS, LABEL_LAST_WORDS, LABEL_WORDS, NAME_LABEL, PERSON_PREDICATE, SENTENCE_LABEL, SENTENCE_LABEL_LAST_WORDS, SUFFIXES, THING_NAME_LABEL, TITLES, WEAK_PERSON_PREDICATE } from '../name-words';
import type { Finding } from '../../types';

/**
 * Person names: a dictionary alone misses most surnames and a capitalised word alone is any
 * sentence start, so a name needs two kinds of evidence out of: a known first or last name
 * (see dictionaries.ts), a title ("Mrs."), a label ("Patient:", "daughter"), or a neighbour
 * that is itself a name. A word found as a name once is a name everywhere else in the text.
 */

interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
  capitalised: boolean;
  knownFirst: boolean;
  knownLast: boolean;
  /** In the world names list (see dictionaries.ts). */
  worldName: boolean;
  /** Capitalised, not an everyday word, not an acronym ("DEA"), not glued to digits ("MP382"). */
  nameLike: boolean;
  /** "J." */
  initial: boolean;
  acronym: boolean;
  /** A given or family name of the dictionaries even when it is also a word ("Will", "August", "West"). */
  dictionaryName: boolean;
}

const UNICODE_LETTER = /[\p{L}\p{M}]/u;
/** Letters of every script (and combining marks, so "José" written with U+0301 stays one word). */
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && UNICODE_LETTER.test(String.fromCharCode(c)));
/** Han, kana and Hangul: scripts that write a name without spaces. */
const isCjk = (c: number) => (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff);
/** Upper case, or a script without case (Arabic, Hebrew, CJK...), where any word may be a name. */
function capitalisedAt(value: string): boolean {
  const c = value.charCodeAt(0);
  if (c < 128) return c <= 90;
  const first = value[0]!;
  return first !== first.toLowerCase() || first.toLowerCase() === first.toUpperCase();
}
const hasCase = (value: string) => value.toLowerCase() !== value.toUpperCase();
const isDigit = (c: number) => c >= 48 && c <= 57;
/** Apostrophes and hyphens inside a name: O'Hara, Smith-Jones. */
const isJoiner = (c: number) => c === 39 || c === 45 || c === 0x2019;
const isSpaceOrTab = (c: number) => c === 32 || c === 9;

/** What a word is, whatever its position: computed once per distinct word (see wordInfo). */
interface WordInfo {
  lower: string;
  capitalised: boolean;
  knownFirst: boolean;
  knownLast: boolean;
  worldName: boolean;
  acronym: boolean;
  common: boolean;
  dictionaryName: boolean;
}

// Module-local aliases: an imported binding read in the hot loop is a property lookup each time.
const firstNames = FIRST_NAMES;
const lastNames = LAST_NAMES;
const worldNames = WORLD_NAMES;
const commonWords = COMMON_WORDS;
const labelWords = LABEL_WORDS;
const cjkFamilyNames = CJK_FAMILY_NAMES;

function describeWord(value: string, lower: string): WordInfo {
  const capitalised = capitalisedAt(value);
  // A label word ("Driver", "Paciente") introduces a name; it is not one unless a title says so.
  const common = commonWords.has(lower) || labelWords.has(lower);
  const folded = foldName(lower);
  const first = firstNames.has(lower) || firstNames.has(folded);
  const last = lastNames.has(lower) || lastNames.has(folded);
  const cjkFamily = isCjk(value.charCodeAt(0)) && value.length >= 2 && value.length <= 5 && cjkFamilyNames.has(value[0]!);
  // The world list has every culture's names but also words ("Later", "Mo"): on its own it is
  // evidence only for a word with letters outside ASCII; otherwise it needs a named neighbour.
  const worldName = value.length >= 3 && worldNames.has(folded) && !common && value !== value.toUpperCase();
  const exactDictionary = firstNames.has(lower) || lastNames.has(lower);
  const acronym = value.length <= 3 && hasCase(value) && value === value.toUpperCase() && !exactDictionary;
  return {
    lower,
    capitalised,
    knownFirst: first && !common,
    knownLast: (last || (worldName && folded !== lower) || cjkFamily) && !common,
    worldName,
    acronym,
    common,
    dictionaryName: capitalised && value.length >= 2 && !acronym && exactDictionary,
  };
}

/**
 * Distinct words seen recently and what they are (null: a lower-case word that is no dictionary
 * name, so never a token). Clinical text repeats its words, so most lookups end here. Bounded: a
 * flood of distinct words empties it, it never grows past WORD_CACHE_MAX entries, and a cached
 * answer is the one describeWord gives, so results never depend on what was seen before.
 */
const WORD_CACHE_MAX = 50_000;
const wordCache = new Map<string, WordInfo | null>();

/**
 * The three-letter beginnings (a-z) of every dictionary name, one bit each: a lower-case word
 * whose beginning has no bit is no name. A word not beginning with three a-z letters is looked up.
 */
const NAME_PREFIXES = (() => {
  const bits = new Uint8Array(26 * 26 * 26);
  const add = (name: string) => {
    const a = name.charCodeAt(0) - 97;
    const b = name.charCodeAt(1) - 97;
    const c = name.charCodeAt(2) - 97;
    if (a >= 0 && a < 26 && b >= 0 && b < 26 && c >= 0 && c < 26) bits[a * 676 + b * 26 + c] = 1;
  };
  for (const name of FIRST_NAMES) add(name);
  for (const name of LAST_NAMES) add(name);
  return bits;
})();

function mayStartName(text: string, at: number): boolean {
  const a = text.charCodeAt(at) - 97;
  const b = text.charCodeAt(at + 1) - 97;
  const c = text.charCodeAt(at + 2) - 97;
  if (a < 0 || a >= 26 || b < 0 || b >= 26 || c < 0 || c >= 26) return true;
  return NAME_PREFIXES[a * 676 + b * 26 + c] === 1;
}

/**
 * Every dictionary name spelled in a-z only, as one bit of a hash: a lower-case a-z word whose bit
 * is clear is no name, so the tokenizer skips it without a slice or a lookup (most words of a note).
 * A set bit only means "look it up": the answer is wordInfo's, as before.
 */
const NAME_HASH_BITS = 20;
const NAME_HASHES = (() => {
  const bits = new Uint8Array(1 << (NAME_HASH_BITS - 3));
  const add = (name: string) => {
    let h = 0;
    for (let k = 0; k < name.length; k++) {
      const c = name.charCodeAt(k);
      if (c < 97 || c > 122) return;
      h = (Math.imul(h, 31) + c) | 0;
    }
    const slot = h & ((1 << NAME_HASH_BITS) - 1);
    bits[slot >> 3]! |= 1 << (slot & 7);
  };
  for (const name of FIRST_NAMES) add(name);
  for (const name of LAST_NAMES) add(name);
  return bits;
})();
const mayBeName = (h: number) => {
  const slot = h & ((1 << NAME_HASH_BITS) - 1);
  return (NAME_HASHES[slot >> 3]! & (1 << (slot & 7))) !== 0;
};

/** Lower-case particles are the gap inside a name ("Femke van Dijk"), never a word of it. */
const PARTICLE_WORDS = new Set(['de', 'del', 'la', 'las', 'los', 'della', 'di', 'da', 'dos', 'das', 'do', 'du', 'van', 'von', 'der', 'den', 'ter', 'ten', 'le', 'bin', 'binti', 'ibn', 'al', 'el', 'ben', 'bint']);

function wordInfo(word: string): WordInfo | null {
  let info = wordCache.get(word);
  if (info !== undefined) return info;
  const lower = word.toLowerCase();
  if (lower === word && PARTICLE_WORDS.has(word)) {
    wordCache.set(word, null);
    return null;
  }
  // A lower-case name with accents ("josé garcía") is looked up folded, as a capitalised one is.
  const folded = foldName(lower);
  info = capitalisedAt(word) || firstNames.has(lower) || lastNames.has(lower) || (folded !== lower && (firstNames.has(folded) || lastNames.has(folded))) ? describeWord(word, lower) : null;
  if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
  wordCache.set(word, info);
  return info;
}

function makeToken(text: string, value: string, info: WordInfo, start: number, end: number): Token {
  const gluedToDigit = isDigit(text.charCodeAt(end));
  return {
    text: value,
    lower: info.lower,
    start,
    end,
    capitalised: info.capitalised,
    knownFirst: info.knownFirst,
    knownLast: info.knownLast,
    worldName: info.worldName,
    nameLike: info.capitalised && value.length >= 2 && !info.common && !info.acronym && !gluedToDigit,
    initial: value.length === 1 && info.capitalised && text.charCodeAt(end) === 46,
    acronym: info.acronym,
    dictionaryName: info.dictionaryName,
  };
}

/**
 * The words that can take part in a name: capitalised ones and dictionary names in any case.
 * Other words are skipped without allocating a token (this is the detector's hot loop); skipping
 * them is safe because every rule also requires the words of a name to be adjacent.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isLetter(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    if (isCjk(c)) {
      // A CJK name is two to five characters of a longer run; only a run that short is a word here.
      while (j < n && j - i < 31 && isCjk(text.charCodeAt(j))) j++;
      if (j - i <= 6) {
        const word = text.slice(i, j);
        const info = wordInfo(word);
        if (info) tokens.push(makeToken(text, word, info, i, j));
      }
      i = j;
      continue;
    }
    if (c >= 97 && c <= 122) {
      // A lower-case a-z word (the common case): hashed as it is read, skipped when no name has its hash.
      let h = c;
      let d = j < n ? text.charCodeAt(j) : 0;
      while (j < n && j - i < 31 && d >= 97 && d <= 122) {
        h = (Math.imul(h, 31) + d) | 0;
        d = ++j < n ? text.charCodeAt(j) : 0;
      }
      if (j >= n || j - i >= 31 || !(isLetter(d) || isJoiner(d))) {
        if (j - i >= 3 && mayBeName(h)) {
          const word = text.slice(i, j);
          const info = wordInfo(word);
          if (info) tokens.push(makeToken(text, word, info, i, j));
        }
        i = j;
        continue;
      }
    }
    while (j < n && j - i < 31 && (isLetter(text.charCodeAt(j)) || isJoiner(text.charCodeAt(j)))) j++;
    let end = j;
    while (end > i + 1 && isJoiner(text.charCodeAt(end - 1))) end--;
    // A lower-case ASCII word is a token only as a dictionary name: one of one or two letters never
    // is, nor one whose first three letters start no name (no slice, no lookup).
    if (c >= 128 || c <= 90 || (end - i >= 3 && mayStartName(text, i))) {
      const word = text.slice(i, end);
      if (end - i <= 2 && CAPITAL_PARTICLES.has(word)) {
        i = j;
        continue;
      }
      const info = wordInfo(word);
      if (info) tokens.push(makeToken(text, word, info, i, end));
    }
    i = j;
  }
  return tokens;
}

/** Only spaces (and at most one line break, or a comma when allowed) between two tokens. */
/** Lower-case particles inside a name: "María de Jesús", "Ludwig van Beethoven", "Omar bin Laden". */
const PARTICLE_GAP = /^[ \t](?:de|del|de la|de las|de los|della|di|da|dos|das|do|du|van|von|van der|van den|der|den|ter|ten|le|la|y|e|bin|binti|ibn|al|el|ben|bint|wa|Ó|Ní|Uí|Ua)[ \t]$/;
/** Irish particles written with a capital ("Tadhg Ó Dálaigh", "Siobhán Ní Bhriain"): the gap inside a name, never a token of it. */
const CAPITAL_PARTICLES = new Set(['Ó', 'Ní', 'Uí', 'Ua']);

function adjacent(text: string, a: Token, b: Token, allowComma = false, allowLineBreak = true): boolean {
  if (b.start === a.end) return false;
  if (b.start - a.end > 4) return b.start - a.end <= 12 && a.capitalised && b.capitalised && PARTICLE_GAP.test(text.slice(a.end, b.start));
  const gap = text.slice(a.end, b.start);
  if (!allowLineBreak && gap.includes('\n')) return false;
  if (gap.length >= 3 && PARTICLE_GAP.test(gap)) return a.capitalised && b.capitalised;
  // A dot ends a sentence unless it ends an initial or a title ("J. Patel", "Dr. Lin").
  if (gap.charCodeAt(0) === 46 && a.text.length > 1 && !TITLES.has(a.lower)) return false;
  // (A dot may open the gap: it ends an initial, "J. Patel".)
  return allowComma ? /^\.?[ \t]*,?[ \t\n]*$/.test(gap) : /^[ \t.]{1,3}$|^[ \t]*\n[ \t]*$/.test(gap);
}

/** The lower-case word that ends at most four separator characters before `at`. */
function wordBefore(text: string, at: number): string {
  let end = at;
  while (end > 0 && at - end < 4 && !isLetter(text.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && end - start < 30 && isLetter(text.charCodeAt(start - 1))) start--;
  return text.slice(start, end).toLowerCase();
}

/** True when only spaces stand between `at` and the start of the text, a line, or a sentence. */
function sentenceStart(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i < 0 || text[i] === '\n' || ((text[i] === '.' || text[i] === '!' || text[i] === '?') && i < at - 1);
}

/** A sentence end or a line break (without a colon) right before `at`: the label belongs to another sentence. */
function sentenceBreakBefore(text: string, at: number): boolean {
  const gap = text.slice(Math.max(0, at - 4), at);
  return !gap.includes(':') && !gap.includes(',') && (/\.\s/.test(gap) || gap.includes('\n'));
}

/** After a word: punctuation, the end of a line or of the text, or another capitalised word. */
const ENDS_WRAPPED_NAME = /^(?:[,.;:)]|[ \t]{0,2}(?:\n|$)|[ \t]\p{Lu})/u;

/** Which tokens are names, and how sure. */
class NameMarks {
  readonly isName: Uint8Array;
  readonly score: Float32Array;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {
    this.isName = new Uint8Array(tokens.length);
    this.score = new Float32Array(tokens.length);
  }

  mark(i: number, score: number): void {
    this.isName[i] = 1;
    this.score[i] = Math.max(this.score[i]!, score);
  }

  /** Marks up to four adjacent name-like tokens from i on (middle initials included). */
  markRun(i: number, score: number, lowerCaseOk: boolean, labelled = false): void {
    const { text, tokens } = this;
    let count = 0;
    for (let j = i; j < tokens.length && count < 4; j++) {
      const t = tokens[j]!;
      if (j > i) {
        const previous = tokens[j - 1]!;
        if (!adjacent(text, previous, t, true)) break;
        // A label or a title names what follows on its line; a name wrapped onto the next line
        // ends there ("Patient: John\nSmith, 45"), a sentence does not ("Patient: 王伟\nCall back at").
        if (labelled && text.slice(previous.end, t.start).includes('\n') && !ENDS_WRAPPED_NAME.test(text.slice(t.end, t.end + 3))) break;
        // A comma ends the name unless it is "Last, First".
        if (text.slice(previous.end, t.start).includes(',') && !(count === 1 && (t.knownFirst || (labelled && t.nameLike)))) break;
      }
      // Inside a labelled name, a short capitalised word of the world list ("Nguyễn Văn An") belongs to it.
      // After a label or a title, a dictionary name that is also a word is the name ("signed by:
      // Will Reilly", "Dr. Zion West").
      const ok =
        t.initial ||
        t.nameLike ||
        (lowerCaseOk && t.text.length >= 2 && (t.knownFirst || t.knownLast)) ||
        (labelled && t.dictionaryName && !LABEL_WORDS.has(t.lower)) ||
        (labelled && count > 0 && t.capitalised && WORLD_NAMES.has(foldName(t.lower)));
      if (!ok || (count > 0 && SUFFIXES.has(t.lower))) break;
      this.mark(j, score);
      count++;
    }
  }
}

/** A letter's salutation to a colleague after a title ("Sehr geehrte Frau Kollegin"): no name. */
const ADDRESSED_COLLEAGUE = new Set(['kollegin', 'kollege', 'kollegen', 'colleague', 'colleagues', 'collega', 'collègue', 'consœur', 'confrère']);

function applyRules(text: string, tokens: Token[], marks: NameMarks): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    // A title right before: "Mrs. Okafor", "Dr Lin"; any capitalised word counts ("Dr. West").
    if (prev && prev.capitalised && TITLES.has(prev.lower) && /^\.?[ \t]{1,2}$/.test(text.slice(prev.end, t.start))) {
      if ((t.nameLike || t.initial || (t.capitalised && !TITLES.has(t.lower) && !t.acronym)) && !ADDRESSED_COLLEAGUE.has(t.lower)) {
        marks.mark(i, 0.9);
        if (next && adjacent(text, t, next, false, false)) marks.markRun(i + 1, 0.9, false, true);
      }
    }
    // A label right before: "Patient: Jane Roe", "daughter Maria". The label regex runs only
    // when the word before could end a label (most words cannot).
    // (Also over a token a weaker rule marked: the label's run must reach the whole name.)
    if (marks.score[i]! < 0.85 && (t.nameLike || t.initial || t.knownFirst || t.knownLast || t.dictionaryName)) {
      const word = wordBefore(text, t.start);
      const named = LABEL_LAST_WORDS.has(word);
      const sentence = SENTENCE_LABEL_LAST_WORDS.has(word) && t.capitalised;
      if ((named || sentence) && !sentenceBreakBefore(text, t.start)) {
        const before = text.slice(Math.max(0, t.start - 30), t.start).toLowerCase();
        const stateSentence = CLINICAL_STATE_WORDS.has(t.lower) && STATE_SENTENCE_GOES_ON.test(text.slice(t.end, t.end + 4));
        if (((named && NAME_LABEL.test(before)) || (sentence && SENTENCE_LABEL.test(before))) && !THING_NAME_LABEL.test(before) && !stateSentence) marks.markRun(i, 0.85, true, true);
      }
    }
    if (!next) continue;
    // Dictionary evidence alone does not reach over a line break ("... Madrid\nBorn on the").
    const nextAdjacent = adjacent(text, t, next, false, false);
    if (nextAdjacent && t.knownFirst && t.capitalised && !AMBIGUOUS_FIRST.has(t.lower) && (next.nameLike || next.initial)) {
      // Known first name + capitalised word: "Maria Okafor".
      marks.markRun(i, 0.75, false);
    } else if (nextAdjacent && t.knownFirst && next.knownLast && t.capitalised === next.capitalised) {
      // Known first + known last, in any case: "maria garcia".
      marks.mark(i, 0.8);
      marks.mark(i + 1, 0.8);
    } else if (nextAdjacent && t.nameLike && next.capitalised && next.knownLast && !AMBIGUOUS_FIRST.has(t.lower) && (t.knownLast || !sentenceStart(text, t.start))) {
      // Capitalised word + known last name: "Okafor Smith" (not "Later Okafor" at a sentence start).
      marks.mark(i, 0.7);
      marks.mark(i + 1, 0.7);
    }
    // Two names of the world list side by side: "Vildan Özberk", "Chapal Bandopadhyay".
    if (!marks.isName[i] && nextAdjacent && t.capitalised && next.capitalised && (t.knownFirst || t.worldName) && (next.worldName || next.knownLast) && !AMBIGUOUS_FIRST.has(t.lower)) {
      marks.mark(i, 0.7);
      marks.mark(i + 1, 0.7);
    }
    // "OKAFOR, MARIA" / "Okafor, Maria"; inside a sentence a surname no dictionary holds too
    // ("Reviewed with Okonjo-Aduba, Margaret before", not "In Boston, Margaret felt").
    if (t.nameLike && next.knownFirst && next.capitalised && adjacent(text, t, next, true) && text.slice(t.end, next.start).includes(',')) {
      if (t.knownLast || t.text === t.text.toUpperCase() || familyGivenInSentence(text, t, next)) {
        marks.mark(i, 0.8);
        marks.mark(i + 1, 0.8);
      }
    }
  }
}

/** Words after which a capitalised word and a comma open a clause of place or time, not a name. */
const CLAUSE_OPENERS = new Set(['in', 'at', 'on', 'after', 'before', 'since', 'from', 'to', 'near', 'by', 'during', 'until', 'till', 'for', 'of', 'and', 'or', 'but', 'as', 'like', 'than', 'dear', 'hi', 'hello', 'thanks']);
/** What follows the given name of "Family, Given" in a sentence: the sentence going on in lower case, or its end. */
const AFTER_GIVEN = /^(?:[ \t]{1,2}\p{Ll}|[.;:)]|,[ \t]{1,2}\p{Ll}|[ \t]{0,2}(?:\n|$))/u;
/**
 * "Family, Given" inside a sentence: the surname follows a lower-case word that is not a
 * preposition or conjunction ("reviewed with", "called"), and the sentence goes on after the
 * given name, which the dictionaries know and is no everyday word.
 */
function familyGivenInSentence(text: string, family: Token, given: Token): boolean {
  if (AMBIGUOUS_FIRST.has(given.lower) || given.text === given.text.toUpperCase()) return false;
  if (sentenceStart(text, family.start)) return false;
  const before = text.slice(Math.max(0, family.start - 2), family.start);
  if (!/\p{Ll}[ \t]$/u.test(before)) return false;
  if (CLAUSE_OPENERS.has(wordBefore(text, family.start))) return false;
  return AFTER_GIVEN.test(text.slice(given.end, given.end + 4));
}

/**
 * The subject of a verb only people are subjects of: "Veikko Niemi denies fever", "Trịnh Nhã Uyên
 * reports ...". Two to four capitalised words that are not everyday words, on one line, right
 * before the verb; one word alone needs a dictionary to back it ("Okafor reports", not
 * "Radiology reports").
 */
/** A word of tokens[i..j] that the dictionaries or an earlier finding know as a person's. */
function dictionaryBacked(tokens: Token[], i: number, j: number, known: ReadonlySet<string>): boolean {
  for (let k = i; k <= j; k++) {
    const t = tokens[k]!;
    if ((t.knownFirst && !AMBIGUOUS_FIRST.has(t.lower)) || t.knownLast || known.has(t.lower)) return true;
  }
  return false;
}

/** Words that make a run of capitalised words a team, a service or a place ("Rapid Response Team called"). */
const GROUP_NOUNS = new Set(['team', 'service', 'services', 'unit', 'department', 'dept', 'clinic', 'office', 'desk', 'lab', 'laboratory', 'ward', 'centre', 'center', 'hospital', 'station', 'agency', 'council', 'board', 'committee', 'response', 'rescue', 'ambulance', 'police', 'fire', 'security', 'pharmacy', 'radiology', 'support', 'line', 'care', 'home', 'house', 'group', 'practice', 'surgery', 'registry', 'bureau', 'court', 'school', 'church', 'company', 'inc', 'ltd', 'llc', 'health', 'medical', 'hospice', 'nursing', 'social', 'services']);
/** Weak verbs things are subjects of as often as people. */
const THING_VERBS = /^[ \t]{1,2}(?:fell|had a fall|was brought)/;
/** Sentence openers of time before a subject ("Yesterday Harold phoned"), not a department's first word ("Blood Bank"). */
const TIME_OPENERS = new Set(['yesterday', 'today', 'tonight', 'overnight', 'later', 'earlier', 'then', 'now', 'also', 'finally', 'afterwards', 'meanwhile', 'subsequently', 'recently', 'again']);
function namesAGroup(tokens: Token[], i: number, j: number): boolean {
  for (let k = i; k <= j; k++) if (GROUP_NOUNS.has(tokens[k]!.lower)) return true;
  return false;
}

/** What follows a possessive ("Laaksonen's glucose"): a lower-case noun. */
const POSSESSIVE = /^[ \t]{1,2}\p{Ll}/u;

function subjectsOfPersonVerbs(text: string, tokens: Token[], marks: NameMarks): void {
  // Names other rules found: "Mr. Okafor came in. Later Okafor reported pain." — the subject is
  // the known name; the sentence's first word before it is not part of it.
  const known = new Set<string>();
  tokens.forEach((t, k) => {
    if (marks.isName[k]) known.add(t.lower);
  });
  for (let j = 0; j < tokens.length; j++) {
    const last = tokens[j]!;
    if (!last.nameLike) continue;
    // "58M (Tevita Fifita) reports": a subject in brackets, checked below to open with the bracket.
    const bracketed = text.charCodeAt(last.end) === 41;
    // Each of the three patterns below opens with a space or a tab: without one, none matches (no slice, no regex).
    const gap = text.charCodeAt(last.end + (bracketed ? 1 : 0));
    if (gap !== 32 && gap !== 9) continue;
    const after = text.slice(last.end + (bracketed ? 1 : 0), last.end + 24);
    // "Aino Laaksonen's glucose log": a possessive of two or three such words is a person's too.
    const possessive = !bracketed && (last.text.endsWith("'s") || last.text.endsWith('’s')) && POSSESSIVE.test(after);
    const weak = !possessive && !PERSON_PREDICATE.test(after);
    if (weak && !WEAK_PERSON_PREDICATE.test(after)) continue;
    let i = j;
    while (i > 0 && j - i < 3 && (tokens[i - 1]!.nameLike || tokens[i - 1]!.initial) && adjacent(text, tokens[i - 1]!, tokens[i]!, false, false)) {
      const previous = tokens[i - 1]!;
      if (known.has(tokens[i]!.lower) && !known.has(previous.lower) && sentenceStart(text, previous.start)) break;
      i--;
    }
    if (i === j && (possessive || !(last.knownLast || last.knownFirst || last.worldName || known.has(last.lower)))) continue;
    if (bracketed && (weak || i === j || text.charCodeAt(tokens[i]!.start - 1) !== 40)) continue;
    // (Things fall and are brought too: "Specimen Container was brought", so those need a dictionary.)
    if (weak && !dictionaryBacked(tokens, i, j, known) && (i === j || namesAGroup(tokens, i, j) || THING_VERBS.test(after))) continue;
    // A phrase that opens with an everyday capitalised word is a department or a thing ("Social
    // Work reports", "Blood Bank reports"); a title or label before a name is handled above.
    const before = tokens[i - 1];
    // (A known given name alone after a sentence's first word is the subject: "Yesterday Harold phoned".)
    const givenAlone = i === j && last.knownFirst && !AMBIGUOUS_FIRST.has(last.lower) && before !== undefined && TIME_OPENERS.has(before.lower) && sentenceStart(text, before.start);
    if (before && before.capitalised && !before.nameLike && !givenAlone && !TITLES.has(before.lower) && !LABEL_WORDS.has(before.lower) && adjacent(text, before, tokens[i]!, false, false)) continue;
    for (let k = i; k <= j; k++) marks.mark(k, 0.75);
  }
}

/**
 * The agent of a passive verb of human action: "verified at check-in by Reanna Wiza." Two or
 * three capitalised words that are not everyday words after "by", closing the clause. ("caused
 * by", "covered by" take no person.)
 */
const BY_AGENT =
  /(?:^|[^\p{L}])(?:seen|verified|signed|reviewed|examined|performed|dictated|entered|completed|witnessed|approved|ordered|prescribed|accompanied|interpreted|transcribed|checked|documented|visited|evaluated|assessed|treated|discharged|admitted|called|contacted|brought|driven|collected|administered|obtained|translated)[^\n.;]{0,30}[ \t]by[ \t]{1,2}$/u;
/** "by " or "by  " right before `at` (a cheap test before BY_AGENT). */
function endsWithBy(text: string, at: number): boolean {
  let k = at - 1;
  if (text.charCodeAt(k) !== 32 && text.charCodeAt(k) !== 9) return false;
  if (text.charCodeAt(k - 1) === 32 || text.charCodeAt(k - 1) === 9) k--;
  return text.charCodeAt(k - 1) === 121 && text.charCodeAt(k - 2) === 98;
}

function agentsAfterBy(text: string, tokens: Token[], marks: NameMarks): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.nameLike || marks.isName[i] || !endsWithBy(text, t.start) || !BY_AGENT.test(text.slice(Math.max(0, t.start - 40), t.start))) continue;
    let j = i;
    while (j + 1 < tokens.length && j - i < 2 && (tokens[j + 1]!.nameLike || tokens[j + 1]!.initial) && adjacent(text, tokens[j]!, tokens[j + 1]!, false, false)) j++;
    if (j === i || !CLAUSE_END.test(text.slice(tokens[j]!.end, tokens[j]!.end + 2))) continue;
    for (let k = i; k <= j; k++) marks.mark(k, 0.75);
  }
}

/** Where a name after a cue must end: punctuation, a bracketed remark (" (Geriatrics)"), the line's end. */
/** After a state word ("Alert"), the sentence goes on in lower case, a list or its end ("Alert and", "Alert, oriented", "Alert x3", "Alert."). */
const STATE_SENTENCE_GOES_ON = /^(?:[ \t]{1,2}[\p{Ll}&]|[,;.][ \t]{0,2}(?:\p{Ll}|\n|$)|[ \t]{0,3}(?:\n|$)|[ \t]x\d)/u;
const CLAUSE_END = /^(?:[.,;:)]|[ \t]\(|[ \t]{0,2}(?:\n|$))/;

/**
 * A relative or carer named after the word for them: "accompanied by her daughter Anahit
 * Hovhannisyan,", "NOK: son Tigran.", "lives with her husband Dieunel (retired)". One to three
 * capitalised words that are not everyday words, right after the noun, closing the clause.
 */
const KIN_NOUNS = new Set(
  [
    'daughter son husband wife spouse partner mother father mum mom dad sister brother niece nephew granddaughter grandson grandmother grandfather aunt uncle cousin guardian carer caregiver neighbour neighbor fiance fiancee fiancée widow widower stepson stepdaughter daughter-in-law son-in-law',
    // Spanish, Portuguese and French: a disease after the noun stays lower case ("madre diabética"), unlike German nouns.
    'hijo hija esposo esposa marido madre padre hermano hermana nieto nieta sobrino sobrina tío tía filho filha mãe pai irmão irmã fils fille mari épouse mère père frère sœur neveu nièce',
  ]
    .join(' ')
    .split(' '),
);
function namesAfterKin(text: string, tokens: Token[], marks: NameMarks): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // (An initial may open it when a name-like word follows: "neighbour S. Okonkwo at no. 5".)
    const opensWithInitial = t.initial && i + 1 < tokens.length && tokens[i + 1]!.nameLike && adjacent(text, t, tokens[i + 1]!, false, false);
    if (!(t.nameLike || opensWithInitial) || marks.isName[i]) continue;
    const gap = text.charCodeAt(t.start - 1);
    if ((gap !== 32 && gap !== 9) || !isLetter(text.charCodeAt(t.start - 2)) || !KIN_NOUNS.has(wordBefore(text, t.start))) continue;
    let j = i;
    while (j + 1 < tokens.length && j - i < 2 && (tokens[j + 1]!.nameLike || tokens[j + 1]!.initial) && adjacent(text, tokens[j]!, tokens[j + 1]!, false, false)) j++;
    // Two or three name words may also go on into the sentence ("leave with neighbour Tsehay Bekele at no. 14").
    if (!CLAUSE_END.test(text.slice(tokens[j]!.end, tokens[j]!.end + 2)) && !(j > i && KIN_NAME_GOES_ON.test(text.slice(tokens[j]!.end, tokens[j]!.end + 7)))) continue;
    for (let k = i; k <= j; k++) marks.mark(k, 0.75);
  }
}
/** After two name words and a kin noun: the sentence going on with a place, a relative clause or a time. */
const KIN_NAME_GOES_ON = /^[ \t](?:at|who|on|in|from|has|is|was|will)[ \t]/;

/**
 * A person described right after their name, as notes, obituaries and letters of every language
 * do: an age ("Tadgh Ó Briain, 96, of Galway", "Kari Nordby (95)", "Halina Wróblewska, lat 91",
 * "Femke Dijkstra (93 jaar)"; other languages' words for years in AGED_ABROAD), a birth ("Wessel Okkema, geboren 03-04-1931", "née le", "ur.", "född", and
 * "nar.", "rođena", "gim.", "szül.", "syntynyt", "gebore", "născută", "doğ.", "lahir",
 * "ipinanganak", "nascuda"..., also in brackets: "(szül. 1931. május 4.)") or, after two words, a house number and a street ("Aigerim Nurlanovna, 7 Ploshchad
 * Lane"). The words before it need no dictionary: the description is the evidence.
 */
const APPOSITION =
  /^(?:,[ \t]{1,2}\d{1,3}(?:[ \t]{1,2}(?:jaar|år|lat|Jahre|ans|años|anos|anni|years?|yrs?|y\.?o\.?))?[ \t]?[,;)]|[ \t]{1,2}\(\d{1,3}(?:[ \t]{1,2}(?:jaar|år|lat|Jahre|ans|años|anos|anni|years?|yrs?|y\.?o\.?))?\)(?![ \t]{0,2}[\d(+-])|,[ \t]{1,2}(?:lat|aged?|âgée?|geb\.|geboren|geb|born|née?|nata|nato|nacid[ao]|ur\.|urodzon[ay]|född|født|DOB|d\.o\.b\.|nar\.|narozen[aá]?|narodená|narodený|rođen[ae]?|rođ\.|rojen[ae]?|roj\.|gim\.|gimęs|gimusi|dzim\.|dzimis|dzimusi|szül\.|született|syntynyt|gebore|născut[ăa]?|doğ\.|doğumlu|lahir|ipinanganak|nascut|nascuda|nascid[ao]|рођен[а]?|роден[а]?|род\.|γενν\.|γεννημένη|γεννημένος)(?![\p{L}]))/u;
/**
 * An age with the word for years of Czech, Slovak, Croatian, Slovene, Lithuanian, Hungarian,
 * Finnish, Catalan, Tagalog, Malay, Turkish, Romanian, Latvian, Greek or a Cyrillic language
 * (", 93 let,", ", 91 éves,"), or a birth word in brackets ("(szül. 1931. május 4.)"): taken
 * after two or more name words only ("Hypertenze, 12 let," is a diagnosis and its duration).
 */
const AGED_ABROAD = /^,[ \t]{1,2}\d{1,3}[ \t]{1,2}(?:let|rokov|godina|godine|metų|éves|vuotta|vuotias|anys|taon|tahun|yaşında|yaş|ani|gadi|gadus|χρονών|ετών|лет|года|години|година)[ \t]?[,;)]|^[ \t]{1,2}\((?:âgée?|geb\.|geboren|geb|born|née?|nata|nato|nacid[ao]|ur\.|urodzon[ay]|född|født|DOB|d\.o\.b\.|nar\.|narozen[aá]?|narodená|narodený|rođen[ae]?|rođ\.|rojen[ae]?|roj\.|gim\.|gimęs|gimusi|dzim\.|dzimis|dzimusi|szül\.|született|syntynyt|gebore|născut[ăa]?|doğ\.|doğumlu|lahir|ipinanganak|nascut|nascuda|nascid[ao]|рођен[а]?|роден[а]?|род\.|γενν\.|γεννημένη|γεννημένος)(?![\p{L}])/u;
const STREET_AFTER = /^,[ \t]{1,2}\d{1,5}[A-Za-z]?[ \t]{1,2}\p{Lu}/u;
/** A run sheet's item: "3. Lerato Mahlangu — 8 Quay Street", "— Apartment 2, The Mews". */
const DASH_STREET_AFTER = /^[ \t]{1,2}[—–][ \t]{1,2}(?:\d{1,5}[A-Za-z]?[ \t]{1,2}\p{Lu}\p{Ll}|(?:Apartment|Apt\.?|Flat|Unit)[ \t]{1,2}\d)/u;
const ITEM_NUMBER_BEFORE = /(?:^|\n)[ \t]{0,4}\d{1,3}[.)][ \t]{1,4}$/;
/** A capital letter of its own inside a name ("Ó Briain"), not an initial. */
const isNameLetter = (t: Token) => t.text.length === 1 && t.capitalised && t.text.charCodeAt(0) >= 128;

function appositions(text: string, tokens: Token[], marks: NameMarks): void {
  for (let j = 0; j < tokens.length; j++) {
    const last = tokens[j]!;
    if (!last.nameLike) continue;
    const c = text.charCodeAt(last.end);
    if (c !== 44 && c !== 32 && c !== 9) continue;
    const after = text.slice(last.end, last.end + 24);
    const aged = APPOSITION.test(after) ? 1 : AGED_ABROAD.test(after) ? 2 : 0;
    const described = aged > 0;
    const dashed = !described && DASH_STREET_AFTER.test(after);
    if (!described && !dashed && !STREET_AFTER.test(after)) continue;
    let i = j;
    while (i > 0 && j - i < 3) {
      const previous = tokens[i - 1]!;
      if (!(previous.nameLike || previous.initial || isNameLetter(previous)) || !adjacent(text, previous, tokens[i]!, false, false)) break;
      i--;
    }
    // (A street line's own words before its city are no person: "N6W23001 Bluemound Rd, 53072 Pewaukee".)
    if (!described && (i === j || /\d[ \t]$/.test(text.slice(tokens[i]!.start - 2, tokens[i]!.start)))) continue;
    if (aged === 2 && i === j) continue;
    // A dash before the address counts only in a numbered item, which then needs no title-case doubt.
    if (dashed && !ITEM_NUMBER_BEFORE.test(text.slice(Math.max(0, tokens[i]!.start - 12), tokens[i]!.start))) continue;
    for (let k = i; k <= j; k++) marks.mark(k, dashed ? 0.85 : 0.8);
  }
}

/**
 * A person named between commas after the noun for their role and before a verb: "The occupant,
 * Tuilagi, Sefo, was found", "The proband, Aroha Ngata, was referred", "Spouse of 52 years,
 * Mthunzi Dlamini, died". Both sides are the evidence; the words between must all look like a
 * name ("The proband, Lynch Syndrome Carrier, was" has an everyday word).
 */
const ROLE_BEFORE = /(?:^|\n|[.!?;][ \t]{1,2})(?:(?:the|our|my|her|his|their)[ \t])?(?:occupant|proband|deceased|decedent|tenant|index patient|(?:spouse|husband|wife|partner) of \d{1,2} years),[ \t]$/i;
const VERB_AFTER_ROLE = /^,[ \t]{1,2}(?:was|is|who|has|had|died|passed|lives|lived|remains|attended|presented)(?![\p{L}])/u;
function namesInRoleApposition(text: string, tokens: Token[], marks: NameMarks): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!(t.nameLike || isNameLetter(t)) || marks.isName[i] || text.charCodeAt(t.start - 2) !== 44 || !isSpaceOrTab(text.charCodeAt(t.start - 1))) continue;
    if (!ROLE_BEFORE.test(text.slice(Math.max(0, t.start - 40), t.start))) continue;
    let j = i;
    while (j + 1 < tokens.length && j - i < 3 && (tokens[j + 1]!.nameLike || tokens[j + 1]!.initial || isNameLetter(tokens[j + 1]!)) && adjacent(text, tokens[j]!, tokens[j + 1]!, true, false)) j++;
    if (!tokens[j]!.nameLike || !VERB_AFTER_ROLE.test(text.slice(tokens[j]!.end, tokens[j]!.end + 12))) continue;
    for (let k = i; k <= j; k++) marks.mark(k, 0.8);
  }
}

/** "his daughters Nuala and Sorcha", "Anna och Olle": a name joined to a name found closes its clause too. */
const AND_GAP = /^[ \t](?:and|und|en|och|og|et|y|e|oraz|i)[ \t]$/;
function namesJoinedByAnd(text: string, tokens: Token[], marks: NameMarks): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (!marks.isName[i] || marks.isName[i + 1] || marks.score[i]! < 0.75) continue;
    const next = tokens[i + 1]!;
    if (!next.nameLike || next.start - tokens[i]!.end > 7 || !AND_GAP.test(text.slice(tokens[i]!.end, next.start))) continue;
    let j = i + 1;
    if (j + 1 < tokens.length && tokens[j + 1]!.nameLike && adjacent(text, next, tokens[j + 1]!, false, false)) j++;
    if (!CLAUSE_END.test(text.slice(tokens[j]!.end, tokens[j]!.end + 2))) continue;
    for (let k = i + 1; k <= j; k++) marks.mark(k, 0.75);
  }
}

/**
 * "her children Mele Taufa of Auckland and Sione Havili of Nukualofa": after a name found and
 * its town, a second name of two or three words joined by "and", itself followed by "of" and a
 * town. The parallel shape is the evidence ("of Cardiology and Internal Medicine of" has an
 * everyday word).
 */
const OF_TOWN_AND = /^[ \t]of[ \t]\p{Lu}[\p{L}\p{M}'’.-]{1,30}(?:[ \t]\p{Lu}[\p{L}\p{M}'’.-]{1,30})?[ \t]and[ \t]$/u;
const OF_TOWN_AFTER = /^[ \t]of[ \t]\p{Lu}/u;
function namesOfTownAndName(text: string, tokens: Token[], marks: NameMarks): void {
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (!marks.isName[i] || marks.score[i]! < 0.75 || marks.isName[i + 1]) continue;
    const from = tokens[i]!.end;
    if (text.charCodeAt(from + 1) !== 111 || text.charCodeAt(from + 2) !== 102) continue;
    // The next one or two tokens are the town, then the name.
    for (const skip of [2, 3]) {
      const first = tokens[i + skip];
      if (!first || !first.nameLike || first.start - from > 50 || !OF_TOWN_AND.test(text.slice(from, first.start))) continue;
      let j = i + skip;
      while (j + 1 < tokens.length && j - (i + skip) < 2 && tokens[j + 1]!.nameLike && adjacent(text, tokens[j]!, tokens[j + 1]!, false, false)) j++;
      if (j === i + skip || !OF_TOWN_AFTER.test(text.slice(tokens[j]!.end, tokens[j]!.end + 5))) break;
      for (let k = i + skip; k <= j; k++) marks.mark(k, 0.75);
      break;
    }
  }
}

/**
 * A name in the genitive before the word for a relative, as Dutch, the Nordic languages and German
 * write it: "Guðrúns dotter", "Annekes dochter", "Sigrid Bakkes sønn", "Jörgs Tochter". The word
 * glued to its "s" is a name whatever the dictionaries say; a name-like word before it on the
 * line is its given name. (An eponym's genitive is followed by a disease, not a relative:
 * "Parkinsons sjukdom". Kin words that are also English words — son, man, far, make — are left
 * out: "Symptoms far worse", "Stairs make her breathless".)
 */
const GENITIVE_KIN = new Set(
  'dotter dottern sonen maken maka hustru fru mannen mor bror syster barnbarn dotterdotter sonson svärson svärdotter datter sønn sønnen kone mann søster søsteren bror broren barnebarn dochter zoon vrouw moeder vader broer zus kleindochter kleinzoon schoonzoon schoondochter echtgenoot echtgenote Tochter Sohn Frau Mann Mutter Vater Bruder Schwester Enkelin Enkel Schwiegersohn Schwiegertochter Ehefrau Ehemann'.split(' '),
);
function genitivesBeforeKin(text: string, tokens: Token[], marks: NameMarks): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // (The cheap tests first: hasCase builds two strings, and most tokens do not end in 's'.)
    if (!t.capitalised || t.text.length < 3 || t.text.charCodeAt(t.text.length - 1) !== 115 || t.acronym || !hasCase(t.text)) continue;
    if (!isSpaceOrTab(text.charCodeAt(t.end))) continue;
    let k = t.end + 1;
    while (k < text.length && isLetter(text.charCodeAt(k))) k++;
    if (!GENITIVE_KIN.has(text.slice(t.end + 1, k)) || isLetter(text.charCodeAt(k)) || text.charCodeAt(k) === 45) continue;
    // The stem must not be an everyday word of the dictionaries ("Stockholms", "Parkinsons" are
    // followed by no relative anyway); a common word in the genitive is no name.
    if (COMMON_WORDS.has(t.lower.slice(0, -1))) continue;
    marks.mark(i, 0.75);
    const previous = tokens[i - 1];
    if (previous && previous.nameLike && adjacent(text, previous, t, false, false)) marks.mark(i - 1, 0.75);
  }
}

/** A nickname's brackets or quotes: opening gap, closing gap. */
const NICK_OPEN = /^[ \t](?:\(|"|“|«|„)$/;
/** After a quoted nickname, any closing quote ('«Hil"' is written too). */
const NICK_QUOTE_CLOSE = /^["”»“][ \t]$/;
const NICK_CLOSE: Record<string, string> = { '(': ')', '"': '"', '“': '”', '«': '»', '„': '“' };
/**
 * A nickname between the given and the family name: "Robert (Bobby) Tallis", 'Hamish "Mimi"
 * Strathcarron', "Eleanor “Nell” Brackenbury". Capitalised words on both sides and a capitalised
 * word between; in brackets, the given name must be found already or known (so "Left Ventricular
 * (LV) Function" and "Blood (Serum) Glucose" stay); in quotes, all three must look like names.
 */
function nicknames(text: string, tokens: Token[], marks: NameMarks): void {
  for (let i = 0; i + 2 < tokens.length; i++) {
    const given = tokens[i]!;
    const nick = tokens[i + 1]!;
    const family = tokens[i + 2]!;
    if (nick.start - given.end !== 2 || family.start - nick.end !== 2) continue;
    const open = text.slice(given.end, nick.start);
    if (!NICK_OPEN.test(open)) continue;
    const opener = open[1]!;
    const close = text.slice(nick.end, family.start);
    if (close !== `${NICK_CLOSE[opener]} ` && !(opener !== '(' && NICK_QUOTE_CLOSE.test(close))) continue;
    if (!nick.capitalised || nick.acronym || nick.text.length < 2 || TITLES.has(nick.lower) || !family.nameLike || !hasCase(nick.text)) continue;
    const givenFound = marks.isName[i] === 1 || (given.capitalised && given.knownFirst && !AMBIGUOUS_FIRST.has(given.lower));
    const quoted = opener !== '(';
    if (!givenFound && !(quoted && given.nameLike && nick.nameLike)) continue;
    marks.mark(i, 0.8);
    marks.mark(i + 1, 0.8);
    marks.markRun(i + 2, 0.8, false);
  }
}

/** A word found as a name once is that name wherever it recurs ("Mr. Okafor ... Okafor reports"). */
function propagate(tokens: Token[], marks: NameMarks): void {
  const seen = new Set<string>();
  tokens.forEach((t, i) => {
    if (marks.isName[i] && t.text.length >= 3 && !COMMON_WORDS.has(t.lower) && !AMBIGUOUS_FIRST.has(t.lower)) seen.add(t.lower);
  });
  if (seen.size === 0) return;
  tokens.forEach((t, i) => {
    if (!marks.isName[i] && seen.has(t.lower) && (t.capitalised || t.text === t.lower)) marks.mark(i, 0.7);
  });
}

/**
 * A Markdown heading ("## Easter Egg") or list item ("- Blue Moon"): title case, where a capital
 * letter is no evidence of a name. (A bare cell such as "Maria Okafor" is not one: data cells are
 * where names live.)
 */
const HEADING_OR_ITEM = /^[ \t]{0,6}(?:#{1,6}|[-*+•]|\d{1,3}[.)])[ \t]{1,4}$/;
function inTitleCaseLine(text: string, at: number): boolean {
  let start = at;
  while (start > 0 && at - start < 200 && text.charCodeAt(start - 1) !== 10) start--;
  return HEADING_OR_ITEM.test(text.slice(start, at));
}

/** Every word a name of the dictionaries ("- Jane Doe"): in title case, only that is evidence. */
function allDictionaryNames(tokens: Token[], i: number, j: number): boolean {
  for (let k = i; k <= j; k++) {
    const t = tokens[k]!;
    if (!(t.initial || t.knownFirst || t.knownLast)) return false;
  }
  return true;
}

/** A nickname's brackets or quotes between two name tokens: " (", ") ", ' «', '» '. */
const NICK_GAP = /^(?:[ \t][("“«„]|[)"”»“][ \t])$/;
/** The lower-case rest of a name a line-end hyphen broke, then a space, punctuation or the end. */
const WRAPPED_TAIL = /^-\n\p{Ll}{1,20}(?=[ \t,.;:)]|$)/u;
const HYPHEN_SECOND_HALVES = new Set(['related', 'based', 'like', 'associated', 'induced', 'type', 'free', 'positive', 'negative', 'dependent', 'resistant', 'sensitive', 'led', 'style', 'shaped', 'specific', 'mediated', 'syndrome', 'disease', 'sign', 'test', 'scale', 'score', 'criteria', 'procedure', 'repair', 'fracture', 'catheter']);

/** Neighbouring name tokens become one finding. */
function findingsOf(text: string, tokens: Token[], marks: NameMarks): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!marks.isName[i]) continue;
    let j = i;
    let best = marks.score[i]!;
    while (j + 1 < tokens.length && marks.isName[j + 1] && (adjacent(text, tokens[j]!, tokens[j + 1]!, true) || NICK_GAP.test(text.slice(tokens[j]!.end, tokens[j + 1]!.start)))) {
      j++;
      best = Math.max(best, marks.score[j]!);
    }
    const last = tokens[j]!;
    // A name broken at the line's end by a hyphen goes on in lower case on the next line ("Dyks-\ntra").
    // (Not an everyday word or a compound's second half: "Quispe-\nreviewed", "Smith-\nrelated".)
    const tail = last.initial || text.charCodeAt(last.end) !== 45 ? null : WRAPPED_TAIL.exec(text.slice(last.end, last.end + 40));
    const wrapped = tail && !COMMON_WORDS.has(tail[0].slice(2)) && !HYPHEN_SECOND_HALVES.has(tail[0].slice(2)) ? tail : null;
    const end = last.initial ? last.end + 1 : wrapped ? last.end + wrapped[0].length : last.end;
    if (best >= 0.85 || !inTitleCaseLine(text, tokens[i]!.start) || allDictionaryNames(tokens, i, j)) out.push(finding('NAME', tokens[i]!.start, end, best));
    i = j;
  }
  return out;
}

export const personNameDetector: Detector = {
  name: 'person-name',
  patterns: [NAME_LABEL, SENTENCE_LABEL, THING_NAME_LABEL, PERSON_PREDICATE, WEAK_PERSON_PREDICATE, THING_VERBS, BY_AGENT, STATE_SENTENCE_GOES_ON, CLAUSE_END, ENDS_WRAPPED_NAME, POSSESSIVE, APPOSITION, STREET_AFTER, AND_GAP, AFTER_GIVEN, NICK_OPEN, KIN_NAME_GOES_ON, DASH_STREET_AFTER, ITEM_NUMBER_BEFORE, ROLE_BEFORE, VERB_AFTER_ROLE, NICK_QUOTE_CLOSE, NICK_GAP, WRAPPED_TAIL, OF_TOWN_AND, OF_TOWN_AFTER],
  detect(text) {
    const tokens = tokenize(text);
    if (tokens.length === 0) return [];
    const marks = new NameMarks(text, tokens);
    applyRules(text, tokens, marks);
    subjectsOfPersonVerbs(text, tokens, marks);
    agentsAfterBy(text, tokens, marks);
    namesAfterKin(text, tokens, marks);
    appositions(text, tokens, marks);
    namesInRoleApposition(text, tokens, marks);
    namesJoinedByAnd(text, tokens, marks);
    namesOfTownAndName(text, tokens, marks);
    nicknames(text, tokens, marks);
    genitivesBeforeKin(text, tokens, marks);
    propagate(tokens, marks);
    return findingsOf(text, tokens, marks);
  },
};
