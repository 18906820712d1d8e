/**
 * How long a test waits, by default, for something that must happen. Generous on purpose: on a
 * loaded machine (two suites at once on two cores) a Temporal round trip or a process start
 * takes many times what it takes on a quiet one, and a wait that is satisfied returns at once.
 * GATEHOUSE_TEST_PATIENCE_MS raises it further on a slow CI runner.
 */
export const PATIENCE_MS = Number(process.env.GATEHOUSE_TEST_PATIENCE_MS) || 60_000;

export interface EventuallyOptions {
  /** Give up after this long (default PATIENCE_MS). */
  timeoutMs?: number;
  /** First pause between checks; it doubles up to 250 ms so a long wait does not flood what it polls. */
  intervalMs?: number;
}

/**
 * Checks `check` until it returns something truthy, and returns that. A falsy value or a thrown
 * error means "not yet"; when the time runs out the error names `what` and the last failure.
 * The one way a test waits for a condition (no fixed sleeps where a condition can be awaited).
 */
/** What `eventually` hands back: the check's value, known not to be falsy. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

export async function eventually<T>(check: () => T | Promise<T>, what: string, options: EventuallyOptions | number = {}): Promise<Truthy<T>> {
  const { timeoutMs = PATIENCE_MS, intervalMs = 25 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let pause = intervalMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
    pause = Math.min(pause * 2, 250);
  }
  const why = last instanceof Error ? `: ${last.message}` : last === undefined ? '' : `: ${String(last)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
}

/**
 * Waits until the wall clock has passed `moment` (a grant's end, a token's expiry): for a test
 * whose point is that time went by, stated as the moment rather than as a number of seconds.
 */
export async function clockPasses(moment: Date | number): Promise<void> {
  const at = typeof moment === 'number' ? moment : moment.getTime();
  while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, Math.max(1, at - Date.now() + 1)));
}
