import { eachMatch, finding, type Detector } from '../detector';
import type { EntityType, Finding } from '../../types';
import { fieldType, foldLabel, isNameCased, isSentenceLabel } from './field-labels';

/**
 * Records pasted into text whose field names say what the value is, in the syntaxes clinical
 * systems export: XML elements and HL7 CDA attributes (`<family>Kilabuk</family>`,
 * `<birthTime value="19420307"/>`, `<telecom value="tel:..."/>`), vCard and iCalendar properties
 * (RFC 6350 `N:`, `FN:`, `ADR:`, `TEL:`, `BDAY:`; RFC 5545 `ATTENDEE;CN=`), logfmt
 * (`patient="..." dob=...`), YAML and labelled lines (`town: Wien`), and JSON keys other than
 * names (those are name-keys.ts). The field decides, whatever the value looks like: a name no
 * dictionary knows, a foreign postcode, a compact date. One vocabulary of field names serves
 * every syntax; only names that mean one thing in a record count ("name" and "code" also name
 * drugs and diagnoses, and stay with the other detectors).
 */
/** logfmt only (`patient=...`): in a log line the key names the person, in prose "patient:" opens a sentence. */
const LOG_ONLY: Record<string, EntityType> = { patient: 'NAME', pt: 'NAME' };


/** `<key attrs>value</key>` (value without markup, at most 120 characters). */
const XML_ELEMENT = /<([A-Za-z][\w.-]{0,40})(?:\s[^<>]{0,200})?>([^<>\n]{1,120})<\/\1>/g;
/** `<key value="...">` (HL7 CDA data types carry the value in an attribute). */
const XML_VALUE_ATTR = /<([A-Za-z][\w.-]{0,40})\s[^<>]{0,200}?\bvalue="([^"<>]{1,120})"/g;
/** CDA `<id root="..." extension="...">`: an instance identifier of the record (II data type). */
const CDA_ID = /<id\s[^<>]{0,200}?\bextension="([^"<>]{1,60})"/g;
/** CDA PN: the `<name>` of a person element (patient, assignedPerson, guardianPerson...) is a person's name. */
const CDA_PERSON_NAME = /<(?:patient|assignedPerson|guardianPerson|relatedPerson|associatedPerson|informationRecipient|intendedRecipient|person)\b[^<>]{0,200}>[ \t\r\n]{0,20}<name\b[^<>]{0,100}>([^<>\n]{1,120})<\/name>/g;
/** A vCard or iCalendar content line: name, parameters, value. */
const CONTENT_LINE = /^(FN|N|ADR|TEL|BDAY|ATTENDEE|ORGANIZER)((?:;[^:\n]{0,200})?):([^\n\r]{0,300})/gm;
/** logfmt value after `key=`: `"value"` or a bare token (found from each "=", the key read backwards). */
const LOGFMT_VALUE = /"([^"\n]{1,120})"|([^\s"]{1,120})/y;
const isKeyChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;

/** logfmt `key=value` or `key="value"`: each "=" found with indexOf, its key read backwards (a pattern tried at every letter is not cheap). */
function logfmtFields(text: string, out: Finding[]): void {
  for (let eq = text.indexOf('='); eq >= 0; eq = text.indexOf('=', eq + 1)) {
    let k = eq;
    while (k > 0 && eq - k <= 41 && isKeyChar(text.charCodeAt(k - 1))) k--;
    if (k === eq || eq - k > 41 || (k > 0 && isKeyChar(text.charCodeAt(k - 1)))) continue;
    const type = fieldType(text.slice(k, eq)) ?? LOG_ONLY[foldLabel(text.slice(k, eq))];
    if (!type) continue;
    LOGFMT_VALUE.lastIndex = eq + 1;
    const v = LOGFMT_VALUE.exec(text);
    if (!v) continue;
    const start = eq + 1 + (v[1] !== undefined ? 1 : 0);
    push(out, type, text, start, start + (v[1] ?? v[2]!).length);
  }
}
/**
 * YAML or labelled line `key: value` (indentation and a list dash allowed), value to the line end.
 * Labels in any language and of a few words: "Fecha de nacimiento:", "Prénom :", "Date of birth:".
 */
const KEY_LINE = /^[ \t]{0,12}(?:-[ \t]{1,3})?(\p{L}[\p{L}\p{M}\p{N}_.'’ ()-]{0,40}?)[ \t\u00a0]{0,3}:[ \t]{1,3}(?!\|)([^\n\r]{1,120})/gmu;
const VALUE_END = /[ \t]{2}|\t| \(|[.;] (?=\p{Lu}\p{Ll}|\p{Ll})/u;
const VALUE_END_SHORT = /[ \t]{2}|\t| \(|, |[.;] /u;
/** JSON `"key": "value"`. */
const JSON_PAIR = /"([A-Za-z][\w.-]{0,40})"[ \t]{0,3}:[ \t]{0,3}(\[[ \t]{0,3})?"((?:[^"\\\n]|\\.){1,120})"/g;

/** A value that can be a person's name: letters (any script), marks, spaces, dots, apostrophes, hyphens; 1-6 words. */
const NAME_SHAPE = /^[\p{L}\p{M}][\p{L}\p{M}'’. _^\u00a0-]{0,79}$/u;
const MAX_NAME_WORDS = 6;

function acceptable(type: EntityType, value: string): boolean {
  if (!/[\p{L}\p{N}]/u.test(value)) return false;
  if (type === 'NAME') return NAME_SHAPE.test(value) && value.split(/[ _^\u00a0]+/).length <= MAX_NAME_WORDS;
  if (type === 'DATE' || type === 'PHONE' || type === 'MRN' || type === 'ZIP') return /\d/.test(value);
  return true;
}

function push(out: Finding[], type: EntityType, text: string, start: number, end: number): void {
  // Trim spaces and quotes around the value.
  while (start < end && /[\s'"]/.test(text[start]!)) start++;
  while (end > start && /[\s'",;]/.test(text[end - 1]!)) end--;
  if (end <= start) return;
  const value = text.slice(start, end);
  if (!acceptable(type, value)) return;
  out.push(finding(type, start, end, 0.9));
}

// vCard components (RFC 6350 6.2.2 N, 6.3.1 ADR): which component holds what.
const N_COMPONENTS: readonly (EntityType | null)[] = ['NAME', 'NAME', 'NAME', null, null];
const ADR_COMPONENTS: readonly (EntityType | null)[] = ['STREET_ADDRESS', 'STREET_ADDRESS', 'STREET_ADDRESS', 'CITY', null, 'ZIP', null];

function contentLine(out: Finding[], text: string, m: RegExpExecArray): void {
  const prop = m[1]!;
  const params = m[2] ?? '';
  const valueStart = m.index + prop.length + params.length + 1;
  const value = m[3]!;
  if (prop === 'ATTENDEE' || prop === 'ORGANIZER') {
    const cn = /;CN=("?)([^;:"\n]{1,120})\1/.exec(params);
    if (cn) {
      const start = m.index + prop.length + cn.index + cn[0].indexOf(cn[2]!);
      push(out, 'NAME', text, start, start + cn[2]!.length);
    }
    return;
  }
  if (prop === 'FN') return push(out, 'NAME', text, valueStart, valueStart + value.length);
  if (prop === 'TEL') return push(out, 'PHONE', text, valueStart + (value.startsWith('tel:') ? 4 : 0), valueStart + value.length);
  if (prop === 'BDAY') return push(out, 'DATE', text, valueStart, valueStart + value.length);
  const components = prop === 'N' ? N_COMPONENTS : ADR_COMPONENTS;
  let at = 0;
  for (let k = 0; k < components.length && at <= value.length; k++) {
    let next = value.indexOf(';', at);
    if (next < 0) next = value.length;
    const type = components[k];
    if (type && next > at) {
      // Several values in one component are comma-separated.
      let part = at;
      while (part < next) {
        let comma = value.indexOf(',', part);
        if (comma < 0 || comma > next) comma = next;
        push(out, type, text, valueStart + part, valueStart + comma);
        part = comma + 1;
      }
    }
    at = next + 1;
  }
}

export const recordFieldsDetector: Detector = {
  name: 'record-fields',
  patterns: [XML_ELEMENT, CDA_PERSON_NAME, XML_VALUE_ATTR, CDA_ID, CONTENT_LINE, LOGFMT_VALUE, KEY_LINE, JSON_PAIR],
  detect(text) {
    const out: Finding[] = [];
    if (text.includes('</')) {
      eachMatch(XML_ELEMENT, text, (m) => {
        const type = fieldType(m[1]!);
        if (!type) return;
        const start = m.index + m[0].indexOf('>') + 1;
        push(out, type, text, start, start + m[2]!.length);
      });
    }
    if (text.includes('<name')) {
      eachMatch(CDA_PERSON_NAME, text, (m) => {
        const start = m.index + m[0].length - '</name>'.length - m[1]!.length;
        push(out, 'NAME', text, start, start + m[1]!.length);
      });
    }
    if (text.includes('value="')) {
      eachMatch(XML_VALUE_ATTR, text, (m) => {
        const key = foldLabel(m[1]!);
        const value = m[2]!;
        const start = m.index + m[0].length - 1 - value.length;
        if (key === 'telecom') {
          const scheme = /^(tel|fax):/.exec(value);
          if (scheme) push(out, scheme[1] === 'fax' ? 'FAX' : 'PHONE', text, start + scheme[0].length, start + value.length);
          return;
        }
        const type = fieldType(key);
        if (type) push(out, type, text, start, start + value.length);
      });
    }
    if (text.includes('extension="')) {
      eachMatch(CDA_ID, text, (m) => {
        const start = m.index + m[0].length - 1 - m[1]!.length;
        push(out, 'MRN', text, start, start + m[1]!.length);
      });
    }
    if (text.includes('BEGIN:VCARD') || text.includes('BEGIN:VEVENT')) eachMatch(CONTENT_LINE, text, (m) => contentLine(out, text, m));
    logfmtFields(text, out);
    if (text.includes(':')) {
      eachMatch(KEY_LINE, text, (m) => {
        const sentenceLabel = isSentenceLabel(m[1]!);
        const type = sentenceLabel ? 'NAME' : fieldType(m[1]!);
        if (!type) return;
        const start = m.index + m[0].length - m[2]!.length;
        // A value ends where a second column or a remark starts ("  Fax:", " (mobile)").
        // A sentence after the value ("DOB: 23.06.1925. Will continue...") is not the field's.
        const cut = m[2]!.search(type === 'STREET_ADDRESS' || type === 'NAME' ? VALUE_END : VALUE_END_SHORT);
        const end = start + (cut > 0 ? cut : m[2]!.length);
        // "Patient: alert and oriented" is a sentence; "Paciente: Ana de la Cruz" a name.
        if (sentenceLabel && !isNameCased(text.slice(start, end).replace(/[.,;]$/, ''))) return;
        push(out, type, text, start, end);
      });
    }
    if (text.includes('"')) {
      eachMatch(JSON_PAIR, text, (m) => {
        const type = fieldType(m[1]!);
        // Names in JSON are name-keys.ts's.
        if (!type || type === 'NAME') return;
        const start = m.index + m[0].length - 1 - m[3]!.length;
        push(out, type, text, start, start + m[3]!.length);
      });
    }
    return out;
  },
};
