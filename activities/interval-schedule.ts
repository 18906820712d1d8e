import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export interface IntervalSchedule {
  scheduleId: string;
  /** Temporal duration such as '5m' or '6h'. */
  every: string;
  workflowType: string;
  taskQueue: string;
  args: unknown[];
  /** Said in the schedule's memo, for whoever finds it in the Temporal UI. */
  purpose: string;
}

/**
 * Creates the Temporal schedule that starts `workflowType` every `every` (overlapping runs skipped,
 * one workflow id per schedule), or updates it to this spec and action when it exists: idempotent,
 * so every worker start may call it. Answers the schedule id.
 */
export async function ensureIntervalSchedule(client: Client, schedule: IntervalSchedule): Promise<string> {
  const { scheduleId } = schedule;
  const spec = { intervals: [{ every: schedule.every as `${number}m` }] };
  const action = {
    type: 'startWorkflow' as const, workflowType: schedule.workflowType, taskQueue: schedule.taskQueue,
    args: schedule.args, workflowId: `${scheduleId}-run`,
  };
  try {
    await client.schedule.create({
      scheduleId, spec, action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
      memo: { purpose: schedule.purpose },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
  return scheduleId;
}
