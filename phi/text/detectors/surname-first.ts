import { eachMatchNear, finding, type Detector } from '../detector';
import { anyCaseAlternation } from '../patterns';
import { COMMON_WORDS, LABEL_WORDS, TITLES } from '../name-words';
import type { Finding } from '../../types';

/**
 * A person written family name first in capitals, as ward lists, addressographs and dispensing
 * labels print them: "MACASKILL, Eilidh  91F", "BOU SAAB, Nadine (Mrs)", "LO PRESTI, Salvatore",
 * "Í DALI, Sólja", "NICLEÒID Catrìona  E270-303-278". The shape is the evidence, not a
 * dictionary: one to four words in capitals (particles, apostrophes, hyphens and the interpunct
 * inside), a comma (or a single space when a column gap follows), then one to three capitalised
 * given names, at the start of a line or of a column, and then the end of the line, a column
 * gap, or a bracketed title. Section headings in capitals ("DIAGNOSIS, Invasive carcinoma") are
 * no family names.
 */
const CAPS_WORD = "\\p{Lu}[\\p{Lu}\\p{M}'’·-]{0,29}";
const GIVEN_WORD = "\\p{Lu}\\p{Ll}[\\p{L}\\p{M}'’·-]{0,29}";
const SURNAME_FIRST = new RegExp(
  `(?<=^|\\n|[ \\t]{2}|\\t)(${CAPS_WORD}(?:[ ]${CAPS_WORD}){0,3})(,[ ]{1,2}|[ ])(${GIVEN_WORD}(?:[ ]${GIVEN_WORD}){0,2})(?=[ \\t]{0,2}\\((?:Mrs?|Ms|Miss|Mx|Dr|Mstr)\\.?\\)|[ ]{2}|\\t|[ ]{0,2}(?:\\n|$))`,
  'gu',
);
/**
 * Where SURNAME_FIRST can start: a capital at the text's start, after a line break, a tab or two
 * blanks. Found by this blank-led scan and SURNAME_FIRST tried there alone (sticky), since its own
 * lookbehind would run at every position of the text.
 */
const LINE_OR_COLUMN_START = /(?:^|\n|[ \t]{2}|\t)(?=\p{Lu})/gu;
const SURNAME_FIRST_AT = new RegExp(SURNAME_FIRST.source, 'uy');

/** SURNAME_FIRST's matches, the same as one global scan of the whole text. */
function eachSurnameFirst(text: string, onMatch: (match: RegExpExecArray) => void): void {
  let end = 0;
  LINE_OR_COLUMN_START.lastIndex = 0;
  let start: RegExpExecArray | null;
  while ((start = LINE_OR_COLUMN_START.exec(text)) !== null) {
    const at = start.index + start[0].length;
    if (start[0].length === 0) LINE_OR_COLUMN_START.lastIndex++;
    if (at < end) continue;
    SURNAME_FIRST_AT.lastIndex = at;
    const m = SURNAME_FIRST_AT.exec(text);
    if (m === null || m[0].length === 0) continue;
    end = at + m[0].length;
    onMatch(m);
  }
}

/** Capitalised headings and words of a note that open a line before a comma. */
const HEADINGS = new Set(
  `diagnosis gross microscopic impression findings comment comments note notes plan assessment history specimen clinical
  procedure indication indications result results summary conclusion recommendation recommendations warning caution
  important urgent allergies allergy medications medication dispensed checked collected received reported signed
  addendum final preliminary amended technique comparison subjective objective vitals exam
  tablets tablet capsules capsule cream ointment solution injection syrup drops inhaler patch suspension suppositories
  granules powder spray gel lotion infusion vial vials ampoule ampoules sachets
  discharge planning meeting team review rounds conference case management therapy nursing education consent visit
  update call phone telephone work social support services`.split(/\s+/),
);

/**
 * A person named before the relation in brackets, as contact lists and witness lines write it:
 * "- Marcus Au (son)", "Mereana Tūhoe (interpreter, Welsh)", "Jana Nováková (Tochter)". Two to
 * four capitalised words, then the bracket and a word for a relative or a helper.
 */
const RELATION = `(?:${anyCaseAlternation([
  'son', 'daughter', 'wife', 'husband', 'mother', 'father', 'mum', 'mom', 'dad', 'sister', 'brother', 'carer', 'caregiver', 'interpreter', 'nok', 'partner', 'spouse', 'niece', 'nephew', 'grandson', 'granddaughter', 'grandmother', 'grandfather', 'guardian', 'friend', 'neighbour', 'neighbor', 'aunt', 'uncle', 'cousin', 'poa', 'witness', 'fils', 'fille', 'épouse', 'mari', 'sœur', 'frère', 'mère', 'père', 'sohn', 'tochter', 'ehefrau', 'ehemann', 'mutter', 'vater', 'schwester', 'bruder', 'hijo', 'hija', 'esposa', 'esposo', 'madre', 'padre', 'filho', 'filha', 'figlio', 'figlia', 'moglie', 'marito', 'next of kin',
])})`;
const NAMED_BEFORE_RELATION = new RegExp(`(?<![\\p{L}\\p{N}])(${GIVEN_WORD.replace('\\p{Ll}', '[\\p{Ll}\\p{Lu}]')}(?:[ ]${GIVEN_WORD.replace('\\p{Ll}', '[\\p{Ll}\\p{Lu}]')}){1,3})[ ]\\(${RELATION}(?=[,)]|[ ]of\\b)`, 'gu');
/**
 * The bracket and relation alone, found first: a literal-led scan, so the name pattern (led by a
 * lookbehind, slow when run over a whole text) runs only on a window before each one. A name is at
 * most four words of at most 31 letters (astral letters take two code units), well under 300.
 */
const RELATION_AFTER_NAME = new RegExp(`[ ]\\(${RELATION}(?=[,)]|[ ]of\\b)`, 'gu');
const NEAR_RELATION = { before: 300, after: 60, tailRoom: 25 };

function isHeadingOrWord(word: string): boolean {
  const lower = word.toLowerCase();
  return HEADINGS.has(lower) || COMMON_WORDS.has(lower) || LABEL_WORDS.has(lower) || TITLES.has(lower);
}

export const surnameFirstDetector: Detector = {
  name: 'surname-first',
  patterns: [SURNAME_FIRST, LINE_OR_COLUMN_START, SURNAME_FIRST_AT, NAMED_BEFORE_RELATION, RELATION_AFTER_NAME],
  applies: (f) => f.upper,
  detect(text) {
    const out: Finding[] = [];
    eachSurnameFirst(text, (m) => {
      const family = m[1]!;
      const sep = m[2]!;
      const given = m[3]!;
      const letters = family.replace(/[^\p{L}]/gu, '');
      if (letters.length < 2) return;
      // Without a comma only a column gap after the given name says "name": "NICLEÒID Catrìona  E270".
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 3);
      if (sep === ' ' && !/^(?:[ ]{2}|\t|[ \t]{0,2}\()/.test(after)) return;
      const familyWords = family.split(' ');
      if (familyWords.every(isHeadingOrWord) || isHeadingOrWord(given.split(' ')[0]!)) return;
      out.push(finding('NAME', m.index, m.index + m[0].length, 0.85));
    });
    if (text.includes(' (')) eachMatchNear(NAMED_BEFORE_RELATION, text, RELATION_AFTER_NAME, NEAR_RELATION, (m, index) => {
      const name = m[1]!;
      const words = name.split(' ');
      // A title opening the name stays out of it ("Mrs Jane Roe (daughter)"); words of a note are no name.
      let skip = 0;
      while (skip < words.length && TITLES.has(words[skip]!.toLowerCase().replace(/\.$/, ''))) skip++;
      const rest = words.slice(skip);
      if (rest.length === 0 || rest.some(isHeadingOrWord)) return;
      const start = index + name.length - rest.join(' ').length;
      out.push(finding('NAME', start, index + name.length, 0.85));
    });
    return out;
  },
};
