import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { connectClient, endSession, startTestGateway, type TestGateway } from './support';

const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
const modernUpstream = join(__dirname, 'fixtures/modern-upstream.ts');
const hostileUpstream = join(__dirname, 'fixtures/hostile-upstream.js');

/** What the modern upstream logged: one JSON line per tool run or HTTP request. */
function upstreamLog(file: string): Record<string, unknown>[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}

/**
 * 2025-era clients (the official v1 client, with a session) through the gateway to upstreams of
 * the 2026-07-28 revision, which has no session: the gateway probes with server/discover, calls
 * the upstream statelessly, and turns its multi-round-trip input requests into the elicitation the
 * 2025 client knows. Upstreams that speak neither era, or claim the modern one and answer
 * garbage, are refused with errors that name the target.
 */
describe('gateway: upstreams of the 2026-07-28 revision, for 2025-era clients', () => {
  let gw: TestGateway;
  let http: ManagedProcess;
  let dir: string;
  let stdioLog: string;
  let httpLog: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-eras-'));
    stdioLog = join(dir, 'stdio.log');
    httpLog = join(dir, 'http.log');
    let url: string | undefined;
    http = startProcess('modern-upstream', process.execPath, [tsx, modernUpstream, 'http'], {
      env: { ...process.env, MODERN_UPSTREAM_LOG: httpLog },
      onLine: (line) => { url = /^listening (\S+)/.exec(line)?.[1] ?? url; },
    });
    await waitFor('the modern HTTP upstream', async () => url, 60_000, http);
    const stdio = (args: string[], env: Record<string, string> = {}) => `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify(args)}, env: ${JSON.stringify(env)} }`;
    const target = (name: string, upstream: string) => `
  - name: ${name}
    upstream: ${upstream}
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }`;
    gw = await startTestGateway({
      config: `
version: 1
groups: { approvers: [alice@example.org] }
targets:${target('modern-stdio', stdio([tsx, modernUpstream, 'stdio'], { MODERN_UPSTREAM_LOG: stdioLog }))}${target('modern-http', `{ type: http, url: ${JSON.stringify(url)} }`)}${target('garbage-discover', stdio([hostileUpstream, 'garbage-discover']))}${target('neither', stdio([hostileUpstream, 'neither']))}${target('garbage-later', stdio([hostileUpstream, 'garbage-later']))}
`,
      limits: { upstreamTimeoutMs: 30_000 },
    });
  }, 90_000);
  afterAll(async () => {
    await gw?.close();
    await http?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a stdio upstream that only speaks 2026-07-28 serves a 2025 session: initialize from its discover, every request with the client\'s envelope, results masked', async () => {
    const { token } = await gw.grant('modern-stdio');
    const c = await connectClient(gw.url, 'modern-stdio', token, 'era-test-client');
    expect(c.client.getServerVersion()).toEqual({ name: 'modern-upstream', version: '7.0.0' });
    expect(c.client.getInstructions()).toBe('A modern test server.');
    expect((await c.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['lookup', 'release_chart', 'whoami']);
    const lookup = await c.client.callTool({ name: 'lookup', arguments: { mrn: 'MRN-0012345' } });
    expect(lookup.content).toEqual([{ type: 'text', text: 'patient [MRN] has SSN [SSN]' }]);
    const whoami = await c.client.callTool({ name: 'whoami', arguments: {} });
    const told = JSON.parse((whoami.content as { text: string }[])[0]!.text) as { era: string; envelope: Record<string, unknown> };
    expect(told.era).toBe('modern');
    expect(told.envelope).toMatchObject({
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'era-test-client' },
      'io.modelcontextprotocol/clientCapabilities': { elicitation: {}, sampling: {}, roots: {} },
    });
    expect(await c.client.ping()).toEqual({});
    await endSession(c);
    const runs = upstreamLog(stdioLog).filter((e) => e.tool === 'lookup');
    expect(runs.length).toBe(1);
    expect(JSON.stringify(runs)).not.toContain(token);
  });

  test('its input_required becomes an elicitation the 2025 client answers (masked on the way: a hostile upstream asking with PHI shows none; question and answer recorded), and the retry carries the answer and the state', async () => {
    const { token, grant } = await gw.grant('modern-stdio');
    const c = await connectClient(gw.url, 'modern-stdio', token);
    const asked: unknown[] = [];
    c.client.setRequestHandler('elicitation/create', (request) => {
      asked.push(request.params);
      return { action: 'accept', content: { release: true } };
    });
    const result = await c.client.callTool({ name: 'release_chart', arguments: { mrn: 'MRN-0099999' } });
    expect(result.content).toEqual([{ type: 'text', text: 'chart [MRN] released' }]);
    expect(asked).toHaveLength(1);
    expect(JSON.stringify(asked)).toContain('[SSN]');
    expect(JSON.stringify(asked)).not.toContain('123-45-6789');
    expect(JSON.stringify(asked)).not.toContain('MRN-0099999');
    // The recording has the upstream's question (masked, marked as the upstream's) and the client's answer.
    const recorded = gw.recorder.of(grant.requestId);
    const question = recorded.find((e) => e.type === 'request' && e.method === 'elicitation/create');
    expect(question).toMatchObject({ messageId: expect.stringMatching(/^upstream:gatehouse-input-/), verdict: 'allow', reason: expect.stringContaining('asked of the client by the upstream') });
    expect(JSON.stringify(question)).toContain('[SSN]');
    expect(JSON.stringify(recorded)).not.toContain('123-45-6789');
    expect(recorded.find((e) => e.type === 'response' && e.messageId === question?.messageId)).toMatchObject({ outcome: 'ok', result: { action: 'accept', content: { release: true } } });
    await endSession(c);
    const runs = upstreamLog(stdioLog).filter((e) => e.tool === 'release_chart');
    expect(runs.map((r) => [r.answer, r.requestState])).toEqual([[null, null], [{ release: true }, 'round-for-MRN-0099999']]);
  });

  test('an HTTP upstream of the 2026-07-28 revision gets the standard headers and no session; nothing but POSTs', async () => {
    const { token } = await gw.grant('modern-http');
    const c = await connectClient(gw.url, 'modern-http', token);
    const lookup = await c.client.callTool({ name: 'lookup', arguments: { mrn: 'MRN-0012345' } });
    expect(lookup.content).toEqual([{ type: 'text', text: 'patient [MRN] has SSN [SSN]' }]);
    await endSession(c);
    const requests = upstreamLog(httpLog).filter((e) => e.http);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.every((r) => r.http === 'POST')).toBe(true);
    const headers = requests.map((r) => r.headers as Record<string, string>);
    expect(headers.every((h) => h['mcp-protocol-version'] === '2026-07-28' && h['mcp-session-id'] === undefined)).toBe(true);
    expect(headers).toContainEqual(expect.objectContaining({ 'mcp-method': 'server/discover' }));
    expect(headers).toContainEqual(expect.objectContaining({ 'mcp-method': 'tools/call', 'mcp-name': 'lookup' }));
  });

  test('an upstream that answers server/discover with garbage is refused at initialize, naming the target', async () => {
    const { token } = await gw.grant('garbage-discover');
    await expect(connectClient(gw.url, 'garbage-discover', token)).rejects.toThrow(/upstream MCP server of target garbage-discover cannot be used: .*not with a DiscoverResult/);
  });

  test('an upstream that speaks neither era is refused at initialize with an error that says so and names the target', async () => {
    const { token } = await gw.grant('neither');
    await expect(connectClient(gw.url, 'neither', token)).rejects.toThrow(/target neither speaks neither MCP era: .*initialize \(2025\) answered -32601/);
  });

  test('an upstream that claims 2026-07-28 and then answers without a resultType: the answer is withheld, the call fails naming the target', async () => {
    const { token } = await gw.grant('garbage-later');
    const c = await connectClient(gw.url, 'garbage-later', token);
    const error = await c.client.callTool({ name: 'lookup', arguments: {} }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/target garbage-later answered tools\/call with no resultType, which the 2026-07-28 revision does not define; the answer was withheld/);
    expect(error?.message).not.toContain('123-45-6789');
    await endSession(c);
  });
});
