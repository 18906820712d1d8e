import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, ExpressReceiver, HTTPReceiver, type SlashCommand } from '@slack/bolt';
import { DEMO_SEED, SlackDriver, renderChannel, signSlackRequest, startLocalSlack, waitForEphemeral, waitForMessage, waitForResponses, type LocalSlack } from '../../devstack/slack';
import { silentLogger, webClient } from './support';
import { eventually } from '../support/eventually';

const signingSecret = 'test-signing-secret-0123456789abcdef';

const requestModal = {
  type: 'modal' as const,
  callback_id: 'request_modal',
  title: { type: 'plain_text' as const, text: 'Request access' },
  submit: { type: 'plain_text' as const, text: 'Request' },
  blocks: [
    {
      type: 'input', block_id: 'target', label: { type: 'plain_text', text: 'Target' },
      element: { type: 'static_select', action_id: 'choice', options: [
        { text: { type: 'plain_text', text: 'Analytics (PHI)' }, value: 'analytics' },
        { text: { type: 'plain_text', text: 'Claims' }, value: 'claims' },
      ] },
    },
    { type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Reason' }, element: { type: 'plain_text_input', action_id: 'value' } },
  ],
};

const approvalBlocks = (requestId: string) => [
  { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: `Access request ${requestId}` } },
  {
    type: 'actions', block_id: 'decision', elements: [
      { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: requestId },
      { type: 'button', action_id: 'deny', text: { type: 'plain_text', text: 'Deny' }, style: 'danger', value: requestId },
    ],
  },
];

describe('signed requests from the local Slack to a real Bolt app (HTTPReceiver, signatures verified)', () => {
  let slack: LocalSlack;
  let app: App;
  let server: Server;
  let driver: SlackDriver;
  const commands: SlashCommand[] = [];
  const clicks: Array<{ user: string; value?: string; messageTs?: string; channel?: string }> = [];
  const submissions: Array<{ user: string; values: unknown; privateMetadata: string }> = [];

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: DEMO_SEED });
    const receiver = new HTTPReceiver({ signingSecret, logger: silentLogger, endpoints: '/slack/events' });
    app = new App({ token: slack.botToken, receiver, logger: silentLogger, clientOptions: { slackApiUrl: slack.apiUrl } });

    app.command('/access', async ({ command, ack, respond, client }) => {
      commands.push(command);
      if (command.text.trim() === '') {
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: { ...requestModal, private_metadata: command.channel_id } });
        return;
      }
      if (command.text === 'help') {
        await ack({ response_type: 'ephemeral', text: 'Usage: /access <target> <duration> <reason>' });
        return;
      }
      await ack();
      await respond({ response_type: 'in_channel', text: `Request for ${command.text} started by <@${command.user_id}>` });
    });

    app.action('approve', async ({ ack, body, respond }) => {
      await ack();
      if (body.type !== 'block_actions') return;
      const action = body.actions[0];
      clicks.push({ user: body.user.id, value: action && 'value' in action ? action.value : undefined, messageTs: body.message?.ts, channel: body.channel?.id });
      await respond({ replace_original: true, text: `Approved by <@${body.user.id}>` });
    });

    app.view('request_modal', async ({ ack, view, body }) => {
      const reason = view.state.values.reason?.value?.value ?? '';
      if (reason.length < 5) {
        await ack({ response_action: 'errors', errors: { reason: 'Say why in a few words' } });
        return;
      }
      await ack();
      submissions.push({ user: body.user.id, values: view.state.values, privateMetadata: view.private_metadata });
    });

    server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    const { port } = server.address() as AddressInfo;
    driver = new SlackDriver({ workspace: slack.workspace, endpoint: `http://127.0.0.1:${port}/slack/events`, signingSecret });
  });

  afterAll(async () => {
    await app.stop();
    await slack.close();
  });

  test('a slash command is form-encoded as Slack sends it and reaches app.command("/access")', async () => {
    const delivery = await driver.command({ user: 'alice', channel: 'general', text: 'analytics 1h investigate claim 42' });
    expect(delivery.status).toBe(200);
    const form = new URLSearchParams(delivery.rawBody);
    expect([...form.keys()]).toEqual([
      'token', 'team_id', 'team_domain', 'channel_id', 'channel_name', 'user_id', 'user_name', 'command', 'text',
      'api_app_id', 'is_enterprise_install', 'response_url', 'trigger_id',
    ]);
    expect(delivery.rawBody).toContain('text=analytics+1h+investigate+claim+42');
    const received = commands.at(-1);
    expect(received).toMatchObject({
      command: '/access', text: 'analytics 1h investigate claim 42', user_id: slack.workspace.requireUser('alice').id,
      user_name: 'alice', channel_id: slack.workspace.requireChannel('general').id, channel_name: 'general',
      team_id: slack.workspace.team.id, api_app_id: slack.workspace.app.id, response_url: delivery.responseUrl,
    });

    expect(delivery.ackWithinLimit).toBe(true);
    const [response] = await waitForResponses(delivery);
    expect(response?.body).toEqual({ response_type: 'in_channel', text: `Request for analytics 1h investigate claim 42 started by <@${received?.user_id}>` });
    expect(renderChannel(slack.workspace, 'general')).toContain('Request for analytics 1h investigate claim 42 started by');
    await expect(waitForMessage(slack.workspace, 'general', /^Request for analytics 1h investigate/, { timeoutMs: 100 })).resolves.toMatchObject({ via: 'response_url' });
  });

  test('the ack body of a slash command comes back on the HTTP answer and shows as an ephemeral', async () => {
    const delivery = await driver.command({ user: 'bob', channel: 'general', text: 'help' });
    expect(delivery.status).toBe(200);
    expect(delivery.json).toEqual({ response_type: 'ephemeral', text: 'Usage: /access <target> <duration> <reason>' });
    expect(slack.workspace.ephemerals.at(-1)).toMatchObject({ user: slack.workspace.requireUser('bob').id, text: 'Usage: /access <target> <duration> <reason>' });
    await expect(waitForEphemeral(slack.workspace, 'bob', 'Usage: /access', { timeoutMs: 100 })).resolves.toMatchObject({ via: 'response_url' });
    await expect(waitForEphemeral(slack.workspace, 'carol', 'Usage', { timeoutMs: 50 })).rejects.toThrow(/an ephemeral to @carol matching Usage; they got: nothing/);
  });

  test('a forged signature is refused by Bolt and reaches no listener', async () => {
    const before = commands.length;
    const forged = await driver.command({ user: 'alice', channel: 'general', text: 'analytics 1h forged' }, { forgeSignature: true });
    expect(forged.status).toBe(401);
    const unsigned = await driver.command({ user: 'alice', channel: 'general', text: 'analytics 1h unsigned' }, { unsigned: true });
    expect(unsigned.status).toBe(401);
    expect(commands.length).toBe(before);
  });

  test('a timestamp older than five minutes is refused even with a valid signature', async () => {
    const before = commands.length;
    const stale = await driver.command({ user: 'alice', channel: 'general', text: 'analytics 1h replayed' }, { ageSec: 5 * 60 + 5 });
    expect(stale.status).toBe(401);
    expect(commands.length).toBe(before);
    const recent = await driver.command({ user: 'alice', channel: 'general', text: 'help' }, { ageSec: 60 });
    expect(recent.status).toBe(200);
  });

  test('signSlackRequest matches the documented v0 scheme', () => {
    // Slack's documented example (https://docs.slack.dev/authentication/verifying-requests-from-slack).
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });

  test('a button click (payload=JSON) reaches app.action and its respond() replaces the message', async () => {
    const client = webClient(slack.botToken, slack.apiUrl);
    const channel = slack.workspace.requireChannel('phi-approvers').id;
    const posted = await client.chat.postMessage({ channel, text: 'Access request REQ-1', blocks: approvalBlocks('REQ-1') });
    const delivery = await driver.clickButton({ user: 'bob', channel: 'phi-approvers', messageTs: posted.ts as string, actionId: 'approve' });
    expect(delivery.status).toBe(200);
    expect([...new URLSearchParams(delivery.rawBody).keys()]).toEqual(['payload']);
    expect(delivery.sent).toMatchObject({
      type: 'block_actions', user: { id: slack.workspace.requireUser('bob').id, username: 'bob' },
      container: { type: 'message', message_ts: posted.ts, channel_id: channel, is_ephemeral: false },
      channel: { id: channel, name: 'phi-approvers' }, message: { ts: posted.ts, text: 'Access request REQ-1' },
      actions: [{ action_id: 'approve', block_id: 'decision', value: 'REQ-1', type: 'button', style: 'primary', text: { type: 'plain_text', text: 'Approve' } }],
    });
    expect(clicks.at(-1)).toEqual({ user: slack.workspace.requireUser('bob').id, value: 'REQ-1', messageTs: posted.ts, channel });
    await waitForResponses(delivery);
    expect(slack.workspace.message(channel, posted.ts as string)?.text).toBe(`Approved by <@${slack.workspace.requireUser('bob').id}>`);
    expect(slack.workspace.updates.at(-1)).toMatchObject({ ts: posted.ts, via: 'response_url' });

    await expect(driver.clickButton({ user: 'bob', channel: 'phi-approvers', messageTs: posted.ts as string, actionId: 'approve' })).rejects.toThrow(/no button with action_id "approve"/);
  });

  test('a forged click is refused', async () => {
    const client = webClient(slack.botToken, slack.apiUrl);
    const channel = slack.workspace.requireChannel('phi-approvers').id;
    const posted = await client.chat.postMessage({ channel, text: 'Access request REQ-2', blocks: approvalBlocks('REQ-2') });
    const before = clicks.length;
    const forged = await driver.clickButton({ user: 'bob', channel, messageTs: posted.ts as string, actionId: 'approve' }, { forgeSignature: true });
    expect(forged.status).toBe(401);
    expect(clicks.length).toBe(before);
  });

  test('/access alone opens a modal through views.open; its submission reaches app.view with the entered values', async () => {
    const delivery = await driver.command({ user: 'alice', channel: 'general', text: '' });
    expect(delivery.status).toBe(200);
    const view = await eventually(() => slack.workspace.latestView(slack.workspace.requireUser('alice').id), "alice's modal");
    expect(view.callbackId).toBe('request_modal');

    const refused = await driver.submitView({ user: 'alice', values: { target: 'analytics', reason: 'hm' } });
    expect(refused.json).toEqual({ response_action: 'errors', errors: { reason: 'Say why in a few words' } });
    expect(view.closed).toBe(false);

    const accepted = await driver.submitView({ user: 'alice', values: { target: 'analytics', reason: 'claim 42 audit' } });
    expect(accepted.status).toBe(200);
    expect(accepted.sent).toMatchObject({ type: 'view_submission', view: { id: view.id, callback_id: 'request_modal', private_metadata: slack.workspace.requireChannel('general').id } });
    expect(submissions.at(-1)).toEqual({
      user: slack.workspace.requireUser('alice').id,
      privateMetadata: slack.workspace.requireChannel('general').id,
      values: {
        target: { choice: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Analytics (PHI)' }, value: 'analytics' } } },
        reason: { value: { type: 'plain_text_input', value: 'claim 42 audit' } },
      },
    });
    expect(view.closed).toBe(true);
    await expect(driver.submitView({ user: 'alice', viewId: view.id })).rejects.toThrow(/closed/);
  });

  test('the driver refuses values for inputs the modal does not have', async () => {
    await driver.command({ user: 'carol', channel: 'general', text: '' });
    await eventually(() => slack.workspace.latestView(slack.workspace.requireUser('carol').id), "carol's modal");
    await expect(driver.submitView({ user: 'carol', values: { ticket: 'SEC-1' } })).rejects.toThrow(/no input block\(s\) ticket/);
    await expect(driver.submitView({ user: 'carol', values: { target: 'payroll' } })).rejects.toThrow(/"payroll" is not an option/);
  });
});

describe('the driver against Bolt with ExpressReceiver', () => {
  test('signed command accepted, forged and stale refused', async () => {
    const slack = await startLocalSlack({ seed: DEMO_SEED });
    const receiver = new ExpressReceiver({ signingSecret, logger: silentLogger });
    const app = new App({ token: slack.botToken, receiver, logger: silentLogger, clientOptions: { slackApiUrl: slack.apiUrl } });
    const seen: string[] = [];
    app.command('/access', async ({ command, ack }) => {
      seen.push(command.text);
      await ack({ text: 'ok' });
    });
    const server = (await receiver.start(0)) as Server;
    try {
      const { port } = server.address() as AddressInfo;
      const driver = slack.driver({ endpoint: `http://127.0.0.1:${port}/slack/events`, signingSecret });
      expect((await driver.command({ user: 'alice', channel: 'general', text: 'status' })).status).toBe(200);
      expect((await driver.command({ user: 'alice', channel: 'general', text: 'forged' }, { forgeSignature: true })).status).toBe(401);
      expect((await driver.command({ user: 'alice', channel: 'general', text: 'stale' }, { ageSec: 301 })).status).toBe(401);
      expect(seen).toEqual(['status']);
    } finally {
      await receiver.stop();
      await slack.close();
    }
  });
});
