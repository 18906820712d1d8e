import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAccessActivities, CredentialProviders } from '../../activities';
import { SlackNotifier } from '../../activities/notify';
import { freePort, startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { planSlackDev } from '../../devstack/slack';
import { connectRedis, createLogger, GrantStore, RedisSecretVault, temporalSettings } from '../../lib';
import { parseConfig } from '../../policy';
import { createAccessWorker, MissingComponentError, slackNotifierComponent, type ComponentContext } from '../../worker';
import { FakeCredentialProvider, MemoryArchiver } from '../support/doubles';
import { SLACK_TEST_CONFIG } from './stack';

const root = join(__dirname, '../..');
const gatehouse = join(root, 'bin/gatehouse.js');
const run = promisify(execFile);

describe('running the Slack parts as the dev stack does', () => {
  test('`gatehouse slack-app` without Slack settings names the variables and exits 3', () => {
    const env = { ...process.env, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: '' };
    const result = spawnSync(process.execPath, [gatehouse, 'slack-app'], { cwd: root, env, encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('the Slack app cannot start: set SLACK_BOT_TOKEN (the bot token, xoxb-…) and SLACK_SIGNING_SECRET');
  });

  test('the worker refuses to start without SLACK_BOT_TOKEN and says what to set', () => {
    const context = { env: {}, config: parseConfig(SLACK_TEST_CONFIG, 'x.yaml'), log: createLogger('test', 'silent') } as unknown as ComponentContext;
    expect(() => slackNotifierComponent(context)).toThrow(MissingComponentError);
    expect(() => slackNotifierComponent(context)).toThrow(/no Slack notifier\. Set SLACK_BOT_TOKEN .*also set SLACK_API_URL/);
    expect(() => slackNotifierComponent({ ...context, env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_API_URL: 'localhost:3100' } })).toThrow(/SLACK_API_URL "localhost:3100" is not a Web API base URL/);
    expect(slackNotifierComponent({ ...context, env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_API_URL: 'http://127.0.0.1:3100/api/' } })).toBeInstanceOf(SlackNotifier);
  });

  test('`gatehouse devstack slack` + `gatehouse slack-app` as processes, planned as the dev stack plans them; a person played with `gatehouse devstack slack-user`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-slack-dev-'));
    const configFile = join(dir, 'gatehouse.yaml');
    writeFileSync(configFile, SLACK_TEST_CONFIG);
    const plan = await planSlackDev(configFile, { localSlack: await freePort(), app: await freePort() });
    const botToken = plan.env.SLACK_BOT_TOKEN!;
    const signingSecret = plan.env.SLACK_SIGNING_SECRET!;
    const taskQueue = `slack-dev-${randomBytes(6).toString('hex')}`;
    const env = { ...process.env, ...plan.env, SLACK_APP_TOKEN: '', GATEHOUSE_CONFIG: configFile, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'info' };
    const output: string[] = [];
    const procs: ManagedProcess[] = [];
    const redis = connectRedis(process.env.GATEHOUSE_TEST_REDIS_URL!);
    let stopWorker = async () => {};
    try {
      const slackProc = startProcess('local-slack', process.execPath, [gatehouse, ...plan.localSlackArgs], { cwd: root, env, onLine: (line) => output.push(line) });
      procs.push(slackProc);
      const index = await plan.ready();
      // The workspace follows the policy file: its people, and its approvers channel with the approvers in it.
      expect(index.users.filter((u) => u.email).map((u) => u.name).sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'eve']);
      expect(index.channels.map((c) => c.name)).toContain('phi-approvers');
      const slack = { url: plan.localSlackUrl, apiUrl: plan.env.SLACK_API_URL! };
      const described = plan.describe(index).join('\n');
      expect(described).toContain(`local Slack ${plan.localSlackUrl} (approvers: #phi-approvers; people: alice, bob, carol, dave, eve)`);
      expect(described).not.toContain(botToken);

      const appProc = startProcess('slack-app', process.execPath, [gatehouse, ...plan.appArgs], { cwd: root, env, onLine: (line) => output.push(line) });
      procs.push(appProc);
      // Startup (the CLI loading, a Temporal connection) can take most of 20 s on a loaded 2-core CI machine.
      await waitFor('the Slack app', async () => ((await fetch(plan.appUrl.replace('/slack/events', '/healthz')).catch(() => undefined))?.ok ? true : undefined), 60_000, appProc);
      expect(output.join('\n')).toContain(`"url":"${plan.appUrl}"`);

      // The worker, with the Slack notifier as `gatehouse worker` builds it, on the same task queue.
      const config = parseConfig(SLACK_TEST_CONFIG, configFile);
      const vault = new RedisSecretVault(redis, randomBytes(32));
      const notifier = slackNotifierComponent({ config, env, redis, vault, log: createLogger('worker', 'silent') });
      const { worker, connection } = await createAccessWorker({
        temporal: temporalSettings(), taskQueue,
        activities: createAccessActivities({
          notifier, providers: new CredentialProviders(config.targets, { fake: () => new FakeCredentialProvider(vault) }),
          grants: new GrantStore(redis, randomBytes(32)), vault, archiver: new MemoryArchiver(),
        }),
        workflowBundlePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE,
      });
      const running = worker.run();
      stopWorker = async () => {
        worker.shutdown();
        await running;
        await connection.close();
      };

      const said = await run(process.execPath, [gatehouse, 'devstack', 'slack-user', '--slack', slack.url, 'command', 'carol', 'clinical', '20s', 'dev', 'stack', 'check'], { cwd: root, env });
      expect(said.stdout).toBe('delivered\n');
      const channel = async () => (await fetch(`${slack.url}/channels/phi-approvers`)).text();
      await waitFor('the approval request', async () => ((await channel()).includes('Access request from') ? true : undefined), 15_000);
      const click = await fetch(`${slack.url}/_local/click`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'bob', action: 'approve' }) });
      expect(await click.json()).toMatchObject({ ok: true, status: 200 });
      await waitFor('access to be active', async () => ((await channel()).includes('Access is active until') ? true : undefined), 15_000);
      const shown = await run(process.execPath, [gatehouse, 'devstack', 'slack-show', '--slack', slack.url, 'phi-approvers'], { cwd: root, env });
      expect(shown.stdout).toContain('└ @gatehouse: :white_check_mark: Approved by <@');
      const revoke = await fetch(`${slack.url}/_local/click`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'carol', action: 'revoke' }) });
      expect(await revoke.json()).toMatchObject({ ok: true });
      await waitFor('the revocation', async () => ((await channel()).includes('Access revoked by') ? true : undefined), 15_000);

      // Neither process printed a secret.
      const printed = output.join('\n');
      expect(printed).not.toContain(botToken);
      expect(printed).not.toContain(signingSecret);
    } finally {
      await stopWorker();
      await Promise.allSettled(procs.map((p) => p.stop()));
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

