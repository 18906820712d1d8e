import { cueSet, eachMatchAt } from '../cues';
import { eachMatch, finding, type Detector } from '../detector';
import { FIRST_NAMES, foldName, LAST_NAMES, WORLD_NAMES } from '../dictionaries';
import { COMMON_WORDS, SUFFIXES } from '../name-words';
import type { Finding } from '../../types';

/**
 * Names whose place gives them away though they are written in lower case, or in a form no
 * dictionary rule reads (sixteenth round, written on rows of its own and on set 4):
 * - a copy list: "cc Oosthuizen Estelle and Khrushcheva, Nataliya on the care team", "cc: hsu
 *   chia-hui";
 * - a title before lower-case words that close the clause: "Re: Mx oyunchimeg tserendorj, DOB";
 * - a lower-case name signed with a credential: "-- divina gracia manalo, PA-C", "e-signed penda
 *   lam, RN";
 * - the answer to a question about a name, in a chat or a transcript: "user: and the surname?\n
 *   assistant: Sondisa";
 * - in speech-to-text, lower-case words after "my mum", "my husband"... when a name dictionary
 *   knows one of them and the sentence goes on as speech does ("my dad xolani ngcobo he fell").
 */

const WORD = "[\\p{L}\\p{M}][\\p{L}\\p{M}'’.\\-]{0,30}";
const LOWER_WORD = "\\p{Ll}[\\p{L}\\p{M}'’\\-]{0,30}";

/** "cc", "cc:", "CC:" at a line's start and the rest of the line. */
const COPY_LIST = /(?:^|\n)[ \t]{0,4}(?:cc|CC|Cc)(?::[ \t]{0,3}|[ \t]{1,3})([^\n]{1,240})/g;
/** Where a copy list's names end: a preposition opening what the copy is about, a full stop. */
/** (A full stop after a lone letter is an initial: "cc K. Martinac".) */
const LIST_END = /[ \t](?:on|for|re|regarding|about|to|at|in|from|with|via|who|as)[ \t]|(?<!(?:^|[ \t])\p{L})\.(?:[ \t\n]|$)|[ \t]{3}/u;
const LIST_SPLIT = /[ \t]{1,2}(?:and|&)[ \t]{1,2}|;[ \t]{0,2}|,[ \t]{0,2}(?=(?:Dr|Mr|Mrs|Ms|Mx)\.?[ \t])/u;
const TITLE_AT_START = /^(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof)\.?[ \t]{1,2}/u;
const PART = new RegExp(`^${WORD}(?:(?:[ \\t]{1,2}|,[ \\t]{1,2})${WORD}){0,4}$`, 'u');

/** A title and one to three lower-case words closing the clause. */
const TITLE_LOWER = new RegExp(`(?<![\\p{L}])(?:Mr|Mrs|Ms|Mx|Miss)\\.?[ \\t]{1,2}(${LOWER_WORD}(?:[ \\t]${LOWER_WORD}){0,2})(?=[ \\t]{0,2}(?:[,;:)\\n]|\\.(?:[ \\t\\n]|$)|$))`, 'gu');

/** A signature line: "-- ", "Signed:", "e-signed", "electronically signed by" and lower-case words before a credential. */
const SIGNED_LOWER = new RegExp(
  `(?:^|\\n)[ \\t]{0,4}(?:--|—|[Ss]igned:?|[Ee]-signed|[Ee]lectronically signed(?: by)?|[Ss]igned by)[ \\t]{1,3}(${LOWER_WORD}(?:[ \\t]${LOWER_WORD}){1,3}),[ \\t]{0,2}([A-Za-z][A-Za-z.-]{1,7})(?![\\p{L}])`,
  'gu',
);

/** A turn asking for a name, and the next turn's short answer after a speaker label. */
const NAME_QUESTION = /(?:first|given|last|family|full|middle|maiden|sur)[ \t]?name|spell (?:it|that|the name)/i;
const ANSWER_TURN = new RegExp(`^[ \\t]{0,4}[\\p{L}\\d_.\\- ]{1,24}:[ \\t]{1,3}(${WORD}(?:[ \\t]{1,2}${WORD}){0,3})[ \\t]{0,2}\\.?[ \\t]{0,2}$`, 'u');

/** Kin nouns a caller names a relative after. */
const KIN_LOWER = new RegExp(
  `(?<![\\p{L}])(?:my|our|his|her|their)[ \\t](?:mum|mom|mother|dad|father|wife|husband|partner|son|daughter|sister|brother|aunt|uncle|grandmother|grandfather|grandma|grandpa|nan|nana|niece|nephew|neighbour|neighbor|friend)[ \\t](${LOWER_WORD}[ \\t]${LOWER_WORD}(?:[ \\t]${LOWER_WORD})?)(?=[ \\t](?:she|he|they|who|is|was|has|had|and|but)(?![\\p{L}])|[ \\t]{0,2}(?:[,.;?!)\\n]|$))`,
  'gu',
);

/** Where the shared keyword pass saw each word-led pattern's first word (each runs sticky there only). */
const TITLE_CUES = cueSet(['Mr', 'Mrs', 'Ms', 'Mx', 'Miss'], { after: 'letter' });
const KIN_CUES = cueSet(['my', 'our', 'his', 'her', 'their'], { after: 'letter' });

/** Credentials a signature ends with. */
const CREDENTIALS = new Set(['rn', 'np', 'pa', 'pa-c', 'md', 'do', 'mbchb', 'mbbs', 'lpn', 'lvn', 'cna', 'dnp', 'fnp', 'aprn', 'crna', 'rd', 'ot', 'slp', 'msw', 'lcsw', 'pharmd', 'dds', 'dmd', 'phd', 'emt', 'paramedic', 'rm', 'rgn']);
const CAP_WORD = "\\p{Lu}[\\p{L}\\p{M}'’\\-]{0,30}";
/** "Patient is Tenzin Dolma.": two to four capitalised words closing the sentence after "patient is". */
const PATIENT_IS = new RegExp(`(?<![\\p{L}])(?:[Pp]atient|[Cc]lient|[Rr]esident|[Cc]aller) is[ \\t]{1,2}(${CAP_WORD}(?:[ \\t]{1,2}${CAP_WORD}){1,3})(?=[ \\t]{0,2}(?:[.,;\\n]|$))`, 'gu');
/** "... who lives at 4 Kahu Lane with Sipho Mbende.": two or three capitalised words after "with", closing the sentence of someone's home. */
const PATIENT_IS_CUES = cueSet(['patient', 'client', 'resident', 'caller'], { after: 'letter' });
const WITH_NAME = new RegExp(`(?<![\\p{L}])with[ \\t]{1,2}(${CAP_WORD}(?:[ \\t]{1,2}${CAP_WORD}){1,2})(?=[ \\t]{0,2}(?:[.;\\n]|$))`, 'gu');
const WITH_CUES = cueSet(['with'], { after: 'letter' });
const LIVES = /(?<![\p{L}])(?:lives|living|lived|stays|staying)(?![\p{L}])/u;
/** Words of services and agencies a person lives with ("Home Help", "Blue Cross", "Age Concern"). */
const SERVICE_WORDS = new Set(['home', 'help', 'care', 'carers', 'support', 'service', 'services', 'team', 'hospice', 'nursing', 'meals', 'wheels', 'agency', 'aide', 'aides', 'health', 'cross', 'shield', 'trust', 'council', 'housing', 'association', 'society', 'foundation', 'group', 'staff', 'concern', 'living', 'assisted', 'residential', 'supported', 'family', 'friends']);
/** "lives at <an address> with": a home named before, so the words after "with" are its household, no evidence asked. */
const LIVES_AT = /(?<![\p{L}])(?:lives|living|lived|stays|staying)[ \t](?:at|on)[ \t]/u;
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'della', 'di', 'da', 'dos', 'das', 'do', 'du', 'van', 'von', 'der', 'den', 'ter', 'ten', 'le', 'bin', 'binti', 'ibn', 'al', 'el', 'ben', 'bint', 'y', 'e']);
const knownName = (word: string) => {
  const lower = word.toLowerCase();
  const folded = foldName(lower);
  return FIRST_NAMES.has(lower) || LAST_NAMES.has(lower) || FIRST_NAMES.has(folded) || LAST_NAMES.has(folded) || WORLD_NAMES.has(folded);
};
/** Words speech puts after "my son" that are no name ("my son drove me over"). */
const SPOKEN_FUNCTION_WORDS = new Set(['me', 'him', 'her', 'us', 'them', 'you', 'up', 'down', 'over', 'out', 'back', 'home', 'away', 'off', 'around', 'here', 'there', 'today', 'tonight', 'yesterday', 'again', 'too', 'very', 'so', 'just', 'now', 'still', 'already', 'really', 'always', 'never', 'got', 'gets', 'get', 'went', 'came', 'says', 'said', 'thinks', 'thought']);
/** The first- and last-name lists only: the world list also holds English words ("Full", "Code"). */
const firstOrLastName = (word: string) => {
  const lower = word.toLowerCase();
  const folded = foldName(lower);
  return FIRST_NAMES.has(lower) || LAST_NAMES.has(lower) || FIRST_NAMES.has(folded) || LAST_NAMES.has(folded);
};
/** Words of a candidate: none an everyday word (a particle may stand inside), at least one not a particle. */
function noEverydayWord(value: string): boolean {
  let words = 0;
  for (const raw of value.split(/[ \t,]+/)) {
    const word = raw.replace(/[.'’]+$/, '').toLowerCase();
    if (!word) continue;
    if (PARTICLES.has(word)) continue;
    if (COMMON_WORDS.has(word) || SUFFIXES.has(word.replace(/\./g, ''))) return false;
    words++;
  }
  return words > 0;
}

/** Capitalised words read as a name only when a dictionary knows one, or one has a letter outside ASCII ("Patient is Full Code." stays). */
const nameEvidence = (value: string) => value.split(/[ \t]+/).some((w) => firstOrLastName(w) || /[^\t -~’‘]/.test(w));

function copyLists(text: string, out: Finding[]): void {
  eachMatch(COPY_LIST, text, (m) => {
    const rest = m[1]!;
    const base = m.index + m[0].length - rest.length;
    const end = LIST_END.exec(rest);
    const list = end ? rest.slice(0, end.index) : rest.replace(/[ \t.]+$/, '');
    let from = 0;
    const parts: [string, number][] = [];
    for (let s = LIST_SPLIT.exec(list.slice(from)); s; s = LIST_SPLIT.exec(list.slice(from))) {
      parts.push([list.slice(from, from + s.index), from]);
      from += s.index + s[0].length;
    }
    parts.push([list.slice(from), from]);
    // Lower-case words are a name beside another part read as one ("cc piotr tchaikovsky and edvīns kļaviņa").
    let named = false;
    const lowerParts: [number, number][] = [];
    for (const [raw, at] of parts) {
      const title = TITLE_AT_START.exec(raw);
      const value = (title ? raw.slice(title[0].length) : raw).replace(/[ \t,]+$/, '');
      const start = base + at + (title ? title[0].length : 0);
      // One short capital word alone ("GP", "ED") is a service; a part must read as a name.
      if (!PART.test(value) || !noEverydayWord(value)) continue;
      // One word needs a title or a capital ("cc file", "cc GP" stay); lower-case words need a dictionary name among them.
      if (!/[ \t,]/.test(value) && !title && (value.length <= 3 || !/^\p{Lu}/u.test(value))) continue;
      if (!title && value === value.toLowerCase() && !value.split(/[ \t,]+/).some(knownName)) {
        if (/[ \t]/.test(value)) lowerParts.push([start, start + value.length]);
        continue;
      }
      named = true;
      out.push(finding('NAME', start, start + value.length, 0.8));
    }
    if (named) for (const [start, end] of lowerParts) out.push(finding('NAME', start, end, 0.8));
  });
}

function answersToNameQuestions(text: string, out: Finding[]): void {
  let lineStart = 0;
  let asked = false;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    if (asked && lineEnd - lineStart <= 120) {
      const line = text.slice(lineStart, lineEnd);
      const m = ANSWER_TURN.exec(line);
      if (m && noEverydayWord(m[1]!)) {
        const at = lineStart + line.indexOf(m[1]!, line.indexOf(':') + 1);
        out.push(finding('NAME', at, at + m[1]!.replace(/\.$/, '').length, 0.8));
      }
    }
    // The question is a short turn of its own ("user: just the first name", "and the surname?").
    asked = lineEnd - lineStart <= 80 && NAME_QUESTION.test(text.slice(lineStart, lineEnd));
    lineStart = lineEnd + 1;
  }
}

export const namesInTurnsDetector: Detector = {
  name: 'names-in-turns',
  patterns: [PATIENT_IS, WITH_NAME, LIVES, LIVES_AT, COPY_LIST, LIST_END, LIST_SPLIT, TITLE_AT_START, PART, TITLE_LOWER, SIGNED_LOWER, NAME_QUESTION, ANSWER_TURN, KIN_LOWER],
  detect(text) {
    const out: Finding[] = [];
    if (/(?:^|\n)[ \t]{0,4}cc/i.test(text)) copyLists(text, out);
    eachMatchAt(TITLE_LOWER, text, TITLE_CUES, (m) => {
      if (!noEverydayWord(m[1]!)) return;
      const at = m.index + m[0].length - m[1]!.length;
      out.push(finding('NAME', at, at + m[1]!.length, 0.8));
    });
    eachMatch(SIGNED_LOWER, text, (m) => {
      if (!CREDENTIALS.has(m[2]!.toLowerCase().replace(/\./g, '')) || !noEverydayWord(m[1]!)) return;
      const at = m.index + m[0].indexOf(m[1]!);
      out.push(finding('NAME', at, at + m[1]!.length, 0.8));
    });
    if (NAME_QUESTION.test(text)) answersToNameQuestions(text, out);
    eachMatchAt(KIN_LOWER, text, KIN_CUES, (m) => {
      const words = m[1]!.split(/[ \t]/);
      if (!noEverydayWord(m[1]!) || !words.some(knownName) || words.some((w) => SPOKEN_FUNCTION_WORDS.has(w))) return;
      const at = m.index + m[0].length - m[1]!.length;
      out.push(finding('NAME', at, at + m[1]!.length, 0.8));
    });
    eachMatchAt(PATIENT_IS, text, PATIENT_IS_CUES, (m) => {
      if (!noEverydayWord(m[1]!) || !nameEvidence(m[1]!)) return;
      const at = m.index + m[0].length - m[1]!.length;
      out.push(finding('NAME', at, at + m[1]!.length, 0.8));
    });
    eachMatchAt(WITH_NAME, text, WITH_CUES, (m) => {
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const before = text.slice(lineStart, m.index);
      if (m.index - lineStart > 160 || !LIVES.test(before) || !noEverydayWord(m[1]!) || m[1]!.split(/[ \t]+/).some((w) => SERVICE_WORDS.has(w.toLowerCase()))) return;
      if (!(nameEvidence(m[1]!) || LIVES_AT.test(before))) return;
      const at = m.index + m[0].length - m[1]!.length;
      out.push(finding('NAME', at, at + m[1]!.length, 0.8));
    });
    return out;
  },
};
