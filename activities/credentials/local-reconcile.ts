// Reconciliation that needs neither Temporal nor a running workflow: the identity's own record of
// its grant's end (its COMMENT on Snowflake) and the grant record in Redis decide. Each worker
// process runs it while Temporal does not answer (worker/local-reconciliation.ts), so an identity
// whose grant ended during a Temporal outage (the expiry timer and the schedule's pass both wait
// for Temporal) still goes within the reconciliation interval. Issue 19's chaos runs: grants that
// ended while the Temporal dev server restarted kept their identity for as long as that took.
import type { CredentialProviders } from './registry';
import type { IdentityRecord, ReconcileReport } from './provider';

/** Where the gateway's grant records live: a record exists exactly while its grant is active. */
export interface GrantRecords {
  grantOf(requestId: string): Promise<unknown>;
}

/**
 * Whether a request still holds its grant, by Redis alone: yes until the end the identity was
 * issued for; after it, only while Redis still holds the grant record (an extension moved the
 * record's end; a revoke or the end itself removes the record, and the gateway then refuses the
 * grant anyway). The grant's time box starts when it is stored, after issuing, so its record
 * outlasts the identity's end. An identity that records no end is kept: the Temporal pass decides.
 * Redis not answering throws, and the pass drops nothing. What it cannot tell: a request whose
 * issuing took longer than the whole grant and is still to be stored; its identity goes, and the
 * grant, once stored, fails closed at Snowflake.
 */
export function grantRecordHeld(grants: GrantRecords, now: () => number = Date.now): (requestId: string, identity?: IdentityRecord) => Promise<boolean> {
  return async (requestId, identity) => {
    if (identity?.grantEndedAt === undefined || identity.grantEndedAt > now()) return true;
    return (await grants.grantOf(requestId)) !== null;
  };
}

/**
 * One pass over every provider that reconciles, by `grantRecordHeld`: what each revoked, and
 * the first failure (a target's platform down) after every other provider had its turn.
 */
export async function reconcileWithoutTemporal(providers: CredentialProviders, grants: GrantRecords): Promise<ReconcileReport[]> {
  const isActive = grantRecordHeld(grants);
  const reports: ReconcileReport[] = [];
  const failures: unknown[] = [];
  for (const provider of providers.all()) {
    if (!provider.reconcile) continue;
    try {
      reports.push(await provider.reconcile(isActive));
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
  return reports;
}
