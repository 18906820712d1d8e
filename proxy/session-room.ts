/** What the gateway knows of a grant's live session when the grant is at its session limit. */
export interface RoomCandidate {
  /** When the client last sent an HTTP request on it. */
  lastActivity: number;
  /** HTTP exchanges open on it now: POSTs being answered, GET streams listening. */
  openRequests: number;
  /** Client requests the upstream (or an approver) has not answered yet. */
  pendingCalls: number;
}

export interface RoomRules {
  /** A session with nothing open and nothing pending for this long was abandoned (no DELETE came). */
  evictAbandonedAfterMs: number;
  /** A session still connected but without a request for this long may make way too. */
  evictIdleAfterMs: number;
}

export interface Eviction<T> { session: T; why: 'abandoned' | 'idle'; idleMs: number }

/**
 * Which session makes way for a new one when a grant is at its session limit, if any:
 * - first an abandoned one: no HTTP request open on it (no call in flight, no listening GET
 *   stream) and nothing pending, for `evictAbandonedAfterMs`. Clients that end without DELETE
 *   (the conformance suite, most SDK clients on exit, desktop apps on restart) leave exactly this;
 * - else one whose client is still connected but has sent nothing for `evictIdleAfterMs`.
 * The least recently used of each kind goes first. The limit itself never moves: a client that
 * opens more sessions only ends its own older ones, and sessions in use are never taken.
 */
export function sessionToEvict<T extends RoomCandidate>(live: readonly T[], rules: RoomRules, now: number): Eviction<T> | undefined {
  const byAge = [...live].sort((a, b) => a.lastActivity - b.lastActivity);
  const abandoned = byAge.find((s) => s.openRequests === 0 && s.pendingCalls === 0 && now - s.lastActivity >= rules.evictAbandonedAfterMs);
  if (abandoned) return { session: abandoned, why: 'abandoned', idleMs: now - abandoned.lastActivity };
  const idle = byAge.find((s) => s.pendingCalls === 0 && now - s.lastActivity >= rules.evictIdleAfterMs);
  return idle ? { session: idle, why: 'idle', idleMs: now - idle.lastActivity } : undefined;
}

/** Milliseconds as seconds for messages: whole seconds, or one decimal below ten. */
export function seconds(ms: number): string {
  return ms >= 10_000 || ms % 1000 === 0 ? String(Math.round(ms / 1000)) : (ms / 1000).toFixed(1);
}
