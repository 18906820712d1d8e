import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { freePort, startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { upstreamEras } from '../../proxy/upstream-era';
import { connectClient, eventually, everythingServer, startTestGateway, type TestGateway } from './support';

// A 2025 session whose HTTP upstream is redeployed in the other MCP era while the session runs.
// Its upstream link was opened in one era and can no longer talk to the server: the call that
// shows it fails saying so, the gateway forgets the era it remembered and ends the session, and
// the client's new session asks the upstream again and works. Both ways: 2026-07-28 → 2025 and
// 2025 → 2026-07-28. The "redeploy" is a proxy in front of two real servers (the v2 SDK's
// modern-only server, and server-everything over Streamable HTTP), switched between calls.
const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
const modernUpstream = join(__dirname, 'fixtures/modern-upstream.ts');

const text = (r: unknown) => ((r as CallToolResult).content ?? []).map((c) => (c as { text?: string }).text ?? '').join('\n');

describe('a 2025 session whose HTTP upstream changes era', () => {
  let modern: ManagedProcess;
  let legacy: ManagedProcess;
  let backends: { modern: string; legacy: string };
  let current: 'modern' | 'legacy' = 'modern';
  let front: Server;
  let gw: TestGateway;

  beforeAll(async () => {
    let modernUrl: string | undefined;
    modern = startProcess('modern-upstream', process.execPath, [tsx, modernUpstream, 'http'], { onLine: (line) => { modernUrl = /^listening (\S+)/.exec(line)?.[1] ?? modernUrl; } });
    await waitFor('the modern HTTP upstream', async () => modernUrl, 60_000, modern);
    const port = await freePort();
    legacy = startProcess('everything-http', process.execPath, [everythingServer, 'streamableHttp'], { env: { ...process.env, PORT: String(port) } });
    const legacyUrl = `http://127.0.0.1:${port}/mcp`;
    await waitFor('server-everything over HTTP', async () => ((await fetch(legacyUrl, { method: 'GET' }).catch(() => undefined)) ? true : undefined), 60_000, legacy);
    backends = { modern: modernUrl!, legacy: legacyUrl };
    // The load balancer in front of "the" upstream: every request goes to the current deployment.
    front = createServer((req, res) => {
      const to = new URL(backends[current]);
      const out = httpRequest({ host: to.hostname, port: to.port, path: to.pathname, method: req.method, headers: { ...req.headers, host: to.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}/mcp`;
    gw = await startTestGateway({ config: `
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: charts
    upstream: { type: http, url: ${JSON.stringify(url)} }
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
` });
  }, 120_000);
  afterAll(async () => {
    await gw?.close();
    front?.closeAllConnections();
    await new Promise((resolve) => front?.close(resolve));
    await Promise.all([modern?.stop(), legacy?.stop()]);
  });

  const ended = (requestId: string) => gw.recorder.of(requestId).filter((e) => e.type === 'session_end');

  test('2026-07-28 → 2025: the call that meets the new server fails saying so, the session ends, a new session works in the new era', async () => {
    current = 'modern';
    const { token, grant } = await gw.grant('charts');
    const first = await connectClient(gw.url, 'charts', token);
    expect(first.client.getServerVersion()?.name).toBe('modern-upstream');
    expect(text(await first.client.callTool({ name: 'lookup', arguments: { mrn: 'M-1' } }))).toBe('patient M-1 has SSN [SSN]');

    current = 'legacy';
    const failed = await first.client.callTool({ name: 'lookup', arguments: { mrn: 'M-2' } }).then((r) => JSON.stringify(r), (e: Error) => e.message);
    expect(failed).toMatch(/the upstream changed under this session .* start a new one \(initialize\)/);
    // The session ends (its upstream link is of the old era): recorded, and the client's next request is refused as such.
    await eventually(() => ended(grant.requestId).length === 1, 'the session ended');
    expect(ended(grant.requestId)[0]).toMatchObject({ reason: 'error', detail: expect.stringContaining('changed under the session') });
    await expect(first.client.callTool({ name: 'lookup', arguments: { mrn: 'M-3' } })).rejects.toThrow();
    await first.client.close().catch(() => undefined);

    const second = await connectClient(gw.url, 'charts', token);
    expect(second.client.getServerVersion()?.name).not.toBe('modern-upstream');
    expect(text(await second.client.callTool({ name: 'echo', arguments: { message: 'after the redeploy' } }))).toBe('Echo: after the redeploy');
    await second.client.close();
  }, 120_000);

  test('2025 → 2026-07-28: the same, the other way', async () => {
    current = 'legacy';
    const { token, grant } = await gw.grant('charts');
    const first = await connectClient(gw.url, 'charts', token);
    expect(text(await first.client.callTool({ name: 'echo', arguments: { message: 'before' } }))).toBe('Echo: before');
    // A hostile agent cannot end its session or make the gateway forget the era with what it sends: an unknown tool, bad arguments.
    const target = gw.config.targets.find((t) => t.name === 'charts')!;
    expect(upstreamEras.get(target)?.era).toBe('legacy');
    for (const call of [{ name: 'no-such-tool', arguments: {} }, { name: 'echo', arguments: { message: 42 } }, { name: 'echo', arguments: { message: 'x'.repeat(100_000) } }]) {
      await first.client.callTool(call).catch(() => undefined);
    }
    expect(upstreamEras.get(target)?.era).toBe('legacy');
    expect(text(await first.client.callTool({ name: 'echo', arguments: { message: 'still here' } }))).toBe('Echo: still here');

    current = 'modern';
    const failed = await first.client.callTool({ name: 'echo', arguments: { message: 'during' } }).then((r) => JSON.stringify(r), (e: Error) => e.message);
    expect(failed).toMatch(/the upstream changed under this session/);
    await eventually(() => ended(grant.requestId).length === 1, 'the session ended');
    await first.client.close().catch(() => undefined);

    const second = await connectClient(gw.url, 'charts', token);
    expect(second.client.getServerVersion()?.name).toBe('modern-upstream');
    expect(text(await second.client.callTool({ name: 'lookup', arguments: { mrn: 'M-4' } }))).toBe('patient M-4 has SSN [SSN]');
    await second.client.close();
  }, 120_000);
});
