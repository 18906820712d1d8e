import type Redis from 'ioredis';
import { CommandBoard } from './command-board';
import { hmacBase64Url, sha256Hex } from './crypto';

export const REVOCATION_CHANNEL = 'gatehouse:revocations';
const GRANT_BY_TOKEN = 'gatehouse:grant:';
const TOKEN_BY_GRANT = 'gatehouse:grant-id:';
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

  /** Stores the grant so that it disappears exactly at its end. Idempotent. */
  async activate(grant: GrantRecord): Promise<void> {
    const endsAt = Date.parse(grant.expiresAt);
    if (!(endsAt > Date.now())) throw new Error(`grant ${grant.grantId} ends in the past (${grant.expiresAt})`);
    const tokenHash = GrantStore.hashToken(this.tokenFor(grant.grantId));
    await this.redis
      .multi()
      .set(GRANT_BY_TOKEN + tokenHash, JSON.stringify(grant), 'PXAT', endsAt)
      .set(TOKEN_BY_GRANT + grant.grantId, tokenHash, 'PXAT', endsAt)
      .exec()
      .then(assertExecOk);
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
    const multi = this.redis.multi().del(TOKEN_BY_GRANT + event.grantId);
    if (tokenHash) multi.del(GRANT_BY_TOKEN + tokenHash);
    await multi.publish(REVOCATION_CHANNEL, JSON.stringify(event)).exec().then(assertExecOk);
  }

  /** Remaining lifetime of the grant's Redis record in ms (-2 when absent). For tests and ops. */
  async ttlMs(grantId: string): Promise<number> {
    return this.redis.pttl(TOKEN_BY_GRANT + grantId);
  }
}

function assertExecOk(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('Redis transaction was aborted');
  const failed = results.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
}
