import { decidePredicates, parseMaskingPolicy, planSql, type ColumnPlan } from '../../phi';
import { clinicalCatalog as catalog } from './catalog-fixture';

// IDENTIFIER('...') in FROM: a constant string naming a catalogued table is that table; anything
// an agent could steer (a variable, an expression, an escape, a near-miss of a name) stays unresolved.
const policy = parseMaskingPolicy({});
const brief = (c: ColumnPlan) => `${c.action}${c.type ? `:${c.type}` : ''}`;
function columns(sql: string): string[] {
  const plan = planSql(sql, catalog, policy);
  if (plan.kind !== 'columns') throw new Error(`expected a column plan, got ${JSON.stringify(plan)}`);
  return plan.columns.map(brief);
}

describe('IDENTIFIER with a constant string in FROM resolves to the catalogued table it names', () => {
  test.each<[string, string, string[]]>([
    ['unqualified', "SELECT SSN, STATE FROM IDENTIFIER('PATIENTS')", ['mask:SSN', 'pass']],
    ['fully qualified, aliased', "SELECT p.FACILITY, p.ENCOUNTER_DATE FROM IDENTIFIER('CLINICAL.PHI.ENCOUNTERS') p", ['pass', 'mask:DATE']],
    ['schema.table, lower case unquoted (Snowflake folds it)', "SELECT facility FROM identifier('phi.encounters')", ['pass']],
    ['quoted parts in their stored case', "SELECT FACILITY FROM IDENTIFIER('\"CLINICAL\".\"PHI\".\"ENCOUNTERS\"')", ['pass']],
    ['star expands from the catalog', "SELECT * FROM IDENTIFIER('CLINICAL.PHI.DIAGNOSES')", ['pass', 'pass', 'pass', 'pass', 'pass', 'mask:DATE']],
    ['transform of a PHI column', "SELECT REVERSE(LAST_NAME) FROM IDENTIFIER('PATIENTS')", ['mask:NAME']],
    ['joined with a plain table', "SELECT e.FACILITY, p.STATE FROM IDENTIFIER('ENCOUNTERS') e JOIN PATIENTS p ON p.PATIENT_ID = e.PATIENT_ID", ['pass', 'pass']],
  ])('%s', (_name, sql, expected) => {
    expect(columns(sql)).toEqual(expected);
  });

  test('its predicates are judged by their columns: harmless ones run, PHI ones are held and named', () => {
    expect(decidePredicates("SELECT COUNT(*) FROM IDENTIFIER('CLINICAL.PHI.ENCOUNTERS') WHERE FACILITY = 'North'", catalog, policy).verdict).toBe('allow');
    const held = decidePredicates("SELECT COUNT(*) FROM IDENTIFIER('PATIENTS') WHERE SSN LIKE '12%'", catalog, policy);
    expect(held.verdict).toBe('hold');
    expect(held.reason).toContain('CLINICAL.PHI.PATIENTS.SSN (SSN) in WHERE');
  });
});

describe('IDENTIFIER that is not a constant name of a catalogued table stays unresolved (fail closed)', () => {
  test.each<[string, string]>([
    ['a concatenation', "IDENTIFIER('CLINICAL.PHI.' || 'ENCOUNTERS')"],
    ['a session variable', 'IDENTIFIER($t)'],
    ['a bind variable', 'IDENTIFIER(:1)'],
    ['a dollar-quoted string', 'IDENTIFIER($$ENCOUNTERS$$)'],
    ['a function of a constant', "IDENTIFIER(UPPER('encounters'))"],
    ['a quoted name in another case (another object to Snowflake)', "IDENTIFIER('\"Encounters\"')"],
    ['a quoted lower-case part', "IDENTIFIER('CLINICAL.PHI.\"encounters\"')"],
    ['a table the catalog does not hold', "IDENTIFIER('CLINICAL.PHI.SECRET_VIEW')"],
    ['a backslash escape Snowflake would decode', "IDENTIFIER('ENCOUNTER\\x53')"],
    ['a doubled quote Snowflake would decode', "IDENTIFIER('\"ENCOUNTERS''\"')"],
    ['whitespace inside', "IDENTIFIER('CLINICAL. PHI.ENCOUNTERS')"],
    ['an empty part (DB..T)', "IDENTIFIER('CLINICAL..ENCOUNTERS')"],
    ['four parts', "IDENTIFIER('X.CLINICAL.PHI.ENCOUNTERS')"],
    ['an unclosed quote', "IDENTIFIER('\"ENCOUNTERS')"],
    ['inside TABLE()', "TABLE(IDENTIFIER('ENCOUNTERS'))"],
  ])('%s: its columns are masked as the strictest type in scope and its rows held', (_name, source) => {
    const plan = planSql(`SELECT FACILITY FROM ${source}`, catalog, policy);
    if (plan.kind === 'whole') expect(plan.type).toBe('SSN');
    else expect(plan.kind === 'columns' && plan.columns[0]).toMatchObject({ action: 'mask', type: 'SSN', rule: 'unresolved' });
    expect(decidePredicates(`SELECT COUNT(*) FROM ${source}`, catalog, policy).verdict).toBe('hold');
  });

  test('an unqualified name that a CTE of the query also has is not guessed either way', () => {
    // Read as the catalog's ENCOUNTERS, the CTE's SSN would pass as FACILITY; read as the CTE, a
    // harmless CTE would vouch for the real table. Neither: unresolved.
    const sql = "WITH ENCOUNTERS AS (SELECT SSN AS FACILITY FROM PATIENTS) SELECT FACILITY FROM IDENTIFIER('ENCOUNTERS')";
    expect(planSql(sql, catalog, policy)).toMatchObject({ kind: 'columns', columns: [{ action: 'mask', type: 'SSN', rule: 'unresolved' }] });
    const harmless = "WITH PATIENTS AS (SELECT 'x' AS SSN) SELECT SSN FROM IDENTIFIER('PATIENTS')";
    expect(planSql(harmless, catalog, policy)).toMatchObject({ kind: 'columns', columns: [{ action: 'mask', type: 'SSN' }] });
    expect(decidePredicates("WITH PATIENTS AS (SELECT 'x' AS SSN) SELECT COUNT(*) FROM IDENTIFIER('PATIENTS')", catalog, policy).verdict).toBe('hold');
  });
});
