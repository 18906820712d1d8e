// Keys of a SQL result that are not the table's rows and columns, through the real gateway, an
// upstream that adds its own (the statement, a preview of the first row, Snowflake's row type)
// and the local Snowflake, as a broker-issued user: none carries a value out (issue 14).
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { MASKING_META_KEY, PhiMasker } from '../../proxy';
import { snowflakeServerArgs } from '../mcp-servers/support';
import { clinicalTargetYaml, startSnowflakeStack, type SnowflakeStack } from '../proxy/snowflake-stack';
import { clinicalCatalog } from './catalog-fixture';

const COMMANDS = `      tools: [run_snowflake_query]
      sql: { read: allow, write: deny, ddl: deny, privilege: deny, export: deny, multi_statement: deny, unparseable: allow }
      rowLimit: 50`;
const MASKING = `      operators: { DATE: generalize }
      phiPredicates: { default: allow }`;
const echoingArgs = [snowflakeServerArgs[0]!, join(__dirname, 'fixtures/echoing-upstream.ts')];

describe('upstream keys of a SQL result: known counts pass, everything else is masked by provenance', () => {
  let stack: SnowflakeStack;
  let forms: string[];

  beforeAll(async () => {
    stack = await startSnowflakeStack({
      config: (fx) => clinicalTargetYaml(fx, { commands: COMMANDS, masking: MASKING }).replace(JSON.stringify(snowflakeServerArgs), JSON.stringify(echoingArgs)),
      durationMs: 600_000, reason: 'upstream keys suite',
      masker: async () => (target) => new PhiMasker(target, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog } }),
    });
    const patients = await stack.admin.query('SELECT SSN, FIRST_NAME, LAST_NAME, PHONE, EMAIL FROM CLINICAL.PHI.PATIENTS');
    const values = patients.flatMap((p) => Object.values(p).map(String)).filter((v) => v.length >= 4).map((v) => v.toLowerCase());
    forms = [...new Set([...values, ...values.map((v) => [...v].reverse().join(''))])];
  }, 240_000);

  afterAll(async () => {
    await stack?.close();
  });

  const run = async (statement: string) => (await stack.session.client.callTool({ name: 'run_snowflake_query', arguments: { statement } })) as CallToolResult & Record<string, unknown>;
  const leaks = (result: unknown) => {
    const text = JSON.stringify(result).toLowerCase();
    return forms.filter((f) => text.includes(f));
  };

  test('the upstream echoes PHI outside the table (preview, row type, summary, _meta): none of it reaches the client', async () => {
    const statements = [
      'SELECT PATIENT_ID, SSN FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 3',
      'SELECT PATIENT_ID, REVERSE(SSN) AS R FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 3',
      'SELECT LOWER(LAST_NAME) AS STATE_CODE, UPPER(EMAIL) AS NOTE FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 3',
      "SELECT PHONE || ' ' || FIRST_NAME AS X FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 3",
    ];
    for (const statement of statements) {
      const result = await run(statement);
      expect(result.isError).toBeFalsy();
      const structured = result.structuredContent as Record<string, unknown>;
      // The upstream did echo: the keys are there, masked whole.
      expect(structured.preview).toMatch(/^\[[A-Z_]+\]$/);
      expect(structured.resultSetMetaData).toMatch(/^\[[A-Z_]+\]$/);
      expect(result.summary).toMatch(/^\[[A-Z_]+\]$/);
      expect(leaks(result)).toEqual([]);
      expect(structured.rowCount).toBe(3);
      expect(structured.truncated).toBe(false);
      // The agent is told which keys were masked whole, and as what (the reason is in the recording's plan entry).
      const report = (result._meta as Record<string, { maskedKeys?: { key: string; type: string }[] }>)[MASKING_META_KEY]!;
      expect(report.maskedKeys?.map((k) => k.key)).toEqual(expect.arrayContaining(['structuredContent.preview', 'summary', '_meta.snowflake/preview']));
    }
  });

  test('a statement that reads no PHI keeps what the upstream adds useful (scanned, not withheld)', async () => {
    const sql = 'SELECT STATE, COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS GROUP BY STATE ORDER BY STATE';
    const result = await run(sql);
    const structured = result.structuredContent as { rows: unknown[][]; query: string; preview: string };
    const want = (await stack.admin.query(sql)).map((r) => Object.values(r).map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    expect(structured.rows).toEqual(want);
    expect(structured.query).toBe(sql);
    expect(structured.preview).toBe(want[0]!.join(' | '));
  });
});
