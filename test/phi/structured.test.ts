import { maskJson, maskJsonText, maskRows, maskText, maskingPolicySchema, parseMaskingPolicy } from '../../phi';

const policy = parseMaskingPolicy({});
const key = { tokenKey: 'test-token-key-0123456789abcdef' };

describe('SQL rows', () => {
  const columns = ['PATIENT_SSN', 'first_name', 'DOB', 'ref', 'VISIT_COUNT', 'NOTE', 'DRUG_NAME'];
  const rows = [
    ['123-45-6789', 'Maria', '1931-03-14', '234-56-7890', 3, 'called 617-555-0142 re refill', 'Metformin'],
    ['234-56-7891', 'Jon', '1950-01-02', '345-67-8901', 5, 'no changes', 'Lisinopril'],
    ['345-67-8902', 'Al', '1960-12-31', '456-78-9012', 1, 'stable', 'Albuterol'],
  ];

  it('masks every cell of a PHI column, classified by name, and samples unnamed columns', () => {
    const { rows: masked, report } = maskRows(columns, rows, policy);
    for (const row of masked) {
      expect(row[0]).toBe('[SSN]');
      expect(row[1]).toBe('[NAME]'); // "Al" and "Jon" too: the column decides, not the value
      expect(row[2]).toBe('[DATE]');
      expect(row[3]).toBe('[SSN]'); // "ref" says nothing; its values do
    }
    expect(masked.map((r) => r[4])).toEqual([3, 5, 1]);
    expect(masked[0]![5]).toBe('called [PHONE] re refill'); // unclassified text column: free-text path
    expect(masked.map((r) => r[6])).toEqual(['Metformin', 'Lisinopril', 'Albuterol']);
    expect(report.columns).toEqual(
      expect.arrayContaining([
        { path: '/rows', column: 'PATIENT_SSN', type: 'SSN', reason: 'column-name' },
        { path: '/rows', column: 'ref', type: 'SSN', reason: 'value-sample' },
      ]),
    );
    expect(report.counts.SSN).toBe(6);
  });

  it('policy tags override names: a type, free text, or declared harmless', () => {
    const tagged = parseMaskingPolicy({ columns: { VISIT_COUNT: 'OTHER_ID', DRUG_NAME: 'none', 'patients.ref': 'text' } });
    const { rows: masked, report } = maskRows(columns, rows, tagged);
    expect(masked[0]![4]).toBe('[OTHER_ID]');
    expect(masked[0]![6]).toBe('Metformin');
    expect(report.columns.find((c) => c.column === 'VISIT_COUNT')?.reason).toBe('policy-tag');
  });

  it('operators follow the policy per type', () => {
    const p = parseMaskingPolicy({ operators: { SSN: 'partial', NAME: 'tokenize', DATE: 'generalize' } });
    const { rows: masked } = maskRows(columns, rows, p, key);
    expect(masked[0]![0]).toBe('***-**-6789');
    expect(masked[0]![1]).toMatch(/^<NAME:[0-9a-f]{16}>$/);
    expect(masked[0]![2]).toBe('90+'); // a 1931 birth year implies an age over 89 (Safe Harbor)
  });

  it('null cells stay null', () => {
    const { rows: masked } = maskRows(['ssn'], [[null], ['123-45-6789']], policy);
    expect(masked).toEqual([[null], ['[SSN]']]);
  });
});

describe('JSON', () => {
  it('classifies keys of records and samples arrays of records', () => {
    const { value, report } = maskJson(
      { patients: [{ mrn: 'A1234567', contact: 'a@example.org', note: 'fine' }, { mrn: 'B7654321', contact: 'b@example.org', note: 'ok' }] },
      policy,
    );
    expect(value).toEqual({ patients: [{ mrn: '[MRN]', contact: '[EMAIL]', note: 'fine' }, { mrn: '[MRN]', contact: '[EMAIL]', note: 'ok' }] });
    expect(report.locations[0]).toEqual({ type: 'MRN', path: '/patients/0/mrn', operator: 'redact' });
  });

  it('handles {columns, rows} and Snowflake rowType result shapes', () => {
    const { value } = maskJson({ resultSetMetaData: { rowType: [{ name: 'SSN' }, { name: 'N' }] }, data: [['123-45-6789', '1'], ['234-56-7890', '2']] }, policy);
    expect((value as { data: string[][] }).data).toEqual([['[SSN]', '1'], ['[SSN]', '2']]);
  });

  it('masks JSON held in strings (MCP tool results) and the values under a PHI key', () => {
    const result = { content: [{ type: 'text', text: JSON.stringify([{ ssn: '123-45-6789' }, { ssn: '234-56-7890' }]) }] };
    const { value } = maskJson(result, policy);
    expect(JSON.parse((value as typeof result).content[0]!.text)).toEqual([{ ssn: '[SSN]' }, { ssn: '[SSN]' }]);
    expect(maskJson({ address: { line1: '1 Main St', zip: '02139' } }, policy).value).toEqual({ address: { line1: '[STREET_ADDRESS]', zip: '[STREET_ADDRESS]' } });
  });

  it('maskJsonText masks JSON text and falls back to free text', () => {
    expect(JSON.parse(maskJsonText('{"dob":"1931-03-14"}', policy).text)).toEqual({ dob: '[DATE]' });
    expect(maskJsonText('not json, SSN 123-45-6789', policy).text).toBe('not json, SSN [SSN]');
  });
});

describe('tables inside text', () => {
  it('masks whole cells of PHI columns in CSV, including quoted cells', () => {
    const csv = 'name,dob,visits\n"Roe, Jane",1931-03-14,3\nAl Smith,1950-01-02,4\n';
    const { text } = maskText(csv, policy);
    expect(text).toBe('name,dob,visits\n"[NAME]",[DATE],3\n[NAME],[DATE],4\n');
  });

  it('masks Markdown tables and leaves prose around them to the free-text path', () => {
    const md = 'Rows:\n\n| member_id | status |\n|---|---|\n| X1 | open |\n\nCall 617-555-0142.';
    expect(maskText(md, policy).text).toBe('Rows:\n\n| member_id | status |\n|---|---|\n| [HEALTH_PLAN_ID] | open |\n\nCall [PHONE].');
  });
});

describe('masking policy schema', () => {
  it('an empty block means redact everything with its label', () => {
    expect(maskingPolicySchema.parse({})).toMatchObject({ defaultOperator: 'redact', operators: {}, columns: {}, ignore: [], binary: 'redact' });
  });

  it('rejects unknown types, operators and keys with a path', () => {
    expect(() => parseMaskingPolicy({ operators: { SSN: 'shred' } })).toThrow(/operators/);
    expect(() => parseMaskingPolicy({ columns: { x: 'PASSWORD' } })).toThrow(/columns/);
    expect(() => parseMaskingPolicy({ extra: 1 })).toThrow(/extra/);
  });

  it('ignored types pass through', () => {
    const p = parseMaskingPolicy({ ignore: ['URL'] });
    expect(maskText('see https://example.org/x and SSN 123-45-6789', p).text).toBe('see https://example.org/x and SSN [SSN]');
  });
});
