// The reconciliation the credential schedule runs: one activity, retried, nothing secret in
// or out (the report names principals only).
import { proxyActivities } from '@temporalio/workflow';
import type { ReconcileReport } from './types';

interface ReconcileActivities {
  reconcileCredentials(): Promise<ReconcileReport[]>;
}

// The pass heartbeats: a worker killed mid-pass is noticed in 10 s, not after the 5-minute
// startToCloseTimeout, during which the schedule (overlap SKIP) skipped every later pass and an
// ended grant's identity lived on (issue 19). Retries stay short for the same reason: a pass that
// failed while Temporal or Snowflake was coming back is tried again within seconds.
const { reconcileCredentials } = proxyActivities<ReconcileActivities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '5s', maximumAttempts: 5 },
});

/** Revokes every issued identity whose access request is no longer active. */
export async function credentialReconciliation(): Promise<ReconcileReport[]> {
  return reconcileCredentials();
}
