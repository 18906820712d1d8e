import { setMaxListeners } from 'node:events';

/** The fetch shape the MCP SDK's client transports take. */
export type McpFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Statuses whose Response may not carry a body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Links at once on one signal before Node warns: one per exchange open on the session (as undici allows). */
const OPEN_EXCHANGES_WARNING = 1500;

/**
 * A fetch for the MCP SDK's StreamableHTTPClientTransport that gives every HTTP exchange its own
 * AbortSignal, linked to the one the SDK passes only until the exchange's body has been read.
 *
 * The SDK passes its transport's single, long-lived signal to every POST; Node's fetch (undici)
 * adds an abort listener to that signal per request and takes it off only when the request object
 * is garbage-collected. A busy client (the proxy bench, a long agent session) so piles up
 * thousands of listeners on one signal (`MaxListenersExceededWarning: ... abort listeners added
 * to [AbortSignal]`). Here the long-lived signal carries at most one listener per exchange still
 * open; closing the transport still aborts every open exchange, the GET stream included.
 */
export function fetchWithOwnSignal(base: McpFetch = fetch): McpFetch {
  return async (url, init) => {
    const outer = init?.signal;
    if (!outer) return base(url, init);
    const own = new AbortController();
    const forward = () => own.abort(outer.reason);
    const unlink = () => outer.removeEventListener('abort', forward);
    setMaxListeners(OPEN_EXCHANGES_WARNING, outer);
    if (outer.aborted) forward();
    else outer.addEventListener('abort', forward, { once: true });
    let response: Response;
    try {
      response = await base(url, { ...init, signal: own.signal });
    } catch (error) {
      unlink();
      throw error;
    }
    if (!response.body || NULL_BODY.has(response.status) || response.type === 'opaqueredirect') {
      unlink();
      return response;
    }
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            unlink();
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (error) {
          unlink();
          controller.error(error);
        }
      },
      cancel(reason) {
        unlink();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
