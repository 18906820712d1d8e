import type { EntityType, Finding } from '../types';
import type { GoldSpan } from './document';

export interface Tally {
  /** Gold identifiers fully masked with the right type. */
  found: number;
  gold: number;
  /** Predicted findings that mostly lie on a gold identifier of the same type. */
  correct: number;
  predicted: number;
  /** Gold identifiers with every character but spaces masked, whatever the type (strict span recall). */
  strict: number;
}

export const emptyTally = (): Tally => ({ found: 0, gold: 0, correct: 0, predicted: 0, strict: 0 });

export function add(into: Tally, other: Tally): void {
  into.found += other.found;
  into.gold += other.gold;
  into.correct += other.correct;
  into.predicted += other.predicted;
  into.strict += other.strict;
}

export const precision = (t: Tally) => (t.predicted === 0 ? 1 : t.correct / t.predicted);
export const recall = (t: Tally) => (t.gold === 0 ? 1 : t.found / t.gold);
export const strictRecall = (t: Tally) => (t.gold === 0 ? 1 : t.strict / t.gold);
/** F-beta with beta 2: recall weighs four times as much as precision (a leak costs more than an extra mask). */
export function f2(t: Tally): number {
  const p = precision(t);
  const r = recall(t);
  return p + r === 0 ? 0 : (5 * p * r) / (4 * p + r);
}

const isAlnum = (c: string) => /[\p{L}\p{N}]/u.test(c);

/**
 * Scores one document. A gold identifier counts as found only when every letter and digit of it
 * is covered by findings of its type (a half-masked name is a leak). A finding is correct when at
 * least half of its letters and digits lie on gold identifiers of its type.
 */
export function scoreDocument(text: string, gold: readonly GoldSpan[], predicted: readonly Finding[], byType: Map<EntityType, Tally>, anyType: Tally): void {
  const tally = (type: EntityType) => {
    let t = byType.get(type);
    if (!t) byType.set(type, (t = emptyTally()));
    return t;
  };
  const goldType: (EntityType | undefined)[] = new Array(text.length);
  for (const g of gold) for (let i = g.start; i < g.end; i++) goldType[i] = g.type;
  const predType: (EntityType | undefined)[] = new Array(text.length);
  for (const f of predicted) for (let i = f.start; i < f.end; i++) predType[i] = f.type;

  for (const g of gold) {
    const t = tally(g.type);
    t.gold++;
    anyType.gold++;
    let typed = true;
    let masked = true;
    let strict = true;
    for (let i = g.start; i < g.end; i++) {
      if (predType[i] === undefined && !/\s/.test(text[i]!)) strict = false;
      if (!isAlnum(text[i]!)) continue;
      if (predType[i] !== g.type) typed = false;
      if (predType[i] === undefined) masked = false;
    }
    if (typed) t.found++;
    if (masked) anyType.found++;
    if (strict) {
      t.strict++;
      anyType.strict++;
    }
  }
  for (const f of predicted) {
    const t = tally(f.type);
    t.predicted++;
    anyType.predicted++;
    let chars = 0;
    let onGold = 0;
    let onAnyGold = 0;
    for (let i = f.start; i < f.end; i++) {
      if (!isAlnum(text[i]!)) continue;
      chars++;
      if (goldType[i] === f.type) onGold++;
      if (goldType[i] !== undefined) onAnyGold++;
    }
    if (chars === 0 || onGold * 2 >= chars) t.correct++;
    if (chars === 0 || onAnyGold * 2 >= chars) anyType.correct++;
  }
}
