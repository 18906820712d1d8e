/**
 * npm run bench:proxy [-- --quick] — the same MCP client workload (tools/call returning ~10 KB)
 * direct to the upstream and through the gateway, at concurrency 1, 16 and 64, in one run, with
 * masking off (identity masker), on (phi/ by appearance) and catalog (lineage masking by the PHI
 * catalog in force: the SQL names the source table, columns proven `none` pass unscanned,
 * DESCRIPTION is `text` and scanned). Upstream and gateway each run in their own process;
 * the clients run here. Prints added latency p50/p99 and the throughput ratio (gateway / direct).
 * Targets without masking: added p50 <= 1 ms, p99 <= 5 ms, throughput >= 80 % of direct.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fetchWithOwnSignal, startRedisServer } from '../../devstack';
import { connectRedis, GrantStore, newGrantId, newRequestId, RedisSecretVault, waitForRedis } from '../../lib';
import type { PhiCatalog } from '../../phi';
import { MASKING_META_KEY, RedisCatalogStore } from '../../proxy';

const quick = process.argv.includes('--quick');
const LEVELS = [1, 16, 64];
const WINDOW_MS = quick ? 1_000 : 3_000;
const WARMUP_MS = quick ? 300 : 1_000;
const TARGETS = { addedP50Ms: 1, addedP99Ms: 5, throughputRatio: 0.8 };
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

function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_PROFILE_DIR=dir writes a CPU profile of the gateway process there (for finding hot spots).
  const profile = process.env.BENCH_PROFILE_DIR && script === 'gateway.ts' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', tsx, join(__dirname, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve({ child, url: (JSON.parse(line) as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
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

interface Sample { latencies: number[]; calls: number; seconds: number; cpuMs: Record<string, number> }

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
async function workload(url: string, concurrency: number, token: string | undefined, watch: Record<string, ChildProcess>): Promise<Sample> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => connect(url, token)));
  const latencies: number[] = [];
  let measuring = false;
  let stop = false;
  const loops = clients.map(async (client) => {
    while (!stop) {
      const t0 = performance.now();
      const result = await client.callTool({ name: 'payload', arguments: { statement: STATEMENT } });
      const dt = performance.now() - t0;
      if (!(result.content as { text: string }[])[0]?.text.length) throw new Error('empty result');
      if (measuring) latencies.push(dt);
    }
  });
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const cpuBefore = Object.fromEntries(Object.entries(watch).map(([name, child]) => [name, cpuMsOf(child.pid)]));
  measuring = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  measuring = false;
  const cpuMs = Object.fromEntries(Object.entries(watch).map(([name, child]) => [name, cpuMsOf(child.pid) - cpuBefore[name]!]));
  const seconds = (performance.now() - start) / 1000;
  stop = true;
  await Promise.all(loops);
  await Promise.all(clients.map(async (c) => {
    await (c.transport as StreamableHTTPClientTransport).terminateSession().catch(() => undefined);
    await c.close();
  }));
  return { latencies: latencies.sort((a, b) => a - b), calls: latencies.length, seconds, cpuMs };
}

/** The catalog run must measure lineage masking, not a fallback: `none` columns pass, DESCRIPTION is scanned. */
async function checkLineage(url: string, token: string): Promise<void> {
  const client = await connect(url, token);
  try {
    const result = await client.callTool({ name: 'payload', arguments: { statement: STATEMENT } });
    const report = (result._meta as Record<string, { plan?: string; columns?: { name: string; action: string }[] }> | undefined)?.[MASKING_META_KEY];
    const actions = Object.fromEntries((report?.columns ?? []).map((c) => [c.name, c.action]));
    if (report?.plan !== 'columns' || actions.WARD !== 'pass' || actions.ADMISSIONS !== 'pass' || actions.DESCRIPTION !== 'scan') {
      throw new Error(`masking=catalog did not plan by the catalog: ${JSON.stringify(report).slice(0, 300)}`);
    }
  } finally {
    await client.close();
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-proxy-'));
  const redis = await startRedisServer({ dataDir: dir });
  const children: ChildProcess[] = [];
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
    const verdicts: string[] = [];
    for (const masking of (process.env.BENCH_MASKING_ONLY ? process.env.BENCH_MASKING_ONLY.split(',') : ['off', 'on', 'catalog']) as ('off' | 'on' | 'catalog')[]) {
      const gw = await startChild('gateway.ts', { GATEHOUSE_CATALOG_NAMESPACE: 'bench', REDIS_URL: redis.url, BENCH_UPSTREAM_URL: upstream.url, BENCH_TOKEN_KEY: tokenKey.toString('base64'), BENCH_ENCRYPTION_KEY: encryptionKey.toString('base64'), BENCH_MASKING: masking, BENCH_RECORDING: process.env.BENCH_RECORDING ?? 'on' });
      children.push(gw.child);
      if (masking === 'catalog') await checkLineage(`${gw.url}/mcp/bench`, token);
      for (const c of LEVELS) {
        const direct = await workload(upstream.url, c, undefined, { upstream: upstream.child });
        const through = await workload(`${gw.url}/mcp/bench`, c, token, { upstream: upstream.child, gateway: gw.child });
        await conn.del(`gatehouse:recording:${requestId}`); // keep Redis small between rounds
        const added50 = pct(through.latencies, 50) - pct(direct.latencies, 50);
        const added99 = pct(through.latencies, 99) - pct(direct.latencies, 99);
        const ratio = through.calls / through.seconds / (direct.calls / direct.seconds);
        rows.push([
          `masking ${masking.padEnd(7)}`, `c=${String(c).padStart(2)}`,
          `direct p50 ${pct(direct.latencies, 50).toFixed(2)} p99 ${pct(direct.latencies, 99).toFixed(2)} ms ${(direct.calls / direct.seconds).toFixed(0)}/s`,
          `gateway p50 ${pct(through.latencies, 50).toFixed(2)} p99 ${pct(through.latencies, 99).toFixed(2)} ms ${(through.calls / through.seconds).toFixed(0)}/s`,
          `added p50 ${added50.toFixed(2)} ms p99 ${added99.toFixed(2)} ms`, `throughput ${(ratio * 100).toFixed(0)} %`,
          `CPU per call: gateway ${(through.cpuMs.gateway! / through.calls).toFixed(2)} ms, upstream ${(direct.cpuMs.upstream! / direct.calls).toFixed(2)} ms`,
        ].join(' | '));
        if (masking === 'catalog' && c === 16) {
          verdicts.push(`masking by the catalog, c=16: throughput ${(ratio * 100).toFixed(0)} % of direct (goal >= ${TARGETS.throughputRatio * 100} %, issue 14)`);
        }
        if (masking === 'off') {
          const ok = added50 <= TARGETS.addedP50Ms && added99 <= TARGETS.addedP99Ms && ratio >= TARGETS.throughputRatio;
          verdicts.push(`c=${c}: ${ok ? 'meets' : 'misses'} the targets (added p50 <= ${TARGETS.addedP50Ms} ms, p99 <= ${TARGETS.addedP99Ms} ms, throughput >= ${TARGETS.throughputRatio * 100} %)`);
        }
        process.stdout.write(`${rows[rows.length - 1]}\n`);
      }
      await stopChild(gw.child);
    }
    process.stdout.write(`\nbench:proxy — tools/call of ~10 KB, ${WINDOW_MS / 1000} s per measurement, upstream and gateway in their own processes, Redis recording on (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs)\n`);
    for (const r of rows) process.stdout.write(`  ${r}\n`);
    process.stdout.write(`\nverdicts:\n${verdicts.map((v) => `  ${v}`).join('\n')}\n`);
    conn.disconnect();
  } finally {
    await Promise.all(children.map(stopChild));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`bench:proxy failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
