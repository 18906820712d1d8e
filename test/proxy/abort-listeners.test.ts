import { getEventListeners } from 'node:events';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { connectClient, endSession, startTestGateway, type TestGateway } from './support';

/** The one AbortSignal the SDK's client transport passes to every fetch of a session. */
function sessionSignal(transport: StreamableHTTPClientTransport): AbortSignal {
  const controller = (transport as unknown as { _abortController?: AbortController })._abortController;
  if (!controller) throw new Error('the SDK client transport keeps no AbortController any more: update this test');
  return controller.signal;
}

// Issue 18: a busy session printed `MaxListenersExceededWarning: ... abort listeners added to
// [AbortSignal]`: each call added a listener to the client transport's long-lived signal (undici
// takes it off only when the request is garbage-collected). Clients built with
// fetchWithOwnSignal (test helpers, the proxy bench) give each exchange its own signal.
describe('gateway session: abort listeners stay flat over many calls', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ limits: { messagesPerSecond: 1e6, messageBurst: 1e6 } }); });
  afterAll(async () => { await gw.close(); });

  test('the long-lived signal carries no listener per call, however many calls the session makes', async () => {
    const { token } = await gw.grant('everything');
    const c = await connectClient(gw.url, 'everything', token, 'listener-count');
    const signal = sessionSignal(c.transport);
    const counts: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      for (let i = 0; i < 150; i += 1) {
        const result = await c.client.callTool({ name: 'echo', arguments: { message: `call ${round}.${i}` } });
        expect((result.content as { text: string }[])[0]!.text).toContain(`call ${round}.${i}`);
      }
      counts.push(getEventListeners(signal, 'abort').length);
    }
    // 600 calls: at most the GET stream's link and one per exchange still open, never one per call.
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    // Concurrent calls too: links are taken off as each answer is read.
    await Promise.all(Array.from({ length: 32 }, (_, i) => c.client.callTool({ name: 'echo', arguments: { message: `parallel ${i}` } })));
    expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(2);
    await endSession(c);
  });

  test('closing the client still aborts what is open on the session (the GET stream)', async () => {
    const { token } = await gw.grant('everything');
    const c = await connectClient(gw.url, 'everything', token, 'close-aborts');
    await c.client.ping();
    const signal = sessionSignal(c.transport);
    await c.client.close();
    expect(signal.aborted).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
