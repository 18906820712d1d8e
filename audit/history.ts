import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { approverKey, requesterKey, stateKey, status as statusQuery, targetKey, type AccessStatus } from '../workflows';

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

/**
 * What Temporal visibility holds of a request whose status cannot be read (e.g. a running one
 * whose worker is gone): enough to name it in an evidence pack, never to vouch for it.
 */
export interface VisibleRequest {
  requestId: string;
  /** RUNNING, COMPLETED ... as Temporal describes the workflow. */
  workflowStatus: string;
  startTime: Date;
  closeTime?: Date;
  taskQueue: string;
  requester?: string;
  target?: string;
  /** The request's state as last set in its search attributes. */
  state?: string;
  approver?: string;
  /** Every search attribute visibility holds for it, by name. */
  searchAttributes: Record<string, unknown>;
}

export class HistoryError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'UNREADABLE', message: string, readonly visible?: VisibleRequest) {
    super(message);
    this.name = 'HistoryError';
  }
}

function visibleOf(requestId: string, d: WorkflowExecutionDescription): VisibleRequest {
  const attributes = d.typedSearchAttributes;
  const searchAttributes = Object.fromEntries(attributes.getAll()
    .map((pair) => [pair.key.name, pair.value instanceof Date ? pair.value.toISOString() : pair.value] as const)
    .sort(([a], [b]) => a.localeCompare(b)));
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const requester = text(attributes.get(requesterKey));
  const target = text(attributes.get(targetKey));
  const state = text(attributes.get(stateKey));
  const approver = text(attributes.get(approverKey));
  return {
    requestId, workflowStatus: d.status.name, startTime: d.startTime, ...(d.closeTime ? { closeTime: d.closeTime } : {}), taskQueue: d.taskQueue,
    ...(requester ? { requester } : {}), ...(target ? { target } : {}), ...(state ? { state } : {}), ...(approver ? { approver } : {}),
    searchAttributes,
  };
}

/** An error and its causes in one line ("Failed to query Workflow" alone does not say why), bounded. */
function reasonOf(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    const message = typeof e.message === 'string' ? e.message.trim() : '';
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
  }
  return (parts.join(': ') || 'unknown error').slice(0, 500);
}

const quote = (d: Date) => `'${d.toISOString()}'`;

/**
 * Reads access workflows from Temporal. A finished workflow's status is its result, read from
 * history without a worker; a running one is asked with the status query (a worker must poll).
 */
export class TemporalHistory implements HistorySource {
  /** `queryTimeoutMs`: how long a running request's worker has to answer its status query (default 10 s). */
  constructor(private readonly client: Client, private readonly options: { queryTimeoutMs?: number } = {}) {}

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
    if (workflowStatus !== 'COMPLETED' && !(await this.polled(description.taskQueue))) {
      // Nobody would answer the status query; asking would only wait for its deadline.
      throw new HistoryError('UNREADABLE', `cannot read the status of ${requestId} (${workflowStatus}): no worker polls its task queue "${description.taskQueue}"`, visibleOf(requestId, description));
    }
    try {
      status = workflowStatus === 'COMPLETED' ? ((await handle.result()) as AccessStatus) : await this.client.withDeadline(Date.now() + (this.options.queryTimeoutMs ?? 10_000), () => handle.query(statusQuery));
    } catch (error) {
      throw new HistoryError('UNREADABLE', `cannot read the status of ${requestId} (${workflowStatus}): ${reasonOf(error)}`, visibleOf(requestId, description));
    }
    return { requestId, status, workflowStatus, startTime: description.startTime, ...(description.closeTime ? { closeTime: description.closeTime } : {}) };
  }

  /** Whether a worker polls this workflow task queue now (Temporal keeps pollers seen in the last minute or so). */
  private async polled(taskQueue: string): Promise<boolean> {
    try {
      const answer = await this.client.workflowService.describeTaskQueue({ namespace: this.client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW });
      return (answer.pollers ?? []).length > 0;
    } catch {
      return true; // cannot tell: let the query decide
    }
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
