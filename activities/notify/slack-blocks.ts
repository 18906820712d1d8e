import { formatDuration } from '../../lib';
import { GRANT_ONLY_PRINCIPAL } from '../credentials';
import {
  buttonValue, chunks, clip, escapeText, inert, inlineCode, isLive, plainLength, plainWords, SlackActions, stateLine, utcTime, type StateLineSource, type Who,
} from '../../lib/slack';
import type { AccessStatus, CommandRecord, ExtensionRecord, RequestState, SessionsSummary, SignInClient } from '../../workflows/types';

/**
 * What Gatehouse posts in Slack, as plain functions from a request's state to Block Kit. The
 * notifier posts them; the Slack app (slack-app/) listens for the buttons by the action ids both
 * take from lib/slack. Nothing secret is ever an input here: AccessStatus holds no token or key
 * (workflows/types.ts).
 *
 * Two rules hold for every builder:
 * - Nothing exceeds a Block Kit limit, whatever the input: text is escaped first, then clipped as
 *   sent (lib/slack `clip`), and what was clipped is returned in `full`, which the notifier posts
 *   in the thread so all of it stays readable.
 * - People's and agents' words are data: plain_text (no mrkdwn, no emoji codes) or `inert()`
 *   inline in verbatim mrkdwn; never in the top-level `text`. Decision lines (bold, emoji) come
 *   only from here, and nothing user text can produce looks like them.
 */

/** Pins that a request's status is what lib/slack's state lines read (fails to compile if not). */
export const asStateLineSource = (s: AccessStatus): StateLineSource => s;

/** What the approvers are told about the target beside the request itself (from gatehouse.yaml). */
export interface TargetFacts {
  description?: string;
  scope?: string;
  risk?: string;
}

/** A text shown clipped in the message, in full in the thread. */
export interface FullText {
  label: string;
  text: string;
  /** Shown as a code block (SQL) rather than plain text. */
  code?: boolean;
}

export interface SlackMessageContent {
  text: string;
  blocks: unknown[];
  /** Texts the blocks show clipped: the notifier posts them whole in the thread. */
  full?: FullText[];
}

type Block = Record<string, unknown>;

/** Block Kit limits the builders stay within (devstack/slack/block-kit.ts cites the pages). */
export const BLOCK_TEXT_MAX = 3000;
export const FIELD_TEXT_MAX = 2000;
const INLINE_MAX = 200;

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
const plain = (text: string) => ({ type: 'plain_text', text: text || ' ', emoji: false });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
const context = (text: string): Block => ({ type: 'context', elements: [mrkdwn(text)] });
const button = (text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Block => ({
  type: 'button', action_id: actionId, text: { type: 'plain_text', text, emoji: false }, value, ...(style ? { style } : {}),
});
const actions = (blockId: string, elements: Block[]): Block => ({ type: 'actions', block_id: blockId, elements });

/** A short value inline in the product's words: inert, clipped. */
export const short = (value: string, max = INLINE_MAX): string => clip(value, max, inert).text;

/** A short value as inline code (names keep their underscores), clipped. */
export const code = (value: string, max = INLINE_MAX): string => `\`${clip(value, max, inlineCode).text}\``;

/**
 * Someone's words under a label of Gatehouse's: the label in mrkdwn, the words in a plain_text
 * section (clipped, with the whole text added to `full`).
 */
function quoted(label: string, raw: string, full: FullText[], fullLabel = label): Block[] {
  const clipped = clip(raw, BLOCK_TEXT_MAX, plainWords, plainLength);
  if (clipped.omitted) full.push({ label: fullLabel, text: raw });
  return [context(`*${label}*`), { type: 'section', text: plain(clipped.text) }];
}

/** A code block whose content cannot close it early, mention, link or format, clipped as sent. */
export function codeBlock(value: string, max = BLOCK_TEXT_MAX): { text: string; omitted: number } {
  const frame = '```\n\n```';
  const clipped = clip(value, max - frame.length, codeEncode);
  return { text: `\`\`\`\n${clipped.text}\n\`\`\``, omitted: clipped.omitted };
}

/** Inside a code block: escaped, and no run of backticks can form (a zero-width space after each). */
function codeEncode(text: string): string {
  return escapeText(text).replace(/`/g, '`\u200b');
}

/** The whole of each clipped text, as thread replies of at most 40 blocks of plain text or code. */
export function fullTextMessages(requestId: string, full: FullText): SlackMessageContent[] {
  const pieces = full.code ? chunks(full.text, BLOCK_TEXT_MAX - 8, codeEncode).map((c) => `\`\`\`\n${c}\n\`\`\``) : chunks(full.text, BLOCK_TEXT_MAX, plainWords, plainLength);
  const perMessage = 40;
  const out: SlackMessageContent[] = [];
  for (let i = 0; i < pieces.length; i += perMessage) {
    const part = out.length + 1;
    const of = Math.ceil(pieces.length / perMessage);
    out.push({
      text: `The full ${full.label.toLowerCase()} of ${requestId}${of > 1 ? ` (part ${part} of ${of})` : ''}`,
      blocks: [
        context(`*The full ${escapeText(full.label.toLowerCase())}*${of > 1 ? ` (part ${part} of ${of})` : ''}, as written:`),
        ...pieces.slice(i, i + perMessage).map((text) => (full.code ? section(text) : { type: 'section', text: plain(text) })),
      ],
    });
  }
  return out;
}

const STATE_WORDS: Record<RequestState, string> = {
  PENDING_APPROVAL: 'waiting for an approver', DENIED: 'denied', EXPIRED_UNAPPROVED: 'expired without a decision', APPROVED: 'approved',
  ISSUING: 'approved, issuing the credential', ACTIVE: 'active', REVOKING: 'revoking', REVOKED: 'revoked', ARCHIVED: 'closed', FAILED: 'failed',
};

/**
 * The approval request in the approvers' channel (the thread's parent). It is re-rendered from
 * the latest state at every step, so its buttons always fit: Approve/Deny while pending, Revoke
 * now while access is live, none once the request is closed.
 */
export function requestMessage(s: AccessStatus, who: Who, facts: TargetFacts = {}): SlackMessageContent {
  const full: FullText[] = [];
  const kind = s.origin === 'api' ? 'Agent' : s.origin === 'oauth' ? 'Sign-in' : 'Access';
  const via = s.origin === 'api' ? ' (REST API)' : s.origin === 'oauth' ? ' (signed in at the OpenID provider, from an MCP client)' : '';
  const fields = [
    `*Requester*\n${who(s.requester)}${via}`,
    `*Target*\n${short(s.target)}`,
    `*Duration*\n${formatDuration(s.durationMs)}`,
    `*Ticket*\n${s.ticket ? short(s.ticket, 100) : 'none'}`,
    `*Risk*\n${short(facts.risk ?? 'PHI', FIELD_TEXT_MAX - 10)}`,
  ];
  const blocks: Block[] = [
    section(`${kind} request from ${who(s.requester)} for *${short(s.target)}*`),
    { type: 'section', fields: fields.map((text) => mrkdwn(text)) },
  ];
  if (s.client) blocks.push(...clientBlocks(s.client));
  if (facts.description) blocks.push(...quoted('Target description (gatehouse.yaml)', facts.description, full, 'Target description'));
  blocks.push(...quoted('Scope', facts.scope ?? 'as configured for the target', full));
  blocks.push(...quoted(`Reason, as written by the ${s.origin === 'api' ? 'agent' : 'requester'}`, s.reason, full, 'Reason'));
  blocks.push(context(`${statusIcon(s.state)} *Status:* ${stateLine(s, who)} · ${s.requestId}`));
  if (s.state === 'PENDING_APPROVAL' && !s.policy.autoApproved) {
    blocks.push(actions('decision', [
      button('Approve', SlackActions.approve, buttonValue(s.requestId), 'primary'),
      button('Deny', SlackActions.deny, buttonValue(s.requestId), 'danger'),
    ]));
  } else if (isLive(s.state)) {
    blocks.push(actions('live', [button('Revoke now', SlackActions.revoke, buttonValue(s.requestId), 'danger')]));
  }
  const text = `${kind} request ${s.requestId} for ${short(s.target, 100)}: ${STATE_WORDS[s.state]}`;
  return { text, blocks, ...(full.length ? { full } : {}) };
}

/**
 * The MCP client of an OAuth sign-in, with what Gatehouse verified apart from what the client
 * only claims: anyone can register a client under any name, so an unverified name is labelled as
 * a claim, and one that looks like a preregistered client's name is flagged.
 */
function clientBlocks(c: SignInClient): Block[] {
  const blocks: Block[] = [
    context('*MCP client (OAuth sign-in)*: what Gatehouse verified, and what the client only claims'),
    {
      type: 'section',
      fields: [
        mrkdwn(`*Name ${c.nameVerified ? '(verified: gatehouse.yaml)' : '(claimed by the client, not verified)'}*\n${short(c.name)}`),
        mrkdwn(`*Client id (${c.kind.replace('_', ' ')})*\n${code(c.clientId, 300)}`),
        mrkdwn(`*Verified by Gatehouse*\n${short(c.verified, 600)}`),
        mrkdwn(`*Code returned to*\n${short(c.redirectOrigin, 300)}`),
      ],
    },
  ];
  if (c.impersonates) {
    blocks.push(section(`:warning: *The claimed name looks like ${short(c.impersonates)}, but this is not that client.* Approve only if you expected ${unverifiedClient(c)}.`));
  }
  return blocks;
}

const unverifiedClient = (c: SignInClient) => (c.kind === 'metadata_document' ? `a client from ${short(new URL(c.clientId).host)}` : 'a self-registered client');

/**
 * What is left when Slack refused the full message: Gatehouse's own words, the buttons, and where
 * to read the rest. Nothing in it comes from user text, so Slack cannot refuse it for its content.
 */
export function reducedMessage(content: SlackMessageContent, requestId: string, slackError: string): SlackMessageContent {
  const buttons = content.blocks.filter((b) => (b as Block).type === 'actions');
  return {
    text: content.text,
    blocks: [
      section(escapeText(content.text)),
      context(`Slack refused the full message (${slackCode(slackError)}). Read it with \`/access status ${requestId}\`, \`gatehouse status ${requestId}\` or the REST API (\`GET /v1/access-requests/${requestId}\`).`),
      ...buttons,
    ],
  };
}

/** Slack's error code as inline code (codes are letters and underscores; anything else is dropped). */
function slackCode(code: string): string {
  return `\`${code.replace(/[^A-Za-z0-9_.]/g, '').slice(0, 80)}\``;
}

function statusIcon(state: RequestState): string {
  if (state === 'PENDING_APPROVAL') return ':hourglass_flowing_sand:';
  if (isLive(state)) return ':large_green_circle:';
  if (state === 'FAILED') return ':x:';
  return ':white_circle:';
}

/** The requester's DM: where the conversation is. */
export function requesterDm(s: AccessStatus, link: string): SlackMessageContent {
  const what = s.policy.autoApproved ? 'is approved by policy' : 'was sent to its approvers';
  const head = `Your request ${s.requestId} for ${short(s.target, 100)} (${formatDuration(s.durationMs)}) ${what}.`;
  return { text: `${head} Follow it here: ${link}`, blocks: [section(`${head} Follow it in <${link}|the request's thread>.`)] };
}

/** The requester's DM when the approvers could not be asked: nobody can approve it in Slack. */
export function notDeliveredDm(s: AccessStatus, slackError: string): SlackMessageContent {
  const text = `Your request ${s.requestId} for ${short(s.target, 100)} could not be posted to its approvers: Slack refused it (${slackCode(slackError)}). `
    + `Nobody can approve it in Slack, so it will expire unless you withdraw it (/access revoke ${s.requestId}) and ask again with a shorter reason, or ask the Gatehouse owners.`;
  return { text, blocks: [section(`:warning: ${text}`)] };
}

/** A plain reply in the thread (Gatehouse's own words, with inert values in them). */
export function reply(text: string, more: Block[] = [], full: FullText[] = []): SlackMessageContent {
  return { text, blocks: [section(text), ...more], ...(full.length ? { full } : {}) };
}

/** A reason someone typed, under a decision line of Gatehouse's. */
function withReason(line: string, label: string, reason: string | undefined): SlackMessageContent {
  if (!reason) return reply(line);
  const full: FullText[] = [];
  return reply(line, quoted(label, reason, full), full);
}

export function decidedReply(s: AccessStatus, who: Who): SlackMessageContent {
  const d = s.decision;
  if (!d) return reply('No decision recorded.');
  if (d.by.startsWith('policy:')) return reply(':white_check_mark: Approved automatically by policy.');
  return d.approved
    ? reply(`:white_check_mark: Approved by ${who(d.by)}.`)
    : withReason(`:no_entry: Denied by ${who(d.by)}.`, 'Reason given', d.reason);
}

export function issuedReply(s: AccessStatus): SlackMessageContent {
  if (s.principal?.startsWith(GRANT_ONLY_PRINCIPAL)) {
    return reply(`:key: Grant issued for ${short(s.target)}: its upstream needs no credential, so none was minted; the gateway admits only this grant's token.`);
  }
  return reply(`:key: Credential issued: a temporary identity ${code(s.principal ?? '?')} scoped to ${short(s.target)}. Only the gateway holds its key.`);
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
  return reply(`:electric_plug: ${who(s.requester)} started an MCP session through the gateway: ${code(detail, 300)}. Every exchange is recorded; PHI is masked.`);
}

/**
 * The thread's one reply about the MCP sessions on the grant: the first session's words as they
 * always were, then the count, the latest session and when it was seen, updated in place.
 */
export function sessionsReply(s: AccessStatus, sessions: SessionsSummary, who: Who): SlackMessageContent {
  if (sessions.count <= 1) return sessionReply(s, sessions.last, who);
  const line = `:electric_plug: ${who(s.requester)} has started *${sessions.count} MCP sessions* through the gateway on this access. Every exchange is recorded; PHI is masked.`;
  return {
    text: `${sessions.count} MCP sessions started on ${s.requestId}; the latest at ${utcTime(sessions.lastAt)}`,
    blocks: [
      section(line),
      context(`Latest: ${code(sessions.last, 300)}, last seen ${utcTime(sessions.lastAt)} · first ${utcTime(sessions.firstAt)} · this reply is updated as sessions start`),
    ],
  };
}

/**
 * A person signed in from another MCP client and reused this live grant: its token now also goes
 * to that client. The approvers read which client, what it claims and what was verified.
 */
export function grantReusedReply(s: AccessStatus, reused: { client?: string; detail?: string }, who: Who): SlackMessageContent {
  const full: FullText[] = [];
  const line = `:key: ${who(s.requester)} signed in from another MCP client and reused this access (client ${code(reused.client ?? 'unknown', 300)}). The grant's token now also goes to that client; revoke now if that was not expected.`;
  return reply(line, reused.detail ? quoted('The client, as Gatehouse recorded it', reused.detail, full, 'Client') : [], full);
}

/** A held command, with its own buttons until someone (or the timeout) decides. */
export function commandMessage(s: AccessStatus, c: CommandRecord, who: Who): SlackMessageContent {
  const classes = c.classes.map((x) => short(x, 40)).join(', ') || 'unclassified';
  const head = `${c.risk === 'high' ? ':warning: ' : ''}${who(s.requester)}'s session wants to run ${code(c.tool)} (${short(classes, 400)}). It is held until an approver decides:`;
  const sql = codeBlock(c.summary);
  const full: FullText[] = sql.omitted ? [{ label: `Command ${c.commandId}`, text: c.summary, code: true }] : [];
  const blocks: Block[] = [section(head), section(sql.text)];
  if (c.outcome === 'pending') {
    blocks.push(context(`Held at ${utcTime(c.heldAt)} · the gateway denies it if nobody decides within ${formatDuration(s.policy.commandApprovalTimeoutMs)} · ${c.commandId}`));
    blocks.push(actions(`command-${c.commandId}`, [
      button('Approve command', SlackActions.approveCommand, buttonValue(s.requestId, c.commandId), 'primary'),
      button('Deny command', SlackActions.denyCommand, buttonValue(s.requestId, c.commandId), 'danger'),
    ]));
  } else {
    blocks.push(context(`${commandOutcome(c, who)} · ${c.commandId}`));
    if (c.reason) blocks.push(...quoted('Reason given', c.reason, full));
  }
  return { text: `Held command ${c.commandId} on ${s.requestId}: ${c.outcome.replace('_', ' ')}`, blocks, ...(full.length ? { full } : {}) };
}

/** Gatehouse's line for a held command's outcome (the reason, someone's words, is shown apart). */
export function commandOutcome(c: CommandRecord, who: Who): string {
  switch (c.outcome) {
    case 'pending':
      return 'Waiting for an approver';
    case 'approved':
      return `:white_check_mark: Approved by ${who(c.decidedBy ?? '?')}`;
    case 'denied':
      return `:no_entry: Denied by ${who(c.decidedBy ?? '?')}`;
    case 'timed_out':
      return ':no_entry: Denied: no approver decided in time';
    default:
      return `:white_circle: ${escapeText(String(c.outcome).replace('_', ' '))}`;
  }
}

/** The thread's note that a held command was decided. */
export function commandDecidedReply(c: CommandRecord, who: Who): SlackMessageContent {
  return withReason(`${commandOutcome(c, who)}: ${code(c.tool)} (${c.commandId})`, 'Reason given', c.reason);
}

export function expiringSoonMessage(s: AccessStatus, who: Who): SlackMessageContent {
  return {
    text: `Access for ${s.requestId} ends at ${utcTime(s.expiresAt)}.`,
    blocks: [
      section(`:alarm_clock: ${who(s.requester)}, access to ${short(s.target)} ends at *${utcTime(s.expiresAt)}*. Ask for more time, or end it now.`),
      actions('expiring', [
        button('Extend', SlackActions.extend, buttonValue(s.requestId)),
        button('Revoke now', SlackActions.revoke, buttonValue(s.requestId), 'danger'),
      ]),
    ],
  };
}

export function extensionMessage(s: AccessStatus, index: number, e: ExtensionRecord, who: Who): SlackMessageContent {
  const full: FullText[] = [];
  const blocks: Block[] = [
    section(`:hourglass: ${who(e.requestedBy)} asks for *${formatDuration(e.durationMs)}* more.`),
    ...quoted('Reason, as written', e.reason, full, 'Extension reason'),
  ];
  if (e.outcome === 'pending') {
    blocks.push(actions(`extension-${index}`, [
      button('Approve extension', SlackActions.approveExtension, buttonValue(s.requestId, index), 'primary'),
      button('Deny extension', SlackActions.denyExtension, buttonValue(s.requestId, index), 'danger'),
    ]));
  } else {
    blocks.push(context(`${e.outcome === 'approved' ? ':white_check_mark: Approved' : ':no_entry: Denied'} by ${who(e.decidedBy ?? '?')}`));
  }
  return { text: `Extension of ${formatDuration(e.durationMs)} for ${s.requestId}: ${e.outcome}`, blocks, ...(full.length ? { full } : {}) };
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
  const done = s.principal ? ` The temporary identity ${code(s.principal)} is dropped and live sessions are cut.` : '';
  return withReason(`:white_circle: ${what} by ${by}.${done}`, 'Reason given', r.reason);
}

export function archivedReply(s: AccessStatus): SlackMessageContent {
  const a = s.archive;
  return reply(a
    ? `:file_cabinet: Audit archive written: ${code(`sha256:${a.digest}`)} at ${code(a.location, 500)}. The digest is kept in the workflow history, so a later edit of the archive is detectable.`
    : ':file_cabinet: Audit archive written.');
}

export function expiredReply(s: AccessStatus): SlackMessageContent {
  return reply(`:hourglass: No approver decided within ${formatDuration(s.policy.approvalTimeoutMs)}; the request expired and nothing was granted.`);
}

export function failedReply(s: AccessStatus): SlackMessageContent {
  return withReason(':x: The request failed. Anything issued has been revoked.', 'What went wrong', s.failure ?? 'unknown error');
}
