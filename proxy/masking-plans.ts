import { MASKING_PLAN_BOUND, RecordingError, type MaskingPlanBound, type MaskingPlanLimit } from '../audit';
import type { MaskingPlanReport } from './masking';
import type { MaskingPlanEntry } from './recording';

/**
 * Distinct masking plans one recording session may record (a 2025 session; a 2026-07-28 grant's
 * one session), and bytes of them: audit/ MASKING_PLAN_BOUND says why. Counted in Redis by the
 * recording's own script, so replicas and restarts do not count afresh.
 */
export const MASKING_PLANS_PER_SESSION = MASKING_PLAN_BOUND.plans;
export const MASKING_PLAN_BYTES_PER_SESSION = MASKING_PLAN_BOUND.bytes;

/** A session's bounds on masking plans, from the gateway's limits (RecordedPlans' defaults where unset). */
export function planBounds(limits: { maskingPlansPerSession?: number; maskingPlanBytesPerSession?: number }): { perSession?: number; bytesPerSession?: number } {
  return {
    ...(limits.maskingPlansPerSession !== undefined ? { perSession: limits.maskingPlansPerSession } : {}),
    ...(limits.maskingPlanBytesPerSession !== undefined ? { bytesPerSession: limits.maskingPlanBytesPerSession } : {}),
  };
}

/** Recording sessions a RecordedPlans keeps track of (most recently used kept). */
const SESSIONS_KEPT = 256;

/** The session's recording holds as many masking plans (or bytes of them) as it may: the answer is withheld. */
export class MaskingPlanLimitError extends Error {
  constructor(readonly reached: MaskingPlanLimit) {
    super(reached.kind === 'plans'
      ? `this session has already recorded ${reached.limit} distinct masking plans, the gateway's limit per session (${WHY_AND_WHAT_NOW}`
      : `this session's masking plans already take ${reached.used} bytes of the audit record, and this answer's plan would pass the gateway's limit of ${reached.limit} bytes per session (${WHY_AND_WHAT_NOW}`);
    this.name = 'MaskingPlanLimitError';
  }

  /** The bound reached (plans, or bytes of plans). */
  get limit(): number {
    return this.reached.limit;
  }
}

const WHY_AND_WHAT_NOW = 'each answer\'s masking report goes into the audit record once per plan, and the limit keeps a flood of distinct statements from bloating it); statements already answered in this session still work, a new one needs a new session (2025 clients) or a new grant (2026-07-28 clients)';

export class RecordedPlans {
  /** Per recording session, least recently used first: each plan's digest, `true` once in the recording, or the write that carries it (resolving whether it was taken). */
  private readonly sessions = new Map<string, Map<string, true | Promise<boolean>>>();
  private readonly maxSessions: number;
  /** What the recording may hold per session, handed to every write that carries a plan. */
  readonly bound: Readonly<MaskingPlanBound>;

  constructor(options: { sessions?: number; perSession?: number; bytesPerSession?: number } = {}) {
    this.maxSessions = options.sessions ?? SESSIONS_KEPT;
    this.bound = Object.freeze({ plans: options.perSession ?? MASKING_PLANS_PER_SESSION, bytes: options.bytesPerSession ?? MASKING_PLAN_BYTES_PER_SESSION });
    if (![this.maxSessions, this.bound.plans, this.bound.bytes].every((n) => Number.isSafeInteger(n) && n >= 1)) {
      throw new Error(`RecordedPlans needs whole numbers of sessions, plans and bytes per session, at least 1 (got ${this.maxSessions}, ${this.bound.plans} and ${this.bound.bytes})`);
    }
  }

  /**
   * Records an answer masked by `plan` (without a plan: `write()` as it is). `write(planEntry?,
   * bound?)` writes the answer's response entry, which names `plan.digest`; given `planEntry`, with
   * that entry just before it in the same atomic step, within `bound`. It resolves whether the
   * recording took it (a rejection counts as not taken), and rejects with the recording's
   * RECORDING_PLAN_LIMIT when the plan would pass the bound: then this throws MaskingPlanLimitError
   * (nothing was written). Otherwise resolves what `write` did.
   */
  async record(requestId: string, sessionId: string, plan: MaskingPlanReport | undefined, write: (planEntry?: MaskingPlanEntry, bound?: MaskingPlanBound) => Promise<boolean>): Promise<boolean> {
    if (!plan) return write();
    const plans = this.session(`${requestId}\u0000${sessionId}`);
    for (;;) {
      const known = plans.get(plan.digest);
      if (known === true) return write();
      if (known) {
        // Another call carries this plan: once it is in, this answer may name it; if it was not taken, try again.
        await known;
        continue;
      }
      let taken = false;
      let settle!: (taken: boolean) => void;
      const carrying = new Promise<boolean>((resolve) => (settle = resolve));
      plans.set(plan.digest, carrying);
      try {
        taken = await write({ sessionId, digest: plan.digest, salt: plan.salt, report: plan.report }, this.bound);
        return taken;
      } catch (error) {
        if (error instanceof RecordingError && error.code === 'RECORDING_PLAN_LIMIT' && error.planLimit) throw new MaskingPlanLimitError(error.planLimit);
        throw error;
      } finally {
        if (plans.get(plan.digest) === carrying) {
          if (taken) plans.set(plan.digest, true);
          else plans.delete(plan.digest);
        }
        settle(taken);
      }
    }
  }

  private session(key: string): Map<string, true | Promise<boolean>> {
    let plans = this.sessions.get(key);
    if (plans) this.sessions.delete(key);
    else plans = new Map();
    this.sessions.set(key, plans);
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return plans;
  }

  /** Plans known or being written, over every session kept. */
  get size(): number {
    let n = 0;
    for (const plans of this.sessions.values()) n += plans.size;
    return n;
  }
}
