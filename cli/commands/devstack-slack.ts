import type { Command } from 'commander';
import { parsePortOrZero } from './ports';

/**
 * `gatehouse devstack slack`: the local Slack for development, and `gatehouse devstack
 * slack-user` / `slack-show` to play a person in it.
 */
export function registerDevstackSlackCommands(devstack: Command): void {
  devstack
    .command('slack')
    .description('run the local Slack Web API until SIGINT/SIGTERM; prints one JSON line with its URLs, channels and people')
    .option('--port <port>', 'port (default LOCAL_SLACK_PORT or a free one)', parsePortOrZero)
    .option('--host <host>', 'address', '127.0.0.1')
    .option('--config <file>', 'build the workspace from this gatehouse.yaml (its people and approvers channels)')
    .option('--seed <file>', 'or from this workspace JSON (default: the demo workspace)')
    .option('--token-file <file>', 'write the bot token here (mode 0600); it is never printed')
    .option('--app-url <url>', 'the Slack app\'s request URL, for slack-user (signs with SLACK_SIGNING_SECRET)')
    .action(async (options: { port?: number; host: string; config?: string; seed?: string; tokenFile?: string; appUrl?: string }) => {
      // Loaded here: `gatehouse devstack snowflake` (the same command group) does not need it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- require, not import(): see devstack.ts
      const { serveLocalSlack } = require('../../devstack/slack') as typeof import('../../devstack/slack');
      const slack = await serveLocalSlack({
        port: options.port ?? Number(process.env.LOCAL_SLACK_PORT ?? 0), host: options.host,
        ...(options.config ? { configFile: options.config } : {}), ...(options.seed ? { seedFile: options.seed } : {}),
        ...(options.tokenFile ? { tokenFile: options.tokenFile } : {}), ...(options.appUrl ? { appUrl: options.appUrl } : {}),
        ...(process.env.SLACK_SIGNING_SECRET ? { signingSecret: process.env.SLACK_SIGNING_SECRET } : {}),
        ...(process.env.SLACK_BOT_TOKEN ? { botToken: process.env.SLACK_BOT_TOKEN } : {}),
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await slack.close();
    });

  const slackUrl = (given?: string) => (given ?? process.env.LOCAL_SLACK_URL ?? 'http://127.0.0.1:3100').replace(/\/$/, '');
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await response.json()) as { ok?: boolean; error?: string; ack?: unknown };
    if (!answer.ok) throw new Error(`the local Slack refused: ${answer.error ?? JSON.stringify(answer)}`);
    process.stdout.write(`${answer.ack ? `app answered: ${typeof answer.ack === 'string' ? answer.ack : JSON.stringify(answer.ack)}` : 'delivered'}\n`);
  };
  const user = devstack
    .command('slack-user')
    .description('act as a person in the local Slack (it signs and sends to the app, as Slack would)')
    .option('--slack <url>', 'the local Slack (default LOCAL_SLACK_URL or http://127.0.0.1:3100)');
  user
    .command('command <who> [text...]')
    .description('type /access <text> (e.g. slack-user command carol.analyst clinical-readonly 1h check claim 4411)')
    .option('--channel <channel>', 'where', 'general')
    .action(async (who: string, text: string[], options: { channel: string }) => {
      await post(`${slackUrl(user.opts<{ slack?: string }>().slack)}/_local/command`, { user: who, channel: options.channel, text: text.join(' ') });
    });
  user
    .command('click <who> <action> [requestId]')
    .description('click a button: approve, deny, revoke, extend, extension_approve, command_approve, … (the newest one, or the request\'s)')
    .action(async (who: string, action: string, requestId?: string) => {
      await post(`${slackUrl(user.opts<{ slack?: string }>().slack)}/_local/click`, { user: who, action, ...(requestId ? { requestId } : {}) });
    });
  user
    .command('submit <who> [fields...]')
    .description('submit the modal open for the person: fields as block=value (target=clinical-readonly duration=1h reason="…")')
    .action(async (who: string, fields: string[]) => {
      const values = Object.fromEntries(fields.map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));
      await post(`${slackUrl(user.opts<{ slack?: string }>().slack)}/_local/submit`, { user: who, values });
    });
  devstack
    .command('slack-show <channel>')
    .description('print a channel of the local Slack and its threads (ephemerals included)')
    .option('--slack <url>', 'the local Slack (default LOCAL_SLACK_URL or http://127.0.0.1:3100)')
    .action(async (channel: string, options: { slack?: string }) => {
      const response = await fetch(`${slackUrl(options.slack)}/channels/${encodeURIComponent(channel.replace(/^#/, ''))}`);
      if (!response.ok) throw new Error(`the local Slack has no channel ${channel}`);
      process.stdout.write(await response.text());
    });
}
