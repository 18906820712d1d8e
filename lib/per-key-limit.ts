/**
 * Runs tasks with at most `width` running at once per key; the others wait in arrival order.
 * A key with nothing running or waiting holds no memory.
 *
 * Written here rather than taken from npm: p-limit is ESM-only and limits one pool, not one
 * per key; this is the twenty lines of it that a per-key lane needs.
 */
export class PerKeyLimit {
  private readonly lanes = new Map<string, { running: number; waiting: (() => void)[] }>();

  constructor(readonly width: number) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`PerKeyLimit needs a width of at least 1, not ${width}`);
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      this.lanes.set(key, lane);
    }
    if (lane.running < this.width) lane.running += 1;
    else await new Promise<void>((resolve) => lane!.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // A finished task hands its place to the next one waiting, or gives it back.
      const next = lane.waiting.shift();
      if (next) next();
      else if (--lane.running === 0) this.lanes.delete(key);
    }
  }

  /** Tasks running and waiting for `key` (for tests and metrics). */
  load(key: string): { running: number; waiting: number } {
    const lane = this.lanes.get(key);
    return { running: lane?.running ?? 0, waiting: lane?.waiting.length ?? 0 };
  }
}
