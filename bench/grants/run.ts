/**
 * npx tsx bench/grants/run.ts [--n 10,100,500] — grants at scale through the whole dev stack
 * (`npm run dev` in a private state folder: Temporal dev server, Redis, local Snowflake, local
 * Slack, OIDC, worker, API). N auto-approved agent requests at once through the REST API, each
 * long-polled to ACTIVE, then revoked, then followed to its archive. Prints, per N: grants ACTIVE
 * per second, p50/p95 to ACTIVE, revoke p50/p95/max (the POST …/revoke), CPU seconds per grant of
 * the worker and of the Temporal server (/proc/<pid>/stat), and the Snowflake users left (SHOW
 * USERS as ADMIN). The load average is printed with it: compare runs made the same way.
 * BENCH_PROFILE_DIR=dir writes CPU profiles of the worker's JavaScript threads there (bench/grants/cpu-profile.js), after the
 * last N; `npx tsx bench/grants/profile-summary.ts dir` lists where they went.
 * BENCH_WORKERS=2 runs the stack with two worker processes (GATEHOUSE_DEV_WORKERS).
 * Per N it also counts Temporal's work per grant (temporal-work.ts): from the requests' histories by phase, and
 * the dev server's calls and persistence requests; BENCH_HISTORIES_DIR=dir keeps the histories with a workflow task done twice.
 * --before <rev> first runs every N with that revision's workflow code (its bundle, today's activities) on a
 * fresh stack, then with this tree's, and prints the ratios after ÷ before: the same run, the same way.
 * --credentials keyPair,pat runs every N once per credential kind of the Snowflake target (settings.credential),
 * each on a fresh stack, back to back in this order, and prints the ratios last ÷ first.
 * BENCH_TEMPORAL_CONFIG=key=value[,key=value] starts the dev server with these dynamic config values (through a wrapper of
 * the Temporal CLI in the state folder, given to the stack as TEMPORAL_CLI), e.g. system.enableActivityEagerExecution=true.
 * Goal (issue 25): >= 10 grants/s at N = 100, p95 <= 12 s, worker CPU <= 0.08 s per grant, revoke p95 <= 2 s.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import snowflake from 'snowflake-sdk';
import { ApiAgent, clientCredentialsToken, readClientEnv } from '../../devstack/demo/agent';
import { startStack } from '../../devstack/demo/stack';
import { HISTORY_FILE, parseHistory } from '../../devstack/snowflake';
import { clientEnvFile } from '../../devstack/oidc/dev-clients';
import { projectRoot } from '../../lib';
import { Client, Connection } from '@temporalio/client';
import { cpuSeconds, stackProcesses, threadCpuSeconds } from './processes';
import { eventTypesLine, historiesWork, serverCounters, serverWorkLines, temporalMetricsUrl, workTable } from './temporal-work';
import { workflowBundleAt } from './workflow-bundle-at';
import { allWorkerCounters, readWorkerMetrics, workerWorkLines } from './worker-metrics';
import { redisCommandCounts, redisUrlOf, redisWorkLine } from './redis-work';
import { ensureTemporalCli, freePort } from '../../devstack';

const AGENT = 'agent:claims-etl';
const TARGET = 'clinical-readonly';
const GOAL = { grantsPerSecond: 10, p95ToActiveS: 12, workerCpuPerGrantS: 0.08, revokeP95S: 2 };

function levels(): number[] {
  const at = process.argv.indexOf('--n');
  const raw = at >= 0 ? process.argv[at + 1] ?? '' : '10,100';
  return raw.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * CPU seconds one RSA-2048 key pair costs here and now (the bench process, the same load): every
 * grant's identity gets a fresh pair made in the worker, so this is a floor of the worker's CPU per grant.
 */
function keyPairCpuSeconds(pairs = 8): number {
  const before = process.cpuUsage();
  for (let i = 0; i < pairs; i++) {
    generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6 / pairs;
}

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};

/** Statements and logins of the broker the local Snowflake recorded since `sinceMs` (its query-history.jsonl). */
function brokerActivity(stateDir: string, sinceMs: number): { statements: number; logins: number } {
  const counts = { statements: 0, logins: 0 };
  let text: string;
  try {
    text = readFileSync(join(stateDir, 'snowflake', HISTORY_FILE), 'utf8');
  } catch {
    return { statements: NaN, logins: NaN };
  }
  for (const event of parseHistory(text)) {
    if (event.user !== 'GATEHOUSE_BROKER' || Date.parse(event.at) < sinceMs) continue;
    if (event.kind === 'query') counts.statements += 1;
    else counts.logins += 1;
  }
  return counts;
}

/** The local Slack's Web API calls since `sinceMs`, by method (its GET /_local/calls); undefined when it cannot say. */
async function slackCalls(localSlack: string, sinceMs: number): Promise<Record<string, number> | undefined> {
  try {
    const answer = await fetch(`${localSlack.replace(/\/$/, '')}/_local/calls?since=${sinceMs}`);
    const body = (await answer.json()) as { byMethod?: Record<string, number>; kept?: number; maxKept?: number };
    // A full log has dropped its oldest calls: the count would be short.
    return body.byMethod && body.kept !== body.maxKept ? body.byMethod : undefined;
  } catch {
    return undefined;
  }
}

async function snowflakeUsersLeft(url: string, stateDir: string): Promise<string[]> {
  snowflake.configure({ logLevel: 'ERROR', additionalLogToConsole: false } as Parameters<typeof snowflake.configure>[0]);
  const password = readFileSync(join(stateDir, 'snowflake', 'admin-password'), 'utf8').trim();
  const connection = snowflake.createConnection({ account: 'gatehouse-dev', accessUrl: url, username: 'ADMIN', password, role: 'ACCOUNTADMIN' } as snowflake.ConnectionOptions);
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  try {
    const rows = await new Promise<Record<string, unknown>[]>((resolve, reject) => connection.execute({
      sqlText: "SHOW USERS LIKE 'GH_%'",
      complete: (error, _statement, result) => (error ? reject(error) : resolve((result ?? []) as Record<string, unknown>[])),
    }));
    return rows.map((r) => String(r.name));
  } finally {
    await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  }
}

/** The 503s of the current level by what was asked and the problem type the API gave (which component did not answer). */
const unavailableKinds = {
  counts: new Map<string, number>(),
  add(kind: string) {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  },
};

interface Outcome { id: string; toActiveS: number; revokeS: number; toArchivedS: number; state: string; unavailable: number }
interface View { state: string; failure?: string }

/**
 * A client as the API asks it to behave: long-polls from the state it last saw (the 202's, the revoke
 * answer's: no one-off read first), and after a 503 waits Retry-After and asks again.
 */
async function follow(agent: ApiAgent, id: string, from: View | undefined, done: (state: string) => boolean, timeoutMs: number, counts: { unavailable: number }): Promise<View> {
  const deadline = Date.now() + timeoutMs;
  let view = from;
  while (Date.now() < deadline) {
    const query = view ? `?wait=20&since=${view.state}` : '';
    const answer = await agent.call<View>('GET', `/v1/access-requests/${id}${query}`);
    if (answer.status === 503) {
      counts.unavailable += 1;
      unavailableKinds.add(`${query ? 'long-poll' : 'one-off read'}: ${String((answer.body as { type?: string }).type ?? '').replace(/^.*\//, '')}`);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      continue;
    }
    if (answer.status !== 200) throw new Error(`GET ${id} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    view = answer.body;
    if (done(view.state)) return view;
  }
  throw new Error(`${id} did not get there in ${timeoutMs / 1000} s (last state ${view?.state})`);
}

async function oneGrant(agent: ApiAgent, i: number, started: number): Promise<Outcome> {
  const created = await agent.call<{ id: string; state: string }>('POST', '/v1/access-requests', { target: TARGET, duration: '30m', reason: `bench grant ${i}` });
  if (created.status !== 202) throw new Error(`POST answered ${created.status}: ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  const counts = { unavailable: 0 };
  let revokeS = NaN;
  let revokedIn: View | undefined;
  const revoke = async () => {
    const revokeAt = Date.now();
    for (;;) {
      const revoked = await agent.call<View>('POST', `/v1/access-requests/${id}/revoke`, { reason: 'bench over' });
      if (revoked.status === 503) {
        counts.unavailable += 1;
        unavailableKinds.add(`revoke: ${String((revoked.body as { type?: string } | undefined)?.type ?? '').replace(/^.*\//, '')}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      revokeS = (Date.now() - revokeAt) / 1000;
      if (revoked.status !== 200) throw new Error(`revoke of ${id} answered ${revoked.status}: ${JSON.stringify(revoked.body)}`);
      revokedIn = revoked.body.state ? { state: revoked.body.state } : undefined;
      return;
    }
  };
  let active: View;
  try {
    active = await follow(agent, id, created.body.state ? { state: created.body.state } : undefined, (state) => !['PENDING_APPROVAL', 'APPROVED', 'ISSUING'].includes(state), 300_000, counts);
  } catch (error) {
    await revoke().catch(() => undefined);
    throw error;
  }
  const toActiveS = (Date.now() - started) / 1000;
  if (active.state !== 'ACTIVE') throw new Error(`${id} ended ${active.state}: ${active.failure ?? ''}`);
  await revoke();
  const done = await follow(agent, id, revokedIn, (state) => state === 'ARCHIVED' || state === 'FAILED', 300_000, counts);
  return { id, toActiveS, revokeS, toArchivedS: (Date.now() - started) / 1000, state: done.state, unavailable: counts.unavailable };
}

interface LevelResult { n: number; perSecond: number; p50: number; p95: number; workerCpu: number; temporalCpu: number; revokeP95: number; failed: number; load: number }

async function main(): Promise<void> {
  const at = process.argv.indexOf('--before');
  const before = at >= 0 ? process.argv[at + 1] : undefined;
  const kindsAt = process.argv.indexOf('--credentials');
  const kinds = kindsAt >= 0 ? (process.argv[kindsAt + 1] ?? '').split(',').filter(Boolean) : [];
  if (kinds.some((k) => k !== 'pat' && k !== 'keyPair')) throw new Error('--credentials takes pat and keyPair, e.g. --credentials keyPair,pat');
  if (kinds.length) {
    const runs = [];
    for (const kind of kinds) runs.push(await runStack(`this tree, credential ${kind}`, undefined, kind));
    printRatios(runs[0]!, runs[runs.length - 1]!, `${kinds[kinds.length - 1]} ÷ ${kinds[0]}`);
    return;
  }
  if (!before) {
    await runStack('this tree');
    return;
  }
  // The same run: the earlier revision's workflow code first, then this tree's, each on a fresh stack.
  const bundle = await workflowBundleAt(before);
  let earlier: LevelResult[];
  let now: LevelResult[];
  try {
    earlier = await runStack(`workflows of ${before}`, bundle);
    now = await runStack('this tree');
  } finally {
    rmSync(dirname(bundle), { recursive: true, force: true });
  }
  printRatios(earlier, now, 'after ÷ before');
}

function printRatios(earlier: LevelResult[], now: LevelResult[], label: string): void {
  console.log(`\n| N | grants ACTIVE/s ${label} | p50 to ACTIVE | p95 | worker CPU/grant | Temporal CPU/grant | revoke p95 | failed before → after | load before / after |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const a of now) {
    const b = earlier.find((r) => r.n === a.n);
    if (!b) continue;
    const r = (x: number, y: number) => (Number.isFinite(x / y) ? (x / y).toFixed(2) : '–');
    console.log(`| ${a.n} | ${r(a.perSecond, b.perSecond)} | ${r(a.p50, b.p50)} | ${r(a.p95, b.p95)} | ${r(a.workerCpu, b.workerCpu)} | ${r(a.temporalCpu, b.temporalCpu)} | ${r(a.revokeP95, b.revokeP95)} | ${b.failed} → ${a.failed} | ${b.load.toFixed(1)} / ${a.load.toFixed(1)} |`);
  }
}

/**
 * BENCH_TEMPORAL_CONFIG: a wrapper of the Temporal CLI that adds `--dynamic-config-value` for each pair to
 * `server start-dev` (devstack/temporal.ts runs whatever TEMPORAL_CLI names); undefined when unset.
 */
function temporalCliWithConfig(dir: string): { cli: string; values: string[] } | undefined {
  const values = (process.env.BENCH_TEMPORAL_CONFIG ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) return undefined;
  const bad = values.find((v) => !/^[A-Za-z0-9_.]+=[A-Za-z0-9_.-]+$/.test(v));
  if (bad) throw new Error(`BENCH_TEMPORAL_CONFIG takes key=value pairs separated by commas (dynamic config of the dev server), got ${JSON.stringify(bad)}`);
  const real = ensureTemporalCli();
  const cli = join(dir, 'temporal-with-config');
  const flags = values.map((v) => ` --dynamic-config-value ${v}`).join('');
  writeFileSync(cli, `#!/bin/sh\nif [ "$1" = server ] && [ "$2" = start-dev ]; then exec "${real}" "$@"${flags}; fi\nexec "${real}" "$@"\n`, { mode: 0o755 });
  return { cli, values };
}

async function runStack(label: string, workflowBundle?: string, credential?: string): Promise<LevelResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-grants-'));
  const temporalCli = temporalCliWithConfig(dir);
  const priorCli = process.env.TEMPORAL_CLI;
  if (temporalCli) process.env.TEMPORAL_CLI = temporalCli.cli;
  if (workflowBundle) process.env.GATEHOUSE_WORKER_BUNDLE = workflowBundle;
  else delete process.env.GATEHOUSE_WORKER_BUNDLE;
  const profile = process.env.BENCH_PROFILE_DIR;
  // --require, not --import: Node 20 runs --require preloads in worker threads too (the workflow threads).
  // Always: the preload also names the worker's JavaScript threads for the CPU split by thread.
  const nodeOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${nodeOptions ?? ''} --require ${join(__dirname, 'cpu-profile.js')}`.trim();
  process.env.GATEHOUSE_DEV_PORTS = 'any';
  if (process.env.BENCH_WORKERS) process.env.GATEHOUSE_DEV_WORKERS = process.env.BENCH_WORKERS;
  process.env.GATEHOUSE_LOG_FORMAT ??= 'json';
  // The worker's SDK counters (activations, sticky cache, activities by type), from one worker only (one port).
  const workerMetrics = Number(process.env.BENCH_WORKERS ?? '1') > 1 ? undefined : `127.0.0.1:${await freePort()}`;
  if (workerMetrics) process.env.GATEHOUSE_WORKER_METRICS_ADDRESS = workerMetrics;
  else delete process.env.GATEHOUSE_WORKER_METRICS_ADDRESS;
  let config = join(projectRoot, 'gatehouse.example.yaml');
  if (credential) {
    const text = readFileSync(config, 'utf8');
    if (!/credential: pat /.test(text)) throw new Error('gatehouse.example.yaml has no "credential: pat" line to set');
    config = join(dir, 'gatehouse.bench.yaml');
    writeFileSync(config, text.replace(/credential: pat /g, `credential: ${credential} `));
  }
  const stack = await startStack(dir, config);
  if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = nodeOptions;
  if (priorCli === undefined) delete process.env.TEMPORAL_CLI;
  else process.env.TEMPORAL_CLI = priorCli;
  try {
    const credentials = readClientEnv(clientEnvFile(join(dir, 'oidc'), AGENT));
    const agent = new ApiAgent(stack.api, await clientCredentialsToken(credentials, 'access:request'));
    const pids = stackProcesses(dir);
    if (pids.worker.length === 0 || pids.temporal.length === 0) throw new Error(`could not find the worker (${pids.worker}) or Temporal (${pids.temporal}) under the stack`);
    const metrics = temporalMetricsUrl(pids.temporal[0]!);
    const redisUrl = redisUrlOf(pids.worker);
    const connection = await Connection.connect({ address: stack.temporal });
    const temporalClient = new Client({ connection, namespace: 'default' });
    console.log(`# grants bench (${label}) — ${new Date().toISOString()}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${pids.worker.length} worker process(es)` +
      `${temporalCli ? `, Temporal dynamic config ${temporalCli.values.join(' ')}` : ''}`);
    // One grant first: the worker's first workflow task and the broker's first login are not what we measure.
    await oneGrant(agent, 0, Date.now());
    console.log('| N | grants ACTIVE/s | p50 to ACTIVE | p95 | revoke p50 / p95 / max | to archive p95 | worker CPU s/grant | Temporal CPU s/grant | failed | 503s retried | Snowflake users left | load avg (1 min) |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    const results: LevelResult[] = [];
    const all = levels();
    for (const [index, n] of all.entries()) {
      // The profile covers the last level only: the first SIGWINCH starts it afresh, the second writes it.
      const profiled = profile && index === all.length - 1;
      if (profiled) for (const pid of pids.worker) process.kill(pid, 'SIGWINCH');
      const cpu0 = { worker: cpuSeconds(pids.worker), temporal: cpuSeconds(pids.temporal), rest: cpuSeconds(pids.rest) };
      const threads0 = threadCpuSeconds(pids.worker, dir);
      const counters0 = await serverCounters(metrics);
      const sdk0 = await readWorkerMetrics(workerMetrics);
      const redis0 = await redisCommandCounts(redisUrl);
      const started = Date.now();
      unavailableKinds.counts.clear();
      const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => oneGrant(agent, i + 1, started)));
      const cpu = { worker: cpuSeconds(pids.worker) - cpu0.worker, temporal: cpuSeconds(pids.temporal) - cpu0.temporal, rest: cpuSeconds(pids.rest) - cpu0.rest };
      if (profiled) for (const pid of pids.worker) process.kill(pid, 'SIGWINCH');
      const counters = await serverCounters(metrics);
      const sdk = await readWorkerMetrics(workerMetrics);
      const redisCommands = await redisCommandCounts(redisUrl);
      const threads = [...threadCpuSeconds(pids.worker, dir)].map(([name, sec]) => [name, sec - (threads0.get(name) ?? 0)] as const).filter(([, sec]) => sec > 0);
      const ok = settled.flatMap((s) => (s.status === 'fulfilled' && s.value.state === 'ARCHIVED' ? [s.value] : []));
      const failures = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).message] : []));
      const toActive = ok.map((o) => o.toActiveS);
      const perSecond = ok.length / Math.max(...toActive);
      const revoke = ok.map((o) => o.revokeS);
      const left = await snowflakeUsersLeft(stack.snowflake, dir);
      const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
      console.log(`| ${n} | ${f(perSecond)} | ${f(quantile(toActive, 0.5), 1)} s | ${f(quantile(toActive, 0.95), 1)} s | ${f(quantile(revoke, 0.5))} / ${f(quantile(revoke, 0.95))} / ${f(Math.max(...revoke))} s | ` +
        `${f(quantile(ok.map((o) => o.toArchivedS), 0.95), 1)} s | ${f(cpu.worker / n, 3)} | ${f(cpu.temporal / n, 3)} | ${n - ok.length} | ${ok.reduce((sum, o) => sum + o.unavailable, 0)} | ${left.length} | ${loadavg()[0]!.toFixed(2)} |`);
      for (const failure of [...new Set(failures)].slice(0, 5)) console.log(`  failure: ${failure}`);
      if (unavailableKinds.counts.size) console.log(`  503s by read and problem type: ${[...unavailableKinds.counts].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
      const broker = brokerActivity(dir, started);
      console.log(`  rest of the stack (API, gateway, Slack, local Snowflake, OIDC, Redis) ${(cpu.rest / n).toFixed(3)} CPU-s/grant; ` +
        `broker statements ${(broker.statements / n).toFixed(2)}/grant, broker logins ${broker.logins}`);
      const slack = await slackCalls(stack.localSlack, started);
      console.log(`  Slack Web API calls per grant: ${slack ? `${(Object.values(slack).reduce((a, b) => a + b, 0) / n).toFixed(2)} (${Object.entries(slack).sort((a, b) => b[1] - a[1]).map(([method, count]) => `${method} ${(count / n).toFixed(2)}`).join(', ')})` : 'not known'}`);
      console.log(`  one RSA-2048 key pair, made in the bench process just after: ${keyPairCpuSeconds().toFixed(3)} CPU-s`);
      for (const line of serverWorkLines(counters0, counters, n)) console.log(line);
      for (const line of workerWorkLines(sdk0, sdk, n)) console.log(line);
      console.log(redisWorkLine(redis0, redisCommands, n));
      if (process.env.BENCH_WORKER_COUNTERS) console.log(`  every worker SDK counter per grant: ${allWorkerCounters(sdk0, sdk, n)}`);
      const work = await historiesWork(temporalClient, ok.map((o) => o.id), process.env.BENCH_HISTORIES_DIR);
      console.log(`  Temporal work per grant from the histories of the ${ok.length} archived requests${work.unread ? ` (${work.unread} not read)` : ''}:`);
      for (const line of [...workTable(work.phases), ...eventTypesLine(work.phases)]) console.log(line);
      console.log(`  worker CPU s/grant by thread: ${threads.sort((a, b) => b[1] - a[1]).map(([name, sec]) => `${name} ${(sec / n).toFixed(3)}`).join(', ')}`);
      results.push({
        n, perSecond, p50: quantile(toActive, 0.5), p95: quantile(toActive, 0.95), workerCpu: cpu.worker / n, temporalCpu: cpu.temporal / n,
        revokeP95: quantile(revoke, 0.95), failed: n - ok.length, load: loadavg()[0]!,
      });
    }
    if (profile) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      console.log(`worker CPU profiles of N = ${all[all.length - 1]} in ${profile} (npx tsx bench/grants/profile-summary.ts ${profile})`);
    }
    const at100 = results.find((r) => r.n === 100);
    if (at100) {
      console.log(`goal at N=100: ${f2(at100.perSecond)} grants/s (goal >= ${GOAL.grantsPerSecond}), p95 ${f2(at100.p95)} s (<= ${GOAL.p95ToActiveS}), ` +
        `worker ${at100.workerCpu.toFixed(3)} s/grant (<= ${GOAL.workerCpuPerGrantS}), revoke p95 ${f2(at100.revokeP95)} s (<= ${GOAL.revokeP95S})`);
    }
    await connection.close();
    return results;
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const f2 = (x: number) => x.toFixed(2);

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
