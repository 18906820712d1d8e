import type { GrantRecord, Logger } from '../../lib';
import type { TargetConfig } from '../../policy';
import { upstreamTransportErrors } from '../upstream-answer-bound';
import { UpstreamCaller, type ChangeWatcher, type UpstreamAnswer, type UpstreamCallOptions } from '../upstream-caller';

export type { ChangeWatcher, UpstreamAnswer, UpstreamCallOptions };

/**
 * How the modern path reaches a target's MCP server for one grant: the upstream side's stateless
 * caller (upstream-caller.ts). A 2026-07-28 upstream is called statelessly; a 2025-era upstream
 * keeps its session inside the caller, initialized by the gateway, with the gateway's own message
 * ids (clients' ids never reach it), so many stateless requests of one grant share it.
 */
export type UpstreamLink = Pick<UpstreamCaller, 'initialized' | 'era' | 'call' | 'hasRound' | 'watch' | 'subscribe' | 'pid' | 'close'>;

/**
 * Why a grant's link closed at its expiry. Said by the expiry timer itself: a timer can fire a
 * millisecond before the clock reads the expiry, so a watcher cannot tell by the time alone.
 */
export function grantExpired(grant: Pick<GrantRecord, 'grantId' | 'expiresAt'>): string {
  return `grant ${grant.grantId} expired at ${grant.expiresAt}`;
}

/** The upstream links of this gateway process, one per grant; closed when the grant ends, idles or the gateway stops. */
export class GrantUpstreams {
  private readonly links = new Map<string, { link: Promise<UpstreamLink>; lastUsed: number; expiry: NodeJS.Timeout }>();

  constructor(private readonly log: Logger, private readonly startTimeoutMs: number) {}

  /** The grant's link, opened with its credential on first use. */
  get(target: TargetConfig, grant: GrantRecord, credential: () => Promise<string | undefined>): Promise<UpstreamLink> {
    const known = this.links.get(grant.grantId);
    if (known) {
      known.lastUsed = Date.now();
      return known.link;
    }
    const link: Promise<UpstreamLink> = (async () => UpstreamCaller.open(target, grant, await credential(), {
      timeoutMs: this.startTimeoutMs,
      onStderr: (chunk) => this.log.debug({ target: target.name, bytes: chunk.length }, 'upstream stderr'),
      onTransportError: upstreamTransportErrors(this.log, target.name),
      // The upstream went away (crash, closed connection): the next request opens a new link.
      onGone: () => {
        if (this.links.get(grant.grantId)?.link === link) this.forget(grant.grantId);
      },
    }))();
    const expiry = setTimeout(() => void this.close(grant.grantId, grantExpired(grant)), Math.min(Math.max(0, Date.parse(grant.expiresAt) - Date.now()), 2_147_483_647));
    expiry.unref();
    this.links.set(grant.grantId, { link, lastUsed: Date.now(), expiry });
    link.catch(() => this.forget(grant.grantId));
    return link;
  }

  /** Process ids of the links' stdio upstreams, for ops and tests. */
  async pids(): Promise<{ grantId: string; pid: number | null }[]> {
    return Promise.all([...this.links].map(async ([grantId, l]) => ({ grantId, pid: await l.link.then((x) => x.pid(), () => null) })));
  }

  /** Closes the grant's link; `why` is what its watchers are told (the link's own default when not given). */
  async close(grantId: string, why?: string): Promise<void> {
    const known = this.links.get(grantId);
    if (!known) return;
    this.forget(grantId);
    await known.link.then((l) => l.close(why), () => undefined);
  }

  /** Closes links unused for `idleMs`, except those `inUse` says something still holds (a listen stream). */
  async closeIdle(idleMs: number, inUse: (grantId: string) => boolean = () => false): Promise<void> {
    const now = Date.now();
    await Promise.all([...this.links].filter(([grantId, l]) => now - l.lastUsed > idleMs && !inUse(grantId)).map(([grantId]) => this.close(grantId)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.links.keys()].map((grantId) => this.close(grantId)));
  }

  private forget(grantId: string): void {
    const known = this.links.get(grantId);
    if (known) clearTimeout(known.expiry);
    this.links.delete(grantId);
  }
}
