/**
 * The promise's value, or null when it does not settle within `ms` (the work itself runs on; a
 * later rejection is handled by the race). For waits that must answer by a time: a page, a long-poll.
 */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), Math.max(0, ms)); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
