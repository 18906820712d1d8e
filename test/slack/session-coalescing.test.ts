import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { blocksToLines, waitForMessage, waitForResponses, type SlackMessage } from '../../devstack/slack';
import { temporalDataConverter, temporalSettings } from '../../lib';
import type { AccessStatus } from '../../workflows';
import { startSlackStack, type SlackStack } from './stack';
import { eventually } from '../support/eventually';

/**
 * A client that reconnects a dozen times must not fill the approvers' thread: the sessions on one
 * grant are one reply, posted at the first session and updated (chat.update) with the count and
 * the latest session. The worker keeps no workflow cache (maxCachedWorkflows: 0), so every signal
 * is handled by replaying the whole history: a replay that posted again would show here.
 */
describe('MCP session starts are one reply per grant in the approvers\' thread', () => {
  let stack: SlackStack;
  const ws = () => stack.slack.workspace;
  const keyOf = (m: SlackMessage) => m.metadata?.event_payload.idempotency_key;
  const lines = (m: SlackMessage) => blocksToLines(m.blocks ?? []).join('\n');

  beforeAll(async () => {
    stack = await startSlackStack({ workerOptions: { maxCachedWorkflows: 0 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function activeRequest(reason: string): Promise<{ requestId: string; parent: SlackMessage }> {
    const delivery = await stack.driver.command({ user: 'carol', channel: 'general', text: `clinical 40s ${reason}` });
    const [answer] = await waitForResponses(delivery, 1);
    const requestId = /req_[a-z0-9]{20}/.exec(String(answer?.body.text))?.[0];
    if (!requestId) throw new Error(`no request started: ${JSON.stringify(answer?.body)}`);
    const parent = await waitForMessage(ws(), 'phi-approvers', (m) => keyOf(m) === `gatehouse:${requestId}:requested`);
    await stack.access.approve(requestId, 'bob@example.org');
    await waitForMessage(ws(), 'phi-approvers', 'Access is active until', { threadTs: parent.ts });
    return { requestId, parent };
  }
  const sessionReplies = (requestId: string, parent: SlackMessage) =>
    ws().thread(parent.channel, parent.ts).slice(1).filter((m) => /started (an MCP session|\*\d+ MCP sessions\*)/.test(lines(m)) || String(keyOf(m)).startsWith(`gatehouse:${requestId}:session`));
  const postsOf = (key: string) => ws().calls.filter((c) => c.method === 'chat.postMessage' && c.ok && JSON.stringify(c.args.metadata ?? '').includes(key));

  test('12 sessions on one grant: one reply in the thread, posted at once for the first, showing 12 at the end', async () => {
    const { requestId, parent } = await activeRequest('reconnect storm');
    const key = `gatehouse:${requestId}:sessions`;

    await stack.access.sessionStarted(requestId, { sessionId: 'mcp-01', client: 'flaky-client 0.1' });
    const first = await waitForMessage(ws(), 'phi-approvers', (m) => keyOf(m) === key, { threadTs: parent.ts });
    expect(lines(first)).toContain('started an MCP session through the gateway: `mcp-01 (flaky-client 0.1)`');

    for (let i = 2; i <= 12; i++) await stack.access.sessionStarted(requestId, { sessionId: `mcp-${String(i).padStart(2, '0')}`, client: 'flaky-client 0.1' });
    const shown = await waitForMessage(ws(), 'phi-approvers', (m) => m.ts === first.ts && lines(m).includes('*12 MCP sessions*'), { threadTs: parent.ts });
    expect(lines(shown)).toContain('Latest: `mcp-12 (flaky-client 0.1)`, last seen ');

    const status = await stack.access.status(requestId);
    expect(status.sessions).toMatchObject({ count: 12, last: 'mcp-12 (flaky-client 0.1)', reply: { channel: parent.channel, ts: first.ts } });
    // The audit trail still has every session.
    expect(status.timeline.filter((e) => e.type === 'session_started')).toHaveLength(12);
    // One reply, posted once; the rest were chat.update calls on it.
    expect(sessionReplies(requestId, parent).map((m) => m.ts)).toEqual([first.ts]);
    expect(postsOf(key)).toHaveLength(1);
    const updates = ws().updates.filter((u) => u.ts === first.ts);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThan(12);

    await stack.access.revoke(requestId, 'carol@example.org', 'done');
    const archived = await eventually(async () => {
      const s: AccessStatus = await stack.access.status(requestId);
      return s.state === 'ARCHIVED' && s;
    }, `${requestId} to be archived`);
    expect(archived.sessions?.count).toBe(12);
    expect(sessionReplies(requestId, parent)).toHaveLength(1);
    expect(postsOf(key)).toHaveLength(1);

    // The whole history replays with today's workflow code: deterministic, and replay runs no activity.
    const history = await stack.client.workflow.getHandle(requestId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(temporalSettings()) }, history, requestId);
  });

  test('a history recorded before coalescing (one notice per session, 2 sessions) still replays with today\'s code', async () => {
    // Recorded with the workflow code of 23bad41~1 (payload encryption off, test data only): a
    // request made ACTIVE, then two sessions, each its own session_started notice. Running
    // requests like it must not fail on deploy; patched() keeps their old path on replay.
    const bytes = Buffer.from(readFileSync(join(__dirname, 'fixtures/sessions-before-coalescing.history.b64'), 'utf8').trim(), 'base64');
    const history = temporal.api.history.v1.History.decode(bytes);
    const notices = history.events?.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify') ?? [];
    expect(notices.length).toBeGreaterThanOrEqual(5);
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter({ payloadKeys: 'off' }) }, history, 'req_5nmh6etisuvm67g6ys2i');
  });

  test('the first post answered with a lost 500 (posted, answer lost) is not posted twice by the retry; the count still arrives', async () => {
    const { requestId, parent } = await activeRequest('lost answer');
    const key = `gatehouse:${requestId}:sessions`;
    stack.slack.failNext('chat.postMessage', { status: 500, afterApply: true, matching: `${requestId}:sessions"` });
    await stack.access.sessionStarted(requestId, { sessionId: 'mcp-a' });
    await stack.access.sessionStarted(requestId, { sessionId: 'mcp-b' });
    await stack.access.sessionStarted(requestId, { sessionId: 'mcp-c' });
    const shown = await waitForMessage(ws(), 'phi-approvers', (m) => keyOf(m) === key && lines(m).includes('*3 MCP sessions*'), { threadTs: parent.ts });
    expect(sessionReplies(requestId, parent).map((m) => m.ts)).toEqual([shown.ts]);
    expect(ws().calls.filter((c) => c.method === 'chat.postMessage' && c.injected === 'server_error')).toHaveLength(1);
    await stack.access.revoke(requestId, 'carol@example.org', 'done');
  });

  test('a hostile client name is shown inert in the reply (no mention, link or formatting), whatever the count', async () => {
    const { requestId, parent } = await activeRequest('hostile client');
    const key = `gatehouse:${requestId}:sessions`;
    const client = '<!channel> *urgent* <https://evil.example|approve here> `x` :white_check_mark:';
    await stack.access.sessionStarted(requestId, { sessionId: 'mcp-h1', client });
    await stack.access.sessionStarted(requestId, { sessionId: 'mcp-h2', client });
    const shown = await waitForMessage(ws(), 'phi-approvers', (m) => keyOf(m) === key && lines(m).includes('*2 MCP sessions*'), { threadTs: parent.ts });
    const text = JSON.stringify(shown.blocks) + shown.text;
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example');
    expect(text).toContain('&lt;!channel&gt;');
    await stack.access.revoke(requestId, 'carol@example.org', 'done');
  });
});
