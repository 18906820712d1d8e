import { GrantStore, GRANT_TOKEN_PREFIX, REVOCATION_CHANNEL, type GrantRecord, type Redis } from '../lib';

/** Where grants are read from (GrantStore implements it). */
export interface GrantSource {
  lookupByHash(tokenHash: string): Promise<GrantRecord | null>;
}

/** A grant read from Redis is trusted this long at most (DESIGN: a revocation cuts within 1 s whatever path it took). */
export const GRANT_CACHE_MAX_AGE_MS = 1_000;
const MAX_ENTRIES = 10_000;

interface Entry { grant: GrantRecord; readAt: number; endsAt: number }

/**
 * The gateway's grant check without a Redis round trip on every request, fail closed:
 * - a revocation event (the channel every cut publishes on) drops the grant's entries in the
 *   same tick it arrives, before anything else is done with it;
 * - a hit is let through only after a PING on the subscriber connection has come back: Redis
 *   answers it after every event it published before, on the same socket, so a revocation
 *   whose PUBLISH was done before the request was checked is applied first, on any host. The
 *   first request after a revocation returns is refused. (Letting received I/O run was not
 *   enough: Redis answers the PUBLISH before it writes the event to subscribers, and under load
 *   2-3 % of next checks still saw the grant.) Checks in the same tick share one PING, which
 *   costs far less than reading and parsing the grant;
 * - entries are used only while the revocation subscription is live: a dropped connection
 *   (events may be lost) empties the cache and turns it off until the channel is subscribed again;
 * - an entry is at most GRANT_CACHE_MAX_AGE_MS old, so a record removed without an event (by
 *   hand, a lost message) is caught within the same bound; and a grant that ends within that
 *   time is always read from Redis (an extension is seen at once, expiry is exact);
 * - a token that is unknown, revoked or expired is never cached: every such request asks Redis.
 */
export class GrantCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped on every invalidation, so a read that was in flight meanwhile is not cached. */
  private epoch = 0;
  private live = false;
  private subscriber: Redis | undefined;
  /** The PING not yet sent, which checks started before it is sent may share. */
  private nextPing: Promise<void> | undefined;
  /** The PING sent and not yet answered (at most one). */
  private inFlight: Promise<void> | undefined;

  constructor(private readonly source: GrantSource, private readonly maxAgeMs = GRANT_CACHE_MAX_AGE_MS) {}

  /**
   * Listens for revocations on a Redis connection in subscriber mode (the gateway's). Call after
   * its SUBSCRIBE to the revocation channel was confirmed: the cache is live from then on.
   */
  follow(subscriber: Redis): void {
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, payload: string) => {
      if (channel !== REVOCATION_CHANNEL) return;
      let grantId: unknown;
      try {
        grantId = (JSON.parse(payload) as { grantId?: unknown }).grantId;
      } catch {
        grantId = undefined;
      }
      // An event this cache cannot read names no grant it could keep: forget them all.
      if (typeof grantId === 'string') this.forgetGrant(grantId);
      else this.clear();
    });
    const off = () => {
      this.live = false;
      this.clear();
    };
    subscriber.on('close', off);
    subscriber.on('end', off);
    subscriber.on('reconnecting', off);
    subscriber.on('ready', () => {
      // ioredis resubscribes by itself; live again only once the server confirmed it.
      subscriber.subscribe(REVOCATION_CHANNEL).then(() => {
        if (subscriber.status === 'ready') this.live = true;
      }, off);
    });
    this.live = subscriber.status === 'ready';
  }

  /** The active grant a token stands for, or null. Throws when Redis cannot answer (and nothing is cached). */
  async lookup(token: string): Promise<GrantRecord | null> {
    if (!token.startsWith(GRANT_TOKEN_PREFIX)) return null;
    return this.lookupByHash(GrantStore.hashToken(token));
  }

  async lookupByHash(tokenHash: string): Promise<GrantRecord | null> {
    const now = Date.now();
    const hit = this.live ? this.entries.get(tokenHash) : undefined;
    if (hit && now - hit.readAt < this.maxAgeMs && hit.endsAt - now > this.maxAgeMs) {
      const caughtUp = await this.eventsCaughtUp().then(() => true, () => false);
      if (caughtUp && this.live && this.entries.get(tokenHash) === hit) return hit.grant;
    }
    const epoch = this.epoch;
    const grant = await this.source.lookupByHash(tokenHash);
    if (grant && this.live && epoch === this.epoch) this.remember(tokenHash, grant, now);
    else if (!grant) this.entries.delete(tokenHash);
    return grant;
  }

  /**
   * The cached grant of a token, without waiting for the revocation channel to catch up: it may
   * have been revoked a moment ago. Only for a request whose every effect waits on a check of its
   * own in Redis (the gateway's request entry, written only while the grant record exists);
   * anything else uses `lookupByHash`.
   */
  peekByHash(tokenHash: string): GrantRecord | undefined {
    const now = Date.now();
    const hit = this.live ? this.entries.get(tokenHash) : undefined;
    return hit && now - hit.readAt < this.maxAgeMs && hit.endsAt - now > this.maxAgeMs ? hit.grant : undefined;
  }

  /**
   * Resolves once every revocation event published before this call has been applied: a PING on
   * the subscriber connection, sent after the call, is answered after those events. Checks made
   * before the PING leaves (same turn of the event loop) share it. A check made while a PING is
   * on its way cannot use that one (it left before the check began): it waits for the next,
   * which leaves when the one on its way comes back and serves every check that arrived
   * meanwhile (group commit: at most one PING in flight, so at concurrency a PING serves many
   * checks instead of one each, and a check waits at most two round trips).
   */
  private eventsCaughtUp(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) return Promise.reject(new Error('no revocation channel followed'));
    if (this.nextPing) return this.nextPing;
    const inFlight = this.inFlight;
    const next = new Promise<void>((resolve, reject) => {
      const send = () => {
        // Taken by no later check from here on: those need a PING that leaves after them.
        if (this.nextPing === next) this.nextPing = undefined;
        const sent = subscriber.ping().then(() => undefined);
        const tracked = sent.finally(() => {
          if (this.inFlight === tracked) this.inFlight = undefined;
        });
        this.inFlight = tracked;
        sent.then(resolve, reject);
        tracked.catch(() => undefined);
      };
      if (inFlight) void inFlight.then(send, send);
      else setImmediate(send);
    });
    this.nextPing = next;
    return next;
  }

  /** Entries held (ops, tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Drops a grant's entries (its revocation event, or the gateway learned it ended). */
  forgetGrant(grantId: string): void {
    this.epoch += 1;
    for (const [hash, entry] of this.entries) if (entry.grant.grantId === grantId) this.entries.delete(hash);
  }

  clear(): void {
    this.epoch += 1;
    this.entries.clear();
  }

  private remember(tokenHash: string, grant: GrantRecord, readAt: number): void {
    const endsAt = Date.parse(grant.expiresAt);
    if (!Number.isFinite(endsAt)) return;
    this.entries.delete(tokenHash);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, { grant: Object.freeze({ ...grant }), readAt, endsAt });
  }
}
