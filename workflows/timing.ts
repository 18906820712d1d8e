// When things happen in a request's life: pure rules, shared by the workflow and its tests.

/** A start this much later than the acceptance gets its own timeline entry ('started'). */
export const START_DELAY_SHOWN_MS = 1_000;
/** A grant no longer than the policy's warning hears "expiring soon" this share of its length before its end. */
const SHORT_GRANT_WARNING_SHARE = 0.25;

/**
 * When the request was accepted: the entry point's stamp, never later than the workflow's start
 * (Temporal's clock) nor its first run; a missing or unreadable stamp (older histories) gives the first run.
 */
export function acceptanceTime(acceptedAt: string | undefined, started: Date | undefined, firstRun: string): string {
  const accepted = acceptedAt === undefined ? NaN : Date.parse(acceptedAt);
  if (Number.isNaN(accepted)) return firstRun;
  const bound = Math.min(started ? started.getTime() : Infinity, Date.parse(firstRun));
  return new Date(Math.min(accepted, bound)).toISOString();
}

/**
 * How long before its end a grant of `grantMs` hears "expiring soon": the policy's warning when the
 * grant is longer than it; a shorter grant hears it at its last quarter (a 5-minute grant under a
 * 10-minute warning hears it at 3:45, not as it becomes active).
 */
export function expiringSoonLeadMs(grantMs: number, warningMs: number): number {
  if (grantMs > warningMs) return Math.max(0, warningMs);
  return Math.max(0, Math.floor(grantMs * SHORT_GRANT_WARNING_SHARE));
}
