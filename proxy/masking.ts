import type { PhiCatalog } from '../phi';
import type { Logger } from '../lib';

/**
 * The gateway's narrow view of the PHI engine (phi/): everything a client receives passes
 * through a ResponseMasker first. An exception means "could not mask": the gateway then
 * withholds the response (fail closed), it never passes it through.
 */
export interface MaskSummary {
  /** How many values of each PHI type were replaced; never the values themselves. */
  counts: Record<string, number>;
  total: number;
}

export interface MaskOutcome<T> {
  masked: T;
  report: MaskSummary;
  /**
   * The full report of the masking plan this value was masked by (lineage: sources and rule per
   * column), for the recording: written once per session per digest (a `masking_plan` entry)
   * before the answer, which carries only the digest.
   */
  plan?: MaskingPlanReport;
}

/** What a `masking_plan` recording entry holds (audit/ maskingPlanSchema); `digest` = maskingPlanDigest(salt, report). */
export interface MaskingPlanReport {
  digest: string;
  salt: string;
  report: Record<string, unknown>;
}

export interface MaskContext {
  target: string;
  /** What is being masked: "result" of a tools/call, "arguments" for the recording, ... */
  part: 'result' | 'arguments' | 'notification' | 'summary';
  method: string;
  /** The tool whose result or arguments these are (tools/call only). */
  tool?: string;
  /** The forwarded call's arguments (tools/call only), from the gateway's own record of what it forwarded. */
  arguments?: Record<string, unknown>;
  /** completion/complete only: the argument whose suggested values these are, from the forwarded record. */
  completing?: string;
  /**
   * The recording session the answer goes into (a 2025 session's id; a 2026-07-28 grant's one
   * session). A result's masking plan digest is salted per session with it (PhiMasker): replicas
   * serving one session agree on every digest.
   */
  sessionId?: string;
}

export interface ResponseMasker {
  mask<T>(value: T, context: MaskContext): MaskOutcome<T> | Promise<MaskOutcome<T>>;
  /** The PHI catalog in force for the target (lineage masking); a masker without one judges no predicates. */
  phiCatalog?(): Promise<PhiCatalog>;
}

export const emptyMaskSummary = (): MaskSummary => ({ counts: {}, total: 0 });

/** The recording's form of a summary: one entry per PHI type with a positive count. */
export function maskedEntries(summary: MaskSummary): { type: string; count: number }[] {
  return Object.entries(summary.counts).filter(([, count]) => count > 0).map(([type, count]) => ({ type, count }));
}

export function mergeSummaries(...summaries: MaskSummary[]): MaskSummary {
  const counts: Record<string, number> = {};
  let total = 0;
  for (const s of summaries) {
    for (const [type, count] of Object.entries(s.counts)) counts[type] = (counts[type] ?? 0) + count;
    total += s.total;
  }
  return { counts, total };
}

/**
 * Masks `value` and merges its report, or, when the masker throws, logs why and answers
 * undefined: the caller withholds the message (fail closed, never the unmasked value).
 */
export async function maskOrWithhold<T>(masker: ResponseMasker, log: Logger, value: T, context: MaskContext): Promise<{ masked: T; report: MaskSummary; plan?: MaskingPlanReport } | undefined> {
  try {
    const out = await masker.mask(value, context);
    return { masked: out.masked, report: mergeSummaries(out.report), ...(out.plan ? { plan: out.plan } : {}) };
  } catch (error) {
    log.error({ err: (error as Error).message, method: context.method, part: context.part }, 'masking failed; withholding');
    return undefined;
  }
}
