import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createAccessActivities } from '../../activities';
import { temporalDataConverter, temporalSettings } from '../../lib';
import type { AccessStatus } from '../../workflows';
import { historyText } from '../support/history';
import { startHarness, waitForState, waitForStatus, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';
import { localActivities } from './notice-orders';

type History = temporal.api.history.v1.IHistory;

/** The decoded input of every scheduled activity of these types. */
function inputsOf(history: History, types: string[]): { type: string; text: string }[] {
  return (history.events ?? []).flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    const type = a?.activityType?.name ?? '';
    return a && types.includes(type) ? [{ type, text: historyText({ events: [{ activityTaskScheduledEventAttributes: { input: a.input } }] }) }] : [];
  });
}

const historyBytes = (history: History) => temporal.api.history.v1.History.encode(history).finish().length;

async function oneGrant(h: Harness): Promise<{ requestId: string; done: AccessStatus; history: History }> {
  const { requestId } = await h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 10_000, reason: 'nightly load', ticket: 'CI-25' });
  await waitForState(h.access, requestId, 'ACTIVE');
  await h.access.revoke(requestId, 'agent:ci-nightly', 'load finished');
  const done = await waitForState(h.access, requestId, 'ARCHIVED');
  await eventually(() => h.notifier.kinds(requestId).includes('archived'), 'the archived notice');
  const history = await h.client.workflow.getHandle(requestId).fetchHistory();
  // What the notes report as history per grant (grows with the payloads each order carries).
  console.log(`history of one grant (request, active, revoke, archive): ${history.events?.length} events, ${historyBytes(history)} bytes`);
  return { requestId, done, history };
}

describe.each([
  ['with the worker\'s status snapshots', true],
  ['without snapshots (the activity asks the workflow by query)', false],
])('notices and the archive are ordered by request id, %s', (_name, statusSnapshots) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ statusSnapshots });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('history carries ids, not the status; Slack and the archive still get the whole status', async () => {
    const { requestId, done, history } = await oneGrant(h);
    const orders = inputsOf(history, ['notify', 'archiveRequest']);
    // requested+decided and issued+active go as one order each (an auto-approved agent: fewer-notices.test.ts).
    // Notices are tried as local activities (no input in history); without this worker's snapshot the try
    // gives up at once (a query would wait for the workflow task it holds) and the order is an activity.
    // The archive's activity sends the 'archived' notice itself (it has the status it archived).
    expect(orders.map((o) => o.type)).toEqual(statusSnapshots ? ['archiveRequest'] : [...Array(3).fill('notify'), 'archiveRequest']);
    expect(localActivities(history).filter((n) => n === 'notify')).toHaveLength(3);
    if (!statusSnapshots) for (const order of orders.filter((o) => o.type === 'notify')) expect(order.text).toContain('"afterQuickTry":true');
    const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
      .map((e) => historyText({ events: [{ markerRecordedEventAttributes: { details: e.markerRecordedEventAttributes!.details } }] }));
    for (const order of orders) expect(order.text).toContain(requestId);
    for (const text of [...orders.map((o) => o.text), ...markers]) {
      expect(text).not.toContain('timeline');
      expect(text).not.toContain('nightly load');
    }
    // Each notice saw the status as it was when ordered (or later), never an older one.
    const notices = h.notifier.notices.filter((n) => n.status.requestId === requestId);
    expect(notices.map((n) => n.kind)).toEqual(['requested', 'decided', 'issued', 'active', 'revoked', 'archived']);
    const stateAt = Object.fromEntries(notices.map((n) => [n.kind, n.status.state]));
    expect(stateAt).toMatchObject({ requested: 'APPROVED', decided: 'APPROVED', issued: 'ACTIVE', active: 'ACTIVE', revoked: 'REVOKED' });
    expect(notices.find((n) => n.kind === 'active')!.status.grantId).toBe(done.grantId);
    // The archive holds the whole status up to the revocation: the timeline with every state.
    const archived = h.archiver.archived.get(requestId)!;
    expect(archived.timeline.filter((e) => e.type === 'state').map((e) => e.detail)).toEqual(['APPROVED', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED']);
    expect(archived.revocation).toMatchObject({ by: 'agent:ci-nightly', reason: 'load finished' });
    expect(done.archive?.location).toBe(`memory://${requestId}`);
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(temporalSettings()) }, history, requestId);
  });
});

describe('an order from a history recorded before orders by id (the whole status in it)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('the activities still take the status they are given', async () => {
    const { requestId } = await h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 10_000, reason: 'old order', ticket: 'CI-26' });
    const active = await waitForStatus(h.access, requestId, (s) => s.state === 'ACTIVE');
    const activities = createAccessActivities({ notifier: h.notifier, providers: undefined as never, grants: h.grants, vault: h.vault, archiver: h.archiver });
    const before = h.notifier.notices.length;
    await activities.notify({ kind: 'expiring_soon', status: { ...active, reason: 'as recorded' } });
    expect(h.notifier.notices.slice(before).map((n) => [n.kind, n.status.reason])).toEqual([['expiring_soon', 'as recorded']]);
    const archived = await activities.archiveRequest({ ...active, reason: 'as recorded' });
    expect(archived.location).toBe(`memory://${requestId}`);
    expect(h.archiver.archived.get(requestId)?.reason).toBe('as recorded');
    await h.access.revoke(requestId, 'agent:ci-nightly', 'done');
    await waitForState(h.access, requestId, 'ARCHIVED');
  });
});
