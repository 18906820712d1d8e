import { formatDuration, parseDuration } from '../lib';
import { clip, inert, inlineCode, plainLength, plainWords, stateLine, utcTime, type Who } from '../lib/slack';
import type { GatehouseConfig, TargetConfig } from '../policy';
import type { AccessStatus } from '../workflows';

/**
 * The app's own Block Kit: modals and ephemeral answers, as plain functions from state to
 * views. (The messages in the approvers' thread are built by the notifier, activities/notify.)
 */

export const Views = {
  request: 'gatehouse_request_modal',
  deny: 'gatehouse_deny_modal',
  extend: 'gatehouse_extend_modal',
} as const;

/** Input block ids; the driver and Slack send values back under these. */
export const Inputs = { target: 'target', duration: 'duration', reason: 'reason', ticket: 'ticket' } as const;

type Block = Record<string, unknown>;
const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });

function textInput(blockId: string, label: string, options: { placeholder?: string; multiline?: boolean; optional?: boolean; hint?: string; maxLength?: number } = {}): Block {
  return {
    type: 'input', block_id: blockId, label: plain(label), optional: !!options.optional,
    ...(options.hint ? { hint: plain(options.hint) } : {}),
    element: {
      type: 'plain_text_input', action_id: 'value', multiline: !!options.multiline,
      ...(options.placeholder ? { placeholder: plain(options.placeholder) } : {}),
      ...(options.maxLength ? { max_length: options.maxLength } : {}),
    },
  };
}

export interface ModalContext {
  /** Where the person started (for ephemeral answers after the modal closes). */
  channel: string;
  requestId?: string;
}

export function encodeContext(context: ModalContext): string {
  return JSON.stringify(context);
}

export function decodeContext(privateMetadata: string | undefined): ModalContext {
  try {
    const value = JSON.parse(privateMetadata ?? '') as Partial<ModalContext>;
    return { channel: typeof value.channel === 'string' ? value.channel : '', ...(typeof value.requestId === 'string' ? { requestId: value.requestId } : {}) };
  } catch {
    return { channel: '' };
  }
}

/** A static select holds at most 100 options (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element). */
export const STATIC_OPTIONS_MAX = 100;
const OPTION_TEXT_MAX = 75; // option text and description (https://docs.slack.dev/reference/block-kit/composition-objects/option-object)
export const OPTION_VALUE_MAX = 150;

/** One target in the picker: its name, and its description and longest duration, clipped whole-character. */
export function targetOption(t: TargetConfig, config: GatehouseConfig): Record<string, unknown> {
  const most = `up to ${formatDuration(t.maxDuration ?? config.defaults.maxDuration)}`;
  const room = OPTION_TEXT_MAX - most.length - 2;
  const description = t.description ? `${clip(t.description, room, plainWords, plainLength).text}; ${most}` : most;
  return { text: plain(clip(t.name, OPTION_TEXT_MAX, plainWords, plainLength).text), value: t.name, description: plain(description) };
}

/** The options an external select offers for what the person typed (at most 100; names first, then descriptions). */
export function targetOptions(targets: TargetConfig[], config: GatehouseConfig, query: string): Array<Record<string, unknown>> {
  const q = query.trim().toLowerCase();
  const requestable = targets.filter((t) => t.name.length <= OPTION_VALUE_MAX);
  const byName = requestable.filter((t) => t.name.toLowerCase().includes(q));
  const byDescription = requestable.filter((t) => !byName.includes(t) && (t.description ?? '').toLowerCase().includes(q));
  return [...byName, ...byDescription].slice(0, STATIC_OPTIONS_MAX).map((t) => targetOption(t, config));
}

/**
 * `/access` alone: the request form, its target picker limited to what this person may request.
 * Up to 100 targets it is a static select; past that a searchable external select, whose options
 * the app's `options` listener answers (listeners/options/targets.ts), so no target is dropped.
 */
export function requestModal(targets: TargetConfig[], config: GatehouseConfig, context: ModalContext): Record<string, unknown> {
  const offered = targets.filter((t) => t.name.length <= OPTION_VALUE_MAX);
  const picker = offered.length > STATIC_OPTIONS_MAX
    ? { type: 'external_select', action_id: 'value', placeholder: plain(`Type to search ${offered.length} targets`), min_query_length: 0 }
    : { type: 'static_select', action_id: 'value', placeholder: plain('What do you need?'), options: offered.map((t) => targetOption(t, config)) };
  return {
    type: 'modal',
    callback_id: Views.request,
    private_metadata: encodeContext(context),
    title: plain('Request access'),
    submit: plain('Request'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input', block_id: Inputs.target, label: plain('Target'),
        element: picker,
      },
      textInput(Inputs.duration, 'Duration', { placeholder: 'e.g. 30m, 2h', hint: 'As short as the work allows; each target has a maximum.' }),
      textInput(Inputs.reason, 'Reason', { multiline: true, placeholder: 'What you will do, and why it needs PHI', maxLength: 1000 }),
      textInput(Inputs.ticket, 'Ticket', { optional: true, placeholder: 'e.g. INC-4411' }),
    ],
  };
}

export interface RequestForm {
  target: string;
  durationMs: number;
  reason: string;
  ticket?: string;
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;

function valueOf(values: StateValues, blockId: string): string {
  const element = values[blockId]?.value;
  return (element?.selected_option?.value ?? element?.value ?? '').trim();
}

/**
 * Checks a submitted request form without I/O. Errors go back into the modal by block id
 * (Slack shows each under its field), so nothing the person typed is lost.
 */
export function readRequestForm(values: StateValues, config: GatehouseConfig): { ok: true; form: RequestForm } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const targetName = valueOf(values, Inputs.target);
  const target = config.targets.find((t) => t.name === targetName);
  if (!target) errors[Inputs.target] = targetName ? `"${targetName}" is not a target any more; pick another.` : 'Pick a target.';
  const durationText = valueOf(values, Inputs.duration);
  let durationMs = 0;
  try {
    durationMs = parseDuration(durationText);
    const max = target?.maxDuration ?? config.defaults.maxDuration;
    if (target && durationMs > max) errors[Inputs.duration] = `${target.name} allows at most ${formatDuration(max)}.`;
  } catch {
    errors[Inputs.duration] = durationText ? `"${durationText}" is not a duration; write it like 30m or 2h.` : 'Say for how long, like 30m or 2h.';
  }
  const reason = valueOf(values, Inputs.reason);
  if (!reason) errors[Inputs.reason] = 'A reason is required; the approvers read it.';
  const ticket = valueOf(values, Inputs.ticket);
  if (ticket && !/^\S{1,64}$/.test(ticket)) errors[Inputs.ticket] = 'A ticket is one word, like INC-4411.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, form: { target: targetName, durationMs, reason, ...(ticket ? { ticket } : {}) } };
}

/** Deny asks for a reason; the requester and the audit see it. */
export function denyModal(s: AccessStatus, context: ModalContext): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: Views.deny,
    private_metadata: encodeContext({ ...context, requestId: s.requestId }),
    title: plain('Deny access'),
    submit: plain('Deny'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', verbatim: true, text: `Deny ${clip(s.requester, 300, inert).text}'s request for *${clip(s.target, 300, inert).text}* (${formatDuration(s.durationMs)})?` } },
      textInput(Inputs.reason, 'Why?', { multiline: true, placeholder: 'The requester sees this', maxLength: 1000 }),
    ],
  };
}

export function readReason(values: StateValues): { ok: true; reason: string } | { ok: false; errors: Record<string, string> } {
  const reason = valueOf(values, Inputs.reason);
  return reason ? { ok: true, reason } : { ok: false, errors: { [Inputs.reason]: 'A reason is required.' } };
}

/** Extend asks how much more and why; an approver decides in the thread. */
export function extendModal(s: AccessStatus, context: ModalContext): Record<string, unknown> {
  const used = Date.parse(s.expiresAt ?? '') - Date.parse(s.activeSince ?? '');
  const room = Math.max(0, s.policy.maxDurationMs - (Number.isFinite(used) ? used : s.durationMs));
  return {
    type: 'modal',
    callback_id: Views.extend,
    private_metadata: encodeContext({ ...context, requestId: s.requestId }),
    title: plain('Extend access'),
    submit: plain('Ask'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', verbatim: true, text: `Access to *${clip(s.target, 300, inert).text}* ends at ${utcTime(s.expiresAt)}. At most ${formatDuration(room)} more can be asked.` } },
      textInput(Inputs.duration, 'How much more?', { placeholder: 'e.g. 30m' }),
      textInput(Inputs.reason, 'Why?', { multiline: true, maxLength: 1000 }),
    ],
  };
}

export function readExtension(values: StateValues): { ok: true; durationMs: number; reason: string } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const text = valueOf(values, Inputs.duration);
  let durationMs = 0;
  try {
    durationMs = parseDuration(text);
  } catch {
    errors[Inputs.duration] = text ? `"${text}" is not a duration; write it like 30m.` : 'Say how much more, like 30m.';
  }
  const reason = valueOf(values, Inputs.reason);
  if (!reason) errors[Inputs.reason] = 'A reason is required.';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, durationMs, reason };
}

/** How much of a reason `/access status` shows (the rest: the REST API or `gatehouse status`). */
const STATUS_REASON_MAX = 2500;

/** `/access status <id>`. */
export function statusText(s: AccessStatus, who: Who): string {
  const lines = [
    `*${s.requestId}*: ${clip(s.target, 300, inert).text} for ${formatDuration(s.durationMs)}, asked by ${who(s.requester)} at ${utcTime(s.requestedAt)}`,
    `State: *${s.state.toLowerCase().replace(/_/g, ' ')}*. ${stateLine(s, who)}`,
    // The requester's words, inert (the approvers read them here when Slack refused the request message).
    `Reason${s.ticket ? ` (${clip(s.ticket, 100, inert).text})` : ''}: ${clip(s.reason, STATUS_REASON_MAX, inert).text}`,
  ];
  if (s.thread) lines.push(`Thread: in the approvers' channel (<#${s.thread.channel}>).`);
  const unasked = s.timeline.find((e) => e.type === 'notification_failed' && e.detail?.startsWith('requested:'));
  if (unasked && !s.thread) {
    const what = clip(unasked.detail!.replace(/^requested:\s*(the approvers were not asked in Slack:\s*)?/, ''), 600, inlineCode).text;
    lines.push(`:warning: The approvers were not asked in Slack: \`${what}\`.${s.state === 'PENDING_APPROVAL' ? ` Nobody can approve it there: withdraw it with \`/access revoke ${s.requestId}\` and ask again, or ask the Gatehouse owners.` : ''}`);
  }
  return lines.join('\n');
}

/** `/access status`: the person's recent requests. */
export function statusList(rows: Array<{ requestId: string; target?: string; state?: string; startTime: Date }>): string {
  if (rows.length === 0) return 'You have no access requests yet. Ask with `/access <target> <duration> <reason…>` or `/access`.';
  return ['*Your recent requests*', ...rows.map((r) => `• \`${r.requestId}\` ${r.target ?? '?'}: ${(r.state ?? '?').toLowerCase().replace(/_/g, ' ')} (asked ${utcTime(r.startTime.toISOString())})`)].join('\n');
}
