import { randomBytes } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { freePort, startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { connectRedis, GrantStore, newGrantId, newRequestId, waitForRedis, type Redis } from '../../lib';
import { parseConfig } from '../../policy';
import { startGatewayProcess, type RunningGateway } from '../../proxy';
import { testRedisUrl } from './support';

/** POSTs one JSON-RPC message to the gateway and returns the response (the caller reads it). */
function post(url: string, headers: Record<string, string>, body: unknown): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, resolve);
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The whole body of a response whose stream ends after its answer. */
async function text(res: IncomingMessage): Promise<string> {
  let out = '';
  res.setEncoding('utf8');
  for await (const chunk of res as AsyncIterable<string>) out += chunk;
  return out;
}

/**
 * Issue 22's leftover: the `retry:` an HTTP upstream asks for reaches the client. The conformance
 * suite's reference server writes `retry: 5000` in the priming event of every stream (SEP-1699);
 * once the gateway has read it, the streams it opens to its own client ask for the same delay.
 * Before, the gateway dropped it: its client's streams carried no `retry:`.
 */
describe('gateway: an HTTP upstream\'s SSE retry is passed on to the client', () => {
  let upstream: ManagedProcess;
  let gateway: RunningGateway;
  let redis: Redis;
  let token: string;
  const keys = { GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    const port = await freePort();
    const url = `http://localhost:${port}/mcp`;
    upstream = startProcess('everything-server', process.execPath, ['--import', 'tsx', join(__dirname, '../conformance/everything-server.ts')], {
      cwd: join(__dirname, '../..'), env: { ...process.env, PORT: String(port) },
    });
    await waitFor('the reference server', async () => ((await fetch(url).catch(() => undefined))?.status === 400 ? true : undefined), 60_000, upstream);
    gateway = await startGatewayProcess({
      env: { ...keys, REDIS_URL: testRedisUrl(), TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS!, LOG_LEVEL: 'silent' },
      port: 0,
      config: parseConfig(`
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: reference
    upstream: { type: http, url: ${JSON.stringify(url)} }
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
`),
    });
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    const grants = new GrantStore(redis, Buffer.from(keys.GATEHOUSE_GRANT_TOKEN_KEY, 'base64'));
    const requestId = newRequestId();
    const grantId = newGrantId();
    await grants.activate({ grantId, requestId, target: 'reference', subject: 'carol@example.org', principal: 'GH_X', credentialRef: `cred_${requestId}`, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 120_000).toISOString() });
    token = grants.tokenFor(grantId);
  }, 90_000);
  afterAll(async () => {
    redis?.disconnect();
    await gateway?.close();
    await upstream?.stop();
  });

  test('after the upstream said retry: 5000, the client\'s next stream opens with retry: 5000', async () => {
    const endpoint = `${gateway.url}/mcp/reference`;
    const auth = { authorization: `Bearer ${token}` };
    const init = await post(endpoint, auth, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } });
    const sessionId = String(init.headers['mcp-session-id']);
    await text(init);
    const session = { ...auth, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    (await post(endpoint, session, { jsonrpc: '2.0', method: 'notifications/initialized' })).resume();
    // The first listing is where the gateway reads the upstream's priming event (and its retry).
    const first = await text(await post(endpoint, session, { jsonrpc: '2.0', id: 2, method: 'tools/list' }));
    expect(first).toContain('"tools"');
    const second = await text(await post(endpoint, session, { jsonrpc: '2.0', id: 3, method: 'tools/list' }));
    expect(second).toContain('"tools"');
    expect(second.split('\n\n')[0]).toMatch(/^id: \S+\nretry: 5000\n/);
  });
});
