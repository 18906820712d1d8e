import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { z } from 'zod';
import { startRedisServer, type RedisServer } from '../../devstack';
import { connectClient, eventually, failureOf, failureText, initializeBody, rawPost, startTestGateway, TestMasker, type TestGateway } from './support';

const protocol = { 'mcp-protocol-version': '2025-06-18' };

describe('gateway: every bad input gets a precise error and loses nothing', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ limits: { maxBodyBytes: 64 * 1024 } }); });
  afterAll(async () => { await gw.close(); });

  test('no token, a malformed header, an unknown token: 401 with WWW-Authenticate pointing at the RFC 9728 metadata', async () => {
    const missing = await rawPost(gw.url, 'everything', initializeBody());
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -31010, message: expect.stringContaining('Authorization: Bearer <grant token> is required') } });
    const challenge = missing.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer realm="gatehouse", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp\/everything"$/);

    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)![1]!;
    const metadata = await (await fetch(metadataUrl)).json();
    expect(metadata).toEqual({
      resource: `${gw.url}/mcp/everything`, bearer_methods_supported: ['header'],
      resource_name: 'Gatehouse: server-everything, all tools', resource_documentation: 'https://gatehouse.example.org/requests',
    });

    const malformed = await rawPost(gw.url, 'everything', initializeBody(), { authorization: 'Basic abc' });
    expect(malformed.status).toBe(401);
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_request"');

    const unknown = await rawPost(gw.url, 'everything', initializeBody(), { authorization: 'Bearer ghg_not-a-real-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toMatchObject({ error: { code: -31011, message: expect.stringContaining('not active') } });
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');

    // The official client surfaces the same refusal.
    expect(await failureOf(connectClient(gw.url, 'everything', undefined))).toMatch(/-31010.*Authorization: Bearer <grant token> is required/);
  });

  test('an expired grant is refused, also mid-session, and the session is ended', async () => {
    // Six seconds: a loaded machine takes a while to start the upstream; the first ping must still be in time.
    const { token, grant } = await gw.grant('everything', { ttlMs: 6_000 });
    const { client } = await connectClient(gw.url, 'everything', token);
    await client.ping();
    const refusal = await eventually(() => client.ping().then(() => undefined, (error: Error) => error), 'the grant to run out');
    // Refused at the grant check (-31011), or cut mid-request by the sweep (-31015).
    expect(failureText(refusal)).toMatch(/-31011.*(not active|expired|has ended)|-31015.*the grant ended/);
    expect(gw.gateway.liveSessions().some((s) => s.grantId === grant.grantId)).toBe(false);
    const fresh = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(fresh.status).toBe(401);
    expect(fresh.json).toMatchObject({ error: { code: -31011, message: `grant ${grant.grantId} was expired at ${grant.expiresAt} (its time ran out); request access again` } });
    await client.close();
  });

  test('a token for another target is refused with the target it is for', async () => {
    const { token } = await gw.grant('sql-echo');
    const res = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(res.json).toMatchObject({ error: { code: -31012, message: 'this grant is for target sql-echo, not everything; use /mcp/sql-echo or request access to everything' } });
  });

  test('a token replayed on a session another grant began is refused; both sessions keep working', async () => {
    const a = await gw.grant('everything');
    const b = await gw.grant('everything');
    const ca = await connectClient(gw.url, 'everything', a.token);
    const cb = await connectClient(gw.url, 'everything', b.token);
    const res = await rawPost(gw.url, 'everything', { jsonrpc: '2.0', id: 7, method: 'tools/list' }, { authorization: `Bearer ${a.token}`, 'mcp-session-id': cb.transport.sessionId!, ...protocol });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { code: -31013, message: expect.stringContaining('was started with another grant') } });
    await expect(ca.client.ping()).resolves.toEqual({});
    await expect(cb.client.ping()).resolves.toEqual({});
    await Promise.all([ca.client.close(), cb.client.close()]);
  });

  test('malformed JSON, invalid JSON-RPC, unknown session, unknown method, oversized body; the session goes on', async () => {
    const { token } = await gw.grant('everything');
    const { client, transport } = await connectClient(gw.url, 'everything', token);
    const auth = { authorization: `Bearer ${token}`, 'mcp-session-id': transport.sessionId!, ...protocol };

    const notJson = await rawPost(gw.url, 'everything', '{"jsonrpc": "2.0", "id": 1, "method": ', auth);
    expect(notJson.status).toBe(400);
    expect(notJson.json).toMatchObject({ error: { code: -32700, message: expect.stringContaining('not valid JSON') } });

    const notRpc = await rawPost(gw.url, 'everything', { hello: 'world' }, auth);
    expect(notRpc.status).toBe(400);
    expect(notRpc.json).toMatchObject({ error: { code: -32700, message: expect.stringContaining('Invalid JSON-RPC message') } });

    const notAcceptable = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}`, accept: 'application/json' });
    expect(notAcceptable.status).toBe(406);
    expect(notAcceptable.json).toMatchObject({ error: { message: expect.stringContaining('Client must accept both application/json and text/event-stream') } });
    expect(gw.gateway.startingSessions()).toBe(0); // the upstream started for it was stopped

    const unknownSession = await rawPost(gw.url, 'everything', { jsonrpc: '2.0', id: 2, method: 'ping' }, { ...auth, 'mcp-session-id': '00000000-0000-4000-8000-000000000000' });
    expect(unknownSession.status).toBe(404);
    expect(unknownSession.json).toMatchObject({ error: { code: -31014, message: expect.stringContaining('start a new session with initialize') } });

    const big = await rawPost(gw.url, 'everything', { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: { message: 'x'.repeat(70_000) } } }, auth);
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ error: { code: -31052, message: 'the request body is larger than 65536 bytes; send smaller messages' } });

    const unknownMethod = client.request({ method: 'no/such/method', params: {} }, z.object({}).passthrough());
    await expect(unknownMethod).rejects.toMatchObject({ code: -32601 });
    await expect(unknownMethod).rejects.toBeInstanceOf(ProtocolError);

    const echo = await client.callTool({ name: 'echo', arguments: { message: 'still here' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: still here' }]);
    await client.close();
  });

  test('masking: PHI never reaches the client or the recording; a masking failure withholds the response', async () => {
    const { token, grant } = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    const echo = await client.callTool({ name: 'echo', arguments: { message: 'patient MRN-0012345 ssn 123-45-6789' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: patient [MRN] ssn [SSN]' }]);
    await expect(client.callTool({ name: 'echo', arguments: { message: `x ${TestMasker.FAIL_MARKER}` } })).rejects.toMatchObject({
      code: -31040, message: expect.stringContaining('withheld: PHI masking failed'),
    });
    const recorded = JSON.stringify(gw.recorder.of(grant.requestId));
    expect(recorded).not.toContain('123-45-6789');
    expect(recorded).not.toContain('MRN-0012345');
    expect(gw.recorder.of(grant.requestId)).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'request', tool: 'echo', arguments: { message: 'patient [MRN] ssn [SSN]' }, masked: [{ type: 'SSN', count: 1 }, { type: 'MRN', count: 1 }] }),
      expect.objectContaining({ type: 'response', outcome: 'ok', masked: [{ type: 'SSN', count: 1 }, { type: 'MRN', count: 1 }] }),
      expect.objectContaining({ type: 'response', outcome: 'withheld', error: expect.objectContaining({ code: -31040 }) }),
    ]));
    await client.close();
  });

  test('no access without a record: when the recording fails, nothing is forwarded or returned', async () => {
    const { token, grant } = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    const before = gw.masker.calls;
    gw.recorder.failing = true;
    try {
      await expect(client.callTool({ name: 'echo', arguments: { message: 'unrecorded' } })).rejects.toMatchObject({
        code: -31020, message: expect.stringContaining('the session recording did not take it'),
      });
      // Only the arguments were masked (for the record that failed); no result ever came back.
      expect(gw.masker.calls).toBe(before + 1);
    } finally {
      gw.recorder.failing = false;
    }
    await expect(client.callTool({ name: 'echo', arguments: { message: 'recorded again' } })).resolves.toBeDefined();
    expect(JSON.stringify(gw.recorder.of(grant.requestId))).not.toContain('unrecorded');
    await client.close();
  });
});

describe('gateway: limits', () => {
  let gw: TestGateway;
  // 10 s to answer: enough for the upstream's own start-up on a loaded machine, far below the 20 s call that must time out.
  beforeAll(async () => { gw = await startTestGateway({ limits: { messagesPerSecond: 2, messageBurst: 6, maxSessionsPerGrant: 1, upstreamTimeoutMs: 10_000 } }); });
  afterAll(async () => { await gw.close(); });

  test('concurrent sessions per grant, message rate per grant, upstream timeout', async () => {
    const { token } = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    const second = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(second.status).toBe(429);
    expect(second.json).toMatchObject({ error: { code: -31051, message: expect.stringContaining('already has 1 live sessions (at most 1)') } });

    await expect(client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 20, steps: 2 } })).rejects.toMatchObject({
      code: -31060, message: expect.stringContaining('the upstream MCP server did not answer tools/call within 10000 ms'),
    });
    // Twelve at once: the bucket (burst 6, 2 per second) cannot refill between them, however slow the machine.
    const pings = await Promise.all(Array.from({ length: 12 }, () => client.ping().then(() => undefined, (e: unknown) => e)));
    const limited = pings.find((e) => e !== undefined);
    expect(failureText(limited)).toMatch(/-31050.*too many messages for grant .* at most 2 per second \(burst 6\)/s);
    await client.close();
  });
});

describe('gateway: an upstream that does not come up', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ config: `
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: broken
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: [-e, "process.exit(3)"] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
  - name: missing
    upstream: { type: stdio, command: /nonexistent/mcp-server }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
` });
  });
  afterAll(async () => { await gw.close(); });

  test('a server that exits at once, or cannot be spawned, fails initialize with a clear error and leaves no session', async () => {
    const broken = await gw.grant('broken');
    expect(await failureOf(connectClient(gw.url, 'broken', broken.token))).toMatch(/-31061.*the upstream MCP server closed the connection/);
    const missing = await gw.grant('missing');
    const res = await rawPost(gw.url, 'missing', initializeBody(), { authorization: `Bearer ${missing.token}` });
    expect(res.status).toBe(502);
    expect(res.json).toMatchObject({ error: { code: -31061, message: 'the upstream MCP server for missing could not be started; try again or tell an operator' } });
    expect(gw.gateway.liveSessions()).toEqual([]);
  });
});

describe('gateway: idle sessions', () => {
  let gw: TestGateway;
  // Idle for 15 s: long enough that a loaded machine never idles out the client's own handshake.
  beforeAll(async () => { gw = await startTestGateway({ limits: { sweepIntervalMs: 100, sessionIdleMs: 15_000 } }); });
  afterAll(async () => { await gw.close(); });

  test('a session nobody uses (a client that vanished without DELETE) is ended and its upstream stopped', async () => {
    const { token } = await gw.grant('everything');
    const { client, transport } = await connectClient(gw.url, 'everything', token);
    const sessionId = transport.sessionId!;
    await eventually(() => gw.gateway.liveSessions().length === 0, 'the idle session to end');
    const res = await rawPost(gw.url, 'everything', { jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, ...protocol });
    expect(res.json).toMatchObject({ error: { code: -31014, message: expect.stringContaining('has ended (closed: no request for 15 s)') } });
    await client.close();
  });
});

describe('gateway: fail closed when Redis stops mid-session', () => {
  let redis: RedisServer;
  let gw: TestGateway;
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-gw-redis-'));
  beforeAll(async () => {
    redis = await startRedisServer({ dataDir });
    gw = await startTestGateway({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await gw.close();
    await redis.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every request is refused with 503 while the grant cannot be checked; when Redis is back, the session goes on', async () => {
    const { token } = await gw.grant('everything');
    const { client, transport } = await connectClient(gw.url, 'everything', token);
    await client.ping();
    await redis.stop();
    const res = await rawPost(gw.url, 'everything', { jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'echo', arguments: { message: 'x' } } } satisfies JSONRPCMessage,
      { authorization: `Bearer ${token}`, 'mcp-session-id': transport.sessionId!, ...protocol });
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ error: { code: -31020, message: expect.stringContaining('the grant store (Redis) did not answer') } });
    expect(await failureOf(client.ping())).toMatch(/-31020.*the grant store \(Redis\) did not answer/);
    const fresh = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(fresh.status).toBe(503);

    // Same port, same data (append-only file): the grant is still there and nothing was lost.
    redis = await startRedisServer({ dataDir, port: redis.port! });
    await eventually(() => client.ping().then(() => true, () => false), 'the session to answer again once Redis is back', 15_000);
    const echo = await client.callTool({ name: 'echo', arguments: { message: 'back' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: back' }]);
    await client.close();
  });
});
