import { createServer } from 'node:http';
import { join } from 'node:path';
import { freePort, startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { NodeHttpClientTransport, RESUMES_PER_STREAM } from '../../proxy/http-upstream';
import { connectClient, endSession, startTestGateway, type TestGateway } from './support';

/**
 * SEP-1699 polling through the gateway: the conformance suite's reference server answers
 * `test_reconnection` by closing the call's SSE stream (after an event id and `retry: 5000`) and
 * sending the result only to a client that comes back with Last-Event-ID. The gateway resumes the
 * upstream stream so, and the client gets its answer; before, it waited for the upstream timeout.
 */
describe('gateway: an HTTP upstream that closes its stream and expects polling (SEP-1699)', () => {
  let server: ManagedProcess;
  let gw: TestGateway;
  const said: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const url = `http://localhost:${port}/mcp`;
    server = startProcess('everything-server', process.execPath, ['--import', 'tsx', join(__dirname, '../conformance/everything-server.ts')], {
      cwd: join(__dirname, '../..'), env: { ...process.env, PORT: String(port) }, onLine: (line) => said.push(line),
    });
    await waitFor('the reference server', async () => ((await fetch(url).catch(() => undefined))?.status === 400 ? true : undefined), 60_000, server);
    gw = await startTestGateway({
      config: `
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: reference
    description: the conformance suite's reference server
    upstream: { type: http, url: ${JSON.stringify(url)} }
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
`,
      limits: { upstreamTimeoutMs: 30_000 },
    });
  }, 90_000);
  afterAll(async () => {
    await gw?.close();
    await server?.stop();
  });

  test('the call whose stream the upstream closed is answered: the gateway came back with Last-Event-ID after the retry the server asked for', async () => {
    const { token } = await gw.grant('reference', { ttlMs: 120_000 });
    const c = await connectClient(gw.url, 'reference', token);
    const result = await c.client.callTool({ name: 'test_reconnection', arguments: {} }, { timeout: 25_000 });
    expect(result.content).toEqual([{ type: 'text', text: expect.stringContaining('Reconnection test completed successfully') }]);
    expect(said.some((l) => /Client reconnecting with Last-Event-ID: \S+::/.test(l))).toBe(true);
    // An ordinary call on the same session still works after the resume.
    expect((await c.client.callTool({ name: 'test_simple_text', arguments: {} })).content).toEqual([{ type: 'text', text: expect.any(String) }]);
    await endSession(c);
  });
});

describe('gateway: a hostile upstream that keeps closing its stream with fresh event ids', () => {
  test('is resumed a bounded number of times (retry: 0 is raised to 100 ms), then left to the upstream timeout', async () => {
    let gets = 0;
    const hostile = createServer((req, res) => {
      if (req.method === 'GET') {
        gets++;
      }
      req.resume();
      // A fresh id every time and retry: 0, then the stream ends: no answer ever comes.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 's1' }).end(`id: ${gets}-${Date.now()}\nretry: 0\ndata:\n\n`);
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', () => resolve()));
    const { port } = hostile.address() as { port: number };
    const transport = new NodeHttpClientTransport(new URL(`http://127.0.0.1:${port}/mcp`));
    try {
      await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: {} } });
      await waitFor('the resumes to stop', async () => {
        const before = gets;
        await new Promise((r) => setTimeout(r, 500));
        return gets === before && gets > 0 ? true : undefined;
      }, 20_000);
      expect(gets).toBe(RESUMES_PER_STREAM);
    } finally {
      await transport.close();
      hostile.closeAllConnections();
      await new Promise<void>((resolve) => hostile.close(() => resolve()));
    }
  });
});
