import { eachMatch, finding, type Detector } from '../detector';
import type { EntityType, Finding } from '../../types';

/**
 * X12 health-care transactions (837 claims, 270/271 eligibility, 835) pasted into text:
 * `NM1*IL*1*ROE*JANE****MI*W123456789~N3*12 MAIN ST~N4*SPRINGFIELD*IL*62701~DMG*D8*19500304*F~`.
 * The segment and its qualifiers say what each element is (005010 implementation guides):
 * NM1 of a person (type 1) holds the last, first and middle name and an identifier whose
 * qualifier gives its kind; N3 street lines; N4 city and postal code; DMG the birth date; DTP
 * dates; PER a contact's name and numbers by qualifier; REF identifiers by qualifier; CLM the
 * patient's claim number. Procedure and diagnosis codes (SV1, SV2, HI) and organisations (NM1
 * type 2) are read by no rule here and stay readable.
 */
const SEGMENT = /(?:^|[~\n])[ \t]{0,3}(NM1|N3|N4|DMG|DTP|PER|REF|CLM)\*([^~\n]{1,300})/g;

/** NM108 identification code qualifier -> what NM109 is. */
const NM1_IDS: Record<string, EntityType> = { MI: 'HEALTH_PLAN_ID', II: 'HEALTH_PLAN_ID', '34': 'SSN', XX: 'NPI', ZZ: 'OTHER_ID' };
/** REF01 reference identification qualifier -> what REF02 is (provider tax ids, EI, stay). */
const REF_IDS: Record<string, EntityType> = { SY: 'SSN', EA: 'MRN', '1W': 'HEALTH_PLAN_ID', IG: 'HEALTH_PLAN_ID', '1L': 'HEALTH_PLAN_ID', '6P': 'HEALTH_PLAN_ID', D9: 'ACCOUNT_NUMBER', F8: 'ACCOUNT_NUMBER', '23': 'OTHER_ID', Y4: 'OTHER_ID', G1: 'OTHER_ID', '9F': 'OTHER_ID' };
/** PER communication number qualifier -> type. */
const PER_NUMBERS: Record<string, EntityType> = { TE: 'PHONE', CP: 'PHONE', HP: 'PHONE', WP: 'PHONE', FX: 'FAX', EM: 'EMAIL' };

function elements(value: string, start: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let at = 0;
  for (const part of value.split('*')) {
    out.push({ text: part, start: start + at });
    at += part.length + 1;
  }
  return out;
}

export const x12SegmentsDetector: Detector = {
  name: 'x12-segments',
  patterns: [SEGMENT],
  applies: (f) => f.upper,
  detect(text) {
    const out: Finding[] = [];
    if (!text.includes('*')) return out;
    eachMatch(SEGMENT, text, (m) => {
      const id = m[1]!;
      // Elements are numbered from 1: e[1] is NM101.
      const e = [{ text: id, start: 0 }, ...elements(m[2]!, m.index + m[0].length - m[2]!.length)];
      const mask = (k: number, type: EntityType | undefined) => {
        const el = e[k];
        if (!type || !el || !/[\p{L}\p{N}]/u.test(el.text)) return;
        let s = el.start;
        let end = el.start + el.text.length;
        while (s < end && text.charCodeAt(s) === 32) s++;
        while (end > s && text.charCodeAt(end - 1) === 32) end--;
        out.push(finding(type, s, end, 0.95));
      };
      switch (id) {
        case 'NM1':
          if (e[2]?.text !== '1') return; // organisations are not people
          for (const k of [3, 4, 5]) mask(k, 'NAME');
          mask(9, NM1_IDS[e[8]?.text ?? ''] ?? 'OTHER_ID');
          return;
        case 'N3':
          mask(1, 'STREET_ADDRESS');
          mask(2, 'STREET_ADDRESS');
          return;
        case 'N4':
          mask(1, 'CITY');
          mask(3, 'ZIP');
          return;
        case 'DMG':
          if (/^R?D8$/.test(e[1]?.text ?? '')) mask(2, 'DATE');
          return;
        case 'DTP':
          if (/^R?D8$/.test(e[2]?.text ?? '')) mask(3, 'DATE');
          return;
        case 'PER':
          mask(2, 'NAME');
          for (const k of [3, 5, 7]) mask(k + 1, PER_NUMBERS[e[k]?.text ?? '']);
          return;
        case 'REF':
          mask(2, REF_IDS[e[1]?.text ?? '']);
          return;
        case 'CLM':
          mask(1, 'ACCOUNT_NUMBER');
          return;
      }
    });
    return out;
  },
};
