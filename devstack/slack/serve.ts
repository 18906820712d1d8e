import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../policy';
import { DEMO_SEED, seedFromConfig } from './seed';
import { startLocalSlack, type LocalSlack } from './server';
import type { WorkspaceSeed } from './workspace';

export interface ServeLocalSlackOptions {
  port?: number;
  host?: string;
  /** A workspace file (JSON WorkspaceSeed). */
  seedFile?: string;
  /** Or a gatehouse.yaml: its people and approvers channels (seedFromConfig). Default: DEMO_SEED. */
  configFile?: string;
  /** Where the bot token is written (mode 0600); it is never printed. */
  tokenFile?: string;
  /** The Slack app's request URL, for /_local/command, /_local/click and /_local/submit. */
  appUrl?: string;
  /** Its signing secret (from SLACK_SIGNING_SECRET; never printed). */
  signingSecret?: string;
  /** A bot token to accept (SLACK_BOT_TOKEN), so the worker and the app can be given it up front. */
  botToken?: string;
}

/**
 * Starts the local Slack for the dev stack and prints one JSON line when it listens:
 *   {"url":…,"apiUrl":…,"teamId":…,"botUserId":…,"channels":{name:id},"users":{handle:email}}
 * Secrets (bot token, signing secret) are never printed or logged.
 */
export async function serveLocalSlack(options: ServeLocalSlackOptions, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<LocalSlack> {
  if (options.appUrl && !options.signingSecret) throw new Error('--app-url needs SLACK_SIGNING_SECRET: the app verifies every request it gets');
  const seed: WorkspaceSeed = options.seedFile
    ? (JSON.parse(readFileSync(options.seedFile, 'utf8')) as WorkspaceSeed)
    : options.configFile ? seedFromConfig(loadConfig(options.configFile)) : DEMO_SEED;
  const slack = await startLocalSlack({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    seed: { ...seed, app: { ...seed.app, ...(options.botToken ? { botToken: options.botToken } : {}) } },
    ...(options.appUrl ? { app: { endpoint: options.appUrl, signingSecret: options.signingSecret! } } : {}),
  });
  if (options.tokenFile) writeFileSync(options.tokenFile, `${slack.botToken}\n`, { mode: 0o600 });
  const ws = slack.workspace;
  print(JSON.stringify({
    url: slack.url, apiUrl: slack.apiUrl, teamId: ws.team.id, botUserId: ws.app.botUserId,
    channels: Object.fromEntries([...ws.channels.values()].filter((c) => c.kind !== 'im').map((c) => [c.name, c.id])),
    users: Object.fromEntries([...ws.users.values()].filter((u) => !u.isBot).map((u) => [u.name, u.email ?? null])),
    ...(options.appUrl ? { deliversTo: options.appUrl } : {}),
  }));
  return slack;
}
