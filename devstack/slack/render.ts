import type { EphemeralMessage, SlackMessage, SlackWorkspace } from './workspace';

/**
 * A channel and its threads as plain text, for tests (stable: no timestamps unless asked) and
 * for the dev stack's console.
 *
 *   #approvals (C0L0C000002)
 *   @gatehouse: *Access request* from @alice … (edited)
 *     [Approve → approve] [Deny → deny]
 *     └ @gatehouse: Approved by @bob
 *   (only @alice sees) @gatehouse: That request is already closed.
 */

export interface RenderOptions {
  /** Print each message's ts. Default false (so text snapshots stay stable). */
  timestamps?: boolean;
  /** Also print ephemeral messages, where they were posted. Default false. */
  ephemerals?: boolean;
  /** Print only this thread (a parent's ts). */
  onlyThread?: string;
}

export function renderChannel(ws: SlackWorkspace, channelRef: string, options: RenderOptions = {}): string {
  const channel = ws.channel(channelRef);
  if (!channel) return `(no channel ${channelRef})\n`;
  const title = channel.kind === 'im' ? `DM with @${ws.users.get(channel.imUser ?? '')?.name ?? channel.imUser}` : `#${channel.name}`;
  const lines: string[] = [`${title} (${channel.id})`];
  const history = options.onlyThread ? ws.thread(channel.id, options.onlyThread).slice(0, 1) : ws.history(channel.id);
  const ephemerals = options.ephemerals ? ws.ephemerals.filter((e) => e.channel === channel.id) : [];
  if (history.length === 0 && ephemerals.length === 0) lines.push('  (no messages)');

  // Ephemerals are interleaved by time with the top-level messages (or in their thread).
  const topLevel: Array<SlackMessage | EphemeralMessage> = [...history, ...ephemerals.filter((e) => !e.threadTs)];
  topLevel.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  for (const item of topLevel) {
    if (isEphemeral(item)) {
      lines.push(...indent(renderEphemeral(ws, item, options), '  '));
      continue;
    }
    lines.push(...indent(renderMessage(ws, item, options), '  '));
    if (item.threadTs === item.ts && !item.replyBroadcast) {
      const replies: Array<SlackMessage | EphemeralMessage> = [
        ...ws.thread(channel.id, item.ts).slice(1),
        ...ephemerals.filter((e) => e.threadTs === item.ts),
      ].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      for (const reply of replies) {
        const body = isEphemeral(reply) ? renderEphemeral(ws, reply, options) : renderMessage(ws, reply, options);
        lines.push(...body.map((l, i) => (i === 0 ? `    └ ${l}` : `      ${l}`)));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function isEphemeral(item: SlackMessage | EphemeralMessage): item is EphemeralMessage {
  return !('replies' in item);
}

function author(ws: SlackWorkspace, userId: string): string {
  return `@${ws.users.get(userId)?.name ?? userId}`;
}

function renderMessage(ws: SlackWorkspace, m: SlackMessage, options: RenderOptions): string[] {
  const head = `${options.timestamps ? `[${m.ts}] ` : ''}${author(ws, m.user)}:`;
  const body = [...(m.blocks?.length ? blocksToLines(m.blocks) : m.text.split('\n')), ...(m.files ?? []).map((f) => `(file: ${f.title} — ${f.name})`)];
  const tail = [m.edited ? '(edited)' : '', m.replyBroadcast ? '(also sent to the channel)' : ''].filter(Boolean).join(' ');
  return withHead(head, body, tail);
}

function renderEphemeral(ws: SlackWorkspace, e: EphemeralMessage, options: RenderOptions): string[] {
  const head = `${options.timestamps ? `[${e.ts}] ` : ''}(only ${author(ws, e.user)} sees) ${author(ws, e.postedBy)}:`;
  return withHead(head, e.blocks?.length ? blocksToLines(e.blocks) : e.text.split('\n'), '');
}

function withHead(head: string, body: string[], tail: string): string[] {
  const [first = '', ...rest] = body;
  const out = [`${head} ${first}`.trimEnd(), ...rest.map((l) => `  ${l}`)];
  if (tail) out[out.length - 1] = `${out[out.length - 1]} ${tail}`;
  return out;
}

function indent(lines: string[], prefix: string): string[] {
  return lines.map((l) => `${prefix}${l}`);
}

type Obj = Record<string, unknown>;

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Obj).text === 'string') return (value as Obj).text as string;
  return '';
}

function elementToText(el: Obj): string {
  switch (el.type) {
    case 'button':
      return `[${textOf(el.text)} → ${String(el.action_id ?? '')}${el.style ? ` (${String(el.style)})` : ''}]`;
    case 'static_select':
    case 'external_select':
    case 'users_select':
    case 'conversations_select':
      return `[select ${textOf(el.placeholder)} → ${String(el.action_id ?? '')}]`;
    case 'image':
      return `(image: ${String(el.alt_text ?? '')})`;
    case 'mrkdwn':
    case 'plain_text':
      return textOf(el);
    default:
      return `[${String(el.type)}${el.action_id ? ` → ${String(el.action_id)}` : ''}]`;
  }
}

/** Block Kit as terse text: what a person would read, buttons as `[label → action_id]`. */
export function blocksToLines(blocks: unknown[]): string[] {
  const lines: string[] = [];
  for (const raw of blocks) {
    if (!raw || typeof raw !== 'object') continue;
    const block = raw as Obj;
    switch (block.type) {
      case 'header':
        lines.push(`# ${textOf(block.text)}`);
        break;
      case 'section': {
        const text = textOf(block.text);
        if (text) lines.push(...text.split('\n'));
        if (Array.isArray(block.fields)) lines.push((block.fields as unknown[]).map(textOf).join(' | '));
        if (block.accessory && typeof block.accessory === 'object') lines.push(elementToText(block.accessory as Obj));
        break;
      }
      case 'context':
        lines.push(((block.elements as Obj[] | undefined) ?? []).map(elementToText).join(' · '));
        break;
      case 'actions':
        lines.push(((block.elements as Obj[] | undefined) ?? []).map(elementToText).join(' '));
        break;
      case 'divider':
        lines.push('---');
        break;
      case 'input':
        lines.push(`${textOf(block.label)}: ${block.element && typeof block.element === 'object' ? elementToText(block.element as Obj) : ''}`);
        break;
      case 'rich_text':
        lines.push(richText(block));
        break;
      default:
        lines.push(`(${String(block.type)} block)`);
    }
  }
  return lines;
}

function richText(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const n = node as Obj;
  if (typeof n.text === 'string') return n.text;
  if (Array.isArray(n.elements)) return (n.elements as unknown[]).map(richText).join('');
  return '';
}
