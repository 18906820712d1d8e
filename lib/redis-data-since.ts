import type Redis from 'ioredis';

/**
 * Since when this Redis holds Gatehouse's data: a timestamp written once (SET NX) by the first
 * process to store something that matters, and never moved. A Redis that comes back empty
 * (restarted without persistence, or failed over to a replica that never had the data) has lost
 * it, and the next writer sets a later time. Whoever must know whether data written earlier can
 * still be here (the archiver, about a grant's recording) compares its own start with this.
 */
export const REDIS_DATA_SINCE_KEY = 'gatehouse:data-since';

const MARK = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])`;

/** Marks the data's start if nobody has, and returns it (ms since the epoch). */
export async function redisDataSince(redis: Redis, nowMs = Date.now(), key = REDIS_DATA_SINCE_KEY): Promise<number> {
  const since = Number(await redis.eval(MARK, 1, key, String(nowMs)));
  if (!Number.isFinite(since)) throw new Error(`${key} in Redis is not a timestamp: remove it (it is written again at the next grant)`);
  return since;
}
