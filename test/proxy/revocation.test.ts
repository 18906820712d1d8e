import { GrantStore } from '../../lib';
import { GRANT_CACHE_MAX_AGE_MS } from '../../proxy/grant-cache';
import { clockPasses } from '../support/eventually';
import { alive, connectClient, eventually, failureOf, initializeBody, rawPost, startTestGateway, type TestGateway } from './support';

describe('gateway: revocation cuts live sessions', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway(); });
  afterAll(async () => { await gw.close(); });

  test('the revocation event ends the grant\'s sessions, answers in-flight calls, stops the upstreams; other grants go on', async () => {
    const revoked = await gw.grant('everything');
    const other = await gw.grant('everything');
    const a1 = await connectClient(gw.url, 'everything', revoked.token);
    const a2 = await connectClient(gw.url, 'everything', revoked.token);
    const b = await connectClient(gw.url, 'everything', other.token);
    const pids = gw.gateway.liveSessions().filter((s) => s.grantId === revoked.grant.grantId).map((s) => s.upstreamPid!);
    expect(pids).toHaveLength(2);

    // A call that would take 20 s upstream is in flight when the grant is revoked.
    const inFlight = a1.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 20, steps: 2 } }, { timeout: 60_000 });
    await eventually(() => gw.recorder.of(revoked.grant.requestId).some((e) => e.type === 'request' && e.tool === 'trigger-long-running-operation'), 'the call to be forwarded');
    const started = Date.now();
    await gw.grants.deactivate({ grantId: revoked.grant.grantId, requestId: revoked.grant.requestId, target: 'everything', reason: 'revoked by dana.lead@example.org', at: new Date().toISOString() });

    await expect(inFlight).rejects.toMatchObject({ code: -31015, message: expect.stringContaining(`grant ${revoked.grant.grantId} was revoked: revoked by dana.lead@example.org`) });
    await eventually(() => gw.gateway.liveSessions().every((s) => s.grantId !== revoked.grant.grantId), 'the sessions to end');
    await eventually(() => pids.every((pid) => !alive(pid)), 'the upstream processes to exit');
    process.stdout.write(`revocation: in-flight call answered and upstreams stopped ${Date.now() - started} ms after the event\n`);

    // Further requests get a clear answer, on the old session and for a new one.
    await expect(a2.client.ping()).rejects.toThrow(new RegExp(`-31011.*grant ${revoked.grant.grantId} was revoked at .*revoked by dana.lead@example.org`));
    const again = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${revoked.token}` });
    expect(again.status).toBe(401);
    expect(again.headers.get('www-authenticate')).toContain('error="invalid_token"');

    await expect(b.client.ping()).resolves.toEqual({});
    const ends = gw.recorder.of(revoked.grant.requestId).filter((e) => e.type === 'session_end');
    expect(ends).toHaveLength(2);
    expect(ends.every((e) => e.reason === 'revoked')).toBe(true);
    await Promise.all([a1.client.close(), a2.client.close(), b.client.close()]);
  });

  test('a revoked grant whose event was missed is caught by the next request after the 1 s bound (the cached grant check reads Redis again)', async () => {
    const { token, grant } = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    // Delete the record without publishing, as if the event were lost.
    await gw.redis.del(`gatehouse:grant:${GrantStore.hashToken(token)}`);
    await clockPasses(Date.now() + GRANT_CACHE_MAX_AGE_MS + 20);
    expect(await failureOf(client.ping())).toMatch(/-31011/);
    expect(grant.grantId).toBeDefined();
    await client.close();
  });
});

describe('gateway: grant extension', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ limits: { sweepIntervalMs: 200 } }); });
  afterAll(async () => { await gw.close(); });

  test('an extended grant keeps its sessions past the old end', async () => {
    // Eight seconds: the client must connect and the extension land before the old end, also on a loaded machine.
    const { token, grant } = await gw.grant('everything', { ttlMs: 8_000 });
    const { client } = await connectClient(gw.url, 'everything', token);
    await gw.grants.extend(grant.grantId, new Date(Date.now() + 60_000).toISOString());
    // The point is that time goes by: past the old end, with several sweeps (200 ms) since.
    await clockPasses(Date.parse(grant.expiresAt) + 5 * 200);
    expect(gw.gateway.liveSessions().map((s) => s.grantId)).toContain(grant.grantId);
    await expect(client.ping()).resolves.toEqual({});
    await client.close();
  });
});
