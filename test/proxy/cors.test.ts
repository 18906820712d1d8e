import { createServer, request, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { GatewayErrorCode } from '../../proxy';
import { GATEWAY_TEST_CONFIG, initializeBody, startTestGateway, type TestGateway } from './support';

/**
 * CORS for browser MCP clients (the Inspector in a browser): a page on an allowed origin may call
 * the gateway and read what it needs (session id, challenge, protocol version); any other origin
 * gets 403 before anything happens; the allowed origin is echoed, never `*`, and credentials
 * (cookies) are never allowed.
 */

const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** node:http, so Host and Origin are exactly what the test says. */
function send(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const url = new URL(base);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: url.port, path, method: options.method ?? (body ? 'POST' : 'GET'),
      headers: { ...(body ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } : {}), ...options.headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const preflight = (origin: string, method = 'POST') => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type,mcp-protocol-version,mcp-session-id,last-event-id' },
});
const list = (value: string | string[] | undefined) => String(value ?? '').toLowerCase().split(/\s*,\s*/);

describe('CORS with a public URL and allowed origins from gatehouse.yaml', () => {
  let gw: TestGateway;
  let token: string;
  const host = 'mcp.gatehouse.example.org';
  const inspector = 'https://inspector.example.org';
  beforeAll(async () => {
    gw = await startTestGateway({ config: `${GATEWAY_TEST_CONFIG}
gateway:
  publicUrl: https://${host}
  allowedOrigins: ['${inspector}']
` });
    token = (await gw.grant('everything')).token;
  });
  afterAll(() => gw?.close());

  test('a preflight from an allowed origin: 204, that origin echoed (never *), the methods and headers an MCP client sends, no credentials', async () => {
    for (const path of ['/mcp/everything', '/.well-known/oauth-protected-resource/mcp/everything']) {
      const res = await send(gw.url, path, { ...preflight(inspector), headers: { ...preflight(inspector).headers, host } });
      expect([path, res.status]).toEqual([path, 204]);
      expect(res.headers['access-control-allow-origin']).toBe(inspector);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(list(res.headers['access-control-allow-methods'])).toEqual(expect.arrayContaining(['get', 'post', 'delete']));
      expect(list(res.headers['access-control-allow-headers'])).toEqual(expect.arrayContaining(['authorization', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id']));
      expect(list(res.headers.vary)).toContain('origin');
      expect(res.body).toBe('');
    }
    expect(gw.gateway.liveSessions()).toEqual([]);
  });

  test('the answers a browser client reads carry the echoed origin and expose the session id, the challenge and the protocol version', async () => {
    const init = await send(gw.url, '/mcp/everything', { headers: { host, origin: inspector, authorization: `Bearer ${token}` }, body: initializeBody() });
    expect(init.status).toBe(200);
    expect(init.headers['access-control-allow-origin']).toBe(inspector);
    expect(list(init.headers['access-control-expose-headers'])).toEqual(expect.arrayContaining(['mcp-session-id', 'www-authenticate', 'mcp-protocol-version']));
    expect(init.headers['access-control-allow-credentials']).toBeUndefined();
    const sessionId = init.headers['mcp-session-id'] as string;
    // The 401 a browser client needs to start OAuth: readable from the allowed origin.
    const challenge = await send(gw.url, '/mcp/everything', { headers: { host, origin: inspector }, body: initializeBody() });
    expect(challenge.status).toBe(401);
    expect(challenge.headers['access-control-allow-origin']).toBe(inspector);
    expect(challenge.headers['www-authenticate']).toMatch(/resource_metadata="https:\/\/mcp\.gatehouse\.example\.org\//);
    await send(gw.url, '/mcp/everything', { method: 'DELETE', headers: { host, origin: inspector, authorization: `Bearer ${token}`, 'mcp-session-id': sessionId } });
  });

  test('hostile: a preflight or request from any other origin gets 403 and no CORS header at all', async () => {
    for (const origin of ['https://evil.example.com', 'https://inspector.example.org.evil.example.com', 'http://inspector.example.org', 'null', 'https://inspector.example.org:8443', 'http://localhost:6274']) {
      const pre = await send(gw.url, '/mcp/everything', { ...preflight(origin), headers: { ...preflight(origin).headers, host } });
      expect([origin, pre.status]).toEqual([origin, 403]);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      expect(JSON.parse(pre.body)).toMatchObject({ error: { code: GatewayErrorCode.ForeignOrigin } });
      const post = await send(gw.url, '/mcp/everything', { headers: { host, origin, authorization: `Bearer ${token}` }, body: initializeBody() });
      expect([origin, post.status, post.headers['access-control-allow-origin'], post.headers['mcp-session-id']]).toEqual([origin, 403, undefined, undefined]);
    }
    expect(gw.gateway.liveSessions()).toEqual([]);
  });

  test('without an Origin (not a browser) nothing changes: no CORS headers; OPTIONS on the endpoint is still 405', async () => {
    const res = await send(gw.url, '/mcp/everything', { headers: { host, authorization: `Bearer ${token}` }, body: initializeBody() });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    await send(gw.url, '/mcp/everything', { method: 'DELETE', headers: { host, authorization: `Bearer ${token}`, 'mcp-session-id': res.headers['mcp-session-id'] as string } });
    const options = await send(gw.url, '/mcp/everything', { method: 'OPTIONS', headers: { host } });
    expect(options.status).toBe(405);
    // An OPTIONS with an allowed Origin but no Access-Control-Request-Method is not a preflight either.
    const plain = await send(gw.url, '/mcp/everything', { method: 'OPTIONS', headers: { host, origin: inspector } });
    expect(plain.status).toBe(405);
  });
});

describe('CORS in a real browser (Chromium): the MCP Inspector pattern on loopback (development), and a foreign page', () => {
  let gw: TestGateway;
  let token: string;
  let pages: Server;
  let browser: Browser;
  let pagePort: number;
  beforeAll(async () => {
    gw = await startTestGateway();
    token = (await gw.grant('everything')).token;
    pages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>client</title>'));
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', () => resolve()));
    pagePort = (pages.address() as { port: number }).port;
    // evil.test resolves to loopback, but its origin is not loopback: the gateway must refuse it.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--host-resolver-rules=MAP evil.test 127.0.0.1'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
    await gw?.close();
  });

  /** In the page: initialize, initialized, tools/call echo with fetch, as a browser MCP client does. */
  async function runInPage(origin: string): Promise<{ ok: true; sessionId: string | null; version: string | null; echo: string; challenge: string | null } | { ok: false; error: string }> {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      return await page.evaluate(async ({ endpoint, token, initialize }) => {
        try {
          const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
          const auth = { ...base, authorization: `Bearer ${token}` };
          const challenge = (await fetch(endpoint, { method: 'POST', headers: base, body: JSON.stringify(initialize) })).headers.get('www-authenticate');
          const init = await fetch(endpoint, { method: 'POST', headers: auth, body: JSON.stringify(initialize) });
          const sessionId = init.headers.get('mcp-session-id');
          await init.text();
          const inSession = { ...auth, 'mcp-session-id': sessionId ?? '', 'mcp-protocol-version': '2025-06-18' };
          await fetch(endpoint, { method: 'POST', headers: inSession, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
          const call = await fetch(endpoint, { method: 'POST', headers: inSession, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'from a browser' } } }) });
          const echo = await call.text();
          await fetch(endpoint, { method: 'DELETE', headers: inSession });
          return { ok: true as const, sessionId, version: init.headers.get('mcp-protocol-version'), echo, challenge };
        } catch (error) {
          return { ok: false as const, error: String(error) };
        }
      }, { endpoint: `${gw.url}/mcp/everything`, token, initialize: initializeBody() });
    } finally {
      await page.close();
    }
  }

  test('a page on http://localhost:<port> runs a session on the gateway at 127.0.0.1 and reads the session id and the challenge', async () => {
    const result = await runInPage(`http://localhost:${pagePort}`);
    expect(result).toMatchObject({ ok: true, sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/), echo: expect.stringContaining('Echo: from a browser') });
    if (result.ok) expect(result.challenge).toMatch(/^Bearer realm="gatehouse"/);
    expect(gw.gateway.liveSessions()).toEqual([]);
  }, 60_000);

  test('hostile: a page on a foreign origin cannot call the gateway, even with a valid token (the preflight gets 403)', async () => {
    const before = gw.recorder.entries.length;
    const result = await runInPage(`http://evil.test:${pagePort}`);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/Failed to fetch/) });
    expect(gw.recorder.entries.length).toBe(before);
    expect(gw.gateway.liveSessions()).toEqual([]);
  }, 60_000);
});
