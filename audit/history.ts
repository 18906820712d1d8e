import type { Client } from '@temporalio/client';
import { status as statusQuery, type AccessStatus } from '../workflows';

/** A request as Temporal keeps it: its status, and whether the workflow has finished. */
export interface RequestHistory {
  requestId: string;
  status: AccessStatus;
  /** RUNNING, COMPLETED, FAILED, TERMINATED ... */
  workflowStatus: string;
  /** When the workflow started (the request's place in a period). */
  startTime: Date;
  closeTime?: Date;
}

/** Where the audit commands read workflow history from; Temporal in practice, a map in tests. */
export interface HistorySource {
  get(requestId: string): Promise<RequestHistory>;
  /** Request ids whose workflow started in [from, to), oldest first. */
  startedBetween(from: Date, to: Date): Promise<string[]>;
}

export class HistoryError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'UNREADABLE', message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

const quote = (d: Date) => `'${d.toISOString()}'`;

/**
 * Reads access workflows from Temporal. A finished workflow's status is its result, read from
 * history without a worker; a running one is asked with the status query (a worker must poll).
 */
export class TemporalHistory implements HistorySource {
  constructor(private readonly client: Client) {}

  async get(requestId: string): Promise<RequestHistory> {
    const handle = this.client.workflow.getHandle(requestId);
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if ((error as { name?: string })?.name === 'WorkflowNotFoundError') throw new HistoryError('NOT_FOUND', `no access request ${requestId} in Temporal`);
      throw error;
    }
    const workflowStatus = description.status.name;
    let status: AccessStatus;
    try {
      status = workflowStatus === 'COMPLETED' ? ((await handle.result()) as AccessStatus) : await handle.query(statusQuery);
    } catch (error) {
      throw new HistoryError('UNREADABLE', `cannot read the status of ${requestId} (${workflowStatus}): ${(error as Error).message}`);
    }
    return { requestId, status, workflowStatus, startTime: description.startTime, ...(description.closeTime ? { closeTime: description.closeTime } : {}) };
  }

  async startedBetween(from: Date, to: Date): Promise<string[]> {
    const ids: { id: string; start: number }[] = [];
    const query = `WorkflowType = 'accessRequest' AND StartTime >= ${quote(from)} AND StartTime < ${quote(to)}`;
    for await (const wf of this.client.workflow.list({ query })) {
      // Visibility compares at its own precision; the period is applied again, exactly.
      const start = wf.startTime.getTime();
      if (start >= from.getTime() && start < to.getTime()) ids.push({ id: wf.workflowId, start });
    }
    return ids.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id)).map((w) => w.id);
  }
}
