import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { ensureIntervalSchedule } from '../interval-schedule';

export const RECONCILE_SCHEDULE_ID = 'gatehouse-credential-reconciliation';
export const RECONCILE_WORKFLOW = 'credentialReconciliation';

export interface ReconcileScheduleOptions {
  taskQueue: string;
  /** How often to reconcile (Temporal duration, e.g. '5m'). */
  every?: string;
  scheduleId?: string;
}

/**
 * Creates (or updates) the Temporal schedule that runs credential reconciliation on the
 * worker's task queue. Overlapping runs are skipped; idempotent, so every worker start may call it.
 */
export async function ensureReconcileSchedule(client: Client, options: ReconcileScheduleOptions): Promise<string> {
  return ensureIntervalSchedule(client, {
    scheduleId: options.scheduleId ?? RECONCILE_SCHEDULE_ID, every: options.every ?? '5m', workflowType: RECONCILE_WORKFLOW, taskQueue: options.taskQueue,
    args: [], purpose: 'revoke identities whose access request is no longer active',
  });
}

/**
 * Runs one reconciliation pass now, beside any pass still running (a pass is idempotent: it drops
 * only identities whose request is over). A worker starts one as it comes up: after a crash of the
 * worker or of Temporal, identities whose grant ended meanwhile go without waiting for the
 * schedule's next tick, which a restarted Temporal may fire late or skip (issue 19).
 */
export async function reconcileNow(client: Client, scheduleId: string = RECONCILE_SCHEDULE_ID): Promise<void> {
  await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
}
