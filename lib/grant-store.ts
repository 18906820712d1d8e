import type Redis from 'ioredis';
import { CommandBoard } from './command-board';
import { hmacBase64Url, sha256Hex } from './crypto';

export const REVOCATION_CHANNEL = 'gatehouse:revocations';
const GRANT_BY_TOKEN = 'gatehouse:grant:';
const TOKEN_BY_GRANT = 'gatehouse:grant-id:';
const GRANT_BY_REQUEST = 'gatehouse:grant-of-request:';
const REVOKED_REQUEST = 'gatehouse:revoked-request:';
const STARTED_GRANT = 'gatehouse:grant-started:';
/** How long a revoked request stays marked, so that a grant still being issued can never come alive. */
const REVOKED_MARK_MS = 7 * 24 * 60 * 60_000;
export const GRANT_TOKEN_PREFIX = 'ghg_';

/** What the gateway needs to know about an active grant. Nothing secret lives here. */
export interface GrantRecord {
  grantId: string;
  requestId: string;
  target: string;
  subject: string;
  principal: string;
  credentialRef: string;
  issuedAt: string;
  expiresAt: string;
}

/** A grant about to be stored: its time box is set by the store, when it is stored. */
export type GrantStart = Omit<GrantRecord, 'issuedAt' | 'expiresAt'> & {
  /** The approved duration, counted from the moment the grant is stored (access is possible from then on). */
  durationMs: number;
};

/** What storing a grant did: nothing (the request was revoked first), or the time box it stored. */
export type StartedGrant = { stored: false } | { stored: true; issuedAt: string; expiresAt: string };

export interface RevocationEvent {
  grantId: string;
  requestId: string;
  target: string;
  reason: string;
  at: string;
}

/**
 * Grants in Redis. The opaque token is derived from the grant id with a gateway-held HMAC key,
 * so it is never stored anywhere (only its SHA-256) and never passes through Temporal: whoever
 * holds the key can show it to the requester again, nobody else can.
 */
export class GrantStore {
  constructor(private readonly redis: Redis, private readonly tokenKey: Buffer) {}

  /** Held commands of these grants, on the same Redis. */
  commandBoard(): CommandBoard {
    return new CommandBoard(this.redis);
  }

  tokenFor(grantId: string): string {
    return GRANT_TOKEN_PREFIX + hmacBase64Url(this.tokenKey, grantId);
  }

  static hashToken(token: string): string {
    return sha256Hex(token);
  }

  /** The Redis key of a token's grant record: it exists exactly while the grant is active (a revocation deletes it, its expiry ends it). */
  activeKey(tokenHash: string): string {
    return GRANT_BY_TOKEN + tokenHash;
  }

  /**
   * Stores the grant so that it disappears exactly at its end. Idempotent. Returns false (and
   * stores nothing) when the request was revoked already: a cut always wins over an activation.
   */
  async activate(grant: GrantRecord): Promise<boolean> {
    const endsAt = Date.parse(grant.expiresAt);
    if (!(endsAt > Date.now())) throw new Error(`grant ${grant.grantId} ends in the past (${grant.expiresAt})`);
    const tokenHash = GrantStore.hashToken(this.tokenFor(grant.grantId));
    const stored = await this.redis.eval(ACTIVATE_UNLESS_REVOKED, 4,
      REVOKED_REQUEST + grant.requestId, GRANT_BY_TOKEN + tokenHash, TOKEN_BY_GRANT + grant.grantId, GRANT_BY_REQUEST + grant.requestId,
      JSON.stringify(grant), tokenHash, grant.grantId, String(endsAt));
    return stored === 1;
  }

  /**
   * Stores the grant with its time box starting now: access is possible from this moment, so the
   * approved duration counts from here, however long issuing took (a grant whose end was fixed
   * before issuing could end before it was stored, and the request failed). Idempotent: a retry
   * of a grant already started returns the time box it got the first time (kept for as long as
   * a revoked mark, even after the grant ended), never a later one. Stores nothing and returns
   * `{ stored: false }` when the request was revoked already: a cut always wins over an activation.
   */
  async start(grant: GrantStart, nowMs = Date.now()): Promise<StartedGrant> {
    const { durationMs, ...rest } = grant;
    if (!Number.isSafeInteger(durationMs) || durationMs <= 0) throw new Error(`grant ${grant.grantId}: the duration must be a positive number of ms, got ${durationMs}`);
    const record: GrantRecord = { ...rest, issuedAt: new Date(nowMs).toISOString(), expiresAt: new Date(nowMs + durationMs).toISOString() };
    const tokenHash = GrantStore.hashToken(this.tokenFor(grant.grantId));
    const stored = await this.redis.eval(START_UNLESS_REVOKED, 5,
      REVOKED_REQUEST + grant.requestId, GRANT_BY_TOKEN + tokenHash, TOKEN_BY_GRANT + grant.grantId, GRANT_BY_REQUEST + grant.requestId, STARTED_GRANT + grant.grantId,
      JSON.stringify(record), tokenHash, grant.grantId, String(nowMs + durationMs), String(REVOKED_MARK_MS));
    if (typeof stored !== 'string') return { stored: false };
    const started = JSON.parse(stored) as GrantRecord;
    return { stored: true, issuedAt: started.issuedAt, expiresAt: started.expiresAt };
  }

  /** Revocations of these grants, on the same Redis. */
  revocations(): GrantRevocations {
    return new GrantRevocations(this.redis);
  }

  /** Moves the end of an active grant; returns false when the grant is already gone. */
  async extend(grantId: string, expiresAt: string): Promise<boolean> {
    const tokenHash = await this.redis.get(TOKEN_BY_GRANT + grantId);
    if (!tokenHash) return false;
    const raw = await this.redis.get(GRANT_BY_TOKEN + tokenHash);
    if (!raw) return false;
    const grant: GrantRecord = { ...(JSON.parse(raw) as GrantRecord), expiresAt };
    const endsAt = Date.parse(expiresAt);
    await this.redis
      .multi()
      .set(GRANT_BY_TOKEN + tokenHash, JSON.stringify(grant), 'PXAT', endsAt, 'XX')
      .set(TOKEN_BY_GRANT + grantId, tokenHash, 'PXAT', endsAt, 'XX')
      .set(GRANT_BY_REQUEST + grant.requestId, grantId, 'PXAT', endsAt, 'XX')
      .exec()
      .then(assertExecOk);
    return true;
  }

  /** The active grant a token stands for, or null. Throws when Redis cannot answer. */
  async lookup(token: string): Promise<GrantRecord | null> {
    if (!token.startsWith(GRANT_TOKEN_PREFIX)) return null;
    return this.lookupByHash(GrantStore.hashToken(token));
  }

  async lookupByHash(tokenHash: string): Promise<GrantRecord | null> {
    const raw = await this.redis.get(GRANT_BY_TOKEN + tokenHash);
    if (!raw) return null;
    const grant = JSON.parse(raw) as GrantRecord;
    return Date.parse(grant.expiresAt) > Date.now() ? grant : null;
  }

  async get(grantId: string): Promise<GrantRecord | null> {
    const tokenHash = await this.redis.get(TOKEN_BY_GRANT + grantId);
    return tokenHash ? this.lookupByHash(tokenHash) : null;
  }

  /** Removes the grant and tells every gateway to cut its sessions. Idempotent. */
  async deactivate(event: RevocationEvent): Promise<void> {
    const tokenHash = await this.redis.get(TOKEN_BY_GRANT + event.grantId);
    const multi = this.redis.multi().del(TOKEN_BY_GRANT + event.grantId).set(REVOKED_REQUEST + event.requestId, event.reason, 'PX', REVOKED_MARK_MS);
    multi.eval(DELETE_IF_EQUAL, 1, GRANT_BY_REQUEST + event.requestId, event.grantId);
    if (tokenHash) multi.del(GRANT_BY_TOKEN + tokenHash);
    await multi.publish(REVOCATION_CHANNEL, JSON.stringify(event)).exec().then(assertExecOk);
  }

  /** Remaining lifetime of the grant's Redis record in ms (-2 when absent). For tests and ops. */
  async ttlMs(grantId: string): Promise<number> {
    return this.redis.pttl(TOKEN_BY_GRANT + grantId);
  }
}

/**
 * Cuts grants straight in Redis, without waiting for the access workflow: `revoke` marks the
 * request revoked and deletes its grant in one atomic step, so the next request with the token
 * is refused the moment `cut` returns, and an activation still under way (the workflow issuing)
 * can no longer store it. The workflow's own revocation stays the durable path (Snowflake user,
 * archive); this is the fast one. Needs no token key: the Slack app and the API hold none.
 */
export class GrantRevocations {
  constructor(private readonly redis: Redis) {}

  /** The active grant of an access request, or null (not issued yet, revoked, or ended). */
  async grantOf(requestId: string): Promise<GrantRecord | null> {
    const grantId = await this.redis.get(GRANT_BY_REQUEST + requestId);
    if (!grantId) return null;
    const tokenHash = await this.redis.get(TOKEN_BY_GRANT + grantId);
    const raw = tokenHash ? await this.redis.get(GRANT_BY_TOKEN + tokenHash) : null;
    return raw ? (JSON.parse(raw) as GrantRecord) : null;
  }

  /**
   * Marks the request revoked, deletes its grant (if one is active) and tells every gateway to cut
   * its sessions, in one Redis script. Returns the grant id that was cut, or null when none was
   * active. Idempotent. Throws when Redis cannot answer.
   */
  async cut(requestId: string, reason: string, at = new Date().toISOString()): Promise<string | null> {
    const cut = await this.redis.eval(CUT_REQUEST, 2, REVOKED_REQUEST + requestId, GRANT_BY_REQUEST + requestId,
      requestId, reason, at, String(REVOKED_MARK_MS), GRANT_BY_TOKEN, TOKEN_BY_GRANT, REVOCATION_CHANNEL);
    return typeof cut === 'string' ? cut : null;
  }

  async isRevoked(requestId: string): Promise<boolean> {
    return (await this.redis.exists(REVOKED_REQUEST + requestId)) === 1;
  }
}

// KEYS: revoked mark, grant by token, token by grant, grant by request. ARGV: record, token hash, grant id, end (ms).
const ACTIVATE_UNLESS_REVOKED = `
if redis.call('exists', KEYS[1]) == 1 then return 0 end
redis.call('set', KEYS[2], ARGV[1], 'PXAT', ARGV[4])
redis.call('set', KEYS[3], ARGV[2], 'PXAT', ARGV[4])
redis.call('set', KEYS[4], ARGV[3], 'PXAT', ARGV[4])
return 1`;

// KEYS: revoked mark, grant by token, token by grant, grant by request, started mark.
// ARGV: record, token hash, grant id, end (ms), started mark ms. Returns the record stored (or stored before), or nil when revoked.
const START_UNLESS_REVOKED = `
if redis.call('exists', KEYS[1]) == 1 then return false end
local earlier = redis.call('get', KEYS[5])
if earlier then return earlier end
redis.call('set', KEYS[2], ARGV[1], 'PXAT', ARGV[4])
redis.call('set', KEYS[3], ARGV[2], 'PXAT', ARGV[4])
redis.call('set', KEYS[4], ARGV[3], 'PXAT', ARGV[4])
redis.call('set', KEYS[5], ARGV[1], 'PX', ARGV[5])
return ARGV[1]`;

// KEYS: revoked mark, grant by request. ARGV: request id, reason, at, mark ms, key prefixes, channel.
// The grant's own keys are derived from what the request key names (same Redis, no cluster).
const CUT_REQUEST = `
redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[4])
local grantId = redis.call('get', KEYS[2])
if not grantId then return false end
local tokenKey = ARGV[6] .. grantId
local tokenHash = redis.call('get', tokenKey)
local target = ''
if tokenHash then
  local raw = redis.call('get', ARGV[5] .. tokenHash)
  if raw then target = cjson.decode(raw).target or '' end
  redis.call('del', ARGV[5] .. tokenHash)
end
redis.call('del', tokenKey, KEYS[2])
redis.call('publish', ARGV[7], cjson.encode({ grantId = grantId, requestId = ARGV[1], target = target, reason = ARGV[2], at = ARGV[3] }))
return grantId`;

const DELETE_IF_EQUAL = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

function assertExecOk(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('Redis transaction was aborted');
  const failed = results.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
}
