import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { RequestChange } from '../lib';
import type { AccessStatus } from './types';

/**
 * The worker announces request changes through a sink (worker/create-worker.ts publishes them in
 * Redis, with the status sealed): no activity, nothing in history, not repeated on replay. The
 * API's long-polls answer from them instead of querying the workflow.
 */
export interface RequestChangeSinks extends Sinks {
  /** `seq` counts one request's announcements (the worker orders them by history length, then seq). */
  requestChanges: { changed(change: RequestChange, status?: AccessStatus, seq?: number): void };
}

const { requestChanges } = proxySinks<RequestChangeSinks>();

/** The status is copied as it is now (the sink clones its arguments at the call). */
export function announceChange(change: RequestChange, status: AccessStatus, seq: number): void {
  requestChanges.changed(change, status, seq);
}
