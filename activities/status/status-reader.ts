import { Context } from '@temporalio/activity';
import { status as statusQuery, type AccessStatus } from '../../workflows';

/** How many requests' latest status one worker keeps (a running request beyond that is asked by query). */
const KEPT = 2_000;

/**
 * The latest status of each running request in this worker process, as its workflow handed it
 * over (a sink, before ordering a notice or the archive). Bounded: the oldest goes first.
 */
export class StatusSnapshots {
  private readonly latest = new Map<string, { seq: number; status: AccessStatus }>();
  constructor(private readonly kept = KEPT) {}

  put(status: AccessStatus, seq: number): void {
    this.latest.delete(status.requestId);
    this.latest.set(status.requestId, { seq, status });
    if (this.latest.size > this.kept) this.latest.delete(this.latest.keys().next().value!);
  }

  /**
   * The snapshot an order follows, or undefined: a copy this process took earlier (the workflow
   * moved to another worker since) is not it, whatever it holds.
   */
  get(requestId: string, seq: number): AccessStatus | undefined {
    const kept = this.latest.get(requestId);
    return kept?.seq === seq ? kept.status : undefined;
  }

  get size(): number {
    return this.latest.size;
  }
}

/** Reads a request's status for an activity: this worker's snapshot, else the workflow's status query. */
export type StatusReader = (order: { requestId: string; seq: number }) => Promise<AccessStatus>;

export function statusReader(snapshots?: StatusSnapshots): StatusReader {
  return async ({ requestId, seq }) => snapshots?.get(requestId, seq) ?? Context.current().client.workflow.getHandle(requestId).query(statusQuery);
}
