// One chaos run: the dev stack with a short-grant policy and a supervisor that restarts what is
// killed, agents driving it, seeded faults, a settle period, then the invariants.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { auditContext } from '../../cli/commands/audit';
import { ApiAgent, clientCredentialsToken, readClientEnv, type ClientCredentials } from '../../devstack/demo/agent';
import { connectAdmin, userNames } from '../../devstack/demo/evidence';
import { startStack, type DemoStack } from '../../devstack/demo/stack';
import { storedDevelopmentKey } from '../../devstack/dev-keys';
import { projectRoot } from '../../lib';
import { LocalSlackPeople } from '../../devstack/demo/slack';
import { drive, PERSON, TARGET, type DriverStats } from './driver';
import { inject, planFaults, type FaultEvent, type FaultKind } from './faults';
import { checkInvariants, type Findings, type RequestEvidence } from './invariants';
import { IdentityObserver } from './observer';
import { Random } from './random';
import { startRetryingTakenPorts } from './stack-start';
import { WorkerUptime, workerNames, type Gap } from './worker-uptime';

export interface ChaosOptions {
  seed: number;
  durationMs: number;
  faults: number;
  concurrency: number;
  /** People asking in the local Slack beside the agents (default 1). */
  people?: number;
  /**
   * Worker processes on the task queue (default 2, as a deployment runs them): kill-worker kills one
   * at a time, once every worker runs, so revocation and reconciliation always have a worker.
   */
  workers?: number;
  grantSeconds: number;
  reconcileSeconds: number;
  kinds?: readonly FaultKind[];
  /**
   * What a run must have done to prove anything (the CI variant: a read answered, a person's
   * request decided): agents go on after `durationMs` until it holds, at most `maxExtraSeconds` more.
   * The faults stay where the seed put them.
   */
  enough?: (stats: DriverStats) => boolean;
  maxExtraSeconds?: number;
  /** The longest settle period (default: two grants, two reconciliation passes and a minute). */
  settleSeconds?: number;
  stateDir?: string;
  log?: (line: string) => void;
}

export interface ChaosResult {
  options: ChaosOptions;
  stats: DriverStats;
  /** How long the agents drove (longer than durationMs when `enough` asked for more). */
  drivenMs: number;
  faults: FaultEvent[];
  findings: Findings;
  identitySamples: number;
  /** When no worker was running (from the stack's output). */
  workerGaps: Gap[];
  stateDir: string;
}

const AGENT = 'agent:claims-etl';

/** The demo's policy with short grants, auto-approval for the agent and quick approval and command timeouts. */
export function chaosPolicy(stateDir: string, grantSeconds: number): string {
  type Yaml = Record<string, unknown>;
  const config = parse(readFileSync(join(projectRoot, 'devstack/demo/gatehouse.demo.yaml'), 'utf8')) as Yaml & { defaults: Yaml; targets: Yaml[] };
  // A person's request nobody could decide (the Slack app down for every try) expires within the settle period.
  config.defaults = { ...config.defaults, approvalTimeout: `${grantSeconds * 2}s`, commandApprovalTimeout: '20s', expiringSoonWarning: '5s' };
  const target = config.targets.find((t) => t.name === TARGET)!;
  target.maxDuration = `${grantSeconds * 2}s`;
  target.autoApprove = [{ requesters: [AGENT], maxDuration: `${grantSeconds * 2}s` }];
  const file = join(stateDir, 'chaos-policy.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (at most 15 s) until the stack's output says a worker process ended. */
async function untilAWorkerIsDown(uptime: WorkerUptime, count: number): Promise<void> {
  for (const deadline = Date.now() + 15_000; uptime.running().size >= count && Date.now() < deadline;) await sleep(100);
}

/** Runs `start` with GATEHOUSE_DEV_WORKERS set to `count` (the dev stack reads it once, as it starts). */
async function withWorkers<T>(count: number, start: () => Promise<T>): Promise<T> {
  const saved = process.env.GATEHOUSE_DEV_WORKERS;
  process.env.GATEHOUSE_DEV_WORKERS = String(count);
  try {
    return await start();
  } finally {
    if (saved === undefined) delete process.env.GATEHOUSE_DEV_WORKERS;
    else process.env.GATEHOUSE_DEV_WORKERS = saved;
  }
}

/** How long a worker kill waits for the worker killed before it to be running again. */
const OTHER_WORKER_WAIT_MS = 180_000;

/**
 * Waits until every worker process runs (a kill before would take the last one: a double fault
 * no deployment of two survives, and one the chaos run does not claim to). Undefined once they
 * run, else a note for the fault table that starts with "no ", as for a part not running.
 */
async function untilEveryWorkerRuns(uptime: WorkerUptime, count: number): Promise<string | undefined> {
  const deadline = Date.now() + OTHER_WORKER_WAIT_MS;
  while (uptime.running().size < count) {
    if (Date.now() > deadline) return `no ${count - uptime.running().size} of ${count} workers running after ${OTHER_WORKER_WAIT_MS / 1000} s: none killed`;
    await sleep(250);
  }
  return undefined;
}

export async function collectEvidence(stack: DemoStack, stateDir: string, requestIds: string[]): Promise<RequestEvidence[]> {
  const env = {
    ...process.env, GATEHOUSE_STATE_DIR: stateDir, TEMPORAL_ADDRESS: stack.temporal, GATEHOUSE_CONFIG: join(stateDir, 'gatehouse.demo.yaml'),
    GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS || storedDevelopmentKey(stateDir, 'GATEHOUSE_PAYLOAD_KEYS') || '',
  };
  const saved = process.env.GATEHOUSE_STATE_DIR;
  process.env.GATEHOUSE_STATE_DIR = stateDir;
  const ctx = await auditContext(env);
  try {
    const out: RequestEvidence[] = [];
    for (const requestId of requestIds) {
      try {
        const item = await ctx.reader.evidence(requestId);
        const archiveText = item.archive ? JSON.stringify(item.archive.records) : undefined;
        const headOk = !item.history.status.archive || item.archive?.manifest.manifest.head === item.history.status.archive.digest;
        out.push({
          requestId, status: item.history.status, ...(archiveText !== undefined ? { archiveText } : {}),
          verified: Boolean(item.report?.ok) && headOk,
          ...(item.report && !item.report.ok ? { problem: item.report.problems.map((p) => p.message).join('; ') } : item.note ? { problem: item.note } : {}),
        });
      } catch (error) {
        out.push({ requestId, problem: (error as Error).message });
      }
    }
    return out;
  } finally {
    await ctx.close();
    if (saved === undefined) delete process.env.GATEHOUSE_STATE_DIR;
    else process.env.GATEHOUSE_STATE_DIR = saved;
  }
}

const TERMINAL = new Set(['ARCHIVED', 'DENIED', 'EXPIRED_UNAPPROVED', 'FAILED']);

/**
 * Waits until every request is terminal and Snowflake lists no grant identity, or the deadline.
 * The agent's token sees its own requests only: a person's are read as the person reads them,
 * with `/access status` in the local Slack (`people`).
 */
export async function settle(credentials: ClientCredentials, requestIds: string[], observer: IdentityObserver, deadline: number, people?: { ids: readonly string[]; state(id: string): Promise<string | undefined> }): Promise<boolean> {
  // A terminal state stays terminal: only the others are asked again (hundreds of requests each
  // asked every 5 s keep a busy API answering 503, and one 503 would spoil the whole round).
  const open = new Set(requestIds);
  while (Date.now() < deadline) {
    await sleep(5_000);
    try {
      const api = new ApiAgent(credentials.apiUrl, await clientCredentialsToken(credentials, 'access:request'));
      const asked = new Set(people?.ids ?? []);
      for (const id of [...open]) {
        const state = asked.has(id) ? await people!.state(id).catch(() => undefined) : await api.view(id).then((v) => v.state, () => undefined);
        if (state && TERMINAL.has(state)) open.delete(id);
      }
      const users = await observer.sample();
      if (open.size === 0 && users?.length === 0) return true;
    } catch {
      // a part is still coming back: try again
    }
  }
  return false;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`[chaos] ${line}\n`));
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-chaos-'));
  const random = new Random(options.seed);
  // The stack's supervisor restarts what a fault kills; the worker reconciles identities often.
  process.env.GATEHOUSE_DEV_RESTART = '1';
  process.env.GATEHOUSE_RECONCILE_EVERY = `${options.reconcileSeconds}s`;
  const workers = options.workers ?? 2;
  log(`seed ${options.seed}; state in ${stateDir}; starting the stack`);
  const policy = chaosPolicy(stateDir, options.grantSeconds);
  const stack = await withWorkers(workers, () => startRetryingTakenPorts(() => startStack(stateDir, policy, 300_000), join(stateDir, 'stack.log'), { log }));
  const observer = new IdentityObserver(stack.snowflake, stateDir);
  const uptime = new WorkerUptime(stack.lines, workerNames(workers));
  uptime.start();
  const faults: FaultEvent[] = [];
  try {
    log(`stack ready (pid ${stack.pid}, ${workers} worker process(es)); driving ${options.concurrency} agents and ${options.people ?? 1} person(s) in Slack for ${options.durationMs / 1000} s with ${options.faults} faults`);
    observer.start();
    const started = Date.now();
    const until = started + options.durationMs;
    const plan = planFaults(new Random(options.seed ^ 0x5eed), options.faults, options.durationMs, options.kinds);
    // Worker kills wait for every worker to run, one after another; the other faults keep their moments.
    let workerKills: Promise<void> = Promise.resolve();
    const record = (kind: FaultKind, done: { pids: number[]; note?: string }) => {
      const event: FaultEvent = { at: new Date().toISOString(), offsetMs: Date.now() - started, kind, ...done };
      faults.push(event);
      log(`fault ${faults.length}/${plan.length} at +${Math.round(event.offsetMs / 1000)} s: ${kind}${done.note ? ` (${done.note})` : ''}`);
    };
    const killOneWorker = async () => {
      const waited = Date.now();
      const notAll = await untilEveryWorkerRuns(uptime, workers);
      if (notAll) return record('kill-worker', { pids: [], note: notAll });
      const late = Date.now() - waited > 1_000 ? `waited ${Math.round((Date.now() - waited) / 1000)} s for every worker to run` : undefined;
      const done = await inject('kill-worker', stack.pid, stateDir, random);
      // The next kill must see this one: the supervisor's "ended" line comes a moment after the kill.
      if (done.pids.length) await untilAWorkerIsDown(uptime, workers);
      record('kill-worker', { ...done, ...(late ? { note: [late, done.note].filter(Boolean).join('; ') } : {}) });
    };
    const injecting = (async () => {
      for (const fault of plan) {
        await sleep(Math.max(0, started + fault.offsetMs - Date.now()));
        if (fault.kind === 'kill-worker' && workers > 1) workerKills = workerKills.then(killOneWorker);
        else record(fault.kind, await inject(fault.kind, stack.pid, stateDir, random));
      }
      await workerKills;
    })();
    const credentials = readClientEnv(join(stateDir, 'oidc', 'clients', 'agent_claims-etl.env'));
    const mcpUrl = `${stack.mcp.replace(/\/mcp\/.*$/, '')}/mcp/${TARGET}`;
    const stats = await drive({
      credentials, localSlack: stack.localSlack, mcpUrl, random, concurrency: options.concurrency, until, grantSeconds: options.grantSeconds, people: options.people ?? 1,
      ...(options.enough ? { enough: options.enough, latest: until + (options.maxExtraSeconds ?? 0) * 1000 } : {}),
    });
    const drivenMs = Date.now() - started;
    await injecting;
    // Settle: every grant ends, revocation and reconciliation run, archives are written.
    const settleMs = (options.settleSeconds ?? options.grantSeconds * 2 + 15 + options.reconcileSeconds * 2 + 30) * 1000;
    log(`driving done: ${stats.requests.length} requests; settling (at most ${settleMs / 1000} s)`);
    const slack = new LocalSlackPeople(stack.localSlack);
    const settled = await settle(credentials, stats.requests, observer, Date.now() + settleMs, { ids: stats.people.requests, state: (id) => slack.state(PERSON, id) });
    log(settled ? 'settled: every request is terminal and no grant identity is left' : 'not settled in time: checking what is there');
    await observer.stop();
    uptime.stop();
    const admin = await connectAdmin(stack.snowflake, stateDir);
    const usersLeft = (await userNames(admin)).filter((n) => n.startsWith('GH_REQ_'));
    await admin.close();
    const evidence = await collectEvidence(stack, stateDir, stats.requests);
    const workerGaps = uptime.gaps();
    const findings = checkInvariants({
      evidence, stats, snowflakeDataDir: join(stateDir, 'snowflake'), usersLeft, lastSeen: observer.lastSeen,
      outliveBoundMs: (options.reconcileSeconds + 15) * 1000, cutToleranceMs: 2_000, workerGaps,
    });
    return { options, stats, drivenMs, faults, findings, identitySamples: observer.samples, workerGaps, stateDir };
  } finally {
    uptime.stop();
    await observer.stop();
    await stack.stop();
  }
}
