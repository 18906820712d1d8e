import { request } from 'node:http';
import { endSession, connectClient, eventually, initializeBody, rawPost, startTestGateway, type TestGateway } from './support';

describe('gateway: sessions per grant that fit desktop clients', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ limits: { maxSessionsPerGrant: 2, evictIdleAfterMs: 5_000, evictAbandonedAfterMs: 60_000 } }); });
  afterAll(async () => { await gw.close(); });

  test('at the limit: 429 with Retry-After while every session is in use; then the least recently used idle one is evicted for the new one', async () => {
    const { token, grant } = await gw.grant('everything');
    const a = await connectClient(gw.url, 'everything', token, 'desktop-1');
    const b = await connectClient(gw.url, 'everything', token, 'desktop-2');
    await Promise.all([a.client.ping(), b.client.ping()]);
    const refused = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.json).toMatchObject({ error: { code: -31051, message: expect.stringMatching(/already has 2 live sessions \(at most 2\) on everything, all in use: .* or once it has sent no request for 5 s; end one \(DELETE\) or retry in \d+ s/) } });

    // b keeps working; a (never used again) becomes the least recently used idle session.
    const c = await eventually(async () => {
      await b.client.ping();
      const res = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
      return res.status === 200 && res;
    }, 'a new session once the idle one can be evicted', 30_000);
    expect(c.headers.get('mcp-session-id')).toBeTruthy();
    const live = gw.gateway.liveSessions().filter((s) => s.grantId === grant.grantId).map((s) => s.sessionId);
    expect(live).toHaveLength(2);
    expect(live).toContain(b.transport.sessionId);
    expect(live).not.toContain(a.transport.sessionId);
    await expect(a.client.ping()).rejects.toThrow(/evicted: grant .* reached 2 sessions and this one was the least recently used/);
    const ended = gw.recorder.of(grant.requestId).find((e) => e.type === 'session_end' && e.sessionId === a.transport.sessionId);
    expect(ended).toMatchObject({ reason: 'closed', detail: expect.stringContaining('evicted') });
    await a.client.close();
    await endSession(b);
  });
});

describe('gateway: DELETE without Authorization (mcp-go sends it so)', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway(); });
  afterAll(async () => { await gw.close(); });

  /** A DELETE with no Authorization header, optionally from another loopback address. */
  const bareDelete = (sessionId: string, localAddress?: string) => new Promise<number>((resolve, reject) => {
    const url = new URL(`${gw.url}/mcp/everything`);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'DELETE', headers: { 'mcp-session-id': sessionId }, ...(localAddress ? { localAddress } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });

  test('honoured from the address that started the session; from another address, or for an unknown session, 401 and the session lives', async () => {
    const { token, grant } = await gw.grant('everything');
    const c = await connectClient(gw.url, 'everything', token);
    const sessionId = c.transport.sessionId!;
    expect(await bareDelete('00000000-0000-0000-0000-000000000000')).toBe(401);
    expect(await bareDelete(sessionId, '127.0.0.2')).toBe(401);
    await expect(c.client.ping()).resolves.toEqual({});
    expect(await bareDelete(sessionId)).toBe(200);
    expect(gw.gateway.liveSessions().some((s) => s.sessionId === sessionId)).toBe(false);
    expect(gw.recorder.of(grant.requestId).find((e) => e.type === 'session_end' && e.sessionId === sessionId)).toMatchObject({ reason: 'closed', detail: expect.stringContaining('DELETE without a grant token') });
    await c.client.close();
  });
});
