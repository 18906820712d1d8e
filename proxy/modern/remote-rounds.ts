import { randomUUID } from 'node:crypto';
import type { JSONRPCNotification, JSONRPCRequest } from '@modelcontextprotocol/server';
import type { Logger, Redis } from '../../lib';
import { GatewayErrorCode, type GatewayError } from '../errors';
import type { RequestStream } from './answer-stream';
import { ReplicaChannel } from './replica-channel';
import { dropNoteIfHeld, hashedKeyPart } from './replica-notes';

/**
 * Input rounds across gateway replicas. When a 2025-era upstream asks for input in the middle of
 * a call (elicitation, sampling, roots), the call waits in the upstream link of the replica that
 * forwarded it, and the client's retry (its `requestState`) must reach that link. A 2026-07-28
 * client has no sticky routing, so the retry may land anywhere: the replica that owns the round
 * notes it in Redis (by grant and hashed state, for as long as the round may wait); a replica
 * that gets a retry whose round another one owns relays the whole request to that owner on the
 * owner's own channel, and the owner runs it (decides, forwards, masks, records: once) and sends
 * the answer back the same way, its notifications first. The replica the client called writes it.
 *
 * Authorisation is the note's key: the grant in it is the one the retry's own token was checked
 * for, so another grant's state (forged or replayed) finds no owner and is refused where it
 * landed. The owner checks the token again (by its hash) before it runs anything.
 *
 * Fail closed, never a hang: an owner that does not listen (stopped, crashed) is known at once
 * (the publish reaches nobody), one that does not take the retry within 5 s or stops listening
 * while it runs it is given up on, and the client is told the round cannot be resumed.
 */
const NOTE_PREFIX = 'gatehouse:modern-round:';
/** Each replica's own channel: retries relayed to it, and the answers to those it relayed. */
export const RELAY_CHANNEL_PREFIX = 'gatehouse:modern-relay:';
/** How long the owner has to say it took a relayed retry. */
const ACCEPT_MS = 5_000;
/** How often a relaying replica checks that the owner still listens while it runs the retry. */
const PROBE_MS = 2_000;

/** A client's retry, as the replica it reached passes it to the round's owner. */
export interface RelayedRetry {
  relayId: string;
  /** The replica the client called (the answer goes back there). */
  via: string;
  grantId: string;
  /** The hash of the grant token the retry came with: the owner checks it again. */
  tokenHash: string;
  target: string;
  request: JSONRPCRequest;
  /** The client takes an SSE answer (its notifications are relayed too). */
  acceptsStream: boolean;
}

/** A refusal of the relayed retry that is an HTTP answer (GatewayError's fields). */
export interface RelayedFailure {
  code: number;
  message: string;
  httpStatus: number;
  headers: Record<string, string>;
  data?: unknown;
}

/** What the owner sends back while it runs a relayed retry. */
export type RelayReply =
  | { kind: 'notification'; notification: JSONRPCNotification }
  | { kind: 'answer'; answer: Record<string, unknown> }
  | { kind: 'failed'; failure: RelayedFailure };

/** How a relayed retry ended, as the replica the client called sees it. */
export type RelayOutcome =
  | { answer: Record<string, unknown> }
  | { failed: RelayedFailure }
  /** The owner did not take it, or stopped while running it: `taken` says whether it may have run. */
  | { gone: string; taken: boolean }
  | { timedOut: true };

type Message =
  | ({ kind: 'retry' } & RelayedRetry)
  | { kind: 'cancel'; relayId: string; why: string }
  | ({ kind: 'accepted' | 'notification' | 'answer' | 'failed'; relayId: string } & Partial<{ notification: JSONRPCNotification; answer: Record<string, unknown>; failure: RelayedFailure }>);

interface Pending {
  owner: string;
  accepted: boolean;
  onNotification(notification: JSONRPCNotification): void;
  settle(outcome: RelayOutcome): void;
}

export class RemoteRounds {
  private readonly channel: ReplicaChannel;
  /** Retries this replica relayed, waiting for their owner's answer. */
  private readonly pending = new Map<string, Pending>();
  /** Relayed retries this replica runs as their round's owner: a cancel from the client's replica aborts one. */
  private readonly serving = new Map<string, AbortController>();

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    readonly replica: string,
    /** Runs a relayed retry here (its owner): `reply` sends its notifications and its end back; `cancelled` aborts when the client gives up. */
    private readonly serve: (retry: RelayedRetry, reply: (message: RelayReply) => void, cancelled: AbortSignal) => Promise<void>,
  ) {
    this.channel = new ReplicaChannel(redis, log, channelOf(replica), (payload) => this.received(payload),
      'could not follow retries relayed from other gateway replicas; an input round started here can only be answered here');
  }

  /** Subscribes (once) to this replica's channel: retries relayed to it, and the answers to those it relayed. */
  async listen(): Promise<void> {
    await this.channel.listen();
  }

  /** Notes that this replica owns the grant's input round of that state, for at most `ttlMs`. */
  async note(grantId: string, requestState: string, ttlMs: number): Promise<void> {
    await this.redis.set(noteKey(grantId, requestState), this.replica, 'PX', Math.max(1_000, Math.ceil(ttlMs)));
  }

  /** The replica that owns the grant's input round of that state; undefined when none does (or it is another grant's). */
  async owner(grantId: string, requestState: string): Promise<string | undefined> {
    return (await this.redis.get(noteKey(grantId, requestState))) ?? undefined;
  }

  /** Drops the note of a round whose owner is gone. */
  async forget(grantId: string, requestState: string, owner: string): Promise<void> {
    // Only while the note names that owner: a newer round of the same state took it over otherwise.
    await dropNoteIfHeld(this.redis, noteKey(grantId, requestState), owner);
  }

  /**
   * Sends the retry to the round's owner and waits for its answer, its notifications to
   * `onNotification` on the way; `signal` (the client gave up) is passed on as a cancel. Resolves
   * `gone` when the owner does not listen, does not take the retry in time or stops listening
   * while it runs it, `timedOut` after `timeoutMs`. Rejects when Redis fails before it was sent.
   */
  async relay(owner: string, retry: Omit<RelayedRetry, 'relayId' | 'via'>, options: { onNotification(notification: JSONRPCNotification): void; signal: AbortSignal; timeoutMs: number }): Promise<RelayOutcome> {
    await this.listen();
    if (!this.channel.listening) return { gone: 'this replica cannot hear answers from other replicas (its Redis subscription failed)', taken: false };
    const relayId = randomUUID();
    const message: Message = { kind: 'retry', ...retry, relayId, via: this.replica };
    let probe: NodeJS.Timeout | undefined;
    let accept: NodeJS.Timeout | undefined;
    let overall: NodeJS.Timeout | undefined;
    const why = () => `${reasonOf(options.signal)} (at gateway replica ${this.replica}, which passed the retry on)`;
    const cancel = () => void this.redis.publish(channelOf(owner), JSON.stringify({ kind: 'cancel', relayId, why: why() } satisfies Message)).catch(() => undefined);
    const outcome = new Promise<RelayOutcome>((resolve) => {
      this.pending.set(relayId, { owner, accepted: false, onNotification: options.onNotification, settle: resolve });
    });
    const settle = (o: RelayOutcome) => this.pending.get(relayId)?.settle(o);
    try {
      const heard = await this.redis.publish(channelOf(owner), JSON.stringify(message));
      if (heard === 0) return { gone: `gateway replica ${owner} does not listen (it stopped or crashed)`, taken: false };
      accept = setTimeout(() => {
        if (!this.pending.get(relayId)?.accepted) settle({ gone: `gateway replica ${owner} did not take the retry within ${ACCEPT_MS / 1000} s`, taken: false });
      }, ACCEPT_MS);
      probe = setInterval(() => {
        void this.redis.pubsub('NUMSUB', channelOf(owner)).then((counts) => {
          if (Number((counts as unknown[])[1]) === 0) settle({ gone: `gateway replica ${owner} stopped listening (it stopped or crashed)`, taken: this.pending.get(relayId)?.accepted ?? false });
        }).catch(() => undefined);
      }, PROBE_MS);
      overall = setTimeout(() => settle({ timedOut: true }), options.timeoutMs);
      if (options.signal.aborted) cancel();
      else options.signal.addEventListener('abort', cancel, { once: true });
      return await outcome;
    } finally {
      this.pending.delete(relayId);
      options.signal.removeEventListener('abort', cancel);
      for (const timer of [accept, overall]) if (timer) clearTimeout(timer);
      if (probe) clearInterval(probe);
    }
  }

  private received(payload: string): void {
    const message = parse(payload);
    if (!message) return;
    if (message.kind === 'retry') {
      if (this.serving.has(message.relayId)) return;
      const controller = new AbortController();
      this.serving.set(message.relayId, controller);
      const { kind: _kind, ...retry } = message;
      const back = (reply: Message) => void this.redis.publish(channelOf(retry.via), JSON.stringify(reply)).catch((error: unknown) => {
        this.log.warn({ err: (error as Error).message }, 'could not send a relayed retry\'s answer back to the replica the client called');
      });
      back({ kind: 'accepted', relayId: retry.relayId });
      void this.serve(retry, (reply) => back({ ...reply, relayId: retry.relayId }), controller.signal)
        .catch((error: unknown) => {
          this.log.error({ err: (error as Error).message }, 'a relayed retry failed');
          back({ kind: 'failed', relayId: retry.relayId, failure: { code: GatewayErrorCode.Unavailable, message: `the gateway replica that holds the input round failed on the retry (${(error as Error).message})`, httpStatus: 500, headers: {} } });
        })
        .finally(() => this.serving.delete(retry.relayId));
      return;
    }
    if (message.kind === 'cancel') {
      this.serving.get(message.relayId)?.abort(new Error(message.why));
      return;
    }
    const pending = this.pending.get(message.relayId);
    if (!pending) return;
    if (message.kind === 'accepted') pending.accepted = true;
    else if (message.kind === 'notification' && message.notification) pending.onNotification(message.notification);
    else if (message.kind === 'answer' && message.answer) pending.settle({ answer: message.answer });
    else if (message.kind === 'failed' && message.failure) pending.settle({ failed: message.failure });
  }

  async close(): Promise<void> {
    await this.channel.close();
    for (const controller of this.serving.values()) controller.abort(new Error('the gateway is shutting down'));
  }
}

function channelOf(replica: string): string {
  return `${RELAY_CHANNEL_PREFIX}${replica}`;
}

/** The grant's round of that state (a state is the client's to write, any length: hashed). */
function noteKey(grantId: string, requestState: string): string {
  return `${NOTE_PREFIX}${grantId}:${hashedKeyPart(requestState)}`;
}

function reasonOf(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : 'the client cancelled the request';
}

function parse(payload: string): Message | undefined {
  try {
    const m = JSON.parse(payload) as Partial<Message> & Record<string, unknown>;
    if (typeof m.relayId !== 'string' || typeof m.kind !== 'string') return undefined;
    if (m.kind === 'retry') {
      const ok = typeof m.via === 'string' && typeof m.grantId === 'string' && typeof m.tokenHash === 'string' && typeof m.target === 'string'
        && typeof m.acceptsStream === 'boolean' && !!m.request && typeof m.request === 'object';
      return ok ? (m as Message) : undefined;
    }
    return ['cancel', 'accepted', 'notification', 'answer', 'failed'].includes(m.kind) ? (m as Message) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A relayed retry's answer as its owner runs it: what the endpoint would write to the client's
 * HTTP answer goes back to the replica the client called instead (already masked and recorded).
 */
export class RelayedAnswer implements RequestStream {
  private done = false;
  private readonly abort = new AbortController();

  constructor(private readonly reply: (message: RelayReply) => void, private readonly acceptsStream: boolean, cancelled: AbortSignal) {
    const onCancel = () => this.cancel(reasonOf(cancelled));
    if (cancelled.aborted) onCancel();
    else cancelled.addEventListener('abort', onCancel, { once: true });
  }

  get cancelled(): AbortSignal {
    return this.abort.signal;
  }

  get open(): boolean {
    return this.acceptsStream && !this.done && !this.abort.signal.aborted;
  }

  notify(notification: JSONRPCNotification): boolean {
    if (!this.open) return false;
    this.reply({ kind: 'notification', notification });
    return true;
  }

  cancel(why: string): void {
    if (!this.done) this.abort.abort(new Error(why));
  }

  finish(answer: object): void {
    if (this.done) return;
    this.done = true;
    this.reply({ kind: 'answer', answer: answer as Record<string, unknown> });
  }

  fail(error: GatewayError): boolean {
    if (this.done) return true;
    this.done = true;
    this.reply({ kind: 'failed', failure: { code: error.code, message: error.message, httpStatus: error.httpStatus, headers: error.headers, ...(error.data !== undefined ? { data: error.data } : {}) } });
    return true;
  }
}
