import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { AccessClient, HOLD_UPDATES_IN_FLIGHT_PER_REQUEST } from '../../access';
import { temporalDataConverter, temporalSettings } from '../../lib';
import { startHarness, testConfig, waitForState, type Harness } from '../support/harness';

// A flood of held commands on one grant (a hostile agent, or many sessions at once) must neither
// fail for want of Temporal's in-flight Update slots (10 per workflow) nor take the slots that a
// revoke, an approval or an extension needs: the gateway's AccessClient sends them a few at a time.
// Each hold and decision orders a notice (a local activity, an activity when that fails): however
// they interleave with the Updates, the workflow's history must replay.
const CONFIG = `
version: 1
defaults: { maxDuration: 1h, approvalTimeout: 30s, commandApprovalTimeout: 60s }
groups:
  approvers: [alice@example.org, bob@example.org]
targets:
  - name: flood
    upstream: { type: stdio, command: node, args: [mcp-server.js] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    maxDuration: 10m
    commands:
      tools: [run_query]
      sqlArguments: [sql]
      approvalTimeout: 60s
      maxHeld: 40
`;

/** Counts, per workflow, the Updates of each name that the client has sent and not yet had answered. */
function updateCounter() {
  const inFlight = new Map<string, number>();
  const most = new Map<string, number>();
  const interceptor: WorkflowClientInterceptor = {
    async startUpdate(input, next) {
      const key = `${input.workflowExecution.workflowId}/${input.updateName}`;
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      most.set(key, Math.max(most.get(key) ?? 0, inFlight.get(key)!));
      try {
        return await next(input);
      } finally {
        inFlight.set(key, inFlight.get(key)! - 1);
      }
    },
  };
  return { interceptor, most: (workflowId: string, update: string) => most.get(`${workflowId}/${update}`) ?? 0 };
}

describe('a flood of held commands on one grant', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: testConfig(CONFIG) });
  });
  afterAll(async () => {
    await h?.close();
  });

  const flood = async (holds: number) => {
    const counter = updateCounter();
    const client = new Client({
      connection: h.client.connection, namespace: h.client.options.namespace,
      dataConverter: temporalDataConverter(temporalSettings()), interceptors: { workflow: [counter.interceptor] },
    });
    const gateway = new AccessClient(client, h.config, h.taskQueue, { revocations: h.grants.revocations() });
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'flood', durationMs: 5 * 60_000, reason: 'flood' });
    await h.access.approve(requestId, 'alice@example.org');
    await waitForState(h.access, requestId, 'ACTIVE');

    const review = (i: number) => ({ commandId: `cmd_flood${String(i).padStart(12, '0')}`, tool: 'run_query', summary: `UPDATE t SET a = ${i}`, classes: ['write'], risk: 'high' as const });
    const sent = Array.from({ length: holds }, (_, i) => gateway.holdCommand(requestId, review(i)));
    const outcomes = sent.map((p) => p.then(() => 'held', (e: Error) => e.message));
    // While the flood is on its way, an approver decides on the first hold (one more Update, from another client).
    const first = await sent[0]!;
    await expect(h.access.decideCommand(requestId, first.commandId, 'bob@example.org', false, 'not now')).resolves.toMatchObject({ detail: expect.stringContaining('denied') });

    expect(await Promise.all(outcomes)).toEqual(Array(holds).fill('held'));
    // Temporal admits 10 in-flight Updates per workflow: the holds leave more than half of them free.
    expect(HOLD_UPDATES_IN_FLIGHT_PER_REQUEST).toBeLessThanOrEqual(4);
    expect(counter.most(requestId, 'holdCommand')).toBeLessThanOrEqual(HOLD_UPDATES_IN_FLIGHT_PER_REQUEST);
    const status = await h.access.status(requestId);
    expect(status.commands).toHaveLength(holds);
    expect(status.commands.filter((c) => c.outcome === 'pending')).toHaveLength(holds - 1);

    // Withdrawals (a mass disconnect) take the same lane.
    const withdrawn = await Promise.all(status.commands.filter((c) => c.outcome === 'pending').map((c) => gateway.withdrawCommand(requestId, c.commandId, 'session ended')));
    expect(withdrawn.every((w) => /withdrawn/.test(w.detail))).toBe(true);
    expect(counter.most(requestId, 'withdrawCommand')).toBeLessThanOrEqual(HOLD_UPDATES_IN_FLIGHT_PER_REQUEST);
    await h.access.revoke(requestId, 'carol@example.org', 'test over');
    await waitForState(h.access, requestId, 'ARCHIVED');
    const history = await h.client.workflow.getHandle(requestId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(temporalSettings()) }, history, requestId);
    return requestId;
  };

  test('every hold is registered, at most a few in flight at once, an approver\'s Update answers meanwhile, and the history replays', async () => {
    const requestId = await flood(30);
    expect(h.notifier.kinds(requestId).filter((k) => k === 'command_held')).toHaveLength(30);
  });

  test('with Slack\'s quick path failing, every notice falls back to an activity and the history still replays', async () => {
    const notifier = h.notifier as typeof h.notifier & { quick?: unknown };
    notifier.quick = { notify: async () => { throw new Error('Slack did not answer in time'); } };
    try {
      const requestId = await flood(20);
      expect(h.notifier.kinds(requestId).filter((k) => k === 'command_held')).toHaveLength(20);
    } finally {
      delete notifier.quick;
    }
  });
});
