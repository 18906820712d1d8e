import type { Progress } from '@modelcontextprotocol/client';
import { SessionRecorder } from '../../audit';
import { connectRedis, waitForRedis } from '../../lib';
import { alive, connectClient, endSession, eventually, initializeBody, rawPost, startTestGateway, testRedisUrl, type TestGateway } from './support';

describe('gateway: the official MCP client through /mcp/<target> to server-everything', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway(); });
  afterAll(async () => { await gw.close(); });

  test('transparent for tools, resources, prompts, progress and notifications', async () => {
    const { token, grant } = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    try {
      expect(client.getServerVersion()?.name).toMatch(/everything/i);
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']));

      const echo = await client.callTool({ name: 'echo', arguments: { message: 'hello through the gateway' } });
      expect(echo.content).toEqual([{ type: 'text', text: 'Echo: hello through the gateway' }]);
      const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      expect(JSON.stringify(sum.content)).toContain('42');

      const resources = await client.listResources();
      expect(resources.resources.length).toBeGreaterThan(0);
      const first = resources.resources[0]!;
      const read = await client.readResource({ uri: first.uri });
      expect(read.contents[0]?.uri).toBe(first.uri);

      const prompts = await client.listPrompts();
      expect(prompts.prompts.length).toBeGreaterThan(0);
      const simple = prompts.prompts.find((p) => !p.arguments?.some((a) => a.required)) ?? prompts.prompts[0]!;
      const prompt = await client.getPrompt({ name: simple.name, arguments: {} });
      expect(prompt.messages.length).toBeGreaterThan(0);

      const progress: Progress[] = [];
      const long = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.4, steps: 3 } }, {
        onprogress: (p) => progress.push(p),
      });
      expect(JSON.stringify(long.content)).toMatch(/completed/i);
      expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);

      const logs: unknown[] = [];
      client.setNotificationHandler('notifications/message', (n) => { logs.push(n.params); });
      await client.setLoggingLevel('debug');
      await client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
      await eventually(() => logs.length > 0, 'a logging notification through the standalone stream');
      await client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
      expect(await client.ping()).toEqual({});

      // Every request was recorded before it was forwarded, every answer before it was returned.
      const entries = gw.recorder.of(grant.requestId);
      expect(entries[0]).toMatchObject({ type: 'session_start', grantId: grant.grantId, subject: 'carol@example.org', target: 'everything', client: { name: 'gateway-test' } });
      const requests = entries.filter((e) => e.type === 'request');
      const responses = entries.filter((e) => e.type === 'response');
      expect(requests.map((e) => e.method)).toEqual(expect.arrayContaining(['initialize', 'tools/list', 'tools/call', 'resources/read', 'prompts/get', 'ping']));
      expect(responses).toHaveLength(requests.length);
      for (const r of requests) {
        const i = entries.indexOf(r);
        const answer = entries.findIndex((e) => e.type === 'response' && e.messageId === r.messageId);
        expect(answer).toBeGreaterThan(i);
      }
      expect(responses.find((e) => (e.result as { content?: unknown[] } | undefined)?.content?.[0] && JSON.stringify(e.result).includes('hello through the gateway'))).toBeDefined();
    } finally {
      await client.close();
    }
  });

  test('requests the upstream starts (sampling) reach the client, masked, and the answer goes back', async () => {
    const { token } = await gw.grant('everything');
    const { client, transport } = await connectClient(gw.url, 'everything', token);
    const prompts: string[] = [];
    client.setRequestHandler('sampling/createMessage', (request) => {
      prompts.push(JSON.stringify(request.params.messages));
      return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'a sampled answer' } };
    });
    try {
      const result = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'summarize MRN-0012345', maxTokens: 10 } });
      expect(JSON.stringify(result.content)).toContain('a sampled answer');
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toContain('summarize [MRN]');
    } finally {
      await transport.terminateSession();
      await client.close();
    }
  });

  test('the upstream gets the ephemeral credential in its environment; the client and the recording never see it', async () => {
    const { token, grant, credential } = await gw.grant('everything');
    const { client, transport } = await connectClient(gw.url, 'everything', token);
    try {
      // get-env is a diagnostic tool of server-everything: it shows the upstream's own environment.
      const env = await client.callTool({ name: 'get-env', arguments: {} });
      const text = JSON.stringify(env);
      expect(text).toContain(grant.principal);
      expect(text).toContain('GATEHOUSE_CREDENTIAL');
      expect(text).not.toContain('GATEHOUSE_ENCRYPTION_KEY');
      expect(text).not.toContain('GATEHOUSE_TEST_REDIS_URL');
      await transport.terminateSession();
    } finally {
      await client.close();
    }
    // The recording refuses nothing here (a double), so check it directly: no credential, no token.
    const recorded = JSON.stringify(gw.recorder.entries.filter((e) => e.requestId === grant.requestId && e.type !== 'response'));
    expect(recorded).not.toContain(credential);
    expect(JSON.stringify(gw.recorder.entries)).not.toContain(token);
  });

  test('DELETE ends the session and stops its upstream; the session id is then unknown', async () => {
    const { token, grant } = await gw.grant('everything');
    const { client, transport } = await connectClient(gw.url, 'everything', token);
    const sessionId = transport.sessionId!;
    const pid = gw.gateway.liveSessions().find((s) => s.sessionId === sessionId)?.upstreamPid;
    expect(pid).toBeGreaterThan(0);
    await transport.terminateSession();
    await client.close();
    expect(gw.gateway.liveSessions().some((s) => s.sessionId === sessionId)).toBe(false);
    await eventually(() => !alive(pid!), 'the upstream process to exit');
    const res = await rawPost(gw.url, 'everything', { jsonrpc: '2.0', id: 5, method: 'ping' }, { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: -31014, message: expect.stringContaining('has ended (closed') } });
    expect(gw.recorder.of(grant.requestId).at(-1)).toMatchObject({ type: 'session_end', reason: 'closed' });
  });

  test('a session needs initialize first', async () => {
    const { token } = await gw.grant('everything');
    const res = await rawPost(gw.url, 'everything', { jsonrpc: '2.0', id: 9, method: 'tools/list' }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ id: 9, error: { code: -32600, message: expect.stringContaining('Mcp-Session-Id header is required') } });
    const ok = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('mcp-session-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('gateway with the audit/ recorder: a leaky upstream tool cannot hand out the credential', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    const redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    gw = await startTestGateway({ recorder: new SessionRecorder(redis) });
    const close = gw.close;
    gw.close = async () => { await close(); redis.disconnect(); };
  });
  afterAll(async () => { await gw.close(); });

  test('get-env would show the private key: the recording refuses it, so the response is withheld', async () => {
    const { token, grant } = await gw.grant('everything');
    const c = await connectClient(gw.url, 'everything', token);
    await expect(c.client.callTool({ name: 'get-env', arguments: {} })).rejects.toMatchObject({
      code: -31020, message: expect.stringMatching(/the response was withheld: it could not be recorded .*looks like a PEM private key/),
    });
    await expect(c.client.callTool({ name: 'echo', arguments: { message: 'fine' } })).resolves.toBeDefined();
    await endSession(c);
    const entries = (await gw.redis.xrange(`gatehouse:recording:${grant.requestId}`, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as Record<string, unknown>);
    expect(JSON.stringify(entries)).not.toContain('PRIVATE KEY');
    expect(entries).toContainEqual(expect.objectContaining({ type: 'response', messageId: 1, outcome: 'withheld', error: expect.objectContaining({ code: -31020 }) }));
  });
});
