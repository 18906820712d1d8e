/**
 * Slack's text formats as HTML, the way a Slack client shows them
 * (https://docs.slack.dev/messaging/formatting-message-text):
 *
 * - mrkdwn: `&amp;`, `&lt;`, `&gt;` are the only escapes and show as `&`, `<`, `>`; a raw `<…>` is a
 *   control sequence: `<@U…>` and `<#C…>` mentions, `<!here>`/`<!channel>`/`<!everyone>`,
 *   `<!subteam^…|@name>`, `<!date^…|fallback>`, and links `<url|label>`. `*bold*`, `_italic_`,
 *   `~strike~`, `` `code` ``, ```` ```blocks``` ````, `>` quotes, `:emoji:` codes.
 * - plain_text: shown as written, nothing parsed (only `:emoji:` codes, unless `emoji: false`).
 *
 * Everything becomes inert HTML: text is HTML-escaped after Slack's own parsing, so a request's
 * reason holding `<script>`, `<!channel>` or `<https://evil|click>` shows as Slack would show it
 * and can never become markup of the page. Links are made only for http(s) and mailto URLs.
 */

/** Who a mention names: the workspace's people and channels by id. */
export interface MentionNames {
  user(id: string): string | undefined;
  channel(id: string): string | undefined;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (or an attribute value) as HTML that shows exactly these characters. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Slack's three escapes undone (what a client shows for `&lt;` is `<`). */
function decodeSlack(value: string): string {
  return value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The emoji codes Gatehouse and common apps use; any other `:code:` shows as typed. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅', heavy_check_mark: '✔️', no_entry: '⛔', no_entry_sign: '🚫', x: '❌', warning: '⚠️',
  white_circle: '⚪', large_green_circle: '🟢', large_yellow_circle: '🟡', red_circle: '🔴', large_blue_circle: '🔵',
  key: '🔑', lock: '🔒', unlock: '🔓', hourglass: '⌛', hourglass_flowing_sand: '⏳', alarm_clock: '⏰', stopwatch: '⏱️',
  file_cabinet: '🗄️', electric_plug: '🔌', rotating_light: '🚨', information_source: 'ℹ️', bell: '🔔', memo: '📝',
  mag: '🔍', shield: '🛡️', robot_face: '🤖', bust_in_silhouette: '👤', page_facing_up: '📄', clipboard: '📋',
  thumbsup: '👍', '+1': '👍', thumbsdown: '👎', '-1': '👎', question: '❓', exclamation: '❗', eyes: '👀', tada: '🎉',
  arrows_counterclockwise: '🔄', hammer_and_wrench: '🛠️', link: '🔗', scroll: '📜', busts_in_silhouette: '👥',
};

/** `:code:` as the emoji, on already-escaped HTML (colons and code letters are never escaped). */
function emojify(html: string): string {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => {
    const emoji = EMOJI[name];
    return emoji ? `<span class="emoji" title=":${name}:">${emoji}</span>` : whole;
  });
}

/** A plain_text object's text: as written, line breaks kept, emoji codes only when `emoji` is not false. */
export function plainTextHtml(text: string, emoji = true): string {
  const html = escapeHtml(text).replace(/\n/g, '<br>');
  return emoji ? emojify(html) : html;
}

// Stashed HTML is referred to by private-use characters; the same characters in the input are dropped first.
const OPEN = '\uE000';
const CLOSE = '\uE001';

/** A mrkdwn text object's text (and a message's top-level `text`) as HTML. */
export function mrkdwnHtml(text: string, names: MentionNames): string {
  const stash: string[] = [];
  const keep = (html: string) => `${OPEN}${stash.push(html) - 1}${CLOSE}`;
  let source = text.replace(/[\uE000\uE001]/g, '');

  // Code first: nothing inside code is parsed (but Slack's escapes still show as the characters).
  source = source.replace(/```([\s\S]*?)```/g, (_m, body: string) => keep(`<pre class="mrkdwn-pre">${escapeHtml(decodeSlack(body.replace(/^\n/, '').replace(/\n$/, '')))}</pre>`));
  source = source.replace(/`([^`\n]+)`/g, (_m, body: string) => keep(`<code>${escapeHtml(decodeSlack(body))}</code>`));
  // Control sequences: every raw `<…>` (an app writes a literal `<` as `&lt;`).
  source = source.replace(/<([^<>]*)>/g, (_m, inner: string) => keep(controlSequence(inner, names)));

  const lines = decodeSlack(source).split('\n');
  const out: string[] = [];
  let quote: string[] | undefined;
  for (const line of lines) {
    const quoted = /^>\s?(.*)$/.exec(line);
    const html = formatInline(escapeHtml(quoted ? quoted[1]! : line));
    if (quoted) {
      (quote ??= []).push(html);
      continue;
    }
    if (quote) {
      out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
      quote = undefined;
    }
    out.push(html);
  }
  if (quote) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
  const joined = out.join('<br>').replace(/<\/blockquote><br>/g, '</blockquote>').replace(/<br>(<blockquote>)/g, '$1');
  return joined.replace(new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g'), (_m, i: string) => stash[Number(i)] ?? '');
}

/**
 * `*bold*`, `_italic_`, `~strike~` on escaped text: a marker opens after a start, space or
 * punctuation, before a non-space, and closes before an end, space or punctuation, as Slack's are.
 */
function formatInline(html: string): string {
  let out = html;
  for (const [marker, tag] of [['\\*', 'strong'], ['_', 'em'], ['~', 'del']] as const) {
    const re = new RegExp(`(^|[\\s(\\[{"'.,;:!?\\-${OPEN}${CLOSE}])${marker}(?=\\S)([^\\n]*?\\S)${marker}(?=$|[\\s)\\]}"'.,;:!?\\-${OPEN}${CLOSE}])`, 'g');
    out = out.replace(re, (_m, before: string, body: string) => `${before}<${tag}>${body}</${tag}>`);
  }
  return emojify(out);
}

const BROADCASTS: Record<string, string> = { here: '@here', channel: '@channel', everyone: '@everyone' };

/** One `<…>` control sequence as HTML (the label, when given, is what Slack shows). */
function controlSequence(inner: string, names: MentionNames): string {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? decodeSlack(inner.slice(bar + 1)) : undefined;
  if (/^@[UW][A-Z0-9]+$/.test(target)) {
    const id = target.slice(1);
    // Slack ignores the label of a user mention (the person's current name shows), so it cannot pose as someone.
    return `<span class="mention user" data-user="${escapeHtml(id)}">@${escapeHtml(names.user(id) ?? id)}</span>`;
  }
  if (/^#C[A-Z0-9]+$/.test(target) || /^#[GD][A-Z0-9]+$/.test(target)) {
    const id = target.slice(1);
    return `<span class="mention channel" data-channel="${escapeHtml(id)}">#${escapeHtml(names.channel(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('!')) {
    const command = target.slice(1);
    const broadcast = BROADCASTS[command];
    if (broadcast) return `<span class="mention broadcast">${broadcast}</span>`;
    if (command.startsWith('subteam^')) return `<span class="mention group">${escapeHtml(label ?? `@${command.slice(8)}`)}</span>`;
    if (command.startsWith('date^')) return escapeHtml(label ?? '');
    return escapeHtml(label ?? '');
  }
  const url = decodeSlack(target);
  if (/^(https?:\/\/|mailto:)/i.test(url)) {
    return `<a class="link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer nofollow">${escapeHtml(label ?? url)}</a>`;
  }
  // Not a sequence Slack links (javascript:, a bare word): its text, never a link.
  return escapeHtml(label ?? url);
}
