/**
 * What the Temporal server does per grant, counted rather than timed (the counts do not move with
 * the machine's load, except where said): from the real histories of the bench's requests, split
 * at the GatehouseState=ACTIVE upsert into "request → ACTIVE" and "ACTIVE → revoked → archived",
 * and from the dev server's own Prometheus counters (every gRPC call it answered, every
 * persistence request it made) over the level.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType, TimeoutType } = temporal.api.enums.v1;

/** The counts of one phase of one grant (or their sum over grants). */
export interface PhaseWork {
  grants: number;
  events: number;
  eventsByType: Map<string, number>;
  workflowTasks: number;
  /** Workflow tasks that failed or timed out (each one is done again). */
  workflowTasksRedone: number;
  activityTasks: Map<string, number>;
  /** Activity attempts after the first (retries). */
  activityRetries: number;
  localActivities: Map<string, number>;
  timers: number;
  signals: number;
  updates: number;
  searchAttributeUpserts: number;
  patchMarkers: number;
  historyBytes: number;
  payloadBytes: number;
}

export const PHASES = ['request → ACTIVE', 'ACTIVE → archived'] as const;

function emptyPhase(): PhaseWork {
  return {
    grants: 0, events: 0, eventsByType: new Map(), workflowTasks: 0, workflowTasksRedone: 0, activityTasks: new Map(), activityRetries: 0,
    localActivities: new Map(), timers: 0, signals: 0, updates: 0, searchAttributeUpserts: 0, patchMarkers: 0, historyBytes: 0, payloadBytes: 0,
  };
}

const add = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** Bytes of the payloads an object holds (data and metadata), wherever they sit in it. */
function payloadBytes(value: unknown): number {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return 0;
  const o = value as Record<string, unknown>;
  if (o.data instanceof Uint8Array && o.metadata && typeof o.metadata === 'object') {
    return o.data.length + Object.entries(o.metadata as Record<string, Uint8Array>).reduce((sum, [k, v]) => sum + k.length + (v?.length ?? 0), 0);
  }
  let sum = 0;
  for (const key of Object.keys(o)) sum += payloadBytes(o[key]);
  return sum;
}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : '');

/** The index of the event that made the request ACTIVE in Temporal's eyes (its GatehouseState upsert), or -1. */
export function activeAt(history: History): number {
  return (history.events ?? []).findIndex((e) => text(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.GatehouseState?.data) === '"ACTIVE"');
}

function countInto(phase: PhaseWork, events: HistoryEvent[]): void {
  phase.events += events.length;
  phase.historyBytes += temporal.api.history.v1.History.encode({ events }).finish().length;
  for (const e of events) {
    const type = (EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '');
    // A timed-out workflow task says which timeout: schedule-to-start (a sticky queue nobody polled in time) or start-to-close (a task held too long).
    const timedOut = e.workflowTaskTimedOutEventAttributes?.timeoutType;
    add(phase.eventsByType, timedOut ? `${type} (${(TimeoutType[timedOut] ?? String(timedOut)).replace(/^TIMEOUT_TYPE_/, '')})` : type);
    phase.payloadBytes += payloadBytes(e);
    if (e.workflowTaskCompletedEventAttributes) phase.workflowTasks += 1;
    if (e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes) phase.workflowTasksRedone += 1;
    const scheduled = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) add(phase.activityTasks, scheduled);
    if ((e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1) phase.activityRetries += 1;
    if (e.timerStartedEventAttributes) phase.timers += 1;
    if (e.workflowExecutionSignaledEventAttributes) phase.signals += 1;
    if (e.workflowExecutionUpdateAcceptedEventAttributes) phase.updates += 1;
    if (e.upsertWorkflowSearchAttributesEventAttributes) phase.searchAttributeUpserts += 1;
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_patch') phase.patchMarkers += 1;
    if (marker?.markerName === 'core_local_activity') {
      const data = marker.details?.data?.payloads?.[0]?.data;
      add(phase.localActivities, data ? (JSON.parse(text(data)) as { activity_type: string }).activity_type : '?');
    }
  }
}

/** One grant's history counted by phase; a request that never became ACTIVE is counted in the first phase only. */
export function grantWork(history: History): [PhaseWork, PhaseWork] {
  const events = history.events ?? [];
  const at = activeAt(history);
  const split = at < 0 ? events.length : at + 1;
  const phases: [PhaseWork, PhaseWork] = [emptyPhase(), emptyPhase()];
  countInto(phases[0], events.slice(0, split));
  countInto(phases[1], events.slice(split));
  phases[0].grants = 1;
  phases[1].grants = at < 0 ? 0 : 1;
  return phases;
}

function merge(into: PhaseWork, from: PhaseWork): void {
  into.grants += from.grants;
  for (const key of ['events', 'workflowTasks', 'workflowTasksRedone', 'activityRetries', 'timers', 'signals', 'updates', 'searchAttributeUpserts', 'patchMarkers', 'historyBytes', 'payloadBytes'] as const) into[key] += from[key];
  for (const key of ['eventsByType', 'activityTasks', 'localActivities'] as const) for (const [k, v] of from[key]) add(into[key], k, v);
}

/** The histories of these requests (workflow id = request id), counted and summed per phase. */
export async function historiesWork(client: Client, requestIds: string[], keepDir?: string): Promise<{ phases: [PhaseWork, PhaseWork]; unread: number }> {
  const phases: [PhaseWork, PhaseWork] = [emptyPhase(), emptyPhase()];
  let unread = 0;
  for (const id of requestIds) {
    let history: History;
    try {
      history = await client.workflow.getHandle(id).fetchHistory();
    } catch {
      unread += 1;
      continue;
    }
    const [a, b] = grantWork(history);
    merge(phases[0], a);
    merge(phases[1], b);
    // Histories with a workflow task done twice, kept to see why (npx tsx bench/grants/history-work.ts <file>).
    if (keepDir && a.workflowTasksRedone + b.workflowTasksRedone > 0) {
      mkdirSync(keepDir, { recursive: true });
      writeFileSync(join(keepDir, `${id}.history.bin`), temporal.api.history.v1.History.encode(history).finish());
    }
  }
  return { phases, unread };
}

const per = (x: number, n: number, d = 2) => (n > 0 ? (x / n).toFixed(d) : '–');
const listed = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${per(v, n)}`).join(', ') || '0';

/** Markdown rows, per grant, one per phase and their sum. */
export function workTable(phases: [PhaseWork, PhaseWork]): string[] {
  const total = emptyPhase();
  merge(total, phases[0]);
  merge(total, phases[1]);
  total.grants = phases[0].grants;
  const rows = [
    '| phase (per grant) | history events | workflow tasks (redone) | activity tasks | local activities | timers | signals | updates | search-attribute upserts | patch markers | history bytes | payload bytes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const row = (name: string, p: PhaseWork, n: number) => {
    const activities = [...p.activityTasks.values()].reduce((a, b) => a + b, 0);
    const locals = [...p.localActivities.values()].reduce((a, b) => a + b, 0);
    rows.push(`| ${name} | ${per(p.events, n)} | ${per(p.workflowTasks, n)} (${per(p.workflowTasksRedone, n)}) | ${per(activities, n)} (${listed(p.activityTasks, n)}) | ${per(locals, n)} (${listed(p.localActivities, n)}) | `
      + `${per(p.timers, n)} | ${per(p.signals, n)} | ${per(p.updates, n)} | ${per(p.searchAttributeUpserts, n)} | ${per(p.patchMarkers, n)} | ${per(p.historyBytes, n, 0)} | ${per(p.payloadBytes, n, 0)} |`);
  };
  row(PHASES[0], phases[0], phases[0].grants);
  row(PHASES[1], phases[1], phases[1].grants);
  row('whole grant', total, total.grants);
  return rows;
}

export function eventTypesLine(phases: [PhaseWork, PhaseWork]): string[] {
  return phases.map((p, i) => `  events by type, ${PHASES[i]}: ${listed(p.eventsByType, p.grants)}${p.activityRetries ? `; activity retries ${per(p.activityRetries, p.grants)}` : ''}`);
}

/** The dev server's metrics address, from its command line (`--metrics-port`). */
export function temporalMetricsUrl(pid: number): string | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = argv.indexOf('--metrics-port');
    return at >= 0 && argv[at + 1] ? `http://127.0.0.1:${argv[at + 1]}/metrics` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The server's counters now: gRPC calls its frontend answered (`frontend <operation>`) and the
 * persistence requests it made (`persistence <operation>`, `visibility <operation>`), summed over
 * their other labels. Undefined when the metrics cannot be read.
 */
export async function serverCounters(url: string | undefined): Promise<Map<string, number> | undefined> {
  if (!url) return undefined;
  let body: string;
  try {
    body = await (await fetch(url)).text();
  } catch {
    return undefined;
  }
  const out = new Map<string, number>();
  for (const line of body.split('\n')) {
    const m = /^([a-z_]+?)(?:_total)?\{([^}]*)\}\s+([0-9.e+-]+)$/.exec(line);
    if (!m) continue;
    const [, name, labels, value] = m;
    const label = (key: string) => new RegExp(`(?:^|,)${key}="([^"]*)"`).exec(labels!)?.[1];
    const operation = label('operation');
    if (!operation) continue;
    let kind: string | undefined;
    if (name === 'service_requests' && label('service_name') === 'frontend') kind = 'frontend';
    else if (name === 'persistence_requests') kind = 'persistence';
    else if (name === 'visibility_persistence_requests') kind = 'visibility';
    if (kind) add(out, `${kind} ${operation}`, Number(value));
  }
  return out.size ? out : undefined;
}

/** What changed between two readings, per grant, as lines (the frontend's calls, then persistence by total and its largest operations). */
export function serverWorkLines(before: Map<string, number> | undefined, after: Map<string, number> | undefined, n: number): string[] {
  if (!before || !after) return ['  Temporal server calls per grant: not known (metrics not read)'];
  const diff = new Map<string, number>();
  for (const [key, value] of after) {
    const d = value - (before.get(key) ?? 0);
    if (d > 0) diff.set(key, d);
  }
  const of = (kind: string) => new Map([...diff].filter(([k]) => k.startsWith(`${kind} `)).map(([k, v]) => [k.slice(kind.length + 1), v]));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const top = (m: Map<string, number>, count: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, count).map(([k, v]) => `${k} ${per(v, n)}`).join(', ');
  const frontend = of('frontend');
  const persistence = of('persistence');
  const visibility = of('visibility');
  return [
    `  Temporal frontend calls per grant: ${per(sum(frontend), n)} (${top(frontend, 20)})`,
    `  Temporal persistence requests per grant: ${per(sum(persistence), n)} (${top(persistence, 10)}); visibility ${per(sum(visibility), n)} (${top(visibility, 6)})`,
  ];
}
