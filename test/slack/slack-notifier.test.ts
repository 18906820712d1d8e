import pino from 'pino';
import { requestMessage, SlackNotifier, SlackTransport } from '../../activities/notify';
import { stateLine } from '../../lib/slack';
import { blocksToLines, startLocalSlack, type LocalSlack } from '../../devstack/slack';
import { newRequestId } from '../../lib';
import { parseConfig } from '../../policy';
import type { AccessStatus } from '../../workflows';
import { SLACK_TEST_CONFIG, SLACK_TEST_SEED } from './stack';

/** The notifier against the local Slack, without Temporal: retries and the activity-retry case. */
describe('SlackNotifier', () => {
  let slack: LocalSlack;
  let attempt = 1;
  let notifier: SlackNotifier;
  const config = parseConfig(SLACK_TEST_CONFIG, 'slack-test-config.yaml');

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: SLACK_TEST_SEED });
    const transport = new SlackTransport({ token: slack.botToken, apiUrl: slack.apiUrl, baseDelayMs: 10, settleMs: 50, logger: pino({ level: 'silent' }) });
    notifier = new SlackNotifier({ transport, config, logger: pino({ level: 'silent' }), attempt: () => attempt });
  });
  afterEach(() => {
    attempt = 1;
    slack.clearFailures();
  });
  afterAll(() => slack.close());

  function status(overrides: Partial<AccessStatus> = {}): AccessStatus {
    return {
      requestId: newRequestId(), requester: 'carol@example.org', origin: 'slack', target: 'clinical', reason: 'check claim 9', durationMs: 20_000,
      policy: {
        target: 'clinical', approverChannel: 'phi-approvers', approvers: ['alice@example.org', 'bob@example.org'], maxDurationMs: 40_000,
        autoApproved: false, approvalTimeoutMs: 8_000, commandApprovalTimeoutMs: 20_000, expiringSoonWarningMs: 8_000,
      },
      state: 'PENDING_APPROVAL', requestedAt: new Date().toISOString(), extensions: [], commands: [], timeline: [],
      ...overrides,
    };
  }
  const withKey = (key: string) => {
    const channel = slack.workspace.requireChannel('phi-approvers').id;
    return slack.workspace.allMessages(channel).filter((m) => m.metadata?.event_payload.idempotency_key === key);
  };

  test('a 500 after Slack applied a thread reply, then success: exactly one reply', async () => {
    const s = status();
    const { thread } = await notifier.notify({ kind: 'requested', status: s });
    expect(thread?.channel).toBe(slack.workspace.requireChannel('phi-approvers').id);
    slack.failNext('chat.postMessage', { status: 500, afterApply: true });
    const decided = { ...s, thread, state: 'DENIED' as const, decision: { approved: false, by: 'bob@example.org', at: new Date().toISOString(), reason: 'not needed' } };
    await notifier.notify({ kind: 'decided', status: decided });
    expect(withKey(`gatehouse:${s.requestId}:decided`)).toHaveLength(1);
    expect(slack.workspace.calls.some((c) => c.method === 'chat.postMessage' && c.injected === 'server_error')).toBe(true);
    // The parent was re-rendered without buttons.
    const parent = slack.workspace.message(thread!.channel, thread!.ts)!;
    expect(blocksToLines(parent.blocks ?? []).join('\n')).not.toContain('gatehouse_approve');
  });

  test('an activity retried after a crash (attempt 2) finds its earlier posts and posts nothing twice', async () => {
    const s = status();
    const first = await notifier.notify({ kind: 'requested', status: s });
    attempt = 2;
    const again = await notifier.notify({ kind: 'requested', status: s });
    expect(again.thread).toEqual(first.thread);
    expect(withKey(`gatehouse:${s.requestId}:requested`)).toHaveLength(1);
    const carol = slack.workspace.requireUser('carol').id;
    const dm = [...slack.workspace.channels.values()].find((c) => c.kind === 'im' && c.imUser === carol)!;
    expect(slack.workspace.allMessages(dm.id).filter((m) => m.metadata?.event_payload.idempotency_key === `gatehouse:${s.requestId}:requested-dm`)).toHaveLength(1);
  });

  test('when the requested notice never returned its thread, later steps find the parent by its key', async () => {
    const s = status();
    const { thread } = await notifier.notify({ kind: 'requested', status: s });
    await notifier.notify({ kind: 'expired_unapproved', status: { ...s, state: 'EXPIRED_UNAPPROVED' } }); // no `thread` in the status
    const replies = slack.workspace.thread(thread!.channel, thread!.ts).slice(1);
    expect(replies.map((m) => m.text)).toEqual([':hourglass: No approver decided within 8 seconds; the request expired and nothing was granted.']);
  });

  test('a permanent Slack error fails the activity at once, with Slack\'s code and what to do', async () => {
    const s = status({ policy: { ...status().policy, approverChannel: 'no-such-channel' } });
    await expect(notifier.notify({ kind: 'requested', status: s })).rejects.toMatchObject({
      type: 'slack_channel_not_found', nonRetryable: true,
      message: expect.stringContaining('check the channel id in gatehouse.yaml'),
    });
  });

  test('a 429 longer than the transport waits becomes a retryable failure carrying Retry-After', async () => {
    const s = status();
    slack.failNext('conversations.list', { status: 429, retryAfterSec: 120 });
    const fresh = new SlackNotifier({ transport: new SlackTransport({ token: slack.botToken, apiUrl: slack.apiUrl, logger: pino({ level: 'silent' }) }), config, attempt: () => 1, logger: pino({ level: 'silent' }) });
    await expect(fresh.notify({ kind: 'requested', status: s })).rejects.toMatchObject({ type: 'slack_rate_limited', nonRetryable: false, nextRetryDelay: 120_000 });
  });

  test('a held command nobody decided: its message loses its buttons and says why; the thread says so too', async () => {
    const s = status();
    const { thread } = await notifier.notify({ kind: 'requested', status: s });
    const command = { commandId: 'cmd_0123456789abcdef', tool: 'run_snowflake_query', summary: 'DELETE FROM PATIENTS WHERE MRN = ***', classes: ['write'], risk: 'high' as const, heldAt: new Date().toISOString() };
    const active = { ...s, thread, state: 'ACTIVE' as const, decision: { approved: true, by: 'bob@example.org', at: '' }, expiresAt: new Date(Date.now() + 60_000).toISOString() };
    await notifier.notify({ kind: 'command_held', status: { ...active, commands: [{ ...command, outcome: 'pending' }] }, commandId: command.commandId });
    const [held] = withKey(`gatehouse:${s.requestId}:command:${command.commandId}`);
    expect(blocksToLines(held!.blocks ?? []).join('\n')).toContain('gatehouse_command_deny');
    await notifier.notify({
      kind: 'command_decided', commandId: command.commandId,
      status: { ...active, commands: [{ ...command, outcome: 'timed_out', decidedBy: 'gatehouse', decidedAt: '', reason: 'no approver decided in time' }] },
    });
    const after = blocksToLines(slack.workspace.message(held!.channel, held!.ts)!.blocks ?? []).join('\n');
    expect(after).not.toContain('→');
    expect(after).toContain(':no_entry: Denied: no approver decided in time');
    expect(withKey(`gatehouse:${s.requestId}:command-decided:${command.commandId}`).map((m) => m.text)).toEqual([
      ':no_entry: Denied: no approver decided in time: `run_snowflake_query` (cmd_0123456789abcdef)',
    ]);
  });

  test('the parent message: buttons fit the state, and user text cannot mention anyone', () => {
    const who = (subject: string) => subject;
    const pending = requestMessage(status({ reason: 'hi <!here> & <@U1>' }), who);
    const text = blocksToLines(pending.blocks).join('\n');
    // The reason is plain_text, which Slack does not parse: shown as typed, it mentions nobody.
    expect(pending.blocks).toContainEqual({ type: 'section', text: { type: 'plain_text', text: 'hi <!here> & <@U1>', emoji: false } });
    expect(text).toContain('hi <!here> & <@U1>');
    expect(text).toContain('gatehouse_approve');
    const active = blocksToLines(requestMessage(status({ state: 'ACTIVE', decision: { approved: true, by: 'bob@example.org', at: '' }, expiresAt: '2026-01-01T10:00:00.000Z' }), who).blocks).join('\n');
    expect(active).toContain('[Revoke now → gatehouse_revoke (danger)]');
    expect(active).not.toContain('gatehouse_approve');
    const archived = status({ state: 'ARCHIVED', decision: { approved: true, by: 'bob@example.org', at: '' }, revocation: { by: 'system:expiry', reason: 'the grant reached its end', at: '' }, archive: { digest: 'ab'.repeat(32), location: 'x' } });
    expect(blocksToLines(requestMessage(archived, who).blocks).join('\n')).not.toContain('→');
    expect(stateLine(archived, who)).toBe('Revoked by system:expiry: the grant reached its end · audit archive sha256:abababababababab…');
  });
});
