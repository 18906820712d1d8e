import { PhiMasker } from '../../proxy';

describe('PhiMasker (phi/ behind the gateway)', () => {
  const masker = new PhiMasker({ name: 'clinical', masking: {} });
  const table = { columns: ['name', 'comment'], rows: [['Maria Gonzalez', 'call 617-555-0100 about MRN 00123456']] };
  const result = { content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table };

  test('a "name" column in query results is masked; in catalog listings it is an object name, while free text is still scanned', async () => {
    const data = await masker.mask(result, { target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query' });
    expect(data.masked.structuredContent.rows[0]![0]).toBe('[NAME]');
    const listing = { columns: ['name', 'comment'], rows: [['PATIENTS', 'call 617-555-0100 about MRN 00123456']] };
    const catalog = await masker.mask({ content: [{ type: 'text', text: JSON.stringify(listing) }], structuredContent: listing },
      { target: 'clinical', part: 'result', method: 'tools/call', tool: 'list_objects' });
    expect(catalog.masked.structuredContent.rows[0]).toEqual(['PATIENTS', 'call [PHONE] about MRN [MRN]']);
    expect(JSON.parse(catalog.masked.content[0]!.text)).toEqual(catalog.masked.structuredContent);
  });

  test('catalog listings with a "rows" column (SHOW TABLES) still get every cell of other columns scanned', async () => {
    const show = { columns: ['name', 'rows', 'comment'], rows: [['PATIENTS', 120, 'owner SSN 123-45-6789']] };
    const out = await masker.mask({ content: [{ type: 'text', text: JSON.stringify(show) }], structuredContent: show }, { target: 'clinical', part: 'result', method: 'tools/call', tool: 'list_objects' });
    expect(JSON.stringify(out.masked)).not.toContain('123-45-6789');
  });

  test('a text item that is the structured result as JSON is masked once, written from the masked table, and counted once', async () => {
    const table = { columns: ['MRN', 'NOTE'], rows: [['00123456', 'Seen by Dr. Maria Gonzalez, call 617-555-0100']] };
    const value = { content: [{ type: 'text', text: JSON.stringify(table) }, { type: 'text', text: 'SSN 123-45-6789 noted' }], structuredContent: table };
    const out = await masker.mask(value, { target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query' });
    expect(JSON.parse(out.masked.content[0]!.text)).toEqual(out.masked.structuredContent);
    expect(out.masked.content[1]).toEqual({ type: 'text', text: 'SSN [SSN] noted' });
    expect(JSON.stringify(out.masked)).not.toMatch(/00123456|Gonzalez|617-555-0100|123-45-6789/);
    const separately = await masker.mask({ structuredContent: table }, { target: 'clinical', part: 'result', method: 'tools/call' });
    expect(out.report.counts.MRN).toBe(separately.report.counts.MRN);
  });

  test('an invalid masking policy stops the gateway at start, naming the target', async () => {
    expect(() => new PhiMasker({ name: 'clinical', masking: { defaultOperator: 'shred' } })).toThrow(/^target clinical: the masking policy is invalid/);
  });
});

describe('PhiMasker: SQL results by provenance', () => {
  const masking = {
    operators: { DATE: 'generalize' },
    catalog: {
      'CLINICAL.PHI.PATIENTS.PATIENT_ID': 'none', 'CLINICAL.PHI.PATIENTS.SSN': 'SSN', 'CLINICAL.PHI.PATIENTS.LAST_NAME': 'NAME',
      'CLINICAL.PHI.PATIENTS.STATE': 'none', 'CLINICAL.PHI.PATIENTS.DATE_OF_BIRTH': 'DATE',
    },
  };
  const masker = new PhiMasker({ name: 'clinical', masking });
  const context = (statement: string, tool = 'run_snowflake_query') => ({ target: 'clinical', part: 'result' as const, method: 'tools/call', tool, arguments: { statement } });
  const resultOf = (columns: string[], rows: unknown[][], note?: string) => {
    const table = { columns, rows, rowCount: rows.length, truncated: false, rowLimit: 20 };
    return { content: [{ type: 'text', text: JSON.stringify(table) }, ...(note ? [{ type: 'text', text: note }] : [])], structuredContent: table };
  };

  test('a transformed PHI column is masked whole, by position, whatever it is called; the report says why', async () => {
    const out = await masker.mask(resultOf(['STATE', 'ICD10'], [['NY', '987654321'], ['CA', '123456789']]), context("SELECT STATE, REVERSE(REPLACE(SSN, '-', '')) AS ICD10 FROM CLINICAL.PHI.PATIENTS"));
    expect(out.masked.structuredContent.rows).toEqual([['NY', '[SSN]'], ['CA', '[SSN]']]);
    expect(JSON.parse(out.masked.content[0]!.text)).toEqual(out.masked.structuredContent);
    // The report (for the recording's masking plan entry) says why; the agent gets the masked columns and the plan's digest.
    const meta = out.plan!.report as { columns: { reason: string }[] };
    expect((out.masked as unknown as { _meta: Record<string, unknown> })._meta['gatehouse/masking']).toEqual({ plan: out.plan!.digest, masked: [{ index: 1, name: 'ICD10', type: 'SSN' }] });
    expect(meta.columns[1]!.reason).toBe('derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE; masked whole as SSN');
    expect(out.report.counts).toEqual({ SSN: 2 });
  });

  test('a query result never gets the catalog tools\' relaxed columns, even under a catalog tool\'s name', async () => {
    const out = await masker.mask(resultOf(['name'], [['Smith']]), context('SELECT LAST_NAME AS name FROM CLINICAL.PHI.PATIENTS', 'list_objects'));
    expect(out.masked.structuredContent.rows).toEqual([['[NAME]']]);
  });

  test('an unknown table masks every column as the strictest type in scope; a text item that is not the table is withheld', async () => {
    const out = await masker.mask({ content: [{ type: 'text', text: 'Smith,123-45-6789' }] }, context('SELECT * FROM CLINICAL.PHI.SHADOW'));
    expect(JSON.stringify(out.masked)).not.toMatch(/Smith|6789/);
    const table = await masker.mask(resultOf(['A', 'B'], [['x', 1]]), context('SELECT * FROM CLINICAL.PHI.SHADOW'));
    expect(table.masked.structuredContent.rows).toEqual([['[SSN]', '[SSN]']]);
  });

  test('a result masked whole keeps only column names its statement wrote: PIVOT ... IN (ANY) names columns after the data', async () => {
    const sql = 'SELECT * FROM (SELECT LAST_NAME, PATIENT_ID FROM CLINICAL.PHI.PATIENTS) PIVOT (COUNT(PATIENT_ID) FOR LAST_NAME IN (ANY))';
    const out = await masker.mask(resultOf(["'Zyxwick'", "'Qorvath'"], [[1, 2]]), context(sql));
    expect(JSON.stringify(out.masked)).not.toMatch(/Zyxwick|Qorvath/);
    expect(out.masked.structuredContent.columns).toEqual(['COLUMN_1', 'COLUMN_2']);
    expect(JSON.parse(out.masked.content[0]!.text)).toEqual(out.masked.structuredContent);
    // Names the statement itself wrote stay readable when the whole result is masked.
    const named = await masker.mask(resultOf(['STATE', 'N'], [['NY', 1]]), context('SELECT STATE, COUNT(*) AS N FROM CLINICAL.PHI.SHADOW GROUP BY STATE'));
    expect(named.masked.structuredContent.columns).toEqual(['STATE', 'N']);
  });

  test('errors: a value inside a known Snowflake template is replaced when the SQL touched PHI, whatever it looks like', async () => {
    const error = { isError: true, content: [{ type: 'text', text: "Snowflake error 100038 (SQL state 22018): Numeric value 'Zyx Qwerty' is not recognized" }] };
    const out = await masker.mask(error, context('SELECT LAST_NAME::NUMBER FROM CLINICAL.PHI.PATIENTS'));
    expect(out.masked.content[0]!.text).toBe("Snowflake error 100038 (SQL state 22018): Numeric value '[VALUE WITHHELD]' is not recognized");
    const rpc = await masker.mask({ code: -32603, message: "Could not convert string 'Zyx Qwerty' to INT32" }, context('SELECT LAST_NAME::NUMBER FROM CLINICAL.PHI.PATIENTS'));
    expect(rpc.masked.message).toBe("Could not convert string '[VALUE WITHHELD]' to INT32");
    const harmless = await masker.mask(error, context('SELECT STATE::NUMBER FROM CLINICAL.PHI.PATIENTS'));
    expect(harmless.masked.content[0]!.text).toContain('Zyx Qwerty');
  });

  test('keys of a table result other than rows and columns: counts pass by type, everything else an upstream adds is masked whole', async () => {
    const sql = 'SELECT PATIENT_ID, REVERSE(SSN) AS R FROM CLINICAL.PHI.PATIENTS';
    const table = {
      columns: ['PATIENT_ID', 'R'], rows: [[1, '9876-54-321']], rowCount: 1, truncated: false, rowLimit: 20,
      preview: '1 | 9876-54-321', query: sql, resultSetMetaData: { numRows: 1, rowType: [{ name: 'Zyxwick' }] }, firstDigit: 9, matched: true,
    };
    const out = await masker.mask({
      content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table, summary: 'first row: 9876-54-321', isError: false,
      _meta: { 'acme/preview': '9876-54-321', 'io.modelcontextprotocol/related-task': { taskId: 't-1' } },
    }, context(sql));
    const masked = out.masked as unknown as { structuredContent: Record<string, unknown>; content: { text: string }[]; summary: unknown; isError: unknown; _meta: Record<string, unknown> };
    expect(JSON.stringify(masked)).not.toMatch(/9876|Zyxwick/);
    expect(masked.structuredContent).toEqual({
      columns: ['PATIENT_ID', 'R'], rows: [[1, '[SSN]']], rowCount: 1, truncated: false, rowLimit: 20,
      preview: '[SSN]', query: '[SSN]', resultSetMetaData: '[SSN]', firstDigit: '[SSN]', matched: '[SSN]',
    });
    expect(JSON.parse(masked.content[0]!.text)).toEqual(masked.structuredContent);
    expect(masked.summary).toBe('[SSN]');
    expect(masked.isError).toBe(false);
    expect(masked._meta['acme/preview']).toBe('[SSN]');
    expect(masked._meta['io.modelcontextprotocol/related-task']).toEqual({ taskId: 't-1' });
    const report = out.plan!.report as { unreadable: { keys: string[]; reason: string } };
    expect(report.unreadable.keys).toEqual(expect.arrayContaining(['structuredContent.preview', 'structuredContent.resultSetMetaData', 'summary', '_meta.acme/preview']));
    expect(report.unreadable.reason).toBe('keys no schema declares harmless, masked whole as SSN');
    // A count of another type than the schema's is not a count.
    const odd = await masker.mask(resultOf(['PATIENT_ID'], [[1]]), context('SELECT PATIENT_ID FROM CLINICAL.PHI.PATIENTS WHERE SSN IS NULL'));
    expect(odd.masked.structuredContent.rowCount).toBe(1);
    const stringly = { columns: ['PATIENT_ID'], rows: [[1]], rowCount: '123-45-6789', truncated: 'Smith' };
    const strange = await masker.mask({ content: [], structuredContent: stringly }, context('SELECT PATIENT_ID FROM CLINICAL.PHI.PATIENTS WHERE SSN IS NULL'));
    expect(strange.masked.structuredContent).toEqual({ columns: ['PATIENT_ID'], rows: [[1]], rowCount: '[SSN]', truncated: '[SSN]' });
    // A statement that read no PHI: what the upstream adds is scanned, not withheld.
    const plain = { columns: ['STATE'], rows: [['NY']], query: 'SELECT STATE FROM CLINICAL.PHI.PATIENTS', note: 'call 555-867-5309' };
    const harmless = await masker.mask({ content: [], structuredContent: plain }, context('SELECT STATE FROM CLINICAL.PHI.PATIENTS'));
    expect(harmless.masked.structuredContent).toMatchObject({ rows: [['NY']], query: 'SELECT STATE FROM CLINICAL.PHI.PATIENTS' });
    expect(JSON.stringify(harmless.masked)).not.toContain('867-5309');
  });

  test('a structured result that is not a table: numbers and flags are masked like strings', async () => {
    const out = await masker.mask({ content: [], structuredContent: { v: [987654321, true, 'x'] } }, context('SELECT REVERSE(SSN)::NUMBER FROM CLINICAL.PHI.PATIENTS'));
    expect(out.masked.structuredContent).toEqual({ v: ['[SSN]', '[SSN]', '[SSN]'] });
  });

  test('tasks: a task-augmented SQL call\'s task handle passes by structure; its tasks/result, whose SQL the masker cannot see, is masked whole', async () => {
    const created = await masker.mask({ task: { taskId: 't-1', status: 'working', ttl: 60_000, createdAt: '2026-11-30T12:00:00Z' } }, context('SELECT REVERSE(SSN) FROM CLINICAL.PHI.PATIENTS'));
    expect(created.masked).toEqual({ task: { taskId: 't-1', status: 'working', ttl: 60_000, createdAt: '2026-11-30T12:00:00Z' } });
    const snowflake = new PhiMasker({ name: 'clinical', masking, credentials: { provider: 'snowflake', settings: {} } } as never);
    const later = await snowflake.mask(resultOf(['PATIENT_ID', 'R'], [[1, '9876-54-321'], [2, 'htimS']]), { target: 'clinical', part: 'result', method: 'tasks/result' });
    expect(JSON.stringify(later.masked)).not.toMatch(/9876|htimS/);
    expect(later.masked.structuredContent.rows).toEqual([['[SSN]', '[SSN]'], ['[SSN]', '[SSN]']]);
  });

  test('SHOW through the query tool is masked by appearance', async () => {
    const out = await masker.mask(resultOf(['name', 'comment'], [['PATIENTS', 'SSN 123-45-6789']]), context('SHOW TABLES'));
    expect(JSON.stringify(out.masked)).not.toContain('123-45-6789');
  });
});
