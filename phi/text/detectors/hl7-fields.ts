import { finding, type Detector } from '../detector';
import type { EntityType, Finding } from '../../types';

/**
 * HL7 v2 segments pasted into text ("PID|1||1234567^^^HOSP^MR||NWACHUKWU^CHIAMAKA||19890921|F"):
 * the standard says what each field holds, so the field decides, not how the value looks (a name
 * no dictionary knows, a compact date, a foreign address). Fields by segment, per HL7 v2.5:
 * PID (patient), NK1 (next of kin), GT1 (guarantor), IN1 (insured), PV1 (visit: people and
 * dates), MRG (merged identifiers). A component list says what each component of a field is; a
 * field without one is masked whole as its type. Repetitions ("~") are read the same way.
 */
type Components = readonly (EntityType | null)[];
const XPN: Components = ['NAME', 'NAME', 'NAME', null, null, null, null]; // family^given^middle^suffix^prefix
const XAD: Components = ['STREET_ADDRESS', 'STREET_ADDRESS', 'CITY', null, 'ZIP', null, null, null, null]; // street^other^city^state^zip^country
const XCN: Components = ['OTHER_ID', 'NAME', 'NAME', 'NAME', null, null, null]; // id^family^given^middle^suffix^prefix
const CX: Components = ['MRN', null, null, null, null, null]; // id^check digit^scheme^authority^type
type Field = EntityType | Components;

const SEGMENTS: Record<string, Record<number, Field>> = {
  PID: { 2: CX, 3: CX, 4: CX, 5: XPN, 6: XPN, 7: 'DATE', 9: XPN, 11: XAD, 13: 'PHONE', 14: 'PHONE', 18: 'ACCOUNT_NUMBER', 19: 'SSN', 20: 'LICENSE_NUMBER', 21: CX, 29: 'DATE' },
  NK1: { 2: XPN, 4: XAD, 5: 'PHONE', 6: 'PHONE', 16: 'DATE', 30: XPN, 31: 'PHONE', 32: XAD, 33: CX, 37: 'SSN' },
  GT1: { 2: CX, 3: XPN, 4: XPN, 5: XAD, 6: 'PHONE', 7: 'PHONE', 8: 'DATE', 12: 'SSN' },
  IN1: { 16: XPN, 18: 'DATE', 19: XAD, 36: 'HEALTH_PLAN_ID', 49: CX },
  PV1: { 7: XCN, 8: XCN, 9: XCN, 17: XCN, 19: CX, 44: 'DATE', 45: 'DATE', 50: CX, 52: XCN },
  MRG: { 1: CX, 2: CX, 3: 'ACCOUNT_NUMBER', 7: XPN },
};

/** A segment starts a line: three upper-case letters or digits and the field separator. */
const SEGMENT_START = /(?:^|[\n\r])[ \t]{0,3}(PID|NK1|GT1|IN1|PV1|MRG)\|/g;

function pushValue(out: Finding[], type: EntityType, text: string, start: number, end: number): void {
  // Trim spaces; an empty or placeholder ("""") value is nothing.
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  if (end <= start || text.slice(start, end) === '""') return;
  out.push(finding(type, start, end, 0.95));
}

function maskField(out: Finding[], text: string, field: Field, start: number, end: number): void {
  // Repetitions, then components (subcomponents, "&", stay inside their component).
  let rep = start;
  while (rep <= end) {
    let repEnd = text.indexOf('~', rep);
    if (repEnd < 0 || repEnd > end) repEnd = end;
    if (typeof field === 'string') pushValue(out, field, text, rep, repEnd);
    else {
      let at = rep;
      for (let k = 0; at <= repEnd; k++) {
        let next = text.indexOf('^', at);
        if (next < 0 || next > repEnd) next = repEnd;
        const type = field[k];
        if (type) pushValue(out, type, text, at, next);
        at = next + 1;
      }
    }
    rep = repEnd + 1;
  }
}

export const hl7FieldsDetector: Detector = {
  name: 'hl7-fields',
  patterns: [SEGMENT_START],
  detect(text) {
    const out: Finding[] = [];
    if (!text.includes('|')) return out;
    SEGMENT_START.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = SEGMENT_START.exec(text)) !== null) {
      const fields = SEGMENTS[m[1]!]!;
      let lineEnd = text.length;
      for (let i = m.index + m[0].length; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 13) {
          lineEnd = i;
          break;
        }
      }
      let at = m.index + m[0].length;
      for (let n = 1; at <= lineEnd; n++) {
        let next = text.indexOf('|', at);
        if (next < 0 || next > lineEnd) next = lineEnd;
        const field = fields[n];
        if (field && next > at) maskField(out, text, field, at, next);
        at = next + 1;
      }
      SEGMENT_START.lastIndex = lineEnd;
    }
    return out;
  },
};
