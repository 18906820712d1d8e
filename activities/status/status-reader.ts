import { Context } from '@temporalio/activity';
import { status as statusQuery, type AccessStatus } from '../../workflows';

/** How many requests' statuses one worker keeps (a running request beyond that is asked by query). */
const KEPT = 2_000;
/**
 * How many of one request's latest snapshots are kept. One workflow task can order several
 * notices at once (holds and decisions arriving together): each order must find its own
 * snapshot, because a local activity that asks the workflow instead waits for the very task it
 * runs in, and gives up.
 */
const KEPT_PER_REQUEST = 8;

/**
 * The latest statuses of each running request in this worker process, as its workflow handed them
 * over (a sink, before ordering a notice or the archive), by their sequence number. Bounded: the
 * request not heard of the longest goes first, and of one request the oldest snapshot.
 */
export class StatusSnapshots {
  private readonly requests = new Map<string, Map<number, AccessStatus>>();
  constructor(private readonly kept = KEPT, private readonly keptPerRequest = KEPT_PER_REQUEST) {}

  put(status: AccessStatus, seq: number): void {
    const snapshots = this.requests.get(status.requestId) ?? new Map<number, AccessStatus>();
    // Re-inserted, so the map's order is the order requests were last heard of.
    this.requests.delete(status.requestId);
    this.requests.set(status.requestId, snapshots);
    snapshots.set(seq, status);
    if (snapshots.size > this.keptPerRequest) snapshots.delete(Math.min(...snapshots.keys()));
    if (this.requests.size > this.kept) this.requests.delete(this.requests.keys().next().value!);
  }

  /**
   * The snapshot an order follows, or undefined: a copy this process took earlier (the workflow
   * moved to another worker since) is not it, whatever it holds.
   */
  get(requestId: string, seq: number): AccessStatus | undefined {
    return this.requests.get(requestId)?.get(seq);
  }

  /** Requests with snapshots kept. */
  get size(): number {
    return this.requests.size;
  }
}

/** Reads a request's status for an activity: this worker's snapshot, else the workflow's status query. */
export type StatusReader = (order: { requestId: string; seq: number }) => Promise<AccessStatus>;

export function statusReader(snapshots?: StatusSnapshots): StatusReader {
  return async ({ requestId, seq }) => snapshots?.get(requestId, seq) ?? Context.current().client.workflow.getHandle(requestId).query(statusQuery);
}
