import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { temporalDataConverter, temporalSettings } from '../../lib';
import type { Notice } from '../../workflows';
import { grantWork } from '../../bench/grants/temporal-work';
import { startHarness, waitForState, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';
import { localActivities, patchMarkers, scheduledActivities } from './notice-orders';

type History = temporal.api.history.v1.IHistory;

/**
 * A whole auto-approved grant (request, ACTIVE, revoke, archive) recorded by the workflow code of
 * d5e23bb (the 'local-notices' marker, APPROVED upserted and overwritten in the same workflow task),
 * its encrypted payloads decoded so it replays without the run's keys. Nothing in it is secret: the
 * test stack's fake provider and made-up names.
 */
const BEFORE = join(__dirname, 'fixtures', 'auto-approved-grant-before-state-shown-once.history.bin');

/** The GatehouseState values a history upserted, in order. */
function statesShown(history: History): string[] {
  return (history.events ?? []).flatMap((e) => {
    const data = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.GatehouseState?.data;
    return data ? [JSON.parse(Buffer.from(data).toString('utf8')) as string] : [];
  });
}

/** Index of the first event of each kind: where the APPROVED upsert stands against the notify activity. */
const firstIndex = (history: History, test: (e: temporal.api.history.v1.IHistoryEvent) => boolean) => (history.events ?? []).findIndex(test);

async function oneGrant(h: Harness, ticket: string): Promise<{ requestId: string; history: History }> {
  const { requestId } = await h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 10_000, reason: 'nightly load', ticket });
  await waitForState(h.access, requestId, 'ACTIVE');
  await h.access.revoke(requestId, 'agent:ci-nightly', 'load finished');
  await waitForState(h.access, requestId, 'ARCHIVED');
  await eventually(() => h.notifier.kinds(requestId).includes('archived'), 'the archived notice');
  return { requestId, history: await h.client.workflow.getHandle(requestId).fetchHistory() };
}

describe('a state is shown in the search attribute only when a workflow task ends in it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('an auto-approved grant: no APPROVED upsert (ISSUING follows in the same task), one patch marker; the timeline and every notice unchanged', async () => {
    const { requestId, history } = await oneGrant(h, 'CI-25a');
    const before = temporal.api.history.v1.History.decode(readFileSync(BEFORE));
    const [a0, a1] = grantWork(before);
    const [b0, b1] = grantWork(history);
    process.stdout.write(`one auto-approved grant, d5e23bb -> today: history events ${a0.events}+${a1.events} -> ${b0.events}+${b1.events} (request -> ACTIVE + ACTIVE -> archived), `
      + `search-attribute upserts ${a0.searchAttributeUpserts + a1.searchAttributeUpserts} -> ${b0.searchAttributeUpserts + b1.searchAttributeUpserts}, `
      + `workflow tasks ${a0.workflowTasks + a1.workflowTasks} -> ${b0.workflowTasks + b1.workflowTasks}, history bytes ${a0.historyBytes + a1.historyBytes} -> ${b0.historyBytes + b1.historyBytes}\n`);

    expect(statesShown(before)).toEqual(['APPROVED', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'ARCHIVED']);
    expect(statesShown(history)).toEqual(['ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'ARCHIVED']);
    expect(patchMarkers(before)).toEqual(['local-notices']);
    // Since 'archived-notice-with-archive' that marker stands for this change too.
    expect(patchMarkers(history)).toEqual(['archived-notice-with-archive']);
    // Nothing else moved but the later changes: the issuing activity stores the grant (no startGrant local
    // activity) and the archive's activity sends the 'archived' notice (no fourth notify).
    expect(scheduledActivities(history)).toEqual(scheduledActivities(before).map((n) => (n === 'issueCredential' ? 'issueGrant' : n)));
    expect(localActivities(before)).toEqual(['notify', 'startGrant', 'notify', 'deactivateGrant', 'notify', 'notify']);
    expect(localActivities(history)).toEqual(['notify', 'notify', 'deactivateGrant', 'notify']);

    // The auditor's timeline and the thread still have APPROVED, in its place.
    const done = await h.access.status(requestId);
    expect(done.timeline.filter((e) => e.type === 'state').map((e) => e.detail)).toEqual(['APPROVED', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'ARCHIVED']);
    expect(h.notifier.kinds(requestId)).toEqual(['requested', 'decided', 'issued', 'active', 'revoked', 'archived']);
    expect(h.notifier.notices.find((n) => n.status.requestId === requestId && n.kind === 'decided')!.status.state).toBe('APPROVED');

    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(temporalSettings()) }, history, requestId);
  });

  test('a grant recorded before the change (APPROVED upserted, the local-notices marker) replays on today\'s workflow code', async () => {
    const before = temporal.api.history.v1.History.decode(readFileSync(BEFORE));
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! } }, before, 'recorded-before-state-shown-once');
  });

  // Last: a failed quick try pauses this worker's quick tries for 30 s.
  test('when the first notices have to leave the workflow task (their quick try failed), APPROVED is shown before they go', async () => {
    const notify = h.notifier.notify.bind(h.notifier);
    let failed = 0;
    h.notifier.notify = async (notice: Notice) => {
      if (notice.kind === 'requested' && notice.status.ticket === 'CI-25b' && failed === 0) {
        failed += 1;
        throw new Error('Slack did not answer (test)');
      }
      return notify(notice);
    };
    try {
      const { requestId, history } = await oneGrant(h, 'CI-25b');
      expect(failed).toBe(1);
      const shownApproved = firstIndex(history, (e) => statesShown({ events: [e] })[0] === 'APPROVED');
      const notifyScheduled = firstIndex(history, (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify');
      expect(shownApproved).toBeGreaterThan(0);
      expect(notifyScheduled).toBeGreaterThan(shownApproved);
      expect(statesShown(history)).toEqual(['APPROVED', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'ARCHIVED']);
      expect(h.notifier.kinds(requestId)).toEqual(['requested', 'decided', 'issued', 'active', 'revoked', 'archived']);
      await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(temporalSettings()) }, history, requestId);
    } finally {
      h.notifier.notify = notify;
    }
  });
});
