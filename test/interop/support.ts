import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHarness, testConfig, waitForState, waitForStatus, type Harness } from '../support/harness';
import { everythingServer, startTestGateway, type TestGateway } from '../proxy/support';

// The gateway as third-party MCP clients meet it: the real access workflow, Redis and
// server-everything (its echo "message" is declared SQL, so a write is held and an MRN is masked).
const everything = `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }`;
/** The interop policy with another upstream in place of server-everything (one that has an echo tool taking `message`). */
export const interopConfig = (upstream = everything): string => `
version: 1
defaults: { maxDuration: 1h, approvalTimeout: 30s, commandApprovalTimeout: 60s, expiringSoonWarning: 1s }
groups:
  approvers: [alice@example.org, bob@example.org]
targets:
  - name: clinical
    upstream: ${upstream}
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    maxDuration: 10m
    commands:
      tools: [echo]
      sqlArguments: [message]
      approvalTimeout: 60s
      maxHeld: 3
`;
export const INTEROP_CONFIG = interopConfig();

/** What every client is asked to send; the MRN must come back masked. */
export const INTEROP_CALLS = {
  read: "SELECT name FROM clinical.phi.patients WHERE mrn = 'MRN-0012345'",
  write: "UPDATE clinical.phi.patients SET city = 'Boston' WHERE mrn = 'MRN-0012345'",
  waitedWrite: "UPDATE clinical.phi.patients SET city = 'Salem' WHERE mrn = 'MRN-0067890'",
  cancelledWrite: "DELETE FROM clinical.phi.encounters WHERE id = 7",
};

export interface InteropStack {
  h: Harness;
  gw: TestGateway;
  requestId: string;
  token: string;
  url: string;
  pendingIds(): Promise<string[]>;
  /** Approves the one pending command that is not `except` (the hold a client waits on). */
  approveWaiting(except: string[]): Promise<string>;
  /** Waits until the workflow records `commandId`'s withdrawal by the client and Slack hears of it. */
  withdrawn(predicate: (reason: string) => boolean): Promise<{ commandId: string; reason: string }>;
  close(): Promise<void>;
}

export async function startInteropStack(config = INTEROP_CONFIG): Promise<InteropStack> {
  const h = await startHarness({ config: testConfig(config) });
  const gw = await startTestGateway({ config, reviewer: h.access, grants: h.grants, vault: h.vault });
  const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 5 * 60_000, reason: 'interop' });
  await h.access.approve(requestId, 'alice@example.org');
  const token = h.grants.tokenFor((await waitForState(h.access, requestId, 'ACTIVE')).grantId!);
  const pendingIds = async () => (await h.access.status(requestId)).commands.filter((c) => c.outcome === 'pending').map((c) => c.commandId);
  return {
    h, gw, requestId, token, url: `${gw.url}/mcp/clinical`, pendingIds,
    async approveWaiting(except) {
      const status = await waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.outcome === 'pending' && !except.includes(c.commandId)));
      const waiting = status.commands.find((c) => c.outcome === 'pending' && !except.includes(c.commandId))!;
      await h.access.decideCommand(requestId, waiting.commandId, 'bob@example.org', true);
      return waiting.commandId;
    },
    async withdrawn(predicate) {
      const status = await waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.outcome === 'withdrawn' && predicate(c.reason ?? '')));
      const command = status.commands.find((c) => c.outcome === 'withdrawn' && predicate(c.reason ?? ''))!;
      return { commandId: command.commandId, reason: command.reason ?? '' };
    },
    async close() {
      await h.access.revoke(requestId, 'carol@example.org', 'interop over').catch(() => undefined);
      await gw.close();
      await h.close();
    },
  };
}

/** The Go toolchain: GO, else /usr/local/go/bin/go, else `go` on PATH; undefined when truly absent. */
export function goToolchain(): string | undefined {
  const candidates = [process.env.GO, '/usr/local/go/bin/go', 'go'].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Builds a client under test/interop/ (its own go.mod and go.sum) into a cache folder; returns the binary. */
export function buildGoClient(go: string, folder: 'go-client' | 'go-modern-client' | 'mcp-go-client' = 'go-client'): string {
  const out = join(process.env.GATEHOUSE_CACHE_DIR ?? join(homedir(), '.cache', 'gatehouse'), 'interop');
  mkdirSync(out, { recursive: true });
  const binary = join(out, `gatehouse-interop-${folder}`);
  // Go needs a home for its module and build caches; CI's environment may not set HOME.
  const env = { ...process.env, HOME: process.env.HOME || homedir() };
  // Two suites (on the two jest workers) may build the same client at once: each writes its own
  // file and renames it into place, so neither runs a binary the other is still writing.
  const building = `${binary}.${process.pid}.${Date.now()}`;
  execFileSync(go, ['build', '-o', building, '.'], { cwd: join(__dirname, folder), env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (!existsSync(building)) throw new Error(`go build wrote no ${building}`);
  renameSync(building, binary);
  return binary;
}

/** A Go interop client started against the stack, told what to send; `stderr()` is what it said there. */
export interface GoClientRun {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
  stderr(): string;
}

/**
 * Starts a client built by `buildGoClient` with the stack's URL, token and INTEROP_CALLS (and
 * nothing else of this environment); `env` replaces some of them (an empty INTEROP_WRITE: no held writes).
 */
export function runGoClient(binary: string, stack: Pick<InteropStack, 'url' | 'token'>, env: Record<string, string> = {}): GoClientRun {
  const child = spawn(binary, [], {
    env: {
      PATH: process.env.PATH ?? '', GATEHOUSE_MCP_URL: stack.url, GATEHOUSE_GRANT_TOKEN: stack.token,
      INTEROP_READ: INTEROP_CALLS.read, INTEROP_WRITE: INTEROP_CALLS.write,
      INTEROP_WAITED_WRITE: INTEROP_CALLS.waitedWrite, INTEROP_CANCELLED_WRITE: INTEROP_CALLS.cancelledWrite,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** One line a Go interop client printed: the step and what it saw. */
export interface GoStep { step: string; [k: string]: unknown }

/**
 * Reads a client's steps to its end, deciding its held commands in the access workflow as they
 * come: each new command once its approval request reached the client, the first approved, the
 * others denied with `denyReason`; then the client is told to continue. A command held again (its
 * decision still on the way to the gateway's board) gets one more retry after 500 ms.
 */
export async function followGoSteps(run: GoClientRun, stack: InteropStack, denyReason: string): Promise<{ steps: GoStep[]; decided: Map<string, boolean> }> {
  const steps: GoStep[] = [];
  const decided = new Map<string, boolean>();
  const reactions: Promise<unknown>[] = [];
  const react = async (step: GoStep) => {
    const commandId = /command (cmd_\w+)/i.exec(String(step.message))?.[1];
    if (!commandId) throw new Error(`the held answer names no command: ${String(step.message)}`);
    if (decided.has(commandId)) {
      await sleep(500);
    } else {
      const approve = decided.size === 0;
      decided.set(commandId, approve);
      await stack.h.access.decideCommand(stack.requestId, commandId, 'bob@example.org', approve, approve ? undefined : denyReason);
    }
    run.child.stdin.write('continue\n');
  };
  for await (const line of createInterface({ input: run.child.stdout })) {
    const step = JSON.parse(line) as GoStep;
    steps.push(step);
    if (step.step === 'held') reactions.push(react(step));
  }
  await Promise.all(reactions);
  return { steps, decided };
}
