import { reconcileWithoutTemporal, type CredentialProviders } from '../activities';
import type { Logger } from '../lib';

/**
 * Every `everyMs`, while Temporal does not answer, this worker process drops the identities whose
 * grant is over by Redis alone (activities/credentials/local-reconcile.ts): the schedule's pass and
 * the expiry timers stop while Temporal is down, this does not. While Temporal answers it does
 * nothing (the schedule's pass decides, knowing a request still being issued). A pass still
 * running when the next is due makes that one skip. Returns the stop.
 */
export function startLocalReconciliation(options: {
  providers: CredentialProviders;
  grants: { grantOf(requestId: string): Promise<unknown> };
  everyMs: number;
  log: Logger;
  temporalAnswers: () => Promise<boolean>;
}): () => void {
  const { providers, grants, log } = options;
  let running = false;
  let failing = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      if (await options.temporalAnswers()) return;
      const revoked = (await reconcileWithoutTemporal(providers, grants)).flatMap((r) => r.revoked);
      if (revoked.length) log.warn({ revoked }, 'Temporal does not answer: identities of ended grants dropped by their grant records');
      failing = false;
    } catch (error) {
      // Snowflake or Redis down as well: said once per outage, the next pass tries again.
      if (!failing) log.warn({ err: (error as Error).message }, 'Temporal does not answer and reconciliation by grant records failed; trying again next interval');
      failing = true;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
