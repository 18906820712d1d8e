import { randomBytes } from 'node:crypto';
import type { Redis } from '../../lib';

const PREFIX = 'gatehouse:oauth:';

/** A random identifier or secret, URL-safe (256 bits unless told). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Everything the authorization server keeps lives here, in Redis, each key with a TTL:
 * registrations, pending authorizations, codes, fetched client metadata, rate-limit windows.
 * Gateway replicas share it, and nothing outlives its use.
 */
export class OAuthStore {
  constructor(private readonly redis: Redis) {}

  async put(kind: string, id: string, value: unknown, ttlMs: number, options: { onlyNew?: boolean } = {}): Promise<boolean> {
    const key = PREFIX + kind + ':' + id;
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const answer = options.onlyNew
      ? await this.redis.set(key, JSON.stringify(value), 'PX', ttl, 'NX')
      : await this.redis.set(key, JSON.stringify(value), 'PX', ttl);
    return answer === 'OK';
  }

  /** Replaces a value but keeps its remaining lifetime; false when it is gone. */
  async update(kind: string, id: string, value: unknown): Promise<boolean> {
    const answer = await this.redis.set(PREFIX + kind + ':' + id, JSON.stringify(value), 'KEEPTTL', 'XX');
    return answer === 'OK';
  }

  async get<T>(kind: string, id: string): Promise<T | null> {
    const raw = await this.redis.get(PREFIX + kind + ':' + id);
    return raw ? (JSON.parse(raw) as T) : null;
  }

  /** Reads and deletes in one step: whoever takes it first has it (single-use codes). */
  async take<T>(kind: string, id: string): Promise<T | null> {
    const key = PREFIX + kind + ':' + id;
    const result = await this.redis.multi().get(key).del(key).exec();
    const raw = result?.[0]?.[1];
    return typeof raw === 'string' ? (JSON.parse(raw) as T) : null;
  }

  async touch(kind: string, id: string, ttlMs: number): Promise<void> {
    await this.redis.pexpire(PREFIX + kind + ':' + id, Math.ceil(ttlMs));
  }

  async delete(kind: string, id: string): Promise<void> {
    await this.redis.del(PREFIX + kind + ':' + id);
  }

  /** Counts one more event in a fixed window; returns the count so far. */
  async count(kind: string, id: string, windowMs: number): Promise<number> {
    const key = PREFIX + kind + ':' + id;
    const result = await this.redis.multi().incr(key).pexpire(key, windowMs, 'NX').exec();
    return Number(result?.[0]?.[1] ?? 0);
  }
}
