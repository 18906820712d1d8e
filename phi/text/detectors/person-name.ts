import { FIRST_NAMES, LAST_NAMES } from '../dictionaries';
import { finding, type Detector } from '../detector';
import type { Finding } from '../../types';

/**
 * Person names: a dictionary alone misses most surnames and a capitalised word alone is any
 * sentence start, so a name needs two kinds of evidence out of: a known first or last name
 * (see dictionaries.ts), a title ("Mrs."), a label ("Patient:", "daughter"), or a neighbour
 * that is itself a name. A token found as a name once is a name everywhere else in the text.
 */

/** Capitalised words that are far more often ordinary words than names in clinical text. */
const COMMON_WORDS = new Set(
  `the a an and or but if of in on at to for with from by as is was are were be been has have had he she they it his her
  their this that these those there then than when where who which what why how not no yes all any some each every
  patient pt patients name date dob mrn phone fax email address city state zip street avenue road drive lane suite apt
  mr mrs ms dr doctor nurse md rn np do pa phd hospital clinic center medical health care unit room floor department
  history present illness chief complaint assessment plan diagnosis impression note notes report reports denies
  admitted discharged seen follow up today tomorrow yesterday morning evening night monday tuesday wednesday thursday
  friday saturday sunday january february march april may june july august september october november december
  will can may might must should would could shall please per via see call called calls contact emergency family
  mother father son daughter wife husband brother sister spouse guardian friend neighbor
  blood pressure heart rate pain fever cough labs lab test tests result results normal abnormal negative positive
  medication medications meds allergies allergy insurance member policy account id number no new old left right
  north south east west primary secondary general internal family emergency regional memorial university saint st
  county general community surgery surgical oncology cardiology radiology pharmacy laboratory services
  signed electronically reviewed attending resident provider physician referring referred by
  mg ml daily twice bid tid prn po iv er icu ed or ct mri ekg ecg cbc bmp
  vital vitals signs exam review systems social past surgical medications`.split(/\s+/),
);

/** First names that are also everyday words: only a title, a label or a surname makes them names. */
const AMBIGUOUS_FIRST = new Set(['will', 'may', 'june', 'april', 'mark', 'bill', 'grant', 'hope', 'faith', 'joy', 'art', 'guy', 'chase', 'drew', 'dawn', 'ray', 'rose', 'sue', 'pat', 'an', 'major', 'christian', 'king', 'page', 'gay', 'long', 'young', 'case', 'miles', 'sunny', 'summer', 'autumn', 'lane', 'lee', 'dale', 'glen', 'cliff', 'rich', 'frank', 'earl', 'don', 'jack', 'sky', 'star', 'angel', 'crystal', 'ruby', 'amber', 'ivy', 'hazel', 'holly', 'iris', 'olive', 'pearl', 'violet', 'daisy', 'heather', 'jasmine', 'lily', 'penny', 'bob', 'cherry', 'mercy', 'patience', 'prudence', 'trinity', 'destiny', 'harmony', 'charity', 'honor', 'justice', 'liberty', 'precious', 'genesis', 'eve', 'nelson', 'carter', 'cooper', 'hunter', 'parker', 'mason', 'taylor', 'tanner', 'porter', 'baker', 'fisher', 'ward', 'wade', 'reed', 'rod', 'gene', 'jean', 'bud', 'buck', 'sal', 'val', 'gus', 'ben', 'tom', 'van', 'vin', 'les', 'al', 'ed', 'jo', 'ty', 'port', 'lake', 'mount', 'fort', 'north', 'south', 'east', 'west', 'new', 'saint', 'san', 'santa', 'paris', 'florence', 'austin', 'dallas', 'houston', 'georgia', 'virginia', 'carolina', 'indiana', 'montana', 'dakota', 'nevada', 'sydney', 'chelsea', 'camden', 'lincoln', 'jackson', 'madison', 'orlando', 'phoenix', 'denver', 'tyler', 'aurora', 'helena', 'augusta']);

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sr', 'jr', 'rev', 'sister', 'nurse', 'mister', 'madam']);
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'md', 'phd', 'rn', 'np', 'do', 'dds', 'pa']);
/** Labels whose next words are a name: "Patient:", "Name -", "daughter", "seen by". */
const NAME_LABEL = /(?:^|[^a-z])(?:name|patient|pt|patient name|full name|legal name|preferred name|son|daughter|wife|husband|spouse|partner|mother|father|mom|dad|brother|sister|grandson|granddaughter|grandmother|grandfather|aunt|uncle|niece|nephew|cousin|guardian|caregiver|emergency contact|contact|next of kin|nok|poa|accompanied by|seen by|attending|attending physician|provider|physician|pcp|referring|referred by|signed by|electronically signed by|dictated by|nurse|surgeon|resident|author|guarantor|insured|subscriber|employer|driver|sincerely|regards|verified by|witnessed by)[\s:,.()#-]{0,4}$/;

/** Last words of the labels above: a cheap test before running NAME_LABEL. */
const LABEL_LAST_WORDS = new Set(
  NAME_LABEL.source
    .slice(NAME_LABEL.source.indexOf('(?:', 10) + 3, NAME_LABEL.source.indexOf(')['))
    .split('|')
    .map((label) => label.split(' ').pop()!),
);

/** "Drug name:", "file name:" label things, not people. */
const THING_NAME_LABEL = /(?:drug|medication|med|file|product|brand|generic|plan|payer|facility|hospital|test|procedure|user|company|org|organization|practice|clinic|pharmacy|device|model|table|column|host|server|study|trial|program|group)[\s_-]{0,2}name[\s:,.()#-]{0,4}$/;

interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
  capitalised: boolean;
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Apostrophes and hyphens inside a name: O'Hara, Smith-Jones. */
const isJoiner = (c: number) => c === 39 || c === 45 || c === 0x2019;

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
    while (j < n && j - i < 31 && (isLetter(text.charCodeAt(j)) || isJoiner(text.charCodeAt(j)))) j++;
    let end = j;
    while (end > i + 1 && isJoiner(text.charCodeAt(end - 1))) end--;
    const capitalised = c <= 90;
    if (capitalised || end - i >= 3) {
      const value = text.slice(i, end);
      const lower = value.toLowerCase();
      if (capitalised || FIRST_NAMES.has(lower) || LAST_NAMES.has(lower)) tokens.push({ text: value, lower, start: i, end, capitalised });
    }
    i = j;
  }
  return tokens;
}

/** Only spaces (and at most one line break or comma) between two tokens. */
function adjacent(text: string, a: Token, b: Token, allowComma = false): boolean {
  const gap = text.slice(a.end, b.start);
  if (gap.length === 0 || gap.length > 4) return false;
  return allowComma ? /^[ \t]*,?[ \t\n]*$/.test(gap) && gap.length <= 3 : /^[ \t.]{1,3}$|^[ \t]*\n[ \t]*$/.test(gap);
}

/** The lower-case word that ends at most four separator characters before `at`. */
function wordBefore(text: string, at: number): string {
  let end = at;
  while (end > 0 && at - end < 4 && !isLetter(text.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && end - start < 30 && isLetter(text.charCodeAt(start - 1))) start--;
  return text.slice(start, end).toLowerCase();
}

const isInitial = (t: Token, text: string) => t.text.length === 1 && /[A-Z]/.test(t.text) && text[t.end] === '.';
/** Acronyms ("DEA", "ICU") and tokens glued to digits ("MP3821990") are not names. */
const acronym = (t: Token) => t.text.length <= 3 && t.text === t.text.toUpperCase() && !FIRST_NAMES.has(t.lower) && !LAST_NAMES.has(t.lower);
let currentText = '';
const gluedToDigit = (t: Token) => /\d/.test(currentText[t.end] ?? '');
const nameLike = (t: Token) => t.capitalised && t.text.length >= 2 && !COMMON_WORDS.has(t.lower) && !acronym(t) && !gluedToDigit(t);
const knownFirst = (t: Token) => FIRST_NAMES.has(t.lower) && !COMMON_WORDS.has(t.lower);
const knownLast = (t: Token) => LAST_NAMES.has(t.lower) && !COMMON_WORDS.has(t.lower);

export const personNameDetector: Detector = {
  name: 'person-name',
  patterns: [NAME_LABEL, THING_NAME_LABEL],
  detect(text) {
    currentText = text;
    const tokens = tokenize(text);
    const isName = new Uint8Array(tokens.length);
    const score = new Float32Array(tokens.length);
    const mark = (i: number, s: number) => {
      isName[i] = 1;
      score[i] = Math.max(score[i]!, s);
    };
    /** Marks up to three name-like tokens from i on (middle initials included). */
    const markRun = (i: number, s: number, lowerCaseOk: boolean, labelled = false) => {
      let count = 0;
      for (let j = i; j < tokens.length && count < 4; j++) {
        const t = tokens[j]!;
        if (j > i && !adjacent(text, tokens[j - 1]!, t, true)) break;
        // A comma ends the name unless it is "Last, First".
        if (j > i && text.slice(tokens[j - 1]!.end, t.start).includes(',') && !(count === 1 && (knownFirst(t) || (labelled && nameLike(t))))) break;
        const ok = isInitial(t, text) || nameLike(t) || (lowerCaseOk && t.text.length >= 2 && (knownFirst(t) || knownLast(t)));
        if (!ok || (count > 0 && SUFFIXES.has(t.lower))) break;
        mark(j, s);
        count++;
      }
    };

    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const prev = tokens[i - 1];
      const next = tokens[i + 1];
      // A title right before: "Mrs. Okafor", "Dr Lin".
      // (Any capitalised word after a title is a name: "Dr. West", "Mrs. May".)
      if (prev && prev.capitalised && TITLES.has(prev.lower) && /^\.?[ \t]{1,2}$/.test(text.slice(prev.end, t.start)) && (nameLike(t) || isInitial(t, text) || (t.capitalised && !TITLES.has(t.lower) && !acronym(t)))) {
        mark(i, 0.9);
        if (next && adjacent(text, t, next)) markRun(i + 1, 0.9, false);
      }
      // A label right before: "Patient: Jane Roe", "daughter Maria".
      if (!isName[i] && (nameLike(t) || knownFirst(t) || knownLast(t))) {
        // The regex runs only when the word before could end a label (most words cannot).
        if (LABEL_LAST_WORDS.has(wordBefore(text, t.start))) {
          const before = text.slice(Math.max(0, t.start - 30), t.start).toLowerCase();
          if (NAME_LABEL.test(before) && !THING_NAME_LABEL.test(before)) markRun(i, 0.85, true, true);
        }
      }
      if (!next) continue;
      const nextOk = adjacent(text, t, next);
      // Known first name + capitalised word: "Maria Okafor"; known first + known last in any case.
      if (nextOk && knownFirst(t) && t.capitalised && !AMBIGUOUS_FIRST.has(t.lower) && (nameLike(next) || isInitial(next, text))) {
        markRun(i, 0.75, false);
      } else if (nextOk && knownFirst(t) && knownLast(next) && (t.capitalised === next.capitalised)) {
        mark(i, 0.8);
        mark(i + 1, 0.8);
      } else if (nextOk && t.capitalised && next.capitalised && knownLast(next) && nameLike(t) && !AMBIGUOUS_FIRST.has(t.lower)) {
        mark(i, 0.7);
        mark(i + 1, 0.7);
      }
      // "OKAFOR, MARIA" / "Okafor, Maria".
      if (adjacent(text, t, next, true) && text.slice(t.end, next.start).includes(',') && nameLike(t) && knownFirst(next) && next.capitalised && (knownLast(t) || t.text === t.text.toUpperCase())) {
        mark(i, 0.8);
        mark(i + 1, 0.8);
      }
    }

    // A word found as a name once is that name wherever it recurs ("Mr. Okafor ... Okafor reports").
    const seen = new Set<string>();
    tokens.forEach((t, i) => {
      if (isName[i] && t.text.length >= 3 && !COMMON_WORDS.has(t.lower) && !AMBIGUOUS_FIRST.has(t.lower)) seen.add(t.lower);
    });
    if (seen.size > 0) tokens.forEach((t, i) => {
      if (!isName[i] && seen.has(t.lower) && (t.capitalised || t.text === t.lower)) mark(i, 0.7);
    });

    // Neighbouring name tokens become one finding.
    const out: Finding[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (!isName[i]) continue;
      let j = i;
      let best = score[i]!;
      while (j + 1 < tokens.length && isName[j + 1] && adjacent(text, tokens[j]!, tokens[j + 1]!, true)) {
        j++;
        best = Math.max(best, score[j]!);
      }
      const end = isInitial(tokens[j]!, text) ? tokens[j]!.end + 1 : tokens[j]!.end;
      out.push(finding('NAME', tokens[i]!.start, end, best));
      i = j;
    }
    return out;
  },
};
