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

type RawExecution = NonNullable<Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>['executions']>[number];

function rowOf(raw: RawExecution): RequestRow {
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
}

/** Every status a closed workflow can have, as visibility queries name them. */
const CLOSED_STATUSES = ['Completed', 'Failed', 'Canceled', 'Terminated', 'TimedOut', 'ContinuedAsNew'] as const;
type ClosedStatus = (typeof CLOSED_STATUSES)[number];

/**
 * Where a page starts: just after the request (startTime, requestId) that ended the page before.
 * `w`: for each closed status whose rows the page before had to read by start-time windows, that
 * window's width (ms), where the next page starts looking (a hint: any value gives the same rows).
 */
interface Cursor { t: number; id: string; w?: Partial<Record<ClosedStatus, number>> }

const CURSOR_ID = /^[A-Za-z0-9_-]{1,200}$/;
/** The latest time a Date can hold (ECMAScript's limit); a cursor past it could not become a query bound. */
const LATEST_DATE_MS = 8.64e15 - 1;

function encodeCursor(row: RequestRow, widths: Cursor['w']): string {
  return Buffer.from(JSON.stringify({ v: 1, t: row.startTime.getTime(), id: row.requestId, ...(widths && Object.keys(widths).length ? { w: widths } : {}) }), 'utf8').toString('base64url');
}

const isWidth = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= LATEST_DATE_MS;

/** The width hints of a cursor (undefined: none; null: not hints this console writes): closed statuses only, whole milliseconds a Date can span. */
function widthsOf(value: unknown): Cursor['w'] | null {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.every(([status, width]) => (CLOSED_STATUSES as readonly string[]).includes(status) && isWidth(width))) return null;
  return Object.fromEntries(entries) as Cursor['w'];
}

function decodeCursor(page: string): Cursor {
  if (page.length > MAX_PAGE_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(page)) throw new PageTokenError('the page link is malformed; start again from the first page');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const c = value as { v?: unknown; t?: unknown; id?: unknown; w?: unknown } | undefined;
  const widths = c && typeof c === 'object' ? widthsOf(c.w) : null;
  if (!c || typeof c !== 'object' || c.v !== 1 || !Number.isSafeInteger(c.t) || (c.t as number) < 0 || (c.t as number) > LATEST_DATE_MS || typeof c.id !== 'string' || !CURSOR_ID.test(c.id) || widths === null) {
    throw new PageTokenError('the page link is out of date or was edited; start again from the first page');
  }
  return { t: c.t as number, id: c.id, ...(widths ? { w: widths } : {}) };
}

/** Newest first: later start, then (same millisecond) the larger id. */
const newestFirst = (a: RequestRow, b: RequestRow) => b.startTime.getTime() - a.startTime.getTime() || (a.requestId < b.requestId ? 1 : a.requestId > b.requestId ? -1 : 0);

/**
 * Requests strictly newest first by start time, open and closed together, one page per call.
 * Visibility has no ORDER BY (the SQL stores list open workflows by start time, newest first,
 * then closed ones by close time), so a page is the merge of scans, one per status, each stopped
 * as soon as nothing later in it can belong to the page:
 * - open requests arrive by start time, newest first: the first pageSize+1 after the cursor;
 * - closed ones arrive by close time, newest first, and a request closes after it starts: once a
 *   row closed before the (pageSize+1)-th start collected so far, no later row can enter.
 * The page link is a keyset cursor (start time and id of the page's last row), so a page reads
 * about pageSize rows of each kind, never the whole list. Should a store return rows out of
 * that order, the scan notices and reads on to the end (correct, slower).
 * Search attributes are never encrypted, so a page is read without the payload codec.
 */
export class RequestIndex {
  /**
   * How many times a page's worth of rows a closed scan reads in close-time order before it
   * turns to start-time windows (rows closed in another order than they started: a bulk
   * termination closes old requests last).
   */
  private readonly readAhead: number;
  /** Where the search for a closed scan's window starts: this far below the page's top, doubled until enough rows lie above. */
  private readonly firstWindowMs: number;

  constructor(private readonly client: Client, private readonly namespace = client.options.namespace, options: { readAhead?: number; firstWindowMs?: number } = {}) {
    this.readAhead = options.readAhead ?? 4;
    this.firstWindowMs = options.firstWindowMs ?? 1000;
  }

  async find(filters: RequestFilters, options: { pageSize?: number; page?: string } = {}): Promise<RequestPage> {
    const pageSize = options.pageSize ?? 50;
    const after = options.page ? decodeCursor(options.page) : undefined;
    // Visibility keeps start times finer than a millisecond: the bound is one millisecond past the cursor, the rest is exact here.
    const upper = after ? new Date(after.t + 1) : undefined;
    const query = visibilityQuery({ ...filters, ...(upper && (!filters.to || upper < filters.to) ? { to: upper } : {}) });
    const isAfterCursor = (r: RequestRow) => !after || r.startTime.getTime() < after.t || (r.startTime.getTime() === after.t && r.requestId < after.id);
    const want = pageSize + 1;
    // One scan per status: each is an index seek in SQL visibility (by_status), where "!= 'Running'" would read past every open row.
    const { rows: open } = await this.scan(`${query} AND ExecutionStatus = 'Running'`, want, isAfterCursor, (r) => r.startTime);
    // With a full page of open requests, a closed one started before the oldest of them cannot be on the page:
    // the closed scans read only the rest (else requests closed in another order than they started are all read).
    const floor = open.length >= want ? open[want - 1]!.startTime : undefined;
    const ceiling = Math.min(upper?.getTime() ?? Infinity, filters.to?.getTime() ?? Infinity);
    const closedQuery = floor && (!filters.from || floor > filters.from) ? `${query} AND StartTime >= ${visibilityLiteral(floor.toISOString())}` : query;
    const closed = await Promise.all(CLOSED_STATUSES.map((status) => this.closedScan(`${closedQuery} AND ExecutionStatus = '${status}'`, want, isAfterCursor, ceiling, after?.w?.[status])));
    const seen = new Set<string>();
    // A request that closed between the scans may be in two.
    const merged = [open, ...closed.map((c) => c.rows)].flat().filter((r) => !seen.has(r.requestId) && seen.add(r.requestId)).sort(newestFirst);
    const rows = merged.slice(0, pageSize);
    const widths = Object.fromEntries(CLOSED_STATUSES.flatMap((status, i) => (closed[i]!.width ? [[status, closed[i]!.width]] : [])));
    return { rows, ...(merged.length > pageSize && rows.length ? { next: encodeCursor(rows[rows.length - 1]!, widths) } : {}) };
  }

  /**
   * The `want` newest closed rows of `query`. Visibility gives them by close time, which usually
   * follows start time closely, so the ordered scan stops early. When it has read `readAhead`
   * pages' worth without being able to stop (old requests closed last: a bulk termination), the
   * start time above which enough rows lie is found by counting (visibility counts without
   * sending rows), and only that window is read: rows read stay about proportional to the page.
   * `width`, when the page before needed a window too, is where that search starts (and the
   * ordered scan is skipped); the window used is returned for the next page.
   */
  private async closedScan(query: string, want: number, keep: (r: RequestRow) => boolean, ceiling: number, width?: number): Promise<{ rows: RequestRow[]; width?: number }> {
    const byClose = (r: RequestRow) => r.closeTime ?? r.startTime;
    if (width === undefined) {
      const first = await this.scan(query, want, keep, byClose, want * this.readAhead);
      if (first.complete) return { rows: first.rows };
    }
    // The query bounds the top already (cursor, range); start times are never in the future.
    const end = Math.min(ceiling, Date.now() + 60_000);
    // Counted rows at the cursor's millisecond may be on an earlier page: ask for more until the window holds `want` kept ones.
    for (let need = want; ; need *= 2) {
      const lower = await this.startHolding(query, end, need, width);
      const { rows } = await this.scan(lower === undefined ? query : `${query} AND StartTime >= ${visibilityLiteral(new Date(lower).toISOString())}`, want, keep, byClose);
      if (rows.length >= want || lower === undefined) return { rows, ...(lower === undefined ? {} : { width: Math.max(1, end - lower) }) };
      width = Math.max(1, end - lower);
    }
  }

  /**
   * A start time t such that at least `need` rows of `query` started at or after t, and at most
   * twice that where start times allow, found with counts only: from `startWidth` (default
   * `firstWindowMs`) below `end`, widened by doubling, then narrowed by halving until the window
   * holds at most 2 × need; undefined when the query holds fewer than `need` rows in all.
   */
  private async startHolding(query: string, end: number, need: number, startWidth?: number): Promise<number | undefined> {
    const since = (t: number) => this.countQuery(`${query} AND StartTime >= ${visibilityLiteral(new Date(t).toISOString())}`);
    let width = Math.max(1, Math.min(startWidth ?? this.firstWindowMs, end));
    let held = await since(end - width);
    // [lo, hi): at least `need` rows start at or after lo, fewer than `need` at or after hi.
    let hi = end;
    if (held < need) {
      const total = await this.countQuery(query);
      if (total < need) return undefined;
      while (held < need) {
        hi = end - width;
        width = Math.min(width * 2, end);
        held = width === end ? total : await since(end - width);
      }
    }
    let lo = end - width;
    // Each step halves [lo, hi): 64 reach a millisecond from any width a Date can span.
    for (let i = 0; i < 64 && held > 2 * need && hi - lo > 1; i++) {
      const mid = Math.floor((lo + hi) / 2);
      const count = await since(mid);
      if (count >= need) {
        lo = mid;
        held = count;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The `want` newest rows of a visibility scan whose rows come ordered by `orderedBy` (newest
   * first) where orderedBy(row) >= row.startTime: stops once a row's orderedBy falls below the
   * want-th start collected (complete), or after reading `budget` rows (not complete).
   */
  private async scan(query: string, want: number, keep: (r: RequestRow) => boolean, orderedBy: (r: RequestRow) => Date, budget = Infinity): Promise<{ rows: RequestRow[]; complete: boolean }> {
    const found: RequestRow[] = [];
    let nextPageToken: Uint8Array | undefined;
    let previous = Infinity;
    let ordered = true;
    let read = 0;
    for (;;) {
      const response = await this.client.workflowService.listWorkflowExecutions({
        namespace: this.namespace, query, pageSize: Math.min(1000, want * 2), ...(nextPageToken ? { nextPageToken } : {}),
      });
      for (const raw of response.executions ?? []) {
        const row = rowOf(raw);
        read++;
        const order = orderedBy(row).getTime();
        if (order > previous) ordered = false;
        previous = order;
        if (keep(row)) found.push(row);
        if (ordered && found.length >= want) {
          found.sort(newestFirst);
          found.length = want;
          if (order < found[want - 1]!.startTime.getTime()) return { rows: found, complete: true };
        }
      }
      if (read >= budget) return { rows: [], complete: false };
      nextPageToken = response.nextPageToken?.length ? response.nextPageToken : undefined;
      if (!nextPageToken) return { rows: found.sort(newestFirst).slice(0, want), complete: true };
    }
  }

  private async countQuery(query: string): Promise<number> {
    const answer = await this.client.workflowService.countWorkflowExecutions({ namespace: this.namespace, query });
    const count = answer.count as { toNumber(): number } | number | null | undefined;
    return typeof count === 'number' ? count : count?.toNumber() ?? 0;
  }

  /** How many requests match (visibility's count, eventually consistent like the list). */
  async count(filters: RequestFilters): Promise<number> {
    return this.countQuery(visibilityQuery(filters));
  }
}
