import type { Command } from 'commander';
import { runSlackApp } from '../../slack-app';
import { parsePortOrZero } from './ports';

/** `gatehouse slack-app`: the Slack app (Bolt). */
export function registerSlackAppCommand(program: Command): void {
  program
    .command('slack-app')
    .description('run the Slack app: HTTP receiver on /slack/events (or Socket Mode when SLACK_APP_TOKEN is set) until SIGINT/SIGTERM')
    .option('--port <port>', 'HTTP port (default SLACK_APP_PORT or 3000)', parsePortOrZero)
    .option('--host <host>', 'HTTP address (default SLACK_APP_HOST or 127.0.0.1)')
    .addHelpText('after', '\nEnvironment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), SLACK_API_URL (local Slack),\nGATEHOUSE_CONFIG, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE.')
    .action(async (options: { port?: number; host?: string }) => {
      await runSlackApp(options);
    });
}
