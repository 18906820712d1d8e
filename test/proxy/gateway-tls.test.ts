// Optional TLS on the gateway's own listener (GATEHOUSE_GATEWAY_TLS_CERT_FILE / _KEY_FILE), for
// deployments without a TLS-terminating load balancer: the official MCP client over HTTPS with a
// private CA, HSTS on every answer, nothing served over plain HTTP, bad files refused at start.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { createLogger, ListenerTlsError, listenerTls } from '../../lib';
import { startGatewayProcess } from '../../proxy';
import { fetchTrusting } from '../support/https-fetch';
import { certificateAuthority, writePems, type Authority } from '../temporal/certificates';
import { connectClient, endSession, GATEWAY_TEST_CONFIG, startTestGateway, testRedisUrl, type TestGateway } from './support';

function get(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status?: number; hsts?: string; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, hsts: res.headers['strict-transport-security'] as string | undefined, body }));
    }).on('error', reject).end();
  });
}

describe('the gateway over TLS (its own certificate)', () => {
  let ca: Authority;
  let files: Record<string, string>;
  let gw: TestGateway;

  beforeAll(async () => {
    ca = await certificateAuthority('Gatehouse Test Gateway CA');
    const server = await ca.issue({ name: 'gateway', ips: ['127.0.0.1'], dns: ['localhost'], usage: 'server' });
    files = writePems({ 'ca.pem': ca.cert, 'gateway.pem': server.cert, 'gateway.key': server.key });
    gw = await startTestGateway({ tls: listenerTls('GATEHOUSE_GATEWAY_TLS', files['gateway.pem'], files['gateway.key']) });
  });
  afterAll(async () => { await gw?.close(); });

  test('the official MCP client (Streamable HTTP over https, the deployment\'s CA) calls tools through it', async () => {
    expect(gw.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { token, grant } = await gw.grant('everything');
    const c = await connectClient(gw.url, 'everything', token, 'tls-client', fetchTrusting(ca.cert));
    try {
      const echo = await c.client.callTool({ name: 'echo', arguments: { message: 'over TLS, SSN 123-45-6789' } });
      expect(echo.content).toEqual([{ type: 'text', text: 'Echo: over TLS, SSN [SSN]' }]);
      expect((await c.client.listTools()).tools.map((t) => t.name)).toContain('echo');
    } finally {
      await endSession(c);
    }
    expect(gw.recorder.of(grant.requestId).map((e) => e.type)).toEqual(expect.arrayContaining(['session_start', 'request', 'response', 'session_end']));
  });

  test('HSTS on every answer, and the metadata and challenges name https URLs whatever a client claims', async () => {
    expect(await get(`${gw.url}/healthz`, ca.cert)).toMatchObject({ status: 200, hsts: 'max-age=31536000' });
    // A client (or an agent) claiming a plaintext hop cannot make the gateway advertise http.
    const metadata = await get(`${gw.url}/.well-known/oauth-protected-resource/mcp/everything`, ca.cert, { 'x-forwarded-proto': 'http' });
    expect(metadata).toMatchObject({ status: 200, hsts: 'max-age=31536000' });
    expect((JSON.parse(metadata.body) as { resource: string }).resource).toBe(`${gw.url}/mcp/everything`);
    const refused = await fetchTrusting(ca.cert)(`${gw.url}/mcp/everything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(refused.headers.get('www-authenticate')).toContain(`resource_metadata="${gw.url}/.well-known/oauth-protected-resource/mcp/everything"`);
  });

  test('plain HTTP to the TLS port is not served: no status, no body, no token read', async () => {
    const { token } = await gw.grant('everything');
    const plain = gw.url.replace('https:', 'http:');
    await expect(fetch(`${plain}/healthz`)).rejects.toThrow();
    await expect(fetch(`${plain}/mcp/everything`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' })).rejects.toThrow();
    // A client that does not trust the deployment's CA refuses the gateway's certificate.
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
    // TLS below 1.2 is refused.
    const old = await new Promise<string>((resolve) => {
      const port = Number(new URL(gw.url).port);
      const socket = tlsConnect({ host: '127.0.0.1', port, ca: ca.cert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
      socket.once('secureConnect', () => { socket.destroy(); resolve('connected'); });
      socket.once('error', (error) => resolve(error.message));
    });
    expect(old).not.toBe('connected');
  });
});

describe('the gateway process with GATEHOUSE_GATEWAY_TLS_CERT_FILE and _KEY_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-gw-tls-'));
  const configFile = join(dir, 'gatehouse.yaml');
  writeFileSync(configFile, GATEWAY_TEST_CONFIG);
  const base = () => ({
    GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64'),
    GATEHOUSE_CONFIG: configFile, REDIS_URL: testRedisUrl(), TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS!, LOG_LEVEL: 'silent',
  });

  test('serves HTTPS from the files the environment names', async () => {
    const ca = await certificateAuthority('Gatehouse Test Gateway CA');
    const server = await ca.issue({ name: 'gateway', ips: ['127.0.0.1'], usage: 'server' });
    const files = writePems({ 'gateway.pem': server.cert, 'gateway.key': server.key });
    const running = await startGatewayProcess({ env: { ...base(), GATEHOUSE_GATEWAY_TLS_CERT_FILE: files['gateway.pem'], GATEHOUSE_GATEWAY_TLS_KEY_FILE: files['gateway.key'] }, port: 0, log: createLogger('gateway', 'silent') });
    try {
      expect(running.url).toMatch(/^https:/);
      expect(await get(`${running.url}/healthz`, ca.cert)).toEqual({ status: 200, hsts: 'max-age=31536000', body: '{"ok":true,"sessions":0}' });
    } finally {
      await running.close();
    }
  });

  test('a missing, unreadable, expired or mismatched certificate stops the start, naming the variable', async () => {
    const ca = await certificateAuthority('Gatehouse Test Gateway CA');
    const good = await ca.issue({ name: 'gateway', ips: ['127.0.0.1'], usage: 'server' });
    const other = await ca.issue({ name: 'other', usage: 'server' });
    const expired = await ca.issue({ name: 'old', usage: 'server', notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const files = writePems({ 'gateway.pem': good.cert, 'other.key': other.key, 'old.pem': expired.cert, 'old.key': expired.key, 'not-pem.pem': 'hello' });
    const start = (tls: Record<string, string>) => startGatewayProcess({ env: { ...base(), ...tls }, port: 0 });
    const cases: [Record<string, string>, RegExp][] = [
      [{ GATEHOUSE_GATEWAY_TLS_CERT_FILE: files['gateway.pem']! }, /GATEHOUSE_GATEWAY_TLS_CERT_FILE and GATEHOUSE_GATEWAY_TLS_KEY_FILE go together/],
      [{ GATEHOUSE_GATEWAY_TLS_CERT_FILE: join(dir, 'nowhere.pem'), GATEHOUSE_GATEWAY_TLS_KEY_FILE: files['other.key']! }, /GATEHOUSE_GATEWAY_TLS_CERT_FILE: cannot read .*nowhere\.pem \(no such file\)/],
      [{ GATEHOUSE_GATEWAY_TLS_CERT_FILE: files['gateway.pem']!, GATEHOUSE_GATEWAY_TLS_KEY_FILE: join(dir, 'nokey.key') }, /GATEHOUSE_GATEWAY_TLS_KEY_FILE: cannot read .*nokey\.key \(no such file\)/],
      [{ GATEHOUSE_GATEWAY_TLS_CERT_FILE: files['not-pem.pem']!, GATEHOUSE_GATEWAY_TLS_KEY_FILE: files['other.key']! }, /GATEHOUSE_GATEWAY_TLS_CERT_FILE: .*not-pem\.pem is not a PEM certificate/],
      [{ GATEHOUSE_GATEWAY_TLS_CERT_FILE: files['old.pem']!, GATEHOUSE_GATEWAY_TLS_KEY_FILE: files['old.key']! }, /GATEHOUSE_GATEWAY_TLS_CERT_FILE: the certificate in .*old\.pem expired on .*; renew it/],
      [{ GATEHOUSE_GATEWAY_TLS_CERT_FILE: files['gateway.pem']!, GATEHOUSE_GATEWAY_TLS_KEY_FILE: files['other.key']! }, /GATEHOUSE_GATEWAY_TLS_KEY_FILE: the key in .*other\.key does not belong to the certificate in .*gateway\.pem/],
    ];
    for (const [tls, message] of cases) {
      const failure = await start(tls).then(() => undefined, (error: Error) => error);
      expect(failure).toBeInstanceOf(ListenerTlsError);
      expect(failure?.message).toMatch(message);
    }
  });
});
