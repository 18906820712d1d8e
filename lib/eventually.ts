export interface EventuallyOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** First pause between checks; it doubles up to 250 ms so a long wait does not flood what it polls. */
  intervalMs?: number;
}

/** What `eventually` hands back: the check's value, known not to be falsy. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Checks `check` until it returns something truthy, and returns that. A falsy value or a thrown
 * error means "not yet"; when the time runs out the error names `what` (a string, or a function
 * that describes what there is at that moment) and the last failure. The one way the project
 * waits for a condition: tests (through test/support/eventually.ts) and the dev stack's drivers.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string | (() => string),
  options: EventuallyOptions | number = {},
): Promise<Truthy<T>> {
  const { timeoutMs = 60_000, intervalMs = 25 } = typeof options === 'number' ? { timeoutMs: options } : options;
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
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}${why}`);
}
