// A client still on the v1 SDK: the gateway must keep serving it.
// Every other gateway test connects the v2 SDK's client (./support connectClient in 2025 mode,
// ./modern-support connectV2 in either era). Agents and desktop apps built on
// @modelcontextprotocol/sdk 1.x stay in the field for a long time, so this one suite keeps that
// generation on purpose: initialize and a session, a masked call, progress on a long call, a
// sampling request from the upstream answered by the client (masked on its way), the write the SQL
// policy refuses, and DELETE ending the session. Do not move it to the v2 packages.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateMessageRequestSchema, type CallToolResult, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { fetchWithOwnSignal } from '../../devstack';
import { startTestGateway, type TestGateway } from './support';

async function connectV1(url: string, target: string, token: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp/${target}`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: fetchWithOwnSignal(),
  });
  const client = new Client({ name: 'v1-sdk-agent', version: '1.32.2' }, { capabilities: { sampling: {} } });
  await client.connect(transport);
  return { client, transport };
}

const text = (r: unknown) => ((r as CallToolResult).content?.[0] as { text?: string } | undefined)?.text ?? '';

describe('gateway: a client on the v1 SDK (@modelcontextprotocol/sdk 1.x)', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway(); });
  afterAll(async () => { await gw.close(); });

  test('initialize, a masked read, a refused DDL statement, DELETE ending the session; all recorded', async () => {
    const { token, grant } = await gw.grant('sql-echo');
    const { client, transport } = await connectV1(gw.url, 'sql-echo', token);
    const sessionId = transport.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.getServerVersion()?.name).toMatch(/everything/i);

    const read = await client.callTool({ name: 'echo', arguments: { message: "SELECT name FROM patients WHERE ssn = '123-45-6789' AND mrn = 'MRN-0012345'" } });
    expect(text(read)).toBe("Echo: SELECT name FROM patients WHERE ssn = '[SSN]' AND mrn = '[MRN]'");

    // The policy's refusal reaches a v1 client as the JSON-RPC error it knows (McpError, the code apart).
    await expect(client.callTool({ name: 'echo', arguments: { message: 'DROP TABLE clinical.phi.patients' } })).rejects.toMatchObject({
      code: -31030, message: expect.stringContaining('ddl is denied'),
    });
    expect(gw.gateway.liveSessions().some((s) => s.sessionId === sessionId)).toBe(true);

    await transport.terminateSession();
    await client.close();
    expect(gw.gateway.liveSessions().some((s) => s.sessionId === sessionId)).toBe(false);
    const entries = gw.recorder.of(grant.requestId);
    expect(entries[0]).toMatchObject({ type: 'session_start', client: { name: 'v1-sdk-agent', version: '1.32.2' } });
    expect(entries.filter((e) => e.type === 'request').map((e) => e.method)).toEqual(expect.arrayContaining(['initialize', 'tools/call']));
    expect(entries.at(-1)).toMatchObject({ type: 'session_end' });
  });

  test('progress on a long call and a sampling request the upstream starts, masked on its way to the client', async () => {
    const { token } = await gw.grant('everything');
    const { client, transport } = await connectV1(gw.url, 'everything', token);
    try {
      const progress: Progress[] = [];
      const long = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.4, steps: 3 } }, CallToolResultSchema, {
        onprogress: (p) => progress.push(p),
      });
      expect(JSON.stringify(long.content)).toMatch(/completed/i);
      expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);

      const prompts: string[] = [];
      client.setRequestHandler(CreateMessageRequestSchema, (request) => {
        prompts.push(JSON.stringify(request.params.messages));
        return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'a sampled answer' } };
      });
      const sampled = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'summarize MRN-0012345', maxTokens: 10 } });
      expect(JSON.stringify(sampled.content)).toContain('a sampled answer');
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toContain('summarize [MRN]');
    } finally {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }
  });
});
