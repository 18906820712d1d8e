import { randomBytes } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { connectRedis, GrantStore, newGrantId, newRequestId, RedisSecretVault, waitForRedis, type Redis } from '../../lib';
import { parseConfig } from '../../policy';
import { startGatewayProcess, type RunningGateway } from '../../proxy';
import { GATEWAY_TEST_CONFIG, initializeBody, rawPost, testRedisUrl } from './support';

/** Opens a request and returns its response; the caller reads or destroys it. */
function open(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, resolve);
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** Reads SSE events until `until` holds for one; returns every event read. */
async function events(res: IncomingMessage, until: (e: { id?: string; data: string }) => boolean): Promise<{ id?: string; data: string }[]> {
  const seen: { id?: string; data: string }[] = [];
  let buffer = '';
  let current: { id?: string; data: string } = { data: '' };
  res.setEncoding('utf8');
  for await (const chunk of res as AsyncIterable<string>) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (current.data || current.id) seen.push(current);
        const done = seen.length && until(seen[seen.length - 1]!);
        current = { data: '' };
        if (done) return seen;
      } else if (line.startsWith('id:')) current.id = line.slice(3).trim();
      else if (line.startsWith('data:')) current.data += line.slice(5).trim();
    }
  }
  return seen;
}

describe('gateway: client-facing SSE events carry ids and resume with Last-Event-ID (Redis event store)', () => {
  let gateway: RunningGateway;
  let redis: Redis;
  let token: string;
  const keys = { GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    gateway = await startGatewayProcess({
      env: { ...keys, REDIS_URL: testRedisUrl(), TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS!, LOG_LEVEL: 'silent' },
      port: 0, config: parseConfig(GATEWAY_TEST_CONFIG),
    });
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    const grants = new GrantStore(redis, Buffer.from(keys.GATEHOUSE_GRANT_TOKEN_KEY, 'base64'));
    const vault = new RedisSecretVault(redis, Buffer.from(keys.GATEHOUSE_ENCRYPTION_KEY, 'base64'));
    const requestId = newRequestId();
    const grantId = newGrantId();
    await vault.put(`cred_${requestId}`, 'not-a-real-key', 120_000);
    await grants.activate({ grantId, requestId, target: 'everything', subject: 'carol@example.org', principal: 'GH_X', credentialRef: `cred_${requestId}`, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 120_000).toISOString() });
    token = grants.tokenFor(grantId);
  });
  afterAll(async () => {
    redis?.disconnect();
    await gateway?.close();
  });

  test('a call whose stream dropped is resumed: the events after the last one seen are replayed, the answer among them; a foreign id replays nothing', async () => {
    const url = `${gateway.url}/mcp/everything`;
    const init = await rawPost(gateway.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    const sessionId = init.headers.get('mcp-session-id')!;
    const headers = { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18', accept: 'application/json, text/event-stream' };
    (await open(url, 'POST', headers, { jsonrpc: '2.0', method: 'notifications/initialized' })).resume();

    const call = await open(url, 'POST', headers, {
      jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'trigger-long-running-operation', arguments: { duration: 2, steps: 4 }, _meta: { progressToken: 'p1' } },
    });
    expect(call.headers['content-type']).toMatch(/text\/event-stream/);
    const before = await events(call, (e) => e.data.includes('notifications/progress'));
    const last = before[before.length - 1]!;
    expect(last.id).toMatch(/^[A-Za-z0-9_-]{16}_\d+-\d+$/);
    call.destroy(); // the connection drops mid-call

    // A Last-Event-ID of another session (or made up) replays nothing.
    const foreign = await open(url, 'GET', { ...headers, accept: 'text/event-stream', 'last-event-id': 'AAAAAAAAAAAAAAAA_1-0' });
    const foreignEvents = foreign.statusCode === 200 ? await Promise.race([events(foreign, () => true), new Promise<[]>((r) => setTimeout(() => r([]), 1_500))]) : [];
    foreign.destroy();
    expect(foreignEvents.filter((e) => e.data.includes('"result"'))).toEqual([]);

    const resumed = await open(url, 'GET', { ...headers, accept: 'text/event-stream', 'last-event-id': last.id! });
    expect(resumed.statusCode).toBe(200);
    const after = await events(resumed, (e) => e.data.includes('"id":2') && e.data.includes('"result"'));
    resumed.destroy();
    const answer = after.find((e) => e.data.includes('"result"'))!;
    expect(JSON.parse(answer.data)).toMatchObject({ id: 2, result: { content: [{ type: 'text', text: expect.stringContaining('Long running operation completed') }] } });
    // Nothing seen before the drop comes again.
    expect(after.map((e) => e.id)).not.toContain(last.id);
  });
});
