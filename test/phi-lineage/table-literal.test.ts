// TABLE('PATIENTS') (a string literal naming a table, Snowflake's other spelling of IDENTIFIER in
// FROM) is not resolved by the analysis: it must fail closed like any unknown table function,
// every output column masked as the strictest type in scope and the statement's rows held. Read
// naively as "some table function", its columns could pass by name, or its predicates be allowed.
import { decidePredicates, parseMaskingPolicy, planSql, type MaskingPlan } from '../../phi';
import { PhiMasker, type MaskContext } from '../../proxy';
import { clinicalCatalog as catalog } from './catalog-fixture';

const policy = parseMaskingPolicy({});

/** Every output column masked as SSN (the strictest type of the clinical catalog), by a column plan or a whole one. */
function failsClosed(plan: MaskingPlan): void {
  if (plan.kind === 'whole') {
    expect(plan.type).toBe('SSN');
    return;
  }
  expect(plan.kind).toBe('columns');
  if (plan.kind !== 'columns') return;
  for (const c of plan.columns) expect(c).toMatchObject({ action: 'mask', type: 'SSN', rule: 'unresolved' });
}

const sources: [string, string][] = [
  ['unqualified', "TABLE('PATIENTS')"],
  ['fully qualified', "TABLE('CLINICAL.PHI.PATIENTS')"],
  ['lower case', "table('clinical.phi.patients')"],
  ['aliased', "TABLE('PATIENTS') AS t"],
  ['a harmless-looking table', "TABLE('CLINICAL.PHI.ENCOUNTERS')"],
  ['a session variable', 'TABLE($t)'],
  ['a bind variable', 'TABLE(:1)'],
  ['a parenthesised literal', "TABLE(('PATIENTS'))"],
  ['a double-quoted name', 'TABLE("PATIENTS")'],
  ['a bare name', 'TABLE(PATIENTS)'],
];

describe("TABLE('...') in FROM is unresolved and fails closed", () => {
  test.each(sources)('%s: named columns masked as the strictest type in scope, the statement held', (_name, source) => {
    failsClosed(planSql(`SELECT STATE, FACILITY, PATIENT_ID FROM ${source}`, catalog, policy));
    expect(decidePredicates(`SELECT STATE FROM ${source}`, catalog, policy).verdict).toBe('hold');
    expect(decidePredicates(`SELECT COUNT(*) FROM ${source} WHERE STATE = 'TX'`, catalog, policy).verdict).toBe('hold');
  });

  test.each(sources)('%s: the reason says the table is named by a value and not resolved', (_name, source) => {
    const plan = planSql(`SELECT STATE FROM ${source}`, catalog, policy);
    const reason = plan.kind === 'columns' ? plan.columns[0]!.reason : plan.kind === 'whole' ? plan.reason : '';
    expect(reason).toMatch(/TABLE\(\) naming its table by a value \(\w[\w ]*\) is not resolved/);
  });

  test.each(sources)('%s: * is not expanded', (_name, source) => {
    failsClosed(planSql(`SELECT * FROM ${source}`, catalog, policy));
  });

  test("joined with a catalogued table: that table's columns keep their classes, the literal's are masked, the rows held", () => {
    const sql = "SELECT p.STATE, t.STATE FROM CLINICAL.PHI.PATIENTS p JOIN TABLE('CLINICAL.PHI.PATIENTS') t ON t.PATIENT_ID = p.PATIENT_ID";
    const plan = planSql(sql, catalog, policy);
    expect(plan.kind === 'columns' && plan.columns.map((c) => `${c.action}:${c.type ?? ''}`)).toEqual(['pass:', 'mask:SSN']);
    expect(decidePredicates(sql, catalog, policy).verdict).toBe('hold');
  });

  test('through the masker: a result under TABLE(\'PATIENTS\') comes back as labels only', async () => {
    const masker = new PhiMasker({ name: 'clinical', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => catalog } });
    const structured = { columns: ['STATE', 'PATIENT_ID'], rows: [['TX', 7], ['CA', 8]], rowCount: 2, truncated: false, rowLimit: 1000 };
    const context = { target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement: "SELECT SSN AS STATE, PATIENT_ID FROM TABLE('PATIENTS')" } } as MaskContext;
    const { masked } = await masker.mask({ content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured }, context);
    const rows = (masked as { structuredContent: { rows: unknown[][] } }).structuredContent.rows;
    expect(rows).toEqual([['[SSN]', '[SSN]'], ['[SSN]', '[SSN]']]);
  });
});
