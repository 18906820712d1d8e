import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { qualifiedName, showStatement } from '../../mcp-servers/snowflake';
import { connectSnowflakeServer, snowflakeServerArgs, startSnowflakeFixture, type Era, type SnowflakeFixture } from './support';

interface Table { columns: string[]; rows: unknown[][]; rowCount: number; truncated: boolean; rowLimit: number }

// One server, both MCP eras: a 2025 client opens with initialize and keeps a session; a
// 2026-07-28 client opens with server/discover and sends every request on its own.
describe.each<Era>(['legacy', 'modern'])('the reference Snowflake MCP server on the local Snowflake (stdio, key-pair auth), %s era', (era) => {
  let fx: SnowflakeFixture;
  let client: Client;
  beforeAll(async () => {
    fx = await startSnowflakeFixture(50);
    client = await connectSnowflakeServer(fx, era);
  });
  afterAll(async () => {
    await client?.close();
    await fx?.close();
  });

  test('speaks the era its client opened with', () => {
    expect(client.getProtocolEra()).toBe(era);
    expect(client.getNegotiatedProtocolVersion()).toBe(era === 'modern' ? '2026-07-28' : '2025-11-25');
    expect(client.getServerVersion()).toMatchObject({ name: 'gatehouse-snowflake' });
  });

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args });
    return { result, table: result.structuredContent as Table | undefined, text: (result.content as { text: string }[]).map((c) => c.text).join('\n') };
  };

  test('offers the three tools, shaped like Snowflake-Labs\' server', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['describe_object', 'list_objects', 'run_snowflake_query']);
    expect(tools.find((t) => t.name === 'run_snowflake_query')?.inputSchema.required).toEqual(['statement']);
  });

  test('run_snowflake_query: columns and rows as structuredContent and as JSON text, as the grant\'s user and role', async () => {
    const who = await call('run_snowflake_query', { statement: 'SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R' });
    expect(who.table).toEqual({ columns: ['U', 'R'], rows: [[fx.user, 'CLINICAL_ANALYST']], rowCount: 1, truncated: false, rowLimit: 50 });
    expect(JSON.parse((who.result.content as { text: string }[])[0]!.text)).toEqual(who.table);
    const patients = await call('run_snowflake_query', { statement: 'SELECT MRN, FIRST_NAME, DATE_OF_BIRTH FROM PATIENTS ORDER BY PATIENT_ID LIMIT 3' });
    expect(patients.table?.columns).toEqual(['MRN', 'FIRST_NAME', 'DATE_OF_BIRTH']);
    expect(patients.table?.rows).toHaveLength(3);
    expect(String(patients.table?.rows[0]?.[2])).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  test('the row limit from its configuration cuts large results and says so', async () => {
    const all = await call('run_snowflake_query', { statement: 'SELECT PATIENT_ID FROM PATIENTS' });
    expect(all.table).toMatchObject({ rowCount: 120, truncated: true, rowLimit: 50 });
    expect(all.table?.rows).toHaveLength(50);
    expect(all.text).toContain('showing 50 of 120 rows (row limit 50)');
  });

  test('list_objects and describe_object', async () => {
    const schemas = await call('list_objects', { object_type: 'schema', database_name: 'CLINICAL' });
    expect(schemas.result.isError).toBeFalsy();
    const tables = await call('list_objects', { object_type: 'table', database_name: 'CLINICAL', schema_name: 'PHI' });
    const nameAt = tables.table!.columns.indexOf('name');
    expect(tables.table!.rows.map((r) => r[nameAt])).toEqual(expect.arrayContaining(['PATIENTS', 'CLINICAL_NOTES']));
    const described = await call('describe_object', { target_object: 'CLINICAL.PHI.PATIENTS' });
    expect(described.table!.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['MRN', 'SSN', 'DATE_OF_BIRTH']));
  });

  test('Snowflake\'s errors come back as tool errors with its code; identifiers cannot smuggle SQL', async () => {
    const denied = await call('run_snowflake_query', { statement: 'SELECT * FROM CLINICAL.BILLING.CLAIMS' });
    expect(denied.result.isError).toBe(true);
    expect(denied.text).toMatch(/^Snowflake error 002003 \(SQL state 42S02\): [^]*does not exist or not authorized/);
    const injected = await call('describe_object', { target_object: 'PATIENTS; DROP TABLE PATIENTS' });
    expect(injected).toMatchObject({ result: { isError: true } });
    expect(injected.text).toContain('is not a Snowflake identifier');
    expect(() => showStatement('table', 'CLINICAL', 'PHI; DROP')).toThrow('schema_name "PHI; DROP" is not a Snowflake identifier');
    expect(qualifiedName('"My.DB".PHI.PATIENTS', 'x')).toBe('"My.DB".PHI.PATIENTS');
  });
});

describe('the reference server without its identity', () => {
  test('refuses to start and says what is missing, without echoing any secret', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: snowflakeServerArgs, env: { SNOWFLAKE_ACCOUNT: 'x' }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
    const client = new Client({ name: 'sf-test', version: '1' });
    await expect(client.connect(transport)).rejects.toThrow();
    expect(stderr).toContain('missing SNOWFLAKE_USER, SNOWFLAKE_TOKEN or SNOWFLAKE_PRIVATE_KEY');
  });
});
