import { createHash } from 'node:crypto';
import { LIMITS, messageBlockProblems, viewProblems } from './block-kit';
import {
  SlackApiError, tsToMicros,
  type SlackChannel, type SlackFile, type SlackMessage, type SlackUser, type SlackView, type SlackWorkspace, type TokenGrant,
} from './workspace';

/**
 * The Web API methods the Gatehouse app calls, answered from a SlackWorkspace the way Slack
 * answers them: `{ ok: true, … }` or a SlackApiError whose code becomes `{ ok: false, error }`.
 */

export type Args = Record<string, unknown>;

export interface MethodContext {
  ws: SlackWorkspace;
  grant: TokenGrant;
  args: Args;
}

export interface MethodSpec {
  /** The scope the token needs for every call of this method (channel-dependent scopes are checked inside). */
  scope?: string;
  handle(ctx: MethodContext): Record<string, unknown>;
}

// ---- argument helpers ---------------------------------------------------------------------------

function str(args: Args, name: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : String(v);
}

function required(args: Args, name: string, error = 'invalid_arguments'): string {
  const v = str(args, name);
  if (v === undefined) throw new SlackApiError(error, { response_metadata: { messages: [`[ERROR] missing required field: ${name}`] } });
  return v;
}

function bool(args: Args, name: string): boolean {
  const v = args[name];
  return v === true || v === 'true' || v === '1' || v === 1;
}

function int(args: Args, name: string, fallback: number): number {
  const v = str(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${name} must be a positive integer`] } });
  return n;
}

/** Form bodies carry structured arguments (blocks, view, metadata) as JSON strings; JSON bodies carry them as-is. */
function structured<T>(args: Args, name: string, error = 'invalid_arguments'): T | undefined {
  const v = args[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    throw new SlackApiError(error, { response_metadata: { messages: [`[ERROR] ${name} is not valid JSON`] } });
  }
}

function requireScope(grant: TokenGrant, scope: string): void {
  if (!grant.scopes.has(scope)) {
    throw new SlackApiError('missing_scope', { needed: scope, provided: [...grant.scopes].join(',') });
  }
}

function historyScope(channel: SlackChannel): string {
  return channel.kind === 'public' ? 'channels:history' : channel.kind === 'private' ? 'groups:history' : 'im:history';
}

/** `C…`/`D…` ids, `#name`/`name`, or a user id (Slack posts to the bot's DM with that person). */
function resolveChannel(ws: SlackWorkspace, ref: string, { openDmForUser = false } = {}): SlackChannel {
  const channel = ws.channel(ref);
  if (channel) return channel;
  if (openDmForUser && /^[UW]/.test(ref) && ws.users.has(ref)) return ws.openIm(ref).channel;
  throw new SlackApiError('channel_not_found');
}

/** Private channels and DMs are invisible to a bot that is not in them; Slack says channel_not_found. */
function visibleChannel(ws: SlackWorkspace, grant: TokenGrant, ref: string, opts?: { openDmForUser?: boolean }): SlackChannel {
  const channel = resolveChannel(ws, ref, opts);
  if (channel.kind !== 'public' && !channel.members.has(grant.userId)) throw new SlackApiError('channel_not_found');
  return channel;
}

// ---- serialisers (Slack's JSON shapes) -----------------------------------------------------------

export function messageJson(ws: SlackWorkspace, m: SlackMessage, { includeMetadata = true } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'message', text: m.text, user: m.user, ts: m.ts, team: ws.team.id };
  if (m.botId) {
    out.bot_id = m.botId;
    out.app_id = m.appId;
    out.bot_profile = { id: m.botId, app_id: m.appId, name: ws.app.botName, deleted: false, team_id: ws.team.id };
  }
  if (m.blocks) out.blocks = m.blocks;
  if (m.attachments) out.attachments = m.attachments;
  if (m.edited) out.edited = m.edited;
  if (m.metadata && includeMetadata) out.metadata = m.metadata;
  if (m.files?.length) {
    out.files = m.files.map((f) => {
      const file = ws.files.get(f.id);
      return file ? fileJson(ws, file) : { id: f.id, name: f.name, title: f.title, mode: 'tombstone' };
    });
    out.upload = true;
  }
  if (m.threadTs) {
    out.thread_ts = m.threadTs;
    if (m.threadTs === m.ts) {
      const replies = m.replies.map((ts) => ws.message(m.channel, ts)).filter((r): r is SlackMessage => !!r);
      const replyUsers = [...new Set(replies.map((r) => r.user))];
      out.reply_count = replies.length;
      out.reply_users_count = replyUsers.length;
      out.reply_users = replyUsers;
      out.latest_reply = replies.at(-1)?.ts ?? m.ts;
      out.is_locked = false;
      out.subscribed = false;
    } else {
      out.parent_user_id = ws.message(m.channel, m.threadTs)?.user;
      if (m.replyBroadcast) out.subtype = 'thread_broadcast';
    }
  }
  return out;
}

function fileJson(ws: SlackWorkspace, f: SlackFile): Record<string, unknown> {
  return {
    id: f.id, created: Math.floor(Date.parse(f.createdAt) / 1000), name: f.name, title: f.title, mimetype: 'text/plain', filetype: f.snippetType ?? 'text',
    user: f.uploadedBy, size: f.content?.length ?? 0, mode: 'snippet', is_external: false, url_private: `${ws.baseUrl}/files/${f.id}/${encodeURIComponent(f.name)}`,
  };
}

export function userJson(u: SlackUser, { withEmail }: { withEmail: boolean }): Record<string, unknown> {
  const profile: Record<string, unknown> = {
    real_name: u.realName, display_name: u.displayName, real_name_normalized: u.realName,
    display_name_normalized: u.displayName, team: u.teamId,
  };
  if (withEmail && u.email) profile.email = u.email;
  if (u.botId) profile.bot_id = u.botId;
  const out: Record<string, unknown> = {
    id: u.id, team_id: u.teamId, name: u.name, deleted: u.deleted, real_name: u.realName, tz: u.tz,
    is_admin: u.isAdmin, is_owner: false, is_bot: u.isBot, is_app_user: false, is_restricted: false,
    is_ultra_restricted: false, profile,
  };
  if (withEmail && u.email) out.is_email_confirmed = u.emailVerified;
  return out;
}

function viewJson(ws: SlackWorkspace, v: SlackView): Record<string, unknown> {
  const d = v.definition;
  return {
    id: v.id, team_id: v.teamId, type: v.type, blocks: d.blocks ?? [], private_metadata: v.privateMetadata,
    callback_id: v.callbackId, state: { values: {} }, hash: v.hash, title: d.title, clear_on_close: !!d.clear_on_close,
    notify_on_close: !!d.notify_on_close, close: d.close ?? null, submit: d.submit ?? null,
    previous_view_id: v.previousViewId, root_view_id: v.rootViewId, app_id: ws.app.id, external_id: v.externalId,
    app_installed_team_id: ws.team.id, bot_id: ws.app.botId,
  };
}

function viewHash(v: Record<string, unknown>): string {
  return `${Math.floor(Date.now() / 1000)}.${createHash('sha256').update(JSON.stringify(v)).update(String(Math.random())).digest('hex').slice(0, 8)}`;
}

function validView(view: unknown): Record<string, unknown> {
  if (!view || typeof view !== 'object' || Array.isArray(view)) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
  const v = view as Record<string, unknown>;
  const problems: string[] = [];
  if (v.type !== 'modal' && v.type !== 'home') problems.push('[ERROR] must be one of modal, home [json-pointer:/view/type]');
  if (v.type === 'modal' && (typeof v.title !== 'object' || v.title === null)) problems.push('[ERROR] missing required field: title [json-pointer:/view]');
  if (!Array.isArray(v.blocks)) problems.push('[ERROR] missing required field: blocks [json-pointer:/view]');
  if (problems.length) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: problems } });
  const limits = viewProblems(v);
  if (limits.length) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: limits } });
  return v;
}

/** Slack's answer to blocks it would not show: invalid_blocks, each problem with its json-pointer. */
export function checkBlocks(blocks: unknown[] | undefined): void {
  if (blocks === undefined) return;
  const problems = messageBlockProblems(blocks);
  if (problems.length) {
    throw new SlackApiError('invalid_blocks', { errors: problems.map((m) => m.replace(/^\[ERROR\] /, '')), response_metadata: { messages: problems } });
  }
}

/** Top-level text past Slack's limit: msg_too_long. */
export function checkText(text: string | undefined): void {
  if (text !== undefined && text.length > LIMITS.messageText) throw new SlackApiError('msg_too_long');
}

function page<T>(items: T[], args: Args, defaultLimit: number): { slice: T[]; next: string } {
  const limit = Math.min(int(args, 'limit', defaultLimit) || defaultLimit, 1000);
  const cursor = str(args, 'cursor');
  let start = 0;
  if (cursor) {
    const decoded = Number(Buffer.from(cursor, 'base64').toString('utf8').replace(/^next_offset:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) throw new SlackApiError('invalid_cursor');
    start = decoded;
  }
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(`next_offset:${start + limit}`).toString('base64') : '';
  return { slice, next };
}

function withinRange(ts: string, args: Args): boolean {
  const oldest = str(args, 'oldest');
  const latest = str(args, 'latest');
  const inclusive = bool(args, 'inclusive');
  const t = tsToMicros(ts);
  if (oldest && (inclusive ? t < tsToMicros(oldest) : t <= tsToMicros(oldest))) return false;
  if (latest && (inclusive ? t > tsToMicros(latest) : t >= tsToMicros(latest))) return false;
  return true;
}

function messageContent(args: Args): { text: string; blocks?: unknown[]; attachments?: unknown[] } {
  const text = str(args, 'text');
  const blocks = structured<unknown[]>(args, 'blocks', 'invalid_blocks');
  const attachments = structured<unknown[]>(args, 'attachments', 'invalid_attachments');
  if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackApiError('invalid_blocks');
  if (text === undefined && !blocks?.length && !attachments?.length) throw new SlackApiError('no_text');
  checkText(text);
  checkBlocks(blocks);
  return { text: text ?? '', blocks, attachments };
}

// ---- the methods ---------------------------------------------------------------------------------

export const METHODS: Record<string, MethodSpec> = {
  'api.test': {
    handle: ({ args }) => ({ args: Object.fromEntries(Object.entries(args).filter(([k]) => k !== 'token')) }),
  },

  'apps.connections.open': {
    // Only an app-level token (xapp-…) carries connections:write; a bot token gets missing_scope.
    scope: 'connections:write',
    handle: ({ ws }) => {
      if (!ws.socketMode) throw new SlackApiError('socket_mode_unavailable');
      return { url: ws.socketMode.openConnection() };
    },
  },

  'auth.test': {
    handle: ({ ws, grant }) => {
      const user = ws.users.get(grant.userId);
      return {
        url: `${ws.baseUrl}/`, team: ws.team.name, user: user?.name, team_id: ws.team.id, user_id: grant.userId,
        bot_id: user?.botId, is_enterprise_install: false,
      };
    },
  },

  'chat.postMessage': {
    scope: 'chat:write',
    handle: ({ ws, grant, args }) => {
      const channel = visibleChannel(ws, grant, required(args, 'channel', 'channel_not_found'), { openDmForUser: true });
      if (channel.kind === 'public' && !channel.members.has(grant.userId) && !grant.scopes.has('chat:write.public')) {
        throw new SlackApiError('not_in_channel');
      }
      const content = messageContent(args);
      const metadata = structured<{ event_type?: unknown; event_payload?: unknown }>(args, 'metadata', 'invalid_metadata_format');
      if (metadata && (typeof metadata.event_type !== 'string' || typeof metadata.event_payload !== 'object' || metadata.event_payload === null)) {
        throw new SlackApiError('invalid_metadata_format');
      }
      const bot = ws.users.get(grant.userId);
      const message = ws.addMessage({
        channel: channel.id, user: grant.userId, botId: bot?.botId, appId: bot?.botId ? ws.app.id : undefined, ...content,
        metadata: metadata as SlackMessage['metadata'], threadTs: str(args, 'thread_ts'),
        replyBroadcast: bool(args, 'reply_broadcast'), via: 'api',
      });
      return { channel: channel.id, ts: message.ts, message: messageJson(ws, message) };
    },
  },

  // The two-step upload (https://docs.slack.dev/reference/methods/files.getUploadURLExternal,
  // https://docs.slack.dev/reference/methods/files.completeUploadExternal): a URL to POST the bytes
  // to, then the file shared in a conversation (a thread reply with thread_ts) as a message.
  'files.getUploadURLExternal': {
    scope: 'files:write',
    handle: ({ ws, grant, args }) => {
      const filename = required(args, 'filename');
      const length = int(args, 'length', 0);
      if (length < 1) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] length must be a positive integer'] } });
      const id = ws.newId('F');
      ws.files.set(id, { id, name: filename, title: filename, length, snippetType: str(args, 'snippet_type'), uploadedBy: grant.userId, createdAt: new Date().toISOString(), completed: false });
      return { upload_url: `${ws.baseUrl}/upload/v1/${id}`, file_id: id };
    },
  },

  'files.completeUploadExternal': {
    scope: 'files:write',
    handle: ({ ws, grant, args }) => {
      const list = structured<Array<{ id?: unknown; title?: unknown }>>(args, 'files');
      if (!Array.isArray(list) || list.length === 0) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: files'] } });
      const files = list.map((entry) => {
        const file = typeof entry?.id === 'string' ? ws.files.get(entry.id) : undefined;
        if (!file || file.uploadedBy !== grant.userId || file.completed) throw new SlackApiError('file_not_found');
        // Slack finishes only files whose bytes arrived, as many as were announced.
        if (!file.content || file.content.length !== file.length) throw new SlackApiError('file_upload_size_mismatch');
        if (typeof entry.title === 'string' && entry.title) file.title = entry.title;
        return file;
      });
      const channelRef = str(args, 'channel_id');
      if (channelRef) {
        const channel = visibleChannel(ws, grant, channelRef);
        if (!channel.members.has(grant.userId)) throw new SlackApiError('not_in_channel');
        const comment = str(args, 'initial_comment');
        checkText(comment);
        const bot = ws.users.get(grant.userId);
        ws.addMessage({
          channel: channel.id, user: grant.userId, botId: bot?.botId, appId: bot?.botId ? ws.app.id : undefined, text: comment ?? '',
          threadTs: str(args, 'thread_ts'), via: 'api', files: files.map((f) => ({ id: f.id, name: f.name, title: f.title })),
        });
      }
      for (const f of files) f.completed = true;
      return { files: files.map((f) => fileJson(ws, f)) };
    },
  },

  'chat.update': {
    scope: 'chat:write',
    handle: ({ ws, grant, args }) => {
      const channel = visibleChannel(ws, grant, required(args, 'channel', 'channel_not_found'));
      const ts = required(args, 'ts', 'message_not_found');
      const existing = ws.message(channel.id, ts);
      if (!existing) throw new SlackApiError('message_not_found');
      if (existing.user !== grant.userId) throw new SlackApiError('cant_update_message');
      const text = str(args, 'text');
      const blocks = structured<unknown[]>(args, 'blocks', 'invalid_blocks');
      if (text === undefined && blocks === undefined) throw new SlackApiError('no_text');
      if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackApiError('invalid_blocks');
      checkText(text);
      checkBlocks(blocks);
      const message = ws.updateMessage(channel.id, ts, grant.userId, { text, blocks }, 'api');
      return { channel: channel.id, ts, text: message.text, message: messageJson(ws, message) };
    },
  },

  'chat.delete': {
    scope: 'chat:write',
    handle: ({ ws, grant, args }) => {
      const channel = visibleChannel(ws, grant, required(args, 'channel', 'channel_not_found'));
      const ts = required(args, 'ts', 'message_not_found');
      const existing = ws.message(channel.id, ts);
      if (!existing) throw new SlackApiError('message_not_found');
      if (existing.user !== grant.userId) throw new SlackApiError('cant_delete_message');
      ws.deleteMessage(channel.id, ts);
      return { channel: channel.id, ts };
    },
  },

  'chat.postEphemeral': {
    scope: 'chat:write',
    handle: ({ ws, grant, args }) => {
      const channel = visibleChannel(ws, grant, required(args, 'channel', 'channel_not_found'), { openDmForUser: true });
      const userId = required(args, 'user', 'user_not_found');
      const user = ws.users.get(userId);
      if (!user) throw new SlackApiError('user_not_found');
      if (!channel.members.has(user.id)) throw new SlackApiError('user_not_in_channel');
      const content = messageContent(args);
      const threadTs = str(args, 'thread_ts');
      const e = ws.addEphemeral({ channel: channel.id, user: user.id, text: content.text, blocks: content.blocks, threadTs, postedBy: grant.userId, via: 'api' });
      return { message_ts: e.ts };
    },
  },

  'chat.getPermalink': {
    handle: ({ ws, grant, args }) => {
      const channel = visibleChannel(ws, grant, required(args, 'channel', 'channel_not_found'));
      const ts = required(args, 'message_ts', 'message_not_found');
      if (!ws.message(channel.id, ts)) throw new SlackApiError('message_not_found');
      return { channel: channel.id, permalink: ws.permalink(channel.id, ts) };
    },
  },

  'views.open': {
    handle: ({ ws, args }) => {
      const triggerId = required(args, 'trigger_id', 'invalid_trigger_id');
      const definition = validView(structured(args, 'view'));
      const userId = ws.consumeTrigger(triggerId);
      const externalId = typeof definition.external_id === 'string' ? definition.external_id : '';
      if (externalId && [...ws.views.values()].some((v) => v.externalId === externalId)) throw new SlackApiError('duplicate_external_id');
      const id = ws.newId('V');
      const view: SlackView = {
        id, teamId: ws.team.id, userId, type: String(definition.type), callbackId: String(definition.callback_id ?? ''),
        privateMetadata: String(definition.private_metadata ?? ''), externalId, hash: viewHash(definition),
        rootViewId: id, previousViewId: null, definition, openedAt: new Date().toISOString(), closed: false,
      };
      ws.views.set(id, view);
      return { view: viewJson(ws, view) };
    },
  },

  'views.update': {
    handle: ({ ws, args }) => {
      const viewId = str(args, 'view_id');
      const externalId = str(args, 'external_id');
      if (!viewId && !externalId) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] view_id or external_id is required'] } });
      const view = viewId ? ws.views.get(viewId) : [...ws.views.values()].find((v) => v.externalId === externalId);
      if (!view) throw new SlackApiError('not_found');
      const hash = str(args, 'hash');
      if (hash && hash !== view.hash) throw new SlackApiError('hash_conflict');
      const definition = validView(structured(args, 'view'));
      view.definition = definition;
      view.type = String(definition.type);
      view.callbackId = String(definition.callback_id ?? '');
      view.privateMetadata = String(definition.private_metadata ?? '');
      view.hash = viewHash(definition);
      return { view: viewJson(ws, view) };
    },
  },

  'users.info': {
    scope: 'users:read',
    handle: ({ ws, grant, args }) => {
      const user = ws.users.get(required(args, 'user', 'user_not_found'));
      if (!user) throw new SlackApiError('user_not_found');
      return { user: userJson(user, { withEmail: grant.scopes.has('users:read.email') }) };
    },
  },

  'users.lookupByEmail': {
    scope: 'users:read.email',
    handle: ({ ws, args }) => {
      const email = required(args, 'email', 'users_not_found').toLowerCase();
      const user = [...ws.users.values()].find((u) => u.email?.toLowerCase() === email && !u.deleted);
      if (!user) throw new SlackApiError('users_not_found');
      return { user: userJson(user, { withEmail: true }) };
    },
  },

  'conversations.list': {
    handle: ({ ws, grant, args }) => {
      // Slack needs channels:read for public and groups:read for private channels; a private
      // channel is listed only to its members.
      const types = (str(args, 'types') ?? 'public_channel').split(',').map((t) => t.trim());
      const wanted = new Set<string>();
      if (types.includes('public_channel')) {
        requireScope(grant, 'channels:read');
        wanted.add('public');
      }
      if (types.includes('private_channel')) {
        requireScope(grant, 'groups:read');
        wanted.add('private');
      }
      const channels = [...ws.channels.values()].filter((c) => wanted.has(c.kind) && (c.kind === 'public' || c.members.has(grant.userId)));
      const { slice, next } = page(channels, args, 100);
      return {
        channels: slice.map((c) => ({
          id: c.id, name: c.name, is_channel: c.kind === 'public', is_group: c.kind === 'private', is_im: false,
          is_private: c.kind === 'private', is_archived: false, is_member: c.members.has(grant.userId), created: c.created,
          num_members: c.members.size,
        })),
        response_metadata: { next_cursor: next },
      };
    },
  },

  'conversations.open': {
    scope: 'im:write',
    handle: ({ ws, grant, args }) => {
      const channelArg = str(args, 'channel');
      const usersArg = str(args, 'users');
      if (channelArg) {
        const channel = visibleChannel(ws, grant, channelArg);
        return { channel: { id: channel.id } };
      }
      if (!usersArg) throw new SlackApiError('users_list_not_supplied');
      const ids = usersArg.split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length !== 1) throw new SlackApiError('not_enough_users', { detail: 'the local Slack opens one-to-one DMs only' });
      const user = ws.users.get(ids[0] ?? '');
      if (!user) throw new SlackApiError('user_not_found');
      if (user.deleted) throw new SlackApiError('user_disabled');
      const { channel, alreadyOpen } = ws.openIm(user.id);
      const body: Record<string, unknown> = bool(args, 'return_im')
        ? { channel: { id: channel.id, created: channel.created, is_im: true, is_org_shared: false, user: user.id, is_user_deleted: false, priority: 0 } }
        : { channel: { id: channel.id } };
      if (alreadyOpen) {
        body.no_op = true;
        body.already_open = true;
      }
      return body;
    },
  },

  'conversations.history': {
    handle: ({ ws, grant, args }) => {
      const channel = visibleChannel(ws, grant, required(args, 'channel', 'channel_not_found'));
      requireScope(grant, historyScope(channel));
      if (!channel.members.has(grant.userId)) throw new SlackApiError('not_in_channel');
      const includeMetadata = bool(args, 'include_all_metadata');
      const newestFirst = ws.history(channel.id).filter((m) => withinRange(m.ts, args)).reverse();
      const { slice, next } = page(newestFirst, args, 100);
      return {
        messages: slice.map((m) => messageJson(ws, m, { includeMetadata })), has_more: next !== '', pin_count: 0,
        channel_actions_ts: null, channel_actions_count: 0, response_metadata: { next_cursor: next },
      };
    },
  },

  'conversations.replies': {
    handle: ({ ws, grant, args }) => {
      const channel = visibleChannel(ws, grant, required(args, 'channel', 'channel_not_found'));
      requireScope(grant, historyScope(channel));
      if (!channel.members.has(grant.userId)) throw new SlackApiError('not_in_channel');
      const ts = required(args, 'ts', 'thread_not_found');
      const thread = ws.thread(channel.id, ts);
      if (thread.length === 0) throw new SlackApiError('thread_not_found');
      const includeMetadata = bool(args, 'include_all_metadata');
      const [parent, ...replies] = thread;
      const { slice, next } = page([parent as SlackMessage, ...replies.filter((m) => withinRange(m.ts, args))], args, 1000);
      return { messages: slice.map((m) => messageJson(ws, m, { includeMetadata })), has_more: next !== '', response_metadata: { next_cursor: next } };
    },
  },
};
