import { randomBytes } from 'node:crypto';
import { reconcileWithoutTemporal, type CredentialProviders } from '../activities';
import type { Logger, Redis } from '../lib';

// KEYS[1] the lock; ARGV owner, ttl ms. Renews the lease only while this process still holds it.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * One local pass per interval across every worker process sharing a Redis: the first to SET NX
 * the key runs the pass, the others skip. The lease is a little shorter than the interval, so the
 * holder's own next tick can take it again, and it is renewed while a pass runs (a long pass is
 * never run twice at once); a holder that died leaves it for less than one interval. Without it
 * each worker ran the same pass at once and issued the same DROP USERs. Resolves with the end of
 * the pass (stops renewing; the lease runs out by itself), or undefined when another holds it.
 */
export function redisPassLock(redis: Pick<Redis, 'set' | 'eval'>, key: string): (everyMs: number) => Promise<(() => void) | undefined> {
  const owner = randomBytes(8).toString('hex');
  return async (everyMs) => {
    const ttl = Math.max(100, Math.floor(everyMs * 0.9));
    if ((await redis.set(key, owner, 'PX', ttl, 'NX')) !== 'OK') return undefined;
    const renew = setInterval(() => void Promise.resolve(redis.eval(RENEW, 1, key, owner, ttl)).catch(() => undefined), Math.max(30, Math.floor(ttl / 3)));
    renew.unref();
    return () => clearInterval(renew);
  };
}

/**
 * Every `everyMs`, while Temporal does not answer, this worker process drops the identities whose
 * grant is over by Redis alone (activities/credentials/local-reconcile.ts): the schedule's pass and
 * the expiry timers stop while Temporal is down, this does not. While Temporal answers it does
 * nothing (the schedule's pass decides, knowing a request still being issued). A pass still
 * running when the next is due makes that one skip; with `takePass`, one worker process of all
 * runs each interval's pass. Returns the stop.
 */
export function startLocalReconciliation(options: {
  providers: CredentialProviders;
  grants: { grantOf(requestId: string): Promise<unknown> };
  everyMs: number;
  log: Logger;
  temporalAnswers: () => Promise<boolean>;
  /** This interval's pass for this process (redisPassLock: its end), or undefined when another runs it; without it, every pass runs. */
  takePass?: (everyMs: number) => Promise<(() => void) | undefined>;
}): () => void {
  const { providers, grants, log } = options;
  let running = false;
  let failing = false;
  const pass = async () => {
    if (running) return;
    running = true;
    let held: (() => void) | undefined;
    try {
      if (await options.temporalAnswers()) return;
      // Redis down: this throws, as the pass itself would (grant records are in Redis).
      held = options.takePass ? await options.takePass(options.everyMs) : () => undefined;
      if (!held) return;
      const revoked = (await reconcileWithoutTemporal(providers, grants)).flatMap((r) => r.revoked);
      if (revoked.length) log.warn({ revoked }, 'Temporal does not answer: identities of ended grants dropped by their grant records');
      failing = false;
    } catch (error) {
      // Snowflake or Redis down as well: said once per outage, the next pass tries again.
      if (!failing) log.warn({ err: (error as Error).message }, 'Temporal does not answer and reconciliation by grant records failed; trying again next interval');
      failing = true;
    } finally {
      held?.();
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
