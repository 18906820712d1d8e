/**
 * Text as Slack reads it. In mrkdwn `&`, `<` and `>` are control characters (mentions like
 * `<!channel>`, links) and must be escaped as `&amp;`, `&lt;`, `&gt;`; `*_~` and backticks
 * format, `:name:` is an emoji, and URLs and channel names are linked unless the object is
 * `verbatim`.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 * https://docs.slack.dev/reference/block-kit/composition-objects/text-object (verbatim, emoji)
 *
 * plain_text is not parsed: the text object reference accepts formatting markup in `text` only
 * "when type is mrkdwn", and the escaping rule is for characters "used for their parsing
 * purpose", which plain_text has none of. So plain_text is sent as written: `&amp;` there would be
 * shown to the approver as the five characters `&amp;`. (Slack stores it escaped: an interaction
 * payload carries a plain_text `Answer & 1` back as `Answer &amp; 1`, slackapi/bolt-python#513.
 * Because of that, plain_text lengths are measured here as if escaped: whichever way Slack
 * counts, the text fits.)
 *
 * People's and agents' words are data, never formatting: they go into plain_text objects (no
 * mrkdwn, no emoji codes) through `plainWords()`, or, inline beside the product's own words,
 * through `inert()` in a verbatim mrkdwn object, escaped. Lengths are counted on what is sent,
 * because that is what Slack counts (UTF-16 code units: never fewer than Slack's characters).
 */

/** Slack mrkdwn: user text must not become mentions (<!channel>), links or formatting tricks. */
export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** URLs shown, never followed: `https://x` becomes `https[:]//x`, `www.x` becomes `www[.]x`. */
export function defang(value: string): string {
  return value.replace(/:\/\//g, '[:]//').replace(/www\./gi, (m) => `${m.slice(0, 3)}[.]`);
}

// Look-alikes that no mrkdwn parser reads: the text still reads the same, it cannot format.
const LOOK_ALIKE: Record<string, string> = { '*': '\u2217', _: '\uFF3F', '~': '\u223C', '`': '\u02CB', ':': '\u2236' };
const alike = (c: string) => LOOK_ALIKE[c] ?? c;

/**
 * A value shown inline in mrkdwn beside Gatehouse's own words (a subject, a tool name, a class):
 * escaped, URLs defanged, on one line, and the characters that could format replaced by
 * look-alikes: every `*`, `_`, `~` and backtick, and the colons of anything shaped like an emoji
 * code. (Inside inline code nothing formats: `inlineCode()` keeps names like run_query as they are.) It can
 * neither format, nor mention, nor link, nor close the text around it. Use it in a verbatim
 * mrkdwn object (blocks builders do) so Slack does not auto-link either.
 */
export function inert(value: string): string {
  return lookAlikes(escapeText(defang(value)).replace(/[\r\n\t]+/g, ' '));
}

/** Already-escaped text with its formatting characters (and emoji-shaped colons) replaced by look-alikes. */
export function lookAlikes(escaped: string): string {
  return escaped
    .replace(/[*_~`]/g, alike)
    .replace(/:([\p{L}\p{N}_+'-]+):/gu, (_m, name: string) => `${alike(':')}${name}${alike(':')}`);
}

/**
 * A value as inline code beside Gatehouse's words (a tool name, a principal, a digest): escaped,
 * URLs defanged, on one line, and no backtick of its own, so it cannot close the code early.
 * Inside inline code Slack applies no formatting and shows no emoji.
 */
export function inlineCode(value: string): string {
  return escapeText(defang(value)).replace(/[\r\n\t]+/g, ' ').replace(/`/g, alike);
}

/** User text for a plain_text object: as written (plain_text is not parsed), URLs defanged. */
export function plainWords(value: string): string {
  return defang(value);
}

/** How long plain_text is as Slack may count it: escaped, as Slack stores it (see the module comment). */
export function plainLength(text: string): number {
  return escapeText(text).length;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (x) => x.segment);

/** How a text's length is counted: UTF-16 units as sent, or (plain_text) `plainLength`. */
export type Measure = (sent: string) => number;
const unitsOf: Measure = (sent) => sent.length;

export interface Clipped {
  text: string;
  /** Characters (code points) of the original left out; 0 when it fit. */
  omitted: number;
}

/**
 * The most whole graphemes of `parts` from `start` whose encoding (of the run as a whole, so
 * escaping, defanging and look-alikes see their context) fits in `room` units.
 */
function fitting(parts: string[], start: number, room: number, encode: (text: string) => string, measure: Measure): number {
  let lo = 0;
  let hi = parts.length - start;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(encode(parts.slice(start, start + mid).join(''))) <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Fits `raw` into `max` UTF-16 units as sent: encoded first (`encode`: escaping, or `inert`, or
 * `plainWords`), then cut between whole graphemes (never half an emoji or a lone surrogate), and
 * a clipped text ends with "… (N more characters)", N counted in the original's characters.
 * `measure` says how Slack counts the sent text (default: its UTF-16 units; `plainLength` for
 * plain_text).
 */
export function clip(raw: string, max: number, encode: (text: string) => string = escapeText, measure: Measure = unitsOf): Clipped {
  const whole = encode(raw);
  if (measure(whole) <= max) return { text: whole, omitted: 0 };
  const parts = graphemes(raw);
  const total = [...raw].length;
  const room = max - suffix(total).length;
  if (room <= 0) return { text: '…', omitted: total };
  const kept = fitting(parts, 0, room, encode, measure);
  const head = parts.slice(0, kept).join('');
  const omitted = total - [...head].length;
  return { text: `${encode(head)}${suffix(omitted)}`, omitted };
}

function suffix(omitted: number): string {
  return `… (${omitted} more characters)`;
}

/** `raw` cut into pieces of at most `max` units as sent (whole graphemes), for a follow-up that shows all of it. */
export function chunks(raw: string, max: number, encode: (text: string) => string = escapeText, measure: Measure = unitsOf): string[] {
  const parts = graphemes(raw);
  const out: string[] = [];
  for (let start = 0; start < parts.length;) {
    const n = Math.max(1, fitting(parts, start, max, encode, measure));
    out.push(encode(parts.slice(start, start + n).join('')));
    start += n;
  }
  return out;
}
