import { analyzeSql, decidePredicates, maskTableByPlan, parseMaskingPolicy, planSql, type ColumnPlan, type MaskingPlan } from '../../phi';
import { clinicalCatalog as catalog } from './catalog-fixture';

const policy = parseMaskingPolicy({ operators: { DATE: 'generalize', NAME: 'tokenize', SSN: 'partial' } });

function columns(sql: string): ColumnPlan[] {
  const plan = planSql(sql, catalog, policy);
  if (plan.kind !== 'columns') throw new Error(`expected a column plan, got ${JSON.stringify(plan)}`);
  return plan.columns;
}
const brief = (c: ColumnPlan) => `${c.action}${c.type ? `:${c.type}` : ''}`;

describe('lineage: each construct, per output column (SQL alone, no server)', () => {
  test.each<[string, string, string[]]>([
    ['plain PHI column', 'SELECT SSN FROM PATIENTS', ['mask:SSN']],
    ['plain harmless column', 'SELECT STATE FROM PATIENTS', ['pass']],
    ['free text as stored', 'SELECT NOTE_TEXT FROM CLINICAL_NOTES', ['scan']],
    ['alias to a harmless name', 'SELECT FIRST_NAME AS DIAGNOSIS_CODE FROM PATIENTS', ['mask:NAME']],
    ['quoted identifier', 'SELECT "SSN" FROM "PATIENTS"', ['mask:SSN']],
    ['fully qualified table and t.col', 'SELECT p.SSN, p.STATE FROM CLINICAL.PHI.PATIENTS p', ['mask:SSN', 'pass']],
    ['schema.table', 'SELECT LAST_NAME FROM PHI.PATIENTS', ['mask:NAME']],
    ['REPLACE', "SELECT REPLACE(SSN, '-', '') FROM PATIENTS", ['mask:SSN']],
    ['REVERSE', 'SELECT REVERSE(LAST_NAME) FROM PATIENTS', ['mask:NAME']],
    ['SUBSTR pieces', 'SELECT SUBSTR(SSN, 1, 3) a, SUBSTR(SSN, 5, 2) b, RIGHT(SSN, 4) c FROM PATIENTS', ['mask:SSN', 'mask:SSN', 'mask:SSN']],
    ['LOWER / UPPER', 'SELECT LOWER(FIRST_NAME), UPPER(EMAIL) FROM PATIENTS', ['mask:NAME', 'mask:EMAIL']],
    ['hashes and encodings', 'SELECT MD5(SSN), SHA2(SSN, 256), HEX_ENCODE(SSN), BASE64_ENCODE(PHONE) FROM PATIENTS', ['mask:SSN', 'mask:SSN', 'mask:SSN', 'mask:PHONE']],
    ['date parts', 'SELECT YEAR(DATE_OF_BIRTH) + 0, MONTH(DATE_OF_BIRTH), DAY(DATE_OF_BIRTH), DATEDIFF(day, DATE_OF_BIRTH, CURRENT_DATE()) FROM PATIENTS', ['mask:DATE', 'mask:DATE', 'mask:DATE', 'mask:DATE']],
    ['EXTRACT', 'SELECT EXTRACT(YEAR FROM DATE_OF_BIRTH) FROM PATIENTS', ['mask:DATE']],
    ['casts and arithmetic', 'SELECT SSN::NUMBER + 1, TRY_CAST(REPLACE(SSN, \'-\', \'\') AS INT) * 2 FROM PATIENTS', ['mask:SSN', 'mask:SSN']],
    ['TRANSLATE', "SELECT TRANSLATE(SSN, '0123456789', 'abcdefghij') FROM PATIENTS", ['mask:SSN']],
    ['ASCII per character', 'SELECT ASCII(SUBSTR(SSN, 1, 1)) FROM PATIENTS', ['mask:SSN']],
    ['CASE oracle', "SELECT CASE WHEN SSN LIKE '1%' THEN 1 ELSE 0 END FROM PATIENTS", ['mask:SSN']],
    ['IFF oracle', "SELECT IFF(STARTSWITH(LAST_NAME, 'A'), 'yes', 'no') FROM PATIENTS", ['mask:NAME']],
    ['dilution below the sampling threshold', "SELECT CASE WHEN PATIENT_ID % 3 = 0 THEN FIRST_NAME ELSE 'n/a' END FROM PATIENTS", ['mask:NAME']],
    ['prefix', "SELECT 'ICD-' || SSN FROM PATIENTS", ['mask:SSN']],
    ['CONCAT of two types takes the strictest', 'SELECT CONCAT(FIRST_NAME, SSN) FROM PATIENTS', ['mask:SSN']],
    ['ARRAY_AGG / LISTAGG / MIN / MAX / ANY_VALUE / MODE', 'SELECT ARRAY_AGG(LAST_NAME), MIN(SSN), MAX(PHONE), ANY_VALUE(EMAIL), MODE(ZIP) FROM PATIENTS', ['mask:NAME', 'mask:SSN', 'mask:PHONE', 'mask:EMAIL', 'mask:ZIP']],
    ['COUNT and COUNT DISTINCT of plain columns pass', 'SELECT COUNT(*), COUNT(SSN), COUNT(DISTINCT LAST_NAME), APPROX_COUNT_DISTINCT(EMAIL) FROM PATIENTS', ['pass', 'pass', 'pass', 'pass']],
    ['COUNT of an expression is an oracle', "SELECT COUNT(CASE WHEN SSN LIKE '1%' THEN 1 END) FROM PATIENTS GROUP BY PATIENT_ID", ['mask:SSN']],
    ['COUNT_IF is an oracle', "SELECT COUNT_IF(SSN LIKE '1%') FROM PATIENTS GROUP BY PATIENT_ID", ['mask:SSN']],
    ['SUM / AVG of PHI', 'SELECT AVG(YEAR(DATE_OF_BIRTH)), SUM(LENGTH(LAST_NAME)) FROM PATIENTS GROUP BY PATIENT_ID', ['mask:DATE', 'mask:NAME']],
    ['window ordered by PHI', 'SELECT ROW_NUMBER() OVER (ORDER BY SSN) FROM PATIENTS', ['mask:SSN']],
    ['window partitioned by harmless, counting', 'SELECT STATE, COUNT(*) OVER (PARTITION BY STATE) FROM PATIENTS', ['pass', 'pass']],
    ['derived table', 'SELECT x FROM (SELECT SSN AS x FROM PATIENTS) t', ['mask:SSN']],
    ['derived table with a transform', 'SELECT t.x FROM (SELECT REVERSE(SSN) AS x FROM PATIENTS) t', ['mask:SSN']],
    ['CTE', 'WITH a AS (SELECT LAST_NAME AS n, STATE FROM PATIENTS) SELECT n, STATE FROM a', ['mask:NAME', 'pass']],
    ['CTE with column names', 'WITH a (x, y) AS (SELECT STATE, SSN FROM PATIENTS) SELECT y, x FROM a', ['mask:SSN', 'pass']],
    ['CTE chain', 'WITH a AS (SELECT SSN FROM PATIENTS), b AS (SELECT SSN AS s FROM a) SELECT s FROM b', ['mask:SSN']],
    ['UNION mixes branches by position', 'SELECT STATE FROM PATIENTS UNION ALL SELECT LAST_NAME FROM PATIENTS', ['mask:NAME']],
    ['UNION of harmless', 'SELECT STATE FROM PATIENTS UNION SELECT FACILITY FROM ENCOUNTERS', ['pass']],
    ['join, star of one side', 'SELECT e.*, p.STATE FROM ENCOUNTERS e JOIN PATIENTS p ON p.PATIENT_ID = e.PATIENT_ID', ['pass', 'pass', 'mask:DATE', 'pass', 'mask:NAME', 'pass', 'pass']],
    ['star over a join', 'SELECT * FROM DIAGNOSES d JOIN CLINICAL_NOTES n ON n.ENCOUNTER_ID = d.ENCOUNTER_ID', ['pass', 'pass', 'pass', 'pass', 'pass', 'mask:DATE', 'pass', 'pass', 'pass', 'mask:NAME', 'scan', 'pass']],
    ['star EXCLUDE', 'SELECT * EXCLUDE (SSN, MRN, FIRST_NAME, LAST_NAME, DATE_OF_BIRTH, ADDRESS, CITY, ZIP, PHONE, EMAIL, INSURANCE_MEMBER_ID) FROM PATIENTS', ['pass', 'pass', 'pass']],
    ['scalar subquery', 'SELECT (SELECT MAX(SSN) FROM PATIENTS) AS m', ['mask:SSN']],
    ['correlated subquery', 'SELECT e.ENCOUNTER_ID, (SELECT p.LAST_NAME FROM PATIENTS p WHERE p.PATIENT_ID = e.PATIENT_ID) FROM ENCOUNTERS e', ['pass', 'mask:NAME']],
    ['LATERAL FLATTEN', 'SELECT f.value FROM PATIENTS, LATERAL FLATTEN(input => ARRAY_CONSTRUCT(SSN)) f', ['mask:SSN']],
    ['TABLE(FLATTEN)', 'SELECT f.value FROM PATIENTS p, TABLE(FLATTEN(input => SPLIT(p.EMAIL, \'@\'))) f', ['mask:EMAIL']],
    ['semi-structured path', 'SELECT v:name::string FROM (SELECT OBJECT_CONSTRUCT(\'name\', LAST_NAME) AS v FROM PATIENTS)', ['mask:NAME']],
    // A literal is a value the agent chose: read before it goes out (constant-cells.test.ts); CURRENT_DATE() is none of its choosing.
    ['constants only', "SELECT 1, 'x', CURRENT_DATE()", ['scan', 'scan', 'pass']],
    ['ignored type is not masked by lineage', 'SELECT STATE FROM PATIENTS', ['pass']],
  ])('%s', (_name, sql, expected) => {
    expect(columns(sql).map(brief)).toEqual(expected);
  });

  test('generalize and partial only where the expression is exactly the source column', () => {
    const [dob, year, ssn, piece] = columns('SELECT DATE_OF_BIRTH, MONTH(DATE_OF_BIRTH), SSN, SUBSTR(SSN, 1, 5) FROM PATIENTS');
    expect(dob).toMatchObject({ operator: 'generalize', rule: 'phi-source' });
    expect(year).toMatchObject({ operator: 'redact', rule: 'derived-from-phi' });
    expect(ssn).toMatchObject({ operator: 'partial', rule: 'phi-source' });
    expect(piece).toMatchObject({ operator: 'redact', rule: 'derived-from-phi' });
    const [name] = columns('SELECT REVERSE(FIRST_NAME) FROM PATIENTS');
    expect(name).toMatchObject({ operator: 'tokenize' });
  });

  test('YEAR of a date passes only where the policy generalizes dates to the year anyway', () => {
    expect(columns('SELECT YEAR(ENCOUNTER_DATE), COUNT(*) FROM ENCOUNTERS GROUP BY 1').map((c) => c.rule)).toEqual(['year-of-date', 'all-sources-none']);
    expect(columns('SELECT YEAR(ENCOUNTER_DATE) + 0, MONTH(ENCOUNTER_DATE) FROM ENCOUNTERS').map(brief)).toEqual(['mask:DATE', 'mask:DATE']);
    const redacting = parseMaskingPolicy({});
    const plan = planSql('SELECT YEAR(ENCOUNTER_DATE) FROM ENCOUNTERS', catalog, redacting);
    expect(plan.kind === 'columns' && plan.columns[0]).toMatchObject({ action: 'mask', type: 'DATE' });
  });

  test('the report names sources and the path, never a value', () => {
    const [c] = columns("SELECT REPLACE(SSN, '-', '') AS X FROM PATIENTS WHERE SSN = '123-45-6789'");
    expect(c!.reason).toBe('derived from CLINICAL.PHI.PATIENTS.SSN via REPLACE; masked whole as SSN');
    expect(JSON.stringify(c)).not.toContain('123-45-6789');
  });

  test('free text transformed so a scan could miss it is masked as the strictest type in scope', () => {
    expect(columns('SELECT REVERSE(NOTE_TEXT), TRIM(NOTE_TEXT), LOWER(NOTE_TEXT) FROM CLINICAL_NOTES').map(brief)).toEqual(['mask:SSN', 'scan', 'mask:SSN']);
  });
});

describe('lineage fails closed', () => {
  const whole = (sql: string): MaskingPlan => planSql(sql, catalog, policy);
  test.each<[string, string]>([
    ['parse failure', 'SELECT FROM WHERE ('],
    ['not SQL', 'please show me the patients'],
    ['two statements', 'SELECT 1; SELECT SSN FROM PATIENTS'],
    ['star over an unknown table', 'SELECT * FROM CLINICAL.PHI.SECRET_VIEW'],
    ['star over a table function', 'SELECT * FROM TABLE(GENERATOR(ROWCOUNT => 10))'],
    ['recursive CTE', 'WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r'],
    // PIVOT ... IN (ANY) names a column after each distinct value; UNPIVOT turns columns into
    // rows. Read as a plain FROM, both got column plans for the wrong columns (the names passed).
    ['PIVOT over a subquery, IN (ANY)', 'SELECT * FROM (SELECT LAST_NAME, PATIENT_ID FROM PATIENTS) PIVOT (COUNT(PATIENT_ID) FOR LAST_NAME IN (ANY))'],
    ['PIVOT over a table, listed values', "SELECT * FROM PATIENTS PIVOT (COUNT(PATIENT_ID) FOR LAST_NAME IN ('A', 'B')) AS q"],
    ['UNPIVOT', 'SELECT * FROM PATIENTS UNPIVOT (V FOR K IN (FIRST_NAME, LAST_NAME))'],
    ['empty', '   '],
  ])('%s: every column masked as the strictest type in scope', (_name, sql) => {
    const plan = whole(sql);
    expect(plan).toMatchObject({ kind: 'whole', type: 'SSN', touchesPhi: true });
  });

  // An injected agent puts a patient's SSN or name where the statement stops parsing: the parser's
  // message quotes what it found there ('but "J" found'), and the reason goes into the masking plan
  // kept six years and into the predicate ruling (a request's reason, a Slack hold message).
  test.each<[string, string, string]>([
    ['a name where a number belongs', 'SELECT PATIENT_ID FROM PATIENTS LIMIT Jane_Doe', 'Jane'],
    ['an SSN where a quoted escape belongs', "SELECT PATIENT_ID FROM PATIENTS WHERE SSN LIKE '1%' ESCAPE 078051120", '078051120'],
    ['an OFFSET that is a name', 'SELECT PATIENT_ID FROM PATIENTS LIMIT 1 OFFSET Jane_Doe', 'Jane'],
    ['an unterminated literal', "SELECT PATIENT_ID FROM PATIENTS WHERE SSN = '078-05-1120", '078-05-1120'],
    ['an unterminated dollar-quoted literal', 'SELECT $$Jane Doe 078-05-1120', 'Jane'],
  ])('a parse failure (%s) says where, never what', (_name, sql, literal) => {
    const lineage = analyzeSql(sql, catalog);
    const where = /^the SQL parser \(Snowflake dialect\) could not parse it at line \d+, column \d+$/;
    expect(lineage).toEqual({ kind: 'unanalysable', reason: expect.stringMatching(where) });
    const plan = planSql(sql, catalog, policy);
    const ruling = decidePredicates(sql, catalog, { ...policy, phiPredicates: { SSN: 'hold' } });
    for (const text of [JSON.stringify(plan), JSON.stringify(ruling)]) {
      expect(text).not.toMatch(/found|Expected/);
      expect(text).not.toContain(literal);
      // The character the parser quoted ('"J"'), as it reads inside JSON.
      expect(text).not.toContain(`\\"${literal[0]!}\\"`);
    }
    if (lineage.kind === 'unanalysable' && sql.includes('LIMIT Jane')) expect(lineage.reason).toBe(`the SQL parser (Snowflake dialect) could not parse it at line 1, column ${sql.indexOf('Jane') + 1}`);
  });

  test.each<[string, string]>([
    ['unknown function (UDF)', 'SELECT MY_DB.PUBLIC.DECODE_IT(STATE) FROM PATIENTS'],
    ['unknown built-in', 'SELECT SOME_NEW_FUNCTION(STATE) FROM PATIENTS'],
    ['system function', "SELECT SYSTEM$GET_TAG('x', 'y', 'column')"],
    ['OBJECT_CONSTRUCT(*)', 'SELECT OBJECT_CONSTRUCT(*) FROM PATIENTS'],
    ['HASH(*)', 'SELECT HASH(*) FROM PATIENTS'],
    ['explicit column of an unknown view', 'SELECT STATE FROM CLINICAL.PHI.SECRET_VIEW'],
    ['positional column', 'SELECT $6 FROM PATIENTS'],
    ['unresolvable column', 'SELECT NO_SUCH_COLUMN FROM PATIENTS p JOIN ENCOUNTERS e ON p.PATIENT_ID = e.PATIENT_ID'],
  ])('%s: that column is masked as the strictest type in scope', (_name, sql) => {
    const plan = planSql(sql, catalog, policy);
    // Some of these the parser already refuses: then the whole result is masked, which is as strict.
    if (plan.kind === 'whole') expect(plan.type).toBe('SSN');
    else expect(plan.kind === 'columns' && plan.columns[0]).toMatchObject({ action: 'mask', type: 'SSN', rule: 'unresolved' });
  });

  test('an unknown column of a known table is classified by its name, else free text, never none', () => {
    const plan = planSql('SELECT PATIENT_SSN, FAVOURITE_COLOUR FROM PATIENTS', catalog, policy);
    expect(plan.kind === 'columns' && plan.columns.map(brief)).toEqual(['mask:SSN', 'scan']);
  });

  test('SHOW and DESCRIBE are metadata; a smuggled second statement is not', () => {
    expect(planSql('SHOW TABLES IN SCHEMA CLINICAL.PHI', catalog, policy).kind).toBe('metadata');
    expect(planSql('/* hi */ DESCRIBE TABLE PATIENTS', catalog, policy).kind).toBe('metadata');
    expect(planSql('SHOW TABLES; SELECT SSN FROM PATIENTS', catalog, policy).kind).toBe('whole');
  });

  test('Snowflake\'s pipe operator ->> chains statements: the last one\'s result comes back, so a chain is never metadata', () => {
    for (const sql of ['SHOW TABLES ->> SELECT REVERSE(SSN) FROM PATIENTS', 'DESCRIBE TABLE PATIENTS ->> SELECT * FROM $1 ->> SELECT SSN FROM PATIENTS', 'SELECT STATE FROM PATIENTS ->> SELECT LAST_NAME FROM PATIENTS']) {
      expect(planSql(sql, catalog, policy)).toMatchObject({ kind: 'whole', type: 'SSN' });
      expect(decidePredicates(sql, catalog, policy).verdict).toBe('hold');
    }
    expect(planSql("SHOW TABLES LIKE '%->>%'", catalog, policy).kind).toBe('whole'); // inside a literal too: over-masked, never under
  });

  test('an unqualified name in several schemas takes every candidate (USE SCHEMA cannot steer it)', () => {
    const two = { ...catalog, tables: [...catalog.tables, { database: 'CLINICAL', schema: 'OTHER', name: 'ENCOUNTERS', columns: [{ name: 'FACILITY', class: 'SSN' as const, source: 'config' as const }] }] };
    const plan = planSql('SELECT FACILITY FROM ENCOUNTERS', two, policy);
    expect(plan.kind === 'columns' && plan.columns.map(brief)).toEqual(['mask:SSN']);
    expect(planSql('SELECT * FROM ENCOUNTERS', two, policy).kind).toBe('whole');
  });

  test('nesting is bounded', () => {
    let sql = 'SELECT STATE FROM PATIENTS';
    for (let i = 0; i < 80; i++) sql = `SELECT STATE FROM (${sql})`;
    const plan = planSql(sql, catalog, policy);
    expect(plan.kind === 'whole' || (plan.kind === 'columns' && plan.columns[0]!.action !== 'pass')).toBe(true);
  });

  test('bad input to the analysis gives a clear reason, never a throw', () => {
    expect(analyzeSql(undefined as unknown as string, catalog)).toMatchObject({ kind: 'unanalysable', reason: 'no SQL text' });
    expect(analyzeSql('SELECT 1'.padEnd(300_000, ' '), catalog)).toMatchObject({ kind: 'unanalysable' });
    expect(analyzeSql("INSERT INTO X VALUES (1)", catalog)).toMatchObject({ kind: 'metadata' });
  });
});

describe('PHI in predicates', () => {
  const verdict = (sql: string) => decidePredicates(sql, catalog, policy);
  test.each<[string, string, 'allow' | 'hold']>([
    ['WHERE on SSN', "SELECT COUNT(*) FROM PATIENTS WHERE SSN LIKE '12%'", 'hold'],
    ['WHERE on a name', "SELECT PATIENT_ID FROM PATIENTS WHERE LAST_NAME = 'Smith'", 'hold'],
    ['HAVING on PHI', "SELECT STATE FROM PATIENTS GROUP BY STATE HAVING MAX(SSN) > '5'", 'hold'],
    ['GROUP BY a PHI expression', 'SELECT COUNT(*) FROM PATIENTS GROUP BY SUBSTR(SSN, 1, 1)', 'hold'],
    ['ORDER BY PHI', 'SELECT PATIENT_ID FROM PATIENTS ORDER BY LAST_NAME', 'hold'],
    ['ORDER BY position of a PHI output', 'SELECT PATIENT_ID, PHONE FROM PATIENTS ORDER BY 2', 'hold'],
    ['QUALIFY on PHI', 'SELECT PATIENT_ID FROM PATIENTS QUALIFY ROW_NUMBER() OVER (PARTITION BY STATE ORDER BY SSN) = 1', 'hold'],
    ['JOIN ON a PHI expression', 'SELECT COUNT(*) FROM PATIENTS p JOIN ENCOUNTERS e ON SUBSTR(p.SSN, 1, 1) = \'1\'', 'hold'],
    ['subquery in WHERE', "SELECT COUNT(*) FROM ENCOUNTERS WHERE PATIENT_ID IN (SELECT PATIENT_ID FROM PATIENTS WHERE EMAIL LIKE 'a%')", 'hold'],
    ['EXISTS', "SELECT COUNT(*) FROM ENCOUNTERS e WHERE EXISTS (SELECT 1 FROM PATIENTS p WHERE p.PATIENT_ID = e.PATIENT_ID AND p.PHONE LIKE '555%')", 'hold'],
    ['predicate hidden in a CTE', "WITH x AS (SELECT * FROM PATIENTS WHERE SSN LIKE '1%') SELECT COUNT(*) FROM x", 'hold'],
    ['equality join on ids', 'SELECT COUNT(*) FROM PATIENTS p JOIN ENCOUNTERS e ON p.PATIENT_ID = e.PATIENT_ID', 'allow'],
    ['equality join between identifier columns', 'SELECT COUNT(*) FROM PATIENTS a JOIN PATIENTS b ON a.MRN = b.MRN', 'allow'],
    ['USING', 'SELECT COUNT(*) FROM PATIENTS JOIN ENCOUNTERS USING (PATIENT_ID)', 'allow'],
    ['dates', "SELECT COUNT(*) FROM PATIENTS WHERE DATE_OF_BIRTH < '1970-01-01'", 'allow'],
    ['date histogram', 'SELECT YEAR(ENCOUNTER_DATE) y, COUNT(*) FROM ENCOUNTERS GROUP BY 1 ORDER BY 1', 'allow'],
    ['harmless', "SELECT ENCOUNTER_TYPE, COUNT(*) FROM ENCOUNTERS WHERE FACILITY = 'North Valley Clinic' GROUP BY 1", 'allow'],
    ['HAVING on a count', 'SELECT STATE FROM PATIENTS GROUP BY STATE HAVING COUNT(DISTINCT SSN) > 2', 'allow'],
    ['unanalysable', 'SELECT FROM WHERE (', 'hold'],
    ['an unknown function in WHERE', "SELECT COUNT(*) FROM PATIENTS WHERE MY_UDF(STATE) = 'x'", 'hold'],
    // An equality is a join only between stored columns: a constant behind a derived table, a CTE or FLATTEN is a literal.
    ['equality with a constant in a derived table', "SELECT COUNT(*) FROM PATIENTS p JOIN (SELECT '123-45-6789' AS s) x ON p.SSN = x.s", 'hold'],
    ['equality with a constant in WHERE', "SELECT COUNT(*) FROM PATIENTS p, (SELECT '123-45-6789' AS s) x WHERE p.SSN = x.s", 'hold'],
    ['equality with a constant in a CTE', "WITH c AS (SELECT 'Smith' AS n) SELECT p.PATIENT_ID FROM PATIENTS p JOIN c ON p.LAST_NAME = c.n", 'hold'],
    ['equality with a FLATTEN of constants', "SELECT COUNT(*) FROM PATIENTS p, TABLE(FLATTEN(input => ARRAY_CONSTRUCT('123-45-6789'))) f WHERE p.SSN = f.value", 'hold'],
    ['equality with a computed column', 'SELECT COUNT(*) FROM PATIENTS p JOIN (SELECT UPPER(LAST_NAME) AS n FROM PATIENTS) x ON p.LAST_NAME = x.n', 'hold'],
    ['equality join on a stored column through a derived table', 'SELECT COUNT(*) FROM PATIENTS p JOIN (SELECT MRN AS m FROM PATIENTS) x ON p.MRN = x.m', 'allow'],
    // FLATTEN and other table functions yield rows from their arguments: PHI there decides which rows exist.
    ['FLATTEN rows counted from an SSN digit', 'SELECT p.PATIENT_ID FROM PATIENTS p, LATERAL FLATTEN(input => ARRAY_GENERATE_RANGE(0, TO_NUMBER(SUBSTR(p.SSN, 1, 1)))) f', 'hold'],
    ['FLATTEN as an existence oracle', "SELECT p.PATIENT_ID FROM PATIENTS p, LATERAL FLATTEN(input => IFF(p.SSN LIKE '1%', ARRAY_CONSTRUCT(1), ARRAY_CONSTRUCT())) f", 'hold'],
    ['TABLE(FLATTEN) counting name pieces', "SELECT p.PATIENT_ID, COUNT(*) FROM PATIENTS p, TABLE(FLATTEN(input => SPLIT(p.LAST_NAME, 'a'))) f GROUP BY 1", 'hold'],
    ['SPLIT_TO_TABLE on an SSN', "SELECT p.PATIENT_ID FROM PATIENTS p, TABLE(SPLIT_TO_TABLE(p.SSN, '1')) s", 'hold'],
    ['a table function that may read anything', "SELECT COUNT(*) FROM TABLE(FIND_PATIENT('123-45-6789'))", 'hold'],
    ['FLATTEN of a harmless column', "SELECT d.ICD10_CODE, f.value FROM DIAGNOSES d, LATERAL FLATTEN(input => SPLIT(d.ICD10_CODE, '.')) f", 'allow'],
    ['GENERATOR of a constant count', 'SELECT p.PATIENT_ID FROM PATIENTS p, TABLE(GENERATOR(ROWCOUNT => 3)) g', 'allow'],
  ])('%s: %s', (_name, sql, expected) => {
    expect(verdict(sql).verdict).toBe(expected);
  });

  test('the decision names the PHI columns and clauses, never a value', () => {
    const d = verdict("SELECT COUNT(*) FROM PATIENTS WHERE SSN LIKE '123-45%' ORDER BY LAST_NAME");
    expect(d.reason).toContain('CLINICAL.PHI.PATIENTS.SSN (SSN) in WHERE');
    expect(d.reason).toContain('CLINICAL.PHI.PATIENTS.LAST_NAME (NAME) in ORDER BY');
    expect(JSON.stringify(d)).not.toContain('123-45');
  });

  test('phiPredicates per type overrides the defaults', () => {
    const strict = { ...policy, phiPredicates: { DATE: 'deny' as const, SSN: 'allow' as const } };
    expect(decidePredicates("SELECT COUNT(*) FROM PATIENTS WHERE DATE_OF_BIRTH < '1970-01-01'", catalog, strict).verdict).toBe('deny');
    expect(decidePredicates("SELECT COUNT(*) FROM PATIENTS WHERE SSN LIKE '1%'", catalog, strict).verdict).toBe('allow');
  });
});

describe('applying a plan to a result', () => {
  const rows = [[1, '123-45-6789', 'Jane', 'NY', '1980-04-02', 'note about Jane Doe MRN-1234567'], [2, null, 'Bob', 'CA', null, 'nothing here']];
  const names = ['PATIENT_ID', 'SSN', 'X', 'STATE', 'DOB', 'NOTE'];
  const plan = (over: Partial<ColumnPlan>[]): MaskingPlan => ({
    kind: 'columns', touchesPhi: true,
    columns: over.map((o, index) => ({ index, name: names[index]!, action: 'pass', rule: 'all-sources-none', sources: [], reason: '', ...o })),
  });

  test('positional: pass, mask (nulls of a derived column masked too), scan', () => {
    const p = plan([{}, { action: 'mask', type: 'SSN', operator: 'redact', rule: 'phi-source' }, { action: 'mask', type: 'NAME', operator: 'redact', rule: 'derived-from-phi' },
      {}, { action: 'mask', type: 'DATE', operator: 'generalize', rule: 'phi-source' }, { action: 'scan', rule: 'free-text' }]);
    const out = maskTableByPlan(names, rows, p as Exclude<MaskingPlan, { kind: 'metadata' }>, policy, { tokenKey: 'k'.repeat(32) });
    expect(out.rows[0]!.slice(0, 5)).toEqual([1, '[SSN]', '[NAME]', 'NY', '1980']);
    expect(out.rows[1]!.slice(0, 5)).toEqual([2, null, '[NAME]', 'CA', null]);
    expect(String(out.rows[0]![5])).not.toContain('MRN-1234567');
    expect(out.report.counts).toMatchObject({ SSN: 1, NAME: 3, DATE: 1 }); // two derived cells and one name found in the note
  });

  test('a column named like a harmless policy tag is still scanned when it is free text', () => {
    const tagged = parseMaskingPolicy({ columns: { NOTE: 'none' } });
    const p = plan([{}, {}, {}, {}, {}, { action: 'scan', rule: 'free-text' }]);
    const out = maskTableByPlan(names, rows, p as Exclude<MaskingPlan, { kind: 'metadata' }>, tagged);
    expect(String(out.rows[0]![5])).not.toContain('MRN-1234567');
  });

  test('a result with another column count than planned is masked whole', () => {
    const p = plan([{}, {}]);
    const out = maskTableByPlan(names, rows, p as Exclude<MaskingPlan, { kind: 'metadata' }>, policy);
    expect(out.report.mismatch).toContain('2 output columns');
    expect(out.rows.flat().every((v) => typeof v === 'string' && v.startsWith('['))).toBe(true);
  });
});
