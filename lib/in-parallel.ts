/**
 * Runs `work` over `items` with at most `width` running at once, taking items in their order,
 * and returns the results in the items' order. The first failure rejects the whole (as
 * Promise.all does); work already started runs on, and no new item is started after it.
 *
 * Written here rather than taken from npm: p-map does this, but it is ESM-only (one more entry in
 * jest's transform list, a dependency for twenty lines); the export loop, the conformance suite and
 * the benches each had their own copy of these lines before.
 */
export async function inParallel<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`inParallel needs a width of at least 1, not ${width}`);
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const runner = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!, i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, runner));
  return results;
}
