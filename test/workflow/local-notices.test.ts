import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { temporalDataConverter, temporalSettings } from '../../lib';
import { startHarness, waitForState, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';
import { localActivities, patchMarkers, scheduledActivities, workflowTasks } from './notice-orders';

/**
 * A whole auto-approved grant (request, ACTIVE, revoke, archive) recorded by the workflow code of
 * 1de24d7 (notices as activities, one patch marker per change), its encrypted payloads decoded so it
 * replays without the run's keys. Nothing in it is secret: the test stack's fake provider and made-up names.
 */
const BEFORE = join(__dirname, 'fixtures', 'auto-approved-grant-before-local-notices.history.bin');

describe('a grant\'s notices are tried as local activities, and its history has one patch marker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('no notify activity, one patch marker, fewer events; every notice still delivered, in order, in the thread', async () => {
    const { requestId } = await h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 10_000, reason: 'nightly load', ticket: 'CI-27' });
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    await h.access.revoke(requestId, 'agent:ci-nightly', 'load finished');
    await waitForState(h.access, requestId, 'ARCHIVED');
    await eventually(() => h.notifier.kinds(requestId).includes('archived'), 'the archived notice');
    const after = await h.client.workflow.getHandle(requestId).fetchHistory();
    const before = temporal.api.history.v1.History.decode(readFileSync(BEFORE));

    const notifies = (history: temporal.api.history.v1.IHistory) => scheduledActivities(history).filter((n) => n === 'notify').length;
    process.stdout.write(`one auto-approved grant, 1de24d7 -> today: history events ${before.events?.length} -> ${after.events?.length}, `
      + `workflow tasks ${workflowTasks(before)} -> ${workflowTasks(after)}, activities ${scheduledActivities(before).length} -> ${scheduledActivities(after).length} `
      + `(notify ${notifies(before)} -> ${notifies(after)}), local activities ${localActivities(before).length} -> ${localActivities(after).length}, `
      + `patch markers ${patchMarkers(before).length} -> ${patchMarkers(after).length}\n`);
    expect(notifies(before)).toBe(4);
    expect(patchMarkers(before).length).toBeGreaterThan(1);
    // Only the steps that talk to Snowflake or write the archive are still activity tasks.
    // (Since 'grant-stored-with-issuance' the issuing activity stores the grant too: issueGrant.)
    expect(scheduledActivities(after)).toEqual(['issueGrant', 'revokeCredential', 'archiveRequest']);
    // Since 'archived-notice-with-archive' the archive's activity tells Slack it is archived: three, not four.
    expect(localActivities(after).filter((n) => n === 'notify')).toHaveLength(3);
    // One marker: since 'archived-notice-with-archive' that one, which stands for 'local-notices' and every change before it.
    expect(patchMarkers(after)).toEqual(['archived-notice-with-archive']);
    // Each notice that became local took an activity's three events and a workflow task's three with it (timers and messages batch differently run to run).
    expect(after.events!.length).toBeLessThan(before.events!.length);

    expect(h.notifier.kinds(requestId)).toEqual(['requested', 'decided', 'issued', 'active', 'revoked', 'archived']);
    expect(h.notifier.notices.filter((n) => n.status.requestId === requestId && n.mayAlreadyExist)).toEqual([]);
    expect(active.thread).toEqual({ channel: 'C0APPROVERS', ts: expect.any(String) });
    const revoked = h.notifier.notices.find((n) => n.status.requestId === requestId && n.kind === 'revoked')!;
    expect(revoked.status.thread).toEqual(active.thread);
    expect(revoked.status.state).toBe('REVOKED');

    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(temporalSettings()) }, after, requestId);
  });

  test('a grant recorded before the change (notices as activities, a marker per change) replays on today\'s workflow code', async () => {
    const before = temporal.api.history.v1.History.decode(readFileSync(BEFORE));
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! } }, before, 'recorded-before-local-notices');
  });
});
