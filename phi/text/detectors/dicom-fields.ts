import { eachMatch, finding, type Detector } from '../detector';
import type { EntityType, Finding } from '../../types';

/**
 * DICOM attributes pasted as a tag dump, as dcmdump and pydicom print them:
 * `(0010,0010) PN [Kilabuk^Mary^^Dr]` or `(0010, 0010) Patient's Name   PN: 'Kilabuk^Mary'`.
 * The value representation and the tag (PS3.6) say what the value is: every PN is a person's
 * name (patient, referring or performing physician, operator), its components
 * family^given^middle^prefix^suffix and "=" groups (ideographic, phonetic); every DA a date; a few
 * tags identifiers, addresses and phones. Descriptions (Modality, Study Description, Body Part)
 * are read by no rule here and stay readable.
 */
const TAGS: Record<string, EntityType> = {
  '0010,0020': 'MRN', // Patient ID
  '0010,1000': 'MRN', // Other Patient IDs
  '0010,1040': 'STREET_ADDRESS', // Patient's Address
  '0010,2154': 'PHONE', // Patient's Telephone Numbers
  '0008,0050': 'OTHER_ID', // Accession Number
  '0010,1002': 'MRN', // Other Patient IDs Sequence item
  '0038,0010': 'ACCOUNT_NUMBER', // Admission ID
};

/** Tag, an optional keyword or description, the VR, then `[value]` or `: 'value'`. */
const ATTRIBUTE = /\(([0-9A-Fa-f]{4}),[ ]?([0-9A-Fa-f]{4})\)[ \t]{1,4}(?:[^\n[\]:]{0,60}?[ \t])?([A-Z]{2})(?:[ \t]{0,3}\[([^\]\n]{0,200})\]|:[ \t]{0,3}'([^'\n]{0,200})'|:[ \t]{1,3}([^\n'[]{1,200}))/g;

/** DICOM JSON: an attribute's tag, VR and Value array (strings, or person-name objects, without nested arrays). */
const JSON_ATTRIBUTE = /"([0-9A-Fa-f]{4})([0-9A-Fa-f]{4})"[ \t]{0,3}:[ \t]{0,3}\{[ \t\r\n]{0,40}"vr"[ \t]{0,3}:[ \t]{0,3}"([A-Z]{2})"[ \t\r\n]{0,40},[ \t\r\n]{0,40}"Value"[ \t]{0,3}:[ \t]{0,3}\[([^\][]{0,600})\]/g;
/** A string in a Value array; for PN, the value of an Alphabetic, Ideographic or Phonetic key. */
const JSON_STRING = /"((?:[^"\\\n]|\\.){0,200})"/g;
const JSON_PN = /"(?:Alphabetic|Ideographic|Phonetic)"[ \t]{0,3}:[ \t]{0,3}"((?:[^"\\\n]|\\.){0,200})"/g;

function pushPart(out: Finding[], type: EntityType, text: string, start: number, end: number): void {
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  if (end > start) out.push(finding(type, start, end, 0.95));
}

/** Family, given and middle of each "=" group and each "\" value; prefix and suffix stay. */
function personName(out: Finding[], text: string, start: number, value: string): void {
  let at = 0;
  for (const group of value.split(/[=\\]/)) {
    let c = at;
    const parts = group.split('^');
    for (let k = 0; k < parts.length; k++) {
      if (k < 3) pushPart(out, 'NAME', text, start + c, start + c + parts[k]!.length);
      c += parts[k]!.length + 1;
    }
    at += group.length + 1;
  }
}

/** Age String "092Y": an age only above 89 years is an identifier (Safe Harbor). */
const overNinety = (value: string) => /^\d{3}Y$/.test(value) && Number(value.slice(0, 3)) > 89;

function tagDump(text: string, out: Finding[]): void {
  eachMatch(ATTRIBUTE, text, (m) => {
    const tag = `${m[1]!},${m[2]!}`.toUpperCase();
    const vr = m[3]!;
    const value = (m[4] ?? m[5] ?? m[6]!).replace(/[ \t]+$/, '');
    if (!value) return;
    const start = m.index + m[0].length - (m[4] !== undefined || m[5] !== undefined ? 1 : 0) - (m[4] ?? m[5] ?? m[6]!).length;
    if (vr === 'PN') return personName(out, text, start, value);
    if (vr === 'DA' || vr === 'DT') return pushPart(out, 'DATE', text, start, start + value.length);
    if (vr === 'AS') {
      if (overNinety(value)) pushPart(out, 'AGE', text, start, start + value.length);
      return;
    }
    const type = TAGS[tag];
    if (type) pushPart(out, type, text, start, start + value.length);
  });
}

function dicomJson(text: string, out: Finding[]): void {
  eachMatch(JSON_ATTRIBUTE, text, (m) => {
    const valueStart = m.index + m[0].length - 1 - m[4]!.length;
    const vr = m[3]!;
    const type = vr === 'DA' || vr === 'DT' ? 'DATE' : vr === 'AS' ? 'AGE' : TAGS[`${m[1]!},${m[2]!}`.toUpperCase()];
    if (vr === 'PN') {
      eachMatch(JSON_PN, m[4]!, (p) => personName(out, text, valueStart + p.index + p[0].length - 1 - p[1]!.length, p[1]!));
      return;
    }
    if (!type) return;
    eachMatch(JSON_STRING, m[4]!, (v) => {
      if (type === 'AGE' && !overNinety(v[1]!)) return;
      const start = valueStart + v.index + 1;
      pushPart(out, type, text, start, start + v[1]!.length);
    });
  });
}

export const dicomFieldsDetector: Detector = {
  name: 'dicom-fields',
  patterns: [ATTRIBUTE, JSON_ATTRIBUTE, JSON_STRING, JSON_PN],
  applies: (f) => f.digit && f.upper,
  detect(text) {
    const out: Finding[] = [];
    if (text.includes(')')) tagDump(text, out);
    if (text.includes('"vr"')) dicomJson(text, out);
    return out;
  },
};
