import { request } from 'node:http';
import { parseConfig } from '../../policy';
import { GatewayErrorCode } from '../../proxy';
import { originRules } from '../../proxy/request-origin';
import { GATEWAY_TEST_CONFIG, initializeBody, startTestGateway, type TestGateway } from './support';

/**
 * DNS rebinding (Streamable HTTP transport: servers MUST validate Origin): real HTTP requests
 * with a forged Host or Origin, carrying a valid grant token, get 403 before anything else
 * happens — no session, no upstream, no metadata or 401 challenge built from their Host.
 */

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string; json: { error?: { code: number; message: string } } & Record<string, unknown> }

/** node:http, because fetch will not send a Host header of the caller's choosing. */
function send(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: unknown; noHost?: boolean } = {}): Promise<Answer> {
  const url = new URL(base);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: url.port, path, method: options.method ?? (body ? 'POST' : 'GET'), setHost: !options.noHost,
      headers: { ...(body ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } : {}), ...options.headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json = {};
        try { json = JSON.parse(text) as object; } catch { /* SSE or empty */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Host and Origin validation without a public URL (development: loopback only)', () => {
  let gw: TestGateway;
  let token: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    token = (await gw.grant('everything')).token;
  });
  afterAll(() => gw?.close());
  const port = () => new URL(gw.url).port;

  test('a valid token for Host: evil.example.com gets 403 with a clear message, and no session or upstream is started', async () => {
    const before = gw.recorder.entries.length;
    const res = await send(gw.url, '/mcp/everything', { headers: { host: 'evil.example.com', authorization: `Bearer ${token}` }, body: initializeBody() });
    expect(res.status).toBe(403);
    expect(res.json.error!.code).toBe(GatewayErrorCode.ForeignOrigin);
    expect(res.json.error!.message).toMatch(/Host header "evil.example.com" is not this gateway's name; it has no public URL .* loopback only.*DNS rebinding/);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(gw.gateway.liveSessions()).toEqual([]);
    expect(gw.gateway.startingSessions()).toBe(0);
    expect(gw.recorder.entries.length).toBe(before);
  });

  test('loopback Hosts and Origins are served: localhost, 127.0.0.1 and [::1] on any port', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, '[::1]:9']) {
      const res = await send(gw.url, '/mcp/everything', { headers: { host, origin: 'http://localhost:6274', authorization: `Bearer ${token}` }, body: initializeBody() });
      expect(res.status).toBe(200);
      const sessionId = res.headers['mcp-session-id'] as string;
      expect(sessionId).toBeTruthy();
      await send(gw.url, '/mcp/everything', { method: 'DELETE', headers: { host, authorization: `Bearer ${token}`, 'mcp-session-id': sessionId } });
    }
  });

  test('a foreign Origin (the rebinding page), "null" or garbage gets 403 even with a loopback Host', async () => {
    for (const origin of ['http://evil.example.com', 'null', 'http://127.0.0.1.evil.example.com:80', 'file://', 'not a url']) {
      const res = await send(gw.url, '/mcp/everything', { headers: { host: `127.0.0.1:${port()}`, origin, authorization: `Bearer ${token}` }, body: initializeBody() });
      expect(res.status).toBe(403);
      expect(res.json.error!.message).toMatch(/web origin .* not allowed/);
    }
  });

  test('Host values that only look like loopback, or are missing, are refused', async () => {
    for (const host of ['localhost.evil.example.com', '127.0.0.1.nip.io', 'evil.example.com@127.0.0.1', '127.0.0.1/x', 'localhost:8788, evil.example.com']) {
      const res = await send(gw.url, '/mcp/everything', { headers: { host, authorization: `Bearer ${token}` }, body: initializeBody() });
      expect([host, res.status]).toEqual([host, 403]);
    }
    // No Host at all (HTTP/1.0 style): Node itself answers 400 before the gateway sees it; never a session.
    const bare = await send(gw.url, '/mcp/everything', { noHost: true, headers: { authorization: `Bearer ${token}` }, body: initializeBody() });
    expect([400, 403]).toContain(bare.status);
    expect(gw.gateway.liveSessions()).toEqual([]);
  });

  test('protected resource metadata and the 401 challenge never reflect a foreign Host: it gets 403 instead', async () => {
    const meta = await send(gw.url, '/.well-known/oauth-protected-resource/mcp/everything', { headers: { host: 'evil.example.com' } });
    expect(meta.status).toBe(403);
    expect(meta.body).not.toContain('"resource"');
    const challenge = await send(gw.url, '/mcp/everything', { headers: { host: 'evil.example.com' }, body: initializeBody() });
    expect(challenge.status).toBe(403);
    expect(challenge.headers['www-authenticate']).toBeUndefined();
    // Loopback: the metadata names the loopback address it was asked on.
    const own = await send(gw.url, '/.well-known/oauth-protected-resource/mcp/everything', { headers: { host: `localhost:${port()}` } });
    expect(own.json.resource).toBe(`http://localhost:${port()}/mcp/everything`);
  });

  test('/healthz answers any Host (load balancer probes; it carries no data)', async () => {
    expect((await send(gw.url, '/healthz', { headers: { host: '10.0.0.7:8788' } })).status).toBe(200);
  });
});

describe('Host and Origin validation with a public URL from gatehouse.yaml', () => {
  let gw: TestGateway;
  let token: string;
  beforeAll(async () => {
    gw = await startTestGateway({
      config: `${GATEWAY_TEST_CONFIG}
gateway:
  publicUrl: https://mcp.gatehouse.example.org
  allowedHosts: [gatehouse-gateway.internal:8788]
  allowedOrigins: ['https://console.example.org']
`,
    });
    token = (await gw.grant('everything')).token;
  });
  afterAll(() => gw?.close());

  test.each([
    ['mcp.gatehouse.example.org', undefined],
    ['MCP.Gatehouse.Example.org:443', 'https://mcp.gatehouse.example.org'],
    ['gatehouse-gateway.internal:8788', 'https://console.example.org'],
  ])('Host %s, Origin %s: served', async (host, origin) => {
    const res = await send(gw.url, '/mcp/everything', { headers: { host, ...(origin ? { origin } : {}), authorization: `Bearer ${token}` }, body: initializeBody() });
    expect(res.status).toBe(200);
    await send(gw.url, '/mcp/everything', { method: 'DELETE', headers: { host, authorization: `Bearer ${token}`, 'mcp-session-id': res.headers['mcp-session-id'] as string } });
  });

  test.each([
    ['evil.example.com', undefined, /Host header "evil.example.com" is not this gateway's name; it answers as https:\/\/mcp.gatehouse.example.org/],
    ['mcp.gatehouse.example.org.evil.example.com', undefined, /Host header/],
    ['gatehouse-gateway.internal:9999', undefined, /Host header/],
    // Loopback is development only once a public (non-loopback) URL is configured.
    ['127.0.0.1:8788', undefined, /Host header/],
    ['mcp.gatehouse.example.org', 'https://evil.example.com', /web origin "https:\/\/evil.example.com"/],
    ['mcp.gatehouse.example.org', 'http://mcp.gatehouse.example.org', /web origin/],
    ['mcp.gatehouse.example.org', 'http://localhost:6274', /web origin/],
  ])('Host %s, Origin %s: 403', async (host, origin, message) => {
    const res = await send(gw.url, '/mcp/everything', { headers: { host, ...(origin ? { origin } : {}), authorization: `Bearer ${token}` }, body: initializeBody() });
    expect(res.status).toBe(403);
    expect(res.json.error!.message).toMatch(message);
    expect(res.json.error!.message).toMatch(/DNS rebinding/);
  });

  test('metadata and the 401 challenge name the public URL, whatever allowed Host the request came by', async () => {
    const meta = await send(gw.url, '/.well-known/oauth-protected-resource/mcp/everything', { headers: { host: 'gatehouse-gateway.internal:8788' } });
    expect(meta.json.resource).toBe('https://mcp.gatehouse.example.org/mcp/everything');
    const challenge = await send(gw.url, '/mcp/everything', { headers: { host: 'gatehouse-gateway.internal:8788' }, body: initializeBody() });
    expect(challenge.status).toBe(401);
    expect(challenge.headers['www-authenticate']).toContain('resource_metadata="https://mcp.gatehouse.example.org/.well-known/oauth-protected-resource/mcp/everything"');
  });
});

describe('configuration of the gateway\'s names: bad input is refused with a clear error', () => {
  const config = (gateway: string) => `${GATEWAY_TEST_CONFIG}\ngateway: ${gateway}\n`;
  test.each([
    ['{ allowedOrigins: ["https://console.example.org/app"] }', /gateway\.allowedOrigins\[0\]: must be an origin/],
    ['{ allowedOrigins: ["*"] }', /must be an origin/],
    ['{ allowedHosts: ["evil.example.com/path"] }', /gateway\.allowedHosts\[0\]: must be host or host:port/],
    ['{ publicUrl: "ftp://mcp.example.org" }', /gateway\.publicUrl.*http\(s\)/s],
    ['{ allowLoopback: "yes" }', /gateway\.allowLoopback/],
    ['{ origins: [] }', /gateway.*origins/s],
  ])('gateway: %s', (block, message) => {
    expect(() => parseConfig(config(block), 'gatehouse.yaml')).toThrow(message);
  });

  test('a public URL in both the environment and gatehouse.yaml must agree', () => {
    const parsed = parseConfig(config('{ publicUrl: "https://mcp.example.org" }'), 'gatehouse.yaml');
    expect(() => originRules(parsed.gateway, 'https://other.example.org')).toThrow(/GATEHOUSE_GATEWAY_PUBLIC_URL but https:\/\/mcp.example.org in gatehouse.yaml/);
    expect(originRules(parsed.gateway, 'https://mcp.example.org/').publicUrl).toBe('https://mcp.example.org');
    expect(originRules(parsed.gateway).allowLoopback).toBe(false);
    expect(originRules(parseConfig(config('{ publicUrl: "http://127.0.0.1:8788" }'), 'g.yaml').gateway).allowLoopback).toBe(true);
  });
});
