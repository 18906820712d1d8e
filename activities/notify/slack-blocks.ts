import { formatDuration } from '../../lib';
import { buttonValue, escapeText, isLive, SlackActions, stateLine, utcTime, type StateLineSource, type Who } from '../../lib/slack';
import type { AccessStatus, CommandRecord, ExtensionRecord, RequestState } from '../../workflows/types';

/**
 * What Gatehouse posts in Slack, as plain functions from a request's state to Block Kit. The
 * notifier posts them; the Slack app (slack-app/) listens for the buttons by the action ids both
 * take from lib/slack. Nothing secret is ever an input here: AccessStatus holds no token or key
 * (workflows/types.ts).
 */

/** Pins that a request's status is what lib/slack's state lines read (fails to compile if not). */
export const asStateLineSource = (s: AccessStatus): StateLineSource => s;

/** What the approvers are told about the target beside the request itself (from gatehouse.yaml). */
export interface TargetFacts {
  description?: string;
  scope?: string;
  risk?: string;
}

export interface SlackMessageContent {
  text: string;
  blocks: unknown[];
}

type Block = Record<string, unknown>;

/** A code block whose content cannot close it early. */
export function codeBlock(value: string, maxChars = 2500): string {
  const clipped = value.length > maxChars ? `${value.slice(0, maxChars)}\n… (${value.length - maxChars} more characters)` : value;
  return `\`\`\`${escapeText(clipped).replace(/```/g, '`\u200b``')}\`\`\``;
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const button = (text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Block => ({
  type: 'button', action_id: actionId, text: { type: 'plain_text', text, emoji: false }, value, ...(style ? { style } : {}),
});
const actions = (blockId: string, elements: Block[]): Block => ({ type: 'actions', block_id: blockId, elements });

/**
 * The approval request in the approvers' channel (the thread's parent). It is re-rendered from
 * the latest state at every step, so its buttons always fit: Approve/Deny while pending, Revoke
 * now while access is live, none once the request is closed.
 */
export function requestMessage(s: AccessStatus, who: Who, facts: TargetFacts = {}): SlackMessageContent {
  const headline = `${s.origin === 'api' ? 'Agent' : 'Access'} request from ${who(s.requester)} for *${escapeText(s.target)}*`;
  const fields = [
    `*Requester*\n${who(s.requester)}${s.origin === 'api' ? ' (REST API)' : ''}`,
    `*Target*\n${escapeText(s.target)}${facts.description ? ` (${escapeText(facts.description)})` : ''}`,
    `*Scope*\n${escapeText(facts.scope ?? 'as configured for the target')}`,
    `*Duration*\n${formatDuration(s.durationMs)}`,
    `*Ticket*\n${s.ticket ? escapeText(s.ticket) : 'none'}`,
    `*Risk*\n${escapeText(facts.risk ?? 'PHI')}`,
  ];
  const blocks: Block[] = [
    section(headline),
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
    section(`*Reason*\n${escapeText(s.reason)}`),
    context(`${statusIcon(s.state)} ${stateLine(s, who)} · ${s.requestId}`),
  ];
  if (s.state === 'PENDING_APPROVAL' && !s.policy.autoApproved) {
    blocks.push(actions('decision', [
      button('Approve', SlackActions.approve, buttonValue(s.requestId), 'primary'),
      button('Deny', SlackActions.deny, buttonValue(s.requestId), 'danger'),
    ]));
  } else if (isLive(s.state)) {
    blocks.push(actions('live', [button('Revoke now', SlackActions.revoke, buttonValue(s.requestId), 'danger')]));
  }
  const text = `${s.origin === 'api' ? 'Agent' : 'Access'} request ${s.requestId} for ${s.target}: ${stateLine(s, who)}`;
  return { text, blocks };
}

function statusIcon(state: RequestState): string {
  if (state === 'PENDING_APPROVAL') return ':hourglass_flowing_sand:';
  if (isLive(state)) return ':large_green_circle:';
  if (state === 'FAILED') return ':x:';
  return ':white_circle:';
}

/** The requester's DM: where the conversation is. */
export function requesterDm(s: AccessStatus, link: string): SlackMessageContent {
  const text = s.policy.autoApproved
    ? `Your request ${s.requestId} for ${s.target} (${formatDuration(s.durationMs)}) is approved by policy. Follow it here: ${link}`
    : `Your request ${s.requestId} for ${s.target} (${formatDuration(s.durationMs)}) was sent to its approvers. Follow it here: ${link}`;
  return { text, blocks: [section(escapeText(text).replace(escapeText(link), `<${link}|the request's thread>`))] };
}

/** A plain reply in the thread. */
export function reply(text: string): SlackMessageContent {
  return { text, blocks: [section(text)] };
}

export function decidedReply(s: AccessStatus, who: Who): SlackMessageContent {
  const d = s.decision;
  if (!d) return reply('No decision recorded.');
  if (d.by.startsWith('policy:')) return reply(':white_check_mark: Approved automatically by policy.');
  return d.approved
    ? reply(`:white_check_mark: Approved by ${who(d.by)}.`)
    : reply(`:no_entry: Denied by ${who(d.by)}: ${escapeText(d.reason ?? '')}`);
}

export function issuedReply(s: AccessStatus): SlackMessageContent {
  return reply(`:key: Credential issued: a temporary identity \`${escapeText(s.principal ?? '?')}\` scoped to ${escapeText(s.target)}. Only the gateway holds its key.`);
}

export function activeReply(s: AccessStatus, who: Who): SlackMessageContent {
  return {
    text: `Access is active until ${utcTime(s.expiresAt)}.`,
    blocks: [
      section(`:large_green_circle: Access is active until *${utcTime(s.expiresAt)}*. ${who(s.requester)} can start an MCP session through the gateway; every exchange is recorded and PHI is masked.`),
      actions('live', [button('Revoke now', SlackActions.revoke, buttonValue(s.requestId), 'danger')]),
    ],
  };
}

/** The gateway opened an MCP session on the grant (`detail`: the session id and the client). */
export function sessionReply(s: AccessStatus, detail: string, who: Who): SlackMessageContent {
  return reply(`:electric_plug: ${who(s.requester)} started an MCP session through the gateway: \`${escapeText(detail)}\`. Every exchange is recorded; PHI is masked.`);
}

/** A held command, with its own buttons until someone (or the timeout) decides. */
export function commandMessage(s: AccessStatus, c: CommandRecord, who: Who): SlackMessageContent {
  const head = `${c.risk === 'high' ? ':warning: ' : ''}${who(s.requester)}'s session wants to run \`${escapeText(c.tool)}\` (${c.classes.map(escapeText).join(', ') || 'unclassified'}). It is held until an approver decides:`;
  const blocks: Block[] = [section(head), section(codeBlock(c.summary))];
  if (c.outcome === 'pending') {
    blocks.push(context(`Held at ${utcTime(c.heldAt)} · the gateway denies it if nobody decides within ${formatDuration(s.policy.commandApprovalTimeoutMs)} · ${c.commandId}`));
    blocks.push(actions(`command-${c.commandId}`, [
      button('Approve command', SlackActions.approveCommand, buttonValue(s.requestId, c.commandId), 'primary'),
      button('Deny command', SlackActions.denyCommand, buttonValue(s.requestId, c.commandId), 'danger'),
    ]));
  } else {
    blocks.push(context(`${commandOutcome(c, who)} · ${c.commandId}`));
  }
  return { text: `Held command ${c.commandId} (${c.tool}) on ${s.requestId}: ${c.outcome.replace('_', ' ')}`, blocks };
}

export function commandOutcome(c: CommandRecord, who: Who): string {
  switch (c.outcome) {
    case 'pending':
      return 'Waiting for an approver';
    case 'approved':
      return `:white_check_mark: Approved by ${who(c.decidedBy ?? '?')}`;
    case 'denied':
      return `:no_entry: Denied by ${who(c.decidedBy ?? '?')}${c.reason ? `: ${escapeText(c.reason)}` : ''}`;
    case 'timed_out':
      return ':no_entry: Denied: no approver decided in time';
    case 'withdrawn':
      return `:leftwards_arrow_with_hook: Withdrawn by the client${c.decidedAt ? ` at ${utcTime(c.decidedAt)}` : ''}; nothing to decide`;
  }
}

export function expiringSoonMessage(s: AccessStatus, who: Who): SlackMessageContent {
  return {
    text: `Access for ${s.requestId} ends at ${utcTime(s.expiresAt)}.`,
    blocks: [
      section(`:alarm_clock: ${who(s.requester)}, access to ${escapeText(s.target)} ends at *${utcTime(s.expiresAt)}*. Ask for more time, or end it now.`),
      actions('expiring', [
        button('Extend', SlackActions.extend, buttonValue(s.requestId)),
        button('Revoke now', SlackActions.revoke, buttonValue(s.requestId), 'danger'),
      ]),
    ],
  };
}

export function extensionMessage(s: AccessStatus, index: number, e: ExtensionRecord, who: Who): SlackMessageContent {
  const head = `${who(e.requestedBy)} asks for *${formatDuration(e.durationMs)}* more: ${escapeText(e.reason)}`;
  const blocks: Block[] = [section(`:hourglass: ${head}`)];
  if (e.outcome === 'pending') {
    blocks.push(actions(`extension-${index}`, [
      button('Approve extension', SlackActions.approveExtension, buttonValue(s.requestId, index), 'primary'),
      button('Deny extension', SlackActions.denyExtension, buttonValue(s.requestId, index), 'danger'),
    ]));
  } else {
    blocks.push(context(`${e.outcome === 'approved' ? ':white_check_mark: Approved' : ':no_entry: Denied'} by ${who(e.decidedBy ?? '?')}`));
  }
  return { text: `Extension of ${formatDuration(e.durationMs)} for ${s.requestId}: ${e.outcome}`, blocks };
}

export function extensionDecidedReply(s: AccessStatus, e: ExtensionRecord, who: Who): SlackMessageContent {
  return e.outcome === 'approved'
    ? reply(`:white_check_mark: Extension approved by ${who(e.decidedBy ?? '?')}: access now ends at *${utcTime(s.expiresAt)}*.`)
    : reply(`:no_entry: Extension denied by ${who(e.decidedBy ?? '?')}; access still ends at ${utcTime(s.expiresAt)}.`);
}

export function revokedReply(s: AccessStatus, who: Who): SlackMessageContent {
  const r = s.revocation;
  if (!r) return reply(':white_circle: Access revoked.');
  const by = r.by === 'system:expiry' ? 'Gatehouse (the grant reached its end)' : who(r.by);
  const what = s.decision ? 'Access revoked' : 'Request withdrawn';
  const done = s.principal ? ` The temporary identity \`${escapeText(s.principal)}\` is dropped and live sessions are cut.` : '';
  return reply(`:white_circle: ${what} by ${by}: ${escapeText(r.reason)}.${done}`);
}

export function archivedReply(s: AccessStatus): SlackMessageContent {
  const a = s.archive;
  return reply(a
    ? `:file_cabinet: Audit archive written: \`sha256:${escapeText(a.digest)}\` at \`${escapeText(a.location)}\`. The digest is kept in the workflow history, so a later edit of the archive is detectable.`
    : ':file_cabinet: Audit archive written.');
}

export function expiredReply(s: AccessStatus): SlackMessageContent {
  return reply(`:hourglass: No approver decided within ${formatDuration(s.policy.approvalTimeoutMs)}; the request expired and nothing was granted.`);
}

export function failedReply(s: AccessStatus): SlackMessageContent {
  return reply(`:x: The request failed: ${escapeText(s.failure ?? 'unknown error')}. Anything issued has been revoked.`);
}
