// The reconciliation the credential schedule runs: one activity, retried, nothing secret in
// or out (the report names principals only).
import { proxyActivities } from '@temporalio/workflow';
import type { ReconcileReport } from './types';

interface ReconcileActivities {
  reconcileCredentials(): Promise<ReconcileReport[]>;
}

const { reconcileCredentials } = proxyActivities<ReconcileActivities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '5s', maximumInterval: '1m', maximumAttempts: 5 },
});

/** Revokes every issued identity whose access request is no longer active. */
export async function credentialReconciliation(): Promise<ReconcileReport[]> {
  return reconcileCredentials();
}
