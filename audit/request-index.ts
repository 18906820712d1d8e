// Finding requests for auditors: Temporal visibility, searched by the attributes the workflow and
// the archiver set (workflows/search-attributes.ts), a page at a time with visibility's own page
// tokens, so a list of 10,000 requests never loads more than one page.
import type { Client } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { approverKey, findingsKey, requesterKey, stateKey, targetKey, type ArchiveFinding } from '../workflows';

export interface RequestFilters {
  requester?: string;
  /** Who approved or denied the request. */
  approver?: string;
  target?: string;
  state?: string;
  /** Started at or after. */
  from?: Date;
  /** Started before. */
  to?: Date;
  /** Each one must be among the request's findings. */
  findings?: ArchiveFinding[];
}

export interface RequestRow {
  requestId: string;
  startTime: Date;
  closeTime?: Date;
  /** RUNNING, COMPLETED, FAILED ... */
  workflowStatus: string;
  requester?: string;
  target?: string;
  state?: string;
  approver?: string;
  findings: string[];
}

export interface RequestPage {
  rows: RequestRow[];
  /** Opaque token of the next page (base64url); absent on the last page. */
  next?: string;
}

/** The page token is not one visibility gave out (edited, or from an older server). */
export class PageTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageTokenError';
  }
}

const MAX_PAGE_TOKEN_CHARS = 8192;

/** A visibility string literal. Values also pass the console's own checks; this keeps the query well-formed whatever they are. */
export function visibilityLiteral(value: string): string {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error('a search value may not contain control characters');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The visibility query for these filters (access workflows only). */
export function visibilityQuery(filters: RequestFilters): string {
  const clauses = [`WorkflowType = 'accessRequest'`];
  const equal = (name: string, value: string | undefined) => {
    if (value) clauses.push(`${name} = ${visibilityLiteral(value)}`);
  };
  equal(requesterKey.name, filters.requester?.trim().toLowerCase());
  equal(approverKey.name, filters.approver?.trim().toLowerCase());
  equal(targetKey.name, filters.target);
  equal(stateKey.name, filters.state);
  if (filters.from) clauses.push(`StartTime >= ${visibilityLiteral(filters.from.toISOString())}`);
  if (filters.to) clauses.push(`StartTime < ${visibilityLiteral(filters.to.toISOString())}`);
  for (const finding of filters.findings ?? []) equal(findingsKey.name, finding);
  return clauses.join(' AND ');
}

interface Timestamp { seconds?: { toNumber(): number } | number | null; nanos?: number | null }
const toDate = (ts: Timestamp | null | undefined): Date | undefined => {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return undefined;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));
};
const STATUS_NAMES: Record<number, string> = { 1: 'RUNNING', 2: 'COMPLETED', 3: 'FAILED', 4: 'CANCELLED', 5: 'TERMINATED', 6: 'CONTINUED_AS_NEW', 7: 'TIMED_OUT' };

/**
 * Requests in visibility's order (open ones first, then the most recently closed), one page per
 * call. Search attributes are never encrypted, so a page is read without the payload codec.
 */
export class RequestIndex {
  constructor(private readonly client: Client, private readonly namespace = client.options.namespace) {}

  async find(filters: RequestFilters, options: { pageSize?: number; page?: string } = {}): Promise<RequestPage> {
    let nextPageToken: Buffer | undefined;
    if (options.page) {
      if (options.page.length > MAX_PAGE_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(options.page)) throw new PageTokenError('the page link is malformed; start again from the first page');
      nextPageToken = Buffer.from(options.page, 'base64url');
    }
    let response;
    try {
      response = await this.client.workflowService.listWorkflowExecutions({
        namespace: this.namespace, query: visibilityQuery(filters), pageSize: options.pageSize ?? 50, ...(nextPageToken ? { nextPageToken } : {}),
      });
    } catch (error) {
      // Visibility answers a token it cannot read with INVALID_ARGUMENT, INTERNAL or UNKNOWN depending on the store:
      // when the same search works without the token, the token was the problem.
      if (nextPageToken && (await this.answers(filters))) throw new PageTokenError('the page link is out of date or was edited; start again from the first page');
      throw error;
    }
    const rows = (response.executions ?? []).map((raw): RequestRow => {
      const attributes = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
      const closeTime = toDate(raw.closeTime as Timestamp);
      return {
        requestId: raw.execution?.workflowId ?? '',
        startTime: toDate(raw.startTime as Timestamp) ?? new Date(0),
        ...(closeTime ? { closeTime } : {}),
        workflowStatus: STATUS_NAMES[Number(raw.status)] ?? 'UNKNOWN',
        requester: attributes.get(requesterKey),
        target: attributes.get(targetKey),
        state: attributes.get(stateKey),
        approver: attributes.get(approverKey),
        findings: attributes.get(findingsKey) ?? [],
      };
    });
    const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : undefined;
    return { rows, ...(token ? { next: token } : {}) };
  }

  private async answers(filters: RequestFilters): Promise<boolean> {
    try {
      await this.client.workflowService.listWorkflowExecutions({ namespace: this.namespace, query: visibilityQuery(filters), pageSize: 1 });
      return true;
    } catch {
      return false;
    }
  }

  /** How many requests match (visibility's count, eventually consistent like the list). */
  async count(filters: RequestFilters): Promise<number> {
    const answer = await this.client.workflowService.countWorkflowExecutions({ namespace: this.namespace, query: visibilityQuery(filters) });
    const count = answer.count as { toNumber(): number } | number | null | undefined;
    return typeof count === 'number' ? count : count?.toNumber() ?? 0;
  }
}
