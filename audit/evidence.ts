// What ops and auditors read: one request told from start to end, a session replayed step by
// step, and the evidence pack for a period. Pure functions over workflow history and archives.
import { createHash, sign, type KeyObject } from 'node:crypto';
import type { AccessStatus } from '../workflows/types';
import type { Archive, ArchiveRecord } from './archive';
import { canonicalJson } from './canonical';
import { maskingPlanDigest } from './recording';
import { keyId, publicKeyPem } from './keys';
import type { RequestHistory, VisibleRequest } from './history';
import { replaySteps } from './replay';
import type { VerificationReport } from './verify';

/** One command of a session: the request entry, its answer, and what was masked. */
export interface CommandSummary {
  at: string;
  sessionId: string;
  messageId: unknown;
  method: string;
  tool?: string;
  statement?: string;
  classes: string[];
  verdict: string;
  commandId?: string;
  /** Why the gateway held or refused it, as it told the client. */
  reason?: string;
  /** For a held command: the approver's decision from the workflow. */
  decision?: { outcome: string; by?: string; at?: string; reason?: string };
  outcome: string;
  rows?: number;
  masked: { type: string; count: number }[];
  answeredAt?: string;
  /**
   * Why the answer was masked as it was (the gateway's lineage: per column its action, rule,
   * source columns and reason; never a value): the `masking_plan` entry the response names, or,
   * in a recording made before those entries, the report the response carried in its `_meta`.
   */
  maskingWhy?: unknown;
  /** The digest of the masking plan the response names (`response.maskingPlan`), when it names one. */
  maskingPlan?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A response's masking report: resolved from its plan's entry (by session and digest, checked against the digest), or as an older recording carried it. */
function maskingWhyOf(response: Record<string, unknown>, plans: ReadonlyMap<string, Record<string, unknown>>): unknown {
  const digest = response.maskingPlan;
  if (typeof digest === 'string') {
    const entry = plans.get(`${String(response.sessionId)}\u0000${digest}`);
    if (!entry) return { plan: digest, problem: 'the recording holds no masking plan with this digest for this session, before this answer' };
    if (typeof entry.salt !== 'string' || !isRecord(entry.report) || maskingPlanDigest(entry.salt, entry.report) !== digest) {
      return { plan: digest, problem: 'the masking plan recorded under this digest does not match it' };
    }
    return entry.report;
  }
  const result = response.result;
  const note = isRecord(result) && isRecord(result._meta) ? result._meta['gatehouse/masking'] : undefined;
  // The gateway names the plan in the entry whenever it gives the agent a note naming one: a note
  // naming a plan in an entry that names none did not come from the gateway (an upstream's, passed on).
  if (isRecord(note) && typeof note.plan === 'string' && /^sha256:/.test(note.plan)) {
    return { plan: note.plan, problem: 'the answer carries a masking note naming this plan, but its recording entry names no plan: the note is not the gateway\'s' };
  }
  return note;
}

/**
 * Pairs each request entry of the recording with its response (same session and message id).
 * `sqlArguments` names a tool's SQL-carrying arguments (the target's policy); without it,
 * statement / query / sql.
 */
export function sessionCommands(records: readonly ArchiveRecord[], status?: AccessStatus, sqlArguments?: (tool: string | undefined) => readonly string[]): CommandSummary[] {
  const out: CommandSummary[] = [];
  const open = new Map<string, CommandSummary>();
  const key = (b: Record<string, unknown>) => `${String(b.sessionId)}\u0000${JSON.stringify(b.messageId ?? null)}`;
  const plans = new Map<string, Record<string, unknown>>();
  for (const r of records) {
    if (r.kind !== 'recording') continue;
    const b = r.body;
    if (b.type === 'masking_plan') plans.set(`${String(b.sessionId)}\u0000${String(b.digest)}`, b);
    else if (b.type === 'request') {
      const args = (b.arguments ?? {}) as Record<string, unknown>;
      const names = sqlArguments?.(typeof b.tool === 'string' ? b.tool : undefined) ?? ['statement', 'query', 'sql'];
      const statement = names.map((k) => args[k]).find((v) => typeof v === 'string') as string | undefined;
      const held = b.commandId ? status?.commands.find((c) => c.commandId === b.commandId) : undefined;
      const summary: CommandSummary = {
        at: r.at, sessionId: String(b.sessionId), messageId: b.messageId, method: String(b.method),
        ...(typeof b.tool === 'string' ? { tool: b.tool } : {}),
        ...(statement ? { statement } : {}),
        classes: Array.isArray(b.classes) ? (b.classes as string[]) : [],
        verdict: String(b.verdict),
        ...(typeof b.commandId === 'string' ? { commandId: b.commandId } : {}),
        ...(typeof b.reason === 'string' ? { reason: b.reason } : {}),
        ...(held ? { decision: { outcome: held.outcome, by: held.decidedBy, at: held.decidedAt, reason: held.reason } } : {}),
        outcome: b.verdict === 'deny' ? 'denied' : 'no answer recorded',
        masked: Array.isArray(b.masked) ? [...(b.masked as { type: string; count: number }[])] : [],
      };
      out.push(summary);
      open.set(key(b), summary);
    } else if (b.type === 'response') {
      const summary = open.get(key(b));
      if (!summary) continue;
      open.delete(key(b));
      summary.outcome = String(b.outcome);
      summary.answeredAt = r.at;
      const why = maskingWhyOf(b, plans);
      if (why !== undefined) summary.maskingWhy = why;
      if (typeof b.maskingPlan === 'string') summary.maskingPlan = b.maskingPlan;
      if (typeof b.rows === 'number') summary.rows = b.rows;
      for (const m of (Array.isArray(b.masked) ? b.masked : []) as { type: string; count: number }[]) {
        const same = summary.masked.find((x) => x.type === m.type);
        if (same) same.count += m.count;
        else summary.masked.push({ ...m });
      }
    }
  }
  return out;
}

const maskedText = (masked: { type: string; count: number }[]) => (masked.length ? masked.map((m) => `${m.count} ${m.type}`).join(', ') : 'nothing');
const one = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The masked columns of a masking report, one line each: "ICD10 masked as SSN: derived from ... via REVERSE > REPLACE; ...". */
function maskedColumnsWhy(why: unknown): string[] {
  if (!isRecord(why)) return [];
  if (typeof why.problem === 'string') return [`masking plan ${String(why.plan)}: ${why.problem}`];
  // A result whose tables were masked differently: each table's columns, named with its part.
  if (Array.isArray(why.parts)) return why.parts.filter(isRecord).flatMap((p) => maskedColumnsWhy({ ...p, parts: undefined }).map((line) => `${one(String(p.part))}: ${line}`));
  const columns = Array.isArray(why.columns) ? why.columns.filter(isRecord) : [];
  return columns.filter((c) => c.action === 'mask').map((c) => `${one(String(c.name))} masked as ${String(c.type)}: ${one(String(c.reason))}`);
}

/**
 * The why of a command's masking for a spreadsheet cell, one line per column it masked or scanned:
 * `ICD10: masked as SSN by rule derived-from-phi, from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE`.
 * Only the report's own words (column names, types, rules, source columns, reasons), never a value.
 * A plan masked whole is one line; keys masked whole are one line; a plan that cannot be read says so.
 */
export function maskingWhyText(why: unknown): string {
  if (!isRecord(why)) return '';
  if (typeof why.problem === 'string') return `PROBLEM: masking plan ${String(why.plan)}: ${why.problem}`;
  // A result whose tables were masked differently: each table's lines, named with its part; then its keys.
  if (Array.isArray(why.parts)) {
    const lines = why.parts.filter(isRecord).flatMap((p) => maskingWhyText({ ...p, parts: undefined }).split('\n').filter(Boolean).map((line) => `${one(String(p.part))}: ${line}`));
    const keys = maskingWhyText({ unreadable: why.unreadable });
    return [...lines, ...(keys ? [keys] : [])].join('\n');
  }
  const columns = Array.isArray(why.columns) ? why.columns.filter(isRecord) : [];
  const sources = (c: Record<string, unknown>) => (Array.isArray(c.sources) && c.sources.length ? `, from ${c.sources.map((x) => one(String(x))).join(', ')}` : '');
  const lines: string[] = [];
  if (why.plan === 'whole' && columns.length) {
    const c = columns[0]!;
    lines.push(`every column (${columns.length}: ${columns.map((x) => one(String(x.name))).join(', ')}) masked as ${String(c.type)} by rule ${String(c.rule)}: ${one(String(c.reason))}`);
  } else {
    for (const c of columns) {
      if (c.action === 'mask') lines.push(`${one(String(c.name))}: masked as ${String(c.type)} by rule ${String(c.rule)}${sources(c)}`);
      else if (c.action === 'scan') lines.push(`${one(String(c.name))}: scanned for identifiers by rule ${String(c.rule)}${sources(c)}`);
    }
  }
  const unreadable = isRecord(why.unreadable) ? why.unreadable : undefined;
  if (unreadable && Array.isArray(unreadable.keys) && unreadable.keys.length) {
    lines.push(`result keys ${unreadable.keys.map((k) => one(String(k))).join(', ')}: ${one(String(unreadable.reason))}`);
  }
  if (!lines.length && columns.length) lines.push(`nothing masked: ${columns.length} column${columns.length === 1 ? '' : 's'} passed`);
  else if (!lines.length && typeof why.reason === 'string') lines.push(`plan ${String(why.plan)}: ${one(why.reason)}`);
  return lines.join('\n');
}

/** `gatehouse audit show`: who asked, why, who decided, the credential's life, every command, the end. */
export function describeRequest(history: RequestHistory, archive?: Archive, report?: VerificationReport): string {
  const s = history.status;
  const lines: string[] = [];
  lines.push(`Access request ${s.requestId}  (${s.state}${history.workflowStatus !== 'COMPLETED' ? `, workflow ${history.workflowStatus}` : ''})`);
  lines.push(`  asked        ${s.requestedAt} by ${s.requester} (${s.origin}${s.origin === 'oauth' ? ': OAuth sign-in from an MCP client' : ''}) for ${s.target}, ${Math.round(s.durationMs / 1000)}s`);
  if (s.client) {
    const c = s.client;
    lines.push(`  client       ${one(c.name)} (${c.nameVerified ? 'verified name' : 'name claimed, not verified'}), ${c.kind.replace('_', ' ')} client ${c.clientId}`);
    lines.push(`               verified: ${c.verified}; returned to ${c.redirectOrigin}`);
    if (c.impersonates) lines.push(`               WARNING: the name looks like ${c.impersonates}, which this client is not`);
  }
  const signIn = s.timeline.filter((e) => e.type.startsWith('oauth_'));
  if (signIn.length) lines.push(`  sign-in      ${signIn.length} steps`);
  for (const e of signIn) lines.push(`    ${e.at}  ${e.type.slice('oauth_'.length)}${e.actor ? ` ${e.actor}` : ''}${e.client ? ` [client ${e.client}]` : ''}${e.detail ? `: ${one(e.detail)}` : ''}`);
  lines.push(`  reason       ${one(s.reason)}${s.ticket ? `  [ticket ${s.ticket}]` : ''}`);
  if (s.decision) {
    lines.push(`  ${s.decision.approved ? 'approved' : 'denied  '}     ${s.decision.at} by ${s.decision.by}${s.decision.reason ? `: ${one(s.decision.reason)}` : ''}`);
  } else {
    lines.push(`  decision     none${s.state === 'EXPIRED_UNAPPROVED' ? ' (no approver decided in time)' : ''}`);
  }
  if (s.principal) {
    lines.push(`  credential   ${s.principal}: active ${s.activeSince ?? '?'} until ${s.revokedAt ?? '(not revoked yet)'} (approved end ${s.expiresAt ?? '?'})`);
  } else {
    lines.push('  credential   none was issued');
  }
  for (const e of s.extensions) {
    lines.push(`  extension    ${e.requestedAt} +${Math.round(e.durationMs / 1000)}s asked by ${e.requestedBy}: ${e.outcome}${e.decidedBy ? ` by ${e.decidedBy}` : ''}`);
  }
  const commands = archive ? sessionCommands(archive.records, s) : [];
  if (archive) {
    lines.push(`  commands     ${commands.length}`);
    for (const c of commands) {
      const what = c.statement ? one(c.statement) : c.tool ?? c.method;
      const held = c.decision ? `; held, ${c.decision.outcome}${c.decision.by ? ` by ${c.decision.by}` : ''}` : '';
      lines.push(`    ${c.at}  ${c.tool ?? c.method}  ${c.verdict}${held} -> ${c.outcome}${c.rows !== undefined ? `, ${c.rows} rows` : ''}; masked ${maskedText(c.masked)}`);
      if (what !== (c.tool ?? c.method)) lines.push(`        ${what}`);
      for (const why of maskedColumnsWhy(c.maskingWhy)) lines.push(`        why: ${why}`);
    }
  } else {
    for (const c of s.commands) lines.push(`    held ${c.heldAt}  ${c.tool}: ${c.outcome}${c.decidedBy ? ` by ${c.decidedBy}` : ''}  ${one(c.summary)}`);
    lines.push('  commands     (no archive yet: the session recording is still in Redis)');
  }
  if (s.revocation) lines.push(`  ended        ${s.revocation.at} by ${s.revocation.by}: ${one(s.revocation.reason)}`);
  else if (s.failure) lines.push(`  ended        failed: ${one(s.failure)}`);
  if (s.archive) {
    lines.push(`  archive      ${s.archive.location}`);
    lines.push(`  head         ${s.archive.digest} (from workflow history)`);
  }
  if (report) lines.push(`  verified     ${report.ok ? `yes: chain, signature (key ${report.signedBy}) and head match` : `NO: ${report.problems.map((p) => p.message).join('; ')}`}`);
  return `${lines.join('\n')}\n`;
}

/** `gatehouse audit replay`: the session as it happened, with time since the first step. */
export function replayText(archive: Archive, options: { includeEvents?: boolean } = {}): string {
  const steps = replaySteps(archive, options);
  if (steps.length === 0) return 'the session recording is empty: no client connected during the grant\n';
  const clock = (ms: number) => {
    const s = Math.floor(ms / 1000);
    return `+${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
  };
  return steps.map((step) => {
    const { kind, what } = describeStep(step.entry);
    return `${String(step.step).padStart(4)}  ${clock(step.offsetMs)}  ${step.at}  ${kind.padEnd(14)} ${what}`;
  }).join('\n') + '\n';
}

/** One replay step in words: its kind (`request`, `event:approved` ...) and what happened. */
export function describeStep(e: Record<string, unknown>): { kind: string; what: string } {
  const kind = String(e.kind === 'event' ? `event:${String(e.type)}` : e.type);
  let what: string;
  if (e.type === 'session_start') what = `session ${String(e.sessionId)} by ${String(e.subject)}${e.client ? ` with ${(e.client as { name: string }).name}` : ''}`;
  else if (e.type === 'request') {
    const args = e.arguments ? ` ${canonicalJson(e.arguments)}` : '';
    what = `${String(e.method)}${e.tool ? ` ${String(e.tool)}` : ''}${args} -> ${String(e.verdict)}${e.reason ? ` (${String(e.reason)})` : ''}`;
  } else if (e.type === 'response') {
    const body = e.error ? ` ${canonicalJson(e.error)}` : e.result !== undefined ? ` ${canonicalJson(e.result)}` : '';
    what = `${String(e.outcome)}${body}; masked ${maskedText((e.masked ?? []) as { type: string; count: number }[])}`;
  } else if (e.type === 'masking_plan') {
    what = `${String(e.digest)} for session ${String(e.sessionId)}: ${isRecord(e.report) ? canonicalJson(e.report) : '(no report)'}`;
  } else if (e.type === 'session_end') what = `session ${String(e.sessionId)} ${String(e.reason)}${e.detail ? `: ${String(e.detail)}` : ''}`;
  else if (e.type === 'refusals') {
    const counts = (e.counts as { status: number; code: number; kind: string; count: number }[]).map((c) => `${c.count} ${c.kind} (${c.status}/${c.code})`).join(', ');
    what = `${String(e.total)} refused ${String(e.from)} .. ${String(e.to)}: ${counts}`;
  } else what = [e.actor, e.detail].filter(Boolean).map(String).join(': ');
  return { kind, what };
}

// ------------------------------------------------------------------------------------------
// The evidence pack

export interface EvidenceItem {
  history: RequestHistory;
  archive?: Archive;
  report?: VerificationReport;
  /** Why there is no archive or report (not archived yet, not found, unreadable). */
  note?: string;
}

/** A request of the period whose status could not be read: listed from visibility, marked unreadable, counted. */
export interface UnreadableRequest extends VisibleRequest {
  /** Why it could not be read. */
  problem: string;
}

export interface EvidencePack {
  /** File name -> content. */
  files: Record<string, string>;
  /** `requests` counts every request of the period, the unreadable ones included. */
  summary: { from: string; to: string; requests: number; verified: number; failed: number; notArchived: number; unreadable: number };
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function toCsv(header: string[], rows: unknown[][]): string {
  const cell = (value: unknown): string => {
    let text = value === undefined || value === null ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function buildEvidencePack(input: { from: Date; to: Date; items: EvidenceItem[]; unreadable?: UnreadableRequest[]; generatedAt?: Date; signingKey?: KeyObject }): EvidencePack {
  const { items } = input;
  const unreadable = input.unreadable ?? [];
  const total = items.length + unreadable.length;
  const unreadableMark = (u: UnreadableRequest) => `UNREADABLE: ${u.problem}`;
  const period = { from: input.from.toISOString(), to: input.to.toISOString(), rule: 'requests whose workflow started at or after "from" and before "to"' };
  const requests = items.map(({ history: h }) => {
    const s = h.status;
    return [s.requestId, h.startTime.toISOString(), s.requestedAt, s.requester, s.origin, s.target, s.durationMs, s.reason, s.ticket, s.state,
      s.decision ? (s.decision.approved ? 'approved' : 'denied') : 'none', s.decision?.by, s.decision?.at, s.principal, s.activeSince, s.expiresAt, s.revokedAt,
      s.revocation?.by, s.revocation?.reason, s.failure, s.archive?.digest, 'yes'];
  });
  // What visibility holds of each unreadable request, in the same columns; the rest stays empty, never guessed.
  for (const u of unreadable) {
    requests.push([u.requestId, u.startTime.toISOString(), '', u.requester, '', u.target, '', '', '', u.state, '', u.approver, '', '', '', '', '', '', '', '', '', unreadableMark(u)]);
  }
  const decisions: unknown[][] = [];
  const commands: unknown[][] = [];
  const archives: unknown[][] = [];
  const verification: unknown[] = [];
  let verified = 0;
  let failed = 0;
  let notArchived = 0;
  for (const { history: h, archive, report, note } of items) {
    const s = h.status;
    if (s.decision) decisions.push([s.requestId, 'access', s.decision.at, s.decision.by, s.decision.approved ? 'approved' : 'denied', s.decision.reason, '']);
    for (const e of s.extensions) decisions.push([s.requestId, 'extension', e.decidedAt ?? e.requestedAt, e.decidedBy, e.outcome, e.reason, `${Math.round(e.durationMs / 1000)}s`]);
    for (const c of s.commands) decisions.push([s.requestId, 'command', c.decidedAt ?? c.heldAt, c.decidedBy, c.outcome, c.reason, c.commandId]);
    if (s.revocation) decisions.push([s.requestId, 'revocation', s.revocation.at, s.revocation.by, 'revoked', s.revocation.reason, '']);
    if (archive) {
      for (const c of sessionCommands(archive.records, s)) {
        commands.push([s.requestId, c.at, c.sessionId, c.method, c.tool, c.statement, c.classes.join(' '), c.verdict, c.commandId, c.decision?.outcome, c.decision?.by, c.outcome, c.rows, maskedText(c.masked),
          c.maskingPlan, maskingWhyText(c.maskingWhy)]);
      }
    }
    const m = archive?.manifest.manifest;
    archives.push([s.requestId, s.archive?.digest, m?.head, s.archive?.location, m?.records, m?.createdAt, m?.retainUntil, report ? (report.ok ? 'verified' : 'FAILED') : 'not verified', report?.problems.map((p) => p.kind).join(' ') ?? note]);
    if (!report) notArchived += 1;
    else if (report.ok) verified += 1;
    else failed += 1;
    verification.push({
      requestId: s.requestId, historyHead: s.archive?.digest ?? null, ok: report?.ok ?? null,
      ...(report ? { head: report.head, records: report.records, signedBy: report.signedBy ?? null, problems: report.problems } : { note: note ?? 'no archive' }),
    });
  }
  for (const u of unreadable) {
    archives.push([u.requestId, '', '', '', '', '', '', 'UNREADABLE', u.problem]);
    verification.push({ requestId: u.requestId, historyHead: null, ok: null, unreadable: true, note: unreadableMark(u) });
  }
  const visible = (u: UnreadableRequest) => ({
    requestId: u.requestId, startedAt: u.startTime.toISOString(), ...(u.closeTime ? { closedAt: u.closeTime.toISOString() } : {}), workflowStatus: u.workflowStatus,
    taskQueue: u.taskQueue, requester: u.requester ?? null, target: u.target ?? null, state: u.state ?? null, approver: u.approver ?? null, searchAttributes: u.searchAttributes,
  });
  const files: Record<string, string> = {
    'requests.csv': toCsv(['request_id', 'started_at', 'requested_at', 'requester', 'origin', 'target', 'duration_ms', 'reason', 'ticket', 'state', 'decision', 'decided_by', 'decided_at', 'principal', 'active_since', 'expires_at', 'revoked_at', 'revoked_by', 'revocation_reason', 'failure', 'archive_head', 'readable'], requests),
    'decisions.csv': toCsv(['request_id', 'kind', 'at', 'by', 'outcome', 'reason', 'detail'], decisions),
    'commands.csv': toCsv(['request_id', 'at', 'session_id', 'method', 'tool', 'statement', 'classes', 'verdict', 'command_id', 'held_outcome', 'held_decided_by', 'outcome', 'rows', 'masked', 'masking_plan', 'masking_why'], commands),
    'archives.csv': toCsv(['request_id', 'history_head', 'archive_head', 'location', 'records', 'archived_at', 'retain_until', 'verification', 'problems'], archives),
    'requests.json': `${JSON.stringify({ period, requests: [
      ...items.map((i) => ({ readable: true, startedAt: i.history.startTime.toISOString(), workflowStatus: i.history.workflowStatus, status: i.history.status, commands: i.archive ? sessionCommands(i.archive.records, i.history.status) : null })),
      // status holds only what visibility says (id, requester, target, state): the request's own status could not be read.
      ...unreadable.map((u) => ({
        readable: false, problem: u.problem, startedAt: u.startTime.toISOString(), workflowStatus: u.workflowStatus,
        status: { requestId: u.requestId, requester: u.requester ?? null, target: u.target ?? null, state: u.state ?? null }, commands: null, visibility: visible(u),
      })),
    ] }, null, 2)}\n`,
    'verification.json': `${JSON.stringify({ period, summary: { requests: total, verified, failed, notArchived, unreadable: unreadable.length }, archives: verification }, null, 2)}\n`,
    'unreadable.csv': toCsv(['request_id', 'started_at', 'workflow_status', 'task_queue', 'requester', 'target', 'state', 'approver', 'search_attributes', 'problem'],
      unreadable.map((u) => [u.requestId, u.startTime.toISOString(), u.workflowStatus, u.taskQueue, u.requester, u.target, u.state, u.approver, u.searchAttributes, u.problem])),
  };
  const generatedAt = (input.generatedAt ?? new Date()).toISOString();
  const digests = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, createHash('sha256').update(text, 'utf8').digest('hex')]));
  const manifest = { format: 'gatehouse-evidence/1', period, generatedAt, requests: total, unreadable: unreadable.length, files: digests };
  files['manifest.json'] = `${JSON.stringify(input.signingKey
    ? { manifest, signature: sign(null, Buffer.from(canonicalJson(manifest), 'utf8'), input.signingKey).toString('base64'), keyId: keyId(input.signingKey), publicKey: publicKeyPem(input.signingKey) }
    : { manifest }, null, 2)}\n`;
  return { files, summary: { from: period.from, to: period.to, requests: total, verified, failed, notArchived, unreadable: unreadable.length } };
}
