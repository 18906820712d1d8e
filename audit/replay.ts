import type { Archive } from './archive';

export interface ReplayStep {
  /** 1-based position in the session. */
  step: number;
  at: string;
  /** Milliseconds since the first step. */
  offsetMs: number;
  seq: number;
  entry: Record<string, unknown>;
}

/** The session recording of an archive as ordered steps with timestamps (lifecycle events left out). */
export function replaySteps(archive: Pick<Archive, 'records'>, options: { includeEvents?: boolean } = {}): ReplayStep[] {
  const chosen = archive.records
    .filter((r) => options.includeEvents || r.kind === 'recording')
    .slice()
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.seq - b.seq);
  const start = chosen[0] ? Date.parse(chosen[0].at) : 0;
  return chosen.map((r, i) => ({
    step: i + 1,
    at: r.at,
    offsetMs: Date.parse(r.at) - start,
    seq: r.seq,
    entry: options.includeEvents ? { kind: r.kind, ...r.body } : r.body,
  }));
}
