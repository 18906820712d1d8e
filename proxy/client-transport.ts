import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_NEGOTIATED_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS,
  isInitializeRequest, isJsonContentType, parseJSONRPCMessage,
  type EventId, type EventStore, type InitializeRequest, type JSONRPCMessage, type RequestId, type StreamId, type Transport, type TransportSendOptions,
} from '@modelcontextprotocol/server';
import { isAnswer, isJSONRPCRequest, messageText } from './message-text';

/** The SDK's limits and defaults (@modelcontextprotocol/server 2.4: MAX_BATCH_SIZE, DEFAULT_SSE_KEEP_ALIVE_MS; not exported). */
const MAX_BATCH_SIZE = 100;
const KEEP_ALIVE_MS = 15_000;
const STANDALONE = '_GET_stream';
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' } as const;

export interface ClientTransportOptions {
  sessionIdGenerator: () => string;
  onsessioninitialized?: (sessionId: string) => void | Promise<void>;
  onsessionclosed?: (sessionId: string | undefined) => void | Promise<void>;
  /** Where SSE events are kept for Last-Event-ID; without it, streams carry no ids and no priming event. */
  eventStore?: EventStore;
  /** The `retry:` of priming events (what the client waits before it reconnects). */
  retryInterval?: number;
  keepAliveMs?: number;
}

/**
 * How long a POST's priming event (and the headers) may wait to go out in one write with the
 * first event of its stream: a call answered sooner costs one socket write instead of two. A
 * client whose connection drops in this window has no event id to resume from (as when it drops
 * before the priming event arrives); it gets an error, not a wrong answer.
 */
export const PRIMING_WAIT_MS = 100;

/** An open SSE response: a POST's stream, the GET stream, or a stream resumed with Last-Event-ID. */
interface Stream {
  res: ServerResponse;
  /** The priming wait (PRIMING_WAIT_MS), then the keep-alive interval. */
  keepAlive?: NodeJS.Timeout;
  /** Not written yet: the priming event ('' for none), whose headers also wait (res.writeHead only stores them). */
  pending?: string;
  /** Event ids this stream was sent by replay (not sent again). */
  replayed?: Set<EventId>;
  /** Ends the response (with `last` as its final write) and forgets the stream. */
  cleanup(last?: string): void;
}

/**
 * The client side of a 2025-era session: the MCP Streamable HTTP server transport, written on
 * node:http. It answers on the wire exactly as the SDK's (`WebStandardStreamableHTTPServerTransport`
 * of @modelcontextprotocol/server 2.4 behind @modelcontextprotocol/node's adapter) — the same
 * status codes, JSON-RPC errors, SSE framing, priming event with `retry:`, keep-alives, batch limit,
 * Last-Event-ID replay and session checks — and uses the SDK's types, guards and `EventStore`. It
 * leaves out the adapter's per-call Request/Response/ReadableStream conversion (Hono), which cost
 * more gateway CPU per call than the message's own handling, and the timer hop the adapter takes
 * before a stream's headers are written. It also gives the gateway what the SDK keeps private:
 * adopting a session begun on another gateway and the `retry:` an upstream asked for.
 * The gateway checks Host/Origin (DNS rebinding), the grant and the session's owner before a request
 * reaches it.
 */
export class ClientTransport implements Transport {
  sessionId?: string;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  /** `retry:` written in priming events from now on. */
  retryInterval?: number;
  private initialized = false;
  private closed = false;
  private readonly streams = new Map<StreamId, Stream>();
  private readonly streamOfRequest = new Map<RequestId, StreamId>();
  private readonly answers = new Map<RequestId, JSONRPCMessage>();
  private readonly keepAliveMs: number;

  constructor(private readonly options: ClientTransportOptions) {
    this.retryInterval = options.retryInterval;
    this.keepAliveMs = options.keepAliveMs ?? KEEP_ALIVE_MS;
  }

  async start(): Promise<void> {
    // Connections are per HTTP request.
  }

  /** Takes on a session initialized elsewhere (another gateway process): its requests pass the session check. */
  adopt(sessionId: string): void {
    if (this.initialized || this.sessionId !== undefined) throw new Error('this transport has a session already; only a fresh one adopts a session');
    this.sessionId = sessionId;
    this.initialized = true;
  }

  /** One HTTP request of the session: POST (messages), GET (the server's stream, or a replay), DELETE (the end). `body` is the parsed POST body. */
  async handleRequest(req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<void> {
    if (this.closed) return this.jsonError(res, 404, -32001, 'Session not found');
    switch (req.method) {
      case 'POST': return this.post(req, res, body);
      case 'GET': return this.get(req, res);
      case 'DELETE': return this.delete(req, res);
      default:
        this.onerror?.(new Error('Method not allowed.'));
        return this.jsonError(res, 405, -32000, 'Method not allowed.', { allow: 'GET, POST, DELETE' });
    }
  }

  private async post(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    let streamId: StreamId | undefined;
    try {
      const accept = req.headers.accept;
      if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) {
        return this.refuse(res, 406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
      }
      if (!isJsonContentType(req.headers['content-type'])) return this.refuse(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
      if (Array.isArray(body) && body.length > MAX_BATCH_SIZE) return this.refuse(res, 400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
      let messages: JSONRPCMessage[];
      try {
        messages = (Array.isArray(body) ? body : [body]).map((m) => parseJSONRPCMessage(m));
      } catch (error) {
        this.onerror?.(error as Error);
        return this.jsonError(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
      }
      if (this.closed) return this.jsonError(res, 404, -32001, 'Session not found');
      // The guard's zod pass only for a message that says it is an initialize (the guard requires that method).
      const initialize = messages.find((m): m is JSONRPCMessage & InitializeRequest => 'method' in m && m.method === 'initialize' && isInitializeRequest(m));
      if (initialize) {
        if (this.initialized && this.sessionId !== undefined) return this.refuse(res, 400, -32600, 'Invalid Request: Server already initialized');
        if (messages.length > 1) return this.refuse(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
        this.sessionId = this.options.sessionIdGenerator();
        this.initialized = true;
        if (this.options.onsessioninitialized) await this.options.onsessioninitialized(this.sessionId);
      } else if (!this.sessionValid(req, res) || !this.versionValid(req, res)) {
        return;
      }
      if (this.closed) return this.jsonError(res, 404, -32001, 'Session not found');
      const requests = messages.filter((m) => isJSONRPCRequest(m));
      if (requests.length === 0) {
        for (const message of messages) this.onmessage?.(message);
        res.writeHead(202).end();
        return;
      }
      const version = initialize ? initialize.params.protocolVersion : header(req, 'mcp-protocol-version') ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION;
      const id = randomUUID();
      streamId = id;
      const stream = this.openStream(res, () => this.streams.get(id) === stream && this.streams.delete(id));
      this.streams.set(id, stream);
      for (const request of requests) this.streamOfRequest.set((request as { id: RequestId }).id, id);
      // Headers and the priming event wait for the stream's first event (a fast answer: one write
      // for all of it), at most PRIMING_WAIT_MS (a held call may wait long for its first event).
      stream.pending = await this.primingEvent(id, version) ?? '';
      this.writeHead(res);
      for (const message of messages) this.onmessage?.(message);
      if (this.streams.get(id) === stream && !res.writableEnded) stream.keepAlive = stream.pending !== undefined ? this.primingWait(stream) : this.keepAlive(res);
    } catch (error) {
      this.onerror?.(error as Error);
      if (streamId !== undefined) this.streams.get(streamId)?.cleanup();
      if (!res.headersSent) this.jsonError(res, 400, -32700, 'Parse error', String(error));
      else if (!res.writableEnded) res.end();
    }
  }

  private async get(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!req.headers.accept?.includes('text/event-stream')) return this.refuse(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    if (!this.sessionValid(req, res) || !this.versionValid(req, res)) return;
    const lastEventId = this.options.eventStore ? header(req, 'last-event-id') : undefined;
    if (lastEventId) return this.replay(res, lastEventId);
    if (this.streams.has(STANDALONE)) return this.refuse(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    const stream = this.openStream(res, () => this.streams.get(STANDALONE) === stream && this.streams.delete(STANDALONE));
    this.streams.set(STANDALONE, stream);
    this.writeHead(res);
    res.flushHeaders();
    stream.keepAlive = this.keepAlive(res);
  }

  /** Sends what came after `lastEventId` on its stream; the stream then stays open while requests on it are unanswered (or it is the GET stream). */
  private async replay(res: ServerResponse, lastEventId: EventId): Promise<void> {
    const store = this.options.eventStore!;
    try {
      if (store.getStreamIdForEventId) {
        const known = await store.getStreamIdForEventId(lastEventId);
        if (!known) return this.refuse(res, 400, -32000, 'Invalid event ID format');
        if (this.streams.has(known)) return this.refuse(res, 409, -32000, 'Conflict: Stream already has an active connection');
      }
      let cancelled = false;
      const onClose = () => { cancelled = true; };
      res.once('close', onClose);
      // Gathered first: an error while replaying is still answered with a status, as by the SDK.
      const events: string[] = [];
      const replayed = new Set<EventId>();
      const streamId = await store.replayEventsAfter(lastEventId, {
        send: async (eventId, message) => {
          replayed.add(eventId);
          events.push(sseEvent(message, eventId));
        },
      });
      res.off('close', onClose);
      if (this.closed || cancelled || res.destroyed) return this.jsonError(res, 404, -32001, 'Session not found');
      this.streams.get(streamId)?.cleanup();
      const stream = this.openStream(res, () => this.streams.get(streamId) === stream && this.streams.delete(streamId));
      stream.replayed = replayed;
      this.writeHead(res);
      const open = streamId === STANDALONE || [...this.streamOfRequest.values()].includes(streamId);
      if (!open) {
        // Every request of that stream is answered: what was missed, then the end.
        if (events.length) res.end(events.join(''));
        else res.end();
        return;
      }
      this.streams.set(streamId, stream);
      if (events.length) res.write(events.join(''));
      else res.flushHeaders();
      stream.keepAlive = this.keepAlive(res);
    } catch (error) {
      this.onerror?.(error as Error);
      if (!res.headersSent) this.jsonError(res, 500, -32000, 'Error replaying events');
    }
  }

  private async delete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.sessionValid(req, res) || !this.versionValid(req, res)) return;
    try {
      await this.options.onsessionclosed?.(this.sessionId);
      res.writeHead(200).end();
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stream of [...this.streams.values()]) stream.cleanup();
    this.streams.clear();
    this.answers.clear();
    this.onclose?.();
  }

  /** Ends the SSE stream of a request (the client reconnects after the priming event's `retry:`). */
  closeSSEStream(requestId: RequestId): void {
    const streamId = this.streamOfRequest.get(requestId);
    if (streamId !== undefined) this.streams.get(streamId)?.cleanup();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const answer = isAnswer(message);
    const requestId = answer ? (message as { id: RequestId }).id : options?.relatedRequestId;
    const store = this.options.eventStore;
    if (requestId === undefined) {
      if (answer) throw new Error('Cannot send a response on a standalone SSE stream unless resuming a previous client request');
      const eventId = store ? await store.storeEvent(STANDALONE, message) : undefined;
      const standalone = this.streams.get(STANDALONE);
      if (standalone && (eventId === undefined || !standalone.replayed?.has(eventId))) this.write(standalone, sseEvent(message, eventId));
      return;
    }
    const streamId = this.streamOfRequest.get(requestId);
    if (!streamId) throw new Error(`No connection established for request ID: ${String(requestId)}`);
    // The event is stored before anything is written (the gateway records a response in that same step).
    const eventId = store ? await store.storeEvent(streamId, message) : undefined;
    const stream = this.streams.get(streamId);
    const event = stream && (eventId === undefined || !stream.replayed?.has(eventId)) ? sseEvent(message, eventId) : undefined;
    if (!answer) {
      if (event) this.write(stream!, event);
      return;
    }
    this.answers.set(requestId, message);
    const related = [...this.streamOfRequest].filter(([, sid]) => sid === streamId).map(([id]) => id);
    if (!related.every((id) => this.answers.has(id))) {
      if (event) this.write(stream!, event);
      return;
    }
    // The last answer of its stream: it and the stream's end in one write.
    if (stream) stream.cleanup(event);
    else if (!store) this.onerror?.(new Error(`Response for request ID ${String(requestId)} is undeliverable: per-request stream is disconnected and no eventStore is configured`));
    for (const id of related) {
      this.answers.delete(id);
      this.streamOfRequest.delete(id);
    }
  }

  private writeHead(res: ServerResponse): void {
    res.writeHead(200, this.sessionId !== undefined ? { ...SSE_HEADERS, 'mcp-session-id': this.sessionId } : SSE_HEADERS);
  }

  /** A stream for `res` (its headers are written by the caller once it knows it answers 200). */
  private openStream(res: ServerResponse, forget: () => void): Stream {
    const stream: Stream = {
      res,
      cleanup: (last?: string) => {
        if (stream.keepAlive) clearInterval(stream.keepAlive);
        forget();
        if (res.writableEnded) return;
        const text = unsent(stream, last);
        if (text) res.end(text);
        else res.end();
      },
    };
    // The client went away: the stream is gone (what is sent for it later is stored, not written).
    res.once('close', () => {
      if (stream.keepAlive) clearInterval(stream.keepAlive);
      forget();
    });
    return stream;
  }

  private async primingEvent(streamId: StreamId, version: string): Promise<string | undefined> {
    const store = this.options.eventStore;
    // Empty data in the priming event came with 2025-11-25 (the SDK's check: a supported version, not older).
    if (!store || !SUPPORTED_PROTOCOL_VERSIONS.includes(version) || version < '2025-11-25') return undefined;
    const id = await store.storeEvent(streamId, {} as JSONRPCMessage);
    return this.retryInterval !== undefined ? `id: ${id}\nretry: ${this.retryInterval}\ndata: \n\n` : `id: ${id}\ndata: \n\n`;
  }

  /** Writes what waits (headers, priming event) once PRIMING_WAIT_MS passed without an event, then keeps the stream alive. */
  private primingWait(stream: Stream): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const { res } = stream;
      if (res.writableEnded || res.destroyed) return;
      const text = unsent(stream);
      if (text) res.write(text);
      else res.flushHeaders();
      stream.keepAlive = this.keepAlive(res);
    }, PRIMING_WAIT_MS);
    timer.unref();
    return timer;
  }

  private keepAlive(res: ServerResponse): NodeJS.Timeout | undefined {
    if (!Number.isFinite(this.keepAliveMs) || this.keepAliveMs < 1) return undefined;
    const timer = setInterval(() => {
      if (res.writableEnded || res.destroyed) clearInterval(timer);
      else res.write(': keepalive\n\n');
    }, Math.min(this.keepAliveMs, 2_147_483_647));
    timer.unref();
    return timer;
  }

  private write(stream: Stream, event: string): void {
    if (stream.res.writableEnded || stream.res.destroyed) {
      this.onerror?.(new Error('the SSE stream is closed'));
      return;
    }
    stream.res.write(unsent(stream, event));
  }

  private sessionValid(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.initialized) return this.fail(res, 400, -32000, 'Bad Request: Server not initialized');
    const sessionId = header(req, 'mcp-session-id');
    if (!sessionId) return this.fail(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    if (sessionId !== this.sessionId) return this.fail(res, 404, -32001, 'Session not found');
    return true;
  }

  private versionValid(req: IncomingMessage, res: ServerResponse): boolean {
    const version = header(req, 'mcp-protocol-version');
    if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return this.fail(res, 400, -32000, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
    }
    return true;
  }

  /** Reports the refusal to onerror and answers it. */
  private refuse(res: ServerResponse, status: number, code: number, message: string): void {
    this.onerror?.(new Error(message));
    this.jsonError(res, status, code, message);
  }

  /** A check that failed: refused, false. */
  private fail(res: ServerResponse, status: number, code: number, message: string): false {
    this.refuse(res, status, code, message);
    return false;
  }

  private jsonError(res: ServerResponse, status: number, code: number, message: string, dataOrHeaders?: string | Record<string, string>): void {
    const data = typeof dataOrHeaders === 'string' ? dataOrHeaders : undefined;
    const headers = typeof dataOrHeaders === 'object' ? dataOrHeaders : {};
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify({ jsonrpc: '2.0', error: { code, message, ...(data !== undefined ? { data } : {}) }, id: null }));
  }
}

/** What the stream has not written yet (its priming event), then `next`; the stream has nothing waiting after this. */
function unsent(stream: Stream, next = ''): string {
  const pending = stream.pending;
  if (pending === undefined) return next;
  stream.pending = undefined;
  return pending + next;
}

function sseEvent(message: JSONRPCMessage, eventId: EventId | undefined): string {
  return eventId ? `event: message\nid: ${eventId}\ndata: ${messageText(message)}\n\n` : `event: message\ndata: ${messageText(message)}\n\n`;
}

/** A request header as the Fetch API reads it: absent is undefined; repeated values joined. */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
