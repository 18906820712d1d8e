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

export const nameKeysDetector: Detector = {
  name: 'name-keys',
  patterns: [KEYED, STRING_VALUE, ARRAY_NEXT],
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
    return out;
  },
};
