// When no worker was running during a chaos run, read from the dev stack's own output: the
// supervisor's "<name> ended" line takes a worker process down, its "worker running" line brings it
// back up. With several worker processes (GATEHOUSE_DEV_WORKERS) a gap is a time when every one of
// them was down. Only a running worker revokes (the expiry timer's activity) or reconciles, so an
// identity's outlive is told apart into the time no worker ran and the rest (bench/chaos/invariants.ts).

export interface Gap { from: number; to?: number }

/** The dev stack's worker processes by their log prefix: `worker`, then `worker-2` ... (devstack/bootstrap/dev-mode.ts). */
export const workerNames = (count: number): string[] => Array.from({ length: count }, (_, i) => (i === 0 ? 'worker' : `worker-${i + 1}`));

const ENDED = /^\[(worker(?:-\d)?)\s*\] \[supervisor\] worker(?:-\d)? ended/;
const RUNNING = /^\[(worker(?:-\d)?)\s*\] .*\bworker running\b/;

/** Which of `names` is up after each line: `up` is changed in place; true when the line was about a worker. */
function apply(up: Set<string>, names: readonly string[], line: string): boolean {
  const ended = ENDED.exec(line)?.[1];
  if (ended && names.includes(ended)) {
    up.delete(ended);
    return true;
  }
  const running = RUNNING.exec(line)?.[1];
  if (running && names.includes(running)) {
    up.add(running);
    return true;
  }
  return false;
}

/** The gaps in `lines` (each line with the time it was seen), `upAtFirst` running at the first line (default: every one of `names`). */
export function workerGaps(lines: readonly { at: number; line: string }[], names: readonly string[] = ['worker'], upAtFirst: Iterable<string> = names): Gap[] {
  const gaps: Gap[] = [];
  const up = new Set(upAtFirst);
  for (const { at, line } of lines) {
    if (!apply(up, names, line)) continue;
    const open = gaps[gaps.length - 1];
    const inGap = open !== undefined && open.to === undefined;
    if (up.size === 0 && !inGap) gaps.push({ from: at });
    else if (up.size > 0 && inGap) open.to = at;
  }
  return gaps;
}

/** How much of [from, to] fell in a gap (an open gap lasts until `to`). */
export function downWithin(gaps: readonly Gap[], from: number, to: number): number {
  let down = 0;
  for (const gap of gaps) {
    const start = Math.max(from, gap.from);
    const end = Math.min(to, gap.to ?? to);
    if (end > start) down += end - start;
  }
  return down;
}

/** Watches a growing list of stack output lines, stamping each with the time it was first seen. */
export class WorkerUptime {
  private readonly seen: { at: number; line: string }[] = [];
  private read = 0;
  private timer?: NodeJS.Timeout;
  /** Who is up now; the lines before `start` say who had come up by then. */
  private readonly up = new Set<string>();
  private upAtStart: string[] = [];

  constructor(private readonly lines: readonly string[], private readonly names: readonly string[] = ['worker']) {}

  start(): void {
    // The stack is ready when its first worker runs: a later one may still be starting.
    for (; this.read < this.lines.length; this.read++) apply(this.up, this.names, this.lines[this.read]!);
    this.upAtStart = [...this.up];
    this.timer = setInterval(() => this.poll(), 250);
  }

  stop(): void {
    this.poll();
    if (this.timer) clearInterval(this.timer);
  }

  gaps(): Gap[] {
    return workerGaps(this.seen, this.names, this.upAtStart);
  }

  /** The worker processes running now (by name). */
  running(): Set<string> {
    this.poll();
    return new Set(this.up);
  }

  private poll(): void {
    const now = Date.now();
    for (; this.read < this.lines.length; this.read++) {
      const line = this.lines[this.read]!;
      apply(this.up, this.names, line);
      this.seen.push({ at: now, line });
    }
  }
}
