import '../quiet';
import { describeCompat, type Case } from './cases';

const DOCS = 'https://docs.snowflake.com/en';

// Types as Snowflake reports them (value and rowType).
const TYPES: Case[] = [
  // NUMBER without precision is NUMBER(38,0): 42::NUMBER is 42, not 42.000.
  { sql: 'SELECT 42::NUMBER AS N', rows: [{ N: 42 }], doc: `${DOCS}/sql-reference/data-types-numeric#number` },
  { sql: "SELECT '12.7'::NUMBER AS N", rows: [{ N: 13 }], doc: `${DOCS}/sql-reference/data-types-numeric#number` },
  { sql: 'SELECT 3.14159::NUMBER(10,2) AS N', rows: [{ N: 3.14 }], doc: `${DOCS}/sql-reference/data-types-numeric#number` },
  { sql: 'SELECT 7::DECIMAL AS N, 8::NUMERIC AS M, 9::INT AS I', rows: [{ N: 7, M: 8, I: 9 }], doc: `${DOCS}/sql-reference/data-types-numeric#int-integer-bigint-smallint-tinyint-byteint` },
  { sql: 'SELECT 42::NUMBER AS N', check: async (_r, d) => { const { statement } = await d.statement('SELECT 42::NUMBER AS N'); const c = statement.getColumns()![0]!; expect([c.getType(), c.getPrecision(), c.getScale()]).toEqual(['fixed', 38, 0]); }, doc: `${DOCS}/sql-reference/data-types-numeric#number` },
  // FLOAT is 64-bit double precision.
  { sql: 'SELECT 0.1::FLOAT AS F', rows: [{ F: 0.1 }], doc: `${DOCS}/sql-reference/data-types-numeric#float-float4-float8` },
  { sql: 'SELECT 1e300::FLOAT AS F', rows: [{ F: 1e300 }], doc: `${DOCS}/sql-reference/data-types-numeric#float-float4-float8` },
  { sql: 'SELECT 2.5::DOUBLE AS D, 1.5::REAL AS R, 0.25::FLOAT4 AS F4', rows: [{ D: 2.5, R: 1.5, F4: 0.25 }], doc: `${DOCS}/sql-reference/data-types-numeric#float-float4-float8` },
  // Division by zero fails with 100051.
  { sql: 'SELECT 1/0 AS X', error: { code: '100051', message: /Division by zero/, sqlState: '22012' }, doc: `${DOCS}/sql-reference/operators-arithmetic` },
  { sql: 'SELECT 10 / (5 - 5) AS X', error: { code: '100051' }, doc: `${DOCS}/sql-reference/operators-arithmetic` },
  { sql: 'SELECT 6 / 3 AS X', rows: [{ X: 2 }], doc: `${DOCS}/sql-reference/operators-arithmetic` },
  // NULLs sort as the largest values: last ascending, first descending.
  { sql: 'SELECT COLUMN1 AS X FROM VALUES (1), (NULL), (3) ORDER BY X DESC', rows: [{ X: null }, { X: 3 }, { X: 1 }], doc: `${DOCS}/sql-reference/constructs/order-by` },
  { sql: 'SELECT COLUMN1 AS X FROM VALUES (1), (NULL), (3) ORDER BY X', rows: [{ X: 1 }, { X: 3 }, { X: null }], doc: `${DOCS}/sql-reference/constructs/order-by` },
  { sql: 'SELECT COLUMN1 AS X FROM VALUES (1), (NULL) ORDER BY X DESC NULLS LAST', rows: [{ X: 1 }, { X: null }], doc: `${DOCS}/sql-reference/constructs/order-by` },
  // ARRAY_AGG of numbers is an array of numbers.
  { sql: 'SELECT ARRAY_AGG(COLUMN1) AS A FROM VALUES (1.5), (2.5)', check: (r) => expect((r[0]!.A as number[]).slice().sort()).toEqual([1.5, 2.5]), doc: `${DOCS}/sql-reference/functions/array_agg` },
  { sql: 'SELECT ARRAY_AGG(PATIENT_ID) WITHIN GROUP (ORDER BY PATIENT_ID) AS A FROM CLINICAL.PHI.PATIENTS WHERE PATIENT_ID <= 2', rows: [{ A: [1, 2] }], doc: `${DOCS}/sql-reference/functions/array_agg` },
  // DATE_TRUNC on a DATE returns a DATE.
  { sql: "SELECT DATE_TRUNC('MONTH', '2024-05-17'::DATE) AS D", check: async (_r, d) => { const { statement } = await d.statement("SELECT DATE_TRUNC('MONTH', '2024-05-17'::DATE) AS D"); expect(statement.getColumns()![0]!.getType()).toBe('date'); }, doc: `${DOCS}/sql-reference/functions/date_trunc` },
  // Quoted identifiers are case-sensitive, unquoted ones resolve upper-case.
  { sql: 'SELECT 1 AS "lower", 2 AS Mixed', rows: [{ lower: 1, MIXED: 2 }], doc: `${DOCS}/sql-reference/identifiers-syntax` },
  { sql: 'SELECT COUNT(*) FROM CLINICAL.PHI."patients"', error: { code: '002003', sqlState: '42S02' }, doc: `${DOCS}/sql-reference/identifiers-syntax#double-quoted-identifiers` },
  { sql: 'SELECT COUNT(*) AS N FROM clinical.phi.patients', rows: [{ N: 20 }], doc: `${DOCS}/sql-reference/identifiers-syntax#unquoted-identifiers` },
  { sql: 'SELECT COUNT(*) AS N FROM "CLINICAL"."PHI"."PATIENTS"', rows: [{ N: 20 }], doc: `${DOCS}/sql-reference/identifiers-syntax#double-quoted-identifiers` },
  // TIMESTAMP_TZ keeps its offset.
  { sql: "SELECT '2024-01-02 03:04:05 +02:00'::TIMESTAMP_TZ AS T", check: (r) => expect(JSON.stringify(r[0]!.T)).toBe('"2024-01-02 03:04:05.000 +0200"'), doc: `${DOCS}/sql-reference/data-types-datetime#timestamp-ltz-timestamp-ntz-timestamp-tz` },
  { sql: "SELECT CAST('2024-06-01 10:00:00 -07:00' AS TIMESTAMP_TZ) AS T", check: (r) => expect((r[0]!.T as Date).toISOString()).toBe('2024-06-01T17:00:00.000Z'), doc: `${DOCS}/sql-reference/data-types-datetime` },
  { sql: "SELECT TO_TIMESTAMP_TZ('2024-01-02 03:04:05.123-05:30') AS T", check: (r) => expect((r[0]!.T as unknown as { getTimezone(): number }).getTimezone()).toBe(-330), doc: `${DOCS}/sql-reference/functions/to_timestamp` },
  // Booleans, dates and strings round-trip.
  { sql: "SELECT TRUE AS B, '2024-02-29'::DATE AS D, 'x' || 'y' AS S", check: (r) => expect([r[0]!.B, (r[0]!.D as Date).toISOString(), r[0]!.S]).toEqual([true, '2024-02-29T00:00:00.000Z', 'xy']), doc: `${DOCS}/sql-reference/data-types` },
  // NOT NULL columns are reported as such.
  { sql: 'DESCRIBE TABLE CLINICAL.PHI.PATIENTS', check: (r) => expect(r.find((c) => c.name === 'PATIENT_ID')).toMatchObject({ 'null?': 'N', type: 'NUMBER(38,0)' }), doc: `${DOCS}/sql-reference/sql/desc-table` },
];

// INFORMATION_SCHEMA and SHOW, as discovery agents use them.
const DISCOVERY: Case[] = [
  { sql: "SELECT TABLE_NAME, TABLE_TYPE FROM CLINICAL.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'BILLING'", rows: [{ TABLE_NAME: 'CLAIMS', TABLE_TYPE: 'BASE TABLE' }], doc: `${DOCS}/sql-reference/info-schema/tables` },
  { sql: 'SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES ORDER BY TABLE_NAME', analyst: true, rows: [{ TABLE_NAME: 'CLINICAL_NOTES' }, { TABLE_NAME: 'DIAGNOSES' }, { TABLE_NAME: 'ENCOUNTERS' }, { TABLE_NAME: 'PATIENTS' }], doc: `${DOCS}/sql-reference/info-schema` },
  { sql: "SELECT COUNT(*) AS N FROM CLINICAL.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'CLAIMS'", analyst: true, rows: [{ N: 0 }], doc: `${DOCS}/sql-reference/info-schema` },
  { sql: "SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE, NUMERIC_PRECISION, NUMERIC_SCALE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'PATIENTS' AND COLUMN_NAME = 'PATIENT_ID'", analyst: true, rows: [{ COLUMN_NAME: 'PATIENT_ID', DATA_TYPE: 'NUMBER', IS_NULLABLE: 'NO', NUMERIC_PRECISION: 38, NUMERIC_SCALE: 0 }], doc: `${DOCS}/sql-reference/info-schema/columns` },
  { sql: "SELECT DATA_TYPE, CHARACTER_MAXIMUM_LENGTH FROM CLINICAL.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'PATIENTS' AND COLUMN_NAME = 'MRN'", rows: [{ DATA_TYPE: 'TEXT', CHARACTER_MAXIMUM_LENGTH: 16777216 }], doc: `${DOCS}/sql-reference/info-schema/columns` },
  { sql: "SELECT COUNT(*) AS N FROM CLINICAL.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'CLAIMS'", analyst: true, rows: [{ N: 0 }], doc: `${DOCS}/sql-reference/info-schema/columns` },
  { sql: 'SELECT SCHEMA_NAME FROM CLINICAL.INFORMATION_SCHEMA.SCHEMATA ORDER BY 1', analyst: true, rows: [{ SCHEMA_NAME: 'INFORMATION_SCHEMA' }, { SCHEMA_NAME: 'PHI' }], doc: `${DOCS}/sql-reference/info-schema/schemata` },
  { sql: 'SELECT COUNT(*) AS N FROM NOPE.INFORMATION_SCHEMA.TABLES', error: { code: '002003' }, doc: `${DOCS}/sql-reference/info-schema` },
  { sql: 'SHOW TABLES IN SCHEMA CLINICAL.PHI', analyst: true, check: (r) => { expect(r.map((t) => t.name)).toEqual(['CLINICAL_NOTES', 'DIAGNOSES', 'ENCOUNTERS', 'PATIENTS']); expect(Object.keys(r[0]!)).toEqual(expect.arrayContaining(['created_on', 'name', 'database_name', 'schema_name', 'kind', 'comment', 'cluster_by', 'rows', 'bytes', 'owner', 'retention_time'])); }, doc: `${DOCS}/sql-reference/sql/show-tables` },
  { sql: "SHOW TABLES LIKE 'PAT%' IN SCHEMA CLINICAL.PHI", check: (r) => expect(r.map((t) => [t.name, t.kind, t.database_name, t.schema_name])).toEqual([['PATIENTS', 'TABLE', 'CLINICAL', 'PHI']]), doc: `${DOCS}/sql-reference/sql/show-tables` },
  { sql: 'SHOW SCHEMAS IN DATABASE CLINICAL', check: (r) => expect(r.map((s) => s.name)).toEqual(expect.arrayContaining(['PHI', 'BILLING', 'INFORMATION_SCHEMA'])), doc: `${DOCS}/sql-reference/sql/show-schemas` },
  { sql: 'SHOW SCHEMAS', analyst: true, check: (r) => expect(r.map((s) => s.name).sort()).toEqual(['INFORMATION_SCHEMA', 'PHI']), doc: `${DOCS}/sql-reference/sql/show-schemas` },
];

// Errors in Snowflake's codes and words.
const ERRORS: Case[] = [
  { sql: 'SELECT * FROM CLINICAL.PHI.NO_SUCH_TABLE', error: { code: '002003', sqlState: '42S02', message: /Object 'CLINICAL\.PHI\.NO_SUCH_TABLE' does not exist or not authorized/ }, doc: `${DOCS}/sql-reference/sql/select` },
  { sql: 'SELECT NOPE FROM CLINICAL.PHI.PATIENTS', error: { code: '000904', message: /invalid identifier 'NOPE'/ }, doc: `${DOCS}/sql-reference/identifiers-syntax` },
  { sql: 'SELECT P.NOPE FROM CLINICAL.PHI.PATIENTS P', error: { code: '000904', message: /invalid identifier 'NOPE'/ }, doc: `${DOCS}/sql-reference/identifiers-syntax` },
  { sql: "SELECT 'abc'::NUMBER AS N", error: { code: '100038', message: "Numeric value 'abc' is not recognized" }, doc: `${DOCS}/sql-reference/functions/to_decimal` },
  { sql: "SELECT TO_NUMBER('12x') AS N", error: { code: '100038', message: "Numeric value '12x' is not recognized" }, doc: `${DOCS}/sql-reference/functions/to_decimal` },
  { sql: "SELECT 'soon'::DATE AS D", error: { code: '100040', message: /Date 'soon' is not recognized/ }, doc: `${DOCS}/sql-reference/functions/to_date` },
  { sql: 'SELECT * FROM CLINICAL.PHI.PATIENTS WHERE', error: { code: '001003', message: /syntax error line 1 at position \d+ unexpected '<EOF>'/ }, doc: `${DOCS}/sql-reference/sql/select` },
  { sql: 'SELECT * FROM CLINICAL.PHI.PATIENTS ORDER ORDER BY 1', error: { code: '001003', message: /syntax error line 1 at position 42 unexpected 'ORDER'/ }, doc: `${DOCS}/sql-reference/sql/select` },
  { sql: 'SELECT NO_SUCH_FUNCTION(1) AS X', error: { code: '002140', message: /Unknown function NO_SUCH_FUNCTION/ }, doc: `${DOCS}/sql-reference/functions-all` },
  { sql: 'SELECT NO_SUCH_FUNCTION(MRN) FROM PATIENTS', analyst: true, error: { code: '002140', message: /Unknown function NO_SUCH_FUNCTION/ }, doc: `${DOCS}/sql-reference/functions-all` },
  { sql: "SELECT * FROM TABLE(READ_CSV('/etc/passwd'))", analyst: true, error: { code: '002140', message: /Unknown function/ }, doc: `${DOCS}/sql-reference/functions-table` },
  { sql: 'SELECT * FROM TABLE(GENERATOR(TIMELIMIT => 1))', error: { code: '000002', message: /Unsupported feature/ }, doc: `${DOCS}/sql-reference/functions/generator` },
  { sql: 'SELECT OBJECT_CONSTRUCT(*) FROM CLINICAL.PHI.PATIENTS', error: { code: '000002', message: /Unsupported feature/ }, doc: `${DOCS}/sql-reference/functions/object_construct` },
  { sql: 'CREATE TABLE CLINICAL.PHI.PATIENTS (X INT)', error: { code: '002002', message: /already exists/ }, doc: `${DOCS}/sql-reference/sql/create-table` },
  { sql: "SELECT DATEADD(fortnight, 1, '2024-01-01'::DATE)", error: { code: '002003', message: /invalid date or time part/ }, doc: `${DOCS}/sql-reference/functions-date-time#supported-date-and-time-parts` },
  { sql: 'SELECT * FROM CLINICAL.BILLING.CLAIMS', analyst: true, error: { code: '002003', sqlState: '42S02' }, doc: `${DOCS}/user-guide/security-access-control-overview` },
  {
    // getQueryStatus of a statement that failed (the check runs it; the case's own SQL only warms up).
    sql: 'SELECT 1 AS WARM_UP',
    doc: `${DOCS}/developer-guide/node-js/nodejs-driver-execute#checking-the-status-of-a-query`,
    check: async (_rows, d) => {
      const queryId = await new Promise<string>((resolve) => {
        const statement = d.connection.execute({ sqlText: 'SELECT 1/0 AS X', complete: () => resolve(statement.getQueryId()) });
      });
      const status = await d.connection.getQueryStatus(queryId);
      expect(status).toBe('FAILED_WITH_ERROR');
    },
  },
];

// Statements beyond SELECT.
const STATEMENTS: Case[] = [
  { sql: 'CREATE OR REPLACE TABLE SCRATCH.PUBLIC.TARGET (ID NUMBER NOT NULL, NAME STRING)', rows: [{ status: 'Table TARGET successfully created.' }], doc: `${DOCS}/sql-reference/sql/create-table` },
  { sql: "INSERT INTO SCRATCH.PUBLIC.TARGET VALUES (1, 'old'), (2, 'keep')", rows: [{ 'number of rows inserted': 2 }], doc: `${DOCS}/sql-reference/sql/insert` },
  {
    sql: "MERGE INTO SCRATCH.PUBLIC.TARGET T USING (SELECT 1 AS ID, 'new' AS NAME UNION ALL SELECT 3, 'added') S ON T.ID = S.ID WHEN MATCHED THEN UPDATE SET NAME = S.NAME WHEN NOT MATCHED THEN INSERT (ID, NAME) VALUES (S.ID, S.NAME)",
    rows: [{ 'number of rows inserted': 1, 'number of rows updated': 1 }],
    doc: `${DOCS}/sql-reference/sql/merge`,
  },
  { sql: 'SELECT ID, NAME FROM SCRATCH.PUBLIC.TARGET ORDER BY ID', rows: [{ ID: 1, NAME: 'new' }, { ID: 2, NAME: 'keep' }, { ID: 3, NAME: 'added' }], doc: `${DOCS}/sql-reference/sql/merge` },
  { sql: 'INSERT INTO SCRATCH.PUBLIC.TARGET (NAME) VALUES (\'no id\')', error: { code: '100072', message: /NULL result in a non-nullable column/ }, doc: `${DOCS}/sql-reference/sql/create-table#not-null` },
  { sql: 'CREATE TEMPORARY TABLE RECENT AS SELECT PATIENT_ID FROM PATIENTS WHERE PATIENT_ID <= 3', analyst: true, rows: [{ status: 'Table RECENT successfully created.' }], doc: `${DOCS}/user-guide/tables-temp-transient` },
  { sql: 'SELECT COUNT(*) AS N FROM RECENT', analyst: true, rows: [{ N: 3 }], doc: `${DOCS}/user-guide/tables-temp-transient` },
  { sql: 'INSERT INTO RECENT VALUES (100)', analyst: true, rows: [{ 'number of rows inserted': 1 }], doc: `${DOCS}/user-guide/tables-temp-transient` },
  { sql: 'CREATE TEMP TABLE SNEAKY AS SELECT * FROM CLINICAL.BILLING.CLAIMS', analyst: true, error: { code: '002003' }, doc: `${DOCS}/user-guide/tables-temp-transient` },
  { sql: 'DROP TABLE RECENT', analyst: true, rows: [{ status: 'RECENT successfully dropped.' }], doc: `${DOCS}/sql-reference/sql/drop-table` },
  { sql: 'SELECT COUNT(*) FROM RECENT', analyst: true, error: { code: '002003' }, doc: `${DOCS}/user-guide/tables-temp-transient` },  // Multi-statement requests need MULTI_STATEMENT_COUNT (default 1: one statement only).
  { sql: 'SELECT 1 AS A; SELECT 2 AS B', error: { code: '000008', message: /did not match the desired statement count 1/ }, doc: `${DOCS}/developer-guide/node-js/nodejs-driver-execute#executing-a-batch-of-sql-statements-multi-statement-support` },
  {
    sql: 'SELECT 1 AS WARM_UP',
    doc: `${DOCS}/developer-guide/node-js/nodejs-driver-execute#executing-a-batch-of-sql-statements-multi-statement-support`,
    check: async (_rows, d) => {
      const seen: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        d.connection.execute({
          sqlText: 'SELECT 1 AS A; SELECT 2 AS B',
          parameters: { MULTI_STATEMENT_COUNT: 2 },
          complete: (error, statement, rows) => {
            if (error) return reject(error);
            seen.push(rows);
            const multi = statement as unknown as { hasNext(): boolean; NextResult(): void };
            if (multi.hasNext()) multi.NextResult();
            else resolve();
          },
        });
      });
      expect(seen).toEqual([[{ A: 1 }], [{ B: 2 }]]);
    },
  },
  {
    sql: 'SELECT 1 AS WARM_UP',
    doc: `${DOCS}/developer-guide/node-js/nodejs-driver-execute#executing-a-batch-of-sql-statements-multi-statement-support`,
    check: async (_rows, d) => {
      const failure = await new Promise<{ code?: string }>((resolve) => {
        d.connection.execute({ sqlText: 'SELECT 1; SELECT 2; SELECT 3', parameters: { MULTI_STATEMENT_COUNT: 2 }, complete: (error) => resolve((error ?? {}) as { code?: string }) });
      });
      expect(String(failure.code)).toBe('000008');
    },
  },
];

describeCompat('Snowflake types, discovery, errors and statements through the unmodified snowflake-sdk', {
  'types': TYPES,
  'INFORMATION_SCHEMA and SHOW': DISCOVERY,
  'errors': ERRORS,
  'statements (in order)': STATEMENTS,
});
