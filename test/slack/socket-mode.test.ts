import { SlackActions } from '../../lib/slack';
import { waitForMessage, waitForResponses, type SlackMessage } from '../../devstack/slack';
import { everythingSlackSaw, startSlackStack, type SlackStack } from './stack';

/** The same app in Socket Mode (SLACK_APP_TOKEN): envelopes over a WebSocket instead of signed HTTP. */
describe('the Slack app in Socket Mode', () => {
  let stack: SlackStack;
  beforeAll(async () => {
    stack = await startSlackStack({ socketMode: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('connects with the app-level token; a bot token cannot open a connection', async () => {
    expect(stack.app.mode).toBe('socket');
    expect(stack.app.url).toBeUndefined();
    expect(stack.slack.socketMode.connected).toBe(1);
    const refused = await fetch(`${stack.slack.apiUrl}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${stack.slack.botToken}` } });
    expect(await refused.json()).toMatchObject({ ok: false, error: 'missing_scope', needed: 'connections:write' });
  });

  test('a bad command is answered in the ack; a request goes from /access through Approve to active access and back', async () => {
    const ws = stack.slack.workspace;
    const bad = await stack.driver.command({ user: 'carol', channel: 'general', text: 'clinical' });
    expect(bad.ackWithinLimit).toBe(true);
    expect((bad.json as { text?: string }).text).toContain('Say for how long you need clinical, and why.');

    const asked = await stack.driver.command({ user: 'carol', channel: 'general', text: 'clinical 30s socket mode check' });
    const [answer] = await waitForResponses(asked, 1, 15_000);
    const requestId = /req_[a-z0-9]{20}/.exec(String(answer?.body.text))![0];
    const parent = await waitForMessage(ws, 'phi-approvers', (m: SlackMessage) => m.metadata?.event_payload.idempotency_key === `gatehouse:${requestId}:requested`);
    const click = await stack.driver.clickButton({ user: 'bob', channel: 'phi-approvers', messageTs: parent.ts, actionId: SlackActions.approve });
    expect(click.ackWithinLimit).toBe(true);
    await waitForMessage(ws, 'phi-approvers', 'Access is active until', { threadTs: parent.ts });
    await stack.driver.clickButton({ user: 'carol', channel: 'phi-approvers', messageTs: parent.ts, actionId: SlackActions.revoke });
    await waitForMessage(ws, 'phi-approvers', 'Access revoked by', { threadTs: parent.ts });
    expect(everythingSlackSaw(stack.slack)).not.toContain(stack.slack.appToken);
  });
});
