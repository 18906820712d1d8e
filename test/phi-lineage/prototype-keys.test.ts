// Keys that are names of Object.prototype (`__proto__`, `constructor`, `toString`, ...): a hostile
// agent can alias a PHI column to one, OBJECT_CONSTRUCT one into a cell, and a hostile server can
// put one anywhere in its answer. Looked up in a plain object they find the prototype's member
// instead of nothing: the masker once dropped a `__proto__` member (assigning it set the copy's
// prototype), labelled a column named `constructor` "[function Object() ...]" (the column-name
// table returned Object), and passed a result's `constructor` member, and a whole result or
// notification of the method `constructor`, through raw (the field map called Object(value)).
import { maskJson, parseMaskingPolicy, type PhiCatalog } from '../../phi';
import { typeFromColumnName } from '../../phi/structured/column-names';
import { PhiMasker, type MaskContext } from '../../proxy';
import { clinicalCatalog } from './catalog-fixture';

const SSN = '123-45-6789';
const policy = parseMaskingPolicy({});
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];
const raw = (v: unknown) => JSON.stringify(v).includes('6789') || JSON.stringify(v).includes('Gonzalez');

describe('maskJson keeps a member named after Object.prototype, masked', () => {
  test.each(PROTOTYPE_NAMES)('%s: the member stays an own member of the copy and its PHI is masked', (key) => {
    const value = JSON.parse(`{${JSON.stringify(key)}: "SSN ${SSN}", "nested": {${JSON.stringify(key)}: {"ssn": "${SSN}"}}}`) as unknown;
    const { value: masked } = maskJson(value, policy);
    const out = masked as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual([key, 'nested']);
    expect(Object.hasOwn(out.nested as object, key)).toBe(true);
    expect(Object.getPrototypeOf(out.nested)).toBe(Object.prototype);
    expect(raw(masked)).toBe(false);
    expect(JSON.stringify(masked)).toContain('[SSN]');
  });

  test('records whose PHI column is named __proto__ or constructor: the column is classified by its values and masked', () => {
    const records = [0, 1, 2, 3].map((i) => JSON.parse(`{"__proto__": "${SSN.slice(0, -1)}${i}", "constructor": "${SSN.slice(0, -1)}${i}", "ward": "W${i}"}`) as unknown);
    const { value: masked, report } = maskJson(records, policy);
    for (const row of masked as Record<string, unknown>[]) {
      expect(Object.keys(row)).toEqual(['__proto__', 'constructor', 'ward']);
      expect(row.__proto__ === Object.prototype).toBe(false);
    }
    expect(raw(masked)).toBe(false);
    expect(JSON.stringify(masked)).not.toContain('function');
    expect(Object.keys(report.counts).every((t) => /^[A-Z_]+$/.test(t))).toBe(true);
  });

  test.each(PROTOTYPE_NAMES)('typeFromColumnName(%s) announces no type', (name) => {
    expect(typeFromColumnName(name)).toBeUndefined();
  });
});

const masker = new PhiMasker({ name: 'clinical', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog as PhiCatalog } });
const plain = new PhiMasker({ name: 'files', masking: {} } as never, 'a-test-token-key-of-32-bytes-....');

describe('a result or message from the server with such keys (by structure): masked, never raw', () => {
  const call: MaskContext = { target: 'files', part: 'result', method: 'tools/call', tool: 'read_file' } as MaskContext;
  test.each(PROTOTYPE_NAMES)('a tools/call result member %s holding PHI', async (key) => {
    for (const member of [`SSN ${SSN}`, { ssn: SSN, name: 'Maria Gonzalez' }]) {
      const result = JSON.parse(`{"content": [{"type": "text", "text": "ok"}], ${JSON.stringify(key)}: ${JSON.stringify(member)}}`) as unknown;
      const { masked } = await plain.mask(result, call);
      expect(raw(masked)).toBe(false);
      expect(Object.hasOwn(masked as object, key)).toBe(true);
      expect((masked as { content: unknown }).content).toEqual([{ type: 'text', text: 'ok' }]);
    }
  });

  test.each(PROTOTYPE_NAMES)('the result of a request of the method %s, and a notification of it, are masked as data', async (method) => {
    const value = { note: `SSN ${SSN}`, who: { name: 'Maria Gonzalez' } };
    for (const part of ['result', 'notification'] as const) {
      const { masked } = await plain.mask(value, { target: 'files', part, method } as MaskContext);
      expect(raw(masked)).toBe(false);
    }
  });
});

describe('SQL results (lineage path): a PHI column aliased to such a name is masked by its provenance', () => {
  const context = (statement: string): MaskContext => ({ target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement } }) as MaskContext;
  const table = (columns: string[], rows: unknown[][]) => {
    const structured = { columns, rows, rowCount: rows.length, truncated: false, rowLimit: 1000 };
    return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
  };

  test('SELECT SSN AS "__proto__", FIRST_NAME AS "constructor", STATE AS "toString"', async () => {
    const sql = 'SELECT SSN AS "__proto__", FIRST_NAME AS "constructor", STATE AS "toString" FROM CLINICAL.PHI.PATIENTS';
    const { masked } = await masker.mask(table(['__proto__', 'constructor', 'toString'], [[SSN, 'Maria', 'TX'], ['987-65-4321', 'Gonzalez', 'CA']]), context(sql));
    const out = masked as { structuredContent: { columns: string[]; rows: unknown[][] }; content: { text: string }[] };
    expect(out.structuredContent.columns).toEqual(['__proto__', 'constructor', 'toString']);
    expect(out.structuredContent.rows.map((r) => r[2])).toEqual(['TX', 'CA']);
    expect(raw(masked)).toBe(false);
    expect(JSON.stringify(masked)).not.toContain('4321');
    expect(JSON.parse(out.content[0]!.text)).toEqual(out.structuredContent);
  });

  test.each(PROTOTYPE_NAMES)('a table member %s next to columns and rows (not a count the schema declares): masked whole', async (key) => {
    const sql = 'SELECT SSN FROM CLINICAL.PHI.PATIENTS';
    const structured = JSON.parse(`{"columns": ["SSN"], "rows": [["${SSN}"]], ${JSON.stringify(key)}: "${SSN} Maria Gonzalez"}`) as Record<string, unknown>;
    const { masked } = await masker.mask({ content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured }, context(sql));
    expect(raw(masked)).toBe(false);
    expect(Object.hasOwn((masked as { structuredContent: object }).structuredContent, key)).toBe(true);
  });

  test('OBJECT_CONSTRUCT(\'__proto__\', SSN) in a cell: masked whole', async () => {
    const sql = "SELECT OBJECT_CONSTRUCT('__proto__', SSN, 'constructor', LAST_NAME) AS O FROM CLINICAL.PHI.PATIENTS";
    const { masked } = await masker.mask(table(['O'], [[JSON.parse(`{"__proto__": "${SSN}", "constructor": "Gonzalez"}`)]]), context(sql));
    expect(raw(masked)).toBe(false);
  });

  test('free text holding JSON with a __proto__ member: kept and scanned, not dropped', async () => {
    const sql = 'SELECT NOTE_ID, NOTE_TEXT FROM CLINICAL.PHI.CLINICAL_NOTES';
    const note = JSON.stringify(JSON.parse(`{"__proto__": "call back on ${SSN}", "ok": "stable"}`));
    const { masked } = await masker.mask(table(['NOTE_ID', 'NOTE_TEXT'], [[1, note]]), context(sql));
    const cell = (masked as { structuredContent: { rows: unknown[][] } }).structuredContent.rows[0]![1] as string;
    expect(raw(masked)).toBe(false);
    const parsed = JSON.parse(cell) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__', 'ok']);
    expect(parsed.ok).toBe('stable');
    expect(String(parsed.__proto__)).toContain('[SSN]');
  });
});
