/**
 * The worker's own Temporal SDK metrics (GATEHOUSE_WORKER_METRICS_ADDRESS, served by the SDK's core in
 * Prometheus text): read before and after a level, they count what the worker did per grant whatever
 * the load: workflow activations it ran (new work and replays), sticky cache hits and misses, activity
 * tasks and local activities by type, polls. Counters and histogram counts only; latencies are the load's.
 */

/** Counters of one reading, keyed `name{label=value,...}` with only the labels that tell work apart. */
export type WorkerCounters = Map<string, number>;

const KEPT_LABELS = ['activity_type', 'workflow_type', 'poller_type', 'task_queue_kind', 'failure_reason', 'worker_type'];

/** Parses the SDK's Prometheus text: counters, and the `_count` of histograms (how many times each was observed). */
export function parseWorkerMetrics(body: string): WorkerCounters {
  const out: WorkerCounters = new Map();
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+([0-9.eE+-]+|NaN|\+Inf)$/.exec(line.trim());
    if (!m) continue;
    const [, rawName, labels = '', value] = m;
    if (rawName!.endsWith('_bucket') || rawName!.endsWith('_sum')) continue;
    const name = rawName!.replace(/^temporal_/, '');
    const kept = KEPT_LABELS.flatMap((key) => {
      const v = new RegExp(`(?:^|,)${key}="([^"]*)"`).exec(labels)?.[1];
      return v === undefined ? [] : [`${key}=${v}`];
    });
    const key = kept.length ? `${name}{${kept.join(',')}}` : name;
    out.set(key, (out.get(key) ?? 0) + Number(value));
  }
  return out;
}

export async function readWorkerMetrics(address: string | undefined): Promise<WorkerCounters | undefined> {
  if (!address) return undefined;
  try {
    const response = await fetch(`http://${address}/metrics`);
    return response.ok ? parseWorkerMetrics(await response.text()) : undefined;
  } catch {
    return undefined;
  }
}

/** Gauges (sizes, slots): their change over a level is not work done. */
const GAUGES = /^(sticky_cache_size|worker_task_slots_available|worker_task_slots_used|num_pollers)\b/;

/** What the worker did per grant between two readings, as lines for the bench's report. */
export function workerWorkLines(before: WorkerCounters | undefined, after: WorkerCounters | undefined, n: number): string[] {
  if (!before || !after) return ['  worker SDK counters per grant: not known (GATEHOUSE_WORKER_METRICS_ADDRESS not served)'];
  const diff = new Map<string, number>();
  for (const [key, value] of after) {
    if (GAUGES.test(key)) continue;
    const d = value - (before.get(key) ?? 0);
    if (d > 0) diff.set(key, d);
  }
  const per = (v: number) => (v / n).toFixed(2);
  const pick = (prefix: string) => [...diff].filter(([k]) => k.startsWith(prefix));
  // By activity type alone (summed over workflow types): `archiveRequest 1.00, ...`.
  const show = (entries: [string, number][]) => {
    const byType = new Map<string, number>();
    for (const [k, v] of entries) {
      const type = /activity_type=([^,}]*)/.exec(k)?.[1] ?? k;
      byType.set(type, (byType.get(type) ?? 0) + v);
    }
    return [...byType].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `${k} ${per(v)}`).join(', ') || 'none';
  };
  const one = (key: string) => per([...diff].filter(([k]) => k === key || k.startsWith(`${key}{`)).reduce((sum, [, v]) => sum + v, 0));
  return [
    // A workflow task's execution count includes legacy query tasks; the catch-ups count each batch of new history applied
    // (not replays from scratch: those follow a sticky cache miss).
    `  worker SDK counters per grant: workflow tasks run ${one('workflow_task_execution_latency_count')} (history batches applied ${one('workflow_task_replay_latency_count')}), ` +
      `sticky cache hits ${one('sticky_cache_hit')} / misses ${one('sticky_cache_miss')} / forced evictions ${one('sticky_cache_total_forced_eviction')}, ` +
      `workflows completed ${one('workflow_completed')}, workflow tasks failed ${one('workflow_task_execution_failed')}`,
    `  activity tasks by type: ${show(pick('activity_execution_latency_count'))}; received ${one('activity_task_received')}, failed ${one('activity_execution_failed')}`,
    `  local activities by type: ${show(pick('local_activity_execution_latency_count'))}; attempts ${one('local_activity_total')}, failed ${one('local_activity_execution_failed')}`,
    `  polls answered: workflow ${one('workflow_task_queue_poll_succeed')} (empty ${one('workflow_task_queue_poll_empty')}), activity schedule-to-start observed ${one('activity_schedule_to_start_latency_count')}, ` +
      `empty activity polls ${one('activity_poll_no_task')}; core calls to the server ${one('request')} + long polls ${one('long_request')}`,
  ];
}

/** Every counter that moved, per grant: for a look at what the short lines leave out. */
export function allWorkerCounters(before: WorkerCounters | undefined, after: WorkerCounters | undefined, n: number): string {
  if (!before || !after) return '';
  return [...after].flatMap(([key, value]) => {
    const d = value - (before.get(key) ?? 0);
    return d > 0 && !GAUGES.test(key) ? [`${key} ${(d / n).toFixed(2)}`] : [];
  }).sort().join(', ');
}
