import type { CallToolResult } from '@modelcontextprotocol/client';
import { RecordingLog } from '../../audit';
import { PhiMasker } from '../../proxy';
import type { Driver } from '../snowflake/support';
import { waitForStatus, type Harness } from '../support/harness';
import type { connectClient } from './support';
import { clinicalTargetYaml, startSnowflakeStack, type SnowflakeStack } from './snowflake-stack';

const COMMANDS = `      tools: [run_snowflake_query, list_objects, describe_object]
      sql: { read: allow, write: hold, ddl: deny, privilege: deny, export: deny, multi_statement: hold, unparseable: hold }
      rowLimit: 20`;
// The reviewer's pins (gatehouse catalog show): lineage masking decides by them; tables it does not know are masked whole.
const MASKING = `      catalog:
        CLINICAL.PHI.PATIENTS.PATIENT_ID: none
        CLINICAL.PHI.PATIENTS.MRN: MRN
        CLINICAL.PHI.PATIENTS.FIRST_NAME: NAME
        CLINICAL.PHI.PATIENTS.LAST_NAME: NAME
        CLINICAL.PHI.PATIENTS.SSN: SSN
        CLINICAL.PHI.PATIENTS.PHONE: PHONE
        CLINICAL.PHI.PATIENTS.EMAIL: EMAIL
        CLINICAL.PHI.PATIENTS.STATE: none
        CLINICAL.PHI.CLINICAL_NOTES.NOTE_ID: none
        CLINICAL.PHI.CLINICAL_NOTES.NOTE_TEXT: text`;

interface Table { columns: string[]; rows: unknown[][]; rowCount: number; truncated: boolean }

describe('gateway end to end: MCP client -> gateway -> reference server -> local Snowflake, recorded by audit/', () => {
  let stack: SnowflakeStack;
  let admin: Driver;
  let h: Harness;
  let requestId: string;
  let token: string;
  let session: Awaited<ReturnType<typeof connectClient>>;
  const seen: CallToolResult[] = [];

  beforeAll(async () => {
    // The real PHI engine, not the test double.
    stack = await startSnowflakeStack({
      config: (fx) => clinicalTargetYaml(fx, { commands: COMMANDS, masking: MASKING }),
      masker: async () => (target) => new PhiMasker(target),
      durationMs: 180_000, reason: 'chart review',
    });
    ({ admin, h, requestId, token, session } = stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const query = async (statement: string) => {
    const result = (await session.client.callTool({ name: 'run_snowflake_query', arguments: { statement } })) as CallToolResult;
    seen.push(result);
    return { result, table: result.structuredContent as unknown as Table };
  };

  test('a query runs as the grant\'s own Snowflake user; PHI columns come back masked', async () => {
    const who = await query('SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R');
    expect(who.table.rows).toEqual([[`GH_${requestId.toUpperCase()}`, 'CLINICAL_ANALYST']]);
    expect(JSON.stringify(who.result)).not.toContain('PRIVATE KEY');
    const raw = await admin.query('SELECT MRN, FIRST_NAME, LAST_NAME, SSN, PHONE FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 5');
    const { table, result } = await query('SELECT MRN, FIRST_NAME, LAST_NAME, SSN, PHONE, STATE FROM PATIENTS ORDER BY PATIENT_ID LIMIT 5');
    expect(table.columns).toEqual(['MRN', 'FIRST_NAME', 'LAST_NAME', 'SSN', 'PHONE', 'STATE']);
    expect(table.rows[0]!.slice(0, 5)).toEqual(['[MRN]', '[NAME]', '[NAME]', '[SSN]', '[PHONE]']);
    const text = JSON.stringify(result);
    for (const row of raw) for (const value of Object.values(row)) expect(text).not.toContain(String(value));
  });

  test('PHI inside free-text notes is masked too', async () => {
    const raw = await admin.query(`SELECT n.NOTE_TEXT, p.FIRST_NAME, p.LAST_NAME, p.MRN FROM CLINICAL.PHI.CLINICAL_NOTES n JOIN CLINICAL.PHI.PATIENTS p USING (PATIENT_ID) ORDER BY NOTE_ID LIMIT 5`);
    const { result } = await query('SELECT NOTE_TEXT FROM CLINICAL_NOTES ORDER BY NOTE_ID LIMIT 5');
    const text = JSON.stringify(result);
    expect(text).toMatch(/\[(NAME|MRN|DATE|PHONE|SSN)\]/);
    for (const r of raw) {
      if (String(r.NOTE_TEXT).includes(String(r.MRN))) expect(text).not.toContain(String(r.MRN));
      if (String(r.NOTE_TEXT).includes(`${r.FIRST_NAME} ${r.LAST_NAME}`)) expect(text).not.toContain(`${r.FIRST_NAME} ${r.LAST_NAME}`);
    }
  });

  test('list_objects and describe_object pass through (no SQL argument, tools allowed)', async () => {
    const tables = (await session.client.callTool({ name: 'list_objects', arguments: { object_type: 'table', database_name: 'CLINICAL', schema_name: 'PHI' } })) as CallToolResult;
    const t = tables.structuredContent as unknown as Table;
    expect(t.rows.map((r) => r[t.columns.indexOf('name')])).toEqual(expect.arrayContaining(['PATIENTS', 'CLINICAL_NOTES']));
    const described = (await session.client.callTool({ name: 'describe_object', arguments: { target_object: 'CLINICAL.PHI.PATIENTS' } })) as CallToolResult;
    expect((described.structuredContent as unknown as Table).rows.map((r) => r[0])).toEqual(expect.arrayContaining(['MRN', 'SSN']));
    seen.push(tables, described);
  });

  test('row limits: the target\'s limit reaches the server, which cuts and says so', async () => {
    const { table } = await query('SELECT PATIENT_ID FROM PATIENTS');
    expect(table).toMatchObject({ rowCount: 120, truncated: true });
    expect(table.rows).toHaveLength(20);
  });

  test('an export is denied; a write is held and approved; a write is held and denied; unparseable SQL is held', async () => {
    await expect(query("COPY INTO @exports/patients FROM CLINICAL.PHI.PATIENTS")).rejects.toMatchObject({ code: -31030 });
    // With a progress token the client waits for the decision (the other hold style answers at once: holds.test.ts).
    const waiting = { onprogress: () => undefined, timeout: 120_000 };

    const approved = session.client.callTool({ name: 'run_snowflake_query', arguments: { statement: "INSERT INTO CLINICAL.PHI.CORRECTIONS VALUES (1, 'allergy list updated')" } }, waiting)
      .then((r) => r, (e: unknown) => e);
    let held = await waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.outcome === 'pending')).then((s) => s.commands.find((c) => c.outcome === 'pending')!);
    expect(held).toMatchObject({ tool: 'run_snowflake_query', classes: ['write'] });
    await h.access.decideCommand(requestId, held.commandId, 'bob@example.org', true);
    expect(await approved).toMatchObject({ structuredContent: { columns: ['number of rows inserted'], rows: [[1]] } });
    expect(await admin.query('SELECT NOTE FROM CLINICAL.PHI.CORRECTIONS')).toEqual([{ NOTE: 'allergy list updated' }]);

    const denied = session.client.callTool({ name: 'run_snowflake_query', arguments: { statement: 'DELETE FROM CLINICAL.PHI.CORRECTIONS' } }, waiting).then((r) => r, (e: unknown) => e);
    held = await waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.outcome === 'pending')).then((s) => s.commands.find((c) => c.outcome === 'pending')!);
    await h.access.decideCommand(requestId, held.commandId, 'alice@example.org', false, 'not without a ticket');
    expect(await denied).toMatchObject({ code: -31031, message: expect.stringContaining('denied by alice@example.org') });
    expect(await admin.query('SELECT COUNT(*) AS N FROM CLINICAL.PHI.CORRECTIONS')).toEqual([{ N: 1 }]);

    const odd = session.client.callTool({ name: 'run_snowflake_query', arguments: { statement: 'SELECT FROM WHERE (' } }, waiting).then((r) => r, (e: unknown) => e);
    held = await waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.outcome === 'pending')).then((s) => s.commands.find((c) => c.outcome === 'pending')!);
    expect(held.classes).toContain('unparseable');
    expect(held.risk).toBe('high');
    await h.access.decideCommand(requestId, held.commandId, 'alice@example.org', false, 'rewrite it');
    expect(await odd).toMatchObject({ code: -31031 });
  });

  test('the recording holds what the client saw, masked, and no raw PHI or secret', async () => {
    // Read back from the Redis Stream the archiver reads (audit/ RecordingLog).
    const entries = (await new RecordingLog(h.redis).read(requestId)).map((s) => s.entry as unknown as Record<string, unknown>);
    expect(entries.some((e) => e.type === 'malformed')).toBe(false);
    expect(entries[0]).toMatchObject({ type: 'session_start', subject: 'carol@example.org', target: 'clinical', transport: 'streamable-http' });
    const results = entries.filter((e) => e.type === 'response' && e.outcome === 'ok').map((e) => e.result);
    for (const r of seen) expect(results).toContainEqual(r);
    const raw = await admin.query('SELECT MRN, SSN, PHONE, EMAIL FROM CLINICAL.PHI.PATIENTS');
    const recorded = JSON.stringify(entries);
    for (const row of raw) for (const value of Object.values(row)) if (value) expect(recorded).not.toContain(String(value));
    expect(recorded).not.toContain('PRIVATE KEY');
    expect(recorded).not.toContain(token);
    expect(entries.filter((e) => e.type === 'request' && e.verdict === 'hold').map((e) => e.classes)).toEqual([['write'], ['write'], expect.arrayContaining(['unparseable'])]);
  });
});
