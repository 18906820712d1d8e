import { blocksHtml } from './block-kit-html';
import { escapeHtml, mrkdwnHtml, type MentionNames } from './mrkdwn';
import type { EphemeralMessage, SlackChannel, SlackMessage, SlackUser, SlackWorkspace } from './workspace';

/**
 * A channel as a Slack client shows it, as server-rendered HTML: messages oldest first, each with
 * its author, time and "(edited)" once chat.update changed it in place; a thread's replies grouped
 * under their parent with the reply count; ephemeral messages marked "Only visible to …" where
 * they were posted. `channelPage` wraps it in the page; `channelMessagesHtml` is what the page
 * polls to stay current.
 */

export interface ChannelHtmlOptions {
  /** The person looking (a user id): their ephemerals say "you", and buttons act as them. */
  viewer?: string;
  /** Buttons shown disabled: no app to deliver clicks to. */
  inert?: boolean;
}

type Item = SlackMessage | EphemeralMessage;

const isEphemeral = (item: Item): item is EphemeralMessage => !('replies' in item);
const byTs = (a: Item, b: Item) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);

export function mentionNames(ws: SlackWorkspace): MentionNames {
  return {
    user: (id) => ws.users.get(id)?.name,
    channel: (id) => {
      const c = ws.channels.get(id);
      return c && c.kind !== 'im' ? c.name : undefined;
    },
  };
}

/** `#name`, or `DM with @person`. */
export function channelTitle(ws: SlackWorkspace, channel: SlackChannel): string {
  return channel.kind === 'im' ? `DM with @${ws.users.get(channel.imUser ?? '')?.name ?? channel.imUser ?? '?'}` : `#${channel.name}`;
}

/** The people who can act in the channel (its human members; in a DM, the person). */
export function channelPeople(ws: SlackWorkspace, channel: SlackChannel): SlackUser[] {
  const ids = channel.kind === 'im' ? [channel.imUser ?? ''] : [...channel.members];
  return ids.map((id) => ws.users.get(id)).filter((u): u is SlackUser => !!u && !u.isBot && !u.deleted).sort((a, b) => a.name.localeCompare(b.name));
}

/** The messages of a channel (threads and ephemerals included) as an HTML fragment. */
export function channelMessagesHtml(ws: SlackWorkspace, channel: SlackChannel, options: ChannelHtmlOptions = {}): string {
  const ephemerals = ws.ephemerals.filter((e) => e.channel === channel.id);
  const top: Item[] = [...ws.history(channel.id), ...ephemerals.filter((e) => !e.threadTs)].sort(byTs);
  if (top.length === 0) return `<p class="empty">No messages in ${escapeHtml(channelTitle(ws, channel))} yet.</p>`;
  const items = top.map((item) => {
    if (isEphemeral(item)) return itemHtml(ws, item, options, '');
    const isParent = item.threadTs === item.ts;
    const replies: Item[] = isParent
      ? [...ws.thread(channel.id, item.ts).slice(1), ...ephemerals.filter((e) => e.threadTs === item.ts)].sort(byTs)
      : [];
    return itemHtml(ws, item, options, replies.length ? threadHtml(ws, item, replies, options) : '');
  });
  return `<ol class="messages" aria-label="Messages in ${escapeHtml(channelTitle(ws, channel))}">${items.join('')}</ol>`;
}

function threadHtml(ws: SlackWorkspace, parent: SlackMessage, replies: Item[], options: ChannelHtmlOptions): string {
  const count = replies.filter((r) => !isEphemeral(r)).length;
  const last = replies[replies.length - 1];
  const summary = `${count} ${count === 1 ? 'reply' : 'replies'}${last ? ` · last reply ${timeOf(last.ts)}` : ''}`;
  return `<details class="thread" open data-thread="${escapeHtml(parent.ts)}" data-reply-count="${count}"><summary class="reply-count">${summary}</summary>`
    + `<ol class="replies">${replies.map((r) => itemHtml(ws, r, options, '')).join('')}</ol></details>`;
}

function itemHtml(ws: SlackWorkspace, item: Item, options: ChannelHtmlOptions, thread: string): string {
  const names = mentionNames(ws);
  const ephemeral = isEphemeral(item);
  const authorId = ephemeral ? item.postedBy : item.user;
  const author = ws.users.get(authorId);
  const name = author ? author.displayName || author.realName || author.name : authorId;
  const edited = !ephemeral && item.edited ? ` data-edited-ts="${escapeHtml(item.edited.ts)}"` : '';
  const classes = ['msg', ephemeral ? 'ephemeral' : '', !ephemeral && item.threadTs && item.threadTs !== item.ts ? 'reply' : ''].filter(Boolean).join(' ');
  const body = item.blocks?.length
    ? blocksHtml(item.blocks, { names, inert: ephemeral || !!options.inert })
    : `<div class="bk-text">${mrkdwnHtml(item.text, names)}</div>`;
  const files = !ephemeral && item.files?.length
    ? `<ul class="files">${item.files.map((f) => `<li class="file">📄 ${escapeHtml(f.title)} <span class="file-name">${escapeHtml(f.name)}</span></li>`).join('')}</ul>`
    : '';
  const attachments = !ephemeral && Array.isArray(item.attachments) ? attachmentsHtml(item.attachments, names) : '';
  const note = ephemeral
    ? `<div class="ephemeral-note">👁 Only visible to ${item.user === options.viewer ? 'you' : `@${escapeHtml(ws.users.get(item.user)?.name ?? item.user)}`}</div>`
    : '';
  const broadcast = !ephemeral && item.replyBroadcast ? '<div class="broadcast-note">replied to a thread and also sent to the channel</div>' : '';
  const head = `<div class="msg-head"><span class="author">${escapeHtml(name)}</span>${author?.isBot ? '<span class="badge">APP</span>' : ''}`
    + `<time datetime="${escapeHtml(isoOf(item.ts))}">${timeOf(item.ts)}</time>${edited ? '<span class="edited">(edited)</span>' : ''}</div>`;
  return `<li class="${classes}" id="m-${escapeHtml(item.ts.replace('.', '-'))}" data-ts="${escapeHtml(item.ts)}"${ephemeral ? ` data-for="${escapeHtml(item.user)}"` : ''}${edited}>`
    + `<div class="avatar" aria-hidden="true">${escapeHtml((name[0] ?? '?').toUpperCase())}</div>`
    + `<div class="msg-body">${note}${broadcast}${head}<div class="msg-content">${body}</div>${attachments}${files}${thread}</div></li>`;
}

/** Legacy attachments: a coloured bar beside their text and fields. */
function attachmentsHtml(attachments: unknown[], names: MentionNames): string {
  return attachments.map((raw) => {
    if (!raw || typeof raw !== 'object') return '';
    const a = raw as Record<string, unknown>;
    const color = typeof a.color === 'string' && /^#?[0-9a-f]{3,8}$|^(good|warning|danger)$/i.test(a.color) ? a.color : '';
    const text = typeof a.text === 'string' ? a.text : typeof a.fallback === 'string' ? a.fallback : '';
    const fields = Array.isArray(a.fields)
      ? a.fields.map((f) => (f && typeof f === 'object' ? `<div class="bk-field"><strong>${escapeHtml(String((f as Record<string, unknown>).title ?? ''))}</strong><br>${mrkdwnHtml(String((f as Record<string, unknown>).value ?? ''), names)}</div>` : '')).join('')
      : '';
    const blocks = Array.isArray(a.blocks) ? blocksHtml(a.blocks, { names, inert: true }) : '';
    return `<div class="attachment" data-color="${escapeHtml(color)}">${text ? `<div class="bk-text">${mrkdwnHtml(text, names)}</div>` : ''}${fields ? `<div class="bk-fields">${fields}</div>` : ''}${blocks}</div>`;
  }).join('');
}

function isoOf(ts: string): string {
  const ms = Math.floor(Number(ts) * 1000);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/** HH:MM:SS UTC, as a person reads a message's time. */
function timeOf(ts: string): string {
  const iso = isoOf(ts);
  return iso ? `${iso.slice(11, 19)} UTC` : '';
}

export interface ChannelPageInput {
  ws: SlackWorkspace;
  channel: SlackChannel;
  viewer?: string;
  /** Where clicks go; none: buttons are shown disabled with a note. */
  canDeliver: boolean;
  messagesHtml: string;
  version: string;
}

/** The whole page: channel list, who you are, the messages; script and style are served apart (CSP). */
export function channelPage(input: ChannelPageInput): string {
  const { ws, channel, viewer } = input;
  const title = channelTitle(ws, channel);
  const channels = [...ws.channels.values()].filter((c) => c.kind !== 'im').sort((a, b) => a.name.localeCompare(b.name));
  const nav = channels.map((c) => `<li><a href="/channels/${encodeURIComponent(c.name)}"${c.id === channel.id ? ' aria-current="page"' : ''}>${c.kind === 'private' ? '🔒' : '#'} ${escapeHtml(c.name)}</a></li>`).join('');
  const people = channelPeople(ws, channel);
  const options = [`<option value=""${viewer ? '' : ' selected'}>choose who you are</option>`, ...people.map((u) => `<option value="${escapeHtml(u.id)}"${u.id === viewer ? ' selected' : ''}>@${escapeHtml(u.name)}${u.displayName ? ` (${escapeHtml(u.displayName)})` : ''}</option>`)].join('');
  const delivery = input.canDeliver ? '' : '<p class="no-app">This local Slack delivers to no app (start it with <code>--app-url</code> and SLACK_SIGNING_SECRET, or connect the app over Socket Mode): buttons are shown but do nothing.</p>';
  return '<!doctype html>\n'
    + `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · ${escapeHtml(ws.team.name)} (local Slack)</title>`
    + '<link rel="stylesheet" href="/_local/channel-view.css"></head>'
    + `<body data-channel="${escapeHtml(channel.id)}" data-version="${escapeHtml(input.version)}">`
    + `<nav class="sidebar" aria-label="Channels"><div class="team">${escapeHtml(ws.team.name)}</div><ul>${nav}</ul></nav>`
    + '<main>'
    + `<header class="channel-head"><h1>${escapeHtml(title)}</h1><span class="members">${channel.members.size} members</span>`
    + `<label class="as">You are <select id="as" name="as">${options}</select></label><span id="live" class="live" aria-live="off">live</span></header>`
    + `${delivery}<div id="notice" class="notice" role="status" aria-live="polite"></div>`
    + `<div id="messages">${input.messagesHtml}</div>`
    + '</main><script src="/_local/channel-view.js" defer></script></body></html>\n';
}
