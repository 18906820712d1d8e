import { eachMatch, finding, type Detector } from '../detector';
import type { EntityType, Finding } from '../../types';
import { fieldType, foldLabel, isNameCased, isSentenceLabel } from './field-labels';

/**
 * HTML forms and tables pasted into text, where a label cell stands next to its value cell:
 * `<th>Date of birth</th><td>...</td>`, `<td>Nombre</td><td>...</td>`, `<dt>Patient</dt><dd>...</dd>`,
 * `<label>Surname</label> <span>...</span>`; and tables whose header row names the columns
 * (`<tr><th>Surname</th><th>DOB</th></tr><tr><td>...</td><td>...</td></tr>`). The label decides
 * (field-labels.ts, any language), as it does in a record. "Name" is a label here: a form cell
 * says nothing else.
 */
const LABEL_THEN_VALUE =
  /<(th|td|dt|label|b|strong)\b[^<>]{0,120}>[ \t]{0,3}([^<>\n]{1,60}?)[ \t\u00a0]{0,3}:?[ \t]{0,3}<\/\1>[ \t\r\n]{0,40}<(td|dd|span|div|p)\b[^<>]{0,120}>([^<>\n]{1,200})<\/\3>/g;

const CELL_ONLY: Record<string, EntityType> = { name: 'NAME', patient: 'NAME', patientin: 'NAME', paciente: 'NAME', patiente: 'NAME', nom: 'NAME' };

/** Entities a cell may spell its spaces and apostrophes with (decoded for the checks only). */
const decodeEntities = (s: string) => s.replace(/&nbsp;|&#160;/g, ' ').replace(/&#39;|&apos;|&rsquo;/g, "'");

/** A table row, and a cell in it (cells holding markup are not read). */
const ROW = /<tr\b[^<>]{0,120}>([\s\S]{0,3000}?)<\/tr>/g;
const CELL = /<(th|td)\b[^<>]{0,120}>([^<>]{0,200})<\/\1>/g;

function labelType(label: string): EntityType | undefined {
  return fieldType(label) ?? CELL_ONLY[foldLabel(label)];
}

/** The value of a cell labelled `label`, if it can be what the label says. */
function pushValue(out: Finding[], text: string, label: string, type: EntityType, start: number, end: number): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  const value = decodeEntities(text.slice(start, end));
  if (!/[\p{L}\p{N}]/u.test(value)) return;
  if (type === 'NAME') {
    if (!/^[\p{L}\p{M}][\p{L}\p{M}'’. ,-]{0,119}$/u.test(value)) return;
    if (isSentenceLabel(label) && !isNameCased(value.replace(/,/g, ' ').replace(/ {2,}/g, ' '))) return;
  } else if (type !== 'STREET_ADDRESS' && type !== 'CITY' && !/\d/.test(value)) return;
  out.push(finding(type, start, end, 0.9));
}

/** Tables whose header row names the columns: each cell below a header gets the header's type. */
function headedTables(text: string, out: Finding[]): void {
  let header: { label: string; type: EntityType | undefined }[] | null = null;
  let lastRowEnd = 0;
  eachMatch(ROW, text, (row) => {
    // A new table forgets the last one's header.
    if (text.lastIndexOf('<table', row.index) >= lastRowEnd) header = null;
    lastRowEnd = row.index + row[0].length;
    const cellsStart = row.index + row[0].indexOf('>') + 1;
    const cells: { tag: string; content: string; start: number }[] = [];
    eachMatch(CELL, row[1]!, (c) => cells.push({ tag: c[1]!, content: c[2]!, start: cellsStart + c.index + c[0].indexOf('>') + 1 }));
    if (cells.length === 0) return;
    if (cells.every((c) => c.tag === 'th')) {
      header = cells.map((c) => ({ label: c.content.trim(), type: labelType(c.content.trim()) }));
      return;
    }
    const h = header;
    if (!h) return;
    cells.forEach((c, k) => {
      const col = h[k];
      if (c.tag === 'td' && col?.type) pushValue(out, text, col.label, col.type, c.start, c.start + c.content.length);
    });
  });
}

export const htmlCellsDetector: Detector = {
  name: 'html-cells',
  patterns: [LABEL_THEN_VALUE, ROW, CELL],
  detect(text) {
    const out: Finding[] = [];
    if (!text.includes('</')) return out;
    eachMatch(LABEL_THEN_VALUE, text, (m) => {
      const label = m[2]!;
      const type = labelType(label);
      if (!type) return;
      const start = m.index + m[0].length - `</${m[3]!}>`.length - m[4]!.length;
      pushValue(out, text, label, type, start, start + m[4]!.length);
    });
    if (text.includes('<th')) headedTables(text, out);
    return out;
  },
};
