// When no worker was running during a chaos run, read from the dev stack's own output: the
// supervisor's "worker ended" line starts a gap, the worker's "worker running" line ends it. Only
// a running worker revokes (the expiry timer's activity) or reconciles, so an identity's outlive
// is told apart into the time no worker ran and the rest (bench/chaos/invariants.ts).

export interface Gap { from: number; to?: number }

const ENDED = /^\[worker\s*\] \[supervisor\] worker ended/;
const RUNNING = /^\[worker\s*\] .*\bworker running\b/;

/** The gaps in `lines` (each line with the time it was seen), the worker running at `since`. */
export function workerGaps(lines: readonly { at: number; line: string }[]): Gap[] {
  const gaps: Gap[] = [];
  for (const { at, line } of lines) {
    const open = gaps[gaps.length - 1];
    if (ENDED.test(line) && (!open || open.to !== undefined)) gaps.push({ from: at });
    else if (RUNNING.test(line) && open && open.to === undefined) open.to = at;
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

  constructor(private readonly lines: readonly string[]) {}

  start(): void {
    this.read = this.lines.length;
    this.timer = setInterval(() => this.poll(), 250);
  }

  stop(): void {
    this.poll();
    if (this.timer) clearInterval(this.timer);
  }

  gaps(): Gap[] {
    return workerGaps(this.seen);
  }

  private poll(): void {
    const now = Date.now();
    for (; this.read < this.lines.length; this.read++) this.seen.push({ at: now, line: this.lines[this.read]! });
  }
}
