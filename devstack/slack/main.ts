import { readFileSync } from 'node:fs';
import { createLogger } from '../../lib';
import { DEMO_SEED } from './seed';
import { startLocalSlack } from './server';
import type { WorkspaceSeed } from './workspace';

/**
 * The local Slack as its own process:
 *   npx tsx devstack/slack/main.ts [--port 3100] [--host 127.0.0.1] [--seed workspace.json]
 * Prints one JSON line ({ url, apiUrl, teamId, botUserId }) when it listens. The bot token is
 * written only to the file named by --token-file (never to the console or the log).
 */
async function main(argv: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seedFile = flag('seed');
  const seed: WorkspaceSeed = seedFile ? (JSON.parse(readFileSync(seedFile, 'utf8')) as WorkspaceSeed) : DEMO_SEED;
  const tokenFile = flag('token-file');
  const botToken = process.env.SLACK_BOT_TOKEN;
  const slack = await startLocalSlack({
    port: Number(flag('port') ?? process.env.LOCAL_SLACK_PORT ?? 0),
    host: flag('host') ?? '127.0.0.1',
    seed: { ...seed, app: { ...seed.app, ...(botToken ? { botToken } : {}) } },
  });
  if (tokenFile) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(tokenFile, `${slack.botToken}\n`, { mode: 0o600 });
  }
  const ws = slack.workspace;
  process.stdout.write(`${JSON.stringify({ url: slack.url, apiUrl: slack.apiUrl, teamId: ws.team.id, botUserId: ws.app.botUserId })}\n`);
  const stop = () => void slack.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  createLogger('devstack.slack').error({ err: error }, 'local slack failed to start');
  process.exit(1);
});
