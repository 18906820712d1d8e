import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { NodeHttpClientTransport } from '../../proxy';
import { eventually } from '../support/eventually';

/**
 * A 2025-era upstream that behaves as server-everything does when a tool asks the client for
 * something without naming the request it belongs to: the question goes on the GET stream, and
 * is dropped when that stream is not open (the SDK's server transport discards it). Its GET
 * stream opens only after `getDelayMs`, or never.
 */
async function startUpstream(getDelayMs: number | 'never'): Promise<{ url: URL; server: Server; dropped: string[]; calls: string[] }> {
  let stream: ServerResponse | undefined;
  const dropped: string[] = [];
  const calls: string[] = [];
  const server = createServer(async (req, res) => {
    if (req.method === 'GET') {
      if (getDelayMs === 'never') return; // headers never come
      await new Promise((resolve) => setTimeout(resolve, getDelayMs));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      stream = res;
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(200).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number; method?: string };
    if (body.method === 'initialize') {
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'upstream-session-1' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, result: { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 'asks-on-get', version: '1' } } }));
      return;
    }
    if (body.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    calls.push(body.method ?? '');
    // tools/call: the question goes where the SDK's server sends an unrelated request.
    const question = { jsonrpc: '2.0', id: 'ask-1', method: 'elicitation/create', params: { message: 'Which clinic?', requestedSchema: { type: 'object', properties: {} } } };
    if (stream) stream.write(`data: ${JSON.stringify(question)}\n\n`);
    else dropped.push('elicitation/create');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': working\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`), server, dropped, calls };
}

async function initialized(transport: NodeHttpClientTransport, seen: JSONRPCMessage[]): Promise<void> {
  await transport.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { elicitation: {} }, clientInfo: { name: 't', version: '1' } } });
  await eventually(() => seen.some((m) => 'id' in m && m.id === 0 && 'result' in m), 'the initialize answer');
  // As a gateway session forwards it: not awaited before the client's next request.
  void transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

describe('the HTTP upstream transport opens its GET stream before the first request after initialized', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => {
    s.closeAllConnections();
    s.close();
  }));

  test('a question the upstream asks on its GET stream during the first call reaches the gateway (not dropped while the stream was opening)', async () => {
    const upstream = await startUpstream(300);
    servers.push(upstream.server);
    const transport = new NodeHttpClientTransport(upstream.url);
    const seen: JSONRPCMessage[] = [];
    transport.onmessage = (m) => seen.push(m);
    await initialized(transport, seen);
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ask', arguments: {} } });
    await eventually(() => seen.some((m) => 'method' in m && m.method === 'elicitation/create'), 'the upstream\'s question');
    expect(upstream.dropped).toEqual([]);
    await transport.close();
  });

  test('an upstream whose GET stream never opens holds the first call back for a bounded time only', async () => {
    const upstream = await startUpstream('never');
    servers.push(upstream.server);
    const transport = new NodeHttpClientTransport(upstream.url);
    const seen: JSONRPCMessage[] = [];
    transport.onmessage = (m) => seen.push(m);
    await initialized(transport, seen);
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ask', arguments: {} } });
    expect(upstream.calls).toEqual(['tools/call']);
    await transport.close();
  });
});
