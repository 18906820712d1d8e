import '../quiet';
import { runCase, startCompat, type Case, type CompatStand } from './cases';

const FN = 'https://docs.snowflake.com/en/sql-reference/functions';

// Everyday functions analysts and agents write, each checked against the documented result.
const CASES: Case[] = [
  // NVL / IFNULL return the second argument when the first is NULL.
  { sql: 'SELECT NVL(NULL, 5) AS V', rows: [{ V: 5 }], doc: `${FN}/nvl` },
  { sql: "SELECT NVL('a', 'b') AS V", rows: [{ V: 'a' }], doc: `${FN}/nvl` },
  { sql: 'SELECT IFNULL(NULL, 7) AS V', rows: [{ V: 7 }], doc: `${FN}/ifnull` },
  // NVL2(expr, if_not_null, if_null).
  { sql: "SELECT NVL2(NULL, 'x', 'y') AS A, NVL2(1, 'x', 'y') AS B", rows: [{ A: 'y', B: 'x' }], doc: `${FN}/nvl2` },
  // ZEROIFNULL turns NULL into 0; NULLIFZERO the other way round.
  { sql: 'SELECT ZEROIFNULL(NULL) AS Z, ZEROIFNULL(3) AS T', rows: [{ Z: 0, T: 3 }], doc: `${FN}/zeroifnull` },
  { sql: 'SELECT NULLIFZERO(0) AS N, NULLIFZERO(4) AS F', rows: [{ N: null, F: 4 }], doc: `${FN}/nullifzero` },
  // DECODE compares in order, NULL matches NULL, the odd last argument is the default.
  { sql: "SELECT DECODE(2, 1, 'one', 2, 'two', 'other') AS V", rows: [{ V: 'two' }], doc: `${FN}/decode` },
  { sql: "SELECT DECODE(9, 1, 'one', 'other') AS V", rows: [{ V: 'other' }], doc: `${FN}/decode` },
  { sql: "SELECT DECODE(NULL, NULL, 'null matched', 'no') AS V", rows: [{ V: 'null matched' }], doc: `${FN}/decode` },
  { sql: "SELECT DECODE(5, 1, 'one') AS V", rows: [{ V: null }], doc: `${FN}/decode` },
  // IFF(condition, then, else).
  { sql: "SELECT IFF(1 < 2, 'yes', 'no') AS V", rows: [{ V: 'yes' }], doc: `${FN}/iff` },
  // COALESCE and NULLIF are standard.
  { sql: 'SELECT COALESCE(NULL, NULL, 3) AS V', rows: [{ V: 3 }], doc: `${FN}/coalesce` },
  { sql: 'SELECT NULLIF(1, 1) AS V', rows: [{ V: null }], doc: `${FN}/nullif` },
  // EQUAL_NULL is NULL-safe equality.
  { sql: 'SELECT EQUAL_NULL(NULL, NULL) AS V', rows: [{ V: true }], doc: `${FN}/equal_null` },
  // DIV0 returns 0 on division by zero.
  { sql: 'SELECT DIV0(1, 0) AS V', rows: [{ V: 0 }], doc: `${FN}/div0` },
  // TO_CHAR / TO_VARCHAR with date and number formats.
  { sql: "SELECT TO_CHAR('2024-03-05'::DATE, 'YYYY/MM/DD') AS V", rows: [{ V: '2024/03/05' }], doc: `${FN}/to_char` },
  { sql: "SELECT TO_VARCHAR('2024-03-05 14:07:09'::TIMESTAMP_NTZ, 'YYYY-MM-DD HH24:MI:SS') AS V", rows: [{ V: '2024-03-05 14:07:09' }], doc: `${FN}/to_char` },
  { sql: "SELECT TO_CHAR('2024-03-05'::DATE, 'DD-MON-YYYY') AS V", rows: [{ V: '05-Mar-2024' }], doc: `${FN}/to_char` },
  { sql: "SELECT TO_CHAR('2024-03-05 09:30:00'::TIMESTAMP_NTZ, 'HH12:MI AM') AS V", rows: [{ V: '09:30 AM' }], doc: `${FN}/to_char` },
  { sql: "SELECT TO_CHAR(1234.5, 'FM999,999.00') AS V", rows: [{ V: '1,234.50' }], doc: `${FN}/to_char` },
  { sql: 'SELECT TO_VARCHAR(42) AS V', rows: [{ V: '42' }], doc: `${FN}/to_char` },
  // TO_DATE with and without a format.
  { sql: "SELECT TO_DATE('05/03/2024', 'DD/MM/YYYY') AS D", check: (r) => expect((r[0]!.D as Date).toISOString()).toBe('2024-03-05T00:00:00.000Z'), doc: `${FN}/to_date` },
  { sql: "SELECT TO_DATE('2024-03-05') AS D", check: (r) => expect((r[0]!.D as Date).toISOString()).toBe('2024-03-05T00:00:00.000Z'), doc: `${FN}/to_date` },
  { sql: "SELECT TO_DATE('20240305', 'YYYYMMDD') AS D", check: (r) => expect((r[0]!.D as Date).toISOString()).toBe('2024-03-05T00:00:00.000Z'), doc: `${FN}/to_date` },
  { sql: "SELECT TRY_TO_DATE('not a date') AS D", rows: [{ D: null }], doc: `${FN}/try_to_date` },
  { sql: "SELECT TO_TIMESTAMP('2024-03-05 10:11:12', 'YYYY-MM-DD HH24:MI:SS') AS T", check: (r) => expect((r[0]!.T as Date).toISOString()).toBe('2024-03-05T10:11:12.000Z'), doc: `${FN}/to_timestamp` },
  // DATEADD with an unquoted part; a DATE plus days stays a DATE.
  { sql: "SELECT DATEADD(day, 3, '2024-02-27'::DATE) AS D", check: (r) => expect((r[0]!.D as Date).toISOString()).toBe('2024-03-01T00:00:00.000Z'), doc: `${FN}/dateadd` },
  { sql: "SELECT DATEADD(month, 1, '2024-01-31'::DATE) AS D", check: (r) => expect((r[0]!.D as Date).toISOString()).toBe('2024-02-29T00:00:00.000Z'), doc: `${FN}/dateadd` },
  { sql: "SELECT DATEADD('year', -1, '2024-02-29'::DATE) AS D", check: (r) => expect((r[0]!.D as Date).toISOString()).toBe('2023-02-28T00:00:00.000Z'), doc: `${FN}/dateadd` },
  { sql: "SELECT DATEADD(hour, 5, '2024-01-01 20:00:00'::TIMESTAMP_NTZ) AS T", check: (r) => expect((r[0]!.T as Date).toISOString()).toBe('2024-01-02T01:00:00.000Z'), doc: `${FN}/dateadd` },
  { sql: "SELECT TIMESTAMPADD(minute, 90, '2024-01-01 00:00:00'::TIMESTAMP_NTZ) AS T", check: (r) => expect((r[0]!.T as Date).toISOString()).toBe('2024-01-01T01:30:00.000Z'), doc: `${FN}/timestampadd` },
  // DATEDIFF counts part boundaries crossed; the part may be unquoted.
  { sql: "SELECT DATEDIFF(day, '2024-01-01'::DATE, '2024-03-01'::DATE) AS N", rows: [{ N: 60 }], doc: `${FN}/datediff` },
  { sql: "SELECT DATEDIFF(month, '2024-01-31'::DATE, '2024-02-01'::DATE) AS N", rows: [{ N: 1 }], doc: `${FN}/datediff` },
  { sql: "SELECT DATEDIFF('year', '2023-12-31'::DATE, '2024-01-01'::DATE) AS N", rows: [{ N: 1 }], doc: `${FN}/datediff` },
  { sql: "SELECT DATEDIFF(hour, '2024-01-01 10:59:00'::TIMESTAMP_NTZ, '2024-01-01 11:00:00'::TIMESTAMP_NTZ) AS N", rows: [{ N: 1 }], doc: `${FN}/datediff` },
  { sql: "SELECT DATEDIFF(dd, '2024-01-01'::DATE, '2024-01-11'::DATE) AS N", rows: [{ N: 10 }], doc: `${FN}-date-time#supported-date-and-time-parts` },
  // DATE_PART / EXTRACT / YEAR().
  { sql: "SELECT DATE_PART(month, '2024-07-04'::DATE) AS M", rows: [{ M: 7 }], doc: `${FN}/date_part` },
  { sql: "SELECT EXTRACT(year FROM '2024-07-04'::DATE) AS Y", rows: [{ Y: 2024 }], doc: `${FN}/extract` },
  { sql: "SELECT YEAR('2024-07-04'::DATE) AS Y, MONTH('2024-07-04'::DATE) AS M, DAY('2024-07-04'::DATE) AS D", rows: [{ Y: 2024, M: 7, D: 4 }], doc: `${FN}/year` },
  // CURRENT_TIMESTAMP() with parentheses is a TIMESTAMP_LTZ; CURRENT_DATE a DATE.
  { sql: 'SELECT CURRENT_TIMESTAMP() AS T', check: (r) => expect(Math.abs((r[0]!.T as Date).getTime() - Date.now())).toBeLessThan(300_000), doc: `${FN}/current_timestamp` },
  { sql: 'SELECT CURRENT_TIMESTAMP AS T', check: (r) => expect(r[0]!.T).toBeInstanceOf(Date), doc: `${FN}/current_timestamp` },
  { sql: 'SELECT CURRENT_DATE() AS D', check: (r) => expect(r[0]!.D).toBeInstanceOf(Date), doc: `${FN}/current_date` },
  { sql: 'SELECT SYSDATE() AS D', check: (r) => expect(r[0]!.D).toBeInstanceOf(Date), doc: `${FN}/sysdate` },
  // CONVERT_TIMEZONE(source, target, ntz) gives the wall-clock time in the target zone.
  { sql: "SELECT CONVERT_TIMEZONE('UTC', 'America/New_York', '2024-01-15 12:00:00'::TIMESTAMP_NTZ) AS T", check: (r) => expect((r[0]!.T as Date).toISOString()).toBe('2024-01-15T07:00:00.000Z'), doc: `${FN}/convert_timezone` },
  { sql: "SELECT CONVERT_TIMEZONE('Europe/Paris', 'UTC', '2024-07-01 12:00:00'::TIMESTAMP_NTZ) AS T", check: (r) => expect((r[0]!.T as Date).toISOString()).toBe('2024-07-01T10:00:00.000Z'), doc: `${FN}/convert_timezone` },
  { sql: "SELECT CONVERT_TIMEZONE('America/Los_Angeles', '2024-01-15 12:00:00 +00:00'::TIMESTAMP_TZ) AS T", check: (r) => expect(JSON.stringify(r[0]!.T)).toBe('"2024-01-15 04:00:00.000 -0800"'), doc: `${FN}/convert_timezone` },
  // REGEXP_LIKE and RLIKE match the whole string.
  { sql: "SELECT REGEXP_LIKE('abc', 'a.c') AS A, REGEXP_LIKE('xabcx', 'a.c') AS B", rows: [{ A: true, B: false }], doc: `${FN}/regexp_like` },
  { sql: "SELECT RLIKE('San Francisco', 'San.*') AS V", rows: [{ V: true }], doc: `${FN}/rlike` },
  { sql: "SELECT 'Kauai' RLIKE 'K.*i' AS V", rows: [{ V: true }], doc: `${FN}/rlike` },
  { sql: "SELECT REGEXP_LIKE('ABC', 'abc', 'i') AS V", rows: [{ V: true }], doc: `${FN}/regexp_like` },
  { sql: "SELECT REGEXP_REPLACE('a-b-c', '-', '+') AS V", rows: [{ V: 'a+b+c' }], doc: `${FN}/regexp_replace` },
  { sql: "SELECT REGEXP_SUBSTR('order 12345 shipped', '[0-9]+') AS V", rows: [{ V: '12345' }], doc: `${FN}/regexp_substr` },
  { sql: "SELECT REGEXP_COUNT('a1b22c333', '[0-9]+') AS V", rows: [{ V: 3 }], doc: `${FN}/regexp_count` },
  // OBJECT_CONSTRUCT drops NULL values; ARRAY_CONSTRUCT keeps order.
  { sql: "SELECT OBJECT_CONSTRUCT('a', 1, 'b', 'x') AS O", rows: [{ O: { a: 1, b: 'x' } }], doc: `${FN}/object_construct` },
  { sql: "SELECT OBJECT_CONSTRUCT('a', 1, 'b', NULL) AS O", rows: [{ O: { a: 1 } }], doc: `${FN}/object_construct` },
  { sql: "SELECT OBJECT_CONSTRUCT_KEEP_NULL('a', 1, 'b', NULL) AS O", rows: [{ O: { a: 1, b: null } }], doc: `${FN}/object_construct_keep_null` },
  { sql: "SELECT ARRAY_CONSTRUCT(1, 'two', 3.5) AS A", rows: [{ A: [1, 'two', 3.5] }], doc: `${FN}/array_construct` },
  { sql: 'SELECT ARRAY_SIZE(ARRAY_CONSTRUCT(1, 2, 3)) AS N', rows: [{ N: 3 }], doc: `${FN}/array_size` },
  // TO_BINARY with HEX (default), BASE64 and UTF-8.
  { sql: "SELECT TO_BINARY('CAFE', 'HEX') AS B", check: (r) => expect((r[0]!.B as Buffer).toString('hex')).toBe('cafe'), doc: `${FN}/to_binary` },
  { sql: "SELECT TO_BINARY('SGk=', 'BASE64') AS B", check: (r) => expect((r[0]!.B as Buffer).toString('utf8')).toBe('Hi'), doc: `${FN}/to_binary` },
  { sql: "SELECT TO_BINARY('Hi', 'UTF-8') AS B", check: (r) => expect((r[0]!.B as Buffer).toString('hex')).toBe('4869'), doc: `${FN}/to_binary` },
  // LISTAGG / ARRAY_AGG ... WITHIN GROUP (ORDER BY ...).
  { sql: "SELECT LISTAGG(COLUMN1, ', ') WITHIN GROUP (ORDER BY COLUMN1 DESC) AS L FROM VALUES ('a'), ('c'), ('b')", rows: [{ L: 'c, b, a' }], doc: `${FN}/listagg` },
  { sql: 'SELECT ARRAY_AGG(COLUMN1) WITHIN GROUP (ORDER BY COLUMN1) AS A FROM VALUES (3), (1), (2)', rows: [{ A: [1, 2, 3] }], doc: `${FN}/array_agg` },
  { sql: 'SELECT ARRAY_AGG(COLUMN1) WITHIN GROUP (ORDER BY COLUMN1) AS A FROM VALUES (2), (NULL), (1)', rows: [{ A: [1, 2] }], doc: `${FN}/array_agg` },
  { sql: "SELECT ARRAY_AGG(DISTINCT COLUMN1) WITHIN GROUP (ORDER BY COLUMN1) AS A FROM VALUES ('x'), ('x'), ('y')", rows: [{ A: ['x', 'y'] }], doc: `${FN}/array_agg` },
  { sql: 'SELECT COLUMN1 AS G, LISTAGG(COLUMN2, \'|\') WITHIN GROUP (ORDER BY COLUMN2) AS L FROM VALUES (1, \'b\'), (1, \'a\'), (2, \'z\') GROUP BY COLUMN1 ORDER BY G', rows: [{ G: 1, L: 'a|b' }, { G: 2, L: 'z' }], doc: `${FN}/listagg` },
  // FLATTEN as a table function and laterally.
  { sql: "SELECT VALUE AS V, INDEX AS I FROM TABLE(FLATTEN(INPUT => PARSE_JSON('[10, 20, 30]'))) ORDER BY I", rows: [{ V: 10, I: 0 }, { V: 20, I: 1 }, { V: 30, I: 2 }], doc: `${FN}/flatten` },
  { sql: "SELECT F.KEY AS K, F.VALUE AS V FROM TABLE(FLATTEN(INPUT => PARSE_JSON('{\"a\": 1, \"b\": 2}'))) F ORDER BY K", rows: [{ K: 'a', V: 1 }, { K: 'b', V: 2 }], doc: `${FN}/flatten` },
  { sql: "SELECT T.ID AS ID, F.VALUE::STRING AS TAG FROM (SELECT 1 AS ID, PARSE_JSON('[\"x\", \"y\"]') AS TAGS) T, LATERAL FLATTEN(INPUT => T.TAGS) F ORDER BY TAG", rows: [{ ID: 1, TAG: 'x' }, { ID: 1, TAG: 'y' }], doc: `${FN}/flatten` },
  { sql: "SELECT COUNT(*) AS N FROM (SELECT PARSE_JSON('[1,2,3,4]') AS V) T, LATERAL FLATTEN(input => T.V)", rows: [{ N: 4 }], doc: `${FN}/flatten` },
  // The : path on VARIANT, with . and [n], and a cast to read the string.
  { sql: "SELECT PARSE_JSON('{\"a\": {\"b\": [5, 6]}}'):a.b[1] AS V", rows: [{ V: 6 }], doc: 'https://docs.snowflake.com/en/user-guide/querying-semistructured' },
  { sql: "SELECT V:name::STRING AS NAME FROM (SELECT PARSE_JSON('{\"name\": \"Ada\"}') AS V)", rows: [{ NAME: 'Ada' }], doc: 'https://docs.snowflake.com/en/user-guide/querying-semistructured' },
  { sql: "SELECT V:n::NUMBER + 1 AS N FROM (SELECT PARSE_JSON('{\"n\": 41}') AS V)", rows: [{ N: 42 }], doc: 'https://docs.snowflake.com/en/user-guide/querying-semistructured' },
  { sql: "SELECT V:missing AS M FROM (SELECT PARSE_JSON('{\"n\": 1}') AS V)", rows: [{ M: null }], doc: 'https://docs.snowflake.com/en/user-guide/querying-semistructured' },
  { sql: "SELECT GET_PATH(PARSE_JSON('{\"a\": {\"b\": 3}}'), 'a.b') AS V", rows: [{ V: 3 }], doc: `${FN}/get_path` },
  // SELECT TOP n.
  { sql: 'SELECT TOP 2 PATIENT_ID FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID', check: (r) => expect(r).toHaveLength(2), doc: 'https://docs.snowflake.com/en/sql-reference/constructs/top_n' },
  { sql: 'SELECT TOP 1 * FROM (SELECT TOP 3 PATIENT_ID FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID) ORDER BY PATIENT_ID DESC', check: (r) => expect(r).toHaveLength(1), doc: 'https://docs.snowflake.com/en/sql-reference/constructs/top_n' },
  // FROM VALUES names its columns COLUMN1, COLUMN2, ...
  { sql: "SELECT * FROM VALUES (1, 'a'), (2, 'b') ORDER BY COLUMN1", rows: [{ COLUMN1: 1, COLUMN2: 'a' }, { COLUMN1: 2, COLUMN2: 'b' }], doc: 'https://docs.snowflake.com/en/sql-reference/constructs/values' },
  { sql: 'SELECT V.X + V.Y AS S FROM VALUES (1, 2) AS V (X, Y)', rows: [{ S: 3 }], doc: 'https://docs.snowflake.com/en/sql-reference/constructs/values' },
  // TABLE(GENERATOR(ROWCOUNT => n)) with SEQ4().
  { sql: 'SELECT COUNT(*) AS N FROM TABLE(GENERATOR(ROWCOUNT => 10))', rows: [{ N: 10 }], doc: `${FN}/generator` },
  { sql: 'SELECT SEQ4() AS S FROM TABLE(GENERATOR(ROWCOUNT => 3)) ORDER BY S', rows: [{ S: 0 }, { S: 1 }, { S: 2 }], doc: `${FN}/seq1` },
  { sql: 'SELECT MIN(UNIFORM(1, 6, RANDOM())) >= 1 AS OK FROM TABLE(GENERATOR(ROWCOUNT => 50))', rows: [{ OK: true }], doc: `${FN}/uniform` },
  // Other common string and aggregate functions.
  { sql: "SELECT SPLIT_PART('a,b,c', ',', 2) AS P", rows: [{ P: 'b' }], doc: `${FN}/split_part` },
  { sql: "SELECT SPLIT('a,b', ',') AS A", rows: [{ A: ['a', 'b'] }], doc: `${FN}/split` },
  { sql: "SELECT CHARINDEX('b', 'abc') AS P", rows: [{ P: 2 }], doc: `${FN}/charindex` },
  { sql: "SELECT STARTSWITH('gatehouse', 'gate') AS S, ENDSWITH('gatehouse', 'house') AS E, CONTAINS('gatehouse', 'teh') AS C", rows: [{ S: true, E: true, C: true }], doc: `${FN}/startswith` },
  { sql: "SELECT LEN('héllo') AS L, UPPER('a') AS U, LOWER('B') AS W, TRIM('  x ') AS T", rows: [{ L: 5, U: 'A', W: 'b', T: 'x' }], doc: `${FN}/length` },
  { sql: "SELECT COUNT_IF(COLUMN1 > 1) AS N FROM VALUES (1), (2), (3)", rows: [{ N: 2 }], doc: `${FN}/count_if` },
  { sql: 'SELECT MEDIAN(COLUMN1) AS M FROM VALUES (1), (3), (10)', rows: [{ M: 3 }], doc: `${FN}/median` },
  { sql: 'SELECT BOOLOR_AGG(COLUMN1) AS O, BOOLAND_AGG(COLUMN1) AS A FROM VALUES (TRUE), (FALSE)', rows: [{ O: true, A: false }], doc: `${FN}/boolor_agg` },
  { sql: "SELECT TO_NUMBER('42') AS N, TO_DECIMAL('3.14159', 10, 2) AS D", rows: [{ N: 42, D: 3.14 }], doc: `${FN}/to_decimal` },
  { sql: "SELECT TRY_TO_NUMBER('abc') AS N", rows: [{ N: null }], doc: `${FN}/try_to_decimal` },
  { sql: "SELECT TO_DOUBLE('1.5') AS D, TO_BOOLEAN('true') AS B", rows: [{ D: 1.5, B: true }], doc: `${FN}/to_double` },
  { sql: "SELECT PARSE_JSON('{\"k\": [1, 2]}') AS V", rows: [{ V: { k: [1, 2] } }], doc: `${FN}/parse_json` },
  { sql: "SELECT TRY_PARSE_JSON('{nope') AS V", rows: [{ V: null }], doc: `${FN}/try_parse_json` },
  { sql: 'SELECT SQUARE(4) AS S, ABS(-2) AS A, ROUND(2.567, 2) AS R', rows: [{ S: 16, A: 2, R: 2.57 }], doc: `${FN}/square` },
  { sql: 'SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R', analyst: true, rows: [{ U: 'COMPAT_ANALYST', R: 'CLINICAL_ANALYST' }], doc: `${FN}/current_user` },
  { sql: 'SELECT CURRENT_DATABASE() AS D, CURRENT_SCHEMA() AS S', analyst: true, rows: [{ D: 'CLINICAL', S: 'PHI' }], doc: `${FN}/current_database` },
  { sql: 'SELECT UUID_STRING() AS U', check: (r) => expect(String(r[0]!.U)).toMatch(/^[0-9a-f-]{36}$/), doc: `${FN}/uuid_string` },
  { sql: "SELECT DATE_TRUNC(month, '2024-05-17'::DATE) AS D", check: (r) => expect((r[0]!.D as Date).toISOString()).toBe('2024-05-01T00:00:00.000Z'), doc: `${FN}/date_trunc` },
  { sql: "SELECT DATE_TRUNC('hour', '2024-05-17 10:45:00'::TIMESTAMP_NTZ) AS T", check: (r) => expect((r[0]!.T as Date).toISOString()).toBe('2024-05-17T10:00:00.000Z'), doc: `${FN}/date_trunc` },
  { sql: "SELECT DATE_TRUNC(week, '2024-05-17'::DATE) AS D", check: (r) => expect((r[0]!.D as Date).toISOString()).toBe('2024-05-13T00:00:00.000Z'), doc: `${FN}/date_trunc` },
  { sql: "SELECT DATE_TRUNC(quarter, '2024-05-17'::DATE) AS D", check: (r) => expect((r[0]!.D as Date).toISOString()).toBe('2024-04-01T00:00:00.000Z'), doc: `${FN}/date_trunc` },
];

describe('Snowflake functions through the unmodified snowflake-sdk', () => {
  let stand: CompatStand;
  beforeAll(async () => {
    stand = await startCompat();
  });
  afterAll(async () => {
    await stand?.close();
  });

  test.each(CASES.map((c) => [c.sql, c] as const))('%s', async (_sql, c) => {
    await runCase(stand, c);
  });
});

export const FUNCTION_CASES = CASES.length;
