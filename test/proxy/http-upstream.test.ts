import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { connectClient, endSession, startTestGateway, type TestGateway } from './support';

/** An HTTP MCP upstream that remembers the headers each request came with. */
async function startHttpUpstream(): Promise<{ url: string; headers: IncomingHttpHeaders[]; server: Server }> {
  const headers: IncomingHttpHeaders[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const server = createServer(async (req, res) => {
    headers.push(req.headers);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
    const id = req.headers['mcp-session-id'] as string | undefined;
    let transport = id ? transports.get(id) : undefined;
    if (!transport && isInitializeRequest(body)) {
      const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => { transports.set(sid, created); } });
      transport = created;
      const mcp = new McpServer({ name: 'http-upstream', version: '1' });
      mcp.registerTool('lookup', { inputSchema: { mrn: z.string() } }, ({ mrn }) => ({ content: [{ type: 'text', text: `patient ${mrn} has SSN 123-45-6789` }] }));
      await mcp.connect(transport);
    }
    if (!transport) { res.writeHead(404).end(); return; }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, headers, server };
}

describe('gateway: an HTTP upstream', () => {
  let upstream: Awaited<ReturnType<typeof startHttpUpstream>>;
  let gw: TestGateway;
  beforeAll(async () => {
    upstream = await startHttpUpstream();
    gw = await startTestGateway({ config: `
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: remote
    upstream: { type: http, url: ${JSON.stringify(upstream.url)}, credentialHeader: X-Warehouse-Credential }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
` });
  });
  afterAll(async () => {
    await gw.close();
    upstream.server.closeAllConnections();
    upstream.server.close();
  });

  test('gets the credential as a header on every request; the client\'s grant token never reaches it', async () => {
    const { token, credential, grant } = await gw.grant('remote');
    const c = await connectClient(gw.url, 'remote', token);
    const result = await c.client.callTool({ name: 'lookup', arguments: { mrn: 'MRN-0012345' } });
    expect(result.content).toEqual([{ type: 'text', text: 'patient [MRN] has SSN [SSN]' }]);
    await endSession(c);
    const posts = upstream.headers.filter((h) => h['x-warehouse-credential'] !== undefined);
    expect(posts.length).toBeGreaterThanOrEqual(3);
    expect(posts.every((h) => h['x-warehouse-credential'] === credential && h['x-gatehouse-principal'] === grant.principal)).toBe(true);
    expect(JSON.stringify(upstream.headers)).not.toContain(token);
    expect(upstream.headers.every((h) => h.authorization === undefined)).toBe(true);
  });
});
