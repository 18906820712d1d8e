import { MockActivityEnvironment } from '@temporalio/testing';
import { waitForMessage, waitForResponses, type SlackMessage } from '../../devstack/slack';
import { createAccessActivities, QuickNotices, StatusSnapshots } from '../../activities';
import type { AccessStatus, Notice, NoticeOrder, NoticeResult } from '../../workflows';
import { historyText } from '../support/history';
import { startSlackStack, type SlackStack } from './stack';
import { localActivities, scheduledActivities } from '../workflow/notice-orders';

/**
 * A notice's first try is a local activity that gives up rather than waits (a local activity holds
 * its workflow task, and a worker's slot, while it runs); the notice then goes out as an activity,
 * told that the try may have posted it.
 */
describe('quick notice tries (the notify activity run locally)', () => {
  const status = (requestId: string): AccessStatus => ({
    requestId, requester: 'agent:ci', origin: 'api', target: 'clinical', reason: 'r', durationMs: 60_000, state: 'ACTIVE',
    requestedAt: new Date(0).toISOString(), extensions: [], commands: [], timeline: [],
    policy: { approverChannel: 'C0APPROVERS' } as AccessStatus['policy'],
  });
  class Notices {
    readonly seen: Notice[] = [];
    failNext = false;
    async notify(notice: Notice): Promise<NoticeResult> {
      if (this.failNext) {
        this.failNext = false;
        throw new Error('slack did not answer');
      }
      this.seen.push(notice);
      return {};
    }
  }
  const setUp = () => {
    let now = 1_000_000;
    const full = new Notices();
    const quick = new Notices();
    const snapshots = new StatusSnapshots();
    const activities = createAccessActivities({
      notifier: { notify: (n) => full.notify(n), quick }, snapshots, quickNotices: new QuickNotices(30_000, () => now),
      providers: undefined as never, grants: { revocations: () => undefined, commandBoard: () => undefined } as never, vault: undefined as never, archiver: undefined as never,
    });
    const local = (order: NoticeOrder) => new MockActivityEnvironment({ isLocal: true }).run(activities.notify, order);
    const activity = (order: NoticeOrder) => new MockActivityEnvironment({ isLocal: false }).run(activities.notify, order);
    return { full, quick, snapshots, local, activity, later: (ms: number) => { now += ms; } };
  };

  test('a quick try delivers through the quick notifier from this worker\'s snapshot; without the snapshot it gives up at once, asking nobody', async () => {
    const t = setUp();
    t.snapshots.put(status('req_a'), 1);
    await t.local({ kind: 'active', requestId: 'req_a', seq: 1, earlier: ['issued'] });
    expect(t.quick.seen.map((n) => [n.kind, n.status.requestId, n.mayAlreadyExist])).toEqual([['issued', 'req_a', undefined], ['active', 'req_a', undefined]]);
    expect(t.full.seen).toEqual([]);
    // Seq 2 was never handed over here: a query would wait for the very workflow task the try holds.
    await expect(t.local({ kind: 'revoked', requestId: 'req_a', seq: 2 })).rejects.toMatchObject({ type: 'quick_notice_no_status', nonRetryable: false });
    expect(t.quick.seen).toHaveLength(2);
    expect(t.full.seen).toEqual([]);
  });

  test('a failed quick try pauses this worker\'s quick tries for 30 s; the activity path is never paused', async () => {
    const t = setUp();
    t.snapshots.put(status('req_b'), 1);
    t.quick.failNext = true;
    await expect(t.local({ kind: 'active', requestId: 'req_b', seq: 1 })).rejects.toThrow('slack did not answer');
    await expect(t.local({ kind: 'active', requestId: 'req_b', seq: 1 })).rejects.toMatchObject({ type: 'quick_notices_paused', nonRetryable: false });
    expect(t.quick.seen).toEqual([]);
    await t.activity({ kind: 'active', requestId: 'req_b', seq: 1, afterQuickTry: true });
    expect(t.full.seen.map((n) => n.kind)).toEqual(['active']);
    t.later(29_000);
    await expect(t.local({ kind: 'active', requestId: 'req_b', seq: 1 })).rejects.toMatchObject({ type: 'quick_notices_paused' });
    t.later(1_000);
    await t.local({ kind: 'active', requestId: 'req_b', seq: 1 });
    expect(t.quick.seen.map((n) => n.kind)).toEqual(['active']);
  });

  test('the activity after a quick try tells the notifier, for every step, that the notice may already be posted', async () => {
    const t = setUp();
    t.snapshots.put(status('req_c'), 1);
    await t.activity({ kind: 'active', requestId: 'req_c', seq: 1, earlier: ['issued'], afterQuickTry: true });
    expect(t.full.seen.map((n) => [n.kind, n.mayAlreadyExist])).toEqual([['issued', true], ['active', true]]);
    await t.activity({ kind: 'revoked', requestId: 'req_c', seq: 1 });
    expect(t.full.seen[2]!.mayAlreadyExist).toBeUndefined();
  });
});

describe('a quick try through the local Slack', () => {
  let stack: SlackStack;
  const ws = () => stack.slack.workspace;
  const keyOf = (m: SlackMessage) => m.metadata?.event_payload.idempotency_key;

  beforeAll(async () => {
    stack = await startSlackStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('the active reply posted by a quick try whose answer was lost (500) is found by the activity that follows: one reply, and the request goes on', async () => {
    const delivery = await stack.driver.command({ user: 'carol', channel: 'general', text: 'clinical 40s quick try lost' });
    const [answer] = await waitForResponses(delivery, 1);
    const requestId = /req_[a-z0-9]{20}/.exec(String(answer?.body.text))?.[0];
    if (!requestId) throw new Error(`no request started: ${JSON.stringify(answer?.body)}`);
    const parent = await waitForMessage(ws(), 'phi-approvers', (m) => keyOf(m) === `gatehouse:${requestId}:requested`);
    const key = `gatehouse:${requestId}:active`;
    stack.slack.failNext('chat.postMessage', { status: 500, afterApply: true, matching: `${requestId}:active"` });
    await stack.access.approve(requestId, 'bob@example.org');
    await waitForMessage(ws(), 'phi-approvers', 'Access is active until', { threadTs: parent.ts });
    await stack.access.revoke(requestId, 'carol@example.org', 'done');
    await waitForMessage(ws(), 'phi-approvers', (m) => String(keyOf(m)) === `gatehouse:${requestId}:archived`, { threadTs: parent.ts });

    expect(ws().thread(parent.channel, parent.ts).filter((m) => keyOf(m) === key)).toHaveLength(1);
    expect(ws().calls.filter((c) => c.method === 'chat.postMessage' && c.injected === 'server_error')).toHaveLength(1);
    const history = await stack.client.workflow.getHandle(requestId).fetchHistory();
    // requested and decided went out locally; 'active' as an activity after its quick try, and so did
    // the notices of the next 30 s (this worker's quick tries paused after the failed one). 'archived'
    // has no quick try of its own: the archive's activity is its try (paused too), then the activity.
    const orders = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify'
      ? [historyText({ events: [{ activityTaskScheduledEventAttributes: { input: e.activityTaskScheduledEventAttributes.input } }] })] : []));
    expect(orders[0]).toMatch(/"kind":"active".*"afterQuickTry":true/s);
    for (const order of orders) expect(order).toContain('"afterQuickTry":true');
    expect(scheduledActivities(history).filter((n) => n === 'notify')).toHaveLength(orders.length);
    expect(orders.at(-1)).toContain('"kind":"archived"');
    expect(localActivities(history).filter((n) => n === 'notify').length).toBe(2 + orders.length - 1);
  });
});
