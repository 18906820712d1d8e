import type { Logger } from '../lib';
import type { GatewayRecorder, RefusalsEntry } from './recording';

/** One refused request, as the gateway answered it. */
export interface Refusal {
  status: number;
  code: number;
  /** The gateway's word for it: too_many_sessions, rate_limited, wrong_target, ... */
  kind: string;
  message: string;
}

/** Whose grant a refusal counts against. */
export interface RefusedGrant {
  grantId: string;
  requestId: string;
}

interface Window {
  grant: RefusedGrant;
  from: string;
  to: string;
  total: number;
  counts: Map<string, { status: number; code: number; kind: string; count: number; example: string }>;
  timer: NodeJS.Timeout;
}

/**
 * Refused in-band (a JSON-RPC error on a 200, inside a session) or for a reused id (409): the
 * session has recorded the request and its refusal as entries of their own, so the window does
 * not count it again (it would be in the recording twice). It still counts for `counted`.
 */
export function recordedAlone(refusal: Pick<Refusal, 'status'>): boolean {
  return refusal.status === 200 || refusal.status === 409;
}

/** Kinds one window keeps apart; more are folded into "other" (the entry's size stays bounded). */
const MAX_KINDS = 16;
const EXAMPLE_CHARS = 500;

/**
 * Counts refusals per grant and writes them to the grant's session recording as one `refusals`
 * entry per window (default 5 s) instead of one entry per request: a flood of 100,000 refused
 * requests costs a few small entries, not 100,000 (and no Redis write on the hot path at all).
 * Counting is O(1) in memory; windows are bounded by `maxGrants` (the oldest is written early).
 * A write that fails (recording sealed after archival, Redis down) is logged: the requests were
 * refused anyway, so nothing is let through for it.
 */
export class RefusalTally {
  private readonly windows = new Map<string, Window>();
  private readonly totals = new Map<string, Map<string, number>>();
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly recorder: GatewayRecorder,
    private readonly log: Logger,
    private readonly windowMs = 5_000,
    private readonly maxGrants = 10_000,
  ) {}

  note(grant: RefusedGrant, refusal: Refusal, at = new Date()): void {
    const totals = this.totals.get(grant.grantId) ?? new Map<string, number>();
    totals.set(refusal.kind, (totals.get(refusal.kind) ?? 0) + 1);
    if (!this.totals.has(grant.grantId)) {
      if (this.totals.size >= this.maxGrants) this.totals.delete(this.totals.keys().next().value as string);
      this.totals.set(grant.grantId, totals);
    }
    if (recordedAlone(refusal)) return;
    const when = at.toISOString();
    let window = this.windows.get(grant.grantId);
    if (!window) {
      if (this.windows.size >= this.maxGrants) this.flushOne(this.windows.keys().next().value as string);
      const timer = setTimeout(() => this.flushOne(grant.grantId), this.windowMs);
      timer.unref();
      window = { grant, from: when, to: when, total: 0, counts: new Map(), timer };
      this.windows.set(grant.grantId, window);
    }
    window.to = when;
    window.total += 1;
    const kind = window.counts.has(refusal.kind) || window.counts.size < MAX_KINDS - 1 ? refusal.kind : 'other';
    const count = window.counts.get(kind);
    if (count) count.count += 1;
    else window.counts.set(kind, { status: refusal.status, code: refusal.code, kind, count: 1, example: refusal.message.slice(0, EXAMPLE_CHARS) });
  }

  /** Refusals counted for a grant since this gateway started, by kind, those recorded alone included (for ops and tests). */
  counted(grantId: string): Record<string, number> {
    return Object.fromEntries(this.totals.get(grantId) ?? []);
  }

  /** Writes a grant's open window now (a revocation: before the recording is sealed). */
  flush(grantId: string): Promise<void> {
    this.flushOne(grantId);
    return this.settled();
  }

  /** Writes every open window and waits for the writes (the gateway is closing). */
  async close(): Promise<void> {
    for (const grantId of [...this.windows.keys()]) this.flushOne(grantId);
    await this.settled();
  }

  private async settled(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  private flushOne(grantId: string): void {
    const window = this.windows.get(grantId);
    if (!window) return;
    this.windows.delete(grantId);
    clearTimeout(window.timer);
    const entry: RefusalsEntry = {
      from: window.from, to: window.to, total: window.total,
      counts: [...window.counts.values()].map((c) => ({ status: c.status, code: c.code, kind: c.kind, count: c.count, ...(c.example ? { example: c.example } : {}) })),
    };
    const write = (this.recorder.refusals?.(window.grant.requestId, entry) ?? Promise.resolve())
      .then(() => undefined, (error: Error) => {
        this.log.warn({ requestId: window.grant.requestId, grantId, refused: window.total, err: error.message }, 'could not record refused requests');
      })
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }
}
