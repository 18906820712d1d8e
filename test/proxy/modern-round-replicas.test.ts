import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Redis } from '../../lib';
import { startHarness, testConfig, waitForState, waitForStatus, type Harness } from '../support/harness';
import { startGatewayReplicas, type GatewayReplicas } from './gateway-replicas';
import { MODERN, modernPost } from './modern-support';
import { eventually, everythingServer, GATEWAY_TEST_CONFIG } from './support';

// An input round across gateway replicas, behind a plain load balancer: a 2025-era upstream
// (server-everything) asks for input in the middle of a call on replica A; the 2026-07-28
// client's retry, with its answer and requestState, lands on replica B. B relays it to A, which
// holds the waiting upstream call: A runs it, masks and records it once, and the answer comes
// back through B. Another grant's agent holding the state reaches nothing (recorded as denied in
// its own recording); a replayed state answers once; a retry whose owner is gone gets a clear
// error at once, recorded, instead of a hang.
const TOOL = 'trigger-elicitation-request';
const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
const capabilities = { elicitation: { form: {} } };

type Entry = { type: string; method?: string; messageId?: unknown; verdict?: string; reason?: string; outcome?: string; error?: { code: number; message: string }; sessionId?: string };

describe('an input round answered through another gateway replica than the one holding it', () => {
  let replicas: GatewayReplicas;
  let gateways: GatewayReplicas['gateways'];
  let redis: Redis;

  let upstreamLog: string;

  beforeAll(async () => {
    // server-everything's targets, and a 2025-era server whose tool asks, then talks and runs until cancelled.
    replicas = await startGatewayReplicas((dir) => {
      upstreamLog = join(dir, 'legacy.log');
      return `${GATEWAY_TEST_CONFIG}  - name: charts
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify([tsx, join(__dirname, 'fixtures/legacy-elicit-upstream.ts')])}, env: { LEGACY_UPSTREAM_LOG: ${JSON.stringify(upstreamLog)} } }
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
`;
    });
    ({ gateways, redis } = replicas);
  }, 120_000);
  afterAll(async () => {
    await replicas?.stop();
  });

  const grant = (subject?: string) => replicas.grant('everything', subject);
  const recording = async (requestId: string): Promise<Entry[]> =>
    (await redis.xrange(`gatehouse:recording:${requestId}`, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as Entry);
  /** Starts the tool's input round with a raw modern POST; resolves with its requestState. */
  const startRound = async (url: string, token: string, id: number) => {
    const asked = await modernPost(url, 'everything', token, { id, method: 'tools/call', params: { name: TOOL, arguments: {} } }, { capabilities });
    expect(asked.json?.result).toMatchObject({ resultType: 'input_required', inputRequests: { elicitation: { method: 'elicitation/create' } } });
    return asked.json!.result!.requestState as string;
  };
  const answerRound = (url: string, token: string, id: number, requestState: string, name: string) => modernPost(url, 'everything', token, {
    id, method: 'tools/call', params: { name: TOOL, arguments: {}, requestState, inputResponses: { elicitation: { action: 'accept', content: { name, check: true, email: 'jane@example.org' } } } },
  }, { capabilities });

  test('a real 2026-07-28 client: the call on A, its answer through B; A finishes it once, masked, and the recording says which replica took it', async () => {
    const { grantId, requestId, token } = await grant();
    const [A, B] = [gateways[0]!, gateways[1]!];
    // The load balancer: no affinity; a retry (it carries requestState) happens to go to B, everything else to A.
    const served: { A: string[]; B: string[] } = { A: [], B: [] };
    const balancer = async (input: string | URL | Request, init?: RequestInit) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      const which = body.includes('"requestState"') ? 'B' : 'A';
      const url = new URL(String(input instanceof Request ? input.url : input));
      url.host = new URL((which === 'A' ? A : B).url).host;
      const res = await fetch(url, init);
      served[which].push(`${(JSON.parse(body || '{}') as { method?: string }).method}:${res.status}`);
      return res;
    };
    const transport = new StreamableHTTPClientTransport(new URL(`${A.url}/mcp/everything`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      fetch: balancer as typeof fetch,
    });
    const client = new Client({ name: 'spread-client', version: '1.0.0' }, { capabilities, versionNegotiation: { mode: { pin: MODERN } } });
    const asked: Record<string, unknown>[] = [];
    client.setRequestHandler('elicitation/create', (async (request: { params: unknown }) => {
      asked.push(request.params as Record<string, unknown>);
      return { action: 'accept', content: { name: 'Jane Roe SSN 123-45-6789', check: true, email: 'jane@example.org' } };
    }) as never);
    await client.connect(transport);
    expect(client.getProtocolEra()).toBe('modern');

    const result = await client.callTool({ name: TOOL, arguments: {} }) as CallToolResult;
    await client.close();
    expect(result.isError).toBeFalsy();
    const text = result.content.map((c) => (c as { text?: string }).text ?? '').join('\n');
    // The upstream heard the client's answer; it came back through B, masked on A.
    expect(text).toContain('User provided the requested information');
    expect(text).toContain('SSN [SSN]');
    expect(text).not.toMatch(/Jane Roe|123-45-6789/);
    expect(asked).toHaveLength(1);
    expect(served.B).toEqual(['tools/call:200']);
    expect(served.A).toContain('tools/call:200');

    const entries = await recording(requestId);
    expect(entries.filter((e) => e.type === 'session_start')).toHaveLength(1);
    expect(new Set(entries.map((e) => e.sessionId))).toEqual(new Set([`${grantId}.stateless`]));
    const calls = entries.filter((e) => e.type === 'request' && e.method === 'tools/call');
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ verdict: 'allow', reason: expect.stringMatching(/received by gateway replica (\S+), which passed it to this one \((\S+)\) that holds its input round/) });
    const [, via, owner] = /received by gateway replica (\S+), which passed it to this one \((\S+)\)/.exec(calls[1]!.reason!)!;
    expect(via).not.toBe(owner);
    // Recorded once: one answer per request, the retry's ok.
    for (const call of calls) expect(entries.filter((e) => e.type === 'response' && e.messageId === call.messageId)).toHaveLength(1);
    expect(entries.find((e) => e.type === 'response' && e.messageId === calls[1]!.messageId)).toMatchObject({ outcome: 'ok' });
    expect(JSON.stringify(entries)).not.toContain('123-45-6789');
  }, 120_000);

  test('hostile: another grant\'s agent holding the state reaches nothing (denied in its own recording); a replayed state answers once', async () => {
    const [A, B] = [gateways[0]!.url, gateways[1]!.url];
    const own = await grant();
    const hostile = await grant('mallory@example.org');
    const state = await startRound(A, own.token, 11);

    // The hostile agent sends the victim's state with its own valid grant, to B and to A.
    for (const [url, id] of [[B, 21], [A, 22]] as const) {
      const stolen = await answerRound(url, hostile.token, id, state, 'Mallory');
      expect(stolen.status).toBe(200);
      expect(stolen.json?.error).toMatchObject({ code: -32602, message: expect.stringContaining(`no input round of grant ${hostile.grantId}`) });
    }
    const denied = (await recording(hostile.requestId)).filter((e) => e.type === 'request' && e.method === 'tools/call');
    expect(denied.map((e) => [e.messageId, e.verdict])).toEqual([[21, 'deny'], [22, 'deny']]);
    expect((await recording(hostile.requestId)).filter((e) => e.type === 'response').map((e) => e.outcome)).toEqual(['denied', 'denied']);
    expect(JSON.stringify(await recording(own.requestId))).not.toContain('Mallory');

    // The round is untouched: its own grant answers it through B, once.
    const done = await answerRound(B, own.token, 12, state, 'Jane Roe');
    expect(done.json?.result).toMatchObject({ resultType: 'complete' });
    expect(JSON.stringify(done.json?.result)).toContain('User provided the requested information');
    for (const [url, id] of [[B, 13], [A, 14]] as const) {
      const replay = await answerRound(url, own.token, id, state, 'Jane Roe');
      expect(replay.json?.error).toMatchObject({ code: -32602, message: expect.stringContaining('answered already') });
    }
    const entries = await recording(own.requestId);
    expect(entries.filter((e) => e.type === 'response' && e.outcome === 'ok' && e.messageId === 12)).toHaveLength(1);
    expect(entries.filter((e) => e.type === 'request' && (e.messageId === 13 || e.messageId === 14)).map((e) => e.verdict)).toEqual(['deny', 'deny']);
  }, 120_000);

  test('through B: the owner\'s progress comes back masked on B\'s stream; the client closing B\'s stream cancels the call where it runs', async () => {
    const [A, B] = [gateways[0]!.url, gateways[1]!.url];
    const own = await replicas.grant('charts');
    const upstreamSaw = (tag: string, event: string) => {
      try {
        return readFileSync(upstreamLog, 'utf8').split('\n').filter(Boolean).some((l) => (JSON.parse(l) as { tag?: string; event?: string }).tag === tag && JSON.parse(l).event === event);
      } catch {
        return false;
      }
    };
    const params = (tag: string, wait: boolean) => ({ name: 'release_slowly', arguments: { mrn: 'M-9', tag, wait }, _meta: { progressToken: `p-${tag}` } });
    const answer = { elicitation: { action: 'accept', content: { release: true } } };
    const ask = async (id: number, tag: string, wait: boolean) => {
      const asked = await modernPost(A, 'charts', own.token, { id, method: 'tools/call', params: params(tag, wait) }, { capabilities });
      expect(asked.json?.result).toMatchObject({ resultType: 'input_required', inputRequests: { elicitation: { method: 'elicitation/create' } } });
      return asked.json!.result!.requestState as string;
    };

    // Progress said on A while the retry runs there reaches the client on B, masked, before the answer.
    const streamed = await modernPost(B, 'charts', own.token, { id: 52, method: 'tools/call', params: { ...params('talk', false), requestState: await ask(51, 'talk', false), inputResponses: answer } }, { capabilities });
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const events = streamed.text.split('\n\n').filter((e) => e.includes('data: ')).map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'p-talk', message: expect.stringContaining('SSN [SSN]') } });
    expect(events.at(-1)).toMatchObject({ id: 52, result: { resultType: 'complete', content: [{ type: 'text', text: 'chart M-9 released' }] } });
    expect(streamed.text).not.toContain('123-45-6789');

    // The client gives up on B while the call runs on A: A cancels it upstream, and records why.
    const state = await ask(53, 'stop', true);
    const leaving = new AbortController();
    const retry = modernPost(B, 'charts', own.token, { id: 54, method: 'tools/call', params: { ...params('stop', true), requestState: state, inputResponses: answer } }, { capabilities, signal: leaving.signal }).catch((error: Error) => error);
    await eventually(() => upstreamSaw('stop', 'answered accept'), 'the upstream on A heard the answer');
    leaving.abort();
    expect(await retry).toMatchObject({ name: 'AbortError' });
    await eventually(() => upstreamSaw('stop', 'cancelled'), 'the upstream on A saw the cancellation');
    const ended = await eventually(async () => (await recording(own.requestId)).find((e) => e.type === 'response' && e.messageId === 54), 'the cancelled retry recorded');
    expect(ended).toMatchObject({ outcome: 'error', error: { code: -32800, message: expect.stringMatching(/closed the response stream .*at gateway replica \S+, which passed the retry on.*the upstream MCP server was told to stop/) } });
  }, 120_000);

  test('the replica holding the round is gone: the retry through B gets at once a clear error (the round cannot be resumed), recorded', async () => {
    const [A, B] = [gateways[0]!, gateways[1]!.url];
    const own = await grant();
    const state = await startRound(A.url, own.token, 31);
    await A.process.stop('SIGKILL');

    const retry = await answerRound(B, own.token, 32, state, 'Jane Roe');
    expect(retry.status).toBe(200);
    expect(retry.json?.error).toMatchObject({ code: -31061, message: expect.stringContaining('the round cannot be resumed') });
    expect(retry.json?.error?.message).toContain('Send the request again without requestState');
    const entries = await recording(own.requestId);
    expect(entries.find((e) => e.type === 'request' && e.messageId === 32)).toMatchObject({ verdict: 'deny', reason: expect.stringContaining('cannot be resumed') });
    expect(entries.filter((e) => e.type === 'response' && e.messageId === 32)).toEqual([expect.objectContaining({ outcome: 'error', error: expect.objectContaining({ code: -31061 }) })]);
    // The note of the lost round is gone with it: the same state again is simply unknown.
    const again = await answerRound(B, own.token, 33, state, 'Jane Roe');
    expect(again.json?.error).toMatchObject({ code: -32602 });
  }, 120_000);
});

// The same for an approved held command whose 2025-era upstream asks for input once it runs: the
// round (the gateway's gh2. state) waits where the approved run was forwarded, and its answer may
// land on the other replica. Real workflow (the harness's worker, its keys shared with both
// gateway processes), Redis, two `gatehouse gateway` processes.
const HELD_CONFIG = `
version: 1
defaults: { maxDuration: 1h, approvalTimeout: 30s, commandApprovalTimeout: 60s, expiringSoonWarning: 1s }
groups:
  approvers: [alice@example.org, bob@example.org]
targets:
  - name: clinical
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: [${TOOL}]
      sqlArguments: [message]
      approvalTimeout: 60s
      maxHeld: 5
`;

describe('an approved held command\'s input round answered through another replica', () => {
  let h: Harness;
  let replicas: GatewayReplicas;

  beforeAll(async () => {
    const keys = { vault: randomBytes(32), token: randomBytes(32) };
    h = await startHarness({ config: testConfig(HELD_CONFIG), keys });
    replicas = await startGatewayReplicas(HELD_CONFIG, undefined, { keys, env: { TEMPORAL_TASK_QUEUE: h.taskQueue } });
  }, 180_000);
  afterAll(async () => {
    await replicas?.stop();
    await h?.close();
  });

  test('held on A, run on B (where its upstream asks), answered through A: B finishes it once; a replay answers nothing', async () => {
    const [A, B] = [replicas.gateways[0]!.url, replicas.gateways[1]!.url];
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 5 * 60_000, reason: 'release after review' });
    await h.access.approve(requestId, 'alice@example.org');
    const token = h.grants.tokenFor((await waitForState(h.access, requestId, 'ACTIVE')).grantId!);
    const args = { message: 'UPDATE clinical.phi.patients SET consent = true' };
    const call = (url: string, id: number, params: Record<string, unknown> = {}) => modernPost(url, 'clinical', token, { id, method: 'tools/call', params: { name: TOOL, arguments: args, ...params } }, { capabilities });

    const held = await call(A, 1);
    expect(held.json?.result).toMatchObject({ resultType: 'input_required', requestState: expect.stringMatching(/^gh1\./) });
    const status = await waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.outcome === 'pending'));
    const { commandId } = status.commands.find((c) => c.outcome === 'pending')!;
    await h.access.decideCommand(requestId, commandId, 'bob@example.org', true);
    await eventually(() => h.grants.commandBoard().decision(commandId), 'the decision announced to the gateways');

    // The approved run goes to B; its upstream asks; the round is B's.
    const run = await call(B, 2, { requestState: held.json!.result!.requestState, inputResponses: { gatehouse_approval: { action: 'accept', content: {} } } });
    expect(run.json?.result).toMatchObject({ resultType: 'input_required', requestState: expect.stringMatching(/^gh2\./), inputRequests: { elicitation: { method: 'elicitation/create' } } });
    const roundState = run.json!.result!.requestState as string;
    const answer = { elicitation: { action: 'accept', content: { name: 'Jane Roe', check: true, email: 'jane@example.org' } } };

    const finished = await call(A, 3, { requestState: roundState, inputResponses: answer });
    expect(finished.json?.result).toMatchObject({ resultType: 'complete' });
    expect(JSON.stringify(finished.json?.result)).toContain('User provided the requested information');
    for (const [url, id] of [[A, 4], [B, 5]] as const) {
      const replay = await call(url, id, { requestState: roundState, inputResponses: answer });
      expect(replay.json?.error).toMatchObject({ code: -32602 });
    }

    const entries = (await replicas.redis.xrange(`gatehouse:recording:${requestId}`, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as Entry & { commandId?: string });
    const requests = entries.filter((e) => e.type === 'request' && e.commandId === commandId).map((e) => e.reason);
    expect(requests).toEqual([
      expect.stringContaining(`held as ${commandId}`),
      expect.stringContaining(`approved, runs once as ${commandId}`),
      expect.stringMatching(new RegExp(`approved command ${commandId} goes on with the client's answer.*received by gateway replica \\S+, which passed it to this one`)),
    ]);
    expect(entries.filter((e) => e.type === 'response' && e.messageId === 3)).toEqual([expect.objectContaining({ outcome: 'ok' })]);
    expect((await h.access.status(requestId)).commands.map((c) => c.commandId)).toEqual([commandId]);
    await h.access.revoke(requestId, 'carol@example.org', 'test over').catch(() => undefined);
  }, 180_000);
});
