import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { eventually } from '../support/eventually';
import { snowflakeServerArgs, startSnowflakeFixture, type SnowflakeFixture } from './support';

const RUNAWAY = 'SELECT COUNT(*) AS N FROM TABLE(GENERATOR(ROWCOUNT => 10000000000000))';

describe('the reference Snowflake MCP server stops the statement of a call the client gave up on', () => {
  let fx: SnowflakeFixture;
  beforeAll(async () => { fx = await startSnowflakeFixture(50); });
  afterAll(async () => { await fx?.close(); });

  const connect = async () => {
    const client = new Client({ name: 'sf-cancel-test', version: '1' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: snowflakeServerArgs, env: fx.env, stderr: 'pipe' }));
    return client;
  };

  test('notifications/cancelled cancels the running statement in Snowflake', async () => {
    const client = await connect();
    try {
      const abort = new AbortController();
      const call = client.callTool({ name: 'run_snowflake_query', arguments: { statement: RUNAWAY } }, CallToolResultSchema, { signal: abort.signal, timeout: 120_000 }).catch(() => 'cancelled');
      await eventually(() => fx.sf.engine.runningStatements() > 0, 'the statement running in Snowflake', 30_000);
      abort.abort('the user changed their mind');
      expect(await call).toBe('cancelled');
      await eventually(() => fx.sf.engine.runningStatements() === 0, 'the statement stopped in Snowflake', 30_000);
    } finally {
      await client.close();
    }
  });

  test('the end of the session (the server process closes) stops its running statement', async () => {
    const client = await connect();
    const call = client.callTool({ name: 'run_snowflake_query', arguments: { statement: RUNAWAY } }, CallToolResultSchema, { timeout: 120_000 }).catch(() => 'ended');
    await eventually(() => fx.sf.engine.runningStatements() > 0, 'the statement running in Snowflake', 30_000);
    await client.close();
    expect(await call).toBe('ended');
    await eventually(() => fx.sf.engine.runningStatements() === 0, 'the statement stopped in Snowflake', 30_000);
  });
});
