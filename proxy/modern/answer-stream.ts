import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCNotification } from '@modelcontextprotocol/server';
import { GatewayErrorCode, type GatewayError } from '../errors';

/**
 * What one request is answered through: the client's HTTP answer (AnswerStream), or, for a retry
 * relayed to the replica that owns its input round, the way back to the replica the client called
 * (remote-rounds.ts). Whatever is given to it has been masked and recorded.
 */
export interface RequestStream {
  /** Aborts when the client gave up on the request. */
  readonly cancelled: AbortSignal;
  /** Whether a notification given now reaches the client. */
  readonly open: boolean;
  notify(notification: JSONRPCNotification): boolean;
  cancel(why: string): void;
  finish(answer: object): void;
  /** A refusal that is the answer; false when the caller must answer it with its HTTP status. */
  fail(error: GatewayError, id: string | number): boolean;
}

/**
 * How one 2026-07-28 request is answered over HTTP: one JSON body, or, when the client accepts
 * `text/event-stream` and something is said before the result (progress, a log line), an SSE
 * stream carrying the request's notifications and then its answer. The stream starts with the
 * first notification, so a quiet request still gets plain JSON.
 *
 * The client closing the connection before the answer is written is the revision's cancellation
 * signal over Streamable HTTP: `cancelled` aborts then. Nothing here masks or records; what is
 * given to it has been (exchange.ts).
 */
export class AnswerStream implements RequestStream {
  private streaming = false;
  private done = false;
  /** The connection is gone: nothing more can be written. */
  private gone = false;
  private readonly abort = new AbortController();

  constructor(private readonly res: ServerResponse, private readonly acceptsStream: boolean) {
    res.on('close', () => {
      this.gone = true;
      if (!this.done) this.abort.abort(new Error('the client closed the response stream before the answer'));
    });
  }

  /** Whether the request's Accept header takes an SSE answer. */
  static accepts(req: IncomingMessage): boolean {
    const accept = req.headers.accept ?? '';
    return accept.split(',').some((part) => part.split(';')[0]!.trim().toLowerCase() === 'text/event-stream');
  }

  /** Aborts when the client went away (closed the stream, or the connection) before its answer. */
  get cancelled(): AbortSignal {
    return this.abort.signal;
  }

  /** The client said it gives up on the request (notifications/cancelled): as if it closed the stream. */
  cancel(why: string): void {
    if (!this.done) this.abort.abort(new Error(why));
  }

  /** Whether a notification given now reaches the client (it accepts a stream and is still there). */
  get open(): boolean {
    return this.acceptsStream && !this.done && !this.abort.signal.aborted && !this.gone;
  }

  /** One of the request's notifications, on the stream (started now if need be); dropped when the client takes JSON only. */
  notify(notification: JSONRPCNotification): boolean {
    if (!this.open) return false;
    // Written whole or not at all: one that cannot be serialised starts no stream.
    const written = event(notification);
    if (!this.streaming) {
      this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
      this.streaming = true;
    }
    this.res.write(written);
    return true;
  }

  /**
   * The answer: the stream's last event, or the JSON body. Nothing is written to a client that
   * left; one that cancelled by notification but is still connected gets the answer it is given
   * (the cancellation's error), so no connection is left hanging. The answer is serialised before
   * anything is written: one that cannot be (a value JSON has no form for) is answered as withheld,
   * never with an empty 200 or a stream that ends without its answer.
   */
  finish(answer: object): void {
    if (this.done) return;
    this.done = true;
    if (this.gone) return;
    const body = serialise(answer);
    if (this.streaming) {
      this.res.end(`event: message\ndata: ${body}\n\n`);
      return;
    }
    this.res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
  }

  /**
   * A refusal after the stream began (its HTTP status is already sent): written as the JSON-RPC
   * error event that ends the stream. False when nothing was streamed yet, so the caller answers
   * with the error's own HTTP status.
   */
  fail(error: GatewayError, id: string | number): boolean {
    if (!this.streaming) return false;
    this.finish({ jsonrpc: '2.0', id, error: { code: error.code, message: error.message, ...(error.data !== undefined ? { data: error.data } : {}) } });
    return true;
  }
}

function event(message: object): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

/** The answer as JSON; one that has no JSON form becomes the withheld error under its id. */
function serialise(answer: object): string {
  try {
    return JSON.stringify(answer);
  } catch (error) {
    const id = (answer as { id?: unknown }).id;
    return JSON.stringify({
      jsonrpc: '2.0', id: typeof id === 'string' || typeof id === 'number' ? id : null,
      error: { code: GatewayErrorCode.Withheld, message: `the response was withheld: it could not be written (${(error as Error).message})` },
    });
  }
}
