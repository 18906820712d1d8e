import { eventually as eventuallyWithin, type EventuallyOptions, type Truthy } from '../../lib/eventually';

export type { EventuallyOptions, Truthy };

/**
 * How long a test waits, by default, for something that must happen. Generous on purpose: on a
 * loaded machine (two suites at once on two cores) a Temporal round trip or a process start
 * takes many times what it takes on a quiet one, and a wait that is satisfied returns at once.
 * GATEHOUSE_TEST_PATIENCE_MS raises it further on a slow CI runner.
 */
export const PATIENCE_MS = Number(process.env.GATEHOUSE_TEST_PATIENCE_MS) || 60_000;

/**
 * Checks `check` until it returns something truthy, and returns that (lib/eventually.ts), waiting
 * at most PATIENCE_MS unless told otherwise. The one way a test waits for a condition: no fixed
 * sleeps where a condition can be awaited.
 */
export function eventually<T>(check: () => T | Promise<T>, what: string | (() => string), options: EventuallyOptions | number = {}): Promise<Truthy<T>> {
  const resolved = typeof options === 'number' ? { timeoutMs: options } : options;
  return eventuallyWithin(check, what, { ...resolved, timeoutMs: resolved.timeoutMs ?? PATIENCE_MS });
}

/**
 * Waits until the wall clock has passed `moment` (a grant's end, a token's expiry): for a test
 * whose point is that time went by, stated as the moment rather than as a number of seconds.
 */
export async function clockPasses(moment: Date | number): Promise<void> {
  const at = typeof moment === 'number' ? moment : moment.getTime();
  while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, Math.max(1, at - Date.now() + 1)));
}
