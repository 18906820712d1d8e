import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { capturingLogger, connectClient, eventually, failureOf, startTestGateway, type LoggedLine, type TestGateway } from './support';
import { modernPost } from './modern-support';

/**
 * upstream.maxAnswerSize through the whole gateway (real Redis, the official client): an answer
 * past the bound reaches the client as a JSON-RPC error that names the bound, with nothing of it,
 * and is recorded like the other upstream failures. On HTTP only that exchange's connection is
 * dropped and the session goes on; on stdio the upstream process is stopped and the session ends
 * with the bound as its reason (a pipe cannot skip the rest of one line).
 */

const MB = 1024 * 1024;

const lines: LoggedLine[] = [];
const boundWarnings = () => lines.filter((l) => l.level === 'warn' && String(l.args[1]).includes('an upstream answer was larger than upstream.maxAnswerSize'));

/** A 2025-era HTTP MCP server: `small` answers, `big-json` answers 5 MB of JSON, `big-sse` a 50 MB event in 16 KB writes. */
async function oversizedHttpUpstream(): Promise<{ url: string; server: Server; dropped: () => number; sent: () => number }> {
  let dropped = 0;
  let sent = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.on('close', () => {
      if (!res.writableFinished) dropped += 1;
    });
    if (req.method !== 'POST') {
      res.writeHead(req.method === 'DELETE' ? 200 : 405).end();
      return;
    }
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const message = JSON.parse(text) as { id?: number | string; method: string; params?: { name?: string; protocolVersion?: string } };
      if (message.id === undefined) {
        res.writeHead(202).end();
        return;
      }
      const answer = (result: unknown) => {
        const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'upstream-session' }).end(body);
      };
      const name = message.params?.name;
      if (message.method === 'initialize') answer({ protocolVersion: message.params?.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'oversized', version: '0' } });
      else if (message.method === 'tools/list') answer({ tools: ['small', 'big-json', 'big-sse'].map((n) => ({ name: n, inputSchema: { type: 'object' } })) });
      else if (name === 'big-json') answer({ content: [{ type: 'text', text: 'j'.repeat(5 * MB) }] });
      else if (name === 'big-sse') void bigEvent(res, message.id!, (n) => (sent += n));
      else answer({ content: [{ type: 'text', text: 'fine' }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server, dropped: () => dropped, sent: () => sent };
}

async function bigEvent(res: ServerResponse, id: number | string, count: (bytes: number) => void): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'upstream-session' });
  const write = async (text: string) => {
    count(Buffer.byteLength(text));
    if (!res.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    return !res.destroyed;
  };
  await write(`data: {"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"text","text":"`);
  const piece = 'w'.repeat(16 * 1024);
  for (let sent = 0; sent < 50 * MB; sent += piece.length) if (!(await write(piece))) return;
  await write('"}]}}\n\n');
  res.end();
}

describe('gateway: an upstream answer past upstream.maxAnswerSize', () => {
  let gw: TestGateway;
  let upstream: Awaited<ReturnType<typeof oversizedHttpUpstream>>;

  beforeAll(async () => {
    upstream = await oversizedHttpUpstream();
    const target = (name: string, upstreamYaml: string) => `
  - name: ${name}
    upstream: ${upstreamYaml}
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [alice@example.org] }`;
    gw = await startTestGateway({
      log: capturingLogger(lines),
      config: `version: 1
targets:${target('big-http', `{ type: http, url: ${JSON.stringify(upstream.url)}, era: 2025, maxAnswerSize: 1MB }`)}${target('big-stdio', `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(join(__dirname, 'fixtures/oversized-upstream.js'))}], era: 2025, maxAnswerSize: 1MB }`)}
`,
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    upstream?.server.closeAllConnections();
    upstream?.server.close();
  });

  const responses = (requestId: string) => gw.recorder.of(requestId).filter((e) => e.type === 'response') as unknown as { outcome: string; error?: { code: number; message: string } }[];

  test('HTTP, 2025 session: a 50 MB SSE event and a 5 MB JSON answer each fail with the bound, are recorded, and the session goes on', async () => {
    const { token, grant } = await gw.grant('big-http');
    const { client } = await connectClient(gw.url, 'big-http', token);
    const sse = await failureOf(client.callTool({ name: 'big-sse', arguments: {} }));
    expect(sse).toMatch(/^-31061 an event the upstream sent is larger than upstream\.maxAnswerSize \(1 MB\)/);
    expect(sse).not.toContain('www');
    const json = await failureOf(client.callTool({ name: 'big-json', arguments: {} }));
    expect(json).toMatch(/^-31061 the upstream's answer (\(\d+ bytes by its Content-Length\) )?is larger than upstream\.maxAnswerSize \(1 MB\)/);
    // The session is still usable.
    expect(await client.callTool({ name: 'small', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: 'fine' }] });
    expect(upstream.dropped()).toBeGreaterThanOrEqual(1);
    expect(upstream.sent()).toBeLessThan(40 * MB);
    const failed = responses(grant.requestId).filter((r) => r.outcome === 'error');
    expect(failed.map((r) => r.error!.code)).toEqual([-31061, -31061]);
    expect(failed.every((r) => r.error!.message.includes('maxAnswerSize (1 MB)'))).toBe(true);
    expect(JSON.stringify(gw.recorder.of(grant.requestId))).not.toContain('jjjj');
    // Operators see it: one warning per over-bound answer, naming the target and the bound, none of the answer.
    expect(boundWarnings().map((l) => l.args[0])).toEqual([
      expect.objectContaining({ target: 'big-http', limit: MB }), expect.objectContaining({ target: 'big-http', limit: MB }),
    ]);
    expect(JSON.stringify(boundWarnings())).not.toMatch(/www|jjjj/);
    await client.close();
  });

  test('HTTP, 2026-07-28 client: the call fails with the bound and is recorded', async () => {
    const { token, grant } = await gw.grant('big-http');
    const warnedBefore = boundWarnings().length;
    const res = await modernPost(gw.url, 'big-http', token, { id: 5, method: 'tools/call', params: { name: 'big-sse', arguments: {} } });
    expect(res.text).toContain('-31061');
    expect(res.text).toContain('larger than upstream.maxAnswerSize (1 MB)');
    expect(res.text).not.toContain('www');
    const ok = await modernPost(gw.url, 'big-http', token, { id: 6, method: 'tools/call', params: { name: 'small', arguments: {} } });
    expect(ok.text).toContain('fine');
    const failed = responses(grant.requestId).filter((r) => r.outcome === 'error');
    expect(failed).toEqual([expect.objectContaining({ error: { code: -31061, message: expect.stringContaining('maxAnswerSize (1 MB)') } })]);
    // Operators see it on this path too (a grant's stateless link), as on a 2025 session's.
    expect(boundWarnings().slice(warnedBefore).map((l) => l.args[0])).toEqual([expect.objectContaining({ target: 'big-http', limit: MB })]);
    expect(JSON.stringify(boundWarnings())).not.toMatch(/www|jjjj/);
  });

  test('stdio, 2025 session: a line without end stops the upstream; the call fails with the bound and the session ends with it, recorded', async () => {
    const { token, grant } = await gw.grant('big-stdio');
    const { client } = await connectClient(gw.url, 'big-stdio', token);
    expect(await client.callTool({ name: 'small', arguments: {} })).toMatchObject({ content: [{ text: 'fine' }] });
    const failure = await failureOf(client.callTool({ name: 'endless', arguments: {} }));
    expect(failure).toMatch(/^-31061 .*a message line the upstream MCP server wrote on stdout is larger than upstream\.maxAnswerSize \(1 MB\)/);
    const ended = await eventually(() => gw.recorder.of(grant.requestId).find((e) => e.type === 'session_end') as { reason?: string; detail?: string } | undefined, 'the session\'s end in the recording');
    expect(ended).toMatchObject({ reason: 'error', detail: expect.stringContaining('larger than upstream.maxAnswerSize (1 MB)') });
    await client.close().catch(() => undefined);
  });
});
