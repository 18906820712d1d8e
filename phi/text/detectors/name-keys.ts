import { eachMatch, finding, type Detector } from '../detector';
import type { Finding } from '../../types';

/**
 * JSON pasted into text whose keys say "this is a person's name" ({"family":"Abdikarimov",
 * "given":["Nurlan"]}, "lastName": "Okafor", "patient_name":"..."): the key decides, whatever the
 * value looks like. Only keys that name nothing but a person count; "name" and "display" also
 * name drugs, codes and tools, and stay with the other detectors.
 */
const KEYS =
  'family|given|family_?name|given_?names?|first_?name|last_?name|middle_?names?|maiden_?name|sur_?name|fore_?names?|full_?name|patient_?name|pt_?name|legal_?name|preferred_?name|birth_?name|mothers?_?maiden_?name|next_?of_?kin|nok_?name|emergency_?contact_?name|guardian_?name';
/** `"family": "X"` or `"given": ["X", "Y"]`: the key, then a string or the start of an array of strings. */
const KEYED = new RegExp(`"(?:${KEYS})"[ \\t]{0,3}:[ \\t]{0,3}(\\[[ \\t]{0,3})?"`, 'gi');
/** One JSON string value (escapes kept as written), at most 120 characters. */
const STRING_VALUE = /((?:[^"\\\n]|\\.){1,120})"/y;
const ARRAY_NEXT = /[ \t]{0,3},[ \t]{0,3}"/y;

/**
 * A one-line JSON object that holds a person's contact or birth details ("tel", "phone", "dob",
 * "email", "mrn"...): there a key that may name anything ("display", "name", "pt", "who") names
 * the person, when its value is one to five words of letters ({"display":"Abdulhay Bahriddinov",
 * "tel":"+63 917 180 7624"}, {"pt":"Pema Tsering","d":"18/VII/1934"}). A lone object is a table of
 * one row, which the table readers need two of.
 */
const ONE_LINE_OBJECT = /\{[^{}\n]{1,400}\}/g;
const MEMBER = /"([A-Za-z_]{1,24})"[ \t]{0,3}:[ \t]{0,3}"((?:[^"\\\n]|\\.){0,120})"/g;
const PERSON_DETAIL_KEY = /^(?:tel|phone|mobile|cell|dob|birth_?date|date_?of_?birth|email|e_?mail|mrn|address|addr|ssn)$/i;
const MAY_NAME_KEY = /^(?:display|display_?name|name|pt|patient|who|person|contact|caller|client|resident)$/i;
/** "pt" and "patient" name the patient even without a detail beside them. */
const PATIENT_KEY = /^(?:pt|patient)$/i;
const NAME_WORDS = /^[\p{L}\p{M}][\p{L}\p{M}'’.-]{0,30}(?:[ \t]{1,2}[\p{L}\p{M}][\p{L}\p{M}'’.-]{0,30}){0,4}$/u;

export const nameKeysDetector: Detector = {
  name: 'name-keys',
  patterns: [KEYED, STRING_VALUE, ARRAY_NEXT, ONE_LINE_OBJECT, MEMBER, PERSON_DETAIL_KEY, MAY_NAME_KEY, PATIENT_KEY, NAME_WORDS],
  detect(text) {
    const out: Finding[] = [];
    if (!text.includes('"')) return out;
    eachMatch(KEYED, text, (m) => {
      let at = m.index + m[0].length;
      for (let k = 0; k < 8; k++) {
        STRING_VALUE.lastIndex = at;
        const v = STRING_VALUE.exec(text);
        if (!v) return;
        if (/[\p{L}]/u.test(v[1]!)) out.push(finding('NAME', at, at + v[1]!.length, 0.9));
        at = v.index + v[0].length;
        if (!m[1]) return;
        ARRAY_NEXT.lastIndex = at;
        const next = ARRAY_NEXT.exec(text);
        if (!next) return;
        at = next.index + next[0].length;
      }
    });
    if (text.includes('{')) namesBesideDetails(text, out);
    return out;
  },
};

function namesBesideDetails(text: string, out: Finding[]): void {
  eachMatch(ONE_LINE_OBJECT, text, (o) => {
    const members: [string, string, number][] = [];
    eachMatch(MEMBER, o[0], (m) => members.push([m[1]!, m[2]!, o.index + m.index + m[0].length - m[2]!.length - 1]));
    const details = members.some(([key]) => PERSON_DETAIL_KEY.test(key));
    for (const [key, value, at] of members) {
      if (!MAY_NAME_KEY.test(key) || !(details || PATIENT_KEY.test(key)) || !NAME_WORDS.test(value) || !/\p{Lu}/u.test(value)) continue;
      out.push(finding('NAME', at, at + value.length, 0.85));
    }
  });
}
