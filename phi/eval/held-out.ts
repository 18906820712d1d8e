import { Faker, en, en_US } from '@faker-js/faker';
import { DocumentBuilder, type LabelledDocument } from './document';
import { Values } from './values';

/**
 * A second free-text set in styles the detectors were not developed against: letters, log lines,
 * database error messages, referrals, signatures. Written once and scored as is; its figures are
 * the better estimate of behaviour on unseen text. Do not edit it to raise them.
 *
 * Honest history: its first run (before any detector change it prompted) scored typed recall
 * 0.852, precision 0.870, F2 0.855; masked-any-type recall 0.904. The misses it showed (labels
 * written as patient_id, "Medicare Beneficiary Identifier", "tag", City ST ZIP without a comma,
 * signatures, first names outside chance's lists) were fixed generally, not per template, but
 * the set has since informed the detectors and is no longer truly unseen.
 */
export const HELD_OUT_SEED = 7193;

type Template = (b: DocumentBuilder, v: Values) => void;

const templates: Template[] = [
  (b, v) => {
    b.text('Dear ').text(v.pick(['Mr. ', 'Ms. ', 'Mrs. '])).entity('NAME', v.lastName()).text(',\nThank you for visiting our clinic on ').entity('DATE', v.formatDate(v.date())).text('. Your next appointment is with Dr. ').entity('NAME', `${v.firstName()} ${v.lastName()}`).text('.\nSincerely,\n').entity('NAME', `${v.firstName()} ${v.lastName()}`).text(', RN\n');
  },
  (b, v) => {
    b.text(`ERROR ${new Date(Date.UTC(2026, 0, 1)).toISOString().slice(0, 10)} request failed user=`).entity('EMAIL', v.email()).text(' client=').entity('IP_ADDRESS', v.ipv4()).text(' patient_id=').entity('MRN', v.digits(8)).text(' status=500\n');
  },
  (b, v) => {
    b.text('duplicate key value violates unique constraint "patients_ssn_key" DETAIL: Key (ssn)=(').entity('SSN', v.ssn()).text(') already exists.\n');
  },
  (b, v) => {
    b.text('Referred by Dr. ').entity('NAME', `${v.firstName()} ${v.lastName()}`).text(' (NPI ').entity('NPI', v.npi()).text(') for evaluation of chronic back pain.\n');
  },
  (b, v) => {
    b.text('Home: ').entity('STREET_ADDRESS', v.streetAddress()).text(', ').entity('CITY', v.city()).text(` ${v.state()} `).entity('ZIP', v.zip()).text('\n');
  },
  (b, v) => {
    const d = v.date();
    b.text('Pt seen on the ').entity('DATE', `${d.day}th of ${['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][d.month - 1]}, ${d.year}`).text(' for routine follow-up.\n');
  },
  (b, v) => {
    // The age with its unit, as sets 2-6 label it (relabelled in issue 17's sixth round; the text is unchanged).
    b.text('A ').entity('AGE', `${v.pick([90, 92, 95, 99, 102])} y.o.`).text(' woman with CHF, lives alone.\n');
  },
  (b, v) => {
    b.text('Insurance: BCBS, member # ').entity('HEALTH_PLAN_ID', v.memberId()).text('; secondary Medicare Beneficiary Identifier ').entity('HEALTH_PLAN_ID', v.memberId()).text('.\n');
  },
  (b, v) => {
    b.text('Emergency contact: ').entity('NAME', `${v.firstName()} ${v.lastName()}`).text(` (${v.pick(['sister', 'son', 'neighbor'])}) `).entity('PHONE', v.phone()).text('\n');
  },
  (b, v) => {
    b.text('Electronically signed by: ').entity('NAME', `${v.firstName()} ${v.lastName()}`).text(', MD ').entity('DATE', `${String(v.int(1, 12)).padStart(2, '0')}/${String(v.int(1, 28)).padStart(2, '0')}/${v.int(2018, 2026)}`).text(' 10:22\n');
  },
  (b, v) => {
    b.text('tel. ').entity('PHONE', v.phone()).text(' / fax ').entity('FAX', v.phone()).text('\n');
  },
  (b, v) => {
    b.text('Claim ').entity('OTHER_ID', `${v.int(2019, 2026)}-${v.digits(7)}`).text(' was denied; resubmit with account ').entity('ACCOUNT_NUMBER', v.accountNumber()).text('.\n');
  },
  (b, v) => {
    b.text('Pharmacy called re: script from prescriber DEA ').entity('DEA_NUMBER', v.dea(v.lastName())).text('.\n');
  },
  (b, v) => {
    b.text('Uploaded scan to ').entity('URL', v.url()).text(' and emailed ').entity('EMAIL', v.email()).text('.\n');
  },
  (b, v) => {
    b.text('MVA. Driver ').entity('NAME', `${v.firstName()} ${v.lastName()}`).text(', vehicle ').entity('VIN', v.vin()).text(', tag ').entity('LICENSE_PLATE', v.plate()).text('.\n');
  },
  (b, v) => {
    b.text('Implanted ICD, model X200, SN ').entity('DEVICE_ID', v.serial()).text('.\n');
  },
  (b, v) => {
    b.text('Paid by card ending in 4242? No: full number ').entity('CARD_NUMBER', v.card()).text(' was typed into the comment box.\n');
  },
  (b, v) => {
    b.text('She was born ').entity('DATE', v.formatDate(v.date())).text(' in ').entity('CITY', v.city()).text(', ').text(v.state()).text('.\n');
  },
  (b, v) => {
    b.text('Connection from ').entity('IP_ADDRESS', v.ipv6()).text(' rejected.\n');
  },
  (b, v) => {
    b.text("Driver's lic ").entity('LICENSE_NUMBER', v.licenseNumber()).text(' verified at check-in by ').entity('NAME', `${v.firstName()} ${v.lastName()}`).text('.\n');
  },
  () => undefined,
];

const fillers = [
  'No acute distress. Lungs clear to auscultation bilaterally.\n',
  'Continue lisinopril 10 mg daily; recheck BMP in 2 weeks.\n',
  'WARN cache miss ratio 0.42 on node 3, retrying in 500 ms\n',
  'Assessment: Type 2 diabetes mellitus without complications (E11.9).\n',
  'Total charges: $1,240.00 across 3 line items.\n',
];

export function generateHeldOut(count = 300, seed = HELD_OUT_SEED): LabelledDocument[] {
  const faker = new Faker({ locale: [en_US, en] });
  faker.seed(seed);
  const v = new Values(faker);
  return Array.from({ length: count }, () => {
    const b = new DocumentBuilder();
    const n = v.int(3, 7);
    for (let i = 0; i < n; i++) {
      if (v.chance(0.3)) b.text(v.pick(fillers));
      else v.pick(templates)(b, v);
    }
    return b.build();
  });
}
