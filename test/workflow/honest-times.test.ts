// The times an auditor reads: when a request was accepted (not when a busy worker first ran it),
// and "expiring soon" only where it leaves the grant some life.
import { createAccessActivities, CredentialProviders } from '../../activities';
import { AccessClient } from '../../access';
import { temporalSettings } from '../../lib';
import { createAccessWorker } from '../../worker';
import { acceptanceTime, expiringSoonLeadMs } from '../../workflows/timing';
import { startHarness, testConfig, TEST_CONFIG_YAML, waitForState, waitForStatus, type Harness } from '../support/harness';

describe('the rules, alone', () => {
  it('takes the acceptance stamp, never later than the start, and the first run without one', () => {
    const started = new Date('2026-01-01T10:00:05.000Z');
    const firstRun = '2026-01-01T10:00:30.000Z';
    expect(acceptanceTime('2026-01-01T10:00:04.000Z', started, firstRun)).toBe('2026-01-01T10:00:04.000Z');
    expect(acceptanceTime('2026-01-01T11:00:00.000Z', started, firstRun)).toBe(started.toISOString());
    expect(acceptanceTime(undefined, started, firstRun)).toBe(firstRun);
    expect(acceptanceTime('yesterday', started, firstRun)).toBe(firstRun);
  });

  it('warns at the policy\'s lead only when the grant is longer, else at its last quarter', () => {
    const min = 60_000;
    expect(expiringSoonLeadMs(60 * min, 10 * min)).toBe(10 * min);
    expect(expiringSoonLeadMs(11 * min, 10 * min)).toBe(10 * min);
    expect(expiringSoonLeadMs(5 * min, 10 * min)).toBe(75_000);
    expect(expiringSoonLeadMs(10 * min, 10 * min)).toBe(150_000);
    expect(expiringSoonLeadMs(0, 10 * min)).toBe(0);
  });
});

describe('on a real Temporal server', () => {
  let h: Harness;
  beforeAll(async () => {
    // A 6 s warning: the agent's auto-approved grants (up to 10 s) are on both sides of it.
    h = await startHarness({ config: testConfig(TEST_CONFIG_YAML.replace('expiringSoonWarning: 1s', 'expiringSoonWarning: 6s')) });
  });
  afterAll(async () => {
    await h?.close();
  });

  const ask = (access: AccessClient, durationMs: number, acceptedAt?: Date) =>
    access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs, reason: 'nightly load', ...(acceptedAt ? { acceptedAt } : {}) });

  it('keeps the acceptance as requestedAt and shows the late start beside it', async () => {
    // A busy worker in miniature: the request waits on a queue no worker polls yet.
    const queue = `${h.taskQueue}-late`;
    const late = new AccessClient(h.client, h.config, queue);
    const acceptedAt = new Date();
    const { requestId } = await ask(late, 2_000, acceptedAt);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const providers = new CredentialProviders(h.config.targets, { fake: () => h.provider });
    const { worker, connection } = await createAccessWorker({
      temporal: temporalSettings(), taskQueue: queue,
      activities: createAccessActivities({ notifier: h.notifier, providers, grants: h.grants, vault: h.vault, archiver: h.archiver }),
      workflowBundlePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE,
    });
    const running = worker.run();
    try {
      const status = await waitForState(late, requestId, 'ARCHIVED');
      expect(status.requestedAt).toBe(acceptedAt.toISOString());
      expect(Date.parse(status.startedAt!) - Date.parse(status.requestedAt)).toBeGreaterThanOrEqual(2_000);
      const [requested, started] = status.timeline;
      expect(requested).toMatchObject({ type: 'requested', at: status.requestedAt, actor: 'agent:ci-nightly', detail: 'nightly load' });
      expect(started).toMatchObject({ type: 'started', at: status.startedAt });
      expect(started!.detail).toMatch(/^\d+\.\ds after the request was accepted$/);
      // In order for an auditor: nothing in the timeline before the acceptance.
      expect(status.timeline.every((e) => e.at >= status.requestedAt)).toBe(true);
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });

  it('never takes an acceptance later than the start, and adds no start entry when they agree', async () => {
    const { requestId } = await ask(h.access, 2_000, new Date(Date.now() + 3_600_000));
    const status = await waitForStatus(h.access, requestId, (s) => s.state === 'ACTIVE' || s.state === 'ARCHIVED');
    expect(Date.parse(status.requestedAt)).toBeLessThanOrEqual(Date.parse(status.startedAt!));
    expect(status.timeline.some((e) => e.type === 'started')).toBe(false);
    await h.access.revoke(requestId, 'agent:ci-nightly', 'test over');
  });

  it('warns a grant shorter than the warning at its last quarter, not as it becomes active', async () => {
    const { requestId } = await ask(h.access, 4_000);
    const done = await waitForState(h.access, requestId, 'ARCHIVED');
    const warning = done.timeline.find((e) => e.type === 'expiring_soon');
    expect(warning).toBeDefined();
    // Workflow timers never fire early: the warning is at least 3 s (three quarters) into the grant.
    const end = Date.parse(done.expiresAt!);
    expect(Date.parse(warning!.at)).toBeGreaterThanOrEqual(end - 1_000);
    expect(h.notifier.kinds(requestId)).toContain('expiring_soon');
  });

  it('warns a grant longer than the warning at the policy\'s lead', async () => {
    const { requestId } = await ask(h.access, 10_000);
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    const warned = await waitForStatus(h.access, requestId, (s) => s.timeline.some((e) => e.type === 'expiring_soon'));
    const warning = warned.timeline.find((e) => e.type === 'expiring_soon')!;
    expect(Date.parse(warning.at)).toBeGreaterThanOrEqual(Date.parse(active.expiresAt!) - 6_000);
    await h.access.revoke(requestId, 'agent:ci-nightly', 'test over');
    await waitForState(h.access, requestId, 'ARCHIVED');
  });
});
