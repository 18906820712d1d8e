import { ApplicationFailure } from '@temporalio/common';

/**
 * The Slack transport of the quick tries (worker/notifier.ts): one attempt, a Retry-After or an
 * unknown outcome ends it at once (maxDelayMs 0), and 2 s per call (the local activity allows 5 s in all).
 */
export const QUICK_TRANSPORT = { maxAttempts: 1, maxDelayMs: 0, timeoutMs: 2_000 } as const;

/** After a quick try fails, this worker's next ones are skipped for this long (the notice goes out as an activity). */
export const QUICK_PAUSE_MS = 30_000;

/**
 * The quick tries of one worker process: a notice's first try runs as a local activity, which holds
 * its workflow task and a workflow task slot while it runs. Slack being slow or refusing us would
 * then hold every workflow this worker runs, revocations included; so after one quick try fails,
 * the next ones give up at once for a while and their notices go out as ordinary activities.
 */
export class QuickNotices {
  private pausedUntil = 0;
  constructor(private readonly pauseMs = QUICK_PAUSE_MS, private readonly clock: () => number = Date.now) {}

  /** Throws (retryable: the workflow hands the notice to its activity) while quick tries are paused. */
  assertOpen(): void {
    if (this.clock() < this.pausedUntil) {
      throw ApplicationFailure.retryable('quick notices are paused after a failed one; the notice goes out as an activity', 'quick_notices_paused');
    }
  }

  failed(): void {
    this.pausedUntil = this.clock() + this.pauseMs;
  }
}

/** Thrown by a quick try when this worker has no snapshot of the status (asking the workflow would wait for the task the try holds). */
export function noQuickStatus(): ApplicationFailure {
  return ApplicationFailure.retryable('this worker holds no snapshot of the status; the notice goes out as an activity', 'quick_notice_no_status');
}
