import type { CallToolResult } from '@modelcontextprotocol/client';
import { PhiMasker } from '../../proxy';
import { connectV2 } from './modern-support';
import { clinicalTargetYaml, startSnowflakeStack, type SnowflakeStack } from './snowflake-stack';

// No raw PHI through the 2026-07-28 path: a v2 client in modern mode -> the gateway -> the
// reference Snowflake server -> the local Snowflake, masked by the real PHI engine by provenance,
// recorded by audit/ in Redis; the same table read by an admin gives the raw values to look for.
const COMMANDS = `      tools: [run_snowflake_query, list_objects, describe_object]
      sql: { read: allow, write: hold, ddl: deny, privilege: deny, export: deny, multi_statement: hold, unparseable: hold }
      rowLimit: 20`;
const MASKING = `      catalog:
        CLINICAL.PHI.PATIENTS.PATIENT_ID: none
        CLINICAL.PHI.PATIENTS.MRN: MRN
        CLINICAL.PHI.PATIENTS.FIRST_NAME: NAME
        CLINICAL.PHI.PATIENTS.LAST_NAME: NAME
        CLINICAL.PHI.PATIENTS.SSN: SSN
        CLINICAL.PHI.PATIENTS.PHONE: PHONE
        CLINICAL.PHI.PATIENTS.EMAIL: EMAIL
        CLINICAL.PHI.PATIENTS.STATE: none`;

interface Table { columns: string[]; rows: unknown[][] }

describe('2026-07-28 client through the gateway to the local Snowflake: masked like a 2025 session', () => {
  let stack: SnowflakeStack;
  beforeAll(async () => {
    stack = await startSnowflakeStack({
      config: (fx) => clinicalTargetYaml(fx, { commands: COMMANDS, masking: MASKING }),
      masker: async () => (target) => new PhiMasker(target),
      durationMs: 180_000, reason: 'chart review (modern client)',
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('a query as the grant\'s own Snowflake user: PHI columns masked, row limit kept, nothing raw in the answer or the recording', async () => {
    const { client } = await connectV2(stack.gw.url, 'clinical', stack.token, { era: 'modern' });
    expect(client.getProtocolEra()).toBe('modern');
    const who = (await client.callTool({ name: 'run_snowflake_query', arguments: { statement: 'SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R' } })) as CallToolResult;
    expect((who.structuredContent as unknown as Table).rows).toEqual([[`GH_${stack.requestId.toUpperCase()}`, 'CLINICAL_ANALYST']]);
    const raw = await stack.admin.query('SELECT MRN, FIRST_NAME, LAST_NAME, SSN, PHONE FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 5');
    const result = (await client.callTool({ name: 'run_snowflake_query', arguments: { statement: 'SELECT MRN, FIRST_NAME, LAST_NAME, SSN, PHONE, STATE FROM PATIENTS ORDER BY PATIENT_ID LIMIT 5' } })) as CallToolResult;
    const table = result.structuredContent as unknown as Table;
    expect(table.columns).toEqual(['MRN', 'FIRST_NAME', 'LAST_NAME', 'SSN', 'PHONE', 'STATE']);
    expect(table.rows[0]!.slice(0, 5)).toEqual(['[MRN]', '[NAME]', '[NAME]', '[SSN]', '[PHONE]']);
    const limited = (await client.callTool({ name: 'run_snowflake_query', arguments: { statement: 'SELECT PATIENT_ID FROM PATIENTS' } })) as CallToolResult;
    expect((limited.structuredContent as unknown as Table).rows.length).toBeLessThanOrEqual(20);
    await client.close();

    const answer = JSON.stringify(result);
    const recording = JSON.stringify(await stack.h.redis.xrange(`gatehouse:recording:${stack.requestId}`, '-', '+'));
    expect(recording).toContain('.stateless');
    for (const row of raw) {
      for (const value of Object.values(row)) {
        expect(answer).not.toContain(String(value));
        expect(recording).not.toContain(String(value));
      }
    }
    expect(recording).not.toContain('PRIVATE KEY');
  });
});
