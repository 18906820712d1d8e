import { PerKeyLimit } from '../../lib';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PerKeyLimit', () => {
  test('runs at most its width at once per key, in arrival order, keys independent of each other', async () => {
    const limit = new PerKeyLimit(3);
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    const started: string[] = [];
    await Promise.all(Array.from({ length: 24 }, (_, i) => {
      const key = i % 2 ? 'b' : 'a';
      return limit.run(key, async () => {
        started.push(`${key}${i}`);
        running.set(key, (running.get(key) ?? 0) + 1);
        most.set(key, Math.max(most.get(key) ?? 0, running.get(key)!));
        for (let k = 0; k < (i % 4) + 1; k++) await tick();
        running.set(key, running.get(key)! - 1);
      });
    }));
    expect(Object.fromEntries(most)).toEqual({ a: 3, b: 3 });
    for (const key of ['a', 'b']) {
      const order = started.filter((s) => s.startsWith(key)).map((s) => Number(s.slice(1)));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  test('a failing task frees its place, its caller gets the failure, and the others run', async () => {
    const limit = new PerKeyLimit(1);
    const outcomes = await Promise.allSettled([
      limit.run('k', async () => { await tick(); throw new Error('boom'); }),
      limit.run('k', async () => 'second'),
      limit.run('k', async () => 'third'),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual(['boom', 'second', 'third']);
  });

  test('a key holds nothing once its tasks are done; waiting is visible while they run', async () => {
    const limit = new PerKeyLimit(2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const all = Promise.all(Array.from({ length: 5 }, () => limit.run('k', () => gate)));
    await tick();
    expect(limit.load('k')).toEqual({ running: 2, waiting: 3 });
    release();
    await all;
    expect(limit.load('k')).toEqual({ running: 0, waiting: 0 });
    expect((limit as unknown as { lanes: Map<string, unknown> }).lanes.size).toBe(0);
  });

  test('refuses a width that is not a positive integer', () => {
    expect(() => new PerKeyLimit(0)).toThrow(/width of at least 1, not 0/);
    expect(() => new PerKeyLimit(1.5)).toThrow(RangeError);
  });
});
