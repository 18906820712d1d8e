import type { EntityType, Finding } from '../types';

export interface Detector {
  name: string;
  /** Every regex the detector runs, so the safety test can check each one. */
  patterns: readonly RegExp[];
  detect(text: string): Finding[];
}

/** Runs a global regex over text, one callback per match (zero-length matches are skipped). */
export function eachMatch(pattern: RegExp, text: string, onMatch: (match: RegExpExecArray) => void): void {
  if (!pattern.global) throw new Error(`pattern ${pattern.source} must be global`);
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    onMatch(match);
  }
}

export function finding(type: EntityType, start: number, end: number, score: number): Finding {
  return { type, start, end, score };
}

/** Start and end of capture group `group` (the pattern needs the `d` flag). */
export function groupSpan(match: RegExpExecArray, group: number): [number, number] | undefined {
  return match.indices?.[group] as [number, number] | undefined;
}
