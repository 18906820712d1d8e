// maskTableByPlan leaves rows as they came when no cell changes (columns proven `none` cost
// nothing), and never lets that shortcut pass a cell it cannot place: a row with more cells than
// the statement has columns is masked whole (it used to throw, so the response was withheld).
import { maskTableByPlan, parseMaskingPolicy, planSql, type MaskingPlan } from '../../phi';
import { clinicalCatalog as catalog } from './catalog-fixture';

const policy = parseMaskingPolicy({});
const planOf = (sql: string) => planSql(sql, catalog, policy) as Exclude<MaskingPlan, { kind: 'metadata' }>;
const SSN = '123-45-6789';

test('every column passes: the same rows come back, not a copy', () => {
  const rows = [[1, 'TX'], [2, 'CA']];
  const out = maskTableByPlan(['PATIENT_ID', 'STATE'], rows, planOf('SELECT PATIENT_ID, STATE FROM CLINICAL.PHI.PATIENTS'), policy);
  expect(out.rows).toBe(rows);
  expect(out.report.plan).toBe('columns');
});

test('free text the scan finds clean: the same rows come back; with a finding, a copy and the input untouched', () => {
  const clean = [[1, 'stable, follow up in two weeks'], [2, 'no change']];
  const plan = planOf('SELECT NOTE_ID, NOTE_TEXT FROM CLINICAL.PHI.CLINICAL_NOTES');
  expect(maskTableByPlan(['NOTE_ID', 'NOTE_TEXT'], clean, plan, policy).rows).toBe(clean);
  const dirty = [[1, 'stable'], [2, `call back, SSN ${SSN}`]];
  const out = maskTableByPlan(['NOTE_ID', 'NOTE_TEXT'], dirty, plan, policy);
  expect(out.rows).not.toBe(dirty);
  expect(JSON.stringify(out.rows)).not.toContain('6789');
  expect(out.rows[0]).toEqual([1, 'stable']);
  expect(dirty[1]![1]).toContain(SSN);
});

test('a masked column: a copy, masked by type, the input untouched', () => {
  const rows = [[SSN, 'TX']];
  const out = maskTableByPlan(['SSN', 'STATE'], rows, planOf('SELECT SSN, STATE FROM CLINICAL.PHI.PATIENTS'), policy);
  expect(out.rows).toEqual([['[SSN]', 'TX']]);
  expect(rows[0]![0]).toBe(SSN);
});

test.each([
  ['every column passes', 'SELECT PATIENT_ID, STATE FROM CLINICAL.PHI.PATIENTS'],
  ['a masked column', 'SELECT SSN, STATE FROM CLINICAL.PHI.PATIENTS'],
  ['free text', 'SELECT NOTE_ID, NOTE_TEXT FROM CLINICAL.PHI.CLINICAL_NOTES'],
])('%s: a row with more cells than the columns is masked whole, never passed', (_name, sql) => {
  const rows = [[1, 'TX'], [2, 'CA', SSN, 'Maria Gonzalez']];
  const out = maskTableByPlan(['A', 'B'], rows, planOf(sql), policy);
  expect(out.report.plan).toBe('whole');
  expect(out.report.mismatch).toBe('a row has 4 cells for 2 columns');
  expect(JSON.stringify(out.rows)).not.toMatch(/6789|Gonzalez|"TX"|"CA"/);
});
