import ms from 'ms';

/**
 * Parses a human duration ("90s", "30m", "8h", "2d") or a positive number of milliseconds.
 * Compound forms ("1h30m") are not accepted: write "90m".
 */
export function parseDuration(value: string | number, what = 'duration'): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return Math.round(value);
    throw new Error(`${what} must be a positive number of milliseconds, got ${value}`);
  }
  const parsed = /^\s*\d+(\.\d+)?\s*[a-zA-Z]+\s*$/.test(value) ? ms(value as ms.StringValue) : undefined;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new Error(`${what} "${value}" is not a duration; write it like "90s", "30m", "8h" or "2d"`);
  }
  return parsed;
}

export function formatDuration(millis: number): string {
  return ms(millis, { long: true });
}
