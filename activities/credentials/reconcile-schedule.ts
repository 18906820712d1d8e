import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

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
  const scheduleId = options.scheduleId ?? RECONCILE_SCHEDULE_ID;
  const spec = { intervals: [{ every: (options.every ?? '5m') as `${number}m` }] };
  const action = { type: 'startWorkflow' as const, workflowType: RECONCILE_WORKFLOW, taskQueue: options.taskQueue, args: [] as [] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action: { ...action, workflowId: `${scheduleId}-run` },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
      memo: { purpose: 'revoke identities whose access request is no longer active' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      spec,
      action: { ...action, workflowId: `${scheduleId}-run` },
    }));
  }
  return scheduleId;
}
