import type Redis from 'ioredis';
import { decrypt, encrypt } from './crypto';
import { redisDataSince } from './redis-data-since';

const KEY_PREFIX = 'gatehouse:vault:';

/**
 * Credential material for the gateway, encrypted at rest in Redis with AES-256-GCM.
 * The reference is bound as additional authenticated data, so a value moved to another
 * reference does not decrypt.
 */
export class RedisSecretVault {
  constructor(private readonly redis: Redis, private readonly key: Buffer) {}

  async put(ref: string, secret: string, ttlMs: number): Promise<void> {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error(`vault ttl must be positive, got ${ttlMs}`);
    // A credential is stored before its grant starts: from here on the grant's data is in this Redis.
    await redisDataSince(this.redis);
    await this.redis.set(KEY_PREFIX + ref, encrypt(secret, this.key, ref), 'PX', Math.ceil(ttlMs));
  }

  async get(ref: string): Promise<string | null> {
    const sealed = await this.redis.get(KEY_PREFIX + ref);
    return sealed === null ? null : decrypt(sealed, this.key, ref);
  }

  /** Extends how long a secret is kept (used when a grant is extended). */
  async expireAt(ref: string, atMs: number): Promise<void> {
    await this.redis.pexpireat(KEY_PREFIX + ref, Math.ceil(atMs));
  }

  async delete(ref: string): Promise<void> {
    await this.redis.del(KEY_PREFIX + ref);
  }
}
