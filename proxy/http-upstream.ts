import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import {
  isJSONRPCErrorResponse, type JSONRPCMessage, type RequestId, type Transport,
} from '@modelcontextprotocol/client';
import { isOwnNotification, isOwnRequest } from './message-text';
import { isPlainObject, modernHeaders, modernVersionOf } from './upstream-era';

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

/** An HTTP answer that is not a success and carries no JSON-RPC answer to the request: its status is era evidence. */
export class UpstreamHttpError extends Error {
  constructor(readonly status: number, body: string) {
    super(`the upstream answered HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/**
 * The client side of Streamable HTTP towards an upstream MCP server, on node:http with a
 * keep-alive agent (the SDK's transport goes through fetch and web streams, which cost the gateway
 * more CPU per call than the rest of its work together). It moves messages and nothing else:
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
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;
  /** The URL as request options, converted once (node converts a URL argument on every request). */
  private readonly target: RequestOptions;
  private listening?: IncomingMessage;
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

  constructor(private readonly url: URL, private readonly headers: Record<string, string> = {}) {
    const secure = url.protocol === 'https:';
    this.agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.request = secure ? httpsRequest : httpRequest;
    this.target = urlToHttpOptions(url);
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
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': String(Buffer.byteLength(body)) };
    const requestId = isOwnRequest(message) ? message.id : undefined;
    const res = await this.call('POST', modern ? { ...headers, ...modernHeaders(message, modern) } : headers, body, modern ? requestId : undefined);
    if (!modern) {
      const sessionId = res.headers['mcp-session-id'];
      if (typeof sessionId === 'string') this.sessionId = sessionId;
    }
    if (res.statusCode === 202) {
      res.resume();
      if (!modern && isOwnNotification(message) && message.method === 'notifications/initialized') this.listenOpened = this.listen();
      return;
    }
    if (!res.statusCode || res.statusCode >= 300) {
      const text = await readAll(res);
      // The 2026-07-28 revision answers a request it refuses with 4xx and a JSON-RPC error for it.
      const answer = modern && requestId !== undefined ? errorAnswer(text, requestId) : undefined;
      if (answer) {
        this.forgetInflight(requestId);
        this.deliver(answer);
        return;
      }
      this.forgetInflight(requestId);
      throw new UpstreamHttpError(res.statusCode ?? 0, text);
    }
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('text/event-stream')) {
      const awaiting = new Set<RequestId>(requestId !== undefined ? [requestId] : []);
      void this.follow(res, awaiting).finally(() => this.forgetInflight(requestId));
      return;
    }
    const text = await readAll(res).finally(() => this.forgetInflight(requestId));
    if (!text) return;
    try {
      const parsed = JSON.parse(text) as JSONRPCMessage | JSONRPCMessage[];
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) this.deliver(m);
    } catch (error) {
      this.onerror?.(new Error(`the upstream sent a body that is not JSON: ${(error as Error).message}`));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listening?.destroy();
    this.inflight.forEach((request) => request.abort());
    this.inflight.clear();
    if (this.sessionId) {
      await this.call('DELETE', {}).then((res) => res.resume(), () => undefined);
    }
    this.agent.destroy();
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
        res.resume(); // 405: the upstream offers no such stream
        return;
      }
      this.listening = res;
      void this.follow(res, undefined);
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
  private async follow(first: IncomingMessage, awaiting: Set<RequestId> | undefined): Promise<void> {
    const position: StreamPosition = {};
    let res: IncomingMessage | undefined = first;
    let idle = 0;
    let resumes = 0;
    while (res) {
      const before = position.lastEventId;
      await this.readEvents(res, position, awaiting);
      idle = position.lastEventId !== before ? 0 : idle + 1;
      const owes = awaiting ? awaiting.size > 0 : true;
      if (this.closed || !owes || position.lastEventId === undefined || idle > RESUMES_WITHOUT_PROGRESS || resumes++ >= RESUMES_PER_STREAM) return;
      const delay = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, position.retryMs ?? RETRY_DEFAULT_MS));
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      if (this.closed) return;
      res = await this.call('GET', { accept: 'text/event-stream', 'last-event-id': position.lastEventId }).then((next) => {
        if (next.statusCode === 200 && String(next.headers['content-type'] ?? '').includes('text/event-stream')) return next;
        next.resume();
        return undefined;
      }, (error: unknown) => {
        this.onerror?.(error as Error);
        return undefined;
      });
      if (res && !awaiting) this.listening = res;
    }
  }

  private async readEvents(res: IncomingMessage, position: StreamPosition, awaiting?: Set<RequestId>): Promise<void> {
    let buffer = '';
    let data: string[] = [];
    let eventId: string | undefined;
    const onChunk = (chunk: string) => {
      buffer += chunk;
      // Lines read in place (one slice each, a trailing CR dropped), the rest kept for the next chunk.
      let start = 0;
      let newline: number;
      while ((newline = buffer.indexOf('\n', start)) >= 0) {
        const line = buffer.slice(start, newline > start && buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline);
        start = newline + 1;
        if (line === '') {
          // An event (even one without data: a priming event) moves the position on.
          if (eventId !== undefined) position.lastEventId = eventId || undefined;
          eventId = undefined;
          if (data.length) {
            const payload = data.join('\n');
            data = [];
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
      if (start > 0) buffer = buffer.slice(start);
    };
    try {
      res.setEncoding('utf8');
      await consume(res, onChunk);
    } catch (error) {
      if (!this.closed) this.onerror?.(error as Error);
    }
  }

  /** Bounded as the gateway's own resumes are, and only when it changes. */
  private reportRetry(ms: number): void {
    const bounded = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, ms));
    if (bounded === this.retryMs) return;
    this.retryMs = bounded;
    this.onretry?.(bounded);
  }

  /** `inflightId`: a modern request, cancelled by closing its exchange (`notifications/cancelled`). */
  private call(method: string, headers: Record<string, string>, body?: string, inflightId?: RequestId): Promise<IncomingMessage> {
    const modern = headers['mcp-protocol-version'] !== undefined;
    const options: RequestOptions = {
      ...this.target,
      method,
      agent: this.agent,
      headers: {
        ...this.headers,
        ...(!modern && this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
        ...(!modern && this.protocolVersion ? { 'mcp-protocol-version': this.protocolVersion } : {}),
        ...headers,
      },
    };
    return new Promise((resolve, reject) => {
      const req = this.request(options, (res) => {
        if (inflightId !== undefined) this.inflight.set(inflightId, { abort: () => { res.destroy(); req.destroy(); } });
        resolve(res);
      });
      if (inflightId !== undefined) this.inflight.set(inflightId, { abort: () => req.destroy(new Error('cancelled by the client')) });
      req.on('error', reject);
      req.end(body);
    });
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

/** An SSE field's value: after the name and its colon, one leading space dropped. */
function field(line: string, nameLength: number): string {
  return line.slice(line[nameLength] === ' ' ? nameLength + 1 : nameLength);
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  await consume(res, (chunk: Buffer) => chunks.push(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Hands each chunk of a response to `onChunk` as it comes, until its end; rejects on an error or a
 * close before the end (as `for await` does, without an async iterator's promise per chunk).
 */
function consume<T extends string | Buffer>(res: IncomingMessage, onChunk: (chunk: T) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let ended = false;
    res.on('data', (chunk: T) => {
      try {
        onChunk(chunk);
      } catch (error) {
        res.destroy();
        reject(error as Error);
      }
    });
    res.once('end', () => {
      ended = true;
      resolve();
    });
    res.once('error', reject);
    res.once('close', () => {
      if (!ended) reject(new Error('the upstream closed the stream before its end (premature close)'));
    });
  });
}
