import { setTimeout as delay } from 'node:timers/promises';
import { webApi } from '@slack/bolt';
import { createLogger, type Logger } from '../../lib';

/**
 * The Slack poster the notifier activities use: chat.postMessage, chat.update and
 * chat.postEphemeral, retried deliberately and without duplicate messages.
 *
 * Retries. The WebClient's own retries are switched off (`retries: 0`, rate-limited calls
 * rejected) so that every retry is decided here, where we know what the call does:
 *  - 429 (or `ratelimited`): Slack refused the call before doing anything. Wait Retry-After, then
 *    call again. A wait longer than `maxDelayMs` is not slept through: the error is thrown as
 *    retryable with `retryAfterMs`, for the activity's retry policy to honour.
 *  - 5xx, `internal_error`/`fatal_error`/`service_unavailable`, a network error or timeout: the
 *    outcome is UNKNOWN. Slack may have applied the call and lost the answer. Back off
 *    exponentially (with jitter) and call again, but see below for postMessage.
 *  - any other `ok: false` (channel_not_found, not_in_channel, invalid_auth, missing_scope, …):
 *    a permanent answer; thrown at once as non-retryable, with Slack's error code.
 *
 * No duplicates. chat.update sets content and is idempotent; retrying it is always safe.
 * chat.postMessage is not, and Slack documents no idempotency key for it (client_msg_id is what
 * Slack's own clients set; the Web API documents no deduplication on it). So every message
 * carries one in its message metadata,
 *     metadata: { event_type: 'gatehouse_notice', event_payload: { idempotency_key, … } },
 * and after an attempt whose outcome is unknown, and before each further attempt, the channel
 * (or the thread) is read back (conversations.history / conversations.replies with
 * include_all_metadata) looking for that key. If it is there, the earlier attempt was applied:
 * its ts is returned and nothing is posted again. The caller chooses the key so that it is
 * stable across activity retries too (e.g. `${requestId}:${noticeKind}`), and passes
 * `mayAlreadyExist: true` on an activity retry (attempt > 1) so the lookup happens before the
 * first post as well: a worker that crashed after posting does not post twice either.
 * The lookup needs the history scope of the channel (channels:history / groups:history /
 * im:history) and the bot in the channel, both of which a notifier has anyway; without them the
 * lookup fails with Slack's error (e.g. missing_scope) rather than risk a duplicate.
 *
 * One race remains: an attempt that timed out may still be in flight inside Slack when the
 * read-back finds nothing, and land after the retry has posted. So whenever a post followed an
 * unknown outcome (or `mayAlreadyExist`), the transport waits `settleMs`, reads back every
 * message with the key, keeps the earliest and deletes the others with chat.delete (an app may
 * delete its own messages). A copy landing later than that is not caught; with the default
 * 10 s request timeout and 2 s settle this needs Slack to hold a request for over 12 s and then
 * apply it, which is the residual risk we accept.
 *
 * Ephemerals cannot be read back (Slack keeps no copy). chat.postEphemeral is retried on 429
 * always, and on an unknown outcome only when `retryUncertainEphemeral` is true (the default):
 * an ephemeral is a transient hint to one person, and a rare duplicate of it is a lesser harm
 * than the person never being told why their click did nothing.
 *
 * In an activity:
 *     const slack = new SlackTransport({ token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL });
 *     try {
 *       const { ts } = await slack.postMessage({ channel, threadTs, text, blocks,
 *         idempotencyKey: `${requestId}:approved`, mayAlreadyExist: Context.current().info.attempt > 1 });
 *     } catch (e) {
 *       if (e instanceof SlackTransportError && !e.retryable) throw ApplicationFailure.nonRetryable(e.message, e.code);
 *       throw e; // retryable: the activity's retry policy calls again (e.retryAfterMs says how soon)
 *     }
 */

export const IDEMPOTENCY_EVENT_TYPE = 'gatehouse_notice';

export interface SlackTransportOptions {
  /** Bot token (xoxb-…). Never logged. */
  token: string;
  /** The Web API base, default https://slack.com/api/ (the local Slack's `apiUrl` in tests). */
  apiUrl?: string;
  /** Attempts per call, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff after an unknown outcome; doubles each time. Default 500 ms. */
  baseDelayMs?: number;
  /** The longest wait (Retry-After or backoff) slept through here. Default 30 s. */
  maxDelayMs?: number;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** How far back a `mayAlreadyExist` lookup reads a channel. Default 1 hour. */
  lookbackSec?: number;
  /** See the module comment. Default true. */
  retryUncertainEphemeral?: boolean;
  /** After a post that followed an unknown outcome: how long to let a slow earlier attempt land before the duplicate check. Default 2 s. */
  settleMs?: number;
  logger?: Logger;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface OutgoingMessage {
  /** A conversation id (C…, D…), or a person's id (U…) to post in the bot's DM with them. Not a #name. */
  channel: string;
  /** Also the notification text and the fallback for screen readers when blocks are given. */
  text: string;
  blocks?: unknown[];
  /** Post as a reply in this thread. */
  threadTs?: string;
  replyBroadcast?: boolean;
  /** Unique per message and stable across retries (e.g. `${requestId}:approved`). */
  idempotencyKey: string;
  /** Extra fields for the message metadata (ids, never secrets: metadata is visible to the workspace's apps). */
  metadata?: Record<string, string | number | boolean>;
  /** This message may have been posted by an earlier attempt (an activity retry): look first. */
  mayAlreadyExist?: boolean;
}

/** A text shared as a file in a conversation (a thread reply with threadTs). */
export interface FileShare {
  channel: string;
  threadTs?: string;
  /** Also how a retry finds it again in the thread: unique per text. */
  filename: string;
  title: string;
  /** The file's content: shown as written (Slack does not parse a file). */
  content: string;
  /** The message introducing it (mrkdwn: the caller escapes). */
  initialComment: string;
  /** e.g. 'sql' (files.getUploadURLExternal's snippet_type). */
  snippetType?: string;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  /** True when an earlier attempt had posted it and no new message was made. */
  deduplicated: boolean;
  attempts: number;
}

export interface MessageEdit {
  channel: string;
  ts: string;
  text: string;
  /**
   * The new blocks. Omitted (or `[]`): the message becomes text only, so the buttons of a closed
   * request go away (chat.update itself would keep the old blocks; this transport never does).
   */
  blocks?: unknown[];
}

export interface EphemeralNote {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
}

export type SlackTransportErrorCode =
  | 'rate_limited' | 'outcome_unknown' | 'request_failed' | 'http_error'
  // Slack's own error codes (channel_not_found, invalid_auth, …) pass through as they are.
  | (string & {});

/** What to do about the Slack errors an operator is likely to meet. */
const HINTS: Record<string, string> = {
  not_in_channel: 'invite the Gatehouse app to the channel (/invite @gatehouse)',
  channel_not_found: 'check the channel id in gatehouse.yaml, and for a private channel invite the app to it',
  invalid_auth: 'check SLACK_BOT_TOKEN: it is not a valid token for this workspace',
  not_authed: 'set SLACK_BOT_TOKEN',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  account_inactive: 'the bot token belongs to a deactivated app or user: reinstall the app',
  missing_scope: 'add the scope to the Slack app and reinstall it',
  message_not_found: 'the message was deleted or the ts is wrong',
  cant_update_message: 'only messages the app posted can be updated',
  user_not_in_channel: 'an ephemeral can only be shown to a member of the channel',
  rate_limited: 'Slack is rate limiting this app; retry after the announced wait',
  outcome_unknown: 'Slack did not confirm the call; retry (posts are deduplicated by idempotency key)',
};

export class SlackTransportError extends Error {
  constructor(
    readonly method: string,
    readonly code: SlackTransportErrorCode,
    /** True when calling again later may succeed (the activity should retry). */
    readonly retryable: boolean,
    readonly attempts: number,
    readonly retryAfterMs?: number,
    /** For missing_scope: the scope Slack asked for. */
    readonly neededScope?: string,
  ) {
    const hint = HINTS[code];
    const scope = neededScope ? ` (needs ${neededScope})` : '';
    super(`Slack ${method} failed: ${code}${scope} after ${attempts} attempt(s)${hint ? `; ${hint}` : ''}`);
    this.name = 'SlackTransportError';
  }

  /** What Slack said beside the code (invalid_blocks: each problem with its json-pointer). */
  slackMessages?: string[];
}

type Outcome =
  | { kind: 'not_applied'; code: string; waitMs: number }
  | { kind: 'unknown'; code: string }
  | { kind: 'permanent'; code: string; neededScope?: string; messages?: string[] };

const UNCERTAIN_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

function classify(error: unknown): Outcome {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string; needed?: string; response_metadata?: { messages?: string[] } } };
  switch (e?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return { kind: 'not_applied', code: 'rate_limited', waitMs: Math.max(0, (e.retryAfter ?? 1) * 1000) };
    case webApi.ErrorCode.HTTPError:
      if ((e.statusCode ?? 0) >= 500) return { kind: 'unknown', code: `http_${e.statusCode}` };
      return { kind: 'permanent', code: 'http_error' };
    case webApi.ErrorCode.RequestError:
      return { kind: 'unknown', code: 'request_failed' };
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      if (code === 'ratelimited') return { kind: 'not_applied', code: 'rate_limited', waitMs: 1000 };
      if (UNCERTAIN_PLATFORM_ERRORS.has(code)) return { kind: 'unknown', code };
      return { kind: 'permanent', code, neededScope: e.data?.needed, messages: e.data?.response_metadata?.messages };
    }
    default:
      // Anything else (a timeout abort, a socket error surfacing raw) may have reached Slack.
      return { kind: 'unknown', code: 'request_failed' };
  }
}

/** Orders Slack timestamps ("seconds.micros") exactly, without floating point. */
function compareTs(a: string, b: string): number {
  const [as = '0', af = ''] = a.split('.');
  const [bs = '0', bf = ''] = b.split('.');
  return Number(as) - Number(bs) || Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}

interface SlackMessageSeen {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  files?: Array<{ id?: string; name?: string }>;
}

export class SlackTransport {
  private readonly client: InstanceType<typeof webApi.WebClient>;
  private readonly log: Logger;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly lookbackSec: number;
  private readonly retryUncertainEphemeral: boolean;
  private readonly settleMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly channelIds = new Map<string, string>();

  constructor(options: SlackTransportOptions) {
    this.log = options.logger ?? createLogger('notify.slack');
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.lookbackSec = options.lookbackSec ?? 3600;
    this.retryUncertainEphemeral = options.retryUncertainEphemeral ?? true;
    this.settleMs = options.settleMs ?? 2_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    const quiet = this.log;
    this.client = new webApi.WebClient(options.token, {
      slackApiUrl: options.apiUrl ?? 'https://slack.com/api/',
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: this.timeoutMs,
      // The WebClient's own log lines go to debug; our decisions are logged below.
      logger: {
        debug: () => {}, info: () => {},
        warn: (...m: unknown[]) => quiet.debug({ webClient: m.map(String).join(' ') }, 'slack web client'),
        error: (...m: unknown[]) => quiet.debug({ webClient: m.map(String).join(' ') }, 'slack web client'),
        setLevel: () => {}, getLevel: () => webApi.LogLevel.WARN, setName: () => {},
      },
    });
  }

  /** Posts once: retried through 429s and 5xx, and never twice (see the module comment). */
  async postMessage(message: OutgoingMessage): Promise<PostedMessage> {
    if (!message.idempotencyKey) throw new Error('postMessage needs an idempotencyKey (stable across retries)');
    const startedSec = Math.floor(Date.now() / 1000);
    const where = { threadTs: message.threadTs, sinceSec: message.mayAlreadyExist ? startedSec - this.lookbackSec : startedSec - 60 };
    const existing = async (): Promise<PostedMessage | undefined> => {
      const found = await this.findPosted(message.channel, message.idempotencyKey, where);
      return found ? { ...found, deduplicated: true, attempts: 0 } : undefined;
    };
    if (message.mayAlreadyExist) {
      const found = await existing();
      if (found) {
        this.log.info({ channel: found.channel, ts: found.ts, key: message.idempotencyKey }, 'slack message already posted by an earlier attempt');
        return found;
      }
    }
    const args = {
      channel: message.channel,
      text: message.text,
      blocks: message.blocks,
      thread_ts: message.threadTs,
      reply_broadcast: message.replyBroadcast,
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: IDEMPOTENCY_EVENT_TYPE, event_payload: { ...message.metadata, idempotency_key: message.idempotencyKey } },
    };
    const { result, attempts, recovered, uncertain } = await this.call<{ channel?: string; ts?: string }>('chat.postMessage', args, existing);
    if (recovered) {
      this.log.info({ channel: recovered.channel, ts: recovered.ts, key: message.idempotencyKey, attempts }, 'slack message found after an unknown outcome; not posted again');
      return { ...recovered, attempts };
    }
    const posted: PostedMessage = { channel: result?.channel ?? message.channel, ts: String(result?.ts), deduplicated: false, attempts };
    // An attempt whose outcome was unknown (or an earlier activity attempt) may still land after
    // our read-back found nothing. Give it time to, then keep the earliest copy only.
    if (uncertain || message.mayAlreadyExist) return this.settle(posted, message.idempotencyKey, where);
    return posted;
  }

  /**
   * After a post that followed an unknown outcome: wait `settleMs`, read back every message with
   * the key, keep the earliest and delete the others (a bot's own messages can be deleted).
   */
  private async settle(posted: PostedMessage, key: string, where: { threadTs?: string; sinceSec?: number }): Promise<PostedMessage> {
    await this.sleep(this.settleMs);
    const copies = await this.findAllPosted(posted.channel, key, where);
    const [keep, ...extra] = copies.ts;
    if (!keep || extra.length === 0) return posted;
    for (const ts of extra) {
      try {
        await this.call('chat.delete', { channel: copies.channel, ts });
      } catch (error) {
        if ((error as SlackTransportError).code !== 'message_not_found') {
          this.log.warn({ channel: copies.channel, ts, key, code: (error as SlackTransportError).code }, 'could not delete a duplicate slack message');
        }
      }
    }
    this.log.warn({ channel: copies.channel, kept: keep, deleted: extra, key }, 'a slow earlier attempt posted too; duplicates deleted');
    return { channel: copies.channel, ts: keep, deduplicated: keep !== posted.ts, attempts: posted.attempts };
  }

  /** Replaces a message's text and blocks (idempotent, so plainly retried). */
  async update(edit: MessageEdit): Promise<{ channel: string; ts: string }> {
    const { result } = await this.call<{ channel?: string; ts?: string }>('chat.update', {
      channel: edit.channel, ts: edit.ts, text: edit.text, blocks: edit.blocks ?? [],
    });
    return { channel: result?.channel ?? edit.channel, ts: result?.ts ?? edit.ts };
  }

  /** A message only `user` sees. */
  async postEphemeral(note: EphemeralNote): Promise<{ messageTs: string }> {
    const { result } = await this.call<{ message_ts?: string }>(
      'chat.postEphemeral',
      { channel: note.channel, user: note.user, text: note.text, blocks: note.blocks, thread_ts: note.threadTs },
      this.retryUncertainEphemeral ? undefined : 'stop',
    );
    return { messageTs: String(result?.message_ts) };
  }

  /**
   * Shares a text as a file (files.getUploadURLExternal, the bytes POSTed to its upload URL, then
   * files.completeUploadExternal into the conversation). Needs files:write. Each step is retried
   * like any call; a retried share asks `findFile` first (a file message carries no metadata, so
   * it is found by its name in the thread).
   */
  async uploadFile(share: FileShare): Promise<{ fileId: string }> {
    const bytes = Buffer.from(share.content, 'utf8');
    const { result: target } = await this.call<{ upload_url?: string; file_id?: string }>('files.getUploadURLExternal', {
      filename: share.filename, length: bytes.length, ...(share.snippetType ? { snippet_type: share.snippetType } : {}),
    });
    if (!target?.upload_url || !target.file_id) throw new SlackTransportError('files.getUploadURLExternal', 'no_upload_url', false, 1);
    await this.sendBytes(target.upload_url, bytes);
    // After an unknown outcome, the share may have happened: look for it before finishing again.
    const shared = async (): Promise<PostedMessage | undefined> => {
      const found = await this.findFile(share.channel, share.filename, { threadTs: share.threadTs, sinceSec: Math.floor(Date.now() / 1000) - this.lookbackSec });
      return found ? { ...found, deduplicated: true, attempts: 0 } : undefined;
    };
    await this.call('files.completeUploadExternal', {
      files: JSON.stringify([{ id: target.file_id, title: share.title }]),
      channel_id: share.channel, ...(share.threadTs ? { thread_ts: share.threadTs } : {}), initial_comment: share.initialComment,
    }, shared);
    return { fileId: target.file_id };
  }

  /** The message in the thread (or channel) sharing a file of this name, if any. */
  async findFile(channel: string, filename: string, where: { threadTs?: string; sinceSec?: number } = {}): Promise<{ channel: string; ts: string } | undefined> {
    const method = where.threadTs ? 'conversations.replies' : 'conversations.history';
    let cursor: string | undefined;
    for (let pageNo = 0; pageNo < 20; pageNo++) {
      const args: Record<string, unknown> = { channel, limit: 200, cursor, ...(where.threadTs ? { ts: where.threadTs } : {}), ...(where.sinceSec !== undefined ? { oldest: String(where.sinceSec) } : {}) };
      const { result } = await this.call<{ messages?: SlackMessageSeen[]; response_metadata?: { next_cursor?: string } }>(method, args);
      const found = (result?.messages ?? []).find((m) => m.files?.some((f) => f.name === filename));
      if (found?.ts) return { channel, ts: found.ts };
      cursor = result?.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /** The upload URL's POST: retried on 5xx and network errors (a re-sent upload replaces the bytes). */
  private async sendBytes(url: string, bytes: Buffer): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let status: number;
      try {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes, signal: AbortSignal.timeout(this.timeoutMs) });
        status = response.status;
        await response.arrayBuffer();
        if (response.ok) return;
      } catch {
        status = 0;
      }
      if ((status > 0 && status < 500) || attempt >= this.maxAttempts) {
        throw new SlackTransportError('files upload', status ? `http_${status}` : 'request_failed', status === 0 || status >= 500, attempt);
      }
      await this.sleep(this.backoff(attempt));
    }
  }

  /** The DM channel between the bot and a person (conversations.open). */
  async openDm(user: string): Promise<string> {
    const { result } = await this.call<{ channel?: { id?: string } }>('conversations.open', { users: user });
    return String(result?.channel?.id);
  }

  async permalink(channel: string, ts: string): Promise<string> {
    const { result } = await this.call<{ permalink?: string }>('chat.getPermalink', { channel, message_ts: ts });
    return String(result?.permalink);
  }

  /**
   * A conversation id for a channel written by name in gatehouse.yaml (`phi-approvers` or
   * `#phi-approvers`); an id (C…, G…, D…) is returned as it is. Needs channels:read and
   * groups:read, and for a private channel the app in it. Answers are cached per transport.
   */
  async channelId(ref: string): Promise<string> {
    if (/^[CGD][A-Z0-9]{6,}$/.test(ref)) return ref;
    const name = ref.replace(/^#/, '');
    const cached = this.channelIds.get(name);
    if (cached) return cached;
    let cursor: string | undefined;
    for (let pageNo = 0; pageNo < 50; pageNo++) {
      const { result } = await this.call<{ channels?: Array<{ id?: string; name?: string }>; response_metadata?: { next_cursor?: string } }>(
        'conversations.list', { types: 'public_channel,private_channel', exclude_archived: true, limit: 200, cursor },
      );
      for (const c of result?.channels ?? []) if (c.id && c.name) this.channelIds.set(c.name, c.id);
      const found = this.channelIds.get(name);
      if (found) return found;
      cursor = result?.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    throw new SlackTransportError('conversations.list', 'channel_not_found', false, 1);
  }

  /** The Slack person with this email (users.lookupByEmail, needs users:read.email), if any. */
  async userIdByEmail(email: string): Promise<string | undefined> {
    try {
      const { result } = await this.call<{ user?: { id?: string } }>('users.lookupByEmail', { email });
      return result?.user?.id;
    } catch (error) {
      if (error instanceof SlackTransportError && error.code === 'users_not_found') return undefined;
      throw error;
    }
  }

  /** The earliest message carrying `idempotencyKey` in the channel (or thread), if any. */
  async findPosted(channel: string, idempotencyKey: string, where: { threadTs?: string; sinceSec?: number } = {}): Promise<{ channel: string; ts: string } | undefined> {
    const all = await this.findAllPosted(channel, idempotencyKey, where);
    const ts = all.ts[0];
    return ts ? { channel: all.channel, ts } : undefined;
  }

  /** Every message carrying `idempotencyKey`, earliest first, and the conversation id they are in. */
  async findAllPosted(channel: string, idempotencyKey: string, where: { threadTs?: string; sinceSec?: number } = {}): Promise<{ channel: string; ts: string[] }> {
    const matches = (m: SlackMessageSeen) =>
      m.metadata?.event_type === IDEMPOTENCY_EVENT_TYPE && m.metadata.event_payload?.idempotency_key === idempotencyKey;
    // A post addressed to a person (U…/W…) lands in the bot's DM with them; history needs the D… id.
    const conversation = /^[UW][A-Z0-9]+$/.test(channel) ? await this.openDm(channel) : channel;
    const found: string[] = [];
    let cursor: string | undefined;
    for (let pageNo = 0; pageNo < 20; pageNo++) {
      const method = where.threadTs ? 'conversations.replies' : 'conversations.history';
      const args: Record<string, unknown> = { channel: conversation, include_all_metadata: true, limit: 200, cursor };
      if (where.threadTs) args.ts = where.threadTs;
      if (where.sinceSec !== undefined) args.oldest = String(where.sinceSec);
      const { result } = await this.call<{ messages?: SlackMessageSeen[]; response_metadata?: { next_cursor?: string } }>(method, args);
      for (const m of result?.messages ?? []) if (m.ts && matches(m)) found.push(m.ts);
      cursor = result?.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return { channel: conversation, ts: [...new Set(found)].sort(compareTs) };
  }

  /**
   * One Web API call with deliberate retries. After an unknown outcome, `recover` (if given) is
   * asked before every further attempt whether the call was applied after all; 'stop' means an
   * unknown outcome must not be retried.
   */
  private async call<T>(
    method: string,
    args: Record<string, unknown>,
    recover?: (() => Promise<PostedMessage | undefined>) | 'stop',
  ): Promise<{ result?: T; attempts: number; recovered?: PostedMessage; uncertain: boolean }> {
    let uncertain = false;
    for (let attempt = 1; ; attempt++) {
      if (uncertain && typeof recover === 'function') {
        const recovered = await recover();
        if (recovered) return { attempts: attempt - 1, recovered, uncertain };
      }
      let outcome: Outcome;
      try {
        const result = (await this.client.apiCall(method, args)) as T;
        if (attempt > 1) this.log.info({ method, attempt }, 'slack call succeeded after retry');
        return { result, attempts: attempt, uncertain };
      } catch (error) {
        outcome = classify(error);
      }
      if (outcome.kind === 'permanent') {
        this.log.warn({ method, code: outcome.code, messages: outcome.messages }, 'slack refused the call');
        const refused = new SlackTransportError(method, outcome.code, false, attempt, undefined, outcome.neededScope);
        if (outcome.messages) refused.slackMessages = outcome.messages;
        throw refused;
      }
      if (outcome.kind === 'unknown') {
        uncertain = true;
        if (recover === 'stop') throw new SlackTransportError(method, 'outcome_unknown', false, attempt);
      }
      const waitMs = outcome.kind === 'not_applied' ? outcome.waitMs : this.backoff(attempt);
      if (attempt >= this.maxAttempts || waitMs > this.maxDelayMs) {
        this.log.warn({ method, code: outcome.code, attempt, waitMs }, 'slack call not done; giving up for now');
        throw new SlackTransportError(method, outcome.kind === 'not_applied' ? 'rate_limited' : 'outcome_unknown', true, attempt, waitMs);
      }
      this.log.info({ method, code: outcome.code, attempt, waitMs }, outcome.kind === 'not_applied' ? 'slack rate limited; waiting as told' : 'slack outcome unknown; retrying');
      await this.sleep(waitMs);
    }
  }

  private backoff(attempt: number): number {
    const base = this.baseDelayMs * 2 ** (attempt - 1);
    return Math.min(this.maxDelayMs, Math.round(base / 2 + Math.random() * (base / 2)));
  }
}
