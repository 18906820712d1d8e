import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from '../../lib';
import { startGatewayReplicas, type GatewayReplicas } from './gateway-replicas';
import { envelope, MODERN, modernPost } from './modern-support';
import { eventually } from './support';

// A 2026-07-28 client needs no sticky routing, so its `notifications/cancelled` may reach another
// gateway replica than the one running its request. Two `gatehouse gateway` processes share
// Redis (nothing else); a slow upstream call runs on A, the cancel goes to B: A cancels it
// upstream and the record says who cancelled and through which replica. A prompt-injected agent
// holding another grant sends the same cancel to B first: it reaches nothing, and its own
// grant's record says it was ignored.
const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
const streamingUpstream = join(__dirname, 'fixtures/streaming-upstream.ts');

type Entry = { type: string; method?: string; messageId?: unknown; verdict?: string; reason?: string; outcome?: string; error?: { code: number; message: string } };

describe('notifications/cancelled sent to another gateway replica than the one running the request', () => {
  let replicas: GatewayReplicas;
  let logFile: string;
  let gateways: GatewayReplicas['gateways'];
  let redis: Redis;

  beforeAll(async () => {
    replicas = await startGatewayReplicas((dir) => {
      logFile = join(dir, 'upstream.log');
      return `
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: streaming
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify([tsx, streamingUpstream])}, env: { STREAMING_UPSTREAM_LOG: ${JSON.stringify(join(dir, 'upstream.log'))} } }
    credentials: none
    requesters: [carol@example.org, mallory@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
`;
    });
    ({ gateways, redis } = replicas);
  }, 120_000);
  afterAll(async () => {
    await replicas?.stop();
  });

  const grant = (subject: string) => replicas.grant('streaming', subject);
  const upstreamSaw = (tag: string, event: string) => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { tag: string; event: string }).some((e) => e.tag === tag && e.event === event);
    } catch {
      return false;
    }
  };
  const recording = async (requestId: string): Promise<Entry[]> =>
    (await redis.xrange(`gatehouse:recording:${requestId}`, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as Entry);
  const cancel = async (url: string, token: string, requestId: number | string) => {
    const res = await fetch(`${url}/mcp/streaming`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': MODERN, 'mcp-method': 'notifications/cancelled' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'stop it', _meta: envelope() } }),
    });
    await res.text();
    return res.status;
  };

  test('the replica running the call cancels it upstream; the record names who and via which replica; another grant\'s cancel reaches nothing and is recorded as ignored', async () => {
    const [A, B] = [gateways[0]!.url, gateways[1]!.url];
    const own = await grant('carol@example.org');
    const hostile = await grant('mallory@example.org');
    const tag = `remote-${own.grantId}`;

    // The slow call runs on A (the client's HTTP answer is read as it comes, on A).
    const running = modernPost(A, 'streaming', own.token, { id: 41, method: 'tools/call', params: { name: 'wait_for_cancel', arguments: { tag } } });
    await eventually(() => upstreamSaw(tag, 'started'), 'the upstream started the call on A', 60_000);

    // The hostile agent knows the id (and even the grant id: it puts it in the params) and sends the cancel to B with its own grant.
    expect((await modernPost(B, 'streaming', hostile.token, { id: 1, method: 'server/discover' })).status).toBe(200);
    const forged = await fetch(`${B}/mcp/streaming`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hostile.token}`, 'mcp-protocol-version': MODERN, 'mcp-method': 'notifications/cancelled' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 41, grantId: own.grantId, _meta: envelope() } }),
    });
    expect(forged.status).toBe(202);
    const ignored = await eventually(async () => (await recording(hostile.requestId)).find((e) => e.type === 'request' && e.method === 'notifications/cancelled'), 'the hostile cancel in its own grant\'s record');
    expect(ignored).toMatchObject({ verdict: 'deny', messageId: 'cancel:41', reason: expect.stringContaining(`no request 41 of grant ${hostile.grantId} runs on any gateway replica; ignored`) });
    // A second, later control: the same hostile cancel on A, where the call runs, reaches nothing either.
    expect(await cancel(A, hostile.token, 41)).toBe(202);
    await eventually(async () => (await recording(hostile.requestId)).filter((e) => e.method === 'notifications/cancelled').length === 2, 'the second hostile cancel recorded');
    expect(upstreamSaw(tag, 'cancelled')).toBe(false);
    expect((await recording(own.requestId)).some((e) => e.type === 'response' && e.messageId === 41)).toBe(false);
    expect(JSON.stringify(await recording(own.requestId))).not.toContain('mallory');

    // The client's own cancel, to B.
    expect(await cancel(B, own.token, 41)).toBe(202);
    const answered = await running;
    expect(answered.status).toBe(200);
    const last = answered.text.split('\n\n').filter((e) => e.includes('data: ')).map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as Record<string, unknown>).at(-1) ?? answered.json;
    expect(last).toMatchObject({ id: 41, error: { code: -32800, message: expect.stringContaining('which passed it to this one') } });
    await eventually(() => upstreamSaw(tag, 'cancelled'), 'the upstream on A saw the cancellation');

    const record = await recording(own.requestId);
    const sent = record.find((e) => e.type === 'request' && e.method === 'notifications/cancelled');
    expect(sent).toMatchObject({ verdict: 'allow', messageId: 'cancel:41', reason: expect.stringMatching(/^cancels request 41, sent from replica (\S+) to replica (\S+), which runs it$/) });
    const [, via, runner] = /sent from replica (\S+) to replica (\S+),/.exec(sent!.reason!)!;
    expect(via).not.toBe(runner);
    const ended = record.find((e) => e.type === 'response' && e.messageId === 41);
    expect(ended).toMatchObject({ outcome: 'error', error: { code: -32800 } });
    expect(ended!.error!.message).toContain(`the client (carol@example.org) sent notifications/cancelled to gateway replica ${via}, which passed it to this one (${runner}) that runs the request`);
    expect(ended!.error!.message).toContain('the upstream MCP server was told to stop');
    // The client's reason is its own words: not carried, not recorded.
    expect(JSON.stringify(record)).not.toContain('stop it');
  }, 180_000);
});
