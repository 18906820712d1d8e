import type { MaskingPlanReport } from './masking';
import type { GatewayRecorder } from './recording';

/**
 * Which masking plans a recording session already holds. A plan's full report (sources and rule
 * per column, ~1 KB) goes into the recording once per session, as a `masking_plan` entry written
 * before the first answer masked by it; every answer then names it by digest. The digest covers
 * the whole report (audit/ maskingPlanDigest), so anything that changes what the report says (a
 * column name, an unreadable key, another rule) is another plan and gets its own entry.
 *
 * At least once, never zero times: calls of the same new plan at once share one write and all
 * wait for it; a failed write is forgotten (the answers that waited on it are withheld, the next
 * call writes again); a session carried on by another process, or a plan pushed out of this
 * bounded memory, is simply written again.
 */
export class RecordedPlans {
  private readonly written = new Map<string, Promise<void>>();

  constructor(private readonly max = 1024) {}

  /** Resolves once `plan`'s entry is in the recording of (requestId, sessionId); rejects when the recording did not take it. */
  ensure(recorder: Pick<GatewayRecorder, 'maskingPlan'>, requestId: string, sessionId: string, plan: MaskingPlanReport): Promise<void> {
    const key = `${requestId}\u0000${sessionId}\u0000${plan.digest}`;
    const known = this.written.get(key);
    if (known) return known;
    const write = recorder.maskingPlan(requestId, { sessionId, digest: plan.digest, salt: plan.salt, report: plan.report }).then(() => undefined);
    this.written.set(key, write);
    write.catch(() => {
      if (this.written.get(key) === write) this.written.delete(key);
    });
    while (this.written.size > this.max) this.written.delete(this.written.keys().next().value!);
    return write;
  }

  /**
   * `entry` naming `plan` by its digest, once the plan's entry is in the recording (rejects as
   * `ensure` does); without a plan, `entry` as it is.
   */
  async naming<E extends object>(recorder: Pick<GatewayRecorder, 'maskingPlan'>, requestId: string, sessionId: string, plan: MaskingPlanReport | undefined, entry: E): Promise<E & { maskingPlan?: string }> {
    if (!plan) return entry;
    await this.ensure(recorder, requestId, sessionId, plan);
    return { ...entry, maskingPlan: plan.digest };
  }

  get size(): number {
    return this.written.size;
  }
}
