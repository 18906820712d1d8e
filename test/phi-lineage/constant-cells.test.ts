// A cell computed from the statement's own literals is a value the agent chose: `SELECT
// '078-05-1120' AS A` used to be "computed from constants only" and went back to the agent and into
// the recording as written, so an injected agent could launder a value it got elsewhere into the
// signed record. Now such a cell is read before it goes out (a column computed from literals only:
// scanned, and masked whole when it reads as PHI, phi/identifiers.ts phiInValue; any column a
// literal reading as PHI reaches: a cell holding that literal is masked whole, whatever it looks
// like), and the literals stay out of the plan's report. The constants analysts use still pass.
// SQL alone (no server) and through the gateway's masker; test/phi-lineage/gateway.test.ts runs the
// same families through the real gateway, the reference server and the local Snowflake.
import { canonicalJson } from '../../audit';
import { maskTableByPlan, parseMaskingPolicy, planSql, type MaskingPlan } from '../../phi';
import { MASKING_META_KEY, PhiMasker, type MaskContext } from '../../proxy';
import { clinicalCatalog as catalog } from './catalog-fixture';

const policy = parseMaskingPolicy({ operators: { DATE: 'generalize' } });
/** The literals below in any form a cell or a report would carry them (a plan digest is hex: set aside). */
const LEAK = /0\W*7\W*8\W*0\W*5\W*1\W*1\W*2\W*0|zelda|quintanilla|1961\W*0?3\W*14/i;
const withoutHex = (text: string) => text.replace(/[0-9a-f]{12,}/gi, '<hex>');
const LABEL = /^\[[A-Z_]+\]$/;

function planOf(sql: string): Exclude<MaskingPlan, { kind: 'metadata' }> {
  const plan = planSql(sql, catalog, policy);
  if (plan.kind === 'metadata') throw new Error(`expected a plan over data for ${sql}`);
  return plan;
}

/** Each hostile statement with the rows Snowflake answers it with; `masked` = the positions (row, column) that must come back as a label. */
const hostile: { sql: string; rows: unknown[][]; masked?: [number, number][] }[] = [
  { sql: "SELECT '078-05-1120' AS A", rows: [['078-05-1120']] },
  { sql: "SELECT 'Zelda Quintanilla' AS X", rows: [['Zelda Quintanilla']] },
  { sql: "SELECT '078-05-1120' || '' AS A", rows: [['078-05-1120']] },
  { sql: "SELECT CONCAT('078', '-05-1120') AS A", rows: [['078-05-1120']] },
  // No literal reads as PHI, nor their concatenation ('078-05-11' '20'): the cell itself does.
  { sql: "SELECT CONCAT('07', '8-0', '5-1', '120') AS A", rows: [['078-05-1120']] },
  { sql: "SELECT REPLACE('078-05-1120', '-', '') AS A", rows: [['078051120']] },
  { sql: "SELECT REVERSE('0211-50-870') AS A", rows: [['078-05-1120']] },
  { sql: "SELECT UPPER('zelda quintanilla') AS A", rows: [['ZELDA QUINTANILLA']] },
  { sql: 'SELECT 78051120 AS A', rows: [[78051120]] },
  { sql: "SELECT '1961-03-14'::DATE AS D", rows: [['1961-03-14']] },
  // In a UNION with a real column (only the literal's row: the ids are none), in a CTE, in a derived table, beside real columns.
  { sql: "SELECT CAST(PATIENT_ID AS VARCHAR) FROM CLINICAL.PHI.PATIENTS UNION ALL SELECT '078-05-1120'", rows: [['1'], ['2'], ['078-05-1120']], masked: [[2, 0]] },
  { sql: "SELECT PATIENT_ID FROM CLINICAL.PHI.PATIENTS UNION ALL SELECT 'Zelda Quintanilla'", rows: [[1], ['Zelda Quintanilla']], masked: [[1, 0]] },
  { sql: "WITH c AS (SELECT '078-05-1120' AS A) SELECT A FROM c", rows: [['078-05-1120']] },
  { sql: "SELECT q.N FROM (SELECT 'Zelda Quintanilla' AS N) q", rows: [['Zelda Quintanilla']] },
  { sql: "SELECT PATIENT_ID, 'Zelda Quintanilla' AS N FROM CLINICAL.PHI.PATIENTS", rows: [[1, 'Zelda Quintanilla'], [2, 'Zelda Quintanilla']], masked: [[0, 1], [1, 1]] },
  // Mixed with a none column: the literal's value is found inside the cell.
  { sql: "SELECT PATIENT_ID || '078051120' AS A FROM CLINICAL.PHI.PATIENTS", rows: [['1078051120'], ['2078051120']] },
  { sql: "SELECT CASE WHEN PATIENT_ID = 1 THEN '078-05-1120' ELSE 'x' END AS A FROM CLINICAL.PHI.PATIENTS", rows: [['078-05-1120'], ['x']], masked: [[0, 0]] },
  { sql: "SELECT COUNT(*) || ' 078-05-1120' AS A FROM CLINICAL.PHI.PATIENTS", rows: [['120 078-05-1120']] },
  { sql: "SELECT MAX('078-05-1120') AS A FROM CLINICAL.PHI.PATIENTS", rows: [['078-05-1120']] },
  { sql: "SELECT VALUE FROM TABLE(FLATTEN(INPUT => ARRAY_CONSTRUCT('078-05-1120')))", rows: [['"078-05-1120"']] },
  { sql: "SELECT ARRAY_CONSTRUCT('Zelda', 'Quintanilla') AS A", rows: [[['Zelda', 'Quintanilla']]] },
];

/** Legitimate constants, each with what the analyst gets back unchanged. */
const legitimate: { sql: string; rows: unknown[][] }[] = [
  { sql: 'SELECT 1', rows: [[1]] },
  { sql: 'SELECT 1 AS ONE, 2 AS TWO', rows: [[1, 2]] },
  { sql: "SELECT 'active' AS STATUS, COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS", rows: [['active', 120]] },
  { sql: 'SELECT 2024 AS Y, COUNT(*) AS N FROM CLINICAL.PHI.ENCOUNTERS WHERE YEAR(ENCOUNTER_DATE) = 2024', rows: [[2024, 37]] },
  { sql: "SELECT STATE, 'n/a' AS NOTE, COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS GROUP BY STATE", rows: [['MA', 'n/a', 40], ['NY', 'n/a', 80]] },
  { sql: "SELECT CASE WHEN STATE = 'MA' THEN 'home' ELSE 'away' END AS R, COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS GROUP BY 1", rows: [['home', 40], ['away', 80]] },
  { sql: 'SELECT ROUND(100.0 * COUNT(*) / 7, 2) AS PCT FROM CLINICAL.PHI.PATIENTS', rows: [[1714.29]] },
  { sql: 'SELECT COUNT(*) * 1000 AS PER_MILLE FROM CLINICAL.PHI.PATIENTS', rows: [[120000]] },
  { sql: "SELECT COALESCE(STATE, 'unknown') AS STATE FROM CLINICAL.PHI.PATIENTS", rows: [['MA'], ['unknown']] },
  { sql: 'SELECT CURRENT_DATE() AS TODAY', rows: [['2026-12-01']] },
  { sql: "SELECT 'Q1' AS QUARTER, 'v2' AS VERSION, 'n/a' AS NOTE", rows: [['Q1', 'v2', 'n/a']] },
];

describe('a cell computed from the statement\'s literals (SQL alone)', () => {
  test.each(hostile.map((h) => [h.sql, h] as const))('%s: masked, and the report holds no literal', (_sql, h) => {
    const plan = planOf(h.sql);
    const out = maskTableByPlan(h.rows[0]!.map((_, i) => `C${i + 1}`), h.rows, plan, policy);
    const expected = h.masked ?? h.rows.flatMap((row, r) => row.map((_, c) => [r, c] as [number, number]));
    for (const [r, c] of expected) expect({ r, c, cell: out.rows[r]![c] }).toEqual({ r, c, cell: expect.stringMatching(LABEL) });
    for (const [r, row] of out.rows.entries()) {
      for (const [c, cell] of row.entries()) if (!expected.some(([er, ec]) => er === r && ec === c)) expect(JSON.stringify(cell)).not.toMatch(LEAK);
    }
    expect(out.report.total).toBeGreaterThanOrEqual(expected.length);
    expect(canonicalJson(out.report as unknown as Record<string, unknown>)).not.toMatch(LEAK);
    expect(canonicalJson(plan.kind === 'columns' ? plan.columns as unknown as Record<string, unknown> : { reason: plan.reason })).not.toMatch(LEAK);
  });

  test.each(legitimate.map((l) => [l.sql, l] as const))('%s: comes back as it is', (_sql, l) => {
    const out = maskTableByPlan(l.rows[0]!.map((_, i) => `C${i + 1}`), l.rows, planOf(l.sql), policy);
    expect(out.rows).toEqual(l.rows);
    expect(out.report.total).toBe(0);
  });

  test('the plan says which rule read each column; the literals are kept by the plan only, never by its columns', () => {
    const plan = planOf("SELECT '078-05-1120' AS A, PATIENT_ID || '078051120' AS B, STATE, 'active' AS S, ROUND(COUNT(*) * 100.0, 2) AS P FROM CLINICAL.PHI.PATIENTS GROUP BY STATE");
    expect(plan.kind).toBe('columns');
    if (plan.kind !== 'columns') return;
    expect(plan.columns.map((c) => `${c.action}:${c.rule}`)).toEqual(['scan:constants-only', 'scan:phi-literal', 'pass:all-sources-none', 'scan:constants-only', 'pass:all-sources-none']);
    expect(plan.columns[0]!.reason).toBe("computed from the statement's literals only: scanned, and a cell that reads as PHI or holds a literal of the statement that does is masked whole");
    expect(plan.constants?.map((g) => g.index)).toEqual([0, 1, 3]);
    expect(JSON.stringify(plan.columns)).not.toMatch(LEAK);
  });

  test('a literal that reads as PHI makes the statement one that touches PHI (errors and unknown keys masked whole); harmless ones do not', () => {
    expect(planOf("SELECT CAST('078-05-1120' AS INT)").touchesPhi).toBe(true);
    expect(planOf("SELECT COUNT(*) FROM CLINICAL.PHI.PATIENTS WHERE STATE = 'Zelda Quintanilla'").touchesPhi).toBe(true);
    expect(planOf("SELECT 'active' AS STATUS, COUNT(*) FROM CLINICAL.PHI.PATIENTS WHERE STATE = 'MA'").touchesPhi).toBe(false);
  });
});

describe('through the gateway\'s masker: the answer, _meta, the plan report and the recorded SQL', () => {
  const context = (statement: string, part: MaskContext['part'] = 'result'): MaskContext => ({ target: 'clinical', part, method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement } }) as MaskContext;
  const newMasker = () => new PhiMasker({ name: 'clinical', masking: { operators: { DATE: 'generalize' } }, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => catalog } });
  const result = (columns: string[], rows: unknown[][]) => {
    const table = { columns, rows, rowCount: rows.length, truncated: false, rowLimit: 20 };
    return { content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table };
  };

  test.each(hostile.map((h) => [h.sql, h] as const))('%s', async (_sql, h) => {
    const masker = newMasker();
    const out = await masker.mask(result(h.rows[0]!.map((_, i) => `C${i + 1}`), h.rows), context(h.sql));
    const masked = out.masked as unknown as { content: { text: string }[]; structuredContent: { rows: unknown[][] }; _meta: Record<string, { masked: unknown[] }> };
    const expected = h.masked ?? h.rows.flatMap((row, r) => row.map((_, c) => [r, c] as [number, number]));
    for (const [r, c] of expected) expect(masked.structuredContent.rows[r]![c]).toMatch(LABEL);
    expect(JSON.parse(masked.content[0]!.text)).toEqual(masked.structuredContent);
    expect(withoutHex(JSON.stringify(masked))).not.toMatch(LEAK);
    expect(masked._meta[MASKING_META_KEY]!.masked).toEqual([]); // masked cell by cell, not as a column
    expect(withoutHex(canonicalJson(out.plan!.report))).not.toMatch(LEAK);
    // The recorded SQL: every literal is its type's placeholder already.
    const recorded = await masker.mask({ statement: h.sql }, context(h.sql, 'arguments'));
    expect(JSON.stringify(recorded.masked)).not.toMatch(LEAK);
  });

  test('an error that echoes the literal is masked (the statement touched PHI by its literal)', async () => {
    const sql = "SELECT CAST('078-05-1120' AS INT)";
    const out = await newMasker().mask({ isError: true, content: [{ type: 'text', text: "Numeric value '078-05-1120' is not recognized" }] }, context(sql));
    expect(JSON.stringify(out.masked)).not.toMatch(LEAK);
  });

  test.each(legitimate.map((l) => [l.sql, l] as const))('%s: as it came', async (_sql, l) => {
    const out = await newMasker().mask(result(l.rows[0]!.map((_, i) => `C${i + 1}`), l.rows), context(l.sql));
    expect((out.masked as unknown as { structuredContent: { rows: unknown[][] } }).structuredContent.rows).toEqual(l.rows);
  });
});
