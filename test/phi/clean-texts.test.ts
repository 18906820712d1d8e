// Short one-line texts the detectors found nothing in are remembered across masking calls
// (phi/clean-texts.ts): the memo must answer exactly what a scan would, per scan settings, forget
// what the clock decided when the year turns, stay bounded, and hold no value the engine masks.
import { maskJson, maskRows, maskText, parseMaskingPolicy } from '../../phi';
import { cleanTextCount, forgetCleanTexts, knownClean } from '../../phi/clean-texts';

const policy = parseMaskingPolicy({});
const key = { tokenKey: 'test-token-key-0123456789abcdef' };

beforeEach(() => forgetCleanTexts());
afterEach(() => jest.useRealTimers());

test('a value passed in clear under a laxer policy is still masked under a stricter one', () => {
  const lax = parseMaskingPolicy({ ignore: ['NAME'] });
  const rows = [['Maria Gonzalez'], ['Maria Gonzalez']];
  expect(maskRows(['NOTE'], rows, lax).rows).toEqual(rows);
  expect(maskRows(['NOTE'], rows, lax).rows).toEqual(rows);
  expect(maskRows(['NOTE'], rows, policy).rows).toEqual([['[NAME]'], ['[NAME]']]);
  const strictScore = parseMaskingPolicy({ minScore: 0.99 });
  const loose = parseMaskingPolicy({ minScore: 0.3 });
  // Whatever passes at a high minScore, a lower one scans again (it may find more).
  const cells = [['seen by Dr. Kowalski'], ['call Ann at home']];
  const high = maskRows(['NOTE'], cells, strictScore).rows;
  const low = maskRows(['NOTE'], cells, loose).rows;
  forgetCleanTexts();
  expect(maskRows(['NOTE'], cells, loose).rows).toEqual(low);
  forgetCleanTexts();
  expect(maskRows(['NOTE'], cells, strictScore).rows).toEqual(high);
});

test('a settings object changed after use is keyed afresh', () => {
  const mutable = { ...parseMaskingPolicy({ ignore: ['NAME'] }) };
  expect(maskText('Maria Gonzalez', mutable).text).toBe('Maria Gonzalez');
  mutable.ignore = [];
  expect(maskText('Maria Gonzalez', mutable).text).toBe('[NAME]');
});

test('warm or cold, every result and report is the same', () => {
  const table = {
    columns: ['WARD', 'c2', 'ICD10_CODE', 'NOTE', 'ADMISSIONS', 'ref'],
    rows: Array.from({ length: 40 }, (_, i) => [
      `W${i % 12}`, ['Wanjiru Kamau', 'Otieno Odhiambo', 'Akinyi Wambui', 'Nqobile Mkhize'][i % 4], `E${10 + (i % 30)}.${i % 10}`,
      i % 5 === 0 ? 'called 617-555-0142 re refill' : 'stable, no changes', 100 + i, `MR${7930665 + i}`,
    ]),
  };
  const cold = maskJson({ content: [{ type: 'text', text: JSON.stringify(table) }] }, policy, key);
  expect(cleanTextCount()).toBeGreaterThan(0);
  for (let i = 0; i < 3; i++) expect(maskJson({ content: [{ type: 'text', text: JSON.stringify(table) }] }, policy, key)).toEqual(cold);
  const masked = JSON.parse((cold.value as { content: { text: string }[] }).content[0]!.text) as { rows: unknown[][] };
  expect(masked.rows.every((r) => r[5] === '[OTHER_ID]')).toBe(true);
  expect(masked.rows[0]![3]).toBe('called [PHONE] re refill');
});

test('the memo holds no value a rule masked: a column of names no detector knows, under a header that says nothing', () => {
  const rows = [['Wanjiru Kamau', 'MR7930665'], ['Otieno Odhiambo', 'MR6917893'], ['Akinyi Wambui', 'MR7001234'], ['Chidera Okonkwo', 'MR7712345']];
  for (let i = 0; i < 2; i++) {
    const masked = maskRows(['c2', 'patient_mrn'], rows, policy).rows;
    expect(masked.every((r) => r[0] !== rows[0]![0] && r[1] !== rows[0]![1])).toBe(true);
  }
  // The sampling probes scanned clean ("c2 Wanjiru Kamau") but their values were masked by the table rule.
  for (const [name] of rows) {
    expect(knownClean(`c2 ${name}`, policy)).toBe(false);
    expect(knownClean(name as string, policy)).toBe(false);
  }
  // A probe whose value left in clear is kept.
  maskRows(['DRUG'], [['Metformin 500'], ['Lisinopril 10'], ['Albuterol 90']], policy);
  maskRows(['DRUG'], [['Metformin 500'], ['Lisinopril 10'], ['Albuterol 90']], policy);
  expect(knownClean('Metformin 500', policy)).toBe(true);
  expect(knownClean('DRUG Metformin 500', policy)).toBe(true);
});

test('what the clock decided is forgotten when the year turns', () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
  jest.setSystemTime(new Date(Date.UTC(2026, 11, 31, 23, 0)));
  // A log record's timestamp of this year stays readable; in two years it is a date like any other.
  const line = 'ERROR 2026-01-01 request failed status=500';
  expect(maskText(line, policy).text).toBe(line);
  expect(maskText(line, policy).text).toBe(line);
  expect(knownClean(line, policy)).toBe(true);
  jest.setSystemTime(new Date(Date.UTC(2028, 0, 1, 0, 1)));
  expect(maskText(line, policy).text).not.toBe(line);
  expect(knownClean(line, policy)).toBe(false);
});

test('bounded: an agent sending endless distinct clean values only evicts them', () => {
  for (let i = 0; i < 25_000; i++) maskText(`lot ${i} shipped`, policy);
  expect(cleanTextCount()).toBeLessThanOrEqual(20_000);
  expect(knownClean('lot 24999 shipped', policy)).toBe(true);
  expect(knownClean('lot 0 shipped', policy)).toBe(false);
});

test('only one line is remembered, up to 1,024 characters; anything else is scanned every time', () => {
  const twoLines = 'stable\nno changes';
  maskText(twoLines, policy);
  expect(knownClean(twoLines, policy)).toBe(false);
  const line = `stable ${'and unchanged '.repeat(60)}`;
  maskText(line, policy);
  expect(knownClean(line, policy)).toBe(true);
  const long = `stable ${'and unchanged '.repeat(80)}`;
  maskText(long, policy);
  expect(knownClean(long, policy)).toBe(false);
});

test('bounded by characters too: long clean lines only evict one another', () => {
  for (let i = 0; i < 2_000; i++) maskText(`batch ${i} ${'of stable readings '.repeat(50)}`, policy);
  expect(cleanTextCount()).toBeLessThan(1_200);
  expect(cleanTextCount()).toBeGreaterThan(900);
});
