/**
 * npm run bench:proxy [-- --quick] [-- --before <git rev>] [-- --heap <calls>] — the same MCP
 * client workload (tools/call returning ~10 KB) direct to the upstream and through the gateway,
 * at concurrency 1, 16 and 64, in one run, with masking off (identity masker), on (phi/ by
 * appearance) and catalog (lineage masking by the PHI catalog in force: the SQL names the source
 * table, columns proven `none` pass unscanned, DESCRIPTION is `text` and scanned). Upstream and
 * gateway each run in their own process, configured as deployed (recording and SSE event store
 * on); the clients run here. Prints added latency p50/p99, the throughput ratio (gateway /
 * direct) and the gateway's CPU per call (the headline: throughput is noisy on a shared machine).
 * --before <rev>: the gateway of that commit (its proxy/, this bench's gateway.ts) is measured in
 * the same run, beside this tree's, against the same direct baseline.
 * --heap <calls>: one session makes that many calls twice; the gateway's heap after GC each time.
 * --syscalls: the gateway's socket syscalls per call at each level (or over the --heap run), by strace -c.
 * --heap <calls> --before <rev> --together [--clients 16]: both gateways' sessions at the same time (the same load), CPU per call of each.
 * BENCH_PERF_DIR=dir with --heap: `perf record -g` of each gateway over its measured calls (on-CPU samples of all its
 * threads, kernel included), summarized by perf-parts.ts; BENCH_GATEWAY_NODE_FLAGS: more node flags for the gateways
 * (e.g. --trace-deopt: what a flag prints goes to a file named on stderr, not into the bench's own lines).
 * Redis's CPU per call is printed beside the gateway's (one Redis for every gateway of the run).
 * --warm <calls>: that many calls through each gateway (16 at a time, not measured) before its levels: a gateway
 * process keeps compiling hot code (V8's optimizing compiler) for tens of thousands of calls, which a long-running
 * gateway has behind it. --levels 16 (or 1,16): only those concurrency levels.
 * Goals (issue 18, c=16): masking off <= 0.8 ms CPU per call and >= 80 % of direct; on <= 1.5 ms
 * and >= 70 %; catalog >= 80 % (issue 14); p99 added <= 5 ms at c=1.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, createWriteStream, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fetchWithOwnSignal, startRedisServer } from '../../devstack';
import { connectRedis, GrantStore, newGrantId, newRequestId, RedisSecretVault, waitForRedis, type Redis } from '../../lib';
import type { PhiCatalog } from '../../phi';
import { MASKING_META_KEY, RedisCatalogStore } from '../../proxy';
import { perfParts } from './perf-parts';

const quick = process.argv.includes('--quick');
const argument = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const before = argument('--before');
const heapCalls = Number(argument('--heap') ?? 0);
/** The gateway's socket syscalls per call (strace -c attached to it: load-independent, but it slows the gateway, so CPU and throughput of that run mean nothing). */
const syscalls = process.argv.includes('--syscalls');
/** With --heap and --before: both gateways' sessions run at the same time, so both see the same load (CPU per call comparable). */
const together = process.argv.includes('--together');
/** With --heap: that many sessions share the calls, each calling in a loop (default 1). */
const heapClients = Math.max(1, Number(argument('--clients') ?? 1));
/** With --heap: perf record of each gateway's measured calls into this directory (perf-parts.ts reads them). */
const perfDir = process.env.BENCH_PERF_DIR;
const ROOT = join(__dirname, '../..');
const LEVELS = (argument('--levels') ?? '1,16,64').split(',').map(Number);
/** Calls through each gateway before its levels are measured (--warm). */
const warmCalls = Number(argument('--warm') ?? 0);
const WINDOW_MS = quick ? 1_000 : 3_000;
const WARMUP_MS = quick ? 300 : 1_000;
const GOALS = {
  off: { cpuMs: 0.8, ratio: 0.8 },
  on: { cpuMs: 1.5, ratio: 0.7 },
  catalog: { cpuMs: 1.5, ratio: 0.8 },
  addedP99AtC1Ms: 5,
};
/** What the payload stands for, as the agent would have asked it (lineage masking plans from it). */
const STATEMENT = 'SELECT WARD, ICD10_CODE, DESCRIPTION, ADMISSIONS, AVG_LENGTH_OF_STAY, READMISSION_RATE FROM BENCH.PUBLIC.WARD_STATS';
/** The catalog in force for masking=catalog: identifiers-free statistics proven `none`, free text `text`. */
const CATALOG: PhiCatalog = {
  target: 'bench', discoveredAt: new Date(0).toISOString(),
  tables: [{ database: 'BENCH', schema: 'PUBLIC', name: 'WARD_STATS', columns: [
    { name: 'WARD', class: 'none', source: 'discovered-sample' }, { name: 'ICD10_CODE', class: 'none', source: 'discovered-sample' },
    { name: 'DESCRIPTION', class: 'text', source: 'discovered-type' }, { name: 'ADMISSIONS', class: 'none', source: 'discovered-type' },
    { name: 'AVG_LENGTH_OF_STAY', class: 'none', source: 'discovered-type' }, { name: 'READMISSION_RATE', class: 'none', source: 'discovered-type' },
  ] }],
};
const tsx = pathToFileURL(join(__dirname, '../../node_modules/tsx/dist/loader.mjs')).href;

interface Started { child: ChildProcess; url: string; nextLine(): Promise<string> }

/** Starts bench/proxy/<script> of a source tree (this one, or the --before commit's) in its own process. */
function startChild(script: string, env: Record<string, string>, tree = ROOT): Promise<Started> {
  // BENCH_PROFILE_DIR=dir writes a CPU profile of the gateway process there (for finding hot spots).
  const gateway = script === 'gateway.ts';
  const profile = process.env.BENCH_PROFILE_DIR && gateway ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  // perf names JavaScript frames from /tmp/perf-<pid>.map; V8's log that comes with it goes to the perf directory, not the cwd.
  const perfMap = perfDir && gateway ? ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${join(perfDir, `v8-${randomBytes(4).toString('hex')}.log`)}`] : [];
  const flags = gateway ? (process.env.BENCH_GATEWAY_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean) : [];
  const child = spawn(process.execPath, [...profile, ...perfMap, ...flags, ...(gateway ? ['--expose-gc'] : []), '--import', tsx, join(tree, 'bench/proxy', script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  // The bench's own lines are JSON; anything else a child prints (a node flag's traces) goes to a file.
  let other: ReturnType<typeof createWriteStream> | undefined;
  // V8's traces are written through C stdio, buffered: a piece of one may come out just ahead of a JSON line, on it.
  createInterface({ input: child.stdout! }).on('line', (whole) => {
    const at = whole.startsWith('{') ? 0 : whole.indexOf('{"');
    if (at !== 0) {
      if (!other) {
        const file = join(tmpdir(), `bench-proxy-${script.replace('.ts', '')}-${child.pid}.out`);
        process.stderr.write(`${script} (pid ${child.pid}) prints more than the bench's lines: in ${file}\n`);
        other = createWriteStream(file);
      }
      other.write(`${at < 0 ? whole : whole.slice(0, at)}\n`);
      if (at < 0) return;
    }
    const line = whole.slice(at);
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else queue.push(line);
  });
  const nextLine = () => new Promise<string>((resolve) => {
    const line = queue.shift();
    if (line !== undefined) resolve(line);
    else waiting.push(resolve);
  });
  return new Promise((resolve, reject) => {
    void nextLine().then((line) => resolve({ child, url: (JSON.parse(line) as { url: string }).url, nextLine }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** The --before commit's tree, with node_modules linked and this bench's gateway.ts (the same configuration on its proxy/). */
function beforeTree(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-before-'));
  const tar = execFileSync('git', ['archive', '--format=tar', rev], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  copyFileSync(join(__dirname, 'gateway.ts'), join(dir, 'bench/proxy/gateway.ts'));
  return dir;
}

/** strace -c attached to a running process (all its threads); stop() gives its write/read syscalls per call. */
async function traceSyscalls(pid: number): Promise<{ stop(calls: number): Promise<string> }> {
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-bench-strace-')), 'summary.txt');
  const strace = spawn('strace', ['-f', '-c', '-e', 'trace=write,writev,read,readv,sendto,recvfrom', '-o', file, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    strace.stderr!.on('data', (chunk: Buffer) => { if (/attached/i.test(chunk.toString())) resolve(); });
    strace.once('exit', (code) => reject(new Error(`strace exited with ${code} (is it installed, and may it attach?)`)));
  });
  return {
    async stop(calls: number) {
      const exited = new Promise((resolve) => strace.once('exit', resolve));
      strace.kill('SIGINT');
      await exited;
      const counts: Record<string, number> = {};
      for (const m of readFileSync(file, 'utf8').matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/gm)) counts[m[2]!] = Number(m[1]);
      return `syscalls per call (strace, ${calls} calls): ${Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${(n / calls).toFixed(2)}`).join(', ')}`;
    },
  };
}

/** perf record -g of a running process (all its threads) into `file`, until stop(). */
async function recordPerf(pid: number, file: string): Promise<{ stop(): Promise<void> }> {
  const perf = spawn('perf', ['record', '-F', '999', '-g', '-p', String(pid), '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => perf.once('exit', () => resolve()));
  await new Promise((r) => setTimeout(r, 200));
  if (perf.exitCode !== null) throw new Error(`perf record exited with ${perf.exitCode} (is perf installed, and may it attach?)`);
  return {
    async stop() {
      perf.kill('SIGINT');
      await exited;
    },
  };
}

/** The gateway's heap after a full GC (bench gateway.ts answers SIGUSR2). */
async function heapOf(gw: Started): Promise<{ heapUsed: number; sessions: number }> {
  const line = gw.nextLine();
  gw.child.kill('SIGUSR2');
  return JSON.parse(await line) as { heapUsed: number; sessions: number };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 5_000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

async function connect(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1' });
  // Each exchange on its own AbortSignal (the SDK's one signal per transport would collect a listener per call).
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: fetchWithOwnSignal(), ...(token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {}) }));
  return client;
}

interface Sample { latencies: number[]; calls: number; seconds: number; cpuMs: Record<string, number>; redis: Record<string, number>; /** Every call, warm-up and wind-down included. */ allCalls: number }

/** Commands Redis has run so far, by name (INFO commandstats). */
async function redisCommands(redis: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await redis.info('commandstats')).matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2]);
  // Bytes Redis has read from its clients (load-independent, like the commands): '~' keeps it out of the command count.
  out['~bytes_in'] = Number(/^total_net_input_bytes:(\d+)/m.exec(await redis.info('stats'))?.[1] ?? NaN);
  return out;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** `concurrency` clients, each calling in a loop; measured after a warm-up. */
async function workload(url: string, concurrency: number, token: string | undefined, watch: Record<string, ChildProcess>, redis: Redis): Promise<Sample> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => connect(url, token)));
  const latencies: number[] = [];
  let allCalls = 0;
  let measuring = false;
  let stop = false;
  const loops = clients.map(async (client) => {
    while (!stop) {
      const t0 = performance.now();
      const result = await client.callTool({ name: 'payload', arguments: { statement: STATEMENT } });
      const dt = performance.now() - t0;
      if (!(result.content as { text: string }[])[0]?.text.length) throw new Error('empty result');
      allCalls += 1;
      if (measuring) latencies.push(dt);
    }
  });
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const cpuBefore = Object.fromEntries(Object.entries(watch).map(([name, child]) => [name, cpuMsOf(child.pid)]));
  const redisBefore = await redisCommands(redis);
  measuring = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  measuring = false;
  const cpuMs = Object.fromEntries(Object.entries(watch).map(([name, child]) => [name, cpuMsOf(child.pid) - cpuBefore[name]!]));
  const redisAfter = await redisCommands(redis);
  const calls = latencies.length;
  // Per call, without the two INFO calls of the measurement itself.
  const redisPerCall = Object.fromEntries(Object.entries(redisAfter).map(([k, n]) => [k, (n - (redisBefore[k] ?? 0) - (k === 'info' ? 2 : 0)) / Math.max(1, calls)]).filter(([, n]) => (n as number) > 0.005));
  const seconds = (performance.now() - start) / 1000;
  stop = true;
  await Promise.all(loops);
  await Promise.all(clients.map(async (c) => {
    await (c.transport as StreamableHTTPClientTransport).terminateSession().catch(() => undefined);
    await c.close();
  }));
  return { latencies: latencies.sort((a, b) => a - b), calls: latencies.length, seconds, cpuMs, redis: redisPerCall, allCalls };
}

/**
 * The catalog run must measure lineage masking, not a fallback: `none` columns pass, DESCRIPTION is
 * scanned. The report is in the answer's `_meta` (a tree before masking plan entries) or, named
 * there by digest, in the recording's `masking_plan` entry.
 */
async function checkLineage(url: string, token: string, conn: Redis, requestId: string): Promise<void> {
  const client = await connect(url, token);
  try {
    const result = await client.callTool({ name: 'payload', arguments: { statement: STATEMENT } });
    type Report = { plan?: string; columns?: { name: string; action: string }[] };
    let report = (result._meta as Record<string, Report> | undefined)?.[MASKING_META_KEY];
    if (report?.plan?.startsWith('sha256:')) {
      const entries = (await conn.xrange(`gatehouse:recording:${requestId}`, '-', '+')).map(([, fields]) => JSON.parse(fields[1] ?? '{}') as { type?: string; digest?: string; report?: Report });
      report = entries.find((e) => e.type === 'masking_plan' && e.digest === report!.plan)?.report;
    }
    const actions = Object.fromEntries((report?.columns ?? []).map((c) => [c.name, c.action]));
    if (report?.plan !== 'columns' || actions.WARD !== 'pass' || actions.ADMISSIONS !== 'pass' || actions.DESCRIPTION !== 'scan') {
      throw new Error(`masking=catalog did not plan by the catalog: ${JSON.stringify(report).slice(0, 300)}`);
    }
  } finally {
    await client.close();
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Measured { calls: number; seconds: number; p50: number; p99: number; cpuPerCall: number; redisPerCall: number; redis: string; redisKbPerCall: number }

function summarize(sample: Sample, cpuOf: string): Measured {
  const commands = Object.entries(sample.redis).filter(([k]) => !k.startsWith('~'));
  const redisPerCall = commands.reduce((a, [, b]) => a + b, 0);
  const redis = commands.sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n.toFixed(2)}`).join(', ');
  return { calls: sample.calls, seconds: sample.seconds, p50: pct(sample.latencies, 50), p99: pct(sample.latencies, 99), cpuPerCall: sample.cpuMs[cpuOf]! / sample.calls, redisPerCall, redis, redisKbPerCall: (sample.redis['~bytes_in'] ?? NaN) / 1024 };
}

/** `calls` calls through a gateway, 16 sessions at a time, not measured (--warm). */
async function warm(url: string, token: string, calls: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: 16 }, () => connect(url, token)));
  let left = calls;
  await Promise.all(clients.map(async (client) => {
    while (left > 0) {
      left -= 1;
      await client.callTool({ name: 'payload', arguments: { statement: STATEMENT } });
    }
  }));
  await Promise.all(clients.map(async (c) => {
    await (c.transport as StreamableHTTPClientTransport).terminateSession().catch(() => undefined);
    await c.close();
  }));
}

/** One session, `calls` calls twice over: the gateway's heap after GC at the start and after each round. */
async function heapCheck(gw: Started, url: string, token: string, calls: number, perfFile?: string): Promise<string> {
  const clients = await Promise.all(Array.from({ length: heapClients }, () => connect(url, token)));
  const call = async (n: number) => {
    let left = n;
    await Promise.all(clients.map(async (client) => {
      while (left > 0) {
        left -= 1;
        await client.callTool({ name: 'payload', arguments: { statement: STATEMENT } });
      }
    }));
  };
  await call(500);
  const start = await heapOf(gw);
  const cpuStart = cpuMsOf(gw.child.pid);
  const perf = perfFile ? await recordPerf(gw.child.pid!, perfFile) : undefined;
  await call(calls);
  const middle = await heapOf(gw);
  const cpuMiddle = cpuMsOf(gw.child.pid);
  await call(calls);
  const cpuEnd = cpuMsOf(gw.child.pid);
  const cpuPerCall = (cpuEnd - cpuStart) / (2 * calls);
  await perf?.stop();
  const end = await heapOf(gw);
  await Promise.all(clients.map((c) => c.close()));
  const mb = (n: number) => (n / 1024 / 1024).toFixed(2);
  const perThousand = (a: number, b: number) => (((b - a) / calls) * 1000 / 1024).toFixed(1);
  return `heap after GC, ${heapClients} session(s): ${mb(start.heapUsed)} MB after 500 warm-up calls, ${mb(middle.heapUsed)} MB after ${calls} more, ${mb(end.heapUsed)} MB after ${calls} more ` +
    `(${perThousand(start.heapUsed, middle.heapUsed)} then ${perThousand(middle.heapUsed, end.heapUsed)} KB per 1,000 calls; live sessions ${end.sessions}); ` +
    `gateway CPU per call ${cpuPerCall.toFixed(2)} ms over the ${2 * calls} calls (the first ${calls} ${((cpuMiddle - cpuStart) / calls).toFixed(2)} ms, the next ${((cpuEnd - cpuMiddle) / calls).toFixed(2)} ms: a gateway still compiling hot code shows in the first)`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-proxy-'));
  const redis = await startRedisServer({ dataDir: dir });
  const children: ChildProcess[] = [];
  const beforeDir = before ? beforeTree(before) : undefined;
  const beforeRev = before ? execFileSync('git', ['rev-parse', '--short', before], { cwd: ROOT, encoding: 'utf8' }).trim() : undefined;
  try {
    const tokenKey = randomBytes(32);
    const encryptionKey = randomBytes(32);
    const conn = connectRedis(redis.url);
    await waitForRedis(conn);
    const grants = new GrantStore(conn, tokenKey);
    const requestId = newRequestId();
    const grantId = newGrantId();
    await new RedisSecretVault(conn, encryptionKey).put(`cred_${requestId}`, 'bench-credential', 3_600_000);
    await grants.activate({ grantId, requestId, target: 'bench', subject: 'bench@example.org', principal: 'GH_BENCH', credentialRef: `cred_${requestId}`, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const token = grants.tokenFor(grantId);
    await new RedisCatalogStore(conn, 0, { namespace: 'bench' }).put(CATALOG);

    const upstream = await startChild('upstream.ts', {});
    children.push(upstream.child);
    const rows: string[] = [];
    const table: string[] = [];
    const verdicts: string[] = [];
    const loads: string[] = [];
    const modes = (process.env.BENCH_MASKING_ONLY ? process.env.BENCH_MASKING_ONLY.split(',') : ['off', 'on', 'catalog']) as ('off' | 'on' | 'catalog')[];
    for (const masking of modes) {
      const env = { GATEHOUSE_CATALOG_NAMESPACE: 'bench', REDIS_URL: redis.url, BENCH_UPSTREAM_URL: upstream.url, BENCH_TOKEN_KEY: tokenKey.toString('base64'), BENCH_ENCRYPTION_KEY: encryptionKey.toString('base64'), BENCH_MASKING: masking, BENCH_RECORDING: process.env.BENCH_RECORDING ?? 'on' };
      const gateways: { name: string; gw: Started }[] = [];
      // The older tree as it was deployed: auto-pipelining since 9d08d7d (proxy/run.ts); BENCH_BEFORE_AUTOPIPELINE=off for a tree older than that.
      if (beforeDir) gateways.push({ name: `before ${beforeRev}`, gw: await startChild('gateway.ts', { BENCH_AUTOPIPELINE: process.env.BENCH_BEFORE_AUTOPIPELINE ?? process.env.BENCH_AUTOPIPELINE ?? 'on', ...env }, beforeDir) });
      gateways.push({ name: 'this tree', gw: await startChild('gateway.ts', env) });
      children.push(...gateways.map((g) => g.gw.child));
      if (masking === 'catalog') for (const { gw } of gateways) await checkLineage(`${gw.url}/mcp/bench`, token, conn, requestId);
      if (heapCalls > 0) {
        const check = async ({ name, gw }: { name: string; gw: Started }) => {
          const trace = syscalls ? await traceSyscalls(gw.child.pid!) : undefined;
          const perfFile = perfDir ? join(perfDir, `gateway-${masking}-${name.replace(/\W+/g, '-')}-${gw.child.pid}.perf.data`) : undefined;
          const redisStart = cpuMsOf(redis.process?.child.pid);
          const lines = [`masking ${masking}, ${name}: ${await heapCheck(gw, `${gw.url}/mcp/bench`, token, heapCalls, perfFile)}`];
          // With --together Redis serves both gateways at once: its CPU is then given per call of both.
          if (!together) lines.push(`masking ${masking}, ${name}: Redis CPU per call ${((cpuMsOf(redis.process?.child.pid) - redisStart) / (500 + 2 * heapCalls)).toFixed(3)} ms (warm-up and heap checks included)`);
          if (trace) lines.push(`masking ${masking}, ${name}: ${await trace.stop(500 + 2 * heapCalls)}`);
          if (perfFile) lines.push(`masking ${masking}, ${name}: perf record of its measured calls, ${perfFile}:\n${perfParts(perfFile).replace(/^/gm, '    ')}`);
          return lines;
        };
        const redisStart = cpuMsOf(redis.process?.child.pid);
        if (together) {
          for (const lines of await Promise.all(gateways.map(check))) verdicts.push(...lines);
          verdicts.push(`masking ${masking}: Redis CPU per call of both gateways ${((cpuMsOf(redis.process?.child.pid) - redisStart) / (gateways.length * (500 + 2 * heapCalls))).toFixed(3)} ms (warm-up and heap checks included)`);
        } else for (const g of gateways) verdicts.push(...await check(g));
        for (const { gw } of gateways) await stopChild(gw.child);
        continue;
      }
      for (const { name, gw } of warmCalls > 0 ? gateways : []) {
        const cpuStart = cpuMsOf(gw.child.pid);
        await warm(`${gw.url}/mcp/bench`, token, warmCalls);
        await conn.del(`gatehouse:recording:${requestId}`);
        verdicts.push(`masking ${masking}, ${name}: warmed with ${warmCalls} calls (16 at a time) before its levels, ${((cpuMsOf(gw.child.pid) - cpuStart) / warmCalls).toFixed(2)} ms CPU per call meanwhile`);
      }
      for (const c of LEVELS) {
        loads.push(loadavg()[0]!.toFixed(1));
        const direct = summarize(await workload(upstream.url, c, undefined, { upstream: upstream.child }, conn), 'upstream');
        const line: string[] = [`| ${masking} | ${c} |`];
        const cpu: number[] = [];
        for (const { name, gw } of gateways) {
          const trace = syscalls ? await traceSyscalls(gw.child.pid!) : undefined;
          const sample = await workload(`${gw.url}/mcp/bench`, c, token, { upstream: upstream.child, gateway: gw.child, ...(redis.process ? { redis: redis.process.child } : {}) }, conn);
          if (trace) verdicts.push(`masking ${masking}, c=${c}, ${name}: ${await trace.stop(sample.allCalls)}`);
          const through = summarize(sample, 'gateway');
          await conn.del(`gatehouse:recording:${requestId}`); // keep Redis small between rounds
          const ratio = through.calls / through.seconds / (direct.calls / direct.seconds);
          cpu.push(through.cpuPerCall);
          rows.push([
            `masking ${masking.padEnd(7)}`, `c=${String(c).padStart(2)}`, name.padEnd(15),
            `direct p50 ${direct.p50.toFixed(2)} p99 ${direct.p99.toFixed(2)} ms ${(direct.calls / direct.seconds).toFixed(0)}/s`,
            `gateway p50 ${through.p50.toFixed(2)} p99 ${through.p99.toFixed(2)} ms ${(through.calls / through.seconds).toFixed(0)}/s`,
            `added p50 ${(through.p50 - direct.p50).toFixed(2)} ms p99 ${(through.p99 - direct.p99).toFixed(2)} ms`, `throughput ${(ratio * 100).toFixed(0)} %`,
            `CPU per call: gateway ${through.cpuPerCall.toFixed(2)} ms, upstream ${direct.cpuPerCall.toFixed(2)} ms, Redis ${((sample.cpuMs.redis ?? NaN) / sample.calls).toFixed(3)} ms`,
            `Redis commands per call ${through.redisPerCall.toFixed(2)} (${through.redis}), ${through.redisKbPerCall.toFixed(1)} KB in`,
          ].join(' | '));
          process.stdout.write(`${rows[rows.length - 1]}\n`);
          line.push(` ${(ratio * 100).toFixed(0)} % | ${through.cpuPerCall.toFixed(2)} ms | ${through.redisPerCall.toFixed(2)} | ${through.redisKbPerCall.toFixed(1)} | ${(through.p99 - direct.p99).toFixed(1)} ms |`);
          if (name === 'this tree') {
            const goal = GOALS[masking];
            if (c === 16) verdicts.push(`masking ${masking}, c=16: ${through.cpuPerCall <= goal.cpuMs && ratio >= goal.ratio ? 'meets' : 'misses'} the goal (CPU per call ${through.cpuPerCall.toFixed(2)} ms <= ${goal.cpuMs} ms, throughput ${(ratio * 100).toFixed(0)} % >= ${goal.ratio * 100} % of direct)`);
            if (c === 1) verdicts.push(`masking ${masking}, c=1: p99 added ${(through.p99 - direct.p99).toFixed(2)} ms (goal <= ${GOALS.addedP99AtC1Ms} ms)`);
          }
        }
        if (cpu.length === 2) line.push(` ${(cpu[1]! / cpu[0]!).toFixed(2)} |`);
        table.push(line.join(''));
      }
      for (const { gw } of gateways) await stopChild(gw.child);
    }
    if (heapCalls <= 0) {
      process.stdout.write(`\nbench:proxy — tools/call of ~10 KB, ${WINDOW_MS / 1000} s per measurement, upstream and gateway in their own processes, recording and SSE event store on (load average at each level ${loads.join(', ')}; at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs)\n`);
      for (const r of rows) process.stdout.write(`  ${r}\n`);
      const heads = beforeDir ? [`before ${beforeRev}`, 'this tree'] : ['this tree'];
      process.stdout.write(`\n| masking | c | ${heads.map((h) => `${h}: % of direct | ${h}: gateway CPU/call | ${h}: Redis commands/call | ${h}: Redis KB in/call | ${h}: p99 added`).join(' | ')} |${beforeDir ? ' CPU/call after ÷ before |' : ''}\n`);
      process.stdout.write(`|${' --- |'.repeat(2 + heads.length * 5 + (beforeDir ? 1 : 0))}\n${table.join('\n')}\n`);
    }
    process.stdout.write(`\nverdicts:\n${verdicts.map((v) => `  ${v}`).join('\n')}\n`);
    conn.disconnect();
  } finally {
    await Promise.all(children.map(stopChild));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
    if (beforeDir) rmSync(beforeDir, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`bench:proxy failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
