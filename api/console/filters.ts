// The find page's filters live in the query string, so every list is a stable URL. Each value is
// checked here before it reaches a visibility query.
import type { RequestFilters } from '../../audit';
import { archiveFindings, requestStates, type ArchiveFinding } from '../../workflows';

export interface FindQuery {
  requester: string;
  approver: string;
  target: string;
  state: string;
  from: string;
  to: string;
  findings: ArchiveFinding[];
  page: string;
}

export const FINDING_LABELS: Record<ArchiveFinding, string> = {
  held: 'had held commands',
  denied: 'had denials',
  masked: 'had masking',
};

const SUBJECT = /^[A-Za-z0-9@._:+-]{1,200}$/;
const TARGET = /^[a-z][a-z0-9-]{0,62}$/;
const PAGE = /^[A-Za-z0-9_-]{1,8192}$/;
const KNOWN = new Set(['requester', 'approver', 'target', 'state', 'from', 'to', 'page', ...archiveFindings]);

function one(query: Record<string, unknown>, name: string): string {
  const value = query[name];
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new FilterError([`${name} is given more than once`]);
  return value.trim();
}

export class FilterError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'FilterError';
  }
}

/** A day (midnight UTC; `to` is the end of that day) or an ISO time. */
function instant(value: string, name: 'from' | 'to', problems: string[]): Date | undefined {
  if (!value) return undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = day ? new Date(`${value}T00:00:00.000Z`) : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?$/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    problems.push(`"${name}" must be a date such as 2026-01-31 (or an ISO time)`);
    return undefined;
  }
  return day && name === 'to' ? new Date(date.getTime() + 86_400_000) : date;
}

/** The query as the form shows it, and the filters for visibility; FilterError lists every problem at once. */
export function parseFindQuery(query: Record<string, unknown>): { form: FindQuery; filters: RequestFilters } {
  const problems: string[] = [];
  const unknown = Object.keys(query).filter((k) => !KNOWN.has(k));
  if (unknown.length) problems.push(`unknown filter ${unknown.map((k) => `"${k.slice(0, 40)}"`).join(', ')}`);
  const read = (name: string) => {
    try {
      return one(query, name);
    } catch (error) {
      problems.push(...(error as FilterError).problems);
      return '';
    }
  };
  const form: FindQuery = {
    requester: read('requester'), approver: read('approver'), target: read('target'), state: read('state'), from: read('from'), to: read('to'),
    findings: archiveFindings.filter((f) => ['1', 'on', 'true'].includes(read(f))), page: read('page'),
  };
  for (const name of ['requester', 'approver'] as const) {
    if (form[name] && !SUBJECT.test(form[name])) problems.push(`"${name}" must be a subject such as dana@example.org or agent:claims-etl (letters, digits and @ . _ : + -)`);
  }
  if (form.target && !TARGET.test(form.target)) problems.push('"target" must be a target name (lowercase letters, digits and dashes)');
  if (form.state && !(requestStates as readonly string[]).includes(form.state)) problems.push(`"state" must be one of ${requestStates.join(', ')}`);
  if (form.page && !PAGE.test(form.page)) problems.push('"page" is not a page link this console made; start from the first page');
  const from = instant(form.from, 'from', problems);
  const to = instant(form.to, 'to', problems);
  if (from && to && to <= from) problems.push('"to" must be after "from"');
  if (problems.length) throw new FilterError(problems);
  return {
    form,
    filters: {
      ...(form.requester ? { requester: form.requester } : {}),
      ...(form.approver ? { approver: form.approver } : {}),
      ...(form.target ? { target: form.target } : {}),
      ...(form.state ? { state: form.state } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(form.findings.length ? { findings: form.findings } : {}),
    },
  };
}

/** The query string of these filters (page left out unless given). */
export function findQueryString(form: FindQuery, page?: string): Record<string, string | undefined> {
  return {
    requester: form.requester, approver: form.approver, target: form.target, state: form.state, from: form.from, to: form.to,
    ...Object.fromEntries(form.findings.map((f) => [f, '1'])),
    page,
  };
}

export const EMPTY_FIND_QUERY: FindQuery = { requester: '', approver: '', target: '', state: '', from: '', to: '', findings: [], page: '' };
