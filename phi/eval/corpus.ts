import { Faker, en, en_US } from '@faker-js/faker';
import type { EntityType } from '../types';
import { DocumentBuilder, type LabelledDocument } from './document';
import { Values } from './values';

/**
 * The labelled synthetic corpus: free-text clinical notes and structured tables, generated from a
 * fixed seed. Values are perturbed the ways real exports mangle them: unicode dashes, missing
 * separators, line breaks between a label and its value, upper- and lower-cased names.
 */
export const CORPUS_SEED = 20261124;

export interface LabelledTable {
  name: string;
  columns: string[];
  rows: string[][];
  /** Per column: the PHI type every cell holds, or null for a non-PHI column. */
  columnTypes: (EntityType | null)[];
}

export interface Corpus {
  notes: LabelledDocument[];
  tables: LabelledTable[];
  /** CSV and Markdown renderings of some tables, embedded in prose. */
  textTables: LabelledDocument[];
}

type Piece = (b: DocumentBuilder, v: Values, p: Perturb) => void;

class Perturb {
  constructor(private readonly v: Values) {}

  /** Numbers: unicode dashes or no separators at all, sometimes. */
  number(value: string): string {
    if (this.v.chance(0.1)) return value.replace(/-/g, () => this.v.pick(['–', '—', '‐', '−']));
    if (this.v.chance(0.08)) return value.replace(/[-. ()]/g, '');
    return value;
  }
  /** Names and places: upper case or lower case, sometimes. */
  words(value: string): string {
    if (this.v.chance(0.08)) return value.toUpperCase();
    if (this.v.chance(0.04)) return value.toLowerCase();
    return value;
  }
  /** Between a label and its value. */
  gap(): string {
    return this.v.chance(0.1) ? ':\n' : this.v.pick([': ', ' ', ': ', ' # ', ' - ']);
  }
  label(value: string): string {
    return this.v.chance(0.15) ? value.toUpperCase() : this.v.chance(0.2) ? value.toLowerCase() : value;
  }
}

const pieces: Piece[] = [
  (b, v, p) => {
    const first = p.words(v.firstName());
    const last = p.words(v.lastName());
    b.text(`${p.label(v.pick(['Patient', 'Pt', 'Patient name', 'Name']))}${p.gap()}`).entity('NAME', v.chance(0.3) ? `${last}, ${first}` : `${first} ${last}`).text('. ');
  },
  (b, v, p) => {
    const name = `${v.firstName()} ${v.lastName()}`;
    b.text(v.pick(['Seen today with ', 'Accompanied by ', 'Discussed plan with ', 'Spoke with '])).text(v.pick(['his daughter ', 'her son ', 'wife ', 'husband ', 'caregiver ', 'her mother '])).entity('NAME', p.words(name)).text('. ');
  },
  (b, v) => {
    b.text(v.pick(['Mr. ', 'Mrs. ', 'Ms. ', 'Dr. '])).entity('NAME', v.lastName()).text(v.pick([' reports improved sleep. ', ' was counselled on diet. ', ' denies chest pain. ', ' will follow up in clinic. ']));
  },
  (b, v, p) => {
    b.text(`${p.label('DOB')}${p.gap()}`).entity('DATE', p.number(v.formatDate(v.date()))).text('. ');
  },
  (b, v, p) => {
    b.text(v.pick(['Admitted on ', 'Discharged ', 'Last seen ', 'Surgery performed on ', 'Follow-up scheduled for '])).entity('DATE', p.number(v.formatDate(v.date()))).text('. ');
  },
  (b, v) => {
    const age = String(v.pick([90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 101, 103]));
    // The age is labelled with its unit ("92-year-old"), as held-out sets 2-6 label it (issue 17, sixth round).
    if (v.chance(0.5)) b.text('Patient is a ').entity('AGE', `${age}${v.pick(['-year-old', ' year old', ' y/o', ' yo'])}`).text(' ').text(v.pick(['female', 'male', 'woman', 'man'])).text(' presenting with fatigue. ');
    else b.text(v.pick(['Age: ', 'age ', 'Aged '])).entity('AGE', age).text('. ');
  },
  (b, v, p) => {
    b.text(`${p.label(v.pick(['SSN', 'Social Security No.', 'SS#', 'Social security number']))}${p.gap()}`).entity('SSN', p.number(v.ssn())).text('. ');
  },
  (b, v, p) => {
    b.text(v.pick(['Her SSN is ', 'SSN on file ', 'Verified identity with social security ', 'Taxpayer id '])).entity('SSN', v.chance(0.85) ? v.ssn() : p.number(v.ssn())).text('. ');
  },
  (b, v, p) => {
    b.text(`${p.label(v.pick(['Phone', 'Tel', 'Cell', 'Home phone', 'Contact number', 'Mobile']))}${p.gap()}`).entity('PHONE', p.number(v.phone())).text('. ');
  },
  (b, v, p) => {
    b.text(v.pick(['Call back at ', 'Best reached at ', 'Daughter can be reached at '])).entity('PHONE', p.number(v.phone())).text('. ');
  },
  (b, v, p) => {
    b.text(`${p.label(v.pick(['Fax', 'Fax number', 'Fax to']))}${p.gap()}`).entity('FAX', p.number(v.phone())).text('. ');
  },
  (b, v) => {
    b.text(v.pick(['Email: ', 'Sent results to ', 'Contact via email ', 'Portal email '])).entity('EMAIL', v.email()).text('. ');
  },
  (b, v, p) => {
    const street = p.words(v.streetAddress());
    const city = p.words(v.city());
    b.text(v.pick(['Lives at ', 'Address: ', 'Home address ', 'Resides at ']))
      .entity('STREET_ADDRESS', street)
      .text(v.chance(0.15) ? '\n' : ', ')
      .entity('CITY', city)
      .text(`, ${v.state()} `)
      .entity('ZIP', p.number(v.zip()))
      .text('. ');
  },
  (b, v) => {
    b.text(v.pick(['Patient moved to ', 'She lives in ', 'Transferred from a facility in '])).entity('CITY', v.city()).text(`, ${v.state()}`).text(v.pick([' last year. ', '. ']));
  },
  (b, v, p) => {
    b.text(`${p.label(v.pick(['Zip code', 'ZIP', 'Postal code']))}${p.gap()}`).entity('ZIP', v.zip()).text('. ');
  },
  (b, v, p) => {
    b.text(`${p.label(v.pick(['MRN', 'Medical record number', 'MR#', 'Chart No.', 'Med Rec No', 'Patient ID']))}${p.gap()}`).entity('MRN', v.mrn()).text('. ');
  },
  (b, v, p) => {
    b.text(`${p.label(v.pick(['Member ID', 'Insurance ID', 'Subscriber #', 'Medicare MBI', 'Policy No.', 'Health plan id', 'Medicaid ID']))}${p.gap()}`).entity('HEALTH_PLAN_ID', v.memberId()).text('. ');
  },
  (b, v, p) => {
    b.text(`${p.label(v.pick(['Acct #', 'Account number', 'Billing account', 'Account No.']))}${p.gap()}`).entity('ACCOUNT_NUMBER', v.accountNumber()).text('. ');
  },
  (b, v, p) => {
    b.text(`${p.label(v.pick(["Driver's license", 'DL#', 'License No.', 'State license number']))}${p.gap()}`).entity('LICENSE_NUMBER', v.licenseNumber()).text('. ');
  },
  (b, v) => {
    const last = v.lastName();
    b.text(`Prescribed by Dr. `).entity('NAME', last).text(v.pick([', DEA ', ' (DEA# ', ', DEA number '])).entity('DEA_NUMBER', v.dea(last)).text(v.chance(0.5) ? `, NPI ` : ', provider NPI: ').entity('NPI', v.npi()).text('. ');
  },
  (b, v) => {
    b.text(v.pick(['Vehicle VIN ', 'VIN: ', 'Car involved in MVC, VIN '])).entity('VIN', v.vin()).text(v.chance(0.5) ? ', license plate ' : ', plate # ').entity('LICENSE_PLATE', v.plate()).text('. ');
  },
  (b, v) => {
    const kind = v.pick(['pacemaker', 'insulin pump', 'CPAP device', 'glucose monitor']);
    b.text(`${kind} ${v.pick(['serial number', 'S/N', 'serial', 'device ID'])} `).entity('DEVICE_ID', v.serial()).text('. ');
  },
  (b, v) => {
    b.text(v.pick(['Phone IMEI ', 'Device IMEI: '])).entity('DEVICE_ID', v.imei()).text('; MAC address ').entity('DEVICE_ID', v.mac()).text('. ');
  },
  (b, v) => {
    b.text(v.pick(['Patient portal: ', 'See ', 'Uploaded to '])).entity('URL', v.url()).text(' for records. ');
  },
  (b, v) => {
    b.text('Telehealth session from IP ').entity('IP_ADDRESS', v.chance(0.7) ? v.ipv4() : v.ipv6()).text('. ');
  },
  (b, v, p) => {
    b.text(v.pick(['Paid copay with card ', 'Card on file: ', 'Credit card '])).entity('CARD_NUMBER', p.number(v.card())).text('. ');
  },
  (b, v, p) => {
    b.text(`${p.label(v.pick(['Claim number', 'Case #', 'Reference no.', 'Encounter ID']))}${p.gap()}`).entity('OTHER_ID', v.otherId()).text('. ');
  },
];

/** Sentences with numbers, capitalised words and near misses that are not PHI. */
const negatives: ((v: Values) => string)[] = [
  (v) => `BP ${v.pick([110, 120, 135, 142])}/${v.pick([70, 80, 88])}, HR ${v.pick([64, 72, 88, 101])}, temp 98.${v.pick([1, 4, 6])} F. `,
  (v) => `Started metformin ${v.pick([500, 850, 1000])} mg BID and Lasix 40 mg daily. `,
  (v) => `A1c ${v.pick(['6.8', '7.4', '9.1'])}% in ${v.pick([2019, 2021, 2023])}; repeat in ${v.pick([3, 6])} months. `,
  (v) => `Diagnosis code ${v.pick(['E11.9', 'I10', 'J45.909', 'M54.5'])}, CPT ${v.pick(['99213', '99214', '93000'])}. `,
  (v) => `Patient is a ${v.pick([34, 45, 67, 72, 88, 89])}-year-old with hypertension. `,
  (v) => `Invalid number on old form: ${v.invalidSsn()}. `,
  (v) => `Weight ${v.pick([62, 75, 88])} kg, height ${v.pick([160, 172, 181])} cm, BMI ${v.pick(['24.1', '27.9', '31.2'])}. `,
  (v) => `Follow up in ${v.pick([2, 4, 6])} weeks at ${v.pick(['10:30', '14:15', '09:00'])}. Dilution 1:${v.pick([1000, 200])}. `,
  () => 'Chief Complaint: Shortness of breath. History of Present Illness: denies fever, reports cough. ',
  (v) => `Software version ${v.pick(['2.3.1', '10.0.4', '4.12'])} of the Epic module was in use. `,
  () => 'Will continue current regimen. May resume activity as tolerated. Mark any new symptoms on the log. ',
  (v) => `Order #${v.pick([12, 48, 301])} for ${v.pick([2, 3])} units; lot size ${v.pick([20, 50])}. `,
  () => 'Plan: Continue Tylenol PRN, encourage hydration, Physical Therapy consult. ',
];

function note(v: Values, p: Perturb): LabelledDocument {
  const b = new DocumentBuilder();
  const sentences = v.int(4, 9);
  for (let i = 0; i < sentences; i++) {
    if (v.chance(0.3)) b.text(v.pick(negatives)(v));
    else v.pick(pieces)(b, v, p);
    if (v.chance(0.2)) b.text('\n');
  }
  return b.build();
}

const TABLE_COLUMNS: { name: string[]; type: EntityType | null; value: (v: Values, p: Perturb) => string }[] = [
  { name: ['FIRST_NAME', 'firstName', 'given_name'], type: 'NAME', value: (v, p) => p.words(v.firstName()) },
  { name: ['LAST_NAME', 'surname', 'family_name'], type: 'NAME', value: (v, p) => p.words(v.lastName()) },
  { name: ['SSN', 'patient_ssn'], type: 'SSN', value: (v, p) => p.number(v.ssn()) },
  { name: ['DOB', 'BIRTH_DATE', 'date_of_birth'], type: 'DATE', value: (v) => v.formatDate(v.date()) },
  { name: ['ADMIT_DATE', 'service_dt'], type: 'DATE', value: (v) => v.formatDate(v.date()) },
  { name: ['MRN', 'medical_record_number'], type: 'MRN', value: (v) => v.mrn() },
  { name: ['MEMBER_ID', 'subscriber_id'], type: 'HEALTH_PLAN_ID', value: (v) => v.memberId() },
  { name: ['PHONE', 'home_phone', 'mobilePhone'], type: 'PHONE', value: (v, p) => p.number(v.phone()) },
  { name: ['EMAIL', 'email_address'], type: 'EMAIL', value: (v) => v.email() },
  { name: ['ADDRESS_LINE1', 'street_address'], type: 'STREET_ADDRESS', value: (v) => v.streetAddress() },
  { name: ['CITY'], type: 'CITY', value: (v) => v.city() },
  { name: ['ZIP', 'postal_code'], type: 'ZIP', value: (v) => v.zip() },
  { name: ['ACCOUNT_NUMBER', 'acct_no'], type: 'ACCOUNT_NUMBER', value: (v) => v.accountNumber() },
  { name: ['NPI', 'provider_npi'], type: 'NPI', value: (v) => v.npi() },
  { name: ['VIN'], type: 'VIN', value: (v) => v.vin() },
  { name: ['DEVICE_SERIAL', 'serial_number'], type: 'DEVICE_ID', value: (v) => v.serial() },
  { name: ['IP_ADDRESS', 'client_ip'], type: 'IP_ADDRESS', value: (v) => v.ipv4() },
  // Column names that say nothing: only sampling the values can classify these.
  { name: ['COL_7', 'value', 'ref'], type: 'SSN', value: (v) => v.ssn() },
  { name: ['contact', 'c2'], type: 'EMAIL', value: (v) => v.email() },
  { name: ['extra_1', 'field_b'], type: 'PHONE', value: (v) => v.phone() },
  // Not PHI.
  { name: ['VISIT_COUNT', 'n_visits'], type: null, value: (v) => String(v.int(0, 40)) },
  { name: ['DIAGNOSIS_CODE', 'icd10'], type: null, value: (v) => v.pick(['E11.9', 'I10', 'J45.909', 'M54.5', 'Z00.00']) },
  { name: ['LAB_VALUE', 'result_value'], type: null, value: (v) => (v.int(10, 2000) / 10).toFixed(1) },
  { name: ['STATUS', 'encounter_status'], type: null, value: (v) => v.pick(['open', 'closed', 'pending', 'Active']) },
  { name: ['DRUG_NAME', 'medication_name'], type: null, value: (v) => v.pick(['Metformin', 'Lisinopril', 'Atorvastatin', 'Albuterol']) },
];

function table(v: Values, p: Perturb, index: number): LabelledTable {
  const chosen = v.sample(TABLE_COLUMNS, v.int(4, 9));
  const rows = Array.from({ length: v.int(20, 60) }, () => chosen.map((c) => c.value(v, p)));
  return { name: `table_${index}`, columns: chosen.map((c) => v.pick(c.name)), rows, columnTypes: chosen.map((c) => c.type) };
}

/** A table rendered as CSV or Markdown inside a short note, with each PHI cell labelled. */
function textTable(t: LabelledTable, v: Values): LabelledDocument {
  const b = new DocumentBuilder();
  b.text(v.pick(['Query results:\n', 'Export attached below.\n\n', 'Here are the matching rows:\n']));
  const markdown = v.chance(0.5);
  const rows = t.rows.slice(0, 10).map((r) => r.map((cell) => (markdown ? cell : cell.includes(',') ? `"${cell}"` : cell)));
  if (markdown) {
    b.text(`| ${t.columns.join(' | ')} |\n|${t.columns.map(() => '---').join('|')}|\n`);
  } else b.text(`${t.columns.join(',')}\n`);
  for (const row of rows) {
    b.text(markdown ? '| ' : '');
    row.forEach((cell, c) => {
      if (c > 0) b.text(markdown ? ' | ' : ',');
      const quoted = !markdown && cell.startsWith('"');
      if (quoted) b.text('"');
      const value = quoted ? cell.slice(1, -1) : cell;
      const type = t.columnTypes[c];
      if (type) b.entity(type, value);
      else b.text(value);
      if (quoted) b.text('"');
    });
    b.text(markdown ? ' |\n' : '\n');
  }
  b.text('\nEnd of results.');
  return b.build();
}

export function generateCorpus(options: { notes?: number; tables?: number; seed?: number } = {}): Corpus {
  const faker = new Faker({ locale: [en_US, en] });
  faker.seed(options.seed ?? CORPUS_SEED);
  const v = new Values(faker);
  const p = new Perturb(v);
  const notes = Array.from({ length: options.notes ?? 800 }, () => note(v, p));
  const tables = Array.from({ length: options.tables ?? 60 }, (_, i) => table(v, p, i));
  const textTables = tables.filter((_, i) => i % 3 === 0).map((t) => textTable(t, v));
  return { notes, tables, textTables };
}
