// One load run: the dev stack (its gateway, worker and API measured from inside by
// process-monitor.mjs), G auto-approved grants, C MCP clients over them for a while, then N access
// requests through the REST API, then every grant revoked, a settle period, and the chaos run's
// invariants plus "every answered call is in its archive".
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { readClientEnv } from '../../devstack/demo/agent';
import { connectAdmin, userNames } from '../../devstack/demo/evidence';
import { startStack } from '../../devstack/demo/stack';
import { chaosPolicy, collectEvidence, settle } from '../chaos/chaos';
import { TARGET } from '../chaos/driver';
import { checkInvariants, type Findings, type Invariant } from '../chaos/invariants';
import { IdentityObserver } from '../chaos/observer';
import { pidsOf } from '../chaos/parts';
import { startRetryingTakenPorts } from '../chaos/stack-start';
import { openPeople, personState, revokeInSlack } from './people';
import { askMany, askOne, RefreshingApi, revoke, type RequestOutcome } from './requests';
import { driveSessions, emptySessionStats, type SessionGrant, type SessionStats } from './sessions';

export interface LoadOptions {
  grants: number;
  clients: number;
  /** How many of the clients speak 2025 (a gateway session and a stdio upstream each). */
  legacy: number;
  /** People beside the agents: each asks in the local Slack, is approved, signs in at the gateway and calls (default 0). */
  people?: number;
  sessionSeconds: number;
  thinkMs: number;
  /** Clients being opened at once (each may start an upstream process). */
  openAtOnce: number;
  requests: number;
  inFlight: number;
  reconcileSeconds: number;
  /** Every this many seconds the measured processes force a full GC and record the heap left (0: never). */
  gcEverySeconds?: number;
  stateDir?: string;
  log?: (line: string) => void;
}

export interface ProcessSample { t: number; role: string; pid: number; rssMb: number; heapMb: number; cpuS: number; loopP50Ms: number; loopP99Ms: number; loopMaxMs: number; heapAfterGcMb?: number; gcMs?: number }
/**
 * Every 5 s: the load average, Redis `used_memory`, and the gateway's upstream processes (one per
 * 2025 session, one per grant for the 2026-07-28 clients) with their RSS and open descriptors,
 * and the gateway's own descriptors (from /proc, outside the processes).
 */
export interface SystemSample { t: number; load1: number; redisMb?: number; upstreams?: number; upstreamRssMb?: number; upstreamFds?: number; gatewayFds?: number }

/** A process's RSS (MB) and open descriptors, from /proc; undefined once it is gone. */
function procFigures(pid: number): { rssMb: number; fds: number } | undefined {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { rssMb: kb / 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined;
  }
}

/** The gateway's and its upstream processes' figures (the dev stack's supervisor is `root`). */
function processFigures(root: number): Pick<SystemSample, 'upstreams' | 'upstreamRssMb' | 'upstreamFds' | 'gatewayFds'> {
  const upstreams = pidsOf(root, 'upstream').flatMap((pid) => procFigures(pid) ?? []);
  const gateway = pidsOf(root, 'gateway').flatMap((pid) => procFigures(pid) ?? []);
  return {
    upstreams: upstreams.length, upstreamRssMb: Math.round(upstreams.reduce((n, u) => n + u.rssMb, 0)), upstreamFds: upstreams.reduce((n, u) => n + u.fds, 0),
    ...(gateway.length ? { gatewayFds: gateway.reduce((n, g) => n + g.fds, 0) } : {}),
  };
}

export interface LoadResult {
  options: LoadOptions;
  stateDir: string;
  phases: { grantsFrom: number; openMs: number; sessionsFrom: number; sessionsTo: number; requestsFrom: number; requestsTo: number; end: number };
  grantsActive: number;
  /** The people's requests (asked in Slack) and why any could not be used. */
  people: { asked: string[]; errors: string[] };
  sessions: SessionStats;
  requests: RequestOutcome[];
  samples: ProcessSample[];
  system: SystemSample[];
  findings: Findings;
  answeredArchived: Invariant;
  settled: boolean;
}

const AGENT_ENV = ['oidc', 'clients', 'agent_claims-etl.env'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The chaos policy with the upstream run by one node process (no tsx launcher: ~50 MB less per upstream). */
function loadPolicy(stateDir: string, grantSeconds: number): string {
  const file = chaosPolicy(stateDir, grantSeconds);
  const config = parse(readFileSync(file, 'utf8')) as { targets: { upstream: { command: string; args: string[] } }[] };
  for (const target of config.targets) {
    if (target.upstream.args?.[0]?.endsWith('tsx/dist/cli.mjs')) target.upstream.args = ['--import', 'tsx', ...target.upstream.args.slice(1)];
  }
  writeFileSync(file, stringify(config));
  return file;
}

function readSamples(dir: string): ProcessSample[] {
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ProcessSample));
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`[load] ${line}\n`));
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-load-'));
  const samplesDir = join(stateDir, 'process-samples');
  mkdirSync(samplesDir, { recursive: true });
  const grantSeconds = options.sessionSeconds + 600;
  process.env.GATEHOUSE_RECONCILE_EVERY = `${options.reconcileSeconds}s`;
  process.env.GATEHOUSE_DEV_PORTS = 'any';
  process.env.GATEHOUSE_LOAD_SAMPLES = samplesDir;
  process.env.GATEHOUSE_LOAD_GC_EVERY = String(options.gcEverySeconds ?? 0);
  const savedNodeOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${savedNodeOptions ?? ''} --import ${pathToFileURL(join(__dirname, 'process-monitor.mjs')).href}`.trim();
  log(`state in ${stateDir}; starting the stack (load average ${loadavg()[0]!.toFixed(2)})`);
  let stack;
  try {
    const policy = loadPolicy(stateDir, grantSeconds);
    stack = await startRetryingTakenPorts(() => startStack(stateDir, policy, 300_000), join(stateDir, 'stack.log'), { log });
  } finally {
    if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = savedNodeOptions;
  }
  const redisUrl = stack.lines.map((l) => /\[gatehouse\] Redis\s+(redis:\/\/\S+)/.exec(l)?.[1]).find(Boolean);
  const redis = redisUrl ? new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 }) : undefined;
  const system: SystemSample[] = [];
  const sampler = setInterval(() => {
    const sample: SystemSample = { t: Date.now(), load1: loadavg()[0]!, ...processFigures(stack.pid) };
    system.push(sample);
    void redis?.info('memory').then((info) => {
      const used = /used_memory:(\d+)/.exec(info)?.[1];
      if (used) sample.redisMb = Math.round(Number(used) / 1e5) / 10;
    }, () => undefined);
  }, 5_000);
  const observer = new IdentityObserver(stack.snowflake, stateDir);
  const allIds: string[] = [];
  try {
    observer.start();
    const credentials = readClientEnv(join(stateDir, ...AGENT_ENV));
    const api = new RefreshingApi(credentials, stack.api);

    // 1. The grants the sessions use.
    const grantsFrom = Date.now();
    log(`asking for ${options.grants} grants of ${grantSeconds} s`);
    const asked = await Promise.all(Array.from({ length: options.grants }, (_, i) => askOne(api, `${grantSeconds}s`, `load bench grant ${i}`, grantsFrom)));
    asked.forEach((a) => a.id && allIds.push(a.id));
    const grants: SessionGrant[] = asked.flatMap((a) => (a.view?.grant && a.id ? [{ requestId: a.id, mcpUrl: a.view.grant.mcpUrl, token: a.view.grant.token }] : []));
    log(`${grants.length}/${options.grants} grants ACTIVE in ${((Date.now() - grantsFrom) / 1000).toFixed(1)} s${asked.find((a) => a.error) ? ` (first failure: ${asked.find((a) => a.error)!.error})` : ''}`);
    if (grants.length === 0) throw new Error('no grant became ACTIVE: nothing to load');

    // 2. The MCP clients over them, and people beside them: each asks in Slack, is approved in the
    // thread and signs in at the gateway with that grant while the agents' clients open.
    const people = { asked: [] as string[], errors: [] as string[] };
    const mcpUrl = `${stack.mcp.replace(/\/mcp\/.*$/, '')}/mcp/${TARGET}`;
    const signingIn = openPeople({ localSlack: stack.localSlack, mcpUrl, count: options.people ?? 0, grantSeconds }).then((opened) => {
      people.asked.push(...opened.asked);
      people.errors.push(...opened.errors);
      allIds.push(...opened.asked);
      if (options.people) log(`${opened.sessions.length}/${options.people} people signed in with a grant approved in Slack${people.errors[0] ? ` (first failure: ${people.errors[0]})` : ''}`);
      return opened.sessions;
    });
    const sessions = emptySessionStats();
    log(`${options.clients} MCP clients (${options.legacy} of them 2025 sessions) over ${grants.length} grants and ${options.people ?? 0} people's clients for ${options.sessionSeconds} s once all are open`);
    const progress = setInterval(() => log(`  calls answered ${sessions.calls.answered}, failed ${sessions.calls.failed}; open ${sessions.opened['2025']} + ${sessions.opened['2026-07-28']}; load ${loadavg()[0]!.toFixed(2)}`), 30_000);
    const driven = await driveSessions({
      grants, clients: options.clients, legacy: options.legacy, thinkMs: options.thinkMs, openAtOnce: options.openAtOnce, durationMs: options.sessionSeconds * 1000, stats: sessions,
      people: signingIn,
    });
    clearInterval(progress);
    const { from: sessionsFrom, to: sessionsTo } = driven;
    log(`sessions done: opening took ${(driven.openMs / 1000).toFixed(1)} s; ${sessions.calls.answered} answered, ${sessions.calls.failed} failed`);

    // 3. Access requests through the REST API.
    const requestsFrom = Date.now();
    log(`${options.requests} access requests through the API (${options.inFlight} in flight), each revoked once ACTIVE`);
    const { outcomes } = options.requests > 0 ? await askMany(api, options.requests, options.inFlight, '10m') : { outcomes: [] };
    outcomes.forEach((o) => o.id && allIds.push(o.id));
    const requestsTo = Date.now();
    log(`requests done: ${outcomes.filter((o) => o.activeMs !== undefined).length} ACTIVE of ${outcomes.length}`);

    // 4. Every grant revoked (those that never answered ACTIVE too), then settle and check against ground truth.
    const answered = new Set([...outcomes.filter((o) => o.activeMs !== undefined).map((o) => o.id), ...people.asked]);
    await Promise.all(allIds.filter((id) => !answered.has(id)).map((id) => revoke(api, id, 'load bench: over')));
    await revokeInSlack(stack.localSlack, people.asked);
    const settleMs = (options.reconcileSeconds * 2 + 120) * 1000 + allIds.length * 500;
    log(`settling (at most ${Math.round(settleMs / 1000)} s)`);
    const settled = await settle(credentials, allIds, observer, Date.now() + settleMs, { ids: people.asked, state: personState(stack.localSlack) });
    await observer.stop();
    const admin = await connectAdmin(stack.snowflake, stateDir);
    const usersLeft = (await userNames(admin)).filter((n) => n.startsWith('GH_REQ_'));
    await admin.close();
    const evidence = await collectEvidence(stack, stateDir, allIds);
    const findings = checkInvariants({
      evidence, stats: sessions, snowflakeDataDir: join(stateDir, 'snowflake'), usersLeft, lastSeen: observer.lastSeen,
      outliveBoundMs: (options.reconcileSeconds + 15) * 1000, cutToleranceMs: 2_000,
    });
    const archiveOf = new Map(evidence.map((e) => [e.requestId, e.archiveText]));
    const answeredArchived: Invariant = { name: 'every call the client saw answered is in its archive', checked: 0, violations: [] };
    for (const marker of sessions.answered) {
      const requestId = sessions.markers.get(marker)!;
      answeredArchived.checked++;
      if (!archiveOf.get(requestId)?.includes(marker)) answeredArchived.violations.push(`${requestId}: ${marker} was answered but is not in the archive`);
    }
    await sleep(1_500);
    return {
      options, stateDir, phases: { grantsFrom, openMs: driven.openMs, sessionsFrom, sessionsTo, requestsFrom, requestsTo, end: Date.now() }, grantsActive: grants.length, people,
      sessions, requests: outcomes, samples: readSamples(samplesDir), system, findings, answeredArchived, settled,
    };
  } finally {
    clearInterval(sampler);
    await observer.stop();
    redis?.disconnect();
    await stack.stop();
  }
}
