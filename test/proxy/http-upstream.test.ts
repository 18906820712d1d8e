import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { connectClient, endSession, startTestGateway, type TestGateway } from './support';

/** A 2025-era HTTP MCP upstream (v2 SDK, sessions) that remembers the headers each request came with, by path (/mcp/<target>). */
async function startHttpUpstream(): Promise<{ url: string; headers: IncomingHttpHeaders[]; byPath: Map<string, IncomingHttpHeaders[]>; server: Server }> {
  const headers: IncomingHttpHeaders[] = [];
  const byPath = new Map<string, IncomingHttpHeaders[]>();
  const transports = new Map<string, NodeStreamableHTTPServerTransport>();
  const server = createServer(async (req, res) => {
    headers.push(req.headers);
    byPath.set(req.url ?? '', [...(byPath.get(req.url ?? '') ?? []), req.headers]);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
    const id = req.headers['mcp-session-id'] as string | undefined;
    let transport = id ? transports.get(id) : undefined;
    if (!transport && isInitializeRequest(body)) {
      const created: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => { transports.set(sid, created); } });
      transport = created;
      const mcp = new McpServer({ name: 'http-upstream', version: '1' });
      mcp.registerTool('lookup', { inputSchema: { mrn: z.string() } }, ({ mrn }) => ({ content: [{ type: 'text', text: `patient ${mrn} has SSN 123-45-6789` }] }));
      await mcp.connect(transport);
    }
    if (!transport) { res.writeHead(404).end(); return; }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, headers, byPath, server };
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
    upstream: { type: http, url: ${JSON.stringify(upstream.url)} }
    credentials: { provider: fake, delivery: { header: X-Warehouse-Credential } }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
  - name: bearer
    upstream: { type: http, url: ${JSON.stringify(`${upstream.url}/bearer`)} }
    credentials: { provider: fake, delivery: { header: Authorization, format: 'Bearer {credential}' } }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
  - name: open
    upstream: { type: http, url: ${JSON.stringify(`${upstream.url}/open`)} }
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
  - name: warehouse
    upstream: { type: http, url: ${JSON.stringify(`${upstream.url}/warehouse`)} }
    credentials: { provider: snowflake, settings: { account: ACME }, delivery: { header: X-Snowflake-Login, sendPrivateKey: true } }
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
    expect(posts.every((h) => h['x-warehouse-credential'] === credential)).toBe(true);
    // Nothing else: not the grant's principal, not the client's token.
    expect(JSON.stringify(upstream.byPath.get('/mcp'))).not.toContain(grant.principal);
    expect(JSON.stringify(upstream.headers)).not.toContain(token);
    expect((upstream.byPath.get('/mcp') ?? []).every((h) => h.authorization === undefined && Object.keys(h).every((k) => !k.startsWith('x-gatehouse')))).toBe(true);
  });

  /** Every header value the upstream saw at a path that holds `secret`, as [header, value]. */
  const carrying = (path: string, secret: string) => (upstream.byPath.get(path) ?? []).flatMap((h) => Object.entries(h).filter(([, v]) => String(v).includes(secret)).map(([k]) => k));

  test('a target that says Authorization: Bearer {credential} gets exactly that, in that one header', async () => {
    const { token, credential } = await gw.grant('bearer');
    const c = await connectClient(gw.url, 'bearer', token);
    await c.client.listTools();
    await endSession(c);
    const seen = upstream.byPath.get('/mcp/bearer') ?? [];
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((h) => h.authorization === `Bearer ${credential}`)).toBe(true);
    expect([...new Set(carrying('/mcp/bearer', credential.slice(30, 50)))]).toEqual(['authorization']);
    expect(JSON.stringify(seen)).not.toContain(token);
  });

  test('credentials: none — the upstream sees no credential, and the gateway never reads the vault for it', async () => {
    const { token, credential, grant } = await gw.grant('open');
    // Even with a secret under the grant's reference (a misconfigured worker), nothing is fetched.
    await gw.vault.delete(grant.credentialRef);
    const c = await connectClient(gw.url, 'open', token);
    const result = await c.client.callTool({ name: 'lookup', arguments: { mrn: 'MRN-0012345' } });
    expect(result.content).toEqual([{ type: 'text', text: 'patient [MRN] has SSN [SSN]' }]);
    await endSession(c);
    const seen = upstream.byPath.get('/mcp/open') ?? [];
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(carrying('/mcp/open', credential.slice(30, 50))).toEqual([]);
    expect(seen.every((h) => h.authorization === undefined && Object.keys(h).every((k) => !k.startsWith('x-gatehouse') && !k.includes('credential')))).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(grant.principal);
  });

  test('a Snowflake login reaches an http upstream only because this target said sendPrivateKey: true, in its one header', async () => {
    const login = JSON.stringify({ kind: 'snowflake', username: 'GH_X', privateKey: '-----BEGIN PRIVATE KEY-----MIIBVgIBADANBgkq-----END PRIVATE KEY-----' });
    const { token } = await gw.grant('warehouse', { credential: login });
    const c = await connectClient(gw.url, 'warehouse', token);
    await c.client.listTools();
    await endSession(c);
    expect([...new Set(carrying('/mcp/warehouse', 'MIIBVgIBADANBgkq'))]).toEqual(['x-snowflake-login']);
  });
});
