import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger, Redis } from '../../lib';
import { ReplicaChannel } from './replica-channel';
import { dropNoteIfHeld, hashedKeyPart } from './replica-notes';

/**
 * `notifications/cancelled` across gateway replicas. A 2026-07-28 client needs no sticky routing,
 * so its cancel may reach a replica other than the one running the request. Each replica notes
 * in Redis which of its requests run (by grant and the client's request id, for as long as a
 * request may run); a cancel that finds nothing running here looks its grant's request up there
 * and, when another replica runs it, publishes the cancel on MODERN_CANCEL_CHANNEL, where only
 * that replica acts on it (endpoint.ts cancels the request as it does a local cancel).
 *
 * Authorisation is the key: the grant in it is the one the cancel's own token was checked for,
 * never anything the client wrote, so a cancel reaches only its own grant's requests (an agent
 * holding another grant reaches nothing, whatever id it names).
 */
export const MODERN_CANCEL_CHANNEL = 'gatehouse:modern-cancel';
const RUNNING_PREFIX = 'gatehouse:modern-running:';

/** A cancel sent to the replica that runs the request. */
export interface RemoteCancel {
  grantId: string;
  requestId: string | number;
  /** The replica that runs the request (only it acts). */
  replica: string;
  /** The replica the client sent the cancel to. */
  via: string;
  /** The grant's subject, as the sending replica authenticated it. */
  subject: string;
}

export class RemoteCancels {
  /** This process among the replicas: host, pid and a random part (readable in a recording, unique). */
  readonly replica = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly channel: ReplicaChannel;

  constructor(private readonly redis: Redis, private readonly log: Logger, private readonly onCancel: (cancel: RemoteCancel) => void) {
    this.channel = new ReplicaChannel(redis, log, MODERN_CANCEL_CHANNEL, (payload) => {
      const cancel = parse(payload);
      if (cancel?.replica === this.replica) this.onCancel(cancel);
    }, 'could not follow cancels from other gateway replicas; a cancel sent to another replica will not reach requests here');
  }

  /**
   * Subscribes (once, on a connection of its own) before the first request runs here, so no
   * cancel sent while it runs is missed. A failure is logged: requests still run (cancelling
   * them from another replica then reaches nothing, as before this existed), and the next
   * request tries again.
   */
  async listen(): Promise<void> {
    await this.channel.listen();
  }

  /**
   * Notes that this replica runs the grant's request of that id, for at most `ttlMs`; resolves with
   * what ends the note. A failed write is logged: the request runs, only a remote cancel misses it.
   */
  async running(grantId: string, requestId: string | number, ttlMs: number): Promise<() => Promise<void>> {
    const key = runningKey(grantId, requestId);
    const value = `${this.replica} ${randomUUID()}`;
    try {
      await this.redis.set(key, value, 'PX', Math.max(1_000, Math.ceil(ttlMs)));
    } catch (error) {
      this.log.warn({ grantId, err: (error as Error).message }, 'could not note a running request for cancels from other replicas');
      return async () => undefined;
    }
    return async () => {
      // Only while it is this run's: a reused id on another replica took it over otherwise.
      await dropNoteIfHeld(this.redis, key, value).catch(() => undefined);
    };
  }

  /**
   * Sends a cancel of the grant's request to the replica that runs it. Resolves with that replica,
   * or undefined when no replica runs a request of this grant with that id (finished, never sent,
   * or another grant's: a cancel reaches only its own grant's requests). Rejects when Redis fails.
   */
  async send(cancel: Omit<RemoteCancel, 'replica' | 'via'>): Promise<string | undefined> {
    const noted = await this.redis.get(runningKey(cancel.grantId, cancel.requestId));
    const replica = noted?.split(' ')[0];
    if (!replica) return undefined;
    // The client's reason is not carried: its words could hold PHI, and nothing here masks them.
    const message: RemoteCancel = { grantId: cancel.grantId, requestId: cancel.requestId, subject: cancel.subject, replica, via: this.replica };
    await this.redis.publish(MODERN_CANCEL_CHANNEL, JSON.stringify(message));
    return replica;
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}

/** The grant's request of that id (a client's id can be any length: it is hashed, typed, so 1 and "1" stay two). */
function runningKey(grantId: string, requestId: string | number): string {
  return `${RUNNING_PREFIX}${grantId}:${hashedKeyPart(`${typeof requestId}:${String(requestId)}`)}`;
}

function parse(payload: string): RemoteCancel | undefined {
  try {
    const c = JSON.parse(payload) as Partial<RemoteCancel>;
    const ok = typeof c.grantId === 'string' && (typeof c.requestId === 'string' || typeof c.requestId === 'number')
      && typeof c.replica === 'string' && typeof c.via === 'string' && typeof c.subject === 'string';
    return ok ? { grantId: c.grantId!, requestId: c.requestId!, replica: c.replica!, via: c.via!, subject: c.subject! } : undefined;
  } catch {
    return undefined;
  }
}
