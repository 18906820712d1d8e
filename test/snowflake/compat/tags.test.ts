import '../quiet';
import { describeCompat, type Case } from './cases';

const DOCS = 'https://docs.snowflake.com/en';
const CREATE_TAG = `${DOCS}/sql-reference/sql/create-tag`;
const ALTER_TABLE_TAG = `${DOCS}/sql-reference/sql/alter-table#label-alter-table-modify-column-tag`;
const GET_TAG = `${DOCS}/sql-reference/functions/system_get_tag`;
const REFS = `${DOCS}/sql-reference/functions/tag_references`;
const REFS_ALL = `${DOCS}/sql-reference/functions/tag_references_all_columns`;
const PRIVILEGES = `${DOCS}/user-guide/object-tagging/introduction#tag-privileges`;
const PHI_TAG = 'CLINICAL.GOVERNANCE.GATEHOUSE_PHI';

// Object tagging as Snowflake documents it, in order (each statement builds on the ones before).
const TAGGING: Case[] = [
  { sql: "CREATE TAG SCRATCH.PUBLIC.COST_CENTER ALLOWED_VALUES 'finance', 'engineering' COMMENT = 'who pays'", rows: [{ status: 'Tag COST_CENTER successfully created.' }], doc: CREATE_TAG },
  { sql: 'CREATE TAG SCRATCH.PUBLIC.COST_CENTER', error: { code: '002002', message: /already exists/ }, doc: CREATE_TAG },
  { sql: 'CREATE TAG IF NOT EXISTS SCRATCH.PUBLIC.COST_CENTER', rows: [{ status: 'COST_CENTER already exists, statement succeeded.' }], doc: CREATE_TAG },
  { sql: "SHOW TAGS LIKE 'COST%' IN SCHEMA SCRATCH.PUBLIC", check: (r) => expect(r.map((t) => [t.name, t.database_name, t.schema_name, t.comment, JSON.parse(String(t.allowed_values))])).toEqual([['COST_CENTER', 'SCRATCH', 'PUBLIC', 'who pays', ['finance', 'engineering']]]), doc: `${DOCS}/sql-reference/sql/show-tags` },
  { sql: 'CREATE OR REPLACE TABLE SCRATCH.PUBLIC.LEDGER (ID NUMBER, AMOUNT NUMBER(10,2), OWNER STRING)', rows: [{ status: 'Table LEDGER successfully created.' }], doc: `${DOCS}/sql-reference/sql/create-table` },
  { sql: "ALTER TABLE SCRATCH.PUBLIC.LEDGER SET TAG SCRATCH.PUBLIC.COST_CENTER = 'finance'", rows: [{ status: 'Statement executed successfully.' }], doc: `${DOCS}/sql-reference/sql/alter-table#label-alter-table-tag` },
  { sql: "ALTER TABLE SCRATCH.PUBLIC.LEDGER MODIFY COLUMN OWNER SET TAG SCRATCH.PUBLIC.COST_CENTER = 'engineering'", rows: [{ status: 'Statement executed successfully.' }], doc: ALTER_TABLE_TAG },
  // A value outside ALLOWED_VALUES is refused.
  { sql: "ALTER TABLE SCRATCH.PUBLIC.LEDGER MODIFY COLUMN AMOUNT SET TAG SCRATCH.PUBLIC.COST_CENTER = 'marketing'", error: { code: '003182', message: /not allowed/ }, doc: `${DOCS}/user-guide/object-tagging/work#set-a-list-of-allowed-tag-values` },
  { sql: "ALTER TAG SCRATCH.PUBLIC.COST_CENTER ADD ALLOWED_VALUES 'marketing'", rows: [{ status: 'Statement executed successfully.' }], doc: `${DOCS}/sql-reference/sql/alter-tag` },
  { sql: "ALTER TABLE SCRATCH.PUBLIC.LEDGER ALTER COLUMN AMOUNT SET TAG SCRATCH.PUBLIC.COST_CENTER = 'marketing'", rows: [{ status: 'Statement executed successfully.' }], doc: ALTER_TABLE_TAG },
  { sql: "ALTER TABLE SCRATCH.PUBLIC.LEDGER MODIFY COLUMN NOPE SET TAG SCRATCH.PUBLIC.COST_CENTER = 'finance'", error: { code: '000904', message: /invalid identifier 'NOPE'/ }, doc: ALTER_TABLE_TAG },
  { sql: "ALTER TABLE SCRATCH.PUBLIC.LEDGER SET TAG SCRATCH.PUBLIC.NO_SUCH_TAG = 'x'", error: { code: '002003', message: /Tag 'SCRATCH.PUBLIC.NO_SUCH_TAG' does not exist or not authorized/ }, doc: ALTER_TABLE_TAG },
  // SYSTEM$GET_TAG: the value set on that table or column, NULL when none.
  {
    sql: "SELECT SYSTEM$GET_TAG('SCRATCH.PUBLIC.COST_CENTER', 'SCRATCH.PUBLIC.LEDGER', 'table') AS T, SYSTEM$GET_TAG('SCRATCH.PUBLIC.COST_CENTER', 'SCRATCH.PUBLIC.LEDGER.OWNER', 'COLUMN') AS O, SYSTEM$GET_TAG('SCRATCH.PUBLIC.COST_CENTER', 'SCRATCH.PUBLIC.LEDGER.ID', 'COLUMN') AS I",
    rows: [{ T: 'finance', O: 'engineering', I: null }],
    doc: GET_TAG,
  },
  // Names resolve against the session's database and schema (SCRATCH.PUBLIC: CREATE DATABASE made it current).
  { sql: "SELECT SYSTEM$GET_TAG('cost_center', 'ledger', 'TABLE') AS T", rows: [{ T: 'finance' }], doc: GET_TAG },
  { sql: "SELECT SYSTEM$GET_TAG('\"cost_center\"', 'ledger', 'TABLE') AS T", error: { code: '002003', message: /Tag 'SCRATCH.PUBLIC.cost_center' does not exist/ }, doc: `${DOCS}/sql-reference/identifiers-syntax` },
  { sql: "SELECT SYSTEM$GET_TAG('SCRATCH.PUBLIC.COST_CENTER', 'SCRATCH.PUBLIC.NOPE', 'TABLE') AS T", error: { code: '002003' }, doc: GET_TAG },
  // TAG_REFERENCES_ALL_COLUMNS: every column's tags, its own and those inherited from the table.
  {
    sql: "SELECT COLUMN_NAME, TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE, LEVEL, APPLY_METHOD, DOMAIN, OBJECT_NAME FROM TABLE(SCRATCH.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('SCRATCH.PUBLIC.LEDGER', 'table')) ORDER BY COLUMN_NAME",
    rows: [
      { COLUMN_NAME: 'AMOUNT', TAG_DATABASE: 'SCRATCH', TAG_SCHEMA: 'PUBLIC', TAG_NAME: 'COST_CENTER', TAG_VALUE: 'marketing', LEVEL: 'COLUMN', APPLY_METHOD: 'MANUAL', DOMAIN: 'COLUMN', OBJECT_NAME: 'LEDGER' },
      { COLUMN_NAME: 'ID', TAG_DATABASE: 'SCRATCH', TAG_SCHEMA: 'PUBLIC', TAG_NAME: 'COST_CENTER', TAG_VALUE: 'finance', LEVEL: 'TABLE', APPLY_METHOD: 'INHERITED', DOMAIN: 'COLUMN', OBJECT_NAME: 'LEDGER' },
      { COLUMN_NAME: 'OWNER', TAG_DATABASE: 'SCRATCH', TAG_SCHEMA: 'PUBLIC', TAG_NAME: 'COST_CENTER', TAG_VALUE: 'engineering', LEVEL: 'COLUMN', APPLY_METHOD: 'MANUAL', DOMAIN: 'COLUMN', OBJECT_NAME: 'LEDGER' },
    ],
    doc: REFS_ALL,
  },
  { sql: "SELECT * FROM TABLE(SCRATCH.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('SCRATCH.PUBLIC.LEDGER', 'table')) LIMIT 1", check: (r) => expect(Object.keys(r[0]!)).toEqual(['TAG_DATABASE', 'TAG_SCHEMA', 'TAG_NAME', 'TAG_VALUE', 'APPLY_METHOD', 'LEVEL', 'OBJECT_DATABASE', 'OBJECT_SCHEMA', 'OBJECT_NAME', 'DOMAIN', 'COLUMN_NAME']), doc: REFS_ALL },
  { sql: "SELECT COUNT(*) AS N FROM TABLE(SCRATCH.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('SCRATCH.PUBLIC.LEDGER', 'column'))", error: { code: '002140', message: /only TABLE/ }, doc: REFS_ALL },
  // The function needs INFORMATION_SCHEMA in its name (or in use).
  { sql: "SELECT COUNT(*) AS N FROM TABLE(TAG_REFERENCES_ALL_COLUMNS('SCRATCH.PUBLIC.LEDGER', 'table'))", error: { code: '002140' }, doc: `${DOCS}/sql-reference/info-schema#general-usage-notes` },
  // TAG_REFERENCES: the tags of one object (a column's include the table's, inherited).
  { sql: "SELECT TAG_NAME, TAG_VALUE, LEVEL, DOMAIN, COLUMN_NAME FROM TABLE(SCRATCH.INFORMATION_SCHEMA.TAG_REFERENCES('SCRATCH.PUBLIC.LEDGER', 'table'))", rows: [{ TAG_NAME: 'COST_CENTER', TAG_VALUE: 'finance', LEVEL: 'TABLE', DOMAIN: 'TABLE', COLUMN_NAME: null }], doc: REFS },
  { sql: "SELECT TAG_VALUE, LEVEL FROM TABLE(SCRATCH.INFORMATION_SCHEMA.TAG_REFERENCES('SCRATCH.PUBLIC.LEDGER.ID', 'column'))", rows: [{ TAG_VALUE: 'finance', LEVEL: 'TABLE' }], doc: REFS },
  { sql: "SELECT t.TAG_VALUE FROM TABLE(SCRATCH.INFORMATION_SCHEMA.TAG_REFERENCES('SCRATCH.PUBLIC.LEDGER.OWNER', 'column')) t WHERE t.LEVEL = 'COLUMN'", rows: [{ TAG_VALUE: 'engineering' }], doc: REFS },
  // UNSET TAG removes it; the column then inherits the table's value.
  { sql: 'ALTER TABLE SCRATCH.PUBLIC.LEDGER MODIFY COLUMN OWNER UNSET TAG SCRATCH.PUBLIC.COST_CENTER', rows: [{ status: 'Statement executed successfully.' }], doc: ALTER_TABLE_TAG },
  { sql: "SELECT SYSTEM$GET_TAG('SCRATCH.PUBLIC.COST_CENTER', 'SCRATCH.PUBLIC.LEDGER.OWNER', 'column') AS O", rows: [{ O: null }], doc: GET_TAG },
  { sql: "SELECT TAG_VALUE, LEVEL FROM TABLE(SCRATCH.INFORMATION_SCHEMA.TAG_REFERENCES('SCRATCH.PUBLIC.LEDGER.OWNER', 'column'))", rows: [{ TAG_VALUE: 'finance', LEVEL: 'TABLE' }], doc: REFS },
  // DROP TAG removes its references.
  { sql: 'DROP TAG SCRATCH.PUBLIC.COST_CENTER', rows: [{ status: 'COST_CENTER successfully dropped.' }], doc: `${DOCS}/sql-reference/sql/drop-tag` },
  { sql: "SELECT COUNT(*) AS N FROM TABLE(SCRATCH.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('SCRATCH.PUBLIC.LEDGER', 'table'))", rows: [{ N: 0 }], doc: REFS_ALL },
];

// The seeded data: its PHI columns carry GATEHOUSE_PHI, and a read-only role cannot change that.
const SEEDED_AND_HOSTILE: Case[] = [
  {
    sql: "SELECT COLUMN_NAME, TAG_VALUE FROM TABLE(CLINICAL.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('CLINICAL.PHI.PATIENTS', 'table')) WHERE TAG_NAME = 'GATEHOUSE_PHI' ORDER BY COLUMN_NAME",
    analyst: true,
    check: (r) => expect(Object.fromEntries(r.map((x) => [x.COLUMN_NAME, x.TAG_VALUE]))).toEqual({ ADDRESS: 'STREET_ADDRESS', CITY: 'CITY', DATE_OF_BIRTH: 'DATE', EMAIL: 'EMAIL', FIRST_NAME: 'NAME', INSURANCE_MEMBER_ID: 'HEALTH_PLAN_ID', LAST_NAME: 'NAME', MRN: 'MRN', PHONE: 'PHONE', SSN: 'SSN', ZIP: 'ZIP' }),
    doc: REFS_ALL,
  },
  // Results only for a role that has access to the object: CLAIMS is not the clinical analyst's.
  { sql: "SELECT COUNT(*) AS N FROM TABLE(CLINICAL.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('CLINICAL.BILLING.CLAIMS', 'table'))", analyst: true, error: { code: '002003' }, doc: REFS_ALL },
  // GET_TAG needs USAGE on the tag's schema: the analyst has none on GOVERNANCE.
  { sql: `SELECT SYSTEM$GET_TAG('${PHI_TAG}', 'CLINICAL.PHI.PATIENTS.SSN', 'COLUMN') AS V`, analyst: true, error: { code: '002003', message: /Tag 'CLINICAL.GOVERNANCE.GATEHOUSE_PHI' does not exist or not authorized/ }, doc: GET_TAG },
  { sql: `ALTER TABLE CLINICAL.PHI.PATIENTS MODIFY COLUMN SSN UNSET TAG ${PHI_TAG}`, analyst: true, error: { code: '002003' }, doc: PRIVILEGES },
  // Even seeing the tag (USAGE on its schema), a role that only reads the table cannot unset, rewrite, drop or create tags.
  { sql: 'GRANT USAGE ON SCHEMA CLINICAL.GOVERNANCE TO ROLE CLINICAL_ANALYST', rows: [{ status: 'Statement executed successfully.' }], doc: `${DOCS}/sql-reference/sql/grant-privilege` },
  { sql: `ALTER TABLE CLINICAL.PHI.PATIENTS MODIFY COLUMN SSN UNSET TAG ${PHI_TAG}`, analyst: true, error: { code: '003001', sqlState: '42501' }, doc: PRIVILEGES },
  { sql: `ALTER TABLE CLINICAL.PHI.PATIENTS MODIFY COLUMN SSN SET TAG ${PHI_TAG} = 'none'`, analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  { sql: `ALTER TABLE PATIENTS ALTER COLUMN FIRST_NAME SET TAG ${PHI_TAG} = 'none'`, analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  { sql: `ALTER TABLE CLINICAL.PHI.PATIENTS SET TAG ${PHI_TAG} = 'none'`, analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  { sql: `ALTER TAG ${PHI_TAG} DROP ALLOWED_VALUES 'SSN'`, analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  { sql: `ALTER TAG ${PHI_TAG} UNSET ALLOWED_VALUES`, analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  { sql: `DROP TAG ${PHI_TAG}`, analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  { sql: 'CREATE TAG CLINICAL.PHI.GATEHOUSE_PHI', analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  { sql: 'CREATE OR REPLACE TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI', analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  // APPLY on the tag is not enough without owning the table.
  { sql: `GRANT APPLY ON TAG ${PHI_TAG} TO ROLE CLINICAL_ANALYST`, rows: [{ status: 'Statement executed successfully.' }], doc: PRIVILEGES },
  { sql: `ALTER TABLE CLINICAL.PHI.PATIENTS MODIFY COLUMN SSN UNSET TAG ${PHI_TAG}`, analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  { sql: `REVOKE APPLY ON TAG ${PHI_TAG} FROM ROLE CLINICAL_ANALYST`, rows: [{ status: 'Statement executed successfully.' }], doc: PRIVILEGES },
  // Nothing changed.
  { sql: `SELECT SYSTEM$GET_TAG('${PHI_TAG}', 'CLINICAL.PHI.PATIENTS.SSN', 'COLUMN') AS V, SYSTEM$GET_TAG('${PHI_TAG}', 'CLINICAL.PHI.PATIENTS', 'TABLE') AS T`, analyst: true, rows: [{ V: 'SSN', T: null }], doc: GET_TAG },
  // A role that owns a table and holds APPLY on a tag may tag it; APPLY TAG on the account may tag anything.
  { sql: 'CREATE TABLE CLINICAL.PHI.ANALYST_NOTES (NOTE STRING)', rows: [{ status: 'Table ANALYST_NOTES successfully created.' }], doc: `${DOCS}/sql-reference/sql/create-table` },
  { sql: 'GRANT OWNERSHIP ON TABLE CLINICAL.PHI.ANALYST_NOTES TO ROLE CLINICAL_ANALYST', rows: [{ status: 'Statement executed successfully.' }], doc: `${DOCS}/sql-reference/sql/grant-ownership` },
  { sql: `ALTER TABLE CLINICAL.PHI.ANALYST_NOTES MODIFY COLUMN NOTE SET TAG ${PHI_TAG} = 'text'`, analyst: true, error: { code: '003001' }, doc: PRIVILEGES },
  { sql: `GRANT APPLY ON TAG ${PHI_TAG} TO ROLE CLINICAL_ANALYST`, rows: [{ status: 'Statement executed successfully.' }], doc: PRIVILEGES },
  { sql: `ALTER TABLE CLINICAL.PHI.ANALYST_NOTES MODIFY COLUMN NOTE SET TAG ${PHI_TAG} = 'text'`, analyst: true, rows: [{ status: 'Statement executed successfully.' }], doc: PRIVILEGES },
  { sql: `SELECT SYSTEM$GET_TAG('${PHI_TAG}', 'CLINICAL.PHI.ANALYST_NOTES.NOTE', 'COLUMN') AS V`, analyst: true, rows: [{ V: 'text' }], doc: GET_TAG },
  // Dropping a table drops its tag references.
  { sql: 'DROP TABLE CLINICAL.PHI.ANALYST_NOTES', rows: [{ status: 'ANALYST_NOTES successfully dropped.' }], doc: `${DOCS}/sql-reference/sql/drop-table` },
  { sql: 'CREATE TABLE CLINICAL.PHI.ANALYST_NOTES (NOTE STRING)', rows: [{ status: 'Table ANALYST_NOTES successfully created.' }], doc: `${DOCS}/sql-reference/sql/create-table` },
  { sql: `SELECT SYSTEM$GET_TAG('${PHI_TAG}', 'CLINICAL.PHI.ANALYST_NOTES.NOTE', 'COLUMN') AS V`, rows: [{ V: null }], doc: GET_TAG },
  // CREATE OR REPLACE drops the table and creates a new one: the old one's tags do not carry over.
  { sql: `ALTER TABLE CLINICAL.PHI.ANALYST_NOTES MODIFY COLUMN NOTE SET TAG ${PHI_TAG} = 'NAME'`, rows: [{ status: 'Statement executed successfully.' }], doc: ALTER_TABLE_TAG },
  { sql: 'CREATE OR REPLACE TABLE CLINICAL.PHI.ANALYST_NOTES (NOTE STRING)', rows: [{ status: 'Table ANALYST_NOTES successfully created.' }], doc: `${DOCS}/sql-reference/sql/create-table` },
  { sql: `SELECT SYSTEM$GET_TAG('${PHI_TAG}', 'CLINICAL.PHI.ANALYST_NOTES.NOTE', 'COLUMN') AS V`, rows: [{ V: null }], doc: GET_TAG },
];

describeCompat('object tagging through the unmodified snowflake-sdk', {
  'tags (in order)': TAGGING,
  'seeded PHI tags and a read-only role (in order)': SEEDED_AND_HOSTILE,
});
