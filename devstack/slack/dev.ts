import { randomBytes } from 'node:crypto';
import { preferredPort, waitFor } from '../processes';

/**
 * How the dev stack runs Slack: the local Slack (built from the stack's gatehouse.yaml) and the
 * Slack app, sharing a bot token and a signing secret made up for this run. The worker's
 * notifier finds the local Slack through the same environment (SLACK_BOT_TOKEN, SLACK_API_URL).
 *
 *   const slack = await planSlackDev(configPath);
 *   const env = { ...baseEnv, ...slack.env };            // for the worker and the Slack app
 *   start('slack', slack.localSlackArgs);                 // gatehouse devstack slack …
 *   const ready = await slack.ready();                    // before the app and the worker use it
 *   start('slack-app', slack.appArgs);                    // gatehouse slack-app
 *   slack.describe(ready).forEach(say);
 */
export interface SlackDevPlan {
  /** SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, SLACK_APP_PORT, LOCAL_SLACK_URL. Never print these values. */
  env: Record<string, string>;
  /** `gatehouse` arguments for the local Slack. */
  localSlackArgs: string[];
  /** `gatehouse` arguments for the Slack app. */
  appArgs: string[];
  localSlackUrl: string;
  appUrl: string;
  /** Resolves once the local Slack answers, with its channels and people. */
  ready(timeoutMs?: number): Promise<LocalSlackIndex>;
  /** What the dev stack prints about Slack (no secrets). */
  describe(index: LocalSlackIndex): string[];
}

export interface LocalSlackIndex {
  channels: Array<{ id: string; name: string; kind: string }>;
  users: Array<{ id: string; name: string; email?: string }>;
}

export async function planSlackDev(configPath: string, ports: { localSlack?: number; app?: number } = {}): Promise<SlackDevPlan> {
  const slackPort = ports.localSlack ?? (await preferredPort(3100));
  const appPort = ports.app ?? (await preferredPort(3000));
  const localSlackUrl = `http://127.0.0.1:${slackPort}`;
  const appUrl = `http://127.0.0.1:${appPort}/slack/events`;
  const env = {
    SLACK_BOT_TOKEN: `xoxb-local-${randomBytes(16).toString('hex')}`,
    SLACK_SIGNING_SECRET: randomBytes(24).toString('hex'),
    SLACK_API_URL: `${localSlackUrl}/api/`,
    SLACK_APP_PORT: String(appPort),
    LOCAL_SLACK_URL: localSlackUrl,
  };
  return {
    env,
    localSlackArgs: ['devstack', 'slack', '--port', String(slackPort), '--config', configPath, '--app-url', appUrl],
    appArgs: ['slack-app', '--port', String(appPort)],
    localSlackUrl,
    appUrl,
    // As long as the stack waits for its other parts: a loaded machine starts node processes slowly.
    ready: (timeoutMs = 90_000) =>
      waitFor('the local Slack to answer', async () => {
        const response = await fetch(`${localSlackUrl}/`).catch(() => undefined);
        return response?.ok ? ((await response.json()) as LocalSlackIndex) : undefined;
      }, timeoutMs),
    describe(index) {
      const approvers = index.channels.filter((c) => c.kind !== 'im' && c.name !== 'general').map((c) => `#${c.name}`);
      const people = index.users.filter((u) => u.email).map((u) => u.name);
      const flag = slackPort === 3100 ? '' : ` --slack ${localSlackUrl}`;
      const someone = people[0] ?? 'alice';
      return [
        `Slack     local Slack ${localSlackUrl} (approvers: ${approvers.join(', ') || 'none'}; people: ${people.join(', ')})`,
        `Slack app ${appUrl} (signed requests; tokens made up for this run, never printed)`,
        `          act as someone: npx gatehouse devstack slack-user${flag} command ${someone} <target> 1h <reason>`,
        `          click:          npx gatehouse devstack slack-user${flag} click <person> approve [request id]`,
        `          in a browser:   ${localSlackUrl}/channels/${(approvers[0] ?? '#general').slice(1)} (the channel as Slack shows it; choose who you are, then click Approve)`,
      ];
    },
  };
}
