import '../quiet';
import type { Driver } from '../support';
import { describeCompat, type Case } from './cases';

const DOCS = 'https://docs.snowflake.com/en';

/** Each result column as the driver describes it: [name, type, nullable]. */
async function described(d: Driver, sql: string): Promise<[string, string, boolean][]> {
  const { statement } = await d.statement(sql);
  return statement.getColumns()!.map((c) => [c.getName(), c.getType(), c.isNullable()]);
}

const nullability = (sql: string, expected: boolean[]) => async (_rows: unknown, d: Driver) => expect((await described(d, sql)).map((c) => c[2])).toEqual(expected);

// The result's rowType says which columns can be NULL (the driver's column.isNullable(), DESCRIBE
// RESULT's null?): NOT NULL table columns are not, outer joins and most expressions follow their inputs.
const RESULT_METADATA: Case[] = [
  { sql: 'CREATE OR REPLACE TABLE SCRATCH.PUBLIC.NN (ID NUMBER NOT NULL, NAME STRING NOT NULL, NOTE STRING)', rows: [{ status: 'Table NN successfully created.' }], doc: `${DOCS}/sql-reference/sql/create-table#not-null` },
  { sql: "INSERT INTO SCRATCH.PUBLIC.NN VALUES (1, 'one', NULL), (2, 'two', 'x')", rows: [{ 'number of rows inserted': 2 }], doc: `${DOCS}/sql-reference/sql/insert` },
  { sql: 'SELECT ID, NAME, NOTE FROM SCRATCH.PUBLIC.NN', check: nullability('SELECT ID, NAME, NOTE FROM SCRATCH.PUBLIC.NN', [false, false, true]), doc: `${DOCS}/sql-reference/sql/desc-result` },
  { sql: 'SELECT * FROM SCRATCH.PUBLIC.NN', check: nullability('SELECT * FROM SCRATCH.PUBLIC.NN', [false, false, true]), doc: `${DOCS}/sql-reference/sql/desc-result` },
  { sql: 'SELECT n.* EXCLUDE (NAME) FROM SCRATCH.PUBLIC.NN n', check: nullability('SELECT n.* EXCLUDE (NAME) FROM SCRATCH.PUBLIC.NN n', [false, true]), doc: `${DOCS}/sql-reference/sql/select#parameters` },
  // A primary key is NOT NULL (the seeded PATIENT_ID); an ordinary column is nullable.
  { sql: 'SELECT PATIENT_ID, FIRST_NAME FROM CLINICAL.PHI.PATIENTS LIMIT 1', analyst: true, check: nullability('SELECT PATIENT_ID, FIRST_NAME FROM CLINICAL.PHI.PATIENTS LIMIT 1', [false, true]), doc: `${DOCS}/sql-reference/constraints-overview` },
  // The optional side of an outer join can be NULL whatever the table says.
  { sql: 'SELECT p.PATIENT_ID, e.ENCOUNTER_ID FROM PATIENTS p LEFT JOIN ENCOUNTERS e ON e.PATIENT_ID = p.PATIENT_ID', analyst: true, check: nullability('SELECT p.PATIENT_ID, e.ENCOUNTER_ID FROM PATIENTS p LEFT JOIN ENCOUNTERS e ON e.PATIENT_ID = p.PATIENT_ID', [false, true]), doc: `${DOCS}/sql-reference/constructs/join` },
  { sql: 'SELECT p.PATIENT_ID, e.ENCOUNTER_ID FROM PATIENTS p JOIN ENCOUNTERS e ON e.PATIENT_ID = p.PATIENT_ID', analyst: true, check: nullability('SELECT p.PATIENT_ID, e.ENCOUNTER_ID FROM PATIENTS p JOIN ENCOUNTERS e ON e.PATIENT_ID = p.PATIENT_ID', [false, false]), doc: `${DOCS}/sql-reference/constructs/join` },
  { sql: 'SELECT p.PATIENT_ID, e.ENCOUNTER_ID FROM ENCOUNTERS e RIGHT JOIN PATIENTS p ON e.PATIENT_ID = p.PATIENT_ID', analyst: true, check: nullability('SELECT p.PATIENT_ID, e.ENCOUNTER_ID FROM ENCOUNTERS e RIGHT JOIN PATIENTS p ON e.PATIENT_ID = p.PATIENT_ID', [false, true]), doc: `${DOCS}/sql-reference/constructs/join` },
  // Literals: only NULL is nullable.
  { sql: "SELECT 1 AS A, 'x' AS B, NULL AS C, TRUE AS D", check: nullability("SELECT 1 AS A, 'x' AS B, NULL AS C, TRUE AS D", [false, false, true, false]), doc: `${DOCS}/sql-reference/sql/desc-result` },
  // COUNT never returns NULL; SUM/MAX of no rows do.
  { sql: 'SELECT COUNT(*) AS A, COUNT(NOTE) AS B, MAX(ID) AS C, SUM(ID) AS D FROM SCRATCH.PUBLIC.NN', check: nullability('SELECT COUNT(*) AS A, COUNT(NOTE) AS B, MAX(ID) AS C, SUM(ID) AS D FROM SCRATCH.PUBLIC.NN', [false, false, true, true]), doc: `${DOCS}/sql-reference/functions/count` },
  // Operators and null-in-null-out functions follow their arguments; COALESCE with a non-NULL argument is not nullable.
  {
    sql: 'SELECT ID + 1, UPPER(NAME), NOTE || NAME, COALESCE(NOTE, \'-\'), NVL(NOTE, NAME), NOTE IS NULL FROM SCRATCH.PUBLIC.NN',
    check: nullability("SELECT ID + 1 AS A, UPPER(NAME) AS B, NOTE || NAME AS C, COALESCE(NOTE, '-') AS D, NVL(NOTE, NAME) AS E, NOTE IS NULL AS F FROM SCRATCH.PUBLIC.NN", [false, false, true, false, false, false]),
    doc: `${DOCS}/sql-reference/functions/coalesce`,
  },
  // CASE without ELSE and TRY_CAST may give NULL.
  { sql: "SELECT CASE WHEN ID = 1 THEN 'a' END AS A, CASE WHEN ID = 1 THEN 'a' ELSE 'b' END AS B, TRY_CAST(NAME AS NUMBER) AS C, NAME::STRING AS D FROM SCRATCH.PUBLIC.NN", check: nullability("SELECT CASE WHEN ID = 1 THEN 'a' END AS A, CASE WHEN ID = 1 THEN 'a' ELSE 'b' END AS B, TRY_CAST(NAME AS NUMBER) AS C, NAME::STRING AS D FROM SCRATCH.PUBLIC.NN", [true, false, true, false]), doc: `${DOCS}/sql-reference/functions/try_cast` },
  // Through a CTE and a subquery; a UNION is nullable where either side is.
  { sql: 'WITH c AS (SELECT ID, NOTE FROM SCRATCH.PUBLIC.NN) SELECT x.ID, x.NOTE FROM (SELECT * FROM c) x', check: nullability('WITH c AS (SELECT ID, NOTE FROM SCRATCH.PUBLIC.NN) SELECT x.ID, x.NOTE FROM (SELECT * FROM c) x', [false, true]), doc: `${DOCS}/sql-reference/constructs/with` },
  { sql: "SELECT ID, NAME FROM SCRATCH.PUBLIC.NN UNION ALL SELECT NULL, 'z'", check: nullability("SELECT ID, NAME FROM SCRATCH.PUBLIC.NN UNION ALL SELECT NULL, 'z'", [true, false]), doc: `${DOCS}/sql-reference/operators-query` },
  { sql: 'SELECT ROW_NUMBER() OVER (ORDER BY ID) AS R, LAG(ID) OVER (ORDER BY ID) AS L FROM SCRATCH.PUBLIC.NN', check: nullability('SELECT ROW_NUMBER() OVER (ORDER BY ID) AS R, LAG(ID) OVER (ORDER BY ID) AS L FROM SCRATCH.PUBLIC.NN', [false, true]), doc: `${DOCS}/sql-reference/functions/row_number` },
  // ROLLUP's subtotal rows put NULL in the grouping column.
  { sql: 'SELECT ID, COUNT(*) AS N FROM SCRATCH.PUBLIC.NN GROUP BY ROLLUP (ID)', check: nullability('SELECT ID, COUNT(*) AS N FROM SCRATCH.PUBLIC.NN GROUP BY ROLLUP (ID)', [true, true]), doc: `${DOCS}/sql-reference/constructs/group-by-rollup` },
];

// Quoted identifiers are case-sensitive, unquoted ones resolve upper-case
// (https://docs.snowflake.com/en/sql-reference/identifiers-syntax), for columns as for tables.
const ID = `${DOCS}/sql-reference/identifiers-syntax`;
const IDENTIFIERS: Case[] = [
  { sql: 'CREATE OR REPLACE TABLE SCRATCH.PUBLIC.CASED ("abc" NUMBER, "ABC" NUMBER, "Abc" NUMBER, "my col" STRING)', rows: [{ status: 'Table CASED successfully created.' }], doc: `${ID}#double-quoted-identifiers` },
  { sql: "INSERT INTO SCRATCH.PUBLIC.CASED VALUES (1, 2, 3, 'x')", rows: [{ 'number of rows inserted': 1 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT "abc" AS L, "ABC" AS U, "Abc" AS M, abc AS UNQUOTED, "my col" AS S FROM SCRATCH.PUBLIC.CASED', rows: [{ L: 1, U: 2, M: 3, UNQUOTED: 2, S: 'x' }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT * FROM SCRATCH.PUBLIC.CASED', check: (r) => expect(Object.keys(r[0]!)).toEqual(['abc', 'ABC', 'Abc', 'my col']), doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT "abc", "Abc" FROM SCRATCH.PUBLIC.CASED', rows: [{ abc: 1, Abc: 3 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT c."abc" + c.ABC AS T FROM SCRATCH.PUBLIC.CASED c WHERE "Abc" = 3', rows: [{ T: 3 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'UPDATE SCRATCH.PUBLIC.CASED SET "abc" = 10 WHERE "Abc" = 3', rows: [{ 'number of rows updated': 1 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT "abc" AS L, ABC AS U FROM SCRATCH.PUBLIC.CASED', rows: [{ L: 10, U: 2 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'DESCRIBE TABLE SCRATCH.PUBLIC.CASED', check: (r) => expect(r.map((c) => c.name)).toEqual(['abc', 'ABC', 'Abc', 'my col']), doc: `${DOCS}/sql-reference/sql/desc-table` },
  { sql: "SELECT COLUMN_NAME FROM SCRATCH.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'CASED' ORDER BY ORDINAL_POSITION", rows: [{ COLUMN_NAME: 'abc' }, { COLUMN_NAME: 'ABC' }, { COLUMN_NAME: 'Abc' }, { COLUMN_NAME: 'my col' }], doc: `${DOCS}/sql-reference/info-schema/columns` },
  // A quoted lower-case name does not match an upper-case column: invalid identifier.
  { sql: 'SELECT "patient_id" FROM CLINICAL.PHI.PATIENTS', error: { code: '000904', message: /invalid identifier '"patient_id"'/, sqlState: '42000' }, doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT "Patient_Id" FROM CLINICAL.PHI.PATIENTS', analyst: true, error: { code: '000904' }, doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT "PATIENT_ID" AS A, patient_id AS B, Patient_Id AS C FROM CLINICAL.PHI.PATIENTS WHERE PATIENT_ID = 1', analyst: true, rows: [{ A: 1, B: 1, C: 1 }], doc: `${ID}#unquoted-identifiers` },
  { sql: 'SELECT "abc" FROM SCRATCH.PUBLIC.NN', error: { code: '000904', message: /invalid identifier '"abc"'/ }, doc: `${ID}#double-quoted-identifiers` },
  // Tables too: "lower" and LOWER are two tables; aliases quoted keep their case in the result.
  { sql: 'CREATE OR REPLACE TABLE SCRATCH.PUBLIC."pairs" (V NUMBER)', rows: [{ status: 'Table pairs successfully created.' }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'CREATE OR REPLACE TABLE SCRATCH.PUBLIC.PAIRS (V NUMBER)', rows: [{ status: 'Table PAIRS successfully created.' }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'INSERT INTO SCRATCH.PUBLIC."pairs" VALUES (1), (2)', rows: [{ 'number of rows inserted': 2 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT (SELECT COUNT(*) FROM SCRATCH.PUBLIC."pairs") AS L, (SELECT COUNT(*) FROM SCRATCH.PUBLIC.pairs) AS U', rows: [{ L: 2, U: 0 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: "SELECT TABLE_NAME FROM SCRATCH.INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = 'PAIRS' ORDER BY 1", rows: [{ TABLE_NAME: 'PAIRS' }, { TABLE_NAME: 'pairs' }], doc: `${DOCS}/sql-reference/info-schema/tables` },
  { sql: 'SELECT 1 AS "x", 2 AS "X", 3 AS x2 FROM SCRATCH.PUBLIC.NN LIMIT 1', rows: [{ x: 1, X: 2, X2: 3 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT t."v" FROM (SELECT 1 AS "v", 2 AS V) t', rows: [{ v: 1 }], doc: `${ID}#double-quoted-identifiers` },
  // Databases and schemas too.
  { sql: 'CREATE DATABASE "lowdb"', rows: [{ status: 'Database lowdb successfully created.' }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'CREATE SCHEMA "lowdb"."sch"', rows: [{ status: 'Schema sch successfully created.' }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'CREATE TABLE "lowdb"."sch"."t" ("x" NUMBER, Y NUMBER)', rows: [{ status: 'Table t successfully created.' }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'INSERT INTO "lowdb"."sch"."t" VALUES (1, 2)', rows: [{ 'number of rows inserted': 1 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT "x", y FROM "lowdb"."sch"."t"', rows: [{ x: 1, Y: 2 }], doc: `${ID}#double-quoted-identifiers` },
  { sql: 'SELECT TABLE_SCHEMA, TABLE_NAME FROM "lowdb".INFORMATION_SCHEMA.TABLES', rows: [{ TABLE_SCHEMA: 'sch', TABLE_NAME: 't' }], doc: `${DOCS}/sql-reference/info-schema/tables` },
  { sql: 'SELECT COUNT(*) FROM lowdb.sch.t', error: { code: '002003' }, doc: `${ID}#unquoted-identifiers` },
  { sql: 'USE SCHEMA CLINICAL.PHI', rows: [{ status: 'Statement executed successfully.' }], doc: `${DOCS}/sql-reference/sql/use-schema` },
];

// DATEADD/TIMESTAMPADD: a date part (day or larger) added to a DATE gives a DATE, whatever the DATE
// expression is (a column here); a time part gives a TIMESTAMP; a timestamp stays a timestamp.
const DA = `${DOCS}/sql-reference/functions/dateadd`;
const dateTypes = (sql: string, expected: string[]) => async (_rows: unknown, d: Driver) => expect((await described(d, sql)).map((c) => c[1])).toEqual(expected);
const DATES: Case[] = [
  { sql: 'SELECT DATEADD(month, 1, DATE_OF_BIRTH) AS M, DATEADD(year, -2, DATE_OF_BIRTH) AS Y, DATEADD(quarter, 1, DATE_OF_BIRTH) AS Q, DATEADD(week, 1, DATE_OF_BIRTH) AS W, DATEADD(day, 1, DATE_OF_BIRTH) AS D FROM PATIENTS LIMIT 1', analyst: true, check: dateTypes('SELECT DATEADD(month, 1, DATE_OF_BIRTH) AS M, DATEADD(year, -2, DATE_OF_BIRTH) AS Y, DATEADD(quarter, 1, DATE_OF_BIRTH) AS Q, DATEADD(week, 1, DATE_OF_BIRTH) AS W, DATEADD(day, 1, DATE_OF_BIRTH) AS D FROM PATIENTS LIMIT 1', ['date', 'date', 'date', 'date', 'date']), doc: DA },
  { sql: 'SELECT TIMESTAMPADD(month, 1, DATE_OF_BIRTH) AS A, DATEADD(hour, 1, DATE_OF_BIRTH) AS B, DATEADD(month, 1, CREATED_AT) AS C FROM PATIENTS LIMIT 1', analyst: true, check: dateTypes('SELECT TIMESTAMPADD(month, 1, DATE_OF_BIRTH) AS A, DATEADD(hour, 1, DATE_OF_BIRTH) AS B, DATEADD(month, 1, CREATED_AT) AS C FROM PATIENTS LIMIT 1', ['date', 'timestamp_ntz', 'timestamp_ntz']), doc: `${DOCS}/sql-reference/functions/timestampadd` },
  {
    sql: 'SELECT DATE_OF_BIRTH AS B, DATEADD(month, 1, DATE_OF_BIRTH) AS M, DATEADD(year, 1, DATE_OF_BIRTH) AS Y FROM PATIENTS ORDER BY PATIENT_ID LIMIT 5',
    analyst: true,
    check: (rows) => {
      for (const row of rows) {
        const b = row.B as Date;
        const expectMonth = new Date(Date.UTC(b.getUTCFullYear(), b.getUTCMonth() + 1, Math.min(b.getUTCDate(), new Date(Date.UTC(b.getUTCFullYear(), b.getUTCMonth() + 2, 0)).getUTCDate())));
        expect((row.M as Date).toISOString()).toBe(expectMonth.toISOString());
        expect((row.Y as Date).getUTCFullYear()).toBe(b.getUTCFullYear() + 1);
      }
    },
    doc: DA,
  },
  { sql: 'CREATE OR REPLACE TABLE SCRATCH.PUBLIC.DAYS (D DATE)', rows: [{ status: 'Table DAYS successfully created.' }], doc: `${DOCS}/sql-reference/sql/create-table` },
  { sql: "INSERT INTO SCRATCH.PUBLIC.DAYS VALUES ('2024-01-31'), ('2023-03-31'), (NULL)", rows: [{ 'number of rows inserted': 3 }], doc: `${DOCS}/sql-reference/sql/insert` },
  // The last day of a shorter month when the day does not exist there (the page's example).
  { sql: 'SELECT DATEADD(month, 1, D) AS M FROM SCRATCH.PUBLIC.DAYS ORDER BY D', check: (r) => expect(r.map((x) => (x.M === null ? null : (x.M as Date).toISOString().slice(0, 10)))).toEqual(['2023-04-30', '2024-02-29', null]), doc: DA },
  { sql: 'SELECT DATEADD(year, 1, D) > D AS LATER FROM SCRATCH.PUBLIC.DAYS WHERE D IS NOT NULL', rows: [{ LATER: true }, { LATER: true }], doc: DA },
  { sql: "SELECT COUNT(*) AS N FROM SCRATCH.PUBLIC.DAYS WHERE DATEADD(month, 1, D) = '2024-02-29'::DATE", rows: [{ N: 1 }], doc: DA },
  { sql: 'SELECT DATEADD(month, 1, NULL::DATE) AS M', rows: [{ M: null }], doc: DA },
  { sql: "SELECT DATEADD(month, 1, '2024-01-31 10:00:00'::TIMESTAMP_NTZ) AS T", check: (r) => expect((r[0]!.T as Date).toISOString()).toBe('2024-02-29T10:00:00.000Z'), doc: DA },
];

describeCompat('result metadata, quoted identifiers and DATEADD on DATE columns through the unmodified snowflake-sdk', {
  'rowType nullable (in order)': RESULT_METADATA,
  'quoted identifiers (in order)': IDENTIFIERS,
  'DATEADD on DATE columns (in order)': DATES,
});
