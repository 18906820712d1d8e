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

  test('an invalid masking policy stops the gateway at start, naming the target', () => {
    expect(() => new PhiMasker({ name: 'clinical', masking: { defaultOperator: 'shred' } })).toThrow(/^target clinical: the masking policy is invalid/);
  });
});
