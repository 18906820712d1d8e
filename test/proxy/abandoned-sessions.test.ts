import { connectClient, endSession, eventually, initializeBody, rawPost, startTestGateway, type TestGateway } from './support';

const PER_GRANT = 3;

/**
 * Standard clients often end without DELETE (the conformance suite, SDK clients on exit): their
 * sessions are abandoned, and a new session takes the place of one at the grant's limit. A hostile
 * agent still never holds more than the limit, and sessions in use are never taken.
 */
describe('gateway: sessions abandoned without DELETE', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ limits: { maxSessionsPerGrant: PER_GRANT, evictAbandonedAfterMs: 300, evictIdleAfterMs: 60_000 } });
  });
  afterAll(async () => { await gw.close(); });

  const liveOf = (grantId: string) => gw.gateway.liveSessions().filter((s) => s.grantId === grantId);

  test('a client that never sends DELETE keeps working: each new session takes the place of an abandoned one, never more than the limit', async () => {
    const { token, grant } = await gw.grant('everything', { ttlMs: 120_000 });
    const ids: string[] = [];
    for (let i = 0; i < 3 * PER_GRANT; i++) {
      const c = await connectClient(gw.url, 'everything', token, `no-delete-${i}`);
      expect(await c.client.callTool({ name: 'echo', arguments: { message: `run ${i}` } })).toMatchObject({ content: [{ type: 'text', text: `Echo: run ${i}` }] });
      ids.push(c.transport.sessionId!);
      await c.client.close(); // no DELETE: the connection just goes away
      expect(liveOf(grant.grantId).length).toBeLessThanOrEqual(PER_GRANT);
      // Abandoned means nothing open for evictAbandonedAfterMs; the next client comes a little later.
      await new Promise((r) => setTimeout(r, 400));
    }
    const ends = gw.recorder.of(grant.requestId).filter((e) => e.type === 'session_end');
    expect(ends.length).toBeGreaterThanOrEqual(3 * PER_GRANT - PER_GRANT);
    expect(ends.every((e) => /evicted: grant .* reached 3 sessions and this one was abandoned \(no request open, nothing pending/.test(String(e.detail)))).toBe(true);
    // The oldest made way first.
    expect(ends.map((e) => e.sessionId)).toEqual(ids.slice(0, ends.length));
  });

  test('a hostile agent keeping its sessions connected gets 429 for one more, and none of its live sessions is taken', async () => {
    const { token, grant } = await gw.grant('everything', { ttlMs: 120_000 });
    // The official client keeps a GET stream open on each session: connected, so in use.
    const held = [];
    for (let i = 0; i < PER_GRANT; i++) held.push(await connectClient(gw.url, 'everything', token, `hostile-${i}`));
    await new Promise((r) => setTimeout(r, 800));
    for (let attempt = 0; attempt < 5; attempt++) {
      const refused = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.json).toMatchObject({ error: { code: -31051, message: expect.stringMatching(/already has 3 live sessions \(at most 3\) on everything, all in use: a session makes way once nothing is open or pending on it for 0\.3 s, or once it has sent no request for 60 s; end one \(DELETE\) or retry in \d+ s/) } });
    }
    expect(liveOf(grant.grantId).map((s) => s.sessionId).sort()).toEqual(held.map((c) => c.transport.sessionId).sort());
    await Promise.all(held.map((c) => c.client.ping()));

    // Once one of them is really left (its connection closed), a new session may take its place.
    await held[0]!.client.close();
    const next = await eventually(async () => {
      const res = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
      return res.status === 200 && res;
    }, 'a new session once one is abandoned', 10_000);
    expect(next.headers.get('mcp-session-id')).toBeTruthy();
    const live = liveOf(grant.grantId).map((s) => s.sessionId);
    expect(live).toHaveLength(PER_GRANT);
    expect(live).not.toContain(held[0]!.transport.sessionId);
    await Promise.all(held.slice(1).map((c) => endSession(c)));
  });
});

describe('gateway: the session limit under concurrent initializes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ limits: { maxSessionsPerGrant: PER_GRANT, evictAbandonedAfterMs: 60_000, evictIdleAfterMs: 60_000 } });
  });
  afterAll(async () => { await gw.close(); });

  test('a hostile agent firing 12 initializes at once gets exactly the limit: the check and the count have no await between them', async () => {
    const { token, grant } = await gw.grant('everything', { ttlMs: 120_000 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` })));
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(PER_GRANT).fill(200), ...Array(12 - PER_GRANT).fill(429)]);
    expect(gw.gateway.liveSessions().filter((s) => s.grantId === grant.grantId)).toHaveLength(PER_GRANT);
  });
});
