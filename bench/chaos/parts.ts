import { spawnSync } from 'node:child_process';

/** The parts of the dev stack a fault can hit, told apart by their command lines. */
export const PARTS = {
  worker: /bin\/gatehouse\.js worker\b/,
  api: /bin\/gatehouse\.js api\b/,
  gateway: /bin\/gatehouse\.js gateway\b/,
  'slack-app': /bin\/gatehouse\.js slack-app\b/,
  slack: /bin\/gatehouse\.js devstack slack\b/,
  snowflake: /bin\/gatehouse\.js devstack snowflake\b/,
  redis: /^redis-server\b/,
  temporal: /\btemporal server start-dev\b/,
  upstream: /mcp-servers\/snowflake\/main\.ts/,
} as const;
export type Part = keyof typeof PARTS;

interface Proc { pid: number; ppid: number; args: string }

function processes(): Proc[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return ps.stdout.split('\n').map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
}

/** The pids of `part` running below `root` (the dev stack's supervisor). */
export function pidsOf(root: number, part: Part): number[] {
  const all = processes();
  const below = new Set<number>([root]);
  // Parents come before children in ps's order only usually: walk until nothing is added.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (below.has(p.ppid) && !below.has(p.pid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  // A process started through node's own launcher (tsx) shows twice: keep the outermost.
  const matching = all.filter((p) => below.has(p.pid) && PARTS[part].test(p.args));
  const pids = new Set(matching.map((p) => p.pid));
  return matching.filter((p) => !pids.has(p.ppid)).map((p) => p.pid);
}

/** Signals a process; `group` takes what it started too (each part leads a process group of its own). */
export function signal(pid: number, sig: NodeJS.Signals, group = false): boolean {
  try {
    process.kill(group ? -pid : pid, sig);
    return true;
  } catch {
    if (!group) return false;
    return signal(pid, sig, false);
  }
}
