import { looksBinary } from './input';
/**
 * Short one-line texts in which the detectors found nothing, remembered across masking calls.
 *
 * A warehouse result repeats the same values call after call (codes, categories, descriptions),
 * and scanning a short cell is most of what masking a structured result costs. A text is
 * remembered only when (1) scanning it found nothing, so it is what the gateway sends on
 * unchanged, and (2) it is one line of at most MAX_TEXT characters: for such a text the findings
 * are a pure function of the text and the scan settings (minScore, ignore, publicHosts; embedded
 * tables need two lines), so answering "nothing found" from memory is exactly what a scan would
 * answer. Texts with a finding are never kept: this memo holds no value the engine masks, only
 * values that already left in clear (a sampling probe, "label value", is kept only once its
 * value itself was scanned clean as a cell, or is one no rule could mask: passesUnscanned). What a detector decides by the clock (a log line's
 * timestamp of this year or the next) is kept from going stale by forgetting everything when the
 * UTC year turns. Bounded: MAX_ENTRIES texts and MAX_CHARS characters per scan setting (oldest out
 * first), MAX_SETTINGS settings.
 */

const MAX_TEXT = 1024;
const MAX_ENTRIES = 20_000;
/** Characters held per scan setting (about 2 MB as UTF-16). */
const MAX_CHARS = 1_000_000;
const MAX_SETTINGS = 16;

/**
 * What a scan of a one-line text depends on besides the text (a MaskingPolicy carries them all),
 * and `binary`: under `redact` only texts that do not look binary are remembered, so maskString
 * may answer from memory before it checks.
 */
export interface ScanSettings {
  readonly minScore: number;
  readonly ignore: readonly string[];
  readonly publicHosts?: readonly string[];
  readonly binary?: string;
}

interface Keyed {
  key: string;
  // The exact arrays and lengths the key was made from: a settings object changed after use gets a new key.
  minScore: number;
  ignore: readonly string[];
  ignoreLength: number;
  publicHosts: readonly string[] | undefined;
  publicHostsLength: number;
  binary: string | undefined;
}

const keys = new WeakMap<ScanSettings, Keyed>();
/** The texts of one scan setting, and the order they came in (a queue: `order` from `head` on). */
interface Remembered { texts: Set<string>; order: string[]; head: number; chars: number }
const sets = new Map<string, Remembered>();
let forgetAt = nextUtcYear();

function nextUtcYear(): number {
  return Date.UTC(new Date().getUTCFullYear() + 1, 0, 1);
}

function keyOf(settings: ScanSettings): string {
  const known = keys.get(settings);
  if (known && known.minScore === settings.minScore && known.ignore === settings.ignore && known.ignoreLength === settings.ignore.length
    && known.publicHosts === settings.publicHosts && known.publicHostsLength === (settings.publicHosts?.length ?? 0) && known.binary === settings.binary) return known.key;
  const key = JSON.stringify([settings.minScore, [...settings.ignore].sort(), [...(settings.publicHosts ?? [])].sort(), settings.binary === 'redact']);
  keys.set(settings, {
    key, minScore: settings.minScore, ignore: settings.ignore, ignoreLength: settings.ignore.length,
    publicHosts: settings.publicHosts, publicHostsLength: settings.publicHosts?.length ?? 0, binary: settings.binary,
  });
  return key;
}

function setOf(settings: ScanSettings, create: boolean): Remembered | undefined {
  if (Date.now() >= forgetAt) {
    sets.clear();
    forgetAt = nextUtcYear();
  }
  const key = keyOf(settings);
  let set = sets.get(key);
  if (!set && create) {
    if (sets.size >= MAX_SETTINGS) sets.clear();
    set = { texts: new Set(), order: [], head: 0, chars: 0 };
    sets.set(key, set);
  }
  return set;
}

/** A short plain number ("12", "98.6"): maskString passes it unscanned (no identifier without a label). */
export const SHORT_NUMBER = /^[+-]?\d{1,4}(?:[.,]\d{1,4})?$/;
const DIGIT = /\d/;

/**
 * A cell value that leaves in clear from any `text` column: maskString passes it unscanned (a short
 * plain number, or under four characters), and no value-shape or table rule can make a column of
 * such values PHI (names and cities take letters only, ZIPs and identifier codes five characters
 * or more), so holding a probe made of it holds nothing the engine would mask.
 */
export const passesUnscanned = (value: string): boolean => SHORT_NUMBER.test(value) || (value.length < 4 && DIGIT.test(value));

/** A text this memo may hold: one line, at most MAX_TEXT characters. */
export const rememberable = (text: string): boolean => text.length <= MAX_TEXT && !text.includes('\n');

/** True when a scan of `text` with these settings is known to find nothing. */
export function knownClean(text: string, settings: ScanSettings): boolean {
  return rememberable(text) && setOf(settings, false)?.texts.has(text) === true;
}

/**
 * Records that a scan of `text` with these settings found nothing (call it only then). Only a
 * well-formed text, and under `binary: redact` only one that does not look binary: what
 * maskString would send on unchanged, so a hit may skip both checks (maskString, which has just
 * made both, says so with `checked`).
 */
export function rememberClean(text: string, settings: ScanSettings, checked?: 'well-formed, not binary'): void {
  if (!rememberable(text)) return;
  if (!checked && (!(text as string & { isWellFormed(): boolean }).isWellFormed() || (settings.binary === 'redact' && looksBinary(text)))) return;
  const set = setOf(settings, true)!;
  if (set.texts.has(text)) return;
  // Oldest out first, until both bounds hold with this text in. A queue, not the Set's own order:
  // a Set keeps deleted slots until it is rebuilt, and finding its first live entry after many
  // deletions walks them all.
  while (set.head < set.order.length && (set.texts.size >= MAX_ENTRIES || set.chars + text.length > MAX_CHARS)) {
    const oldest = set.order[set.head++]!;
    set.texts.delete(oldest);
    set.chars -= oldest.length;
  }
  if (set.head > 4096 && set.head * 2 > set.order.length) {
    set.order = set.order.slice(set.head);
    set.head = 0;
  }
  set.texts.add(text);
  set.order.push(text);
  set.chars += text.length;
}

/** Forgets everything (tests). */
export function forgetCleanTexts(): void {
  sets.clear();
}

/** How many texts are remembered, over all scan settings (tests, heap checks). */
export function cleanTextCount(): number {
  let n = 0;
  for (const set of sets.values()) n += set.texts.size;
  return n;
}
