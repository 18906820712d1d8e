import { maskText, parseMaskingPolicy } from '../../phi';

/** Free text masked under the default policy, and the two checks the detector-round tests make on it. */
const policy = parseMaskingPolicy({});

export const mask = (text: string): string => maskText(text, policy).text;

export function expectGone(masked: string, values: readonly string[]): void {
  for (const value of values) expect(masked).not.toContain(value);
}

export function expectKept(masked: string, values: readonly string[]): void {
  for (const value of values) expect(masked).toContain(value);
}
