// The CI variant of `npm run chaos`: a fixed seed and a handful of faults of every kind that
// restarts a part, against the whole dev stack; every invariant must hold with zero violations.
import { runChaos } from '../../bench/chaos/chaos';
import { chaosTable, violationCount } from '../../bench/chaos/report';
import { prebuiltWorkflowBundle } from '../support/worker-bundle';

describe('chaos (deterministic CI variant): faults across the whole stack lose nothing', () => {
  test('seed 7: worker, gateway, API, Redis killed and the upstream stalled while agents work; every invariant holds', async () => {
    // The stack's two workers, and each one a fault kills, run the workflow bundle the test run built.
    Object.assign(process.env, prebuiltWorkflowBundle());
    const result = await runChaos({
      seed: 7, durationMs: 45_000, faults: 5, concurrency: 2, grantSeconds: 20, reconcileSeconds: 10,
      kinds: ['kill-worker', 'kill-gateway', 'kill-api', 'kill-redis', 'stall-upstream'],
      // On a loaded machine each restart takes tens of seconds and 45 s may see nothing done: the
      // agents go on (the faults stay where seed 7 put them) until what is checked below was done.
      enough: (s) => s.readsAnswered > 0 && s.people.approved + s.people.denied > 0, maxExtraSeconds: 180,
      // Settling ends as soon as every request is terminal and no identity is left: a long cap costs nothing when quick.
      settleSeconds: 300,
      log: () => undefined,
    });
    const table = chaosTable(result);
    process.stdout.write(table);
    // A run that did nothing proves nothing: faults were injected into a stack that was working.
    expect(result.faults).toHaveLength(5);
    // Every kill hit a running part (a stall finds an upstream only while a session is open).
    expect(result.faults.filter((f) => f.note?.startsWith('no ') && f.kind !== 'stall-upstream')).toEqual([]);
    expect(result.stats.active).toBeGreaterThan(0);
    expect(result.stats.calls.answered).toBeGreaterThan(0);
    expect(result.stats.readsAnswered).toBeGreaterThan(0);
    // A person asked in Slack and an approver decided in the thread, through the same faults.
    expect(result.stats.people.requests.length).toBeGreaterThan(0);
    expect(result.stats.people.approved + result.stats.people.denied).toBeGreaterThan(0);
    expect(result.findings.invariants.every((i) => i.checked > 0)).toBe(true);
    expect({ violations: violationCount(result), table }).toEqual({ violations: 0, table });
  }, 1_200_000);
});
