import { createHash } from 'node:crypto';
import type { Redis } from './redis';

/** A Lua script and its SHA-1, the name EVALSHA knows it by. */
export interface RedisScript {
  source: string;
  sha: string;
}

export function redisScript(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Runs `script` atomically by its hash, so it is sent once per Redis, not with every call; the
 * script itself only when this Redis does not know it yet (NOSCRIPT after a restart or SCRIPT FLUSH).
 */
export async function evalScript(redis: Redis, script: RedisScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!/NOSCRIPT/.test((error as Error)?.message ?? '')) throw error;
    return await redis.eval(script.source, keys.length, ...keys, ...args);
  }
}
