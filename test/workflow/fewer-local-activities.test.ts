import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { temporalDataConverter, temporalSettings } from '../../lib';
import type { Notice } from '../../workflows';
import { startHarness, waitForState, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';
import { localActivities, patchMarkers, scheduledActivities, workflowTasks } from './notice-orders';

/**
 * A whole auto-approved grant (request, ACTIVE, revoke, archive) recorded by the workflow code of
 * b251f2d (the 'state-shown-once-per-task' marker; the grant stored by a startGrant local activity
 * after issueCredential; the 'archived' notice a local activity after the archive), its encrypted
 * payloads decoded so it replays without the run's keys. Nothing in it is secret: the test stack's
 * fake provider and made-up names.
 */
const BEFORE = join(__dirname, 'fixtures', 'auto-approved-grant-before-stored-with-issuance.history.bin');

async function oneGrant(h: Harness, ticket: string) {
  const durationMs = 10_000;
  const { requestId } = await h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs, reason: 'nightly load', ticket });
  const active = await waitForState(h.access, requestId, 'ACTIVE');
  const record = await h.grants.get(active.grantId!);
  await h.access.revoke(requestId, 'agent:ci-nightly', 'load finished');
  const done = await waitForState(h.access, requestId, 'ARCHIVED');
  await eventually(() => h.notifier.kinds(requestId).includes('archived'), 'the archived notice');
  return { requestId, durationMs, active, record, done, history: await h.client.workflow.getHandle(requestId).fetchHistory() };
}

describe('two local activities (and activations) fewer per grant: the grant stored by the issuing activity, the archived notice sent by the archive\'s', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('an auto-approved grant: issueGrant, no startGrant, no fourth notify, one patch marker; the grant record, its time box, the timeline and every notice as before', async () => {
    const { requestId, durationMs, active, record, done, history } = await oneGrant(h, 'CI-25c');
    // The record the gateway checks is the one the status describes: same grant, same time box.
    expect(record).toEqual({
      grantId: active.grantId, requestId, target: 'clinical', subject: 'agent:ci-nightly', principal: active.principal, credentialRef: expect.any(String),
      issuedAt: active.activeSince, expiresAt: active.expiresAt,
    });
    expect(Date.parse(active.expiresAt!) - Date.parse(active.activeSince!)).toBe(durationMs);
    expect(await h.grants.get(active.grantId!)).toBeNull();

    const before = temporal.api.history.v1.History.decode(readFileSync(BEFORE));
    process.stdout.write(`one auto-approved grant, b251f2d -> today: local activities ${localActivities(before).length} -> ${localActivities(history).length}, `
      + `activity tasks ${scheduledActivities(before).length} -> ${scheduledActivities(history).length}, workflow tasks ${workflowTasks(before)} -> ${workflowTasks(history)}, `
      + `history events ${before.events?.length} -> ${history.events?.length}\n`);
    expect(localActivities(before)).toEqual(['notify', 'startGrant', 'notify', 'deactivateGrant', 'notify', 'notify']);
    expect(patchMarkers(before)).toEqual(['state-shown-once-per-task']);
    expect(scheduledActivities(history)).toEqual(['issueGrant', 'revokeCredential', 'archiveRequest']);
    expect(localActivities(history)).toEqual(['notify', 'notify', 'deactivateGrant', 'notify']);
    // One marker, standing for every change before it.
    expect(patchMarkers(history)).toEqual(['archived-notice-with-archive']);

    expect(done.timeline.filter((e) => e.type === 'state').map((e) => e.detail)).toEqual(['APPROVED', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'ARCHIVED']);
    expect(done.timeline.map((e) => e.type)).not.toContain('notification_failed');
    expect(h.notifier.kinds(requestId)).toEqual(['requested', 'decided', 'issued', 'active', 'revoked', 'archived']);
    const told = (kind: string) => h.notifier.notices.find((n) => n.status.requestId === requestId && n.kind === kind)!.status;
    expect(told('issued')).toMatchObject({ state: 'ACTIVE', principal: active.principal, grantId: active.grantId });
    // The archived notice saw what the workflow then recorded: the archive, ARCHIVED, its thread.
    expect(told('archived')).toMatchObject({ state: 'ARCHIVED', archive: done.archive, thread: done.thread });
    expect(told('archived').timeline.map((e) => e.type).slice(-2)).toEqual(['archived', 'state']);

    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(temporalSettings()) }, history, requestId);
  });

  test('a grant recorded before the changes (startGrant and the archived notice as local activities) replays on today\'s workflow code', async () => {
    const before = temporal.api.history.v1.History.decode(readFileSync(BEFORE));
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! } }, before, 'recorded-before-stored-with-issuance');
  });

  // Last: a failed quick try pauses this worker's quick tries for 30 s.
  test('when the archive\'s try at the archived notice fails, the workflow sends it as before: told once, nothing lost', async () => {
    const notify = h.notifier.notify.bind(h.notifier);
    let failed = 0;
    h.notifier.notify = async (notice: Notice) => {
      if (notice.kind === 'archived' && notice.status.ticket === 'CI-25d' && failed === 0) {
        failed += 1;
        throw new Error('Slack did not answer (test)');
      }
      return notify(notice);
    };
    try {
      const { requestId, done, history } = await oneGrant(h, 'CI-25d');
      expect(failed).toBe(1);
      expect(h.notifier.kinds(requestId)).toEqual(['requested', 'decided', 'issued', 'active', 'revoked', 'archived']);
      expect(done.timeline.map((e) => e.type)).not.toContain('notification_failed');
      // The archive's try failed, so the workflow ordered the notice as an activity, told that the try may have posted it.
      expect(scheduledActivities(history)).toEqual(['issueGrant', 'revokeCredential', 'archiveRequest', 'notify']);
      expect(localActivities(history)).toEqual(['notify', 'notify', 'deactivateGrant', 'notify']);
      expect(h.notifier.notices.filter((n) => n.status.requestId === requestId && n.mayAlreadyExist).map((n) => n.kind)).toEqual(['archived']);
      await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(temporalSettings()) }, history, requestId);
    } finally {
      h.notifier.notify = notify;
    }
  });
});
