// RecordedPlans on its own (no stack): the first answer of a plan in a session carries the plan's
// entry in its own write; answers of the same plan at once wait for it and name it only once it
// is in; a carrying write that is not taken hands the plan to the next answer; the bound on plans
// per session is the recording's (counted in Redis, test/audit/recording-plan): RecordedPlans hands
// it to every write that carries a plan and turns the recording's refusal into MaskingPlanLimitError.
import type { MaskingPlanReport } from '../../proxy/masking';
import { RecordingError } from '../../audit';
import { MaskingPlanLimitError, RecordedPlans } from '../../proxy/masking-plans';

const planOf = (n: number): MaskingPlanReport => ({ digest: `sha256:${String(n).padStart(64, '0')}`, salt: 'salt', report: { plan: 'columns', columns: [], n } });

/** A write the test settles by hand, noting what it carried and when it started. */
function writes() {
  const log: string[] = [];
  const pending: { carried: boolean; settle: (taken: boolean) => void; fail: (e: Error) => void }[] = [];
  const write = (name: string) => (planEntry?: unknown) => new Promise<boolean>((resolve, reject) => {
    log.push(`${name}${planEntry ? '+plan' : ''}`);
    pending.push({ carried: !!planEntry, settle: resolve, fail: reject });
  });
  return { log, pending, write };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RecordedPlans', () => {
  test('the first answer carries the plan; answers of the same plan at once wait for it, then name it without carrying it', async () => {
    const plans = new RecordedPlans();
    const w = writes();
    const first = plans.record('r', 's', planOf(1), w.write('a'));
    const others = ['b', 'c', 'd'].map((n) => plans.record('r', 's', planOf(1), w.write(n)));
    await tick();
    // Nothing names the plan before the write that carries it is taken.
    expect(w.log).toEqual(['a+plan']);
    w.pending[0]!.settle(true);
    await expect(first).resolves.toBe(true);
    await tick();
    expect(w.log).toEqual(['a+plan', 'b', 'c', 'd']);
    for (const p of w.pending.slice(1)) p.settle(true);
    await expect(Promise.all(others)).resolves.toEqual([true, true, true]);
    // Known now: the next answer writes without the plan at once.
    const later = plans.record('r', 's', planOf(1), w.write('e'));
    await tick();
    expect(w.log.at(-1)).toBe('e');
    w.pending.at(-1)!.settle(true);
    await later;
  });

  test('a carrying write the recording did not take (false or a rejection): the next waiting answer carries the plan itself', async () => {
    const plans = new RecordedPlans();
    const w = writes();
    const first = plans.record('r', 's', planOf(1), w.write('a'));
    const second = plans.record('r', 's', planOf(1), w.write('b'));
    const third = plans.record('r', 's', planOf(1), w.write('c'));
    await tick();
    w.pending[0]!.fail(new Error('RECORDING_UNAVAILABLE'));
    await expect(first).rejects.toThrow('RECORDING_UNAVAILABLE');
    await tick();
    // One of the waiting answers carries the plan now; the other waits for it again.
    expect(w.log).toEqual(['a+plan', 'b+plan']);
    w.pending[1]!.settle(false);
    await expect(second).resolves.toBe(false);
    await tick();
    expect(w.log).toEqual(['a+plan', 'b+plan', 'c+plan']);
    w.pending[2]!.settle(true);
    await expect(third).resolves.toBe(true);
    expect(plans.size).toBe(1);
  });

  test('plans are per recording session: another session, or another request, carries its own', async () => {
    const plans = new RecordedPlans();
    const carried: string[] = [];
    const write = (name: string) => async (planEntry?: { sessionId: string }) => {
      carried.push(`${name}:${planEntry ? planEntry.sessionId : '-'}`);
      return true;
    };
    await plans.record('r1', 's1', planOf(1), write('a'));
    await plans.record('r1', 's1', planOf(1), write('b'));
    await plans.record('r1', 's2', planOf(1), write('c'));
    await plans.record('r2', 's1', planOf(1), write('d'));
    expect(carried).toEqual(['a:s1', 'b:-', 'c:s2', 'd:s1']);
  });

  test('the bound is the recording\'s: every write that carries a plan is handed it, and a refusal past it becomes MaskingPlanLimitError; known plans and other sessions go on', async () => {
    const plans = new RecordedPlans({ perSession: 2, bytesPerSession: 5000 });
    expect(plans.bound).toEqual({ plans: 2, bytes: 5000 });
    // A recording that counts as the Redis script does: distinct plans per session, refused past the bound.
    const held = new Map<string, Set<string>>();
    let written = 0;
    const bounds: unknown[] = [];
    const write = async (planEntry?: { sessionId: string; digest: string }, bound?: { plans: number; bytes: number }) => {
      if (planEntry) {
        bounds.push(bound);
        const session = held.get(planEntry.sessionId) ?? new Set();
        held.set(planEntry.sessionId, session);
        if (!session.has(planEntry.digest) && session.size >= bound!.plans) {
          throw new RecordingError('RECORDING_PLAN_LIMIT', 'not recorded', { planLimit: { kind: 'plans', limit: bound!.plans, used: session.size } });
        }
        session.add(planEntry.digest);
      }
      written += 1;
      return true;
    };
    await plans.record('r', 's', planOf(1), write);
    await plans.record('r', 's', planOf(2), write);
    const refused = plans.record('r', 's', planOf(3), write);
    await expect(refused).rejects.toBeInstanceOf(MaskingPlanLimitError);
    await expect(refused).rejects.toThrow(/already recorded 2 distinct masking plans, the gateway's limit per session .* a new one needs a new session \(2025 clients\) or a new grant/);
    expect(bounds).toEqual([{ plans: 2, bytes: 5000 }, { plans: 2, bytes: 5000 }, { plans: 2, bytes: 5000 }]);
    expect(written).toBe(2);
    await expect(plans.record('r', 's', planOf(1), write)).resolves.toBe(true);
    await expect(plans.record('r', 's', undefined, write)).resolves.toBe(true);
    await expect(plans.record('r', 'other', planOf(3), write)).resolves.toBe(true);
    expect(written).toBe(5);
    // The refused plan is not known: the next answer of it asks the recording again.
    await expect(plans.record('r', 's', planOf(3), write)).rejects.toBeInstanceOf(MaskingPlanLimitError);
  });

  test('the bytes bound says so in its own words; any other recording failure stays what it was', async () => {
    const plans = new RecordedPlans();
    expect(plans.bound).toEqual({ plans: 1000, bytes: 4 * 1024 * 1024 });
    const bytes = plans.record('r', 's', planOf(1), async () => {
      throw new RecordingError('RECORDING_PLAN_LIMIT', 'not recorded', { planLimit: { kind: 'bytes', limit: 4096, used: 3900 } });
    });
    await expect(bytes).rejects.toBeInstanceOf(MaskingPlanLimitError);
    await expect(bytes).rejects.toThrow(/masking plans already take 3900 bytes of the audit record, and this answer's plan would pass the gateway's limit of 4096 bytes per session/);
    const down = plans.record('r', 's', planOf(1), async () => {
      throw new RecordingError('RECORDING_UNAVAILABLE', 'the recording is down');
    });
    await expect(down).rejects.toMatchObject({ code: 'RECORDING_UNAVAILABLE' });
  });

  test('memory is bounded by sessions kept: a session pushed out writes its plans again', async () => {
    const plans = new RecordedPlans({ sessions: 2 });
    const carried: boolean[] = [];
    const write = async (planEntry?: unknown) => {
      carried.push(!!planEntry);
      return true;
    };
    for (const s of ['s1', 's2', 's3', 's1']) await plans.record('r', s, planOf(1), write);
    expect(carried).toEqual([true, true, true, true]);
    expect(plans.size).toBe(2);
    expect(() => new RecordedPlans({ perSession: 0 })).toThrow(/at least 1/);
    expect(() => new RecordedPlans({ bytesPerSession: 0 })).toThrow(/at least 1/);
    expect(() => new RecordedPlans({ sessions: 1.5 })).toThrow(/whole numbers/);
  });
});
