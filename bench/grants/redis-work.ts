/**
 * Redis commands per grant: the stack's Redis (the worker's REDIS_URL) asked for
 * `INFO commandstats` before and after a level. Every client counts (worker, API, gateway, Slack app): a count that
 * does not depend on the load, for cuts of round trips. EVALSHA and EVAL are scripts (several keys each, one round trip).
 */
import { readFileSync } from 'node:fs';
import { connectRedis } from '../../lib';

/**
 * The stack's Redis, as the worker was given it (REDIS_URL in its environment): redis-server rewrites its own
 * command line and environment, so it cannot be found among the stack's processes the way Temporal is.
 */
export function redisUrlOf(workerPids: number[]): string | undefined {
  for (const pid of workerPids) {
    try {
      const url = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((v) => v.startsWith('REDIS_URL='));
      if (url) return url.slice('REDIS_URL='.length);
    } catch {
      /* gone */
    }
  }
  return undefined;
}

/** Calls per command so far (`INFO commandstats`), or undefined when Redis does not answer. */
export async function redisCommandCounts(url: string | undefined): Promise<Map<string, number> | undefined> {
  if (!url) return undefined;
  const redis = connectRedis(url, { enableOfflineQueue: true });
  try {
    const text = await redis.info('commandstats');
    const out = new Map<string, number>();
    for (const m of text.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
    return out;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

export function redisWorkLine(before: Map<string, number> | undefined, after: Map<string, number> | undefined, n: number): string {
  if (!before || !after) return '  Redis commands per grant: not known';
  const diff = [...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([k, d]) => d > 0 && k !== 'info');
  const total = diff.reduce((sum, [, d]) => sum + d, 0);
  return `  Redis commands per grant (whole stack): ${(total / n).toFixed(2)} (${diff.sort((a, b) => b[1] - a[1]).map(([k, d]) => `${k} ${(d / n).toFixed(2)}`).join(', ')})`;
}
