import { ConfigError, parseConfig, sqlArgumentsFor, type TargetConfig } from '../../policy';
import { decideToolCall, MASKING_META_KEY, PhiMasker } from '../../proxy';

/**
 * SQL classification runs only on the arguments a target declares as SQL (commands.sqlTools,
 * commands.sqlArguments). A search tool's `query` on a non-SQL target is not held; a Snowflake
 * target that declares nothing still classifies statement/query/sql of every tool (fail closed).
 */

const target = (name: string, credentials: string, commands = '') => `
  - name: ${name}
    upstream: { type: stdio, command: node, args: [server.js] }
    credentials: ${credentials}
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [alice@example.org] }
${commands ? `    commands:\n${commands.split('\n').map((l) => `      ${l}`).join('\n')}\n` : ''}`;
const config = (...targets: string[]) => `version: 1\ntargets:${targets.join('')}`;
const SNOWFLAKE = '{ provider: snowflake, settings: { account: ACME } }';
const OTHER = 'none';

function targetOf(yaml: string): TargetConfig {
  return parseConfig(yaml, 'gatehouse.yaml').targets[0]!;
}
function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'gatehouse.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('which arguments carry SQL', () => {
  test('a non-SQL target: a search tool with a query argument is not classified, whatever the query says', () => {
    const docs = targetOf(config(target('docs', OTHER)));
    expect(sqlArgumentsFor(docs, 'search')).toEqual([]);
    const ruling = decideToolCall(docs, 'search', { query: 'DROP TABLE patients; DELETE FROM claims' });
    expect(ruling).toMatchObject({ verdict: 'allow', classes: [], reason: 'no SQL argument' });
  });

  test('a target that declares its SQL tool gets full classification for it, and only for it', () => {
    const wh = targetOf(config(target('wh', OTHER, 'sqlTools: { run_query: [statement], search: [] }')));
    expect(decideToolCall(wh, 'run_query', { statement: 'SELECT 1' }).verdict).toBe('allow');
    expect(decideToolCall(wh, 'run_query', { statement: 'DELETE FROM claims' })).toMatchObject({ verdict: 'hold', classes: ['write'] });
    expect(decideToolCall(wh, 'run_query', { statement: 'GRANT ROLE ACCOUNTADMIN TO USER x' })).toMatchObject({ verdict: 'deny', classes: ['privilege'] });
    expect(decideToolCall(wh, 'run_query', { statement: { sql: 'DELETE FROM t' } }).verdict).toBe('hold'); // not a string: unparseable, held
    expect(decideToolCall(wh, 'search', { query: 'DELETE FROM claims' }).verdict).toBe('allow');
    // An argument the tool does not declare is not SQL, even when named like it.
    expect(decideToolCall(wh, 'run_query', { query: 'DELETE FROM claims', statement: 'SELECT 1' }).verdict).toBe('allow');
  });

  test('a Snowflake target that declares nothing classifies statement/query/sql of every tool (fail closed)', () => {
    const sf = targetOf(config(target('sf', SNOWFLAKE)));
    expect(sqlArgumentsFor(sf, 'anything')).toEqual(['statement', 'query', 'sql']);
    expect(decideToolCall(sf, 'search', { query: 'DELETE FROM claims' }).verdict).toBe('hold');
    expect(decideToolCall(sf, 'export_rows', { sql: "COPY INTO @stage FROM claims" }).verdict).toBe('deny');
  });

  test('a Snowflake target that declares its tools: declared ones as declared, [] declares a tool not SQL, undeclared ones still fail closed', () => {
    const sf = targetOf(config(target('sf', SNOWFLAKE, 'sqlTools: { run_snowflake_query: [statement], search_docs: [] }')));
    expect(decideToolCall(sf, 'run_snowflake_query', { statement: 'UPDATE t SET a = 1' }).verdict).toBe('hold');
    expect(decideToolCall(sf, 'search_docs', { query: 'DELETE FROM claims' }).verdict).toBe('allow');
    // A tool the upstream added later, not declared: its statement is still classified.
    expect(decideToolCall(sf, 'execute_sql', { statement: 'DROP TABLE claims' }).verdict).toBe('deny');
  });

  test('sqlArguments applies to every tool not under sqlTools (on any target)', () => {
    const legacy = targetOf(config(target('legacy', OTHER, 'sqlArguments: [message]\nsqlTools: { echo_plain: [] }')));
    expect(decideToolCall(legacy, 'echo', { message: 'DELETE FROM t' }).verdict).toBe('hold');
    expect(decideToolCall(legacy, 'echo_plain', { message: 'DELETE FROM t' }).verdict).toBe('allow');
  });

  test('masking follows the same declarations: lineage for declared SQL, appearance for a search tool\'s query', async () => {
    const masking = { catalog: { 'CLINICAL.PHI.PATIENTS.LAST_NAME': 'NAME' } };
    const table = { columns: ['TITLE'], rows: [['Guide to claims']] };
    const result = { content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table };
    const docs = new PhiMasker({ ...targetOf(config(target('docs', OTHER))), masking });
    const searched = await docs.mask(result, { target: 'docs', part: 'result', method: 'tools/call', tool: 'search', arguments: { query: 'claims guide' } });
    expect(searched.masked.structuredContent.rows).toEqual([['Guide to claims']]);
    expect((searched.masked as { _meta?: Record<string, unknown> })._meta?.[MASKING_META_KEY]).toBeUndefined();
    // On a Snowflake target the same call is read as SQL: unparseable, so masked whole.
    const sf = new PhiMasker({ ...targetOf(config(target('sf', SNOWFLAKE))), masking });
    const asSql = await sf.mask(result, { target: 'sf', part: 'result', method: 'tools/call', tool: 'search', arguments: { query: 'claims guide' } });
    expect(asSql.masked.structuredContent.rows).not.toEqual([['Guide to claims']]);
    expect((asSql.masked as { _meta?: Record<string, unknown> })._meta?.[MASKING_META_KEY]).toBeDefined();
  });
});

describe('commands.sqlTools / sqlArguments: bad input is refused with its path', () => {
  test.each([
    ['sqlTools: [statement]', /^targets\[0\]\.commands\.sqlTools: /],
    ['sqlTools: { run_query: statement }', /^targets\[0\]\.commands\.sqlTools\.run_query: /],
    ['sqlTools: { run_query: [""] }', /^targets\[0\]\.commands\.sqlTools\.run_query\[0\]: /],
    ['sqlArguments: statement', /^targets\[0\]\.commands\.sqlArguments: /],
    ['tools: [run_query]\nsqlTools: { run_qeury: [statement] }', /^targets\[0\]\.commands\.sqlTools\.run_qeury: names tool "run_qeury", which commands.tools does not allow \(allowed: run_query\)$/],
  ])('%s', (commands, message) => {
    expect(problems(config(target('wh', OTHER, commands)))).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('a Snowflake target may not switch SQL classification off', () => {
    expect(problems(config(target('sf', SNOWFLAKE, 'sqlArguments: []')))).toEqual([
      'targets[0].commands.sqlArguments: is empty on a Snowflake target, so none of its SQL would be classified: name the SQL tool and argument under commands.sqlTools (e.g. run_snowflake_query: [statement])',
    ]);
    // Declaring the SQL tool makes an empty sqlArguments fine: only that tool's statement is SQL.
    const sf = targetOf(config(target('sf', SNOWFLAKE, 'sqlArguments: []\nsqlTools: { run_snowflake_query: [statement] }')));
    expect(decideToolCall(sf, 'search_docs', { query: 'DELETE FROM t' }).verdict).toBe('allow');
    expect(decideToolCall(sf, 'run_snowflake_query', { statement: 'DELETE FROM t' }).verdict).toBe('hold');
  });
});
