import type { Client } from '@temporalio/client';
import { ensureIntervalSchedule } from '../interval-schedule';

export const CATALOG_REFRESH_SCHEDULE_ID = 'gatehouse-phi-catalog-refresh';
export const CATALOG_REFRESH_WORKFLOW = 'catalogRefresh';
/** GATEHOUSE_CATALOG_REFRESH_EVERY when unset. */
export const DEFAULT_CATALOG_REFRESH_EVERY = '6h';

export interface CatalogScheduleOptions {
  taskQueue: string;
  /** How often to re-discover every target's catalog (Temporal duration such as '6h', '30m'). */
  every?: string;
  scheduleId?: string;
}

/**
 * Creates (or updates) the Temporal schedule that re-discovers every target's PHI catalog on the
 * worker's task queue. Overlapping runs are skipped; idempotent, so every worker start may call it.
 */
export async function ensureCatalogRefreshSchedule(client: Client, options: CatalogScheduleOptions): Promise<string> {
  const every = options.every ?? DEFAULT_CATALOG_REFRESH_EVERY;
  if (!/^\d+(ms|s|m|h|d)$/.test(every)) throw new Error(`the catalog refresh interval ${JSON.stringify(every)} is not a duration such as 6h, 30m or 90s (GATEHOUSE_CATALOG_REFRESH_EVERY)`);
  return ensureIntervalSchedule(client, {
    scheduleId: options.scheduleId ?? CATALOG_REFRESH_SCHEDULE_ID, every, workflowType: CATALOG_REFRESH_WORKFLOW, taskQueue: options.taskQueue,
    args: [{ trigger: 'schedule' }],
    purpose: 're-discover every target\'s PHI catalog; never lowers a column\'s protection without review',
  });
}
