// A result column name is the agent's choice: `SELECT COUNT(*) AS "078-05-1120"` or `AS "Jane Doe"`
// put a value where the record keeps names. The recorded SQL masks such a quoted identifier, and so
// does everything else: the result's header (for the agent and the record alike), the plan's column
// names and reasons (kept six years), `_meta`'s masked columns and a predicate ruling's reason. A
// plain name (FIRST_NAME, DIAGNOSIS_CODE) stays as it is.
import { canonicalJson } from '../../audit';
import { decidePredicates, identifierReadsAsPhi, maskSqlText, parseMaskingPolicy, planSql, visibleColumnNames } from '../../phi';
import { MASKING_META_KEY, PhiMasker, type MaskContext } from '../../proxy';
import { clinicalCatalog } from './catalog-fixture';

const policy = parseMaskingPolicy({});
/** Any trace of what the hostile names hold, in any spelling the tests use. */
const LEAK = /0\s*7\s*8\W*0\s*5\W*1\s*1\s*2\s*0|078|1120|jane|j\u0430ne|doe|０７８|٠٧٨/i;
/** Plan digests and tokens are random hex (a per-process salt): `078` inside one is no leak. */
const withoutHex = (text: string) => text.replace(/[0-9a-f]{12,}/gi, '<hex>');

describe('which names read as PHI', () => {
  test.each([
    '078-05-1120', '078"05"1120', '078 05 1120', '078051120', '０７８-０５-１１２０', '٠٧٨-٠٥-١١٢٠', 'O78-O5-112O', '078\u200b05\u200b1120',
    'Jane Doe', 'jane doe', 'J\u0430ne Doe', 'jane@example.org', '1985-03-02', "COUNT_IF(SSN = '078-05-1120')", "COUNT_IF(LAST_NAME = 'x')",
  ])('%s reads as PHI', (name) => {
    expect(identifierReadsAsPhi(name)).toBe(true);
  });
  test.each([
    'FIRST_NAME', 'LAST_NAME', 'DIAGNOSIS_CODE', 'ICD10_CODE', 'DATE_OF_BIRTH', 'PATIENT_ID', 'INSURANCE_MEMBER_ID', 'COUNT(*)', 'YEAR(DATE_OF_BIRTH)',
    'COLUMN_3', 'TOTAL VISITS', 'Encounter Type', 'N', 'Y', 'ICD10', 'VISITS_2024', '[NAME]',
  ])('%s does not', (name) => {
    expect(identifierReadsAsPhi(name)).toBe(false);
  });
});

describe('the recorded SQL text', () => {
  test('a quoted identifier that reads as PHI is masked, one split by doubled quotes too; ordinary ones stay', () => {
    const { text, identifiers } = maskSqlText('SELECT COUNT(*) AS "078-05-1120", PATIENT_ID AS "078""05""1120", STATE AS "a""b" FROM "PATIENTS"');
    expect(text).toBe('SELECT COUNT(*) AS "[NUMBER]", PATIENT_ID AS "[NUMBER]", STATE AS "a""b" FROM "PATIENTS"');
    expect(identifiers).toEqual(['078-05-1120', '078"05"1120']);
    expect(maskSqlText('SELECT ICD10_CODE AS "jane doe" FROM t').text).toBe('SELECT ICD10_CODE AS "[NAME]" FROM t');
  });
});

describe('the plan: column names, sources and reasons', () => {
  const hostile: [string, string][] = [
    ['an alias', 'SELECT COUNT(*) AS "078-05-1120" FROM CLINICAL.PHI.PATIENTS'],
    ['an alias split by doubled quotes', 'SELECT COUNT(*) AS "078""05""1120" FROM CLINICAL.PHI.PATIENTS'],
    ['a name', 'SELECT ICD10_CODE AS "Jane Doe" FROM CLINICAL.PHI.DIAGNOSES'],
    ['a name in lower case', 'SELECT ICD10_CODE AS "jane doe" FROM CLINICAL.PHI.DIAGNOSES'],
    ['a name with a Cyrillic a', 'SELECT ICD10_CODE AS "J\u0430ne Doe" FROM CLINICAL.PHI.DIAGNOSES'],
    ['full-width digits', 'SELECT COUNT(*) AS "０７８-０５-１１２０" FROM CLINICAL.PHI.PATIENTS'],
    ['letters for digits', 'SELECT COUNT(*) AS "O78-O5-112O" FROM CLINICAL.PHI.PATIENTS'],
    ['a CTE alias surfacing through *', 'WITH t AS (SELECT PATIENT_ID AS "078-05-1120" FROM CLINICAL.PHI.PATIENTS) SELECT * FROM t'],
    ['a CTE column list', 'WITH t ("Jane Doe") AS (SELECT PATIENT_ID FROM CLINICAL.PHI.PATIENTS) SELECT * FROM t'],
    ['a subquery alias surfacing by name', 'SELECT "078-05-1120" FROM (SELECT SSN AS "078-05-1120" FROM CLINICAL.PHI.PATIENTS)'],
    ['a subquery alias surfacing through q.*', 'SELECT q.* FROM (SELECT LAST_NAME AS "Jane Doe" FROM CLINICAL.PHI.PATIENTS) q'],
    ['a UNION', 'SELECT PATIENT_ID AS "Jane Doe" FROM CLINICAL.PHI.PATIENTS UNION ALL SELECT PATIENT_ID FROM CLINICAL.PHI.ENCOUNTERS'],
    ['an unknown column', 'SELECT p."Jane Doe" FROM CLINICAL.PHI.PATIENTS p'],
    ['an unknown table', 'SELECT * FROM "Jane Doe"'],
    ['an unknown table, a column of it', 'SELECT x."078-05-1120" FROM CLINICAL.PHI."Jane Doe" x'],
    ['a CTE named so', 'WITH "Jane Doe" AS (SELECT SSN FROM CLINICAL.PHI.PATIENTS) SELECT * FROM "Jane Doe"'],
  ];

  test.each(hostile)('%s: nothing of it in the plan', (_family, sql) => {
    const plan = planSql(sql, clinicalCatalog, policy);
    expect(JSON.stringify(plan)).not.toMatch(LEAK);
    if (plan.kind === 'columns') for (const c of plan.columns) expect(identifierReadsAsPhi(c.name)).toBe(false);
    expect(JSON.stringify(decidePredicates(sql, clinicalCatalog, policy))).not.toMatch(LEAK);
  });

  test('a renamed column is COLUMN_<position>, unique among the names; what masks it is unchanged', () => {
    const plan = planSql('SELECT PATIENT_ID AS COLUMN_2, SSN AS "078-05-1120", LAST_NAME AS "Jane Doe", FIRST_NAME FROM CLINICAL.PHI.PATIENTS', clinicalCatalog, policy);
    if (plan.kind !== 'columns') throw new Error(`expected a columns plan, got ${plan.kind}`);
    expect(plan.columns.map((c) => [c.name, c.action, c.type ?? null])).toEqual([
      ['COLUMN_2', 'pass', null], ['COLUMN_2_2', 'mask', 'SSN'], ['COLUMN_3', 'mask', 'NAME'], ['FIRST_NAME', 'mask', 'NAME'],
    ]);
  });

  test('an unknown column named so: its source and reason carry a placeholder, not the name', () => {
    const plan = planSql('SELECT p."Jane Doe" FROM CLINICAL.PHI.PATIENTS p', clinicalCatalog, policy);
    expect(plan.kind === 'columns' && plan.columns[0]).toMatchObject({ name: 'COLUMN_1', sources: ['CLINICAL.PHI.PATIENTS.[NAME]'] });
  });

  test('a predicate on a table named so: the ruling (shown to approvers) names a placeholder', () => {
    const decision = decidePredicates('SELECT COUNT(*) FROM "Jane Doe" WHERE "078-05-1120" = 1', clinicalCatalog, policy);
    expect(decision.verdict).toBe('hold');
    expect(JSON.stringify(decision)).toContain('[NAME]');
    expect(JSON.stringify(decision)).not.toMatch(LEAK);
  });

  test('ordinary names stay as written', () => {
    const plan = planSql("SELECT PATIENT_ID, STATE, REVERSE(REPLACE(SSN, '-', '')) AS ICD10, LOWER(LAST_NAME) AS WARD, \"Created At\" FROM CLINICAL.PHI.PATIENTS", clinicalCatalog, policy);
    expect(plan.kind === 'columns' && plan.columns.map((c) => c.name)).toEqual(['PATIENT_ID', 'STATE', 'ICD10', 'WARD', 'CREATED AT']);
  });
});

describe('the headers a client sees', () => {
  test('a resolved plan: names that read as PHI become COLUMN_<position>, unique; the rest stay', () => {
    expect(visibleColumnNames(['PATIENT_ID', '078-05-1120', 'Jane Doe', 'COLUMN_2', "COUNT_IF(SSN = '078-05-1120')"], 'columns', ['SELECT ...']))
      .toEqual(['PATIENT_ID', 'COLUMN_2_2', 'COLUMN_3', 'COLUMN_2', 'COLUMN_5']);
  });

  test('an unresolved plan: a name in the statement that reads as PHI is renamed too', () => {
    const sql = 'SELECT "Jane Doe", STATE FROM CLINICAL.PHI."Jane Doe"';
    expect(visibleColumnNames(['Jane Doe', 'STATE', 'Smith'], 'whole', [sql])).toEqual(['COLUMN_1', 'STATE', 'COLUMN_3']);
  });
});

describe('through the masker: the agent\'s answer, _meta and the plan report', () => {
  const context = (statement: string): MaskContext => ({ target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement } }) as MaskContext;
  const newMasker = () => new PhiMasker({ name: 'clinical', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog } });
  const result = (columns: string[], rows: unknown[][]) => {
    const table = { columns, rows, rowCount: rows.length, truncated: false, rowLimit: 20 };
    return { content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table };
  };

  test.each([
    // The headers as Snowflake names them: the alias as written, an unaliased expression's text.
    ['resolved', 'SELECT COUNT(*) AS "078-05-1120", SSN AS "Jane Doe", COUNT_IF(SSN = \'078-05-1120\') FROM CLINICAL.PHI.PATIENTS', ['078-05-1120', 'Jane Doe', "COUNT_IF(SSN = '078-05-1120')"]],
    ['unresolved', 'SELECT "078-05-1120", "Jane Doe", N FROM CLINICAL.PHI."Jane Doe"', ['078-05-1120', 'Jane Doe', 'N']],
    ['another width than the plan', 'SELECT SSN AS "078-05-1120", LAST_NAME AS "Jane Doe" FROM CLINICAL.PHI.PATIENTS', ['078-05-1120', 'Jane Doe', 'X']],
  ])('%s: structured, its text twin, _meta and the report hold none of it', async (_kind, sql, columns) => {
    const out = await newMasker().mask(result(columns, [[1, '078-05-1120', 3], [2, 'x', 4]]), context(sql));
    const masked = out.masked as unknown as { content: { text: string }[]; structuredContent: { columns: string[] }; _meta: Record<string, { masked: { name: string }[] }> };
    expect(masked.structuredContent.columns).toEqual(JSON.parse(masked.content[0]!.text).columns);
    for (const name of masked.structuredContent.columns) expect(identifierReadsAsPhi(name)).toBe(false);
    const { structuredContent, content, _meta } = masked;
    expect(withoutHex(JSON.stringify({ columns: structuredContent.columns, text: JSON.parse(content[0]!.text).columns, _meta }))).not.toMatch(LEAK);
    expect(withoutHex(canonicalJson(out.plan!.report))).not.toMatch(LEAK);
    expect(_meta[MASKING_META_KEY]!.masked.length).toBeGreaterThan(0);
  });
});
