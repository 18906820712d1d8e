/**
 * Context words: the label or phrase that tells a reader what a number is ("MRN", "fax",
 * "member id"). Detectors look a short distance before a candidate.
 */
export interface ContextMatcher {
  /** True when one of the words ends within `window` characters before `start`. */
  before(text: string, start: number, window?: number): boolean;
}

export function contextWords(words: readonly string[]): ContextMatcher {
  const pattern = new RegExp(
    `(?:^|[^a-z0-9])(?:${words.map((w) => w.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s_-]{0,3}')).join('|')})(?![a-z])`,
  );
  return {
    before(text, start, window = 40) {
      return pattern.test(text.slice(Math.max(0, start - window), start).toLowerCase());
    },
  };
}
