import { eachMatch, finding, type Detector } from '../detector';
import type { EntityType, Finding } from '../../types';
import { fieldType, foldLabel, isNameCased, isSentenceLabel } from './field-labels';

/**
 * HTML forms and tables pasted into text, where a label cell stands next to its value cell:
 * `<th>Date of birth</th><td>...</td>`, `<td>Nombre</td><td>...</td>`, `<dt>Patient</dt><dd>...</dd>`,
 * `<label>Surname</label> <span>...</span>`. The label decides (field-labels.ts, any language),
 * as it does in a record. "Name" is a label here: a form cell says nothing else.
 */
const LABEL_THEN_VALUE =
  /<(th|td|dt|label|b|strong)\b[^<>]{0,120}>[ \t]{0,3}([^<>\n]{1,60}?)[ \t\u00a0]{0,3}:?[ \t]{0,3}<\/\1>[ \t\r\n]{0,40}<(td|dd|span|div|p)\b[^<>]{0,120}>([^<>\n]{1,200})<\/\3>/g;

const CELL_ONLY: Record<string, EntityType> = { name: 'NAME', patient: 'NAME', patientin: 'NAME', paciente: 'NAME', patiente: 'NAME', nom: 'NAME' };

/** Entities a cell may spell its spaces and apostrophes with (decoded for the checks only). */
const decodeEntities = (s: string) => s.replace(/&nbsp;|&#160;/g, ' ').replace(/&#39;|&apos;|&rsquo;/g, "'");

export const htmlCellsDetector: Detector = {
  name: 'html-cells',
  patterns: [LABEL_THEN_VALUE],
  detect(text) {
    const out: Finding[] = [];
    if (!text.includes('</')) return out;
    eachMatch(LABEL_THEN_VALUE, text, (m) => {
      const label = m[2]!;
      const type = fieldType(label) ?? CELL_ONLY[foldLabel(label)];
      if (!type) return;
      let start = m.index + m[0].length - `</${m[3]!}>`.length - m[4]!.length;
      let end = start + m[4]!.length;
      while (start < end && /\s/.test(text[start]!)) start++;
      while (end > start && /\s/.test(text[end - 1]!)) end--;
      const value = decodeEntities(text.slice(start, end));
      if (!/[\p{L}\p{N}]/u.test(value)) return;
      if (type === 'NAME') {
        if (!/^[\p{L}\p{M}][\p{L}\p{M}'’. ,-]{0,119}$/u.test(value)) return;
        if (isSentenceLabel(label) && !isNameCased(value.replace(/,/g, ' ').replace(/ {2,}/g, ' '))) return;
      } else if (type !== 'STREET_ADDRESS' && type !== 'CITY' && !/\d/.test(value)) return;
      out.push(finding(type, start, end, 0.9));
    });
    return out;
  },
};
