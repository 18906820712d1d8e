// The reference Snowflake MCP server on stdio: `tsx mcp-servers/snowflake/main.ts`, started by the
// gateway with the grant's ephemeral identity in its environment. It speaks both MCP eras: the
// opening exchange decides (server/discover at 2026-07-28: stateless requests; initialize: a 2025 session).
import { serveStdio } from '@modelcontextprotocol/server/stdio';
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
  // The key or token lives in this process's memory only; children and diagnostics do not inherit it.
  delete process.env.SNOWFLAKE_PRIVATE_KEY;
  delete process.env.SNOWFLAKE_TOKEN;
  const runner = new SnowflakeRunner(settings);
  const stop = async () => {
    await runner.close().catch(() => undefined);
    process.exit(0);
  };
  serveStdio(() => createSnowflakeMcpServer(runner), { onerror: (error) => process.stderr.write(`gatehouse-snowflake: ${error.message}\n`) });
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
