import type { Logger } from './logger';
import type { Redis } from './redis';
import { keepAndPublish, latestRequestStatus, MAX_SEALED_STATUS_CHARS, openRequestStatus, sealRequestStatus, type PushedStatus } from './request-status';

/** Where the worker announces that an access request changed (Redis pub/sub). */
export const REQUEST_CHANGE_CHANNEL = 'gatehouse:request-changes';

/**
 * A wake-up; its plain fields are not trusted or shown. The event may carry the workflow's status,
 * sealed (request-status.ts): a waiter answers from that, and reads the workflow only for an event
 * without one, so a forged or lost event can delay an answer, never change it.
 */
export interface RequestChange {
  requestId: string;
  /** The state after the change. */
  state: string;
  /** What changed: the state, or the approvers turned out not to have been asked. */
  kind: 'state' | 'approvers_not_asked';
  /** The status the workflow pushed with it, opened and checked (only from a feed that has the key). */
  pushed?: PushedStatus;
}

/**
 * The worker's side: one PUBLISH per change, fire and forget (the workflow never waits on it). A
 * lost event costs a waiting long-poll its wake-up, not its answer: it answers at its deadline and
 * the client's next long-poll reads the state afresh.
 */
export class RequestChangePublisher {
  /** `statusKey` (requestStatusKey): the workflow's status is sealed into each event and kept as the request's latest. */
  constructor(private readonly redis: Redis, private readonly log?: Pick<Logger, 'warn'>, private readonly statusKey?: Buffer) {}

  /** `version` orders one request's statuses (the workflow's history length when it pushed it). */
  publish(change: RequestChange, status?: unknown, version?: number): void {
    const { requestId, state, kind } = change;
    let sealed: { version: number; text: string } | undefined;
    if (this.statusKey && status !== undefined && typeof version === 'number') {
      const text = sealRequestStatus(this.statusKey, requestId, version, status);
      if (text.length <= MAX_SEALED_STATUS_CHARS) sealed = { version, text };
    }
    // With a sealed status, the script adds it to the event (it is sent to Redis once, not twice).
    const event = JSON.stringify({ requestId, state, kind });
    (sealed ? keepAndPublish(this.redis, REQUEST_CHANGE_CHANNEL, requestId, event, sealed) : this.redis.publish(REQUEST_CHANGE_CHANNEL, event)).catch((error: Error) => {
      this.log?.warn({ err: error.message, requestId }, 'a request change could not be announced in Redis; waiting long-polls read the workflow at their next check');
    });
  }
}

/** One waiter's view of the feed: resolves on the next change of its request, or false at the deadline. */
export interface ChangeWaiter {
  next(timeoutMs: number): Promise<RequestChange | false>;
  close(): void;
  /**
   * Resolves once events of this request are really being received (the feed's SUBSCRIBE is
   * confirmed), true, or false after `timeoutMs`. A waiter reads the state only after this: an
   * event published before the subscription is in place is never delivered, and a read made
   * before it cannot see the change that event announced either.
   */
  ready?(timeoutMs: number): Promise<boolean>;
}

/**
 * The API's side: one subscriber connection for every waiting long-poll, events handed out by
 * request id. When the connection comes back after a drop, every waiter is woken once (events may
 * have been missed meanwhile), so it re-reads the status instead of waiting for nothing.
 */
export class RequestChangeFeed {
  private readonly waiters = new Map<string, Set<(change: RequestChange) => void>>();
  private subscribed?: Promise<void>;
  /** Whether events are being received right now, and who waits for that. */
  private live = false;
  private readonly untilLive = new Set<() => void>();

  /**
   * With `statusKey`, events' sealed statuses are opened for the waiters, and `latest` reads a
   * request's kept status with `reader` (a connection not in subscriber mode).
   */
  constructor(private readonly subscriber: Redis, private readonly options: { statusKey?: Buffer; reader?: Redis } = {}) {}

  /** Whether waiters get the workflow's status with its events (then they answer without a read). */
  get pushesStatus(): boolean {
    return this.options.statusKey !== undefined;
  }

  /** The request's latest pushed status; undefined when there is none, it does not open, or Redis did not answer. */
  async latest(requestId: string): Promise<PushedStatus | undefined> {
    const { statusKey, reader } = this.options;
    if (!statusKey || !reader) return undefined;
    return latestRequestStatus(reader, statusKey, requestId).catch(() => undefined);
  }

  /** Subscribes once; later calls wait on the same subscription. */
  start(): Promise<void> {
    this.subscribed ??= (async () => {
      this.subscriber.on('message', (channel: string, payload: string) => {
        if (channel === REQUEST_CHANGE_CHANNEL) this.deliver(payload);
      });
      let dropped = false;
      this.subscriber.on('close', () => {
        dropped = true;
        this.live = false;
      });
      this.subscriber.on('ready', () => {
        if (!dropped) return;
        dropped = false;
        // ioredis emits 'ready' before it sends its own SUBSCRIBE again: a waiter woken now would read
        // the state while events are still not delivered, and miss one published in between. Our
        // SUBSCRIBE is answered after ioredis's (one connection, in order): wake the waiters then.
        this.subscriber.subscribe(REQUEST_CHANGE_CHANNEL).then(() => {
          this.setLive();
          for (const [requestId, set] of this.waiters) for (const wake of set) wake({ requestId, state: '', kind: 'state' });
        }, () => undefined);
      });
      // The connection fails fast while it is not ready (connectRedis): subscribe once it is; it resubscribes itself after a drop.
      if (this.subscriber.status !== 'ready') await new Promise<void>((resolve) => this.subscriber.once('ready', () => resolve()));
      await this.subscriber.subscribe(REQUEST_CHANGE_CHANNEL);
      this.setLive();
    })();
    return this.subscribed;
  }

  private setLive(): void {
    this.live = true;
    for (const resolve of this.untilLive) resolve();
    this.untilLive.clear();
  }

  /** Resolves true once events are received (the subscription is confirmed), false after `timeoutMs`. */
  whenLive(timeoutMs: number): Promise<boolean> {
    if (this.live) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (live: boolean) => {
        clearTimeout(timer);
        this.untilLive.delete(onLive);
        resolve(live);
      };
      const onLive = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.untilLive.add(onLive);
    });
  }

  /** How many long-polls wait right now (for tests and health). */
  get waiting(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  /** Start watching before reading the status, so a change between the read and the wait is not missed. */
  watch(requestId: string): ChangeWaiter {
    const queue: RequestChange[] = [];
    let wakeUp: (() => void) | undefined;
    let closed = false;
    const wake = (change: RequestChange) => {
      queue.push(change);
      wakeUp?.();
    };
    let set = this.waiters.get(requestId);
    if (!set) this.waiters.set(requestId, (set = new Set()));
    const mine = set;
    mine.add(wake);
    return {
      ready: (timeoutMs) => this.whenLive(timeoutMs),
      next: async (timeoutMs) => {
        if (queue.length === 0 && !closed && timeoutMs > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => wakeUp?.(), timeoutMs);
            wakeUp = () => {
              clearTimeout(timer);
              wakeUp = undefined;
              resolve();
            };
          });
        }
        return closed ? false : (queue.shift() ?? false);
      },
      close: () => {
        if (closed) return;
        closed = true;
        mine.delete(wake);
        if (mine.size === 0 && this.waiters.get(requestId) === mine) this.waiters.delete(requestId);
        wakeUp?.();
      },
    };
  }

  private deliver(payload: string): void {
    let change: RequestChange & { sealed?: unknown };
    try {
      change = JSON.parse(payload) as RequestChange & { sealed?: unknown };
    } catch {
      return;
    }
    if (typeof change?.requestId !== 'string') return;
    const set = this.waiters.get(change.requestId);
    if (!set) return;
    // Opened only when someone waits for this request; one that does not open is a bare wake-up.
    const pushed = this.options.statusKey && change.sealed !== undefined ? openRequestStatus(this.options.statusKey, change.requestId, change.sealed) : undefined;
    const delivered: RequestChange = { requestId: change.requestId, state: String(change.state), kind: change.kind === 'approvers_not_asked' ? change.kind : 'state' };
    for (const wake of set) wake(pushed ? { ...delivered, pushed } : delivered);
  }
}
