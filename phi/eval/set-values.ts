import type { Draws } from './draws';
import type { NameSource } from './name-source';

export const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * What every held-out set's values start from: its random source, its names, a calendar date
 * and an age that is over 89 with the set's chance. Each set adds the formats its shapes write
 * (sets 4, 5 and 8 predate this base and keep their own, so their generated text stays byte for
 * byte the same).
 */
export class SetValues<R extends Draws = Draws> {
  constructor(
    protected readonly r: R,
    readonly names: NameSource,
    private readonly oldShare = 0.6,
  ) {}
  ymd(from = 1920, to = 2025): { y: number; m: number; d: number } {
    return { y: this.r.int(from, to), m: this.r.int(1, 12), d: this.r.int(1, 28) };
  }
  /** An age: over 89 (PHI under Safe Harbor) with the set's chance, else 18-89 (not PHI). */
  age(): number {
    return this.r.chance(this.oldShare) ? this.r.int(90, 106) : this.r.int(18, 89);
  }
}
