import { randomBytes } from 'node:crypto';
import { type EventId, type EventStore, type JSONRPCMessage, type RequestId, type StreamId } from '@modelcontextprotocol/server';
import { RECORDING_FIELD } from '../audit';
import type { Redis } from '../lib';
import type { CompanionAppend } from './recording';
import { isAnswer, messageText } from './message-text';

/** A response's recording write, handed to the event store: with the response's event when one is kept, alone when none is. */
export type CarriedRecording = (event?: CompanionAppend) => Promise<unknown>;

/** Events kept per session (the oldest go first), and how long after the last one. */
const MAX_EVENTS = 1_000;
/** What storeEvent returns for an event it does not keep: the transport then sends it without an id (as with no store). */
const NOT_KEPT = undefined as unknown as EventId;
const TAG = /^[A-Za-z0-9_-]{16}$/;

/**
 * One session's client-facing SSE events, in Redis (a capped stream that expires with the
 * session's idle time): every event the gateway sends a client carries an id, so a client whose
 * connection dropped comes back with Last-Event-ID and gets what it missed, in order. Only what
 * the transport sends reaches it: messages already masked and recorded. Event ids carry a random
 * tag of their session: an id from another session (a hostile agent guessing) replays nothing.
 */
export class RedisEventStore implements EventStore {
  /** The session's tag: its Redis key and the prefix of its event ids (kept in the session's record, so another gateway resumes the same events). */
  readonly tag: string;
  private readonly key: string;

  /**
   * `recording`: the key of the session's recording in the same Redis: a response's event then
   * refers to the response's recording entry (written in the same step) instead of carrying a
   * second copy of the result; replay reads the entry.
   */
  constructor(private readonly redis: Redis, private readonly ttlMs: number, tag?: string, private readonly recording?: string) {
    if (tag !== undefined && !TAG.test(tag)) throw new Error('an event store tag is 16 base64url characters');
    this.tag = tag ?? randomBytes(12).toString('base64url');
    this.key = `gatehouse:sse:${this.tag}`;
  }

  /** Streams on which the client holds an event id (a cursor), the most recent MAX_EVENTS. */
  private readonly cursors = new Set<StreamId>();
  /** Responses (by object identity, as the gateway hands them to the transport) whose recording this store writes. */
  private readonly carried = new WeakMap<JSONRPCMessage, CarriedRecording>();

  /**
   * The next storeEvent of this very message object first writes its recording: with its event in
   * one atomic write when the event is kept, alone otherwise; a failed recording fails storeEvent,
   * and the transport then sends nothing (it stores an event before it writes it). Identity, not
   * the JSON-RPC id, ties the two: nothing a client sends can pick which recording goes with what.
   */
  carry(message: JSONRPCMessage, record: CarriedRecording): void {
    this.carried.set(message, record);
  }

  /** Takes back a carried recording storeEvent did not write; false when storeEvent took it. */
  release(message: JSONRPCMessage): boolean {
    return this.carried.delete(message);
  }

  /**
   * Replay sends what came after an id the client holds, on that id's stream (Streamable HTTP,
   * resumability): only events a client could ever ask for are written. A priming event (the
   * SDK's, for 2025-11-25 clients) is empty: its id names its stream, nothing is stored. An
   * answer that opens a stream (no priming, no notification before it) leaves its client with no
   * id on that stream, so nobody can ask for it again: sent without an id, not stored. That is
   * a plain tools/call of a client that did not ask for resumability: no Redis write at all.
   */
  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    if (Object.keys(message).length === 0) {
      this.holdsCursor(streamId);
      return `${this.tag}_p${Buffer.from(streamId, 'utf8').toString('base64url')}`;
    }
    const record = this.carried.get(message);
    this.carried.delete(message);
    if (!this.cursors.has(streamId) && isAnswer(message)) {
      if (record) await record();
      return NOT_KEPT;
    }
    this.holdsCursor(streamId);
    if (record) {
      // One round trip: the recording entry, then the event and the key's new expiry (only if the entry was taken).
      const companion = this.recording !== undefined && 'result' in message && isAnswer(message)
        ? { key: this.key, fields: ['s', streamId], entryIdField: 'r', maxLength: MAX_EVENTS, ttlMs: this.ttlMs }
        : { key: this.key, fields: ['s', streamId, 'm', messageText(message)], maxLength: MAX_EVENTS, ttlMs: this.ttlMs };
      const id = await record(companion);
      if (typeof id !== 'string') throw new Error('the recording gave no event id');
      return `${this.tag}_${id}`;
    }
    // One round trip: the event and the key's new expiry together. An error answer carries no data:
    // when Redis cannot keep it (it is down), it still goes out, without an id, rather than leave its client waiting.
    if (isAnswer(message) && 'error' in message) return this.keep(streamId, message).catch(() => NOT_KEPT);
    return this.keep(streamId, message);
  }

  private async keep(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const replies = await this.redis.multi().xadd(this.key, 'MAXLEN', '~', String(MAX_EVENTS), '*', 's', streamId, 'm', messageText(message)).pexpire(this.key, this.ttlMs).exec();
    const [error, id] = replies?.[0] ?? [new Error('the event store (Redis) did not answer')];
    if (error || typeof id !== 'string') throw error ?? new Error('the event store (Redis) gave no event id');
    return `${this.tag}_${id}`;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    const primed = this.primedStream(eventId);
    if (primed) return primed;
    const id = this.own(eventId);
    if (!id) return undefined;
    const [entry] = await this.redis.xrange(this.key, id, id);
    return entry ? field(entry[1], 's') : undefined;
  }

  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const primed = this.primedStream(lastEventId);
    const id = primed ? '-' : this.own(lastEventId);
    const [entry] = id && !primed ? await this.redis.xrange(this.key, id, id) : [];
    const streamId = primed ?? (entry && field(entry[1], 's'));
    if (!id || !streamId) throw new Error('unknown Last-Event-ID: not an event of this session, or it is too old');
    // The client holds an id on this stream: what comes on it from now on is kept (it may drop again).
    this.holdsCursor(streamId);
    for (const [next, fields] of await this.redis.xrange(this.key, primed ? '-' : `(${id}`, '+')) {
      if (field(fields, 's') !== streamId) continue;
      const message = await this.messageOf(fields);
      if (Object.keys(message).length) await send(`${this.tag}_${next}`, message);
    }
    return streamId;
  }

  /** A stored event's message: its own text, or the answer its recording entry holds. */
  private async messageOf(fields: string[]): Promise<JSONRPCMessage> {
    const entryId = field(fields, 'r');
    if (entryId === undefined) return JSON.parse(field(fields, 'm') ?? '{}') as JSONRPCMessage;
    const [entry] = this.recording ? await this.redis.xrange(this.recording, entryId, entryId) : [];
    const text = entry && field(entry[1], RECORDING_FIELD);
    // Gone only once the request ended and its recording was archived: the session is over then too.
    if (!text) throw new Error('the recording entry of a missed answer is gone (the access request has ended)');
    const { messageId, result } = JSON.parse(text) as { messageId: RequestId; result: unknown };
    return { jsonrpc: '2.0', id: messageId, result } as JSONRPCMessage;
  }

  /** Deletes the session's events (its end). */
  async drop(): Promise<void> {
    await this.redis.del(this.key);
  }

  private holdsCursor(streamId: StreamId): void {
    this.cursors.delete(streamId);
    this.cursors.add(streamId);
    if (this.cursors.size > MAX_EVENTS) this.cursors.delete(this.cursors.values().next().value!);
  }

  /** The stream a priming event id of this session names, else undefined. */
  private primedStream(eventId: EventId): StreamId | undefined {
    const match = /^([A-Za-z0-9_-]{16})_p([A-Za-z0-9_-]{1,200})$/.exec(eventId);
    return match && match[1] === this.tag ? Buffer.from(match[2]!, 'base64url').toString('utf8') : undefined;
  }

  /** The Redis id inside an event id of this session, else undefined. */
  private own(eventId: EventId): string | undefined {
    const match = /^([A-Za-z0-9_-]{16})_(\d{1,20}-\d{1,20})$/.exec(eventId);
    return match && match[1] === this.tag ? match[2] : undefined;
  }
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
