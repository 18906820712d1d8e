import { randomBytes } from 'node:crypto';

/**
 * The state of one local Slack workspace: its people, channels, messages and the side records
 * (updates, ephemerals, modals, response_url posts) a test wants to look at afterwards.
 *
 * The shapes follow Slack's own objects closely enough that code written against the Web API
 * reads the same here; the methods that turn this state into Web API answers live in methods.ts.
 */

/** Every scope the local bot token is granted unless a test asks for a narrower token. */
export const ALL_BOT_SCOPES: readonly string[] = [
  'chat:write', 'chat:write.public', 'users:read', 'users:read.email', 'im:write', 'im:history',
  'channels:history', 'groups:history', 'channels:read', 'groups:read', 'commands', 'files:write',
];

export interface SlackUser {
  id: string;
  teamId: string;
  /** The handle (`alice`), unique in the workspace. */
  name: string;
  displayName: string;
  realName: string;
  email?: string;
  /** Slack only reports an email the person proved they own; Gatehouse maps identity on it. */
  emailVerified: boolean;
  isBot: boolean;
  isAdmin: boolean;
  deleted: boolean;
  botId?: string;
  tz: string;
}

export type ChannelKind = 'public' | 'private' | 'im';

export interface SlackChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  members: Set<string>;
  /** For a DM (`D…`): the person on the other side of the bot. */
  imUser?: string;
  created: number;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  /** The author: a person's id, or the bot user's id for app messages. */
  user: string;
  botId?: string;
  appId?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: MessageMetadata;
  /** Set on replies (the parent's ts) and on a parent once it has replies (its own ts). */
  threadTs?: string;
  replyBroadcast: boolean;
  /** ts of the replies, oldest first (only on a thread parent). */
  replies: string[];
  edited?: { user: string; ts: string };
  /** How the message arrived: the Web API or an `in_channel` response_url post. */
  via: 'api' | 'response_url' | 'seed';
  /** Files shared with the message (files.completeUploadExternal). */
  files?: Array<{ id: string; name: string; title: string }>;
}

/** A file uploaded through files.getUploadURLExternal (its bytes posted to the upload URL). */
export interface SlackFile {
  id: string;
  name: string;
  title: string;
  /** The size announced to files.getUploadURLExternal. */
  length: number;
  snippetType?: string;
  uploadedBy: string;
  createdAt: string;
  /** The bytes posted to the upload URL; absent until then. */
  content?: Buffer;
  /** Shared in a conversation (files.completeUploadExternal). */
  completed: boolean;
}

export interface EphemeralMessage {
  channel: string;
  /** The only person who sees it. */
  user: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  postedBy: string;
  via: 'api' | 'response_url';
}

export interface MessageUpdate {
  channel: string;
  ts: string;
  at: string;
  by: string;
  before: { text: string; blocks?: unknown[] };
  after: { text: string; blocks?: unknown[] };
  via: 'api' | 'response_url';
}

export interface SlackView {
  id: string;
  teamId: string;
  /** The person the modal is open for. */
  userId: string;
  type: string;
  callbackId: string;
  privateMetadata: string;
  externalId: string;
  hash: string;
  rootViewId: string;
  previousViewId: string | null;
  /** The view object as the app sent it (blocks, title, submit, …). */
  definition: Record<string, unknown>;
  openedAt: string;
  closed: boolean;
}

export interface ResponseUrlTarget {
  id: string;
  url: string;
  kind: 'command' | 'action' | 'view';
  channel: string;
  user: string;
  /** For actions: the message the clicked button sits on (replace_original edits it). */
  messageTs?: string;
  uses: number;
  issuedAt: number;
}

export interface ResponseUrlPost {
  id: string;
  url: string;
  kind: ResponseUrlTarget['kind'];
  channel: string;
  user: string;
  at: string;
  body: Record<string, unknown>;
}

export interface TokenGrant {
  userId: string;
  scopes: Set<string>;
  revoked: boolean;
}

export interface ApiCallRecord {
  method: string;
  at: string;
  status: number;
  ok: boolean;
  error?: string;
  /** The call's arguments with the token removed. */
  args: Record<string, unknown>;
  injected?: 'rate_limited' | 'server_error' | 'refused';
}

export interface UserSeed {
  name: string;
  email?: string;
  displayName?: string;
  realName?: string;
  /** Defaults to true when an email is given. */
  emailVerified?: boolean;
  isAdmin?: boolean;
  isBot?: boolean;
  deleted?: boolean;
  id?: string;
}

export interface ChannelSeed {
  name: string;
  private?: boolean;
  /** User names or ids. The app's bot user is always added unless `withoutBot`. */
  members?: string[];
  withoutBot?: boolean;
  id?: string;
}

export interface WorkspaceSeed {
  team?: { id?: string; name?: string; domain?: string };
  app?: { id?: string; botName?: string; botToken?: string };
  users?: UserSeed[];
  channels?: ChannelSeed[];
}

/** Thrown by workspace operations and turned into `{ ok: false, error: code }` by the server. */
export class SlackApiError extends Error {
  constructor(readonly code: string, readonly extra: Record<string, unknown> = {}) {
    super(code);
    this.name = 'SlackApiError';
  }
}

const ID_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** `1700000000.000100` → microseconds, exactly (fits in a double). */
export function tsToMicros(ts: string): number {
  const [sec, frac = ''] = ts.split('.');
  return Number(sec) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6));
}

function microsToTs(us: number): string {
  return `${Math.floor(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, '0')}`;
}

export class SlackWorkspace {
  readonly team: { id: string; name: string; domain: string };
  readonly app: { id: string; botId: string; botUserId: string; botName: string };
  readonly botToken: string;
  readonly users = new Map<string, SlackUser>();
  readonly channels = new Map<string, SlackChannel>();
  readonly tokens = new Map<string, TokenGrant>();
  readonly views = new Map<string, SlackView>();
  readonly files = new Map<string, SlackFile>();
  readonly ephemerals: EphemeralMessage[] = [];
  readonly updates: MessageUpdate[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly deletions: Array<{ channel: string; ts: string; at: string; text: string }> = [];
  /** Every Web API call, newest last (the oldest are dropped beyond `maxCallRecords`). */
  readonly calls: ApiCallRecord[] = [];
  maxCallRecords = 10_000;
  /** Milliseconds a trigger_id stays usable (Slack: 3 s). */
  triggerTtlMs = 3_000;
  /** Base URL the permalinks and response_urls point at; set by the server once it listens. */
  baseUrl = 'http://localhost';
  /** Socket Mode, once the server runs (apps.connections.open asks it for a URL). */
  socketMode?: { openConnection(): string };

  private readonly messages = new Map<string, SlackMessage[]>();
  private readonly triggers = new Map<string, { userId: string; issuedAt: number; used: boolean }>();
  private readonly responseUrls = new Map<string, ResponseUrlTarget>();
  private readonly counters = new Map<string, number>();
  private lastTsMicros = 0;

  constructor(seed: WorkspaceSeed = {}) {
    this.team = {
      id: seed.team?.id ?? this.newId('T'),
      name: seed.team?.name ?? 'Gatehouse Local',
      domain: seed.team?.domain ?? 'gatehouse-local',
    };
    const botName = seed.app?.botName ?? 'gatehouse';
    const botId = this.newId('B');
    const botUser = this.addUser({ name: botName, displayName: botName, realName: 'Gatehouse', isBot: true });
    botUser.botId = botId;
    this.app = { id: seed.app?.id ?? this.newId('A'), botId, botUserId: botUser.id, botName };
    this.botToken = seed.app?.botToken ?? `xoxb-local-${randomBytes(12).toString('hex')}`;
    this.tokens.set(this.botToken, { userId: botUser.id, scopes: new Set(ALL_BOT_SCOPES), revoked: false });
    for (const u of seed.users ?? []) this.addUser(u);
    for (const c of seed.channels ?? []) this.addChannel(c);
  }

  // ---- ids and clocks -------------------------------------------------------------------------

  /** Slack-looking ids: a type letter and ten upper-case characters, stable in creation order. */
  newId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    let body = '';
    let rest = n;
    for (let i = 0; i < 6; i++) {
      body = ID_ALPHABET[rest % ID_ALPHABET.length] + body;
      rest = Math.floor(rest / ID_ALPHABET.length);
    }
    return `${prefix}0L0C${body}`;
  }

  /** A message timestamp: wall clock in microseconds, strictly increasing across the workspace. */
  nextTs(): string {
    const now = Date.now() * 1000;
    this.lastTsMicros = Math.max(now, this.lastTsMicros + 1);
    return microsToTs(this.lastTsMicros);
  }

  recordCall(record: ApiCallRecord): void {
    this.calls.push(record);
    if (this.calls.length > this.maxCallRecords) this.calls.splice(0, this.calls.length - this.maxCallRecords);
  }

  // ---- people and channels --------------------------------------------------------------------

  addUser(seed: UserSeed): SlackUser {
    if ([...this.users.values()].some((u) => u.name === seed.name)) {
      throw new Error(`a user named "${seed.name}" already exists in the local workspace`);
    }
    const user: SlackUser = {
      id: seed.id ?? this.newId('U'),
      teamId: this.team.id,
      name: seed.name,
      displayName: seed.displayName ?? seed.name,
      realName: seed.realName ?? seed.displayName ?? seed.name,
      email: seed.email,
      emailVerified: seed.emailVerified ?? seed.email !== undefined,
      isBot: seed.isBot ?? false,
      isAdmin: seed.isAdmin ?? false,
      deleted: seed.deleted ?? false,
      tz: 'UTC',
    };
    this.users.set(user.id, user);
    return user;
  }

  addChannel(seed: ChannelSeed): SlackChannel {
    const name = seed.name.replace(/^#/, '');
    if (this.findChannelByName(name)) throw new Error(`a channel named "#${name}" already exists in the local workspace`);
    const members = new Set<string>();
    for (const ref of seed.members ?? []) members.add(this.requireUser(ref).id);
    if (!seed.withoutBot) members.add(this.app.botUserId);
    const channel: SlackChannel = {
      id: seed.id ?? this.newId('C'),
      name,
      kind: seed.private ? 'private' : 'public',
      members,
      created: Math.floor(Date.now() / 1000),
    };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return channel;
  }

  /** A person by id, handle (`alice` or `@alice`) or email. */
  user(ref: string): SlackUser | undefined {
    const direct = this.users.get(ref);
    if (direct) return direct;
    const key = ref.replace(/^@/, '').toLowerCase();
    return [...this.users.values()].find((u) => u.name.toLowerCase() === key || u.email?.toLowerCase() === key);
  }

  requireUser(ref: string): SlackUser {
    const user = this.user(ref);
    if (!user) throw new Error(`no user "${ref}" in the local workspace (known: ${[...this.users.values()].map((u) => u.name).join(', ')})`);
    return user;
  }

  /** A channel by id or name (`approvals` or `#approvals`). */
  channel(ref: string): SlackChannel | undefined {
    return this.channels.get(ref) ?? this.findChannelByName(ref.replace(/^#/, ''));
  }

  requireChannel(ref: string): SlackChannel {
    const channel = this.channel(ref);
    if (!channel) throw new Error(`no channel "${ref}" in the local workspace`);
    return channel;
  }

  private findChannelByName(name: string): SlackChannel | undefined {
    return [...this.channels.values()].find((c) => c.kind !== 'im' && c.name === name);
  }

  /** The bot's DM with a person, created on first use (what conversations.open does). */
  openIm(userId: string): { channel: SlackChannel; alreadyOpen: boolean } {
    const existing = [...this.channels.values()].find((c) => c.kind === 'im' && c.imUser === userId);
    if (existing) return { channel: existing, alreadyOpen: true };
    const channel: SlackChannel = {
      id: this.newId('D'),
      name: userId,
      kind: 'im',
      members: new Set([userId, this.app.botUserId]),
      imUser: userId,
      created: Math.floor(Date.now() / 1000),
    };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return { channel, alreadyOpen: false };
  }

  // ---- tokens ---------------------------------------------------------------------------------

  /** A further token for the bot with the given scopes (to test missing_scope, token_revoked). */
  createToken(scopes: readonly string[], prefix = 'xoxb'): string {
    const token = `${prefix}-local-${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { userId: this.app.botUserId, scopes: new Set(scopes), revoked: false });
    return token;
  }

  revokeToken(token: string): void {
    const grant = this.tokens.get(token);
    if (grant) grant.revoked = true;
  }

  // ---- messages -------------------------------------------------------------------------------

  /** Every message of a channel, replies included, oldest first. */
  allMessages(channelId: string): SlackMessage[] {
    return [...(this.messages.get(channelId) ?? [])];
  }

  /** What the channel shows: top-level messages and broadcast replies, oldest first. */
  history(channelId: string): SlackMessage[] {
    return this.allMessages(channelId).filter((m) => !m.threadTs || m.threadTs === m.ts || m.replyBroadcast);
  }

  message(channelId: string, ts: string): SlackMessage | undefined {
    return this.messages.get(channelId)?.find((m) => m.ts === ts);
  }

  /** A thread: its parent, then the replies oldest first. Empty when `ts` is unknown. */
  thread(channelId: string, ts: string): SlackMessage[] {
    const start = this.message(channelId, ts);
    if (!start) return [];
    const parent = start.threadTs && start.threadTs !== start.ts ? this.message(channelId, start.threadTs) : start;
    if (!parent) return [start];
    return [parent, ...parent.replies.map((r) => this.message(channelId, r)).filter((m): m is SlackMessage => !!m)];
  }

  /** Adds a message (and threads it under `threadTs`). The server checks membership and scopes first. */
  addMessage(input: Omit<SlackMessage, 'ts' | 'replies' | 'replyBroadcast'> & { replyBroadcast?: boolean }): SlackMessage {
    const list = this.messages.get(input.channel);
    if (!list) throw new SlackApiError('channel_not_found');
    let threadTs: string | undefined;
    let parent: SlackMessage | undefined;
    if (input.threadTs) {
      const target = list.find((m) => m.ts === input.threadTs);
      if (!target) throw new SlackApiError('thread_not_found');
      // Replying to a reply threads under its parent, as Slack does.
      parent = target.threadTs && target.threadTs !== target.ts ? list.find((m) => m.ts === target.threadTs) : target;
      if (!parent) throw new SlackApiError('thread_not_found');
      threadTs = parent.ts;
    }
    const message: SlackMessage = { ...input, ts: this.nextTs(), threadTs, replyBroadcast: !!(threadTs && input.replyBroadcast), replies: [] };
    list.push(message);
    if (parent) {
      parent.threadTs = parent.ts;
      parent.replies.push(message.ts);
    }
    return message;
  }

  updateMessage(channelId: string, ts: string, by: string, change: { text?: string; blocks?: unknown[] }, via: 'api' | 'response_url'): SlackMessage {
    const message = this.message(channelId, ts);
    if (!message) throw new SlackApiError('message_not_found');
    const before = { text: message.text, blocks: message.blocks };
    if (change.text !== undefined) message.text = change.text;
    if (change.blocks !== undefined) message.blocks = change.blocks;
    message.edited = { user: by, ts: this.nextTs() };
    this.updates.push({ channel: channelId, ts, at: new Date().toISOString(), by, before, after: { text: message.text, blocks: message.blocks }, via });
    return message;
  }

  /** Removes a message (a reply also leaves its parent's reply list); recorded in `deletions`. */
  deleteMessage(channelId: string, ts: string): void {
    const list = this.messages.get(channelId);
    if (!list) return;
    const index = list.findIndex((m) => m.ts === ts);
    if (index < 0) return;
    const [removed] = list.splice(index, 1);
    if (removed?.threadTs && removed.threadTs !== removed.ts) {
      const parent = list.find((m) => m.ts === removed.threadTs);
      if (parent) parent.replies = parent.replies.filter((r) => r !== ts);
    }
    if (removed) this.deletions.push({ channel: channelId, ts, at: new Date().toISOString(), text: removed.text });
  }

  addEphemeral(e: Omit<EphemeralMessage, 'ts'>): EphemeralMessage {
    const ephemeral = { ...e, ts: this.nextTs() };
    this.ephemerals.push(ephemeral);
    return ephemeral;
  }

  // ---- interactivity: triggers, views, response_urls ------------------------------------------

  /** A trigger_id, as Slack attaches to a slash command or a click, for `userId`. */
  issueTrigger(userId: string): string {
    for (const [key, t] of this.triggers) if (Date.now() - t.issuedAt > 10 * 60_000) this.triggers.delete(key);
    const id = `${Date.now()}.${randomBytes(5).readUInt32BE(0)}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { userId, issuedAt: Date.now(), used: false });
    return id;
  }

  /** Spends a trigger_id (views.open); answers the person it was issued for. */
  consumeTrigger(triggerId: string): string {
    const trigger = this.triggers.get(triggerId);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
    if (Date.now() - trigger.issuedAt > this.triggerTtlMs) throw new SlackApiError('expired_trigger_id');
    trigger.used = true;
    return trigger.userId;
  }

  issueResponseUrl(kind: ResponseUrlTarget['kind'], channel: string, user: string, messageTs?: string): string {
    const id = randomBytes(12).toString('hex');
    const path = kind === 'command' ? 'commands' : 'actions';
    const url = `${this.baseUrl}/${path}/${this.team.id}/${id}`;
    this.responseUrls.set(id, { id, url, kind, channel, user, messageTs, uses: 0, issuedAt: Date.now() });
    return url;
  }

  responseUrlTarget(id: string): ResponseUrlTarget | undefined {
    return this.responseUrls.get(id);
  }

  /** The modal open for a person most recently (what a driver submits when given no view id). */
  latestView(userId?: string): SlackView | undefined {
    return [...this.views.values()].reverse().find((v) => !v.closed && (!userId || v.userId === userId));
  }

  permalink(channelId: string, ts: string): string {
    const message = this.message(channelId, ts);
    const base = `${this.baseUrl}/archives/${channelId}/p${ts.replace('.', '')}`;
    if (message?.threadTs && message.threadTs !== message.ts) return `${base}?thread_ts=${message.threadTs}&cid=${channelId}`;
    return base;
  }

  /**
   * Shows a reply to an interaction the way Slack does: a response_url post, or the body of a
   * slash command's ack. `replace_original`/`delete_original` act on the clicked message,
   * `response_type: in_channel` posts for everyone, anything else is an ephemeral to the person.
   */
  applyResponse(target: { channel: string; user: string; messageTs?: string }, body: Record<string, unknown>, via: 'response_url'): void {
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (target.messageTs) this.deleteMessage(target.channel, target.messageTs);
      return;
    }
    if ((body.replace_original === true || body.replace_original === 'true') && target.messageTs) {
      // Unlike chat.update, a replacement is the whole message: blocks not sent are gone.
      this.updateMessage(target.channel, target.messageTs, this.app.botUserId, { text, blocks: blocks ?? [] }, via);
      return;
    }
    if (!text && !blocks) return;
    if (body.response_type === 'in_channel') {
      this.addMessage({ channel: target.channel, user: this.app.botUserId, botId: this.app.botId, appId: this.app.id, text, blocks, threadTs, via });
      return;
    }
    this.addEphemeral({ channel: target.channel, user: target.user, text, blocks, threadTs, postedBy: this.app.botUserId, via });
  }
}
