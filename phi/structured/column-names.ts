import type { EntityType } from '../types';

/**
 * Column names that announce PHI. Names are compared in snake_case ("firstName", "FIRST NAME"
 * and "first_name" are the same), first whole, then word by word.
 */
const EXACT: Record<string, EntityType> = {
  name: 'NAME', full_name: 'NAME', fullname: 'NAME', first_name: 'NAME', firstname: 'NAME', fname: 'NAME', last_name: 'NAME',
  lastname: 'NAME', lname: 'NAME', middle_name: 'NAME', given_name: 'NAME', family_name: 'NAME', surname: 'NAME', maiden_name: 'NAME',
  patient: 'NAME', guarantor: 'NAME', emergency_contact: 'NAME', next_of_kin: 'NAME', nok: 'NAME', initials: 'NAME',
  address: 'STREET_ADDRESS', street: 'STREET_ADDRESS', address1: 'STREET_ADDRESS', address2: 'STREET_ADDRESS', addr: 'STREET_ADDRESS',
  address_line1: 'STREET_ADDRESS', address_line2: 'STREET_ADDRESS', address_line_1: 'STREET_ADDRESS', address_line_2: 'STREET_ADDRESS',
  street_address: 'STREET_ADDRESS', home_address: 'STREET_ADDRESS', mailing_address: 'STREET_ADDRESS',
  city: 'CITY', town: 'CITY', county: 'CITY', municipality: 'CITY', precinct: 'CITY',
  zip: 'ZIP', zipcode: 'ZIP', zip_code: 'ZIP', postal_code: 'ZIP', postalcode: 'ZIP', postcode: 'ZIP', zip5: 'ZIP', zip4: 'ZIP',
  dob: 'DATE', birth_date: 'DATE', birthdate: 'DATE', date_of_birth: 'DATE', dod: 'DATE', death_date: 'DATE', date_of_death: 'DATE',
  age: 'AGE', age_years: 'AGE', patient_age: 'AGE',
  phone: 'PHONE', telephone: 'PHONE', tel: 'PHONE', mobile: 'PHONE', cell: 'PHONE', cellphone: 'PHONE', pager: 'PHONE',
  fax: 'FAX', fax_number: 'FAX',
  email: 'EMAIL', e_mail: 'EMAIL', email_address: 'EMAIL',
  ssn: 'SSN', social_security_number: 'SSN', social_security: 'SSN', ss_number: 'SSN', tin: 'SSN', itin: 'SSN',
  mrn: 'MRN', medical_record_number: 'MRN', medical_record: 'MRN', chart_number: 'MRN', patient_id: 'MRN', patient_number: 'MRN',
  member_id: 'HEALTH_PLAN_ID', subscriber_id: 'HEALTH_PLAN_ID', policy_number: 'HEALTH_PLAN_ID', insurance_id: 'HEALTH_PLAN_ID',
  health_plan_id: 'HEALTH_PLAN_ID', medicaid_id: 'HEALTH_PLAN_ID', medicare_id: 'HEALTH_PLAN_ID', mbi: 'HEALTH_PLAN_ID',
  hicn: 'HEALTH_PLAN_ID', beneficiary_id: 'HEALTH_PLAN_ID', group_number: 'HEALTH_PLAN_ID', plan_member_id: 'HEALTH_PLAN_ID',
  account_number: 'ACCOUNT_NUMBER', account_no: 'ACCOUNT_NUMBER', acct: 'ACCOUNT_NUMBER', acct_no: 'ACCOUNT_NUMBER',
  account: 'ACCOUNT_NUMBER', bank_account: 'ACCOUNT_NUMBER', iban: 'ACCOUNT_NUMBER', billing_account: 'ACCOUNT_NUMBER',
  license: 'LICENSE_NUMBER', license_number: 'LICENSE_NUMBER', licence_number: 'LICENSE_NUMBER', drivers_license: 'LICENSE_NUMBER',
  driver_license: 'LICENSE_NUMBER', dl_number: 'LICENSE_NUMBER', passport: 'LICENSE_NUMBER', passport_number: 'LICENSE_NUMBER',
  dea: 'DEA_NUMBER', dea_number: 'DEA_NUMBER', npi: 'NPI', npi_number: 'NPI', provider_npi: 'NPI',
  vin: 'VIN', vehicle_id: 'VIN', license_plate: 'LICENSE_PLATE', plate: 'LICENSE_PLATE', plate_number: 'LICENSE_PLATE',
  device_id: 'DEVICE_ID', serial: 'DEVICE_ID', serial_number: 'DEVICE_ID', serial_no: 'DEVICE_ID', udi: 'DEVICE_ID', imei: 'DEVICE_ID',
  mac_address: 'DEVICE_ID', device_serial: 'DEVICE_ID',
  url: 'URL', website: 'URL', homepage: 'URL', web_url: 'URL', profile_url: 'URL',
  ip: 'IP_ADDRESS', ip_address: 'IP_ADDRESS', ipaddress: 'IP_ADDRESS', client_ip: 'IP_ADDRESS', remote_addr: 'IP_ADDRESS',
  card_number: 'CARD_NUMBER', credit_card: 'CARD_NUMBER', credit_card_number: 'CARD_NUMBER', cc_number: 'CARD_NUMBER', pan: 'CARD_NUMBER',
};

/** Words that make a column PHI wherever they stand in its name ("home_phone", "patient_ssn"). */
const WORDS: Record<string, EntityType> = {
  ssn: 'SSN', mrn: 'MRN', dob: 'DATE', phone: 'PHONE', telephone: 'PHONE', mobile: 'PHONE', fax: 'FAX', email: 'EMAIL',
  zip: 'ZIP', zipcode: 'ZIP', postal: 'ZIP', npi: 'NPI', dea: 'DEA_NUMBER', vin: 'VIN', address: 'STREET_ADDRESS',
  street: 'STREET_ADDRESS', city: 'CITY', birth: 'DATE', birthdate: 'DATE', surname: 'NAME', firstname: 'NAME', lastname: 'NAME',
  ip: 'IP_ADDRESS', url: 'URL', imei: 'DEVICE_ID', serial: 'DEVICE_ID', medicaid: 'HEALTH_PLAN_ID', medicare: 'HEALTH_PLAN_ID',
  subscriber: 'HEALTH_PLAN_ID', member: 'HEALTH_PLAN_ID', policy: 'HEALTH_PLAN_ID', account: 'ACCOUNT_NUMBER', acct: 'ACCOUNT_NUMBER',
  license: 'LICENSE_NUMBER', licence: 'LICENSE_NUMBER', passport: 'LICENSE_NUMBER', plate: 'LICENSE_PLATE',
};

/** Name columns about things, not people ("drug_name", "table_name"). */
const NOT_PEOPLE = new Set(['drug', 'medication', 'med', 'file', 'table', 'column', 'schema', 'database', 'db', 'product', 'brand', 'generic', 'facility', 'hospital', 'department', 'dept', 'test', 'procedure', 'diagnosis', 'code', 'display', 'host', 'server', 'role', 'warehouse', 'service', 'plan', 'payer', 'organization', 'org', 'company', 'tool', 'object', 'field', 'type', 'status', 'event', 'lab', 'panel', 'unit', 'ward', 'site', 'location', 'clinic', 'practice', 'insurer', 'vendor', 'manufacturer', 'model', 'category', 'class', 'user', 'username', 'stage', 'task', 'job', 'queue', 'topic', 'key']);
const PERSON_QUALIFIERS = new Set(['first', 'last', 'middle', 'given', 'family', 'full', 'patient', 'maiden', 'legal', 'preferred', 'member', 'subscriber', 'guarantor', 'contact', 'mother', 'father', 'spouse', 'parent', 'guardian', 'relative', 'emergency', 'insured', 'beneficiary', 'person', 'pt', 'nok', 'caregiver', 'physician', 'provider', 'doctor', 'nurse', 'attending', 'referring', 'employer']);
/** Date columns that are events in a person's care ("admit_date", "service_dt"). */
const DATE_WORDS = new Set(['date', 'dt', 'dob', 'dod', 'birthday', 'admitted', 'discharged']);
const NOT_PHI_DATE = new Set(['created', 'updated', 'modified', 'loaded', 'etl', 'ingested', 'inserted', 'refresh', 'snapshot', 'effective_from', 'valid']);

/** Columns that describe a PHI field without holding it ("phone_type", "email_verified"). */
const DESCRIPTIVE_TAILS = new Set(['count', 'type', 'status', 'flag', 'category', 'total', 'kind', 'verified', 'valid', 'consent', 'preference', 'format', 'length', 'source', 'present', 'missing', 'is', 'has']);

export function snakeCase(column: string): string {
  return column
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Own members only: `EXACT.constructor` is Object, and a column named "constructor" announced it as a type. */
const lookup = (table: Record<string, EntityType>, key: string): EntityType | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/**
 * Names already classified: the same result columns come back call after call, and a record key is
 * classified for every record. A pure function of the name; bounded (the names are the client's and
 * the server's to choose: at most KNOWN_MAX names of up to KNOWN_NAME_MAX characters), emptied when full.
 */
const known = new Map<string, EntityType | null>();
const KNOWN_MAX = 4_096;
const KNOWN_NAME_MAX = 256;

/** The PHI type a column's name announces, if any. */
export function typeFromColumnName(column: string): EntityType | undefined {
  const cached = known.get(column);
  if (cached !== undefined) return cached ?? undefined;
  const type = typeOfName(column);
  if (column.length > KNOWN_NAME_MAX) return type;
  if (known.size >= KNOWN_MAX) known.clear();
  known.set(column, type ?? null);
  return type;
}

function typeOfName(column: string): EntityType | undefined {
  const name = snakeCase(column.slice(column.lastIndexOf('.') + 1));
  const exact = lookup(EXACT, name);
  if (exact) return exact;
  const words = name.split('_').filter(Boolean);
  if (words.includes('name') || words.includes('nm')) {
    if (words.some((w) => PERSON_QUALIFIERS.has(w)) && !words.some((w) => NOT_PEOPLE.has(w))) return 'NAME';
    return undefined;
  }
  const last = words[words.length - 1];
  if (last && DESCRIPTIVE_TAILS.has(last)) return undefined;
  if (last && DATE_WORDS.has(last) && !words.some((w) => NOT_PHI_DATE.has(w))) return 'DATE';
  for (const w of words) {
    const type = lookup(WORDS, w);
    if (type) return type;
  }
  if (words.includes('id') && words.some((w) => w === 'patient' || w === 'person')) return 'MRN';
  return undefined;
}
