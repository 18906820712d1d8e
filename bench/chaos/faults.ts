import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pidsOf, signal, type Part } from './parts';
import type { Random } from './random';

/** What a fault does: a SIGKILL of a part (restarted by the supervisor), Redis losing its data, or a stalled upstream. */
export type FaultKind =
  | 'kill-worker' | 'kill-gateway' | 'kill-api' | 'kill-slack-app'
  | 'kill-redis' | 'kill-redis-no-persistence' | 'kill-temporal' | 'kill-snowflake'
  | 'stall-upstream';

export const FAULT_KINDS: readonly FaultKind[] = [
  'kill-worker', 'kill-gateway', 'kill-api', 'kill-slack-app', 'kill-redis', 'kill-redis-no-persistence', 'kill-temporal', 'kill-snowflake', 'stall-upstream',
];

export interface FaultEvent { at: string; offsetMs: number; kind: FaultKind; pids: number[]; note?: string }

const PART_OF: Record<FaultKind, Part> = {
  'kill-worker': 'worker', 'kill-gateway': 'gateway', 'kill-api': 'api', 'kill-slack-app': 'slack-app',
  'kill-redis': 'redis', 'kill-redis-no-persistence': 'redis', 'kill-temporal': 'temporal', 'kill-snowflake': 'snowflake',
  'stall-upstream': 'upstream',
};

/** The plan: `count` faults at seeded moments within `durationMs`, each of a seeded kind. */
export function planFaults(random: Random, count: number, durationMs: number, kinds: readonly FaultKind[] = FAULT_KINDS): { offsetMs: number; kind: FaultKind }[] {
  const plan = Array.from({ length: count }, () => ({ offsetMs: Math.floor(random.next() * durationMs), kind: random.pick(kinds) }));
  return plan.sort((a, b) => a.offsetMs - b.offsetMs);
}

/**
 * Carries out one fault against the stack below `root`. Kills are SIGKILLs of the part's whole
 * process group; the stack's supervisor (GATEHOUSE_DEV_RESTART=1) starts it again. `kill-worker`
 * takes one worker process when the stack runs several (a pod of a deployment, not all of them). Redis "without
 * persistence" also loses its append-only file before it comes back. A stall stops every upstream
 * MCP server process (SIGSTOP) for 2–8 s.
 */
export async function inject(kind: FaultKind, root: number, stateDir: string, random: Random): Promise<{ pids: number[]; note?: string }> {
  // Upstream servers run only while sessions are open: wait a little for one.
  let pids = pidsOf(root, PART_OF[kind]);
  for (let waited = 0; !pids.length && kind === 'stall-upstream' && waited < 15_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    pids = pidsOf(root, PART_OF[kind]);
  }
  if (!pids.length) return { pids, note: `no ${PART_OF[kind]} process was running` };
  if (kind === 'stall-upstream') {
    const ms = random.between(2_000, 8_000);
    pids.forEach((pid) => signal(pid, 'SIGSTOP'));
    setTimeout(() => pids.forEach((pid) => signal(pid, 'SIGCONT')), ms).unref();
    return { pids, note: `stopped for ${ms} ms` };
  }
  if (kind === 'kill-worker') pids = [random.pick(pids)];
  pids.forEach((pid) => signal(pid, 'SIGKILL', true));
  if (kind === 'kill-redis-no-persistence') {
    // The supervisor waits 1 s before the restart: time enough to lose the data.
    rmSync(join(stateDir, 'redis', 'appendonlydir'), { recursive: true, force: true });
    rmSync(join(stateDir, 'redis', 'dump.rdb'), { force: true });
  }
  return { pids };
}
