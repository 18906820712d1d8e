// The promises a security officer signs off on, checked after the run against ground truth: the
// local Snowflake's own history and users, Temporal's record of each request, and the archives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HISTORY_FILE, parseHistory } from '../../devstack/snowflake';
import type { AccessStatus } from '../../workflows';
import type { DriverStats } from './driver';
import { downWithin, type Gap } from './worker-uptime';

export interface RequestEvidence {
  requestId: string;
  status?: AccessStatus;
  /** The archive's records as text (undefined: no archive). */
  archiveText?: string;
  verified?: boolean;
  problem?: string;
}

export interface Invariant { name: string; checked: number; violations: string[] }

export interface Findings {
  invariants: Invariant[];
  /** The longest time any Snowflake identity was seen after its grant ended (ms; negative: none outlived). */
  longestOutlivedMs: number;
  /** The same less the time no worker was running (nothing could revoke or reconcile then); when worker gaps were given. */
  longestOutlivedWhileWorkerRanMs?: number;
  /** The latest statement that started in Snowflake after its grant ended, relative to the end (ms). */
  latestAfterEndMs: number;
  /** Statements missing from an archive that says why (a `recording_gap`: Redis lost its data while the grant was active). */
  declaredLost: string[];
}

/** An archive that says its recording lost entries with Redis's data (activities/archive/audit-archiver.ts). */
const declaresGap = (archiveText: string) => archiveText.includes('"type":"recording_gap"');

const TERMINAL = new Set(['ARCHIVED', 'DENIED', 'EXPIRED_UNAPPROVED', 'FAILED']);
const principalOf = (requestId: string) => `GH_${requestId.toUpperCase()}`;

/** When the grant stopped: its revocation, else its expiry (extensions move expiresAt). */
/**
 * A grant ends at the first of: its expiry, the revocation its workflow recorded, and the moment a
 * revoke was answered to the driver (a revocation the workflow never recorded still ended the grant).
 */
function grantEnd(status: AccessStatus, revokeAnsweredAt?: number): number | undefined {
  const revoked = status.revocation?.at ?? status.revokedAt;
  const ends = [status.expiresAt ? Date.parse(status.expiresAt) : undefined, revoked ? Date.parse(revoked) : undefined, revokeAnsweredAt];
  const known = ends.filter((end): end is number => end !== undefined && !Number.isNaN(end));
  return known.length ? Math.min(...known) : undefined;
}

export function checkInvariants(options: {
  evidence: RequestEvidence[];
  /** Every marked statement the clients sent (chaos agents: CHAOS_…, the load bench: LOAD_…). */
  stats: Pick<DriverStats, 'markers'> & Partial<Pick<DriverStats, 'revokesAnswered'>>;
  snowflakeDataDir: string;
  usersLeft: string[];
  lastSeen: Map<string, number>;
  /** How long after its grant an identity may still exist: the reconciliation interval plus one pass. */
  outliveBoundMs: number;
  /** How late after the grant's end a statement may still start (the gateway's revocation cut). */
  cutToleranceMs: number;
  /** When no worker was running (bench/chaos/worker-uptime.ts): each outlive says how much of it fell there. */
  workerGaps?: readonly Gap[];
}): Findings {
  const { evidence } = options;
  const byPrincipal = new Map(evidence.map((e) => [principalOf(e.requestId), e]));
  const terminal: Invariant = { name: 'every request reached a terminal state', checked: evidence.length, violations: [] };
  const verified: Invariant = { name: 'every archive verifies (chain, signature, head in history)', checked: 0, violations: [] };
  const identities: Invariant = { name: 'no Snowflake identity outlives its grant (+ reconciliation)', checked: 0, violations: [] };
  const noCallWithoutGrant: Invariant = { name: 'no statement reaches Snowflake without an active grant', checked: 0, violations: [] };
  const archived: Invariant = { name: 'every statement that reached Snowflake is in its archive (or its archive declares the gap)', checked: 0, violations: [] };
  const declaredLost: string[] = [];
  let longestOutlivedMs = Number.NEGATIVE_INFINITY;
  let longestWhileWorkerRanMs = Number.NEGATIVE_INFINITY;
  let latestAfterEndMs = Number.NEGATIVE_INFINITY;

  for (const e of evidence) {
    if (!e.status) {
      terminal.violations.push(`${e.requestId}: no status (${e.problem ?? 'unknown'})`);
      continue;
    }
    if (!TERMINAL.has(e.status.state)) terminal.violations.push(`${e.requestId} is ${e.status.state}`);
    if (e.status.state === 'ARCHIVED' || e.archiveText !== undefined) {
      verified.checked++;
      if (!e.verified) verified.violations.push(`${e.requestId}: ${e.problem ?? 'does not verify'}`);
    }
  }

  for (const user of options.usersLeft) {
    if (byPrincipal.has(user)) identities.violations.push(`${user} still exists after the settle period`);
  }
  for (const [user, seen] of options.lastSeen) {
    const status = byPrincipal.get(user)?.status;
    if (!status) continue;
    identities.checked++;
    const end = grantEnd(status, options.stats.revokesAnswered?.get(byPrincipal.get(user)!.requestId));
    if (end === undefined) continue;
    longestOutlivedMs = Math.max(longestOutlivedMs, seen - end);
    const down = options.workerGaps && seen > end ? downWithin(options.workerGaps, end, seen) : 0;
    longestWhileWorkerRanMs = Math.max(longestWhileWorkerRanMs, seen - end - down);
    if (seen - end > options.outliveBoundMs) {
      identities.violations.push(`${user} was seen ${Math.round((seen - end) / 1000)} s after its grant ended${down > 0 ? ` (no worker running for ${Math.round(down / 1000)} s of it)` : ''}`);
    }
  }

  const history = parseHistory(readFileSync(join(options.snowflakeDataDir, HISTORY_FILE), 'utf8'));
  for (const event of history) {
    if (event.kind !== 'query' || !event.user.startsWith('GH_REQ_')) continue;
    const e = byPrincipal.get(event.user);
    if (!e?.status) continue;
    noCallWithoutGrant.checked++;
    const at = Date.parse(event.at);
    const start = e.status.decision?.at ? Date.parse(e.status.decision.at) : undefined;
    const end = grantEnd(e.status, options.stats.revokesAnswered?.get(e.requestId));
    if (start === undefined || at < start - options.cutToleranceMs) noCallWithoutGrant.violations.push(`${event.user} ran a statement before its grant was approved (${event.at})`);
    if (end !== undefined) {
      latestAfterEndMs = Math.max(latestAfterEndMs, at - end);
      if (at - end > options.cutToleranceMs) noCallWithoutGrant.violations.push(`${event.user} ran a statement ${at - end} ms after its grant ended: ${event.sqlText.slice(0, 80)}`);
    }
    const marker = /\bAS ((?:CHAOS|LOAD)_[0-9A-F]{12})\b/.exec(event.sqlText)?.[1];
    if (!marker || options.stats.markers.get(marker) !== e.requestId) continue;
    archived.checked++;
    if (e.archiveText === undefined) archived.violations.push(`${e.requestId}: ${marker} ran in Snowflake but the request has no archive`);
    else if (!e.archiveText.includes(marker)) {
      if (declaresGap(e.archiveText)) declaredLost.push(`${e.requestId}: ${marker}`);
      else archived.violations.push(`${e.requestId}: ${marker} ran in Snowflake but is not in the archive, which does not say why`);
    }
  }

  return {
    invariants: [terminal, verified, identities, noCallWithoutGrant, archived], longestOutlivedMs, latestAfterEndMs, declaredLost,
    ...(options.workerGaps ? { longestOutlivedWhileWorkerRanMs: longestWhileWorkerRanMs } : {}),
  };
}
