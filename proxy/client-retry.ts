/**
 * Makes the client-facing SSE streams ask for the reconnection delay an HTTP upstream asked the
 * gateway for (its `retry:`), so a client whose connection drops comes back when the server wanted.
 *
 * The SDK's Streamable HTTP server transports (v2: @modelcontextprotocol/node's, wrapping
 * /server's web-standard one; 1.x the same) write `retry:` in each stream's priming event from
 * their `retryInterval` option, fixed at construction, before the upstream has said anything; there
 * is no public setter, so the value is set on the (web-standard) transport the Node one wraps.
 * Streams opened afterwards carry it. Returns false when the transport has no such field (an SDK
 * change: test/proxy/sse-retry.test.ts fails then).
 */
export function askClientsToRetryAfter(transport: object, ms: number): boolean {
  const inner = (transport as { _webStandardTransport?: object })._webStandardTransport ?? transport;
  if (!('_retryInterval' in inner)) return false;
  (inner as { _retryInterval?: number })._retryInterval = ms;
  return true;
}
