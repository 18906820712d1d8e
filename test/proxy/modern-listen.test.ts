import type { CallToolResult } from '@modelcontextprotocol/client';
import { GrantStore } from '../../lib';
import { GatewayErrorCode } from '../../proxy';
import { connectV2, envelope, MODERN } from './modern-support';
import { eventually, startTestGateway, type TestGateway } from './support';

// subscriptions/listen for 2026-07-28 clients: one stream per listen, keyed by grant, carrying the
// upstream's change notifications the client asked for (server-everything, a 2025-era upstream:
// resources/updated after resources/subscribe), masked, recorded, and ended at once when the
// grant is revoked or expires (fail closed). The v2 client's listen() through the real gateway.
const SSN = '123-45-6789';

/** A raw listen request, read until the stream ends (or `until` says enough and the connection is dropped). */
async function rawListen(url: string, token: string, id: number, notifications: unknown, accept = 'application/json, text/event-stream') {
  const res = await fetch(`${url}/mcp/everything`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token}`, 'mcp-protocol-version': MODERN, 'mcp-method': 'subscriptions/listen' },
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'subscriptions/listen', params: { notifications, _meta: envelope() } }),
  });
  return res;
}

describe('subscriptions/listen: one stream of masked change notifications per listen, ended when the grant ends', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ limits: { upstreamTimeoutMs: 30_000, sweepIntervalMs: 500 } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  test('the v2 client listens for a resource; its updates arrive masked and stamped; revoking the grant closes the stream and the record says why', async () => {
    const { token, grant } = await gw.grant('everything');
    const { client } = await connectV2(gw.url, 'everything', token, { era: 'modern' });
    expect(client.getServerCapabilities()?.resources).toMatchObject({ listChanged: true, subscribe: true });
    const updated: unknown[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      updated.push(n.params);
    });
    const chart = `demo://charts/patient-${SSN}`;
    const subscription = await client.listen({ resourceSubscriptions: [chart], toolsListChanged: true });
    expect(subscription.honoredFilter).toEqual({ resourceSubscriptions: [chart], toolsListChanged: true });
    // server-everything sends resources/updated for every subscribed URI once at once, then every 5 s.
    const started = await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} }) as CallToolResult;
    expect(JSON.stringify(started.content)).toContain('Started simulated resource updated notifications');
    await eventually(() => updated.length > 0, 'a resources/updated notification on the listen stream');
    // The URI is what the server said changed: it is masked like anything a server says.
    expect(updated[0]).toMatchObject({ uri: 'demo://charts/patient-[SSN]' });
    expect(JSON.stringify(updated)).not.toContain(SSN);

    await gw.grants.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: 'everything', reason: 'test: revoked while listening', at: new Date().toISOString() });
    // Fail closed: the stream ends because the grant did, not because the client left.
    expect(await subscription.closed).toBe('remote');
    const entries = gw.recorder.of(grant.requestId);
    const opened = entries.find((e) => e.type === 'request' && e.method === 'subscriptions/listen');
    expect(opened).toMatchObject({ verdict: 'allow', arguments: { notifications: { resourceSubscriptions: ['demo://charts/patient-[SSN]'], toolsListChanged: true } } });
    const ended = await eventually(() => entries.find((e) => e.type === 'response' && e.messageId === opened!.messageId) ?? gw.recorder.of(grant.requestId).find((e) => e.type === 'response' && e.messageId === opened!.messageId), 'the end of the subscription in the record');
    expect(ended).toMatchObject({ outcome: 'denied', error: { code: GatewayErrorCode.GrantInactive, message: expect.stringContaining('was revoked') } });
    expect(ended.masked).toEqual(expect.arrayContaining([{ type: 'SSN', count: expect.any(Number) }]));
    expect(JSON.stringify(gw.recorder.of(grant.requestId))).not.toContain(SSN);
    await client.close();
  });

  test('a grant that expires ends its stream at its expiry (fail closed)', async () => {
    // 10 s: long enough that the grant outlives set-up on a loaded machine.
    const { token, grant } = await gw.grant('everything', { ttlMs: 10_000 });
    const res = await rawListen(gw.url, token, 5, { toolsListChanged: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // The stream ends by itself: read to its end.
    const text = await res.text();
    const events = text.split('\n\n').filter((e) => e.includes('data: ')).map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ method: 'notifications/subscriptions/acknowledged', params: { notifications: { toolsListChanged: true }, _meta: { 'io.modelcontextprotocol/subscriptionId': 5 } } });
    expect(events.at(-1)).toMatchObject({ id: 5, error: { code: GatewayErrorCode.GrantInactive, message: expect.stringContaining('expired') } });
    expect(gw.recorder.of(grant.requestId).find((e) => e.type === 'response' && e.messageId === 5)).toMatchObject({ outcome: 'denied' });
  });

  test('a revocation event that never arrived: the gateway\'s sweep finds the grant gone and ends the stream (fail closed)', async () => {
    const { token, grant } = await gw.grant('everything');
    const res = await rawListen(gw.url, token, 6, { toolsListChanged: true });
    expect(res.status).toBe(200);
    // The grant's record disappears with no event on the revocation channel (as if it was published while this gateway's subscriber was reconnecting).
    await gw.redis.del(`gatehouse:grant:${GrantStore.hashToken(token)}`);
    const text = await res.text();
    const last = text.split('\n\n').filter((e) => e.includes('data: ')).map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as Record<string, unknown>).at(-1);
    expect(last).toMatchObject({ id: 6, error: { code: GatewayErrorCode.GrantInactive, message: expect.stringContaining('no longer active') } });
    expect(gw.recorder.of(grant.requestId).find((e) => e.type === 'response' && e.messageId === 6)).toMatchObject({ outcome: 'denied' });
  });

  test('bad input and hostile use: no stream without Accept: text/event-stream, a malformed filter, more than four streams per grant', async () => {
    const { token } = await gw.grant('everything');
    const plain = await rawListen(gw.url, token, 1, { toolsListChanged: true }, 'application/json');
    expect(await plain.json()).toMatchObject({ id: 1, error: { code: -32600, message: expect.stringContaining('Accept: text/event-stream') } });
    const malformed = await rawListen(gw.url, token, 2, { resourceSubscriptions: 'demo://x' });
    expect(await malformed.json()).toMatchObject({ id: 2, error: { code: -32602, message: expect.stringContaining('resourceSubscriptions must be a list') } });
    const open = await Promise.all([10, 11, 12, 13].map((id) => rawListen(gw.url, token, id, { toolsListChanged: true })));
    expect(open.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const fifth = await rawListen(gw.url, token, 14, { toolsListChanged: true });
    expect(fifth.status).toBe(429);
    expect(await fifth.text()).toContain('at most 4');
    await Promise.all(open.map((r) => r.body?.cancel()));
    // Closed streams free their places.
    await eventually(async () => {
      const again = await rawListen(gw.url, token, 15, { toolsListChanged: true });
      await again.body?.cancel();
      return again.status === 200;
    }, 'a new stream once the others were closed');
  });
});
