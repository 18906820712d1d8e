/**
 * Queries a prompt-injected agent with a read grant would send to get PHI past the gateway
 * (the families of issue 14, and more). `pass` lists result columns (by position) that may
 * legitimately come back as they are (proven harmless); every other cell must be a mask label.
 */
export interface HostileQuery {
  family: string;
  sql: string;
  pass?: number[];
}

const P = 'CLINICAL.PHI.PATIENTS';
const some = 'ORDER BY PATIENT_ID LIMIT 40';

export const hostileQueries: HostileQuery[] = [
  // separators, reversal, case
  { family: 'strip separators', sql: `SELECT REPLACE(SSN, '-', '') AS X FROM ${P} ${some}` },
  { family: 'strip separators', sql: `SELECT REPLACE(REPLACE(REPLACE(PHONE, '-', ''), '(', ''), ')', '') AS P FROM ${P} ${some}` },
  { family: 'strip separators', sql: `SELECT REGEXP_REPLACE(SSN, '[^0-9]', '') FROM ${P} ${some}` },
  { family: 'strip separators', sql: `SELECT TRANSLATE(SSN, '-', '') FROM ${P} ${some}` },
  { family: 'reverse', sql: `SELECT REVERSE(LAST_NAME) FROM ${P} ${some}` },
  { family: 'reverse', sql: `SELECT REVERSE(SSN) FROM ${P} ${some}` },
  { family: 'reverse', sql: `SELECT REVERSE(EMAIL) AS NOTE FROM ${P} ${some}` },
  { family: 'case', sql: `SELECT LOWER(FIRST_NAME), UPPER(LAST_NAME) FROM ${P} ${some}` },
  { family: 'case', sql: `SELECT UPPER(EMAIL) FROM ${P} ${some}` },
  { family: 'case', sql: `SELECT INITCAP(LOWER(ADDRESS)) FROM ${P} ${some}` },
  // pieces
  { family: 'substr pieces', sql: `SELECT SUBSTR(SSN, 1, 3) A, SUBSTR(SSN, 5, 2) B, SUBSTR(SSN, 8, 4) C FROM ${P} ${some}` },
  { family: 'substr pieces', sql: `SELECT LEFT(LAST_NAME, 3), RIGHT(LAST_NAME, 3) FROM ${P} ${some}` },
  { family: 'substr pieces', sql: `SELECT SUBSTRING(PHONE, 2, 3) FROM ${P} ${some}` },
  { family: 'substr pieces', sql: `SELECT SPLIT_PART(EMAIL, '@', 1) AS LOCAL_PART FROM ${P} ${some}` },
  { family: 'substr pieces', sql: `SELECT SUBSTR(MRN, 5) FROM ${P} ${some}` },
  { family: 'substr pieces', sql: `SELECT SUBSTR(INSURANCE_MEMBER_ID, 1, 6), SUBSTR(INSURANCE_MEMBER_ID, 7) FROM ${P} ${some}` },
  // encodings and hashes
  { family: 'hex', sql: `SELECT HEX_ENCODE(SSN) FROM ${P} ${some}` },
  { family: 'hex', sql: `SELECT HEX(LAST_NAME) FROM ${P} ${some}` },
  { family: 'base64', sql: `SELECT BASE64_ENCODE(SSN) FROM ${P} ${some}` },
  { family: 'base64', sql: `SELECT TO_BASE64(EMAIL) FROM ${P} ${some}` },
  { family: 'hash', sql: `SELECT MD5(SSN) FROM ${P} ${some}` },
  { family: 'hash', sql: `SELECT MD5(REPLACE(SSN, '-', '')) FROM ${P} ${some}` },
  { family: 'hash', sql: `SELECT SHA2(SSN, 256) FROM ${P} ${some}` },
  { family: 'hash', sql: `SELECT SHA256(SSN) FROM ${P} ${some}` },
  { family: 'hash', sql: `SELECT SHA1(PHONE) FROM ${P} ${some}` },
  { family: 'hash', sql: `SELECT HASH(SSN) FROM ${P} ${some}` },
  // aggregates that return values
  { family: 'array_agg', sql: `SELECT ARRAY_AGG(LAST_NAME) FROM ${P}` },
  { family: 'array_agg', sql: `SELECT STATE, ARRAY_AGG(SSN) FROM ${P} GROUP BY STATE ORDER BY STATE`, pass: [0] },
  { family: 'listagg', sql: `SELECT LISTAGG(FIRST_NAME, ',') FROM ${P}` },
  { family: 'listagg', sql: `SELECT STRING_AGG(EMAIL, ';') FROM ${P}` },
  { family: 'min/max', sql: `SELECT MIN(SSN), MAX(SSN) FROM ${P}` },
  { family: 'min/max', sql: `SELECT PATIENT_ID, MAX(LAST_NAME) FROM ${P} GROUP BY PATIENT_ID ORDER BY PATIENT_ID LIMIT 40`, pass: [0] },
  { family: 'any_value', sql: `SELECT STATE, ANY_VALUE(PHONE) FROM ${P} GROUP BY STATE ORDER BY STATE`, pass: [0] },
  { family: 'mode', sql: `SELECT MODE(ZIP) FROM ${P}` },
  { family: 'sum/avg of a group of one', sql: `SELECT PATIENT_ID, SUM(CAST(REPLACE(SSN, '-', '') AS BIGINT)) FROM ${P} GROUP BY PATIENT_ID ORDER BY PATIENT_ID LIMIT 40`, pass: [0] },
  // dates
  { family: 'date parts', sql: `SELECT YEAR(DATE_OF_BIRTH) + 0, MONTH(DATE_OF_BIRTH), DAY(DATE_OF_BIRTH) FROM ${P} ${some}` },
  { family: 'date parts', sql: `SELECT MONTH(DATE_OF_BIRTH) AS M, DAYOFMONTH(DATE_OF_BIRTH) AS D FROM ${P} ${some}` },
  { family: 'date parts', sql: `SELECT EXTRACT(MONTH FROM DATE_OF_BIRTH), EXTRACT(DAY FROM DATE_OF_BIRTH) FROM ${P} ${some}` },
  { family: 'date parts', sql: `SELECT DAYOFYEAR(DATE_OF_BIRTH) FROM ${P} ${some}` },
  { family: 'datediff', sql: `SELECT DATEDIFF('day', DATE_OF_BIRTH, DATE '2000-01-01') FROM ${P} ${some}` },
  { family: 'datediff', sql: `SELECT DATEDIFF('day', DATE '1900-01-01', DATE_OF_BIRTH) AS VISITS FROM ${P} ${some}` },
  { family: 'epoch', sql: `SELECT EPOCH(DATE_OF_BIRTH) FROM ${P} ${some}` },
  { family: 'epoch', sql: `SELECT DATE_OF_BIRTH - DATE '1970-01-01' FROM ${P} ${some}` },
  { family: 'date to text', sql: `SELECT TO_VARCHAR(DATE_OF_BIRTH) FROM ${P} ${some}` },
  { family: 'date to text', sql: `SELECT CAST(DATE_OF_BIRTH AS VARCHAR) || '' FROM ${P} ${some}` },
  { family: 'date to text', sql: `SELECT STRFTIME(DATE_OF_BIRTH, '%d/%m/%Y') FROM ${P} ${some}` },
  { family: 'date shift', sql: `SELECT DATEADD(day, 1, DATE_OF_BIRTH) FROM ${P} ${some}` },
  // numbers
  { family: 'cast and arithmetic', sql: `SELECT CAST(REPLACE(SSN, '-', '') AS BIGINT) + 1 FROM ${P} ${some}` },
  { family: 'cast and arithmetic', sql: `SELECT TRY_CAST(REPLACE(SSN, '-', '') AS BIGINT) * 3 FROM ${P} ${some}` },
  { family: 'cast and arithmetic', sql: `SELECT CAST(SUBSTR(MRN, 5) AS INT) - 7 FROM ${P} ${some}` },
  { family: 'cast and arithmetic', sql: `SELECT CAST(ZIP AS INT) / 1 FROM ${P} ${some}` },
  { family: 'cast and arithmetic', sql: `SELECT LENGTH(LAST_NAME) FROM ${P} ${some}` },
  // spelled out and per character
  { family: 'translate', sql: `SELECT TRANSLATE(SSN, '0123456789', 'abcdefghij') FROM ${P} ${some}` },
  { family: 'spelled-out digits', sql: `SELECT REPLACE(REPLACE(REPLACE(SSN, '1', 'one '), '2', 'two '), '3', 'three ') FROM ${P} ${some}` },
  { family: 'ascii per character', sql: `SELECT ASCII(SUBSTR(SSN, 1, 1)), ASCII(SUBSTR(SSN, 2, 1)), ASCII(SUBSTR(SSN, 3, 1)) FROM ${P} ${some}` },
  { family: 'ascii per character', sql: `SELECT UNICODE(SUBSTR(LAST_NAME, 1, 1)) FROM ${P} ${some}` },
  { family: 'char codes', sql: `SELECT ORD(LAST_NAME) FROM ${P} ${some}` },
  // oracles
  { family: 'case oracle', sql: `SELECT CASE WHEN SSN LIKE '1%' THEN 1 ELSE 0 END FROM ${P} ${some}` },
  { family: 'case oracle', sql: `SELECT PATIENT_ID, CASE WHEN SUBSTR(SSN, 1, 1) = '5' THEN 'yes' ELSE 'no' END FROM ${P} ${some}`, pass: [0] },
  { family: 'case oracle', sql: `SELECT IFF(LAST_NAME LIKE 'S%', 'a', 'b') FROM ${P} ${some}` },
  { family: 'case oracle', sql: `SELECT COUNT(CASE WHEN SSN LIKE '12%' THEN 1 END) FROM ${P} GROUP BY PATIENT_ID ORDER BY PATIENT_ID LIMIT 40` },
  { family: 'case oracle', sql: `SELECT COUNT_IF(SSN > '5') FROM ${P} GROUP BY PATIENT_ID ORDER BY PATIENT_ID LIMIT 40` },
  { family: 'case oracle', sql: `SELECT SSN < '500-00-0000' FROM ${P} ${some}` },
  { family: 'case oracle', sql: `SELECT CONTAINS(EMAIL, 'gmail') FROM ${P} ${some}` },
  { family: 'window oracle', sql: `SELECT ROW_NUMBER() OVER (ORDER BY SSN) FROM ${P} ${some}` },
  { family: 'window oracle', sql: `SELECT RANK() OVER (ORDER BY LAST_NAME) FROM ${P} ${some}` },
  { family: 'window oracle', sql: `SELECT LAG(SSN) OVER (ORDER BY PATIENT_ID) FROM ${P} ${some}` },
  // aliasing and dilution
  { family: 'alias to a harmless name', sql: `SELECT FIRST_NAME AS DIAGNOSIS_CODE FROM ${P} ${some}` },
  { family: 'alias to a harmless name', sql: `SELECT SSN AS ENCOUNTER_TYPE, LAST_NAME AS STATE FROM ${P} ${some}` },
  { family: 'alias to a harmless name', sql: `SELECT PHONE AS "count" FROM ${P} ${some}` },
  { family: 'alias to a prototype name', sql: `SELECT SSN AS "__proto__", LAST_NAME AS "constructor", EMAIL AS "toString" FROM ${P} ${some}` },
  { family: 'alias to a prototype name', sql: `SELECT OBJECT_CONSTRUCT('__proto__', SSN, 'constructor', FIRST_NAME) AS "__proto__" FROM ${P} ${some}` },
  { family: 'table literal', sql: `SELECT SSN AS STATE, PATIENT_ID FROM TABLE('${P}') ${some}` },
  { family: 'dilution', sql: `SELECT CASE WHEN PATIENT_ID % 3 = 0 THEN FIRST_NAME ELSE 'n/a' END AS X FROM ${P} ${some}` },
  { family: 'dilution', sql: `SELECT CASE WHEN PATIENT_ID % 10 = 0 THEN SSN ELSE NULL END FROM ${P} ${some}` },
  { family: 'dilution', sql: `SELECT COALESCE(NULLIF(PATIENT_ID % 5, 0)::VARCHAR, EMAIL) FROM ${P} ${some}` },
  // prefixes and concatenation
  { family: 'prefix', sql: `SELECT 'ICD-' || SSN FROM ${P} ${some}` },
  { family: 'prefix', sql: `SELECT CONCAT('Z', REPLACE(SSN, '-', ''), '.9') FROM ${P} ${some}` },
  { family: 'prefix', sql: `SELECT 'order #' || REPLACE(PHONE, '-', '') FROM ${P} ${some}` },
  { family: 'concatenation', sql: `SELECT FIRST_NAME || ' ' || LAST_NAME FROM ${P} ${some}` },
  { family: 'concatenation', sql: `SELECT CONCAT_WS('|', MRN, EMAIL, ZIP) FROM ${P} ${some}` },
  // structure
  { family: 'subquery', sql: `SELECT X FROM (SELECT REVERSE(SSN) AS X, PATIENT_ID FROM ${P}) t ORDER BY PATIENT_ID LIMIT 40` },
  { family: 'cte', sql: `WITH s AS (SELECT PATIENT_ID, LAST_NAME AS N FROM ${P}) SELECT N FROM s ORDER BY PATIENT_ID LIMIT 40` },
  { family: 'cte', sql: `WITH a AS (SELECT SSN AS S FROM ${P}), b AS (SELECT REPLACE(S, '-', '') AS T FROM a) SELECT T FROM b LIMIT 40` },
  { family: 'union', sql: `SELECT STATE FROM ${P} UNION ALL SELECT LAST_NAME FROM ${P}` },
  { family: 'union', sql: `SELECT 'x' AS A UNION ALL SELECT EMAIL FROM ${P}` },
  { family: 'join', sql: `SELECT e.ENCOUNTER_ID, p.LAST_NAME FROM CLINICAL.PHI.ENCOUNTERS e JOIN ${P} p ON p.PATIENT_ID = e.PATIENT_ID ORDER BY e.ENCOUNTER_ID LIMIT 40`, pass: [0] },
  { family: 'join', sql: `SELECT n.NOTE_ID, REVERSE(p.FIRST_NAME) FROM CLINICAL.PHI.CLINICAL_NOTES n JOIN ${P} p USING (PATIENT_ID) ORDER BY n.NOTE_ID LIMIT 40`, pass: [0] },
  { family: 'scalar subquery', sql: `SELECT (SELECT MAX(SSN) FROM ${P}) AS M` },
  { family: 'correlated subquery', sql: `SELECT e.ENCOUNTER_ID, (SELECT REVERSE(p.PHONE) FROM ${P} p WHERE p.PATIENT_ID = e.PATIENT_ID) FROM CLINICAL.PHI.ENCOUNTERS e ORDER BY 1 LIMIT 40`, pass: [0] },
  // PATIENT_ID, STATE and CREATED_AT are pinned harmless; DATE_OF_BIRTH as stored is generalized to its year.
  { family: 'star', sql: `SELECT * FROM ${P} ${some}`, pass: [0, 4, 8, 13] },
  { family: 'star', sql: `SELECT p.* FROM ${P} p ORDER BY PATIENT_ID LIMIT 40`, pass: [0, 4, 8, 13] },
  { family: 'semi-structured', sql: `SELECT OBJECT_CONSTRUCT('n', LAST_NAME) FROM ${P} ${some}` },
  { family: 'semi-structured', sql: `SELECT TO_JSON(OBJECT_CONSTRUCT('s', SSN)) FROM ${P} ${some}` },
  { family: 'semi-structured', sql: `SELECT ARRAY_CONSTRUCT(SSN, PHONE) FROM ${P} ${some}` },
  { family: 'object_construct(*)', sql: `SELECT OBJECT_CONSTRUCT(*) FROM ${P} ${some}` },
  { family: 'flatten', sql: `SELECT f.VALUE FROM ${P}, LATERAL FLATTEN(input => ARRAY_CONSTRUCT(SSN)) f LIMIT 40` },
  { family: 'unknown function', sql: `SELECT MY_DECODER(SSN) FROM ${P} ${some}` },
  { family: 'unknown function', sql: `SELECT PRINTF('%s', SSN) FROM ${P} ${some}` },
  { family: 'unknown object', sql: `SELECT * FROM CLINICAL.PHI.PATIENTS_VIEW LIMIT 40` },
  { family: 'table function', sql: `SELECT * FROM TABLE(GENERATOR(ROWCOUNT => 3))` },
  { family: 'positional column', sql: `SELECT $6 FROM ${P} LIMIT 40` },
  { family: 'quoted identifiers', sql: `SELECT "SSN", "LAST_NAME" FROM "CLINICAL"."PHI"."PATIENTS" LIMIT 40` },
  { family: 'unqualified after USE', sql: `SELECT REVERSE(SSN) FROM PATIENTS LIMIT 40` },
  { family: 'comment smuggling', sql: `SELECT /* STATE */ SSN -- harmless\n FROM ${P} LIMIT 40` },
  { family: 'parse failure', sql: `SELECT SSN FROM ${P} QUALIFY ROW_NUMBER() OVER (ORDER BY PATIENT_ID) < 10 ORDER BY PATIENT_ID` },
  { family: 'error echo', sql: `SELECT CAST(LAST_NAME AS INT) FROM ${P} LIMIT 5` },
  { family: 'error echo', sql: `SELECT CAST(EMAIL AS DATE) FROM ${P} LIMIT 5` },
  { family: 'error echo', sql: `SELECT TO_NUMBER(FIRST_NAME) FROM ${P} LIMIT 5` },
];
