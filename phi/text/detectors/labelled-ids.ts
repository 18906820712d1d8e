import { cueHits, cueSet, guarded, stickyOf } from '../cues';
import { finding, type Detector } from '../detector';
import { anyCaseAlternation } from '../patterns';
import type { EntityType, Finding } from '../../types';

/**
 * Identifiers that have no universal format (record numbers, member ids, licence numbers,
 * serials...) are recognised by the label in front of them: "MRN: 00123456", "Member ID W123456789".
 */
const LABELS: [EntityType, string[]][] = [
  ['MRN', ['mrn', 'mr#', 'mr #', 'mr no', 'medical record', 'medical record number', 'medical record no', 'med rec', 'record number', 'record no', 'chart', 'chart number', 'chart no', 'patient id', 'patient number', 'pt id', 'hospital number', 'hospital no', 'hospital #', 'hosp no', 'uhid', 'unit number', 'emr', 'ehr id',
    // National patient numbers named by their label: the UK's NHS number, New Zealand's NHI.
    // (Not "NHI" alone: "plate # NHI-9200" is a plate.)
    'nhs number', 'nhs no', 'nhs number is', 'nhi#', 'nhi number', 'nhi no']],
  ['HEALTH_PLAN_ID', ['member id', 'member number', 'member no', 'member #', 'member', 'subscriber id', 'subscriber', 'policy number', 'policy no', 'policy #', 'policy', 'health plan', 'health plan id', 'plan id', 'insurance id', 'insurance number', 'insurance', 'beneficiary', 'beneficiary id', 'medicaid', 'medicaid id', 'medicare', 'medicare id', 'mbi', 'hicn', 'group number', 'group no', 'group #', 'insured id']],
  ['ACCOUNT_NUMBER', ['account', 'account number', 'account no', 'account #', 'acct', 'acct no', 'acct #', 'billing account', 'bank account', 'iban', 'invoice', 'routing number', 'guarantor account']],
  ['LICENSE_NUMBER', ['license', 'license number', 'license no', 'licence', 'licence number', "driver's license", 'drivers license', 'driver license', 'dl', 'dl#', 'dl no', 'lic', 'lic no', 'lic #', 'certificate', 'certificate number', 'cert no', 'passport', 'passport number', 'state license', 'medical license']],
  ['LICENSE_PLATE', ['license plate', 'licence plate', 'plate', 'plate number', 'plate no', 'tag', 'tag number', 'registration plate']],
  ['DEVICE_ID', ['serial', 'serial number', 'serial no', 's/n', 'sn', 'device', 'device id', 'device serial', 'udi', 'imei', 'meid', 'implant', 'pacemaker', 'pump serial', 'model/serial', 'asset tag', 'mac address', 'mac']],
  ['OTHER_ID', ['id', 'identifier', 'case', 'case number', 'case no', 'claim', 'claim number', 'claim no', 'claim id', 'ref', 'reference', 'reference number', 'ref no', 'confirmation', 'confirmation number', 'ticket', 'employee id', 'badge', 'student id', 'visit id', 'encounter', 'encounter id', 'accession', 'accession number', 'specimen id', 'order number', 'fin', 'csn', 'har', 'aadhaar', 'aadhaar number', 'aadhar']],
];

/** Between label and value: "number", "no.", "#", colons, spaces, a line break. */
const JOINER = `[\\s:#.=\\-]{0,4}(?:${anyCaseAlternation(['number', 'num', 'no', 'nbr', 'id', 'identifier', '#'])})?[\\s:#.=\\-]{0,4}`;
/** The value: 4-25 letters and digits, with inner dashes, slashes, dots, or spaces between digit groups. */
const VALUE = '([A-Za-z0-9](?:[A-Za-z0-9]|[-/.](?=[A-Za-z0-9])|(?<=\\d)[ ](?=\\d)){3,24})';

const PATTERNS = LABELS.map(([type, words]) => ({
  type,
  pattern: new RegExp(`(?<![A-Za-z0-9])(?:${anyCaseAlternation(words)})(?![A-Za-z])${JOINER}${VALUE}(?![A-Za-z0-9])`, 'g'),
}));

/**
 * Where any label may start, one pass for all families (each family's own pattern then runs
 * sticky at those places only, instead of seven passes over the whole text).
 */
const ANY_LABEL = new RegExp(`(?<![A-Za-z0-9])(?:${anyCaseAlternation(LABELS.flatMap(([, words]) => words))})(?![A-Za-z])`, 'g');
/** Where the shared keyword pass saw a label's first word: ANY_LABEL runs sticky there only. */
const LABEL_CUES = cueSet(LABELS.flatMap(([, words]) => words), { after: 'letter or digit' });
const ANY_LABEL_AT = stickyOf(guarded(ANY_LABEL, LABEL_CUES));
const STICKY = PATTERNS.map(({ type, pattern }) => ({ type, pattern: new RegExp(pattern.source, 'y') }));

function looksLikeId(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  return digits >= 3 || (digits >= 1 && value.length >= 6 && /[A-Z]/.test(value));
}

export const labelledIdDetector: Detector = {
  name: 'labelled-ids',
  patterns: [...PATTERNS.map((p) => p.pattern), ANY_LABEL, ANY_LABEL_AT, ...STICKY.map((p) => p.pattern)],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    // Every position where some label starts; a label inside a longer one ("id" in "patient id")
    // starts elsewhere and is found when the scan resumes one character on.
    const starts: number[] = [];
    for (const at of cueHits(text).at(LABEL_CUES)) {
      ANY_LABEL_AT.lastIndex = at;
      if (ANY_LABEL_AT.test(text)) starts.push(at);
    }
    STICKY.forEach(({ type, pattern }, priority) => {
      // Where the whole-text pattern would resume after a match or a rejected value.
      let resume = 0;
      for (const at of starts) {
        if (at < resume) continue;
        pattern.lastIndex = at;
        const match = pattern.exec(text);
        if (!match) continue;
        const value = match[1]!.replace(/[ ]+$/, '');
        const start = match.index + match[0].length - match[1]!.length;
        if (!looksLikeId(value)) {
          // "pacemaker serial number X1": the rejected value may itself be the next label.
          resume = start;
          continue;
        }
        resume = match.index + match[0].length;
        // Earlier, more specific label families win ties against the generic "id".
        out.push(finding(type, start, start + value.length, 0.9 - priority * 0.01));
      }
    });
    return out;
  },
};
