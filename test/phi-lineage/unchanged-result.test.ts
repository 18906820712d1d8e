// A table text that lineage masking sent on unchanged is remembered per plan (proxy/masking-memo.ts)
// and sent on again without parsing. The memo must answer exactly what masking would: never across
// plans (another statement, a refreshed catalog), never for a text it changed, with the same
// masking report, and not past the UTC year (a year of birth can turn into "90+").
import type { PhiCatalog } from '../../phi';
import { PhiMasker, type MaskContext } from '../../proxy';
import { UnchangedTexts } from '../../proxy/masking-memo';
import { clinicalCatalog } from './catalog-fixture';

const context = (statement: string): MaskContext => ({ target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement } }) as MaskContext;
const textResult = (columns: string[], rows: unknown[][], extra: Record<string, unknown> = {}) => ({ content: [{ type: 'text', text: JSON.stringify({ columns, rows, rowCount: rows.length, ...extra }) }] });
const masker = (catalog: { get: () => PhiCatalog }) => new PhiMasker({ name: 'clinical', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog });
const textOf = (masked: unknown) => (masked as { content: { text: string }[] }).content[0]!.text;
/** The masking report as the recording gets it (the plan entry). */
const reportOf = (out: { plan?: { report: Record<string, unknown> } }) => out.plan?.report;

test('the second call answers exactly as the first: text, report and counts', async () => {
  const m = masker({ get: () => clinicalCatalog });
  const sql = 'SELECT PATIENT_ID, STATE, SSN FROM CLINICAL.PHI.PATIENTS';
  const clean = textResult(['PATIENT_ID', 'STATE', 'SSN'], [[1, 'TX', null], [2, 'CA', null]]);
  const first = await m.mask(clean, context(sql));
  const second = await m.mask(clean, context(sql));
  expect(second).toEqual(first);
  expect(textOf(second.masked)).toBe(clean.content[0]!.text);
  expect((reportOf(second) as { columns: { action: string }[] }).columns.map((c) => c.action)).toEqual(['pass', 'pass', 'mask']);
});

test('the same text under another statement is masked by that statement\'s plan', async () => {
  const m = masker({ get: () => clinicalCatalog });
  const text = textResult(['X'], [['123-45-6789'], ['987-65-4321']]);
  // A statement under which the text passes unchanged (a `none` column) ...
  const passed = await m.mask(text, context('SELECT STATE AS X FROM CLINICAL.PHI.PATIENTS'));
  expect(textOf(passed.masked)).toBe(text.content[0]!.text);
  // ... then the very same text as the answer of a statement reading SSN.
  const masked = await m.mask(text, context('SELECT SSN AS X FROM CLINICAL.PHI.PATIENTS'));
  expect(textOf(masked.masked)).not.toContain('6789');
  expect(masked.report.total).toBe(2);
});

test('a refreshed catalog (a new object) plans again: a column reclassified as PHI is masked', async () => {
  let catalog: PhiCatalog = clinicalCatalog;
  const m = masker({ get: () => catalog });
  const sql = 'SELECT PATIENT_ID, STATE FROM CLINICAL.PHI.PATIENTS';
  const text = textResult(['PATIENT_ID', 'STATE'], [[1, 'Maria Gonzalez']]);
  expect(textOf((await m.mask(text, context(sql))).masked)).toBe(text.content[0]!.text);
  catalog = { ...clinicalCatalog, tables: clinicalCatalog.tables.map((t) => ({ ...t, columns: t.columns.map((c) => (c.name === 'STATE' ? { ...c, class: 'NAME' as const } : c)) })) };
  expect(textOf((await m.mask(text, context(sql))).masked)).not.toContain('Gonzalez');
});

test('a text masking changed is never sent on unchanged, however often it comes', async () => {
  const m = masker({ get: () => clinicalCatalog });
  const sql = 'SELECT NOTE_ID, NOTE_TEXT FROM CLINICAL.PHI.CLINICAL_NOTES';
  const text = textResult(['NOTE_ID', 'NOTE_TEXT'], [[1, 'call back on 123-45-6789']]);
  for (let i = 0; i < 3; i++) expect(textOf((await m.mask(text, context(sql))).masked)).not.toContain('6789');
});

test('a table with a key no schema declares harmless keeps that key\'s report on every call', async () => {
  const m = masker({ get: () => clinicalCatalog });
  const sql = 'SELECT PATIENT_ID, STATE FROM CLINICAL.PHI.PATIENTS';
  const text = textResult(['PATIENT_ID', 'STATE'], [[1, 'TX']], { note: 'fine' });
  const first = await m.mask(text, context(sql));
  const second = await m.mask(text, context(sql));
  expect(reportOf(first)).toHaveProperty('unreadable');
  expect(reportOf(second)).toEqual(reportOf(first));
});

describe('structuredContent with its text twin (the reference server\'s shape)', () => {
  const twin = (columns: string[], rows: unknown[][], extra: Record<string, unknown> = {}) => {
    const structured = { columns, rows, rowCount: rows.length, ...extra };
    return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
  };
  const rowsOf = (masked: unknown) => (masked as { structuredContent: { rows: unknown[][] } }).structuredContent.rows;

  test('the second call answers exactly as the first, twin and report included', async () => {
    const m = masker({ get: () => clinicalCatalog });
    const sql = 'SELECT PATIENT_ID, STATE FROM CLINICAL.PHI.PATIENTS';
    const first = await m.mask(twin(['PATIENT_ID', 'STATE'], [[1, 'TX'], [2, 'CA']]), context(sql));
    const second = await m.mask(twin(['PATIENT_ID', 'STATE'], [[1, 'TX'], [2, 'CA']]), context(sql));
    expect(second).toEqual(first);
    expect(JSON.parse(textOf(second.masked))).toEqual((second.masked as { structuredContent: unknown }).structuredContent);
  });

  test('a masked table is masked on every call, and its twin written from the masked table', async () => {
    const m = masker({ get: () => clinicalCatalog });
    const sql = 'SELECT PATIENT_ID, SSN FROM CLINICAL.PHI.PATIENTS';
    for (let i = 0; i < 3; i++) {
      const { masked } = await m.mask(twin(['PATIENT_ID', 'SSN'], [[1, '123-45-6789']]), context(sql));
      expect(JSON.stringify(masked)).not.toContain('6789');
      expect(rowsOf(masked)).toEqual([[1, '[SSN]']]);
    }
  });

  test('a text remembered under one statement does not pass the same table as structuredContent under another', async () => {
    const m = masker({ get: () => clinicalCatalog });
    const rows = [['123-45-6789']];
    await m.mask(textResult(['X'], rows), context('SELECT STATE AS X FROM CLINICAL.PHI.PATIENTS'));
    await m.mask(twin(['X'], rows), context('SELECT STATE AS X FROM CLINICAL.PHI.PATIENTS'));
    const { masked } = await m.mask(twin(['X'], rows), context('SELECT SSN AS X FROM CLINICAL.PHI.PATIENTS'));
    expect(JSON.stringify(masked)).not.toContain('6789');
  });

  test('an unreadable key of the structured table keeps its report on every call', async () => {
    const m = masker({ get: () => clinicalCatalog });
    const sql = 'SELECT PATIENT_ID, STATE FROM CLINICAL.PHI.PATIENTS';
    const first = await m.mask(twin(['PATIENT_ID', 'STATE'], [[1, 'TX']], { note: 'fine' }), context(sql));
    const second = await m.mask(twin(['PATIENT_ID', 'STATE'], [[1, 'TX']], { note: 'fine' }), context(sql));
    expect(reportOf(first)).toHaveProperty('unreadable');
    expect(reportOf(second)).toEqual(reportOf(first));
  });
});

describe('UnchangedTexts', () => {
  afterEach(() => jest.useRealTimers());

  test('answers only for the plan object it was given', () => {
    const memo = new UnchangedTexts<object, string>();
    const a = {};
    memo.remember(a, 'text', 'report');
    expect(memo.get(a, 'text')).toBe('report');
    expect(memo.get({}, 'text')).toBeUndefined();
    expect(memo.get(a, 'other')).toBeUndefined();
  });

  test('forgets everything when the UTC year turns', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 31, 23, 59, 59) });
    const memo = new UnchangedTexts<object, string>();
    const plan = {};
    memo.remember(plan, '{"columns":["DOB"],"rows":[["1937"]]}', 'report');
    expect(memo.get(plan, '{"columns":["DOB"],"rows":[["1937"]]}')).toBe('report');
    jest.setSystemTime(Date.UTC(2027, 0, 1, 0, 0, 1));
    expect(memo.get(plan, '{"columns":["DOB"],"rows":[["1937"]]}')).toBeUndefined();
    expect(memo.size).toBe(0);
  });

  test('is bounded in entries and characters', () => {
    const memo = new UnchangedTexts<object, number>();
    const plan = {};
    for (let i = 0; i < 500; i++) memo.remember(plan, `text ${i}`, i);
    expect(memo.size).toBe(64);
    expect(memo.get(plan, 'text 499')).toBe(499);
    expect(memo.get(plan, 'text 0')).toBeUndefined();
    memo.remember(plan, 'x'.repeat(1_000_001), 1);
    expect(memo.get(plan, 'x'.repeat(1_000_001))).toBeUndefined();
    for (let i = 0; i < 5; i++) memo.remember(plan, String(i).repeat(900_000), i);
    expect(memo.get(plan, '0'.repeat(900_000))).toBeUndefined();
    expect(memo.get(plan, '4'.repeat(900_000))).toBe(4);
  });
});
