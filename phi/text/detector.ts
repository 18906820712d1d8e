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

/**
 * eachMatch(pattern, text) without scanning the whole text, for a pattern each of whose matches
 * contains a match of the cheap `cue` (a literal-led scan) and lies within `before` characters
 * before that cue's start and `after` characters after it, less `tailRoom` for its lookaheads. Only
 * windows around the cues are scanned, merged where they touch, so the matches are the same as one
 * global scan's. A window opens after a blank (or at the text's start), where a lookbehind for a
 * letter, a digit or a hyphen sees the same as in the whole text.
 */
export function eachMatchNear(
  pattern: RegExp,
  text: string,
  cue: RegExp,
  reach: { before: number; after: number; tailRoom: number },
  onMatch: (match: RegExpExecArray, index: number) => void,
): void {
  const windows: [number, number][] = [];
  eachMatch(cue, text, (m) => {
    const last = windows[windows.length - 1];
    // Back to a blank, but never past the last window's end (it merges there anyway): linear overall.
    const floor = last ? last[1] : 0;
    let from = Math.max(0, m.index - reach.before);
    while (from > floor && !isBlank(text.charCodeAt(from - 1))) from--;
    const to = Math.min(text.length, m.index + reach.after);
    if (last && from <= last[1]) {
      last[0] = Math.min(last[0], from);
      last[1] = to;
    } else windows.push([from, to]);
  });
  for (const [from, to] of windows) {
    const slice = text.slice(from, to);
    eachMatch(pattern, slice, (m) => {
      if (to < text.length && m.index + m[0].length > slice.length - reach.tailRoom) return;
      onMatch(m, from + m.index);
    });
  }
}
const isBlank = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;
