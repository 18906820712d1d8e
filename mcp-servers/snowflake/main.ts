// The reference Snowflake MCP server on stdio: `tsx mcp-servers/snowflake/main.ts`, started by the
// gateway once per session with the grant's ephemeral identity in its environment.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { SnowflakeRunner } from './runner';
import { createSnowflakeMcpServer } from './server';
import { SettingsError, settingsFromEnv } from './settings';

async function main(): Promise<void> {
  let settings;
  try {
    settings = settingsFromEnv();
  } catch (error) {
    process.stderr.write(`gatehouse-snowflake: ${(error as Error).message}\n`);
    process.exit(error instanceof SettingsError ? 2 : 1);
  }
  // The key lives in this process's memory only; children and diagnostics do not inherit it.
  delete process.env.SNOWFLAKE_PRIVATE_KEY;
  const runner = new SnowflakeRunner(settings);
  const server = createSnowflakeMcpServer(runner);
  const transport = new StdioServerTransport();
  const stop = async () => {
    await runner.close().catch(() => undefined);
    process.exit(0);
  };
  transport.onclose = () => void stop();
  process.stdin.on('end', () => void stop());
  process.on('SIGTERM', () => void stop());
  await server.connect(transport);
}

void main();
