/**
 * What the held-out sets draw from their random source. Each set keeps a generator of its own
 * (`next`, a number in [0, 1)), so no set's values follow from another's; the draws made from it
 * are the same everywhere.
 */
export abstract class Draws {
  abstract next(): number;

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}
