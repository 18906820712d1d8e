import Chance from 'chance';
import type { Engine } from './engine';

/**
 * A deterministic synthetic health warehouse: the same seed and patient count give the same
 * rows byte for byte. Every identifier is invented (chance.js with a fixed seed); nothing is
 * real PHI, but it looks like it, so masking and policy have something to bite on.
 *
 *   CLINICAL.PHI.PATIENTS        names, SSN, MRN, date of birth, address, phone, email, member id
 *   CLINICAL.PHI.ENCOUNTERS      visits per patient
 *   CLINICAL.PHI.DIAGNOSES       ICD-10 codes per encounter
 *   CLINICAL.PHI.CLINICAL_NOTES  free text that mentions the patient's name, MRN, phone, DOB
 *   CLINICAL.BILLING.CLAIMS      claims with payer and member id (not in CLINICAL_ANALYST's scope)
 *
 * Roles: CLINICAL_ANALYST (USAGE on CLINICAL and PHI, SELECT on the four PHI tables, the
 * ANALYTICS_WH warehouse) and BILLING_ANALYST (CLINICAL.BILLING.CLAIMS).
 */
export interface SeedOptions {
  seed: number;
  patients: number;
}

const DIAGNOSES: [string, string][] = [
  ['E11.9', 'Type 2 diabetes mellitus without complications'],
  ['I10', 'Essential (primary) hypertension'],
  ['J45.909', 'Unspecified asthma, uncomplicated'],
  ['F32.A', 'Depression, unspecified'],
  ['M54.50', 'Low back pain, unspecified'],
  ['E78.5', 'Hyperlipidemia, unspecified'],
  ['N39.0', 'Urinary tract infection, site not specified'],
  ['J06.9', 'Acute upper respiratory infection, unspecified'],
  ['K21.9', 'Gastro-esophageal reflux disease without esophagitis'],
  ['Z00.00', 'Encounter for general adult medical examination'],
];
const ENCOUNTER_TYPES = ['OUTPATIENT', 'INPATIENT', 'EMERGENCY', 'TELEHEALTH'];
const PAYERS = ['Blue Harbor Health', 'Summit Mutual', 'Medicare', 'Medicaid', 'Evergreen Care Plan'];
const FACILITIES = ['North Valley Clinic', 'St. Aurelia Hospital', 'Riverside Medical Center', 'Lakeview Family Practice'];
const CLAIM_STATUS = ['SUBMITTED', 'PAID', 'DENIED', 'PENDING'];

const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 1);

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ts = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export async function seedHealthData(engine: Engine, options: SeedOptions): Promise<void> {
  const chance = new Chance(options.seed);
  await engine.admin([
    'CREATE DATABASE IF NOT EXISTS CLINICAL',
    'CREATE SCHEMA IF NOT EXISTS CLINICAL.PHI',
    'CREATE SCHEMA IF NOT EXISTS CLINICAL.BILLING',
    'USE SCHEMA CLINICAL.PHI',
    `CREATE TABLE PATIENTS (PATIENT_ID NUMBER(38,0) PRIMARY KEY, MRN VARCHAR, FIRST_NAME VARCHAR, LAST_NAME VARCHAR, DATE_OF_BIRTH DATE,
      SSN VARCHAR, ADDRESS VARCHAR, CITY VARCHAR, STATE VARCHAR, ZIP VARCHAR, PHONE VARCHAR, EMAIL VARCHAR, INSURANCE_MEMBER_ID VARCHAR, CREATED_AT TIMESTAMP_NTZ)`,
    `CREATE TABLE ENCOUNTERS (ENCOUNTER_ID NUMBER(38,0) PRIMARY KEY, PATIENT_ID NUMBER(38,0), ENCOUNTER_DATE DATE, ENCOUNTER_TYPE VARCHAR, PROVIDER VARCHAR, FACILITY VARCHAR)`,
    `CREATE TABLE DIAGNOSES (DIAGNOSIS_ID NUMBER(38,0) PRIMARY KEY, ENCOUNTER_ID NUMBER(38,0), PATIENT_ID NUMBER(38,0), ICD10_CODE VARCHAR, DESCRIPTION VARCHAR, DIAGNOSED_ON DATE)`,
    `CREATE TABLE CLINICAL_NOTES (NOTE_ID NUMBER(38,0) PRIMARY KEY, ENCOUNTER_ID NUMBER(38,0), PATIENT_ID NUMBER(38,0), AUTHOR VARCHAR, NOTE_TEXT VARCHAR, CREATED_AT TIMESTAMP_NTZ)`,
    `CREATE TABLE CLINICAL.BILLING.CLAIMS (CLAIM_ID NUMBER(38,0) PRIMARY KEY, ENCOUNTER_ID NUMBER(38,0), PATIENT_ID NUMBER(38,0), PAYER VARCHAR, MEMBER_ID VARCHAR,
      AMOUNT NUMBER(12,2), STATUS VARCHAR, SUBMITTED_ON DATE)`,
  ]);

  const patients: unknown[][] = [];
  const encounters: unknown[][] = [];
  const diagnoses: unknown[][] = [];
  const notes: unknown[][] = [];
  const claims: unknown[][] = [];
  let encounterId = 1;
  let diagnosisId = 1;
  let noteId = 1;
  let claimId = 1;
  for (let p = 1; p <= options.patients; p++) {
    const first = chance.first();
    const last = chance.last();
    const dob = EPOCH - chance.integer({ min: 18 * 365, max: 90 * 365 }) * DAY_MS;
    const mrn = `MRN-${String(chance.integer({ min: 0, max: 9_999_999 })).padStart(7, '0')}`;
    const phone = chance.phone({ formatted: true, country: 'us' } as never);
    const memberId = `${chance.string({ length: 3, pool: 'ABCDEFGHJKLMNPQRSTUVWXYZ' })}${chance.string({ length: 9, pool: '0123456789' })}`;
    const payer = chance.pickone(PAYERS);
    patients.push([
      p, mrn, first, last, iso(dob), chance.ssn({ dashes: true } as never), chance.address(), chance.city(), chance.state(), chance.zip(),
      phone, `${first}.${last}@${chance.domain()}`.toLowerCase(), memberId, ts(EPOCH + chance.integer({ min: 0, max: 365 }) * DAY_MS),
    ]);
    const visits = chance.integer({ min: 1, max: 4 });
    for (let v = 0; v < visits; v++) {
      const when = EPOCH + chance.integer({ min: 0, max: 700 }) * DAY_MS;
      const provider = `Dr. ${chance.first()} ${chance.last()}`;
      const [code, description] = chance.pickone(DIAGNOSES);
      encounters.push([encounterId, p, iso(when), chance.pickone(ENCOUNTER_TYPES), provider, chance.pickone(FACILITIES)]);
      diagnoses.push([diagnosisId++, encounterId, p, code, description, iso(when)]);
      const text =
        `${first} ${last} (${mrn}, DOB ${iso(dob)}) seen for ${description.toLowerCase()}. ` +
        `Patient reachable at ${phone}. ${chance.sentence({ words: 12 })} Follow up in ${chance.integer({ min: 1, max: 12 })} weeks.`;
      notes.push([noteId++, encounterId, p, provider, text, ts(when + chance.integer({ min: 1, max: 480 }) * 60_000)]);
      claims.push([claimId++, encounterId, p, payer, memberId, (chance.integer({ min: 5_000, max: 2_500_000 }) / 100).toFixed(2), chance.pickone(CLAIM_STATUS), iso(when + 2 * DAY_MS)]);
      encounterId++;
    }
  }

  const conn = engine.loader;
  const load = async (table: string, rows: unknown[][]) => {
    if (rows.length === 0) return;
    const width = rows[0]!.length;
    const placeholders = `(${Array.from({ length: width }, (_, i) => `$${i + 1}`).join(', ')})`;
    const prepared = await conn.prepare(`INSERT INTO ${table} VALUES ${placeholders}`);
    for (const row of rows) {
      prepared.bind(row as never);
      await prepared.run();
    }
  };
  await conn.run('BEGIN TRANSACTION');
  await load('CLINICAL.PHI.PATIENTS', patients);
  await load('CLINICAL.PHI.ENCOUNTERS', encounters);
  await load('CLINICAL.PHI.DIAGNOSES', diagnoses);
  await load('CLINICAL.PHI.CLINICAL_NOTES', notes);
  await load('CLINICAL.BILLING.CLAIMS', claims);
  await conn.run('COMMIT');

  await engine.admin([
    'CREATE WAREHOUSE IF NOT EXISTS ANALYTICS_WH',
    'CREATE ROLE IF NOT EXISTS CLINICAL_ANALYST COMMENT = \'Read-only clinical PHI (patients, encounters, diagnoses, notes)\'',
    'CREATE ROLE IF NOT EXISTS BILLING_ANALYST COMMENT = \'Claims\'',
    'GRANT USAGE ON WAREHOUSE ANALYTICS_WH TO ROLE CLINICAL_ANALYST',
    'GRANT USAGE ON WAREHOUSE ANALYTICS_WH TO ROLE BILLING_ANALYST',
    'GRANT USAGE ON DATABASE CLINICAL TO ROLE CLINICAL_ANALYST',
    'GRANT USAGE ON SCHEMA CLINICAL.PHI TO ROLE CLINICAL_ANALYST',
    'GRANT SELECT ON TABLE CLINICAL.PHI.PATIENTS TO ROLE CLINICAL_ANALYST',
    'GRANT SELECT ON TABLE CLINICAL.PHI.ENCOUNTERS TO ROLE CLINICAL_ANALYST',
    'GRANT SELECT ON TABLE CLINICAL.PHI.DIAGNOSES TO ROLE CLINICAL_ANALYST',
    'GRANT SELECT ON TABLE CLINICAL.PHI.CLINICAL_NOTES TO ROLE CLINICAL_ANALYST',
    'GRANT USAGE ON DATABASE CLINICAL TO ROLE BILLING_ANALYST',
    'GRANT USAGE ON SCHEMA CLINICAL.BILLING TO ROLE BILLING_ANALYST',
    'GRANT SELECT ON ALL TABLES IN SCHEMA CLINICAL.BILLING TO ROLE BILLING_ANALYST',
    'GRANT ROLE CLINICAL_ANALYST TO ROLE SYSADMIN',
    'GRANT ROLE BILLING_ANALYST TO ROLE SYSADMIN',
  ]);
  await engine.admin(phiTagStatements());
}

/**
 * The PHI columns carry a GATEHOUSE_PHI tag, as a data-governance team would set it
 * (https://docs.snowflake.com/en/user-guide/object-tagging/introduction), so Gatehouse's catalog
 * discovery reads their class from Snowflake (TAG_REFERENCES_ALL_COLUMNS) before it guesses.
 */
export const PHI_TAG = 'CLINICAL.GOVERNANCE.GATEHOUSE_PHI';
export const SEEDED_PHI_TAGS: Record<string, string> = {
  'CLINICAL.PHI.PATIENTS.MRN': 'MRN',
  'CLINICAL.PHI.PATIENTS.FIRST_NAME': 'NAME',
  'CLINICAL.PHI.PATIENTS.LAST_NAME': 'NAME',
  'CLINICAL.PHI.PATIENTS.DATE_OF_BIRTH': 'DATE',
  'CLINICAL.PHI.PATIENTS.SSN': 'SSN',
  'CLINICAL.PHI.PATIENTS.ADDRESS': 'STREET_ADDRESS',
  'CLINICAL.PHI.PATIENTS.CITY': 'CITY',
  'CLINICAL.PHI.PATIENTS.ZIP': 'ZIP',
  'CLINICAL.PHI.PATIENTS.PHONE': 'PHONE',
  'CLINICAL.PHI.PATIENTS.EMAIL': 'EMAIL',
  'CLINICAL.PHI.PATIENTS.INSURANCE_MEMBER_ID': 'HEALTH_PLAN_ID',
  'CLINICAL.PHI.ENCOUNTERS.ENCOUNTER_DATE': 'DATE',
  'CLINICAL.PHI.DIAGNOSES.DIAGNOSED_ON': 'DATE',
  'CLINICAL.PHI.CLINICAL_NOTES.NOTE_TEXT': 'text',
  'CLINICAL.BILLING.CLAIMS.MEMBER_ID': 'HEALTH_PLAN_ID',
};

function phiTagStatements(): string[] {
  const values = [...new Set(Object.values(SEEDED_PHI_TAGS)), 'none'].map((v) => `'${v}'`).join(', ');
  return [
    'CREATE SCHEMA IF NOT EXISTS CLINICAL.GOVERNANCE',
    `CREATE TAG IF NOT EXISTS ${PHI_TAG} ALLOWED_VALUES ${values} COMMENT = 'Gatehouse PHI class of a column: a PHI type, text (scan it) or none'`,
    ...Object.entries(SEEDED_PHI_TAGS).map(([qualified, value]) => {
      const at = qualified.lastIndexOf('.');
      return `ALTER TABLE ${qualified.slice(0, at)} MODIFY COLUMN ${qualified.slice(at + 1)} SET TAG ${PHI_TAG} = '${value}'`;
    }),
  ];
}
