import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { RequestChange } from '../lib';

/**
 * The worker announces request changes through a sink (worker/create-worker.ts publishes them in
 * Redis): no activity, nothing in history, not repeated on replay. The API's long-polls wake on
 * them instead of querying the workflow over and over.
 */
export interface RequestChangeSinks extends Sinks {
  requestChanges: { changed(change: RequestChange): void };
}

const { requestChanges } = proxySinks<RequestChangeSinks>();

export function announceChange(change: RequestChange): void {
  requestChanges.changed(change);
}
