// Hostile and legitimate queries through the real gateway, the reference Snowflake MCP server and
// the local Snowflake, as a broker-issued user; true values read as ADMIN. The catalog is built
// by discovery (the broker's read) and cached in Redis, with a reviewer's pins from gatehouse.yaml.
import { createHash } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { RecordingLog } from '../../audit';
import { discoverCatalog, type PhiCatalog } from '../../phi';
import { MASKING_META_KEY, PhiMasker, RedisCatalogStore } from '../../proxy';
import type { connectClient } from '../proxy/support';
import { clinicalTargetYaml, startSnowflakeStack, type SnowflakeStack } from '../proxy/snowflake-stack';
import type { Driver } from '../snowflake/support';
import { waitForStatus, type Harness } from '../support/harness';
import { hostileQueries } from './hostile-queries';

const COMMANDS = `      tools: [run_snowflake_query, list_objects, describe_object]
      sql: { read: allow, write: hold, ddl: deny, privilege: deny, export: deny, multi_statement: hold, unparseable: allow }
      rowLimit: 500`;
const MASKING = `      operators: { DATE: generalize }
      phiPredicates: { default: allow }
      catalog:
        CLINICAL.PHI.PATIENTS.PATIENT_ID: none
        CLINICAL.PHI.ENCOUNTERS.PATIENT_ID: none
        CLINICAL.PHI.DIAGNOSES.PATIENT_ID: none
        CLINICAL.PHI.CLINICAL_NOTES.PATIENT_ID: none
        CLINICAL.PHI.PATIENTS.STATE: none
        CLINICAL.PHI.ENCOUNTERS.ENCOUNTER_TYPE: none
        CLINICAL.PHI.DIAGNOSES.ICD10_CODE: none`;

interface Table { columns: string[]; rows: unknown[][] }
/** Plan digests and tokens are hex: a run of it may hold any digits (set aside before a leak pattern is matched). */
const withoutHexRuns = (text: string) => text.replace(/[0-9a-f]{12,}/gi, '<hex>');
const LABEL = /^(\[[A-Z_]+\]|<[A-Z_]+:[0-9a-f]{16}>)$/;

/** Every form a value could be recovered from: as is, reversed, without separators, hex, base64, hashes. */
function recoverableForms(values: string[]): { exact: Set<string>; inside: string[] } {
  const exact = new Set<string>();
  const add = (s: string) => {
    if (s.length < 4) return;
    const lower = s.toLowerCase();
    exact.add(lower);
    exact.add([...lower].reverse().join(''));
    for (const algorithm of ['md5', 'sha1', 'sha256']) exact.add(createHash(algorithm).update(s).digest('hex'));
    exact.add(Buffer.from(s).toString('hex'));
    exact.add(Buffer.from(s).toString('base64').toLowerCase());
  };
  for (const v of values) {
    add(v);
    add(v.toUpperCase());
    add(v.replace(/[^A-Za-z0-9@.]/g, ''));
    const digits = v.replace(/\D/g, '');
    if (digits.length >= 5) add(digits);
    if (digits.length >= 7) exact.add(String(Number(digits))); // shorter ones (a ZIP 01952) would read as years
  }
  // Long forms are also looked for inside cells (a prefix, a concatenation, a JSON array).
  return { exact, inside: [...exact].filter((f) => f.length >= 7) };
}

describe('PHI by provenance: hostile queries through the real gateway', () => {
  let stack: SnowflakeStack;
  let admin: Driver;
  let h: Harness;
  let requestId: string;
  let session: Awaited<ReturnType<typeof connectClient>>;
  let truth: { exact: Set<string>; inside: string[]; names: Set<string> };
  let catalog: PhiCatalog;

  beforeAll(async () => {
    stack = await startSnowflakeStack({
      config: (fx) => clinicalTargetYaml(fx, { commands: COMMANDS, masking: MASKING }),
      durationMs: 600_000, reason: 'lineage suite',
      masker: async ({ h: harness, admin: asAdmin }) => {
        // Discovery: the catalog of the target's scope, classified by tags, names, samples and types.
        const query = async (sql: string) => {
          const rows = await asAdmin.query(sql);
          return { columns: rows[0] ? Object.keys(rows[0]) : [], rows: rows.map((r) => Object.values(r)) };
        };
        ({ catalog } = await discoverCatalog(query, { target: 'clinical', scope: ['CLINICAL.PHI'] }));
        // Its own namespace: other suites (catalog-cli, catalog-refresh) store target clinical's catalog in the same Redis.
        const store = new RedisCatalogStore(harness.redis, 30_000, { namespace: `test-gateway-${process.pid}-${Date.now()}` });
        await store.put(catalog);
        return (target) => new PhiMasker(target, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: store });
      },
    });
    ({ admin, h, requestId, session } = stack);

    const patients = await admin.query('SELECT * FROM CLINICAL.PHI.PATIENTS');
    const phiColumns = ['MRN', 'FIRST_NAME', 'LAST_NAME', 'DATE_OF_BIRTH', 'SSN', 'ADDRESS', 'PHONE', 'EMAIL', 'INSURANCE_MEMBER_ID', 'ZIP'];
    const values = patients.flatMap((p) => phiColumns.map((c) => p[c]).filter((v) => v !== null && v !== undefined).map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v))));
    truth = { ...recoverableForms(values), names: new Set(patients.flatMap((p) => [String(p.FIRST_NAME), String(p.LAST_NAME)]).map((n) => n.toLowerCase()).filter((n) => n.length >= 3)) };
  }, 240_000);

  afterAll(async () => {
    await stack?.close();
  });

  const run = async (statement: string) => (await session.client.callTool({ name: 'run_snowflake_query', arguments: { statement } })) as CallToolResult;

  /** Raw or recoverable PHI anywhere in what the client got (cells, text, errors). */
  function leaks(result: CallToolResult): string[] {
    const found: string[] = [];
    const strings: string[] = [];
    const collect = (v: unknown) => {
      if (v === null || v === undefined) return;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') strings.push(String(v));
      else if (Array.isArray(v)) v.forEach(collect);
      else if (typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(result.structuredContent);
    for (const item of result.content ?? []) if (item.type === 'text') {
      strings.push(item.text);
      try {
        collect(JSON.parse(item.text));
      } catch {
        // free text: checked as a whole
      }
    }
    for (const s of strings) {
      const lower = s.toLowerCase();
      if (truth.exact.has(lower)) found.push(`exact: ${s.slice(0, 40)}`);
      for (const f of truth.inside) if (lower.includes(f)) found.push(`inside: ${f.slice(0, 40)}`);
      for (const word of lower.split(/[^a-z]+/)) if (truth.names.has(word) || truth.names.has([...word].reverse().join(''))) found.push(`name: ${word}`);
    }
    return [...new Set(found)];
  }

  test('discovery classified the scope, and the reviewer\'s pins win', () => {
    const cls = (table: string, column: string) => catalog.tables.find((t) => t.name === table)?.columns.find((c) => c.name === column)?.class;
    expect(cls('PATIENTS', 'SSN')).toBe('SSN');
    expect(cls('PATIENTS', 'LAST_NAME')).toBe('NAME');
    expect(cls('PATIENTS', 'DATE_OF_BIRTH')).toBe('DATE');
    expect(cls('CLINICAL_NOTES', 'NOTE_TEXT')).toBe('text');
    expect(cls('PATIENTS', 'PATIENT_ID')).toBe('MRN'); // by name; pinned to none in gatehouse.yaml
    // The seeded PHI columns carry GATEHOUSE_PHI tags, which discovery reads before names and samples.
    const source = (table: string, column: string) => catalog.tables.find((t) => t.name === table)?.columns.find((c) => c.name === column)?.source;
    expect(source('PATIENTS', 'SSN')).toBe('snowflake-tag');
    expect(source('CLINICAL_NOTES', 'NOTE_TEXT')).toBe('snowflake-tag');
    expect(source('PATIENTS', 'PATIENT_ID')).toBe('discovered-name');
  });

  test('row-count and literal-join oracles on PHI are held for the approvers, never answered (FLATTEN over an SSN, a join with a constant)', async () => {
    const ssn = String((await admin.query('SELECT SSN FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 1'))[0]!.SSN);
    const oracles = [
      // One row per patient whose SSN starts with 1: the ids answer the question the WHERE would have been held for.
      { sql: "SELECT p.PATIENT_ID FROM CLINICAL.PHI.PATIENTS p, LATERAL FLATTEN(input => IFF(p.SSN LIKE '1%', ARRAY_CONSTRUCT(1), ARRAY_CONSTRUCT())) f ORDER BY 1", clause: 'FROM' },
      // Rows per patient = how many pieces its SSN splits into at '1'.
      { sql: "SELECT p.PATIENT_ID, COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS p, LATERAL FLATTEN(input => SPLIT(p.SSN, '1')) f GROUP BY 1 ORDER BY 1", clause: 'FROM' },
      // p.SSN = x.S is p.SSN = '<an SSN>': 1 confirms it.
      { sql: `SELECT COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS p JOIN (SELECT '${ssn}' AS S) x ON p.SSN = x.S`, clause: 'JOIN ON' },
    ];
    for (const [i, o] of oracles.entries()) {
      const result = await run(o.sql);
      expect({ i, isError: result.isError, text: (result.content as { text: string }[])[0]?.text.slice(0, 40) }).toMatchObject({ i, isError: true, text: expect.stringContaining('Held for approval') });
      const pending = (s: Awaited<ReturnType<typeof h.access.status>>) => s.commands.find((c) => c.outcome === 'pending' && c.summary.includes(`CLINICAL.PHI.PATIENTS.SSN (SSN) in ${o.clause}`));
      const command = pending(await waitForStatus(h.access, requestId, (s) => pending(s) !== undefined))!;
      expect(command.summary).not.toContain(ssn);
      await h.access.decideCommand(requestId, command.commandId, 'alice@example.org', false, 'no oracles on SSNs');
    }
  });

  test('a hostile agent with a read grant cannot rewrite the tags discovery reads: denied at the gateway (privilege), the tags unchanged', async () => {
    const tag = 'CLINICAL.GOVERNANCE.GATEHOUSE_PHI';
    const attempts = [
      `ALTER TABLE CLINICAL.PHI.PATIENTS MODIFY COLUMN SSN UNSET TAG ${tag}`,
      `ALTER TABLE CLINICAL.PHI.PATIENTS MODIFY COLUMN SSN SET TAG ${tag} = 'none'`,
      `alter table patients alter column last_name set tag ${tag.toLowerCase()} = 'none'`,
      `ALTER TABLE CLINICAL.PHI.PATIENTS SET TAG ${tag} = 'none'`,
      `ALTER TAG ${tag} UNSET ALLOWED_VALUES`,
      `DROP TAG ${tag}`,
      `CREATE OR REPLACE TAG ${tag}`,
      `/* harmless */ ALTER TABLE CLINICAL.PHI.PATIENTS MODIFY COLUMN SSN UNSET TAG ${tag}`,
      `SELECT 1; ALTER TABLE CLINICAL.PHI.PATIENTS MODIFY COLUMN SSN UNSET TAG ${tag}`,
    ];
    for (const statement of attempts) await expect(run(statement)).rejects.toThrow(/privilege is denied/);
    const after = await admin.query(`SELECT SYSTEM$GET_TAG('${tag}', 'CLINICAL.PHI.PATIENTS.SSN', 'COLUMN') AS SSN, SYSTEM$GET_TAG('${tag}', 'CLINICAL.PHI.PATIENTS.LAST_NAME', 'COLUMN') AS LAST_NAME`);
    expect(after).toEqual([{ SSN: 'SSN', LAST_NAME: 'NAME' }]);
  });

  test(`${hostileQueries.length} hostile queries: zero raw values, zero recoverable, every PHI-derived cell masked`, async () => {
    expect(hostileQueries.length).toBeGreaterThanOrEqual(80);
    const failures: string[] = [];
    let refused = 0;
    let masked = 0;
    for (const q of hostileQueries) {
      let result: CallToolResult;
      try {
        result = await run(q.sql);
      } catch (error) {
        refused++; // a JSON-RPC error (denied, held): nothing came back
        const text = String((error as Error).message);
        if (leaks({ content: [{ type: 'text', text }] } as CallToolResult).length) failures.push(`${q.family}: ${q.sql}\n  error leaks`);
        continue;
      }
      const found = leaks(result);
      if (found.length) failures.push(`${q.family}: ${q.sql}\n  ${found.slice(0, 3).join('; ')}`);
      if (result.isError) {
        refused++; // failed in Snowflake (masked error), or held for PHI in its predicates
        continue;
      }
      const table = result.structuredContent as unknown as Table;
      for (const row of table.rows) {
        row.forEach((cell, i) => {
          if (q.pass?.includes(i)) return;
          if (cell === null && table.rows.length > 0) return;
          if (typeof cell !== 'string' || !LABEL.test(cell)) failures.push(`${q.family}: ${q.sql}\n  column ${i} came back unmasked: ${JSON.stringify(cell).slice(0, 30)}`);
        });
      }
      masked++;
      const meta = (result._meta as Record<string, { columns?: { reason: string }[] }> | undefined)?.[MASKING_META_KEY];
      if (!meta) failures.push(`${q.family}: no masking report`);
    }
    console.log(`hostile queries: ${hostileQueries.length}, answered and masked: ${masked}, refused or failed in Snowflake: ${refused}, leaks: ${failures.length}`);
    expect([...new Set(failures)]).toEqual([]);
    expect(masked).toBeGreaterThan(60); // most families run on the local Snowflake and come back masked
    expect(refused + masked).toBe(hostileQueries.length);
  }, 600_000);

  test('errors that echo a value are masked when the SQL touched PHI', async () => {
    const raw = await admin.query('SELECT LAST_NAME FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 1');
    const result = await run('SELECT CAST(LAST_NAME AS INT) FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 1');
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text).not.toContain(String(raw[0]!.LAST_NAME));
  });

  test('the analyst queries stay useful, with the results ADMIN gets', async () => {
    const same = async (sql: string, adminSql = sql) => {
      const result = await run(sql);
      expect(result.isError).toBeFalsy();
      const got = (result.structuredContent as unknown as Table).rows;
      const want = (await admin.query(adminSql)).map((r) => Object.values(r).map((v) => (typeof v === 'bigint' ? Number(v) : v)));
      expect(got).toEqual(want);
      return got;
    };
    expect(await same('SELECT COUNT(*) FROM CLINICAL.PHI.PATIENTS')).toEqual([[120]]);
    await same('SELECT STATE, COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS GROUP BY STATE ORDER BY STATE');
    await same('SELECT ENCOUNTER_TYPE, COUNT(*) AS N FROM CLINICAL.PHI.ENCOUNTERS GROUP BY ENCOUNTER_TYPE ORDER BY ENCOUNTER_TYPE');
    await same('SELECT e.ENCOUNTER_TYPE, COUNT(DISTINCT p.PATIENT_ID) AS PATIENTS FROM CLINICAL.PHI.PATIENTS p JOIN CLINICAL.PHI.ENCOUNTERS e ON p.PATIENT_ID = e.PATIENT_ID GROUP BY 1 ORDER BY 1');
    await same('SELECT YEAR(ENCOUNTER_DATE) AS Y, COUNT(*) AS N FROM CLINICAL.PHI.ENCOUNTERS GROUP BY 1 ORDER BY 1');
    await same('SELECT d.ICD10_CODE, COUNT(*) AS N FROM CLINICAL.PHI.DIAGNOSES d JOIN CLINICAL.PHI.ENCOUNTERS e ON d.ENCOUNTER_ID = e.ENCOUNTER_ID GROUP BY 1 ORDER BY 2 DESC, 1');
    await same('SELECT COUNT(DISTINCT SSN) AS SSNS, COUNT(EMAIL) AS EMAILS FROM CLINICAL.PHI.PATIENTS');
    await same('SELECT PATIENT_ID, COUNT(*) AS VISITS FROM CLINICAL.PHI.ENCOUNTERS GROUP BY PATIENT_ID ORDER BY VISITS DESC, PATIENT_ID LIMIT 10');
    // A date column as stored is generalized to its year (the policy's operator); a PHI column as stored is redacted.
    const dob = await run('SELECT PATIENT_ID, DATE_OF_BIRTH, SSN FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 3');
    const years = (await admin.query('SELECT YEAR(DATE_OF_BIRTH) AS Y FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 3')).map((r) => String(r.Y));
    expect((dob.structuredContent as unknown as Table).rows).toEqual([[1, years[0], '[SSN]'], [2, years[1], '[SSN]'], [3, years[2], '[SSN]']]);
  });

  test('PHI in predicates: a filter or sort on a direct identifier is held, and the approvers see which PHI columns; joins on ids and dates run', async () => {
    const held = await run("SELECT COUNT(*) FROM CLINICAL.PHI.PATIENTS WHERE SSN LIKE '12%' ORDER BY 1");
    expect(held.isError).toBe(true);
    expect((held.content as { text: string }[])[0]!.text).toContain('Held for approval');
    // By its SQL: the hostile queries above leave holds of their own pending (FLATTEN over an SSN is a predicate in FROM).
    const pendingFor = (sql: string) => (s: Awaited<ReturnType<typeof waitForStatus>>) => s.commands.find((c) => c.outcome === 'pending' && c.summary.includes(sql));
    const status = await waitForStatus(h.access, requestId, (s) => pendingFor("SSN LIKE '12%'")(s) !== undefined);
    const command = pendingFor("SSN LIKE '12%'")(status)!;
    expect(command.summary).toContain('PHI in predicates: CLINICAL.PHI.PATIENTS.SSN (SSN) in WHERE');
    await h.access.decideCommand(requestId, command.commandId, 'alice@example.org', false, 'no fishing for SSNs');
    const sorted = await run('SELECT PATIENT_ID FROM CLINICAL.PHI.PATIENTS ORDER BY LAST_NAME LIMIT 5');
    expect(sorted.isError).toBe(true);
    const again = await waitForStatus(h.access, requestId, (s) => pendingFor('ORDER BY LAST_NAME')(s) !== undefined);
    const second = pendingFor('ORDER BY LAST_NAME')(again)!;
    expect(second.summary).toContain('CLINICAL.PHI.PATIENTS.LAST_NAME (NAME) in ORDER BY');
    await h.access.decideCommand(requestId, second.commandId, 'alice@example.org', false, 'no');
    const dates = await run("SELECT COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS p JOIN CLINICAL.PHI.ENCOUNTERS e ON p.PATIENT_ID = e.PATIENT_ID WHERE p.DATE_OF_BIRTH < '1970-01-01'");
    expect(dates.isError).toBeFalsy();
    const want = await admin.query("SELECT COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS p JOIN CLINICAL.PHI.ENCOUNTERS e ON p.PATIENT_ID = e.PATIENT_ID WHERE p.DATE_OF_BIRTH < '1970-01-01'");
    expect((dates.structuredContent as unknown as Table).rows).toEqual([[Number(want[0]!.N)]]);
  });

  // Column names the agent chose: an alias, one surfacing from a CTE or a subquery, an unaliased
  // expression whose header is its text (literal included). The headers come back as Snowflake names
  // them; the agent and the record get COLUMN_<n> for every one that reads as PHI.
  test('a result header that reads as PHI is COLUMN_<n> for the agent and in the recording', async () => {
    const LEAK = /zelda|quintanilla|0\W*7\W*8\W*0\W*5\W*1\W*1\W*2\W*0/i;
    const cases: [string, string[] | undefined][] = [
      ['SELECT COUNT(*) AS "078-05-1120" FROM CLINICAL.PHI.PATIENTS', ['COLUMN_1']],
      ['SELECT STATE AS "Zelda Quintanilla", COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS GROUP BY 1 ORDER BY 1 LIMIT 3', ['COLUMN_1', 'N']],
      ['WITH t AS (SELECT PATIENT_ID AS "zelda quintanilla" FROM CLINICAL.PHI.PATIENTS) SELECT * FROM t ORDER BY 1 LIMIT 2', ['COLUMN_1']],
      ['SELECT q."078-05-1120" FROM (SELECT LAST_NAME AS "078-05-1120" FROM CLINICAL.PHI.PATIENTS) q LIMIT 2', ['COLUMN_1']],
      ["SELECT SUM(CASE WHEN STATE = '078-05-1120' THEN 1 ELSE 0 END) FROM CLINICAL.PHI.PATIENTS", undefined],
    ];
    for (const [sql, columns] of cases) {
      const result = await run(sql);
      expect(result.isError).toBeFalsy();
      if (columns) expect((result.structuredContent as unknown as Table).columns).toEqual(columns);
      expect(JSON.stringify(result)).not.toMatch(LEAK);
    }
    const entries = (await new RecordingLog(h.redis).read(requestId)).map((s) => s.entry);
    expect(JSON.stringify(entries)).not.toMatch(LEAK);
  });

  // A cell computed from the statement's literals is a value the agent chose (constant-cells.test.ts):
  // an injected agent must not launder a value it got elsewhere into the signed record through one.
  test('a cell computed from the agent\'s literals is masked when it reads as PHI, for the agent and in the recording; the constants analysts use pass', async () => {
    const LEAK = /0\W*7\W*8\W*0\W*5\W*1\W*1\W*2\W*0|zelda|quintanilla/i;
    const hostile = [
      "SELECT '078-05-1120' AS A",
      "SELECT 'Zelda Quintanilla' AS X",
      "SELECT '078-05-1120' || '' AS A",
      "SELECT CONCAT('078', '-05-1120') AS A",
      "SELECT REPLACE('078-05-1120', '-', '') AS A",
      "SELECT CAST(PATIENT_ID AS VARCHAR) AS A FROM CLINICAL.PHI.PATIENTS WHERE PATIENT_ID < 3 UNION ALL SELECT '078-05-1120'",
      "WITH c AS (SELECT 'Zelda Quintanilla' AS N) SELECT N FROM c",
      "SELECT PATIENT_ID, 'Zelda Quintanilla' AS N FROM CLINICAL.PHI.PATIENTS ORDER BY 1 LIMIT 2",
      "SELECT CAST('078-05-1120' AS INT) AS A",
    ];
    for (const sql of hostile) {
      const result = await run(sql);
      expect({ sql, answer: withoutHexRuns(JSON.stringify(result)) }).toEqual({ sql, answer: expect.not.stringMatching(LEAK) });
    }
    const masked = await run("SELECT PATIENT_ID, 'Zelda Quintanilla' AS N FROM CLINICAL.PHI.PATIENTS ORDER BY 1 LIMIT 2");
    expect((masked.structuredContent as unknown as Table).rows).toEqual([[1, '[NAME]'], [2, '[NAME]']]);
    const entries = (await new RecordingLog(h.redis).read(requestId)).map((s) => s.entry);
    expect(withoutHexRuns(JSON.stringify(entries))).not.toMatch(LEAK);
    // The constants analysts use, with what ADMIN gets.
    const legitimate = [
      'SELECT 1 AS ONE',
      "SELECT 'active' AS STATUS, COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS",
      'SELECT 2024 AS Y, COUNT(*) AS N FROM CLINICAL.PHI.ENCOUNTERS WHERE YEAR(ENCOUNTER_DATE) = 2024',
      "SELECT STATE, 'n/a' AS NOTE, COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS GROUP BY STATE ORDER BY STATE",
      "SELECT CASE WHEN STATE = 'MA' THEN 'home' ELSE 'away' END AS R, COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS GROUP BY 1 ORDER BY 1",
      'SELECT COUNT(*) * 1000 AS PER_MILLE FROM CLINICAL.PHI.PATIENTS',
    ];
    for (const sql of legitimate) {
      const result = await run(sql);
      expect({ sql, isError: result.isError ?? false }).toEqual({ sql, isError: false });
      const want = (await admin.query(sql)).map((r) => Object.values(r).map((v) => (typeof v === 'bigint' ? Number(v) : v)));
      expect({ sql, rows: (result.structuredContent as unknown as Table).rows }).toEqual({ sql, rows: want });
    }
  });

  test('the recording and the archive hold why each column was masked (sources and rule), never a value', async () => {
    await run("SELECT REPLACE(SSN, '-', '') AS ICD10 FROM CLINICAL.PHI.PATIENTS LIMIT 2");
    const entries = (await new RecordingLog(h.redis).read(requestId)).map((s) => s.entry as unknown as Record<string, unknown>);
    expect(JSON.stringify(entries)).toContain('derived from CLINICAL.PHI.PATIENTS.SSN via REPLACE; masked whole as SSN');
    const responses = entries.filter((e) => e.type === 'response');
    expect(responses.length).toBeGreaterThan(hostileQueries.length);
    for (const e of responses) expect(leaks((e.result ?? { content: [{ type: 'text', text: JSON.stringify(e.error ?? null) }] }) as CallToolResult)).toEqual([]);
  });
});
