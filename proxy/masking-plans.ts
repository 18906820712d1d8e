import type { MaskingPlanReport } from './masking';
import type { MaskingPlanEntry } from './recording';

/**
 * Distinct masking plans one recording session may record (a 2025 session; a 2026-07-28 grant's
 * one session). Each is a ~1 KB entry (more for wide results) kept six years in the archive, and a
 * hostile agent makes a new one with every new alias (`SELECT 1 AS x1`, `x2`...). An analyst's
 * session runs tens to a few hundred distinct statements.
 */
export const MASKING_PLANS_PER_SESSION = 1000;

/** Recording sessions a RecordedPlans keeps track of (most recently used kept). */
const SESSIONS_KEPT = 256;

/** The session has recorded as many distinct masking plans as it may: the answer is withheld. */
export class MaskingPlanLimitError extends Error {
  constructor(readonly limit: number) {
    super(`this session has already recorded ${limit} distinct masking plans, the gateway's limit per session (each answer's masking report goes into the audit record once per plan, and the limit keeps a flood of distinct statements from bloating it); statements already answered in this session still work, a new one needs a new session (2025 clients) or a new grant (2026-07-28 clients)`);
    this.name = 'MaskingPlanLimitError';
  }
}

/**
 * Which masking plans each recording session holds. A plan's full report (sources and rule per
 * column, ~1 KB) goes into the recording once per session, as a `masking_plan` entry written in
 * the same atomic step as, and just before, the first answer masked by it (the recorder's
 * `response(..., plan)`); every answer names it by digest. The digest covers the whole report
 * (audit/ maskingPlanDigest), so anything that changes what the report says (a column name, an
 * unreadable key, another rule) is another plan and gets its own entry.
 *
 * At least once, never zero times: calls of the same new plan at once wait for the one carrying
 * it; when that write is not taken (its answer is withheld), the next of them carries the plan
 * itself. A session carried on by another process, or one pushed out of this bounded memory, simply
 * writes its plans again. At most `perSession` distinct plans per session (MaskingPlanLimitError).
 */
export class RecordedPlans {
  /** Per recording session, least recently used first: each plan's digest, `true` once in the recording, or the write that carries it (resolving whether it was taken). */
  private readonly sessions = new Map<string, Map<string, true | Promise<boolean>>>();
  private readonly maxSessions: number;
  private readonly perSession: number;

  constructor(options: { sessions?: number; perSession?: number } = {}) {
    this.maxSessions = options.sessions ?? SESSIONS_KEPT;
    this.perSession = options.perSession ?? MASKING_PLANS_PER_SESSION;
    if (!Number.isInteger(this.maxSessions) || this.maxSessions < 1 || !Number.isInteger(this.perSession) || this.perSession < 1) {
      throw new Error(`RecordedPlans needs whole numbers of sessions and plans per session, at least 1 (got ${this.maxSessions} and ${this.perSession})`);
    }
  }

  /**
   * Records an answer masked by `plan` (without a plan: `write()` as it is). `write(planEntry?)`
   * writes the answer's response entry, which names `plan.digest`; given `planEntry`, with that
   * entry just before it in the same atomic step. It resolves whether the recording took it (a
   * rejection counts as not taken). Resolves what `write` did; throws MaskingPlanLimitError,
   * before any write, for a new plan in a session at its limit.
   */
  async record(requestId: string, sessionId: string, plan: MaskingPlanReport | undefined, write: (planEntry?: MaskingPlanEntry) => Promise<boolean>): Promise<boolean> {
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
      if (plans.size >= this.perSession) throw new MaskingPlanLimitError(this.perSession);
      let taken = false;
      let settle!: (taken: boolean) => void;
      const carrying = new Promise<boolean>((resolve) => (settle = resolve));
      plans.set(plan.digest, carrying);
      try {
        taken = await write({ sessionId, digest: plan.digest, salt: plan.salt, report: plan.report });
        return taken;
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
