import type { IncomingHttpHeaders } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { Pool, type Dispatcher } from 'undici';
import {
  isJSONRPCErrorResponse, type JSONRPCMessage, type RequestId, type Transport,
} from '@modelcontextprotocol/client';
import { DEFAULT_MAX_ANSWER_BYTES } from '../policy';
import { GatewayErrorCode } from './errors';
import { isOwnNotification, isOwnRequest } from './message-text';
import { UpstreamAnswerTooLarge } from './upstream-answer-bound';
import { isPlainObject, modernHeaders, modernVersionOf } from './upstream-era';

export { UpstreamAnswerTooLarge };

/** Where an SSE stream stopped: its last event id and the reconnection delay the server asked for (`retry:`). */
interface StreamPosition { lastEventId?: string; retryMs?: number }

/** A stream the upstream closed is resumed at most this many times in a row without a new event. */
const RESUMES_WITHOUT_PROGRESS = 5;
/** ... and at most this many times in all: an upstream that keeps closing with fresh ids never answers. */
export const RESUMES_PER_STREAM = 20;
/** Bounds on the server's `retry:` (a hostile upstream cannot make the gateway spin or stall). */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 30_000;
const RETRY_DEFAULT_MS = 1_000;
/** How long messages after `notifications/initialized` wait for the upstream's GET stream to open. */
export const LISTEN_READY_MS = 5_000;

/** An upstream's HTTP answer: status, headers (lower-case names) and its body, read once. */
interface Answer { statusCode: number; headers: IncomingHttpHeaders; body: Exchange }
type Body = Exchange;

/**
 * The connection pool's settings. No header or body timeout (node:http's client had none either):
 * the gateway's own per-call timeout (upstream-caller.ts) answers a silent upstream and cancels
 * its request, and the GET stream may rightly stay quiet for as long as the session lives.
 */
const POOL_OPTIONS: Pool.Options = { headersTimeout: 0, bodyTimeout: 0, pipelining: 1 };

/** An HTTP answer that is not a success and carries no JSON-RPC answer to the request: its status is era evidence. */
export class UpstreamHttpError extends Error {
  constructor(readonly status: number, body: string) {
    super(`the upstream answered HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/**
 * The client side of Streamable HTTP towards an upstream MCP server, on undici's dispatcher with a
 * keep-alive connection pool to the upstream's origin, one per session (the SDK's transport goes
 * through fetch and web streams, which cost the gateway more CPU per call than the rest of its work
 * together; node:http's client and a stream per answer cost a few per cent more than undici's
 * dispatch, bench/README.md). HTTP is parsed by undici (llhttp, as node:http). It moves messages and nothing else:
 * POST each message, read a JSON or SSE answer, keep the session id and protocol version, listen
 * on GET for server-initiated messages, DELETE the session on close. A stream the upstream closes
 * before it has answered (SEP-1699 polling: an event id, a `retry:`, then the close) is resumed
 * with GET and `Last-Event-ID` after the delay the server asked for, until the answers came; the
 * delay itself is reported (`onretry`) so the client-facing stream can ask its client for the same.
 *
 * A message that carries the 2026-07-28 envelope (`_meta["io.modelcontextprotocol/protocolVersion"]`)
 * is sent the modern way: no session id, the standard headers (`MCP-Protocol-Version`,
 * `Mcp-Method`, `Mcp-Name`) mirrored from the body, a JSON-RPC error in a 4xx body delivered as
 * the answer, and `notifications/cancelled` carried out by closing that request's stream.
 */
export class NodeHttpClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** The reconnection delay (ms, bounded) the upstream asked for with SSE `retry:`, each time it changes. */
  onretry?: (ms: number) => void;
  sessionId?: string;
  private protocolVersion?: string;
  private readonly pool?: Pool;
  private readonly origin: string;
  /** The URL's path and query, as every request asks for it. */
  private readonly path: string;
  /** Basic credentials in the URL (`http://user:pass@host/`), as node:http sent them: unless the target's headers carry an Authorization. */
  private readonly basicAuth?: string;
  private listening?: Body;
  private closed = false;
  private retryMs?: number;
  /** Modern requests in flight: closing one's response is how the 2026-07-28 revision cancels it. */
  private readonly inflight = new Map<RequestId, { abort(): void }>();
  /**
   * Set while `notifications/initialized` is on its way and the GET stream it opens is not open
   * yet: every later message waits for it (at most LISTEN_READY_MS). An upstream that asks the
   * client something without tying it to a request (server-everything's elicitation does) sends it
   * on that stream, and drops it when the stream is not there yet: the call then never ends.
   */
  private ready?: Promise<void>;
  /** The GET stream's opening, once `notifications/initialized` was accepted. */
  private listenOpened?: Promise<void>;
  /** The most one answer may be: a JSON body, or one SSE event (a stream as a whole is not bounded). */
  private readonly maxAnswerBytes: number;

  constructor(private readonly url: URL, private readonly headers: Record<string, string> = {}, options: { maxAnswerBytes?: number } = {}) {
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    // Another scheme fails each request (as node:http did), not the session's opening.
    this.pool = url.protocol === 'http:' || url.protocol === 'https:' ? new Pool(url.origin, POOL_OPTIONS) : undefined;
    this.origin = url.origin;
    this.path = `${url.pathname}${url.search}`;
    if ((url.username || url.password) && !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
      this.basicAuth = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    }
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the upstream connection is closed');
    if (!modernVersionOf(message) && isOwnNotification(message) && message.method === 'notifications/initialized') {
      const sent = this.post(message);
      const ready: Promise<void> = sent.then(() => this.listenOpened, () => undefined).finally(() => {
        if (this.ready === ready) this.ready = undefined;
      });
      this.ready = ready;
      return sent;
    }
    if (this.ready) await this.ready;
    return this.post(message);
  }

  // The messages sent are the gateway's own (built by it, or a client's it has validated): told apart by shape.
  private async post(message: JSONRPCMessage): Promise<void> {
    const modern = modernVersionOf(message);
    if (modern && isOwnNotification(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (id !== undefined) this.inflight.get(id)?.abort();
      return;
    }
    const body = JSON.stringify(message);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const requestId = isOwnRequest(message) ? message.id : undefined;
    const res = await this.call('POST', modern ? { ...headers, ...modernHeaders(message, modern) } : headers, body, modern ? requestId : undefined)
      .catch((error: unknown) => this.answerPastBound(error, requestId));
    if (!res) return;
    if (!modern) {
      const sessionId = res.headers['mcp-session-id'];
      if (typeof sessionId === 'string') this.sessionId = sessionId;
    }
    if (res.statusCode === 202) {
      res.body.resume();
      if (!modern && isOwnNotification(message) && message.method === 'notifications/initialized') this.listenOpened = this.listen();
      return;
    }
    if (res.statusCode >= 300) {
      const text = await readAll(res.body).catch((error: unknown) => this.answerPastBound(error, requestId));
      if (text === undefined) return;
      // The 2026-07-28 revision answers a request it refuses with 4xx and a JSON-RPC error for it.
      const answer = modern && requestId !== undefined ? errorAnswer(text, requestId) : undefined;
      if (answer) {
        this.forgetInflight(requestId);
        this.deliver(answer);
        return;
      }
      this.forgetInflight(requestId);
      throw new UpstreamHttpError(res.statusCode, text);
    }
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('text/event-stream')) {
      const awaiting = new Set<RequestId>(requestId !== undefined ? [requestId] : []);
      void this.follow(res.body, awaiting).finally(() => this.forgetInflight(requestId));
      return;
    }
    const text = await readAll(res.body).finally(() => this.forgetInflight(requestId)).catch((error: unknown) => this.answerPastBound(error, requestId));
    if (!text) return;
    try {
      const parsed = JSON.parse(text) as JSONRPCMessage | JSONRPCMessage[];
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) this.deliver(m);
    } catch (error) {
      this.onerror?.(new Error(`the upstream sent a body that is not JSON: ${(error as Error).message}`));
    }
  }

  /**
   * An answer past the bound answers its request with the bound (as an SSE answer's event does: the
   * caller records it like any answer); what is no request's answer, and any other error, is thrown.
   */
  private answerPastBound(error: unknown, requestId: RequestId | undefined): undefined {
    if (!(error instanceof UpstreamAnswerTooLarge) || requestId === undefined) throw error;
    this.forgetInflight(requestId);
    this.onerror?.(error);
    this.deliver({ jsonrpc: '2.0', id: requestId, error: { code: GatewayErrorCode.UpstreamFailed, message: error.message } });
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listening?.destroy();
    this.inflight.forEach((request) => request.abort());
    this.inflight.clear();
    if (this.sessionId) {
      await this.call('DELETE', {}).then((res) => res.body.resume(), () => undefined);
    }
    await this.pool?.destroy().catch(() => undefined);
    this.onclose?.();
  }

  // The upstream's bytes are validated by the receiver (UpstreamSession.fromUpstream); here only
  // an answer's protocolVersion is read, which needs no zod pass over a 10 KB result.
  private deliver(message: JSONRPCMessage): void {
    const answer: unknown = message;
    if (isPlainObject(answer) && answer.jsonrpc === '2.0' && (typeof answer.id === 'string' || typeof answer.id === 'number') && isPlainObject(answer.result)) {
      const version = answer.result.protocolVersion;
      if (typeof version === 'string') this.protocolVersion = version;
    }
    this.onmessage?.(message);
  }

  private forgetInflight(id: RequestId | undefined): void {
    if (id !== undefined) this.inflight.delete(id);
  }

  /**
   * The GET stream for messages the upstream starts (notifications, sampling, elicitation). Resolves
   * once the upstream answered it (open, or 405: it offers none), failed, or LISTEN_READY_MS passed.
   */
  private listen(): Promise<void> {
    const answered = this.call('GET', { accept: 'text/event-stream' }).then((res) => {
      if (res.statusCode !== 200) {
        res.body.resume(); // 405: the upstream offers no such stream
        return;
      }
      this.listening = res.body;
      void this.follow(res.body, undefined);
    }, (error: unknown) => this.onerror?.(error as Error));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, LISTEN_READY_MS);
      timer.unref();
    });
    return Promise.race([answered, waited]).finally(() => clearTimeout(timer));
  }

  /**
   * Reads a stream to its end, then resumes it while it owes something: a POST stream until every
   * request it carried is answered, the GET stream for as long as the session lives. Resuming needs
   * an event id from the upstream (no id, nothing to resume from: the upstream timeout answers).
   */
  private async follow(first: Body, awaiting: Set<RequestId> | undefined): Promise<void> {
    const position: StreamPosition = {};
    let res: Body | undefined = first;
    let idle = 0;
    let resumes = 0;
    while (res) {
      const before = position.lastEventId;
      const tooLarge = await this.readEvents(res, position, awaiting);
      if (tooLarge) {
        // Never resumed (it would send the same event again): what the stream owed is answered with the bound.
        for (const id of awaiting ?? []) this.deliver({ jsonrpc: '2.0', id, error: { code: GatewayErrorCode.UpstreamFailed, message: tooLarge.message } });
        awaiting?.clear();
        return;
      }
      idle = position.lastEventId !== before ? 0 : idle + 1;
      const owes = awaiting ? awaiting.size > 0 : true;
      if (this.closed || !owes || position.lastEventId === undefined || idle > RESUMES_WITHOUT_PROGRESS || resumes++ >= RESUMES_PER_STREAM) return;
      const delay = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, position.retryMs ?? RETRY_DEFAULT_MS));
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      if (this.closed) return;
      res = await this.call('GET', { accept: 'text/event-stream', 'last-event-id': position.lastEventId }).then((next) => {
        if (next.statusCode === 200 && String(next.headers['content-type'] ?? '').includes('text/event-stream')) return next.body;
        next.body.resume();
        return undefined;
      }, (error: unknown) => {
        this.onerror?.(error as Error);
        return undefined;
      });
      if (res && !awaiting) this.listening = res;
    }
  }

  /**
   * Reads one SSE answer's events. Each event is bounded by maxAnswerBytes (counted on the wire
   * since the last blank line, so a line that never ends counts too): past it the exchange is
   * aborted, which drops its connection, and the error is returned.
   */
  private async readEvents(res: Body, position: StreamPosition, awaiting?: Set<RequestId>): Promise<UpstreamAnswerTooLarge | undefined> {
    const limit = this.maxAnswerBytes;
    const decoder = new StringDecoder('utf8');
    /** The pieces of a line not ended yet, joined once it ends: a long line is neither copied nor searched once per chunk. */
    let partial: string[] = [];
    /** Bytes of the event being read (an upper bound: counted per chunk, made exact when an event ends). */
    let held = 0;
    let data: string[] = [];
    let eventId: string | undefined;
    const onChunk = (raw: Buffer) => {
      held += raw.length;
      const text = decoder.write(raw);
      // Lines read in place (one slice each, a trailing CR dropped), the rest kept for the next chunk.
      let start = 0;
      let ended = false;
      let newline: number;
      while ((newline = text.indexOf('\n', start)) >= 0) {
        let line: string;
        if (partial.length === 0) {
          line = text.slice(start, newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline);
        } else {
          partial.push(text.slice(start, newline));
          line = partial.join('');
          partial = [];
          if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
        }
        start = newline + 1;
        if (line === '') {
          ended = true;
          // An event (even one without data: a priming event) moves the position on.
          if (eventId !== undefined) position.lastEventId = eventId || undefined;
          eventId = undefined;
          if (data.length) {
            const payload = data.join('\n');
            data = [];
            if (held > limit && Buffer.byteLength(payload) > limit) throw new UpstreamAnswerTooLarge(limit, 'an event the upstream sent');
            try {
              const message = JSON.parse(payload) as JSONRPCMessage;
              // Which request the stream answered, by shape: the receiver validates the message itself.
              if (awaiting && isPlainObject(message) && ('result' in message || 'error' in message) && message.id !== undefined) awaiting.delete(message.id as RequestId);
              this.deliver(message);
            } catch (error) {
              this.onerror?.(new Error(`the upstream sent an event that is not JSON: ${(error as Error).message}`));
            }
          }
        } else if (line.startsWith('data:')) {
          data.push(field(line, 5));
        } else if (line.startsWith('id:')) {
          const id = field(line, 3);
          if (!id.includes('\0')) eventId = id;
        } else if (line.startsWith('retry:')) {
          const retry = field(line, 6);
          if (/^\d{1,9}$/.test(retry)) {
            position.retryMs = Number(retry);
            this.reportRetry(position.retryMs);
          }
        }
      }
      if (start < text.length) partial.push(start > 0 ? text.slice(start) : text);
      // An event ended in this chunk: what is held now is only the next one's beginning.
      if (ended) held = bytesOf(partial) + bytesOf(data);
      if (held > limit) throw new UpstreamAnswerTooLarge(limit, 'an event the upstream sent');
    };
    try {
      await res.read(onChunk, true);
    } catch (error) {
      if (error instanceof UpstreamAnswerTooLarge) {
        this.onerror?.(error);
        return error;
      }
      if (!this.closed) this.onerror?.(error as Error);
    }
    return undefined;
  }

  /** Bounded as the gateway's own resumes are, and only when it changes. */
  private reportRetry(ms: number): void {
    const bounded = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, ms));
    if (bounded === this.retryMs) return;
    this.retryMs = bounded;
    this.onretry?.(bounded);
  }

  /** `inflightId`: a modern request, cancelled by closing its exchange (`notifications/cancelled`). */
  private call(method: Dispatcher.HttpMethod, headers: Record<string, string>, body?: string, inflightId?: RequestId): Promise<Answer> {
    const pool = this.pool;
    if (!pool) return Promise.reject(new Error(`Protocol "${this.url.protocol}" not supported. Expected "http:" or "https:"`));
    const modern = headers['mcp-protocol-version'] !== undefined;
    const all: Record<string, string> = { ...this.headers };
    if (this.basicAuth) all.authorization = this.basicAuth;
    if (!modern && this.sessionId) all['mcp-session-id'] = this.sessionId;
    if (!modern && this.protocolVersion) all['mcp-protocol-version'] = this.protocolVersion;
    Object.assign(all, headers);
    const exchange = new Exchange(this.maxAnswerBytes);
    // Aborting before the answer cancels the request; after it, ends the answer's body.
    if (inflightId !== undefined) this.inflight.set(inflightId, { abort: () => exchange.abort(new Error('cancelled by the client')) });
    pool.dispatch({ origin: this.origin, path: this.path, method, headers: all, body }, exchange);
    return exchange.started;
  }
}

/** A JSON-RPC error answering `id` in an HTTP error body, if that is what the body is. */
function errorAnswer(text: string, id: RequestId): JSONRPCMessage | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return isJSONRPCErrorResponse(parsed) && parsed.id === id ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function bytesOf(strings: string[]): number {
  let bytes = 0;
  for (const s of strings) bytes += Buffer.byteLength(s);
  return bytes;
}

/** An SSE field's value: after the name and its colon, one leading space dropped. */
function field(line: string, nameLength: number): string {
  return line.slice(line[nameLength] === ' ' ? nameLength + 1 : nameLength);
}

async function readAll(res: Body): Promise<string> {
  const chunks: Buffer[] = [];
  await res.read((chunk) => chunks.push(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One request to the upstream as undici's dispatcher reports it (HTTP parsed by undici's llhttp),
 * without a stream object per answer: `started` settles with the status and headers (or the
 * request's error), then the body is read once (`read`) or let go (`resume`). Bytes that arrive
 * before the reader are kept for it. `abort` cancels the request before its answer, or the answer's
 * body after it; nothing more is delivered after an abort or an error.
 */
class Exchange implements Dispatcher.DispatchHandler {
  readonly started: Promise<Answer>;
  private startedWith!: { resolve(answer: Answer): void; reject(error: Error): void };
  private controller?: Dispatcher.DispatchController;
  private abortedWith?: Error;
  private early: Buffer[] = [];
  private reader?: (chunk: Buffer) => void;
  private readingWith?: { resolve(): void; reject(error: Error): void };
  private outcome?: { error?: Error };
  /** Read by the SSE reader, which bounds each event; any other read (and what comes before a reader) is bounded here as a whole. */
  private perEvent = false;
  private received = 0;

  constructor(private readonly limit: number) {
    this.started = new Promise<Answer>((resolve, reject) => {
      this.startedWith = { resolve, reject };
    });
  }

  /** This exchange as the answer's body (the transport reads `res.body`). */
  get body(): Exchange {
    return this;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortedWith) controller.abort(this.abortedWith);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // an informational answer (103 Early Hints): the real one follows
    const declared = Number(headers['content-length']);
    if (declared > this.limit && !String(headers['content-type'] ?? '').includes('text/event-stream')) {
      controller.abort(new UpstreamAnswerTooLarge(this.limit, `the upstream's answer (${declared} bytes by its Content-Length)`));
      return;
    }
    this.startedWith.resolve({ statusCode, headers, body: this });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.outcome) return;
    if (!this.perEvent && (this.received += chunk.length) > this.limit) {
      controller.abort(new UpstreamAnswerTooLarge(this.limit, "the upstream's answer"));
      return;
    }
    if (!this.reader) {
      this.early.push(chunk);
      return;
    }
    try {
      this.reader(chunk);
    } catch (error) {
      controller.abort(error as Error);
    }
  }

  onResponseEnd(): void {
    this.finish({});
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.startedWith.reject(error);
    this.finish({ error });
  }

  /**
   * Hands each chunk of the body to `onChunk` until its end; rejects on an error or an abort (a throw
   * from `onChunk` aborts). `perEvent`: the reader bounds what it holds itself (SSE); otherwise the
   * whole body is bounded (an SSE-typed error status or 202 body too).
   */
  read(onChunk: (chunk: Buffer) => void, perEvent = false): Promise<void> {
    if (this.reader) return Promise.reject(new Error('the answer is read once'));
    this.reader = onChunk;
    this.perEvent = perEvent;
    const early = this.early;
    this.early = [];
    try {
      for (const chunk of early) onChunk(chunk);
    } catch (error) {
      this.abort(error as Error);
    }
    if (this.outcome) return this.outcome.error ? Promise.reject(this.outcome.error) : Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.readingWith = { resolve, reject };
    });
  }

  /** Lets the body go (read to its end and dropped, so the connection is reused). */
  resume(): void {
    if (!this.reader) void this.read(() => undefined).catch(() => undefined);
  }

  abort(reason: Error = new Error('the upstream request was aborted')): void {
    if (this.outcome) return;
    this.abortedWith ??= reason;
    if (this.controller) this.controller.abort(reason);
  }

  /** Same as abort (the name the listening stream is closed by). */
  destroy(): void {
    this.abort();
  }

  private finish(outcome: { error?: Error }): void {
    if (this.outcome) return;
    this.outcome = outcome;
    if (outcome.error) this.early = [];
    if (outcome.error) this.readingWith?.reject(outcome.error);
    else this.readingWith?.resolve();
  }
}
