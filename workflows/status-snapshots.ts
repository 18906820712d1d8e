import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { AccessStatus } from './types';

/**
 * The workflow hands its status to the worker process through a sink before it orders a notice or
 * the archive (worker/create-worker.ts keeps the latest per request): nothing in history, no copy
 * through Temporal. The activity then reads it there, or asks the workflow (status query) when
 * this process has none (another worker, a restart, a replay).
 */
export interface StatusSnapshotSinks extends Sinks {
  /** `seq` counts the snapshots of one request; the order that follows carries it, so a worker's older copy is never taken for it. */
  statusSnapshots: { latest(status: AccessStatus, seq: number): void };
}

const { statusSnapshots } = proxySinks<StatusSnapshotSinks>();

export function shareStatus(status: AccessStatus, seq: number): void {
  statusSnapshots.latest(status, seq);
}
