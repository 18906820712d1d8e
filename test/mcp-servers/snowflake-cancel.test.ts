import { eventually } from '../support/eventually';
import { connectSnowflakeServer, startSnowflakeFixture, type Era, type SnowflakeFixture } from './support';

const RUNAWAY = 'SELECT COUNT(*) AS N FROM TABLE(GENERATOR(ROWCOUNT => 10000000000000))';

describe.each<Era>(['legacy', 'modern'])('the reference Snowflake MCP server stops the statement of a call the client gave up on (%s era)', (era) => {
  let fx: SnowflakeFixture;
  beforeAll(async () => { fx = await startSnowflakeFixture(50); });
  afterAll(async () => { await fx?.close(); });

  const connect = () => connectSnowflakeServer(fx, era);

  test('notifications/cancelled cancels the running statement in Snowflake', async () => {
    const client = await connect();
    try {
      const abort = new AbortController();
      const call = client.callTool({ name: 'run_snowflake_query', arguments: { statement: RUNAWAY } }, { signal: abort.signal, timeout: 120_000 }).catch(() => 'cancelled');
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
    const call = client.callTool({ name: 'run_snowflake_query', arguments: { statement: RUNAWAY } }, { timeout: 120_000 }).catch(() => 'ended');
    await eventually(() => fx.sf.engine.runningStatements() > 0, 'the statement running in Snowflake', 30_000);
    await client.close();
    expect(await call).toBe('ended');
    await eventually(() => fx.sf.engine.runningStatements() === 0, 'the statement stopped in Snowflake', 30_000);
  });
});
