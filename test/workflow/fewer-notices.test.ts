import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { localActivities, scheduledActivities as scheduled, workflowTasks } from './notice-orders';
import { startHarness, waitForState, waitForStatus, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';

type History = temporal.api.history.v1.IHistory;

/**
 * A whole auto-approved grant (request, ACTIVE, revoke, archive) recorded by the workflow code of
 * cc44b24 (before 'fewer-notices'), its encrypted payloads decoded so it replays without the
 * run's keys. Nothing in it is secret: the test stack's fake provider and made-up names.
 */
const BEFORE = join(__dirname, 'fixtures', 'auto-approved-grant-before-fewer-notices.history.bin');


describe('an auto-approved grant is told in fewer notices', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('requested goes with decided and issued with active: two activities fewer, every notice still delivered', async () => {
    const { requestId } = await h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 10_000, reason: 'nightly load', ticket: 'CI-27' });
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    await h.access.revoke(requestId, 'agent:ci-nightly', 'load finished');
    await waitForState(h.access, requestId, 'ARCHIVED');
    await eventually(() => h.notifier.kinds(requestId).includes('archived'), 'the archived notice');
    const after = await h.client.workflow.getHandle(requestId).fetchHistory();
    const before = temporal.api.history.v1.History.decode(readFileSync(BEFORE));

    // Since 'local-notices' an order is a local activity (its input is not in history, only its result).
    const notifies = (history: History) => [...scheduled(history), ...localActivities(history)].filter((n) => n === 'notify').length;
    process.stdout.write(`one auto-approved grant: notify orders ${notifies(before)} -> ${notifies(after)}, activities and local activities ${scheduled(before).length} -> ${scheduled(after).length + localActivities(after).length}, `
      + `workflow tasks ${workflowTasks(before)} -> ${workflowTasks(after)}, history events ${before.events?.length} -> ${after.events?.length}\n`);
    expect(notifies(before)).toBe(6);
    // Four orders for six notices, of which 'archived' now goes with the archive (archived-notice-with-archive).
    expect(notifies(after)).toBe(3);
    // Workflow tasks and events are printed, not checked: signals and timers batch differently run to run.
    // Six notices in four orders: requested went with decided, issued with active (each in the same order as the one it went with).
    const orders = h.notifier.notices.filter((n) => n.status.requestId === requestId);
    expect(orders.find((n) => n.kind === 'requested')!.status.state).toBe(orders.find((n) => n.kind === 'decided')!.status.state);
    expect(orders.find((n) => n.kind === 'issued')!.status.timeline).toEqual(orders.find((n) => n.kind === 'active')!.status.timeline);

    // Slack still hears every step, in order, and the request is posted with its thread kept.
    expect(h.notifier.kinds(requestId)).toEqual(['requested', 'decided', 'issued', 'active', 'revoked', 'archived']);
    const requested = h.notifier.notices.find((n) => n.status.requestId === requestId && n.kind === 'requested')!;
    expect(requested.status.state).toBe('APPROVED');
    expect(requested.status.policy.autoApproved).toBe(true);
    expect(active.thread).toEqual({ channel: 'C0APPROVERS', ts: expect.any(String) });
    // The thread the combined notice returned is the one later notices used.
    const revoked = h.notifier.notices.find((n) => n.status.requestId === requestId && n.kind === 'revoked')!;
    expect(revoked.status.thread).toEqual(active.thread);
  });

  test('a request approvers must decide is still posted before anyone decides', async () => {
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 10_000, reason: 'chart review', ticket: 'CI-28' });
    await eventually(() => h.notifier.kinds(requestId).includes('requested'), 'the approvers to be asked');
    expect(h.notifier.notices.find((n) => n.status.requestId === requestId)!.status.state).toBe('PENDING_APPROVAL');
    await h.access.approve(requestId, 'alice@example.org');
    await waitForState(h.access, requestId, 'ACTIVE');
    await eventually(() => h.notifier.kinds(requestId).includes('active'), 'the active notice');
    expect(h.notifier.kinds(requestId)).toEqual(['requested', 'decided', 'issued', 'active']);
    await h.access.revoke(requestId, 'carol@example.org', 'done');
    await waitForStatus(h.access, requestId, (s) => s.state === 'ARCHIVED');
  });

  test('a grant recorded before the change replays on today\'s workflow code', async () => {
    const before = temporal.api.history.v1.History.decode(readFileSync(BEFORE));
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! } }, before, 'recorded-before-fewer-notices');
  });
});
