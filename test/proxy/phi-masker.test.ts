import { PhiMasker } from '../../proxy';

describe('PhiMasker (phi/ behind the gateway)', () => {
  const masker = new PhiMasker({ name: 'clinical', masking: {} });
  const table = { columns: ['name', 'comment'], rows: [['Maria Gonzalez', 'call 617-555-0100 about MRN 00123456']] };
  const result = { content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table };

  test('a "name" column in query results is masked; in catalog listings it is an object name, while free text is still scanned', () => {
    const data = masker.mask(result, { target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query' });
    expect(data.masked.structuredContent.rows[0]![0]).toBe('[NAME]');
    const listing = { columns: ['name', 'comment'], rows: [['PATIENTS', 'call 617-555-0100 about MRN 00123456']] };
    const catalog = masker.mask({ content: [{ type: 'text', text: JSON.stringify(listing) }], structuredContent: listing },
      { target: 'clinical', part: 'result', method: 'tools/call', tool: 'list_objects' });
    expect(catalog.masked.structuredContent.rows[0]).toEqual(['PATIENTS', 'call [PHONE] about MRN [MRN]']);
    expect(JSON.parse(catalog.masked.content[0]!.text)).toEqual(catalog.masked.structuredContent);
  });

  test('catalog listings with a "rows" column (SHOW TABLES) still get every cell of other columns scanned', () => {
    const show = { columns: ['name', 'rows', 'comment'], rows: [['PATIENTS', 120, 'owner SSN 123-45-6789']] };
    const out = masker.mask({ content: [{ type: 'text', text: JSON.stringify(show) }], structuredContent: show }, { target: 'clinical', part: 'result', method: 'tools/call', tool: 'list_objects' });
    expect(JSON.stringify(out.masked)).not.toContain('123-45-6789');
  });

  test('a text item that is the structured result as JSON is masked once, written from the masked table, and counted once', () => {
    const table = { columns: ['MRN', 'NOTE'], rows: [['00123456', 'Seen by Dr. Maria Gonzalez, call 617-555-0100']] };
    const value = { content: [{ type: 'text', text: JSON.stringify(table) }, { type: 'text', text: 'SSN 123-45-6789 noted' }], structuredContent: table };
    const out = masker.mask(value, { target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query' });
    expect(JSON.parse(out.masked.content[0]!.text)).toEqual(out.masked.structuredContent);
    expect(out.masked.content[1]).toEqual({ type: 'text', text: 'SSN [SSN] noted' });
    expect(JSON.stringify(out.masked)).not.toMatch(/00123456|Gonzalez|617-555-0100|123-45-6789/);
    const separately = masker.mask({ structuredContent: table }, { target: 'clinical', part: 'result', method: 'tools/call' });
    expect(out.report.counts.MRN).toBe(separately.report.counts.MRN);
  });

  test('an invalid masking policy stops the gateway at start, naming the target', () => {
    expect(() => new PhiMasker({ name: 'clinical', masking: { defaultOperator: 'shred' } })).toThrow(/^target clinical: the masking policy is invalid/);
  });
});
