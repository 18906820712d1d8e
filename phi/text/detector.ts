import type { EntityType, Finding } from '../types';

/** What a string contains, measured in one pass, so detectors that cannot match are skipped. */
export interface TextFeatures {
  digit: boolean;
  upper: boolean;
  at: boolean;
  colon: boolean;
}

export function textFeatures(text: string): TextFeatures {
  const f: TextFeatures = { digit: false, upper: false, at: false, colon: false };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) f.digit = true;
    else if (c >= 65 && c <= 90) f.upper = true;
    else if (c === 64) f.at = true;
    else if (c === 58) f.colon = true;
    if (f.digit && f.upper && f.at && f.colon) break;
  }
  return f;
}

export interface Detector {
  name: string;
  /** Every regex the detector runs, so the safety test can check each one. */
  patterns: readonly RegExp[];
  /** False when the text cannot hold a match (e.g. no digit for a number detector). */
  applies?(features: TextFeatures): boolean;
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
