import { connectV2, modernPost, MODERN } from './modern-support';
import { rawPost, initializeBody, startTestGateway, type TestGateway } from './support';

// 2026-07-28 clients through the real gateway (server-everything upstream, real Redis, grants):
// the v2 TypeScript client in modern mode and in 2025 mode on the same /mcp/<target>; header and
// body disagreeing; every malformed modern envelope the official client never sends.
describe('the gateway speaks 2026-07-28 statelessly next to the 2025 sessions', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  test('modern client: server/discover, tools/list, a masked call; no session, one recording session per grant', async () => {
    const { token, grant } = await gw.grant('everything');
    const { client } = await connectV2(gw.url, 'everything', token, { era: 'modern' });
    expect(client.getProtocolEra()).toBe('modern');
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('echo');
    const echoed = await client.callTool({ name: 'echo', arguments: { message: 'patient 123-45-6789 MRN-0012345' } });
    expect(JSON.stringify(echoed.content)).toContain('[SSN]');
    expect(JSON.stringify(echoed)).not.toContain('123-45-6789');
    const entries = gw.recorder.of(grant.requestId);
    const starts = entries.filter((e) => e.type === 'session_start');
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatchObject({ sessionId: `${grant.grantId}.stateless`, grantId: grant.grantId, client: { name: 'gateway-test-v2' } });
    // Every request and response belongs to that one session; the SSN never reached the recording unmasked.
    expect(new Set(entries.filter((e) => e.type !== 'refusals').map((e) => e.sessionId))).toEqual(new Set([`${grant.grantId}.stateless`]));
    expect(JSON.stringify(entries)).not.toContain('123-45-6789');
    expect(entries.filter((e) => e.type === 'request').map((e) => e.method)).toEqual(expect.arrayContaining(['server/discover', 'tools/list', 'tools/call']));
    await client.close();
  });

  test('a 2025 upstream asking for input mid-call: the modern client answers an input round, the call finishes once', async () => {
    const { token, grant } = await gw.grant('everything');
    const asked: Record<string, unknown>[] = [];
    const { client } = await connectV2(gw.url, 'everything', token, {
      era: 'modern',
      onElicit: async (params) => {
        asked.push(params);
        return { action: 'accept', content: { name: 'Jane Roe', check: true, email: 'jane@example.org' } };
      },
    });
    const result = await client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ message: expect.stringContaining('Please provide inputs'), requestedSchema: { type: 'object' } });
    // The round was recorded: the input_required answer, then the retry and its result.
    const calls = gw.recorder.of(grant.requestId).filter((e) => e.type === 'request' && e.method === 'tools/call');
    expect(calls).toHaveLength(2);
    await client.close();
  });

  test('the v2 client in 2025 mode gets a session exactly as before, on the same endpoint', async () => {
    const { token } = await gw.grant('everything');
    const { client, transport } = await connectV2(gw.url, 'everything', token, { era: 'legacy' });
    expect(transport.sessionId).toEqual(expect.any(String));
    expect(gw.gateway.liveSessions().map((s) => s.sessionId)).toContain(transport.sessionId);
    const echoed = await client.callTool({ name: 'echo', arguments: { message: 'ssn 123-45-6789' } });
    expect(JSON.stringify(echoed.content)).toContain('[SSN]');
    await transport.terminateSession();
    await client.close();
  });

  test('raw modern requests: result shape (resultType, ttlMs, private cache scope), no Mcp-Session-Id issued', async () => {
    const { token } = await gw.grant('everything');
    const listed = await modernPost(gw.url, 'everything', token, { method: 'tools/list' });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('mcp-session-id')).toBeNull();
    expect(listed.json?.result).toMatchObject({ resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
    const discovered = await modernPost(gw.url, 'everything', token, { method: 'server/discover' });
    expect(discovered.json?.result).toMatchObject({ resultType: 'complete', supportedVersions: [MODERN], capabilities: { tools: {} } });
  });

  test('Mcp-Method and Mcp-Name are routing hints: a request whose headers and body disagree is refused (400) and nothing runs', async () => {
    const { token, grant } = await gw.grant('sql-echo');
    const before = gw.recorder.of(grant.requestId).length;
    // The policy would deny DDL; a hostile client dresses a tools/call up as tools/list in the header.
    const method = await modernPost(gw.url, 'sql-echo', token, { method: 'tools/call', params: { name: 'echo', arguments: { message: 'DROP TABLE patients' } } }, { headers: { 'mcp-method': 'tools/list' } });
    expect(method.status).toBe(400);
    expect(method.json?.error).toMatchObject({ code: -32020, message: expect.stringMatching(/headers and body disagree: the body names method tools\/call but the Mcp-Method header names tools\/list/) });
    const name = await modernPost(gw.url, 'sql-echo', token, { method: 'tools/call', params: { name: 'echo', arguments: { message: 'SELECT 1' } } }, { headers: { 'mcp-name': 'get-sum' } });
    expect(name.status).toBe(400);
    expect(name.json?.error?.message).toMatch(/params\.name="echo" but the Mcp-Name header names "get-sum"/);
    const missing = await modernPost(gw.url, 'sql-echo', token, { method: 'tools/call', params: { name: 'echo', arguments: { message: 'SELECT 1' } } }, { headers: { 'mcp-method': undefined } });
    expect(missing.status).toBe(400);
    expect(missing.json?.error?.message).toMatch(/Mcp-Method header is absent/);
    const encoded = await modernPost(gw.url, 'sql-echo', token, { method: 'tools/call', params: { name: 'echo', arguments: { message: 'SELECT 1' } } }, { headers: { 'mcp-name': `=?base64?${Buffer.from('echo').toString('base64')}?=` } });
    expect(encoded.status).toBe(200);
    // Nothing of the refused ones was forwarded or recorded as a call (the gateway refused before the checkpoint).
    const calls = gw.recorder.of(grant.requestId).slice(before).filter((e) => e.type === 'request');
    expect(calls).toHaveLength(1);
  });

  test('policy decides from the body: a denied statement is denied whatever the headers say', async () => {
    const { token } = await gw.grant('sql-echo');
    const denied = await modernPost(gw.url, 'sql-echo', token, { method: 'tools/call', params: { name: 'echo', arguments: { message: 'DROP TABLE patients' } } });
    expect(denied.status).toBe(200);
    expect(denied.json?.error).toMatchObject({ code: -31030, message: expect.stringMatching(/denied by policy/) });
  });

  test('bad input: unknown versions list the supported ones, a missing envelope key, a stale session id, a batch, no grant', async () => {
    const { token } = await gw.grant('everything');
    const future = await modernPost(gw.url, 'everything', token, { method: 'tools/list' }, { version: '2027-01-01' });
    expect(future.status).toBe(400);
    expect(future.json?.error).toMatchObject({ code: -32022, data: { supported: expect.arrayContaining([MODERN, '2025-11-25', '2025-06-18']), requested: '2027-01-01' } });
    expect(future.json?.error?.message).toMatch(/Unsupported protocol version "2027-01-01"/);

    // No per-request capabilities: the envelope is incomplete.
    const res = await fetch(`${gw.url}/mcp/everything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN } } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ id: 7, error: { code: -32602, message: expect.stringMatching(/clientCapabilities: missing/) } });

    const stale = await modernPost(gw.url, 'everything', token, { method: 'tools/list' }, { headers: { 'mcp-session-id': 'c0ffee' } });
    expect(stale.status).toBe(400);
    expect(stale.json?.error?.message).toMatch(/carries no Mcp-Session-Id: sessions belong to the 2025 revisions/);

    const noHeader = await modernPost(gw.url, 'everything', token, { method: 'tools/list' }, { headers: { 'mcp-protocol-version': undefined } });
    expect(noHeader.status).toBe(400);
    expect(noHeader.json?.error).toMatchObject({ code: -32020, message: expect.stringMatching(/MCP-Protocol-Version header is absent/) });

    const unknownMethod = await modernPost(gw.url, 'everything', token, { method: 'initialize', params: { protocolVersion: MODERN, capabilities: {}, clientInfo: { name: 'x', version: '0' } } });
    expect(unknownMethod.json?.error).toMatchObject({ code: -32601 });

    const listen = await modernPost(gw.url, 'everything', token, { method: 'subscriptions/listen', params: {} });
    // subscriptions/listen is served (modern-listen.test.ts); without a filter it says what it needs.
    expect(listen.json?.error).toMatchObject({ code: -32602, message: expect.stringMatching(/needs params.notifications/) });

    // A batch may not carry 2026-07-28 requests.
    const batch = await rawPost(gw.url, 'everything', [{ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} } } }], { authorization: `Bearer ${token}` });
    expect(batch.status).toBe(400);
    expect(batch.text).toMatch(/batches may not contain requests for protocol revision 2026-07-28/);

    const unauthenticated = await modernPost(gw.url, 'everything', undefined, { method: 'tools/list' });
    expect(unauthenticated.status).toBe(401);
    const wrongTarget = await modernPost(gw.url, 'sql-echo', token, { method: 'tools/list' });
    expect(wrongTarget.status).toBe(401);
    expect(wrongTarget.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(wrongTarget.headers.get('www-authenticate')).toMatch(/resource_metadata="[^"]*\/mcp\/sql-echo"/);

    // 2025 traffic is untouched by all this: an initialize without an envelope starts a session.
    const legacy = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('mcp-session-id')).toEqual(expect.any(String));
  });

  test('a revoked grant: the next modern request is refused', async () => {
    const { token, grant } = await gw.grant('everything');
    expect((await modernPost(gw.url, 'everything', token, { method: 'tools/list' })).status).toBe(200);
    await gw.grants.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: 'everything', reason: 'test revoke', at: new Date().toISOString() });
    await gw.gateway.revoke({ grantId: grant.grantId, reason: 'test revoke' });
    const after = await modernPost(gw.url, 'everything', token, { method: 'tools/list' });
    expect(after.status).toBe(401);
  });

  test('a 401 decided past the token check (the grant active, its credential gone) still says where to sign in', async () => {
    const { token, grant } = await gw.grant('everything');
    await gw.vault.delete(grant.credentialRef);
    const refused = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('no longer available');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", resource_metadata="http:\/\/[^"]+\/\.well-known\/oauth-protected-resource\/mcp\/everything", error="invalid_token"/);
  });
});

describe('the rate of a grant is counted in Redis for every gateway', () => {
  test('two gateways on one Redis share a grant\'s bucket: the burst is spent across both, then 429 with Retry-After', async () => {
    const a = await startTestGateway({ limits: { messagesPerSecond: 0.01, messageBurst: 3 } });
    const b = await startTestGateway({ limits: { messagesPerSecond: 0.01, messageBurst: 3 }, grants: a.grants, vault: a.vault });
    try {
      const { token } = await a.grant('everything');
      const statuses = [];
      for (const gw of [a, b, a, b]) statuses.push((await modernPost(gw.url, 'everything', token, { method: 'tools/list' })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await modernPost(a.url, 'everything', token, { method: 'tools/list' });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.json?.error?.message).toMatch(/too many messages for grant/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
