import { inParallel } from '../../lib';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('inParallel()', () => {
  test('returns results in the order of the items, whatever order they finish in', async () => {
    const results = await inParallel([30, 5, 20, 1, 10], 3, async (n, i) => {
      for (let k = 0; k < n; k++) await tick();
      return `${i}:${n}`;
    });
    expect(results).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10']);
  });

  test('never runs more than its width at once, and starts items in their order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await inParallel(Array.from({ length: 20 }, (_, i) => i), 4, async (i) => {
      started.push(i);
      most = Math.max(most, ++running);
      for (let k = 0; k < (i % 5) + 1; k++) await tick();
      running--;
    });
    expect(most).toBe(4);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  test('rejects with the first failure and starts no item after it', async () => {
    const started: number[] = [];
    await expect(inParallel(Array.from({ length: 10 }, (_, i) => i), 2, async (i) => {
      started.push(i);
      await tick();
      if (i === 3) throw new Error('item 3 failed');
      return i;
    })).rejects.toThrow('item 3 failed');
    await tick();
    // 0..3 started before 3 failed, 4 was started by the other runner beside it; nothing after.
    expect(Math.max(...started)).toBeLessThanOrEqual(4);
  });

  test('an empty list is no work, and a width below one is a mistake', async () => {
    await expect(inParallel([], 4, async () => 1)).resolves.toEqual([]);
    await expect(inParallel([1], 0, async () => 1)).rejects.toThrow('inParallel needs a width of at least 1, not 0');
  });
});
