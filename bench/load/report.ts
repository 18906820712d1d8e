import type { LoadResult, ProcessSample, SystemSample } from './load';

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};
const f = (x: number | undefined, d = 1) => (x !== undefined && Number.isFinite(x) ? x.toFixed(d) : '–');

/** A role's samples in a window, one row: RSS at its start and end and max, loop delay p99 (median of seconds) and max, CPU used. */
function roleRow(name: string, samples: ProcessSample[], from: number, to: number): string {
  const inside = samples.filter((s) => s.t >= from && s.t <= to).sort((a, b) => a.t - b.t);
  if (inside.length === 0) return `| ${name} | – | – | – | – | – | – |`;
  const byPid = new Map<number, ProcessSample[]>();
  inside.forEach((s) => byPid.set(s.pid, [...(byPid.get(s.pid) ?? []), s]));
  const cpu = [...byPid.values()].reduce((sum, list) => sum + (list[list.length - 1]!.cpuS - list[0]!.cpuS), 0);
  return `| ${name} | ${f(inside[0]!.rssMb, 0)} → ${f(inside[inside.length - 1]!.rssMb, 0)} MB (max ${f(Math.max(...inside.map((s) => s.rssMb)), 0)}) | ` +
    `${f(inside[0]!.heapMb, 0)} → ${f(inside[inside.length - 1]!.heapMb, 0)} MB | ${f(quantile(inside.map((s) => s.loopP50Ms), 0.5))} ms | ` +
    `${f(quantile(inside.map((s) => s.loopP99Ms), 0.5))} / ${f(quantile(inside.map((s) => s.loopP99Ms), 0.99))} ms | ${f(Math.max(...inside.map((s) => s.loopMaxMs)), 0)} ms | ${f(cpu, 1)} s (${f(cpu / ((to - from) / 1000), 2)} cores) |`;
}

/** The heap after the forced full GCs of these samples (`--gc-every`): lowest–highest, or – when none was forced. */
function afterGc(s: ProcessSample[]): string {
  const after = s.flatMap((x) => (x.heapAfterGcMb !== undefined ? [x.heapAfterGcMb] : []));
  return after.length ? `${f(Math.min(...after), 0)}–${f(Math.max(...after), 0)} MB` : '–';
}

/** The gateway's RSS, heap and loop delay per minute of the session phase, and the minute after it: flat or not. */
function overTime(samples: ProcessSample[], role: string, from: number, to: number): string[] {
  const rows: string[] = [];
  const row = (label: string, s: ProcessSample[]) =>
    `| ${label} | ${f(Math.max(...s.map((x) => x.rssMb)), 0)} MB | ${f(Math.max(...s.map((x) => x.heapMb)), 0)} MB | ${afterGc(s)} | ${f(quantile(s.map((x) => x.loopP99Ms), 0.5))} ms | ${f(Math.max(...s.map((x) => x.loopMaxMs)), 0)} ms |`;
  for (let t = from, minute = 1; t < to; t += 60_000, minute++) {
    const s = samples.filter((x) => x.role === role && x.t >= t && x.t < Math.min(to, t + 60_000));
    if (s.length) rows.push(row(String(minute), s));
  }
  const after = samples.filter((x) => x.role === role && x.t >= to && x.t < to + 60_000);
  if (after.length) rows.push(row('the minute after the calls', after));
  return rows;
}

/**
 * The gateway's upstream processes (2025 sessions hold one each) and descriptors, per minute of the
 * session phase (max), the minute after the calls, and the last sample (after every grant was
 * revoked and the run settled): what each session costs, and whether closed sessions gave it back.
 */
function upstreamsOverTime(system: SystemSample[], from: number, to: number): string[] {
  const has = system.filter((x) => x.upstreams !== undefined);
  if (!has.length) return [];
  const max = (s: SystemSample[], k: 'upstreams' | 'upstreamRssMb' | 'upstreamFds' | 'gatewayFds') => f(Math.max(...s.map((x) => x[k] ?? NaN)), 0);
  const row = (label: string, s: SystemSample[]) => `| ${label} | ${max(s, 'upstreams')} | ${max(s, 'upstreamRssMb')} MB | ${max(s, 'upstreamFds')} | ${max(s, 'gatewayFds')} |`;
  const rows: string[] = [];
  const before = has.filter((x) => x.t < from);
  if (before.length) rows.push(row('at the end of opening', [before[before.length - 1]!]));
  for (let t = from, minute = 1; t < to; t += 60_000, minute++) {
    const s = has.filter((x) => x.t >= t && x.t < Math.min(to, t + 60_000));
    if (s.length) rows.push(row(String(minute), s));
  }
  const after = has.filter((x) => x.t >= to && x.t < to + 60_000);
  if (after.length) rows.push(row('the minute after the calls (clients closed)', after));
  const last = has[has.length - 1]!;
  if (last.t >= to + 60_000) rows.push(row('last sample (every grant revoked, settled)', [last]));
  return [
    'upstream processes and descriptors (max per row; sampled every 5 s from /proc):',
    '',
    '| when | upstream processes | their RSS (sum) | their open fds (sum) | gateway open fds |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}

/** The forced GCs' own pauses, which the loop delay of their seconds includes. */
function gcPauses(s: ProcessSample[]): string[] {
  const pauses = s.flatMap((x) => (x.gcMs !== undefined ? [x.gcMs] : []));
  return pauses.length ? [`forced full GCs in the gateway: ${pauses.length}, pause median ${f(quantile(pauses, 0.5), 0)} ms, max ${f(Math.max(...pauses), 0)} ms (the loop is blocked while one runs)`, ''] : [];
}

export function loadReport(result: LoadResult): string {
  const { options: o, phases: p, sessions: s, requests, samples, system, findings } = result;
  const loads = (from: number, to: number) => {
    const l = system.filter((x) => x.t >= from && x.t <= to).map((x) => x.load1);
    return l.length ? `${f(Math.min(...l))}–${f(Math.max(...l))}` : '–';
  };
  const redis = (from: number, to: number) => {
    const r = system.filter((x) => x.t >= from && x.t <= to && x.redisMb !== undefined).map((x) => x.redisMb!);
    return r.length ? `${f(r[0])} → ${f(r[r.length - 1])} MB (max ${f(Math.max(...r))})` : '–';
  };
  const sessionSeconds = (p.sessionsTo - p.sessionsFrom) / 1000;
  const accepted = requests.filter((r) => r.acceptedMs !== undefined);
  const active = requests.filter((r) => r.activeMs !== undefined);
  const perRequest = active.map((r) => (r.activeMs! - r.acceptedMs!) / 1000);
  const requestSeconds = (p.requestsTo - p.requestsFrom) / 1000;
  const failures = new Map<string, number>();
  requests.forEach((r) => r.error && failures.set(r.error, (failures.get(r.error) ?? 0) + 1));
  const header = '| process | RSS (start → end, max) | heap | loop delay p50 | loop p99 (median / p99 of seconds) | loop max | CPU |';
  const rule = '| --- | --- | --- | --- | --- | --- | --- |';
  const lines = [
    `load run: ${result.grantsActive}/${o.grants} grants, ${o.clients} MCP clients (${o.legacy} 2025 sessions, ${o.clients - o.legacy} 2026-07-28) and ${o.people ?? 0} people, ${o.sessionSeconds} s, ${o.thinkMs} ms between a client's calls; ${o.requests} API requests (${o.inFlight} in flight)`,
    '',
    `### MCP clients (${sessionSeconds.toFixed(0)} s of calls after ${(p.openMs / 1000).toFixed(1)} s to open them all; load average ${loads(p.sessionsFrom, p.sessionsTo)})`,
    '',
    '| clients open (2025 + 2026-07-28 + people) / failed to open | calls sent / answered / failed | answered calls/s | latency p50 / p99 / max |',
    '| --- | --- | --- | --- |',
    `| ${s.opened['2025']} + ${s.opened['2026-07-28']} + ${s.opened.person} / ${s.openFailed + result.people.errors.length} | ${s.calls.sent} / ${s.calls.answered} / ${s.calls.failed} | ${f(s.calls.answered / sessionSeconds, 1)} | ` +
      `${f(quantile(s.latencies, 0.5), 0)} / ${f(quantile(s.latencies, 0.99), 0)} / ${f(s.latencies.length ? Math.max(...s.latencies) : NaN, 0)} ms |`,
    '',
    ...(o.people ? [
      `people: ${result.people.asked.length} asked in the local Slack and approved there, ${s.opened.person} signed in at the gateway with that grant; ` +
        `their calls sent / answered / failed: ${s.personCalls.sent} / ${s.personCalls.answered} / ${s.personCalls.failed}`,
      ...result.people.errors.map((e) => `  ${e}`),
      '',
    ] : []),
    header, rule,
    ...['gateway', 'worker', 'api'].map((role) => roleRow(role, samples.filter((x) => x.role === role), p.sessionsFrom, p.sessionsTo)),
    `| redis (used_memory) | ${redis(p.sessionsFrom, p.sessionsTo)} | | | | | |`,
    '',
    'gateway per minute of the session phase:',
    '',
    '| minute | RSS max | heap max | heap after a forced full GC (lowest–highest) | loop p99 (median of seconds) | loop max |',
    '| --- | --- | --- | --- | --- | --- |',
    ...overTime(samples, 'gateway', p.sessionsFrom, p.sessionsTo),
    '',
    ...gcPauses(samples.filter((x) => x.role === 'gateway' && x.t >= p.sessionsFrom && x.t <= p.sessionsTo)),
    ...upstreamsOverTime(system, p.sessionsFrom, p.sessionsTo),
    `### Access requests through the REST API (${requestSeconds.toFixed(0)} s, load average ${loads(p.requestsFrom, p.requestsTo)})`,
    '',
    '| access requests | REST calls | accepted (202) | ACTIVE | workflows started/s | request → ACTIVE p50 / p99 | waited out and asked again: 503 / 429 / no answer |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| ${requests.length} | ${requests.reduce((n, r) => n + r.httpCalls, 0)} | ${accepted.length} | ${active.length} | ${f(accepted.length / (Math.max(0, ...accepted.map((r) => r.acceptedMs!)) / 1000 || NaN), 2)} | ` +
      `${f(quantile(perRequest, 0.5))} / ${f(quantile(perRequest, 0.99))} s | ${(['unavailable503', 'limited429', 'noAnswer'] as const).map((kind) => requests.reduce((n, r) => n + r.waited[kind], 0)).join(' / ')} |`,
    '',
    header, rule,
    ...['gateway', 'worker', 'api'].map((role) => roleRow(role, samples.filter((x) => x.role === role), p.requestsFrom, p.requestsTo)),
    `| redis (used_memory) | ${redis(p.requestsFrom, p.requestsTo)} | | | | | |`,
    '',
    `### Nothing lost (after revoking everything and ${result.settled ? 'settling' : 'NOT settling in time'})`,
    '',
    '| invariant | checked | violations |',
    '| --- | --- | --- |',
    ...[...findings.invariants, result.answeredArchived].map((i) => `| ${i.name} | ${i.checked} | ${i.violations.length} |`),
    '',
    `longest time an identity was seen after its grant ended: ${Number.isFinite(findings.longestOutlivedMs) ? `${(findings.longestOutlivedMs / 1000).toFixed(1)} s` : 'none'}`,
  ];
  const violations = [...findings.invariants, result.answeredArchived].flatMap((i) => i.violations.slice(0, 10).map((v) => `  ${i.name}: ${v}`));
  if (violations.length) lines.push('', 'violations (first 10 of each):', ...violations);
  const errors = [...s.errors, ...failures].sort((a, b) => b[1] - a[1]).slice(0, 12);
  if (errors.length) lines.push('', 'errors (most frequent first):', ...errors.map(([m, n]) => `  ${n} × ${m}`));
  return `${lines.join('\n')}\n`;
}

export const loadViolations = (result: LoadResult) => [...result.findings.invariants, result.answeredArchived].reduce((n, i) => n + i.violations.length, 0);
