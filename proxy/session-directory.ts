import type { Redis } from '../lib';

/**
 * What any gateway process needs to carry on a 2025-era session another one began (or its own
 * earlier process, before a restart). No secret is in it: the grant token only as its hash, and
 * the credential is fetched from the vault again. The grant itself is checked on every request
 * as always, so a revoked or expired grant's session cannot be resumed.
 */
export interface SessionRecord {
  sessionId: string;
  target: string;
  grantId: string;
  requestId: string;
  /** The hash of the token that began the session: only that token may resume it. */
  tokenHash: string;
  subject: string;
  /** The client's initialize params (protocol version, capabilities, clientInfo), replayed to a re-opened upstream. */
  initialize: Record<string, unknown>;
  /** The tag of the session's event store (its Redis key and the prefix of its event ids). */
  events?: string;
  startedAt: string;
}

/** A session another gateway took over: its old holder lets it go. */
export interface SessionMoved { sessionId: string; owner: string }

export const SESSION_MOVED_CHANNEL = 'gatehouse:mcp-session-moved';
const PREFIX = 'gatehouse:mcp-session:';
/** A record's largest size: initialize params are a few hundred bytes; a client padding them gets no resumable session, not a big Redis key. */
const MAX_RECORD_BYTES = 32 * 1024;
/** Session ids the gateway hands out are UUIDs; anything else is never looked up. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Takes the session for a gateway: only when it exists; its expiry restarts; the old holder hears of it.
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local previous = redis.call('HGET', KEYS[1], 'owner')
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if previous and previous ~= ARGV[1] then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return redis.call('HGET', KEYS[1], 'record')`;

// Deletes the session only while this gateway holds it.
const FORGET = `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The 2025-era sessions of every gateway replica, in Redis (one hash per session, expiring with
 * the session's idle time): written when a session starts, refreshed while it is used, deleted
 * when it really ends (DELETE, revocation, expiry, idle, eviction, upstream failure). A gateway
 * that is stopped leaves its sessions here, so the client's next request (or its Last-Event-ID
 * resume) on any gateway sharing Redis carries on with the same session and recording.
 * One gateway holds a session at a time: taking it over tells the previous holder to let go.
 */
export class SessionDirectory {
  private readonly touched = new Map<string, number>();

  constructor(private readonly redis: Redis, readonly owner: string) {}

  static isSessionId(value: string): boolean {
    return SESSION_ID.test(value);
  }

  /** Rejects a record larger than MAX_RECORD_BYTES (a client's initialize params are its own to fill): that session is not resumable. */
  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    const key = PREFIX + record.sessionId;
    const json = JSON.stringify(record);
    if (Buffer.byteLength(json) > MAX_RECORD_BYTES) throw new Error(`the session's initialize params are larger than ${MAX_RECORD_BYTES} bytes; it is not kept for resuming`);
    await this.redis.multi().hset(key, 'record', json, 'owner', this.owner).pexpire(key, ttlMs).exec();
    this.touched.set(record.sessionId, Date.now());
  }

  /** The session's record, when it is live somewhere (or was left by a stopped gateway). */
  async find(sessionId: string): Promise<SessionRecord | undefined> {
    if (!SessionDirectory.isSessionId(sessionId)) return undefined;
    return parse(await this.redis.hget(PREFIX + sessionId, 'record'));
  }

  /** Makes this gateway the session's holder; undefined when it ended meanwhile. */
  async claim(sessionId: string, ttlMs: number): Promise<SessionRecord | undefined> {
    if (!SessionDirectory.isSessionId(sessionId)) return undefined;
    const moved: SessionMoved = { sessionId, owner: this.owner };
    const raw = await this.redis.eval(CLAIM, 1, PREFIX + sessionId, this.owner, String(ttlMs), SESSION_MOVED_CHANNEL, JSON.stringify(moved)) as string | null;
    const record = parse(raw);
    if (record) this.touched.set(sessionId, Date.now());
    return record;
  }

  /** Keeps a session in use from expiring (at most one write per tenth of its idle time). */
  touch(sessionId: string, ttlMs: number): void {
    const last = this.touched.get(sessionId) ?? 0;
    if (Date.now() - last < ttlMs / 10) return;
    this.touched.set(sessionId, Date.now());
    void this.redis.pexpire(PREFIX + sessionId, ttlMs).catch(() => undefined);
  }

  /** The session really ended here: nobody may resume it (unless another gateway took it over meanwhile: then it is that one's). */
  async forget(sessionId: string): Promise<void> {
    this.touched.delete(sessionId);
    await this.redis.eval(FORGET, 1, PREFIX + sessionId, this.owner);
  }

  /** This gateway let the session go (stopped, or another took it): the record stays for the next holder. */
  release(sessionId: string): void {
    this.touched.delete(sessionId);
  }

  /** Calls `onMoved` when another gateway takes over a session (on the gateway's subscriber connection). */
  async listen(subscriber: Redis, onMoved: (event: SessionMoved) => void): Promise<void> {
    subscriber.on('message', (channel: string, payload: string) => {
      if (channel !== SESSION_MOVED_CHANNEL) return;
      try {
        const event = JSON.parse(payload) as Partial<SessionMoved>;
        if (typeof event.sessionId === 'string' && typeof event.owner === 'string' && event.owner !== this.owner) onMoved(event as SessionMoved);
      } catch {
        // not ours to read
      }
    });
    await subscriber.subscribe(SESSION_MOVED_CHANNEL);
  }
}

function parse(raw: string | null | undefined): SessionRecord | undefined {
  if (!raw) return undefined;
  try {
    const record = JSON.parse(raw) as SessionRecord;
    return typeof record.sessionId === 'string' && typeof record.tokenHash === 'string' && typeof record.target === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}
