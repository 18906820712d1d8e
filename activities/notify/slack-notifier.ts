import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createLogger, type Logger } from '../../lib';
import { findTarget, type GatehouseConfig, type TargetConfig } from '../../policy';
import type { AccessStatus, Notice, NoticeResult, ThreadRef } from '../../workflows/types';
import { escapeText, scopeText, subjectName, type Who } from '../../lib/slack';
import type { Notifier } from './notifier';
import {
  activeReply, archivedReply, commandDecidedReply, commandMessage, decidedReply, expiredReply, expiringSoonMessage,
  extensionDecidedReply, extensionMessage, failedReply, fullTextMessages, issuedReply, notDeliveredDm, reducedMessage, requesterDm,
  grantReusedReply, requestMessage, revokedReply, sessionReply, sessionsReply, type FullText, type SlackMessageContent, type TargetFacts,
} from './slack-blocks';
import { SlackTransport, SlackTransportError } from './slack-transport';

export interface SlackNotifierOptions {
  transport: SlackTransport;
  /** gatehouse.yaml: the target's description, scope and command policy shown to approvers. */
  config?: GatehouseConfig;
  logger?: Logger;
  /** The activity attempt (1 = first); default from the Temporal activity context. */
  attempt?: () => number;
  /**
   * The transport of the workflow's quick tries (`quick`): one attempt, no sleeping (worker/notifier.ts).
   * Without it, `quick` is undefined and quick tries use this notifier.
   */
  quickTransport?: SlackTransport;
}

/**
 * Tells people about a request in Slack: the approval request in the target's approvers channel
 * (the thread), a DM to the requester with a link to it, then one reply per step. The parent is
 * re-rendered at every lifecycle step, so its buttons fit the state and vanish once it is closed.
 *
 * Runs as the workflow's `notify` activity. Every post carries an idempotency key stable across
 * activity retries (`gatehouse:<request>:<step>`), so a retried activity never posts twice.
 * Transport errors become activity failures: retryable ones are retried by the workflow's
 * policy, permanent ones (channel_not_found, invalid_auth, …) fail at once with Slack's code.
 */
export class SlackNotifier implements Notifier {
  private readonly log: Logger;
  private readonly people = new Map<string, { id?: string; at: number }>();
  /** Set for the notice being delivered when an earlier try may have posted it (Notice.mayAlreadyExist). */
  private readonly earlierTry = new AsyncLocalStorage<boolean>();
  readonly quick?: SlackNotifier;

  constructor(private readonly options: SlackNotifierOptions) {
    this.log = options.logger ?? createLogger('notify.slack');
    if (options.quickTransport) this.quick = new SlackNotifier({ ...options, transport: options.quickTransport, quickTransport: undefined });
  }

  async notify(notice: Notice): Promise<NoticeResult> {
    try {
      return await this.earlierTry.run(notice.mayAlreadyExist === true, () => this.deliver(notice));
    } catch (error) {
      if (error instanceof NoticeRefused) {
        // The workflow keeps this message in the request's timeline: the status, the API, the CLI
        // and `/access status` all say that (and why) nobody was told.
        throw ApplicationFailure.create({ message: error.message, type: `slack_${error.code}`, nonRetryable: true });
      }
      if (error instanceof SlackTransportError) {
        this.log.warn({ requestId: notice.status.requestId, kind: notice.kind, code: error.code }, 'slack notice not delivered');
        throw ApplicationFailure.create({
          message: error.message, type: `slack_${error.code}`, nonRetryable: !error.retryable,
          // Slack said how long to wait (Retry-After): the next attempt honours it.
          ...(error.retryable && error.retryAfterMs ? { nextRetryDelay: error.retryAfterMs } : {}),
        });
      }
      throw error;
    }
  }

  private async deliver(notice: Notice): Promise<NoticeResult> {
    const s = notice.status;
    const who = await this.whoFor(s);
    if (notice.kind === 'requested') return { thread: await this.postRequest(s, who) };

    const thread = s.thread ?? (await this.findThread(s));
    // The parent was just posted from this status by this delivery (not found from an earlier try): it is current.
    const parent: TargetFacts | 'current' = notice.parentCurrent && !this.retrying() ? 'current' : this.facts(s);
    switch (notice.kind) {
      case 'decided':
        return this.replyAndRefresh(s, thread, 'decided', decidedReply(s, who), who, parent);
      case 'expired_unapproved':
        return this.replyAndRefresh(s, thread, 'expired', expiredReply(s), who, parent);
      case 'issued':
        await this.reply(s, thread, 'issued', issuedReply(s));
        return {};
      case 'active':
        return this.replyAndRefresh(s, thread, 'active', activeReply(s, who), who, parent);
      case 'session_started': {
        if (!s.sessions) {
          // A workflow from before sessions were coalesced: one reply per session, as it began.
          const opened = [...s.timeline].reverse().find((e) => e.type === 'session_started');
          if (opened?.detail) await this.reply(s, thread, `session:${opened.detail}`, sessionReply(s, opened.detail, who));
          return {};
        }
        return { posted: await this.reply(s, thread, SESSIONS_STEP, sessionsReply(s, s.sessions, who)) };
      }
      case 'sessions_updated':
        return this.updateSessions(s, thread, who);
      case 'grant_reused': {
        const reused = [...s.timeline].reverse().find((e) => e.type === 'oauth_grant_reused');
        if (reused) await this.reply(s, thread, `grant-reused:${reused.at}:${reused.client ?? ''}`, grantReusedReply(s, reused, who));
        return {};
      }
      case 'command_held': {
        const command = s.commands.find((c) => c.commandId === notice.commandId);
        if (command) await this.reply(s, thread, `command:${command.commandId}`, commandMessage(s, command, who));
        return {};
      }
      case 'command_decided': {
        const command = s.commands.find((c) => c.commandId === notice.commandId);
        if (!command || !thread) return {};
        // The held command's own message loses its buttons and shows the outcome...
        const held = await this.options.transport.findPosted(thread.channel, this.key(s, `command:${command.commandId}`), { threadTs: thread.ts, sinceSec: sinceRequested(s) });
        if (held) await this.updateMessage(s, held, commandMessage(s, command, who));
        // ...and the thread says so, for those who follow it.
        await this.reply(s, thread, `command-decided:${command.commandId}`, commandDecidedReply(command, who));
        return {};
      }
      case 'expiring_soon':
        await this.reply(s, thread, `expiring:${s.expiresAt}`, expiringSoonMessage(s, who));
        return {};
      case 'extension_requested': {
        const index = s.extensions.length - 1;
        const extension = s.extensions[index];
        if (extension) await this.reply(s, thread, `extension:${index}`, extensionMessage(s, index, extension, who));
        return {};
      }
      case 'extension_decided': {
        const index = findLastIndex(s.extensions, (e) => e.outcome !== 'pending');
        const extension = s.extensions[index];
        if (!extension || !thread) return {};
        const asked = await this.options.transport.findPosted(thread.channel, this.key(s, `extension:${index}`), { threadTs: thread.ts, sinceSec: sinceRequested(s) });
        if (asked) await this.updateMessage(s, asked, extensionMessage(s, index, extension, who));
        await this.reply(s, thread, `extension-decided:${index}`, extensionDecidedReply(s, extension, who));
        return {};
      }
      case 'revoked':
        return this.replyAndRefresh(s, thread, 'revoked', revokedReply(s, who), who, parent);
      case 'archived':
        return this.replyAndRefresh(s, thread, 'archived', archivedReply(s), who, parent);
      case 'failed':
        return this.replyAndRefresh(s, thread, 'failed', failedReply(s), who, parent);
    }
  }

  /** The approval request in the approvers' channel, and the requester's DM pointing at it. */
  private async postRequest(s: AccessStatus, who: Who): Promise<ThreadRef> {
    const { transport } = this.options;
    const channel = await transport.channelId(s.policy.approverChannel);
    const requesterId = await this.slackUser(s.requester);
    const content = requestMessage(s, who, this.facts(s));
    let posted;
    try {
      posted = await this.refusable(s, 'requested', content, (c) => transport.postMessage({
        channel, text: c.text, blocks: c.blocks, idempotencyKey: this.key(s, 'requested'),
        metadata: { request_id: s.requestId }, mayAlreadyExist: this.retrying(),
      }));
    } catch (error) {
      // Nobody can approve what the approvers never saw: the requester hears it at once.
      const code = error instanceof NoticeRefused ? error.code : error instanceof SlackTransportError && !error.retryable ? error.code : undefined;
      if (code) {
        const told = requesterId ? await this.tellRequester(s, requesterId, code) : false;
        const why = error instanceof NoticeRefused ? error.message : `Slack answered ${code}`;
        throw new NoticeRefused(code, `the approvers were not asked in Slack: ${why}; ${told ? 'the requester was told by DM' : 'the requester could not be told in Slack'}`);
      }
      throw error;
    }
    const thread = { channel: posted.channel, ts: posted.ts };
    await this.postFullTexts(s, thread, 'requested', content);
    if (requesterId) {
      try {
        const link = await transport.permalink(thread.channel, thread.ts);
        const dm = requesterDm(s, link);
        await transport.postMessage({
          channel: requesterId, text: dm.text, blocks: dm.blocks, idempotencyKey: this.key(s, 'requested-dm'),
          metadata: { request_id: s.requestId }, mayAlreadyExist: this.retrying(),
        });
      } catch (error) {
        // The approvers have the request; a DM that cannot be delivered must not hold it up.
        if (!(error instanceof SlackTransportError) || error.retryable) throw error;
        this.log.warn({ requestId: s.requestId, code: error.code }, 'could not DM the requester');
      }
    }
    return thread;
  }

  private async reply(s: AccessStatus, thread: ThreadRef | undefined, step: string, content: SlackMessageContent): Promise<ThreadRef> {
    const channel = thread?.channel ?? (await this.options.transport.channelId(s.policy.approverChannel));
    const posted = await this.refusable(s, step, content, (c) => this.options.transport.postMessage({
      channel, threadTs: thread?.ts, text: c.text, blocks: c.blocks, idempotencyKey: this.key(s, step),
      metadata: { request_id: s.requestId }, mayAlreadyExist: this.retrying(),
    }));
    await this.postFullTexts(s, thread ?? { channel, ts: '' }, step, content);
    return { channel: posted.channel, ts: posted.ts };
  }

  /**
   * The thread's one session reply, updated with the count so far (chat.update sets the whole
   * message, so a retried or replayed update changes nothing twice). Where the first post was
   * lost, it is found by its idempotency key, or posted now.
   */
  private async updateSessions(s: AccessStatus, thread: ThreadRef | undefined, who: Who): Promise<NoticeResult> {
    const sessions = s.sessions;
    if (!sessions) return {};
    const content = sessionsReply(s, sessions, who);
    const reply = sessions.reply ?? (thread ? await this.options.transport.findPosted(thread.channel, this.key(s, SESSIONS_STEP), { threadTs: thread.ts, sinceSec: sinceRequested(s) }) : undefined);
    if (!reply) return { posted: await this.reply(s, thread, SESSIONS_STEP, content) };
    try {
      await this.updateMessage(s, reply, content);
    } catch (error) {
      // Someone deleted the reply: the count is posted again rather than lost.
      if (!(error instanceof SlackTransportError) || error.code !== 'message_not_found') throw error;
      return { posted: await this.reply(s, thread, `${SESSIONS_STEP}:${sessions.count}`, content) };
    }
    return { posted: reply };
  }

  private async updateMessage(s: AccessStatus, where: ThreadRef, content: SlackMessageContent): Promise<void> {
    await this.refusable(s, 'update', content, (c) => this.options.transport.update({ ...where, text: c.text, blocks: c.blocks }));
  }

  /**
   * Sends `content`; when Slack refuses it for what it holds (invalid_blocks, msg_too_long, …), sends
   * the reduced message (Gatehouse's words, the buttons, where to read the rest). A second refusal
   * is logged at error level with Slack's error and thrown: the workflow records it.
   */
  private async refusable<T>(s: AccessStatus, step: string, content: SlackMessageContent, send: (c: SlackMessageContent) => Promise<T>): Promise<T> {
    try {
      return await send(content);
    } catch (error) {
      if (!(error instanceof SlackTransportError) || !REFUSED_CONTENT.has(error.code)) throw error;
      this.log.warn({ requestId: s.requestId, step, code: error.code, messages: error.slackMessages }, 'slack refused the message; sending the reduced one');
      try {
        return await send(reducedMessage(content, s.requestId, error.code));
      } catch (again) {
        if (!(again instanceof SlackTransportError) || again.retryable) throw again;
        this.log.error({ requestId: s.requestId, step, code: again.code, messages: again.slackMessages }, 'slack refused the reduced message too; the notice is not delivered');
        const where = again.slackMessages?.[0] ? `: ${again.slackMessages[0].slice(0, 300)}` : '';
        throw new NoticeRefused(again.code, `Slack refused the ${step} message (${error.code}) and its reduced form (${again.code}${where})`);
      }
    }
  }

  /**
   * What a message showed clipped, whole in the thread (best effort: the message itself is out):
   * a file per text (Slack shows a file's content as written, searchable, downloadable), or, where
   * files cannot be shared (no files:write on an older install), thread replies of plain text.
   */
  private async postFullTexts(s: AccessStatus, thread: ThreadRef, step: string, content: SlackMessageContent): Promise<void> {
    if (!content.full?.length || !thread.ts) return;
    for (const [index, full] of content.full.entries()) {
      if (await this.shareFullText(s, thread, step, full)) continue;
      for (const [n, message] of fullTextMessages(s.requestId, full).entries()) {
        try {
          await this.options.transport.postMessage({
            channel: thread.channel, threadTs: thread.ts, text: message.text, blocks: message.blocks,
            idempotencyKey: this.key(s, `${step}:full:${index + 1}.${n + 1}`), metadata: { request_id: s.requestId }, mayAlreadyExist: this.retrying(),
          });
        } catch (error) {
          if (!(error instanceof SlackTransportError) || error.retryable) throw error;
          this.log.error({ requestId: s.requestId, step, code: error.code, messages: error.slackMessages }, 'slack refused the full text of a clipped message');
        }
      }
    }
  }

  /** One clipped text as a file in the thread; false when Slack will not take files from this app. */
  private async shareFullText(s: AccessStatus, thread: ThreadRef, step: string, full: FullText): Promise<boolean> {
    const { transport } = this.options;
    const filename = fullTextFileName(s.requestId, step, full);
    try {
      if (this.retrying() && (await transport.findFile(thread.channel, filename, { threadTs: thread.ts, sinceSec: sinceRequested(s) }))) return true;
      await transport.uploadFile({
        channel: thread.channel, threadTs: thread.ts, filename, title: `${full.label} of ${s.requestId}`, content: full.text,
        initialComment: `The full ${escapeText(full.label.toLowerCase())} of ${s.requestId}, as written (a message shows at most 3,000 characters of it).`,
        ...(full.code ? { snippetType: 'sql' } : {}),
      });
      return true;
    } catch (error) {
      if (!(error instanceof SlackTransportError) || error.retryable) throw error;
      this.log.warn({ requestId: s.requestId, step, code: error.code, neededScope: error.neededScope }, 'could not share the full text as a file; posting it as thread replies');
      return false;
    }
  }

  /** A DM to the requester: the approvers could not be asked in Slack. True when it was delivered. */
  private async tellRequester(s: AccessStatus, requesterId: string, code: string): Promise<boolean> {
    const dm = notDeliveredDm(s, code);
    try {
      await this.options.transport.postMessage({
        channel: requesterId, text: dm.text, blocks: dm.blocks, idempotencyKey: this.key(s, 'not-delivered-dm'),
        metadata: { request_id: s.requestId }, mayAlreadyExist: this.retrying(),
      });
      return true;
    } catch (error) {
      this.log.error({ requestId: s.requestId, code: (error as SlackTransportError).code }, 'could not tell the requester that the approvers were not asked');
      return false;
    }
  }

  /**
   * A step's reply in the thread, then the parent re-rendered. The parent is refreshed even when
   * the reply fails: a decided or closed request must never keep live Approve/Deny or Revoke
   * buttons because its reply was refused. The reply's failure is thrown afterwards. Not
   * refreshed when this delivery posted the parent from this same status a moment ago (`'current'`):
   * it shows the state already.
   */
  private async replyAndRefresh(s: AccessStatus, thread: ThreadRef | undefined, step: string, content: SlackMessageContent, who: Who, parent: TargetFacts | 'current'): Promise<NoticeResult> {
    let failed: { error: unknown } | undefined;
    try {
      await this.reply(s, thread, step, content);
    } catch (error) {
      failed = { error };
    }
    // A parent posted from this very status a moment ago shows it already: one chat.update fewer.
    const result = parent === 'current' ? {} : await this.refreshParent(s, thread, who, parent);
    if (failed) throw failed.error;
    return result;
  }

  /** Re-renders the parent from the latest state (chat.update is idempotent). */
  private async refreshParent(s: AccessStatus, thread: ThreadRef | undefined, who: Who, facts: TargetFacts): Promise<NoticeResult> {
    if (!thread) return {};
    try {
      await this.updateMessage(s, thread, requestMessage(s, who, facts));
    } catch (error) {
      // Someone deleted the request message: the thread replies still tell the story.
      if (!(error instanceof SlackTransportError) || error.code !== 'message_not_found') throw error;
      this.log.warn({ requestId: s.requestId }, 'the request message is gone; not updated');
    }
    return {};
  }

  /** When the 'requested' notice failed, the thread may still exist (posted, answer lost). */
  private async findThread(s: AccessStatus): Promise<ThreadRef | undefined> {
    const channel = await this.options.transport.channelId(s.policy.approverChannel);
    return this.options.transport.findPosted(channel, this.key(s, 'requested'), { sinceSec: sinceRequested(s) });
  }

  private key(s: AccessStatus, step: string): string {
    return `gatehouse:${s.requestId}:${step}`;
  }

  private retrying(): boolean {
    if (this.earlierTry.getStore()) return true;
    if (this.options.attempt) return this.options.attempt() > 1;
    try {
      return Context.current().info.attempt > 1;
    } catch {
      return false; // not in an activity (a direct call): nothing earlier to find
    }
  }

  private facts(s: AccessStatus): TargetFacts {
    const target = this.options.config ? findTarget(this.options.config, s.target) : undefined;
    return target ? targetFacts(target) : {};
  }

  /** Mentions for the Slack people among the request's subjects (by email), words for the rest. */
  private async whoFor(s: AccessStatus): Promise<Who> {
    const subjects = new Set<string>([s.requester]);
    if (s.decision) subjects.add(s.decision.by);
    if (s.revocation) subjects.add(s.revocation.by);
    for (const c of s.commands) if (c.decidedBy) subjects.add(c.decidedBy);
    for (const e of s.extensions) {
      subjects.add(e.requestedBy);
      if (e.decidedBy) subjects.add(e.decidedBy);
    }
    const ids = new Map<string, string | undefined>();
    for (const subject of subjects) ids.set(subject, await this.slackUser(subject));
    return (subject) => {
      const id = ids.get(subject);
      if (id) return `<@${id}>`;
      return subjectName(subject);
    };
  }

  private async slackUser(subject: string): Promise<string | undefined> {
    if (!subject.includes('@') || subject.includes(':')) return undefined; // agents and Gatehouse itself
    const cached = this.people.get(subject);
    if (cached && Date.now() - cached.at < 10 * 60_000) return cached.id;
    const id = await this.options.transport.userIdByEmail(subject);
    this.people.set(subject, { id, at: Date.now() });
    return id;
  }
}

/** The file name of a clipped text: unique per request, step and text, so a retry finds it. */
export function fullTextFileName(requestId: string, step: string, full: FullText): string {
  const slug = (x: string) => x.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return `${requestId}-${slug(step)}-${slug(full.label)}.${full.code ? 'sql' : 'txt'}`;
}

/** The step (idempotency key) of the thread's one session reply per request. */
const SESSIONS_STEP = 'sessions';

/** Slack refused a notice and its reduced form: final (retrying sends the same refused message). */
class NoticeRefused extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'NoticeRefused';
  }
}

/** Slack's answers that say the message itself was wrong: a smaller one may pass. */
const REFUSED_CONTENT = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'invalid_arguments', 'no_text', 'invalid_attachments', 'too_many_attachments']);

function sinceRequested(s: AccessStatus): number {
  return Math.floor(Date.parse(s.requestedAt) / 1000) - 60;
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T)) return i;
  return -1;
}

/** What approvers should know about a target before they decide: scope and the command policy. */
export function targetFacts(target: TargetConfig): TargetFacts {
  const scope = target.scope ? scopeText(target.scope) : undefined;
  const sql = target.commands.sql as Record<string, string | undefined>;
  const by = (verdict: string) => Object.keys(sql).filter((k) => sql[k] === verdict);
  const allowed = by('allow');
  const held = by('hold');
  const denied = by('deny');
  const dangerous = allowed.filter((c) => c !== 'read');
  const level = dangerous.length ? `HIGH: ${dangerous.join(', ')} run without review` : 'PHI';
  const parts = [
    allowed.length ? `allowed: ${allowed.join(', ')}` : '',
    held.length ? `held for approval: ${held.join(', ')}` : '',
    denied.length ? `denied: ${denied.join(', ')}` : '',
    `at most ${target.commands.rowLimit} rows`,
  ].filter(Boolean);
  return { description: target.description || undefined, scope, risk: `${level} (${parts.join('; ')})` };
}

/** The settings the worker's Slack notifier needs, from the environment. */
export interface SlackNotifierSettings {
  token: string;
  apiUrl?: string;
}

/**
 * Reads SLACK_BOT_TOKEN (and SLACK_API_URL for a local Slack) or says what is missing; the worker
 * turns the answer into a refusal to start.
 */
export function slackNotifierSettings(env: NodeJS.ProcessEnv): { ok: true; settings: SlackNotifierSettings } | { ok: false; missing: string } {
  const token = env.SLACK_BOT_TOKEN?.trim();
  if (!token) {
    return {
      ok: false,
      missing: 'Set SLACK_BOT_TOKEN to the Slack app\'s bot token (xoxb-…); for the local Slack (devstack/slack) also set SLACK_API_URL to its Web API (http://127.0.0.1:<port>/api/). `npm run dev` sets both.',
    };
  }
  const apiUrl = env.SLACK_API_URL?.trim();
  if (apiUrl && !/^https?:\/\/[^\s]+\/$/.test(apiUrl)) {
    return { ok: false, missing: `SLACK_API_URL "${apiUrl}" is not a Web API base URL ending in a slash (like http://127.0.0.1:3100/api/).` };
  }
  return { ok: true, settings: { token, ...(apiUrl ? { apiUrl } : {}) } };
}
