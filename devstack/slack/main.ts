import { createLogger } from '../../lib';
import { serveLocalSlack } from './serve';

/**
 * The local Slack as its own process:
 *   npx tsx devstack/slack/main.ts [--port 3100] [--host 127.0.0.1] [--seed workspace.json | --config gatehouse.yaml]
 *                                  [--token-file FILE] [--app-url http://127.0.0.1:3000/slack/events]
 * Prints one JSON line ({ url, apiUrl, teamId, botUserId, channels, users }) when it listens. The
 * bot token is written only to the file named by --token-file (never to the console or the log);
 * SLACK_BOT_TOKEN, when set, is the token it accepts; SLACK_SIGNING_SECRET signs what it sends to --app-url.
 */
async function main(argv: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const slack = await serveLocalSlack({
    port: Number(flag('port') ?? process.env.LOCAL_SLACK_PORT ?? 0),
    host: flag('host'),
    seedFile: flag('seed'),
    configFile: flag('config'),
    tokenFile: flag('token-file'),
    appUrl: flag('app-url'),
    signingSecret: process.env.SLACK_SIGNING_SECRET,
    botToken: process.env.SLACK_BOT_TOKEN,
  });
  const stop = () => void slack.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  createLogger('devstack.slack').error({ err: error }, 'local slack failed to start');
  process.exit(1);
});
