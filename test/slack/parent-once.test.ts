import pino from 'pino';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAccessActivities, StatusSnapshots } from '../../activities';
import { requestMessage, SlackNotifier, SlackTransport, targetFacts } from '../../activities/notify';
import { startLocalSlack, type LocalSlack } from '../../devstack/slack';
import { newRequestId } from '../../lib';
import { findTarget, parseConfig } from '../../policy';
import type { AccessStatus, NoticeOrder, NoticeResult } from '../../workflows';
import { SLACK_TEST_CONFIG, SLACK_TEST_SEED } from './stack';

/**
 * An auto-approved request's 'requested' and 'decided' go out in one delivery, from one status:
 * the parent posted by 'requested' already shows the decision, so 'decided' only replies. Counted
 * on the local Slack's call log, through the notify activity as the workflow orders it.
 */
describe('the request message is not sent twice in one delivery', () => {
  let slack: LocalSlack;
  const config = parseConfig(SLACK_TEST_CONFIG, 'slack-test-config.yaml');
  const snapshots = new StatusSnapshots();
  let notifier: SlackNotifier;

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: SLACK_TEST_SEED });
    const transport = new SlackTransport({ token: slack.botToken, apiUrl: slack.apiUrl, baseDelayMs: 10, settleMs: 50, logger: pino({ level: 'silent' }) });
    notifier = new SlackNotifier({ transport, config, logger: pino({ level: 'silent' }) });
  });
  afterAll(() => slack.close());

  const activities = () => createAccessActivities({
    notifier, snapshots,
    providers: undefined as never, grants: { revocations: () => undefined, commandBoard: () => undefined } as never, vault: undefined as never, archiver: undefined as never,
  });
  const run = (order: NoticeOrder, attempt = 1): Promise<NoticeResult> => new MockActivityEnvironment({ isLocal: false, attempt }).run(activities().notify, order);

  function approved(): AccessStatus {
    const at = new Date().toISOString();
    return {
      requestId: newRequestId(), requester: 'agent:claims-etl', origin: 'api', target: 'clinical', reason: 'nightly claims check', durationMs: 30_000,
      policy: {
        target: 'clinical', approverChannel: 'phi-approvers', approvers: ['alice@example.org'], maxDurationMs: 40_000,
        autoApproved: true, approvalTimeoutMs: 8_000, commandApprovalTimeoutMs: 20_000, expiringSoonWarningMs: 8_000,
      },
      state: 'ISSUING', requestedAt: at, decision: { approved: true, by: 'gatehouse:auto-approve', at }, extensions: [], commands: [],
      timeline: [{ type: 'requested', at }, { type: 'approved', at, by: 'gatehouse:auto-approve' }],
    } as AccessStatus;
  }
  /** The Slack calls made since `from`, the channel look-up (cached by the transport) left out. */
  const callsSince = (from: number) => slack.workspace.calls.slice(from).map((c) => c.method).filter((m) => m !== 'conversations.list');
  const parentOf = (s: AccessStatus) => {
    const channel = slack.workspace.requireChannel('phi-approvers').id;
    return slack.workspace.allMessages(channel).find((m) => m.metadata?.event_payload.idempotency_key === `gatehouse:${s.requestId}:requested`)!;
  };
  const rendered = (s: AccessStatus) => requestMessage({ ...s }, (x) => x, targetFacts(findTarget(config, 'clinical')!)).text;

  test('requested with decided: the parent is posted once, already decided; no chat.update', async () => {
    const s = approved();
    snapshots.put(s, 1);
    const from = slack.workspace.calls.length;
    const since = Date.now();
    const result = await run({ kind: 'decided', requestId: s.requestId, seq: 1, earlier: ['requested'] });
    expect(result.thread).toBeDefined();
    expect(callsSince(from)).toEqual(['chat.postMessage', 'chat.postMessage']);
    // What bench/grants reads from a local Slack running as its own process.
    const counted = (await (await fetch(`${slack.url}/_local/calls?since=${since}`)).json()) as { byMethod: Record<string, number> };
    expect(counted.byMethod['chat.update']).toBeUndefined();
    expect(counted.byMethod['chat.postMessage']).toBe(2);
    const parent = parentOf(s);
    expect(parent.text).toBe(rendered(s));
    expect(parent.text).not.toMatch(/awaiting|pending/i);
    expect(slack.workspace.thread(parent.channel ?? result.thread!.channel, parent.ts).slice(1).map((m) => m.metadata?.event_payload.idempotency_key))
      .toEqual([`gatehouse:${s.requestId}:decided`]);
  });

  test('after a quick try that gave up, the parent it may have posted from an older status is refreshed', async () => {
    const s = approved();
    // The quick try posted the parent from an earlier status (still pending), then gave up.
    const older = { ...s, state: 'PENDING_APPROVAL', decision: undefined, timeline: s.timeline.slice(0, 1) } as AccessStatus;
    await notifier.notify({ kind: 'requested', status: older });
    expect(parentOf(s).text).toBe(rendered(older));
    snapshots.put(s, 1);
    const from = slack.workspace.calls.length;
    await run({ kind: 'decided', requestId: s.requestId, seq: 1, earlier: ['requested'], afterQuickTry: true });
    expect(callsSince(from).filter((m) => m === 'chat.update')).toHaveLength(1);
    expect(parentOf(s).text).toBe(rendered(s));
  });

  test('a later activity attempt refreshes the parent an earlier attempt posted', async () => {
    const s = approved();
    const older = { ...s, state: 'PENDING_APPROVAL', decision: undefined, timeline: s.timeline.slice(0, 1) } as AccessStatus;
    await notifier.notify({ kind: 'requested', status: older });
    snapshots.put(s, 1);
    const from = slack.workspace.calls.length;
    await run({ kind: 'decided', requestId: s.requestId, seq: 1, earlier: ['requested'] }, 2);
    expect(callsSince(from).filter((m) => m === 'chat.update')).toHaveLength(1);
    expect(parentOf(s).text).toBe(rendered(s));
  });

  test('a notice on its own still refreshes the parent', async () => {
    const s = approved();
    snapshots.put({ ...s, state: 'PENDING_APPROVAL', decision: undefined } as AccessStatus, 1);
    const first = await run({ kind: 'requested', requestId: s.requestId, seq: 1 });
    snapshots.put({ ...s, thread: first.thread }, 2);
    const from = slack.workspace.calls.length;
    await run({ kind: 'decided', requestId: s.requestId, seq: 2 });
    expect(callsSince(from)).toEqual(['chat.postMessage', 'chat.update']);
    expect(parentOf(s).text).toBe(rendered(s));
  });
});
