import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The stack's processes by role: those started with its private state folder in their environment. */
export function stackProcesses(stateDir: string): { worker: number[]; temporal: number[]; rest: number[] } {
  const out = { worker: [] as number[], temporal: [] as number[], rest: [] as number[] };
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`GATEHOUSE_STATE_DIR=${stateDir}`)) continue;
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.endsWith('gatehouse.js')) && argv.includes('worker')) out.worker.push(pid);
      else if (argv[0]?.endsWith('temporal') && argv.includes('server')) out.temporal.push(pid);
      // The API, gateway, Slack app, local Slack, local Snowflake, OIDC provider, Redis and the supervisor.
      else if (pid !== process.pid) out.rest.push(pid);
    } catch {
      /* gone, or not ours */
    }
  }
  return out;
}

/**
 * CPU seconds per thread kind of the processes so far, by the thread's name with digits dropped: the
 * main thread ("node"), libuv's pool ("libuv-worker": key generation, zlib, fs), V8's helpers, the
 * Temporal core's Rust threads ("tokio-runtime-w" and the like) and the workflow threads.
 */
export function threadCpuSeconds(pids: number[], stateDir: string): Map<string, number> {
  const out = new Map<string, number>();
  const known = new Map<string, string>();
  try {
    const names = join(stateDir, 'bench-js-threads');
    for (const tid of readdirSync(names)) known.set(tid, readFileSync(join(names, tid), 'utf8'));
  } catch {
    /* not written (yet) */
  }
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+/g, '#').trim();
        const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
        const label = known.get(tid) ?? (name === 'node' ? 'other node threads (libuv pool: key pairs; V8 helpers)' : name);
        out.set(label, (out.get(label) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

/** CPU seconds (user + system) the processes have used so far. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}
