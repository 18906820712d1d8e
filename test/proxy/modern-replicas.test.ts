import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Redis } from '../../lib';
import { startGatewayReplicas, type GatewayReplicas } from './gateway-replicas';
import { MODERN } from './modern-support';
import { GATEWAY_TEST_CONFIG } from './support';

// No sticky routing for 2026-07-28 clients: two `gatehouse gateway` processes share Redis (and
// nothing else); a plain round-robin in front of them sends one modern client's requests to
// both. Every request is served, and the recording is one: one session start, every entry in it.
describe('a modern client spread over two gateway processes sharing Redis', () => {
  let replicas: GatewayReplicas;
  let gateways: GatewayReplicas['gateways'];
  let redis: Redis;

  beforeAll(async () => {
    replicas = await startGatewayReplicas(GATEWAY_TEST_CONFIG);
    ({ gateways, redis } = replicas);
  }, 120_000);
  afterAll(async () => {
    await replicas?.stop();
  });

  test('discover, list and masked calls alternate between the processes; one recording session, nothing unmasked in it', async () => {
    const { grantId, requestId, token } = await replicas.grant('everything');

    // The load balancer: each HTTP request to the next gateway, no affinity of any kind.
    const served: { A: number[]; B: number[] } = { A: [], B: [] };
    let next = 0;
    const roundRobin = async (input: string | URL | Request, init?: RequestInit) => {
      const which = next++ % 2 === 0 ? 'A' : 'B';
      const url = new URL(String(input instanceof Request ? input.url : input));
      const target = new URL(gateways[which === 'A' ? 0 : 1]!.url);
      url.host = target.host;
      const res = await fetch(url, init);
      served[which].push(res.status);
      return res;
    };
    const transport = new StreamableHTTPClientTransport(new URL(`${gateways[0]!.url}/mcp/everything`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      fetch: roundRobin as typeof fetch,
    });
    const client = new Client({ name: 'spread-client', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
    await client.connect(transport);
    expect(client.getProtocolEra()).toBe('modern');
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo');
    for (const n of [1, 2, 3, 4]) {
      const echoed = await client.callTool({ name: 'echo', arguments: { message: `call ${n}: SSN 123-45-678${n}` } });
      expect(echoed.content).toEqual([{ type: 'text', text: `Echo: call ${n}: SSN [SSN]` }]);
    }
    await client.close();
    // Both processes answered, every time with 200.
    expect(served.A.length).toBeGreaterThanOrEqual(3);
    expect(served.B.length).toBeGreaterThanOrEqual(3);
    expect([...served.A, ...served.B].every((s) => s === 200)).toBe(true);

    const stream = await redis.xrange(`gatehouse:recording:${requestId}`, '-', '+');
    const entries = stream.map(([, fields]) => JSON.parse(fields[1]!) as { type: string; sessionId?: string; method?: string });
    expect(entries.filter((e) => e.type === 'session_start')).toHaveLength(1);
    expect(new Set(entries.map((e) => e.sessionId))).toEqual(new Set([`${grantId}.stateless`]));
    expect(entries.filter((e) => e.type === 'request' && e.method === 'tools/call')).toHaveLength(4);
    expect(entries.filter((e) => e.type === 'response')).toHaveLength(entries.filter((e) => e.type === 'request').length);
    expect(JSON.stringify(stream)).not.toMatch(/123-45-678\d/);
  }, 120_000);
});
