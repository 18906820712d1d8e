import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_LEVEL_META_KEY, type CallToolResult, type Progress } from '@modelcontextprotocol/client';
import type { MaskContext, ResponseMasker } from '../../proxy';
import { connectV2, envelope, MODERN } from './modern-support';
import { eventually, everythingServer, startTestGateway, TestMasker, type TestGateway } from './support';

// A 2026-07-28 request answered with an SSE stream: the request's progress and log lines, masked
// like results, then its answer; the client closing the stream (or sending notifications/cancelled)
// cancels the upstream call, and the record says so. The v2 client in modern mode through the real
// gateway, against a modern upstream (the v2 SDK: fixtures/streaming-upstream.ts) and a 2025 one
// (server-everything).
const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
const streamingUpstream = join(__dirname, 'fixtures/streaming-upstream.ts');
const SSN = '123-45-6789';

/** The test masker, with a switch that makes it fail on notifications (to show they are dropped, never passed on). */
class SwitchableMasker extends TestMasker {
  failNotifications = false;
  override mask<T>(value: T, context: MaskContext) {
    if (this.failNotifications && context.part === 'notification') throw new Error('the masking engine failed');
    return super.mask(value, context);
  }
}

function upstreamLog(file: string): { tag: string; event: string }[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { tag: string; event: string });
  } catch {
    return [];
  }
}

/** A raw modern POST whose answer is read as it comes (SSE events or one JSON body). */
async function rawModern(url: string, token: string, id: number | string, method: string, params: Record<string, unknown>, accept = 'application/json, text/event-stream') {
  const name: Record<string, string> = typeof params.name === 'string' ? { 'mcp-name': params.name } : {};
  const res = await fetch(`${url}/mcp/streaming`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token}`, 'mcp-protocol-version': MODERN, 'mcp-method': method, ...name },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: { ...(params._meta as object | undefined), ...envelope() } } }),
  });
  const text = await res.text();
  const events = res.headers.get('content-type')?.startsWith('text/event-stream')
    ? text.split('\n\n').filter((e) => e.includes('data: ')).map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as Record<string, unknown>)
    : [JSON.parse(text) as Record<string, unknown>];
  return { status: res.status, contentType: res.headers.get('content-type'), events, text };
}

async function notifyCancelled(url: string, token: string, requestId: number | string) {
  const res = await fetch(`${url}/mcp/streaming`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': MODERN, 'mcp-method': 'notifications/cancelled' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'test', _meta: envelope() } }),
  });
  await res.text();
  return res.status;
}

describe('2026-07-28 answers as SSE streams: progress and log lines masked, then the result; cancelling cancels upstream', () => {
  let gw: TestGateway;
  let dir: string;
  let logFile: string;
  const masker = new SwitchableMasker();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-streaming-'));
    logFile = join(dir, 'upstream.log');
    gw = await startTestGateway({
      config: `
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: streaming
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify([tsx, streamingUpstream])}, env: { STREAMING_UPSTREAM_LOG: ${JSON.stringify(logFile)} } }
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
  - name: everything
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
`,
      masker: (): ResponseMasker => masker,
      limits: { upstreamTimeoutMs: 60_000 },
    });
  }, 90_000);
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    masker.failNotifications = false;
  });

  test('a modern upstream: the v2 client hears each progress step and log line, PHI masked in both, then the result; the record holds no PHI', async () => {
    const { token, grant } = await gw.grant('streaming');
    const { client } = await connectV2(gw.url, 'streaming', token, { era: 'modern' });
    expect(client.getProtocolEra()).toBe('modern');
    const logs: unknown[] = [];
    client.setNotificationHandler('notifications/message', (n) => {
      logs.push(n.params);
    });
    const progress: Progress[] = [];
    const result = await client.callTool(
      { name: 'read_chart', arguments: { mrn: 'MRN-0012345', steps: 3 }, _meta: { [LOG_LEVEL_META_KEY]: 'info' } },
      { onprogress: (p) => progress.push(p) },
    ) as CallToolResult;
    expect(result.content).toEqual([{ type: 'text', text: 'read 3 parts of chart [MRN]' }]);
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
    expect(progress[0]).toMatchObject({ total: 3, message: 'reading [MRN] (SSN [SSN]): part 1 of 3' });
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatchObject({ level: 'info', logger: 'chart-reader', data: 'opened chart [MRN] of patient [SSN], part 1' });
    expect(JSON.stringify([progress, logs, result])).not.toMatch(/123-45-6789|MRN-0012345/);
    // Recorded as a 2025 session records: the request before it went, the masked answer, and what masking found on the stream too.
    const entries = gw.recorder.of(grant.requestId);
    const response = entries.find((e) => e.type === 'response' && (e.result as { content?: unknown } | undefined)?.content !== undefined && JSON.stringify(e.result).includes('read 3 parts'));
    expect(response).toMatchObject({ outcome: 'ok' });
    // 1 MRN in the result, then per step 1 MRN + 1 SSN in the log line and 1 + 1 in the progress message.
    const counted = Object.fromEntries((response!.masked as { type: string; count: number }[]).map((m) => [m.type, m.count]));
    expect(counted).toMatchObject({ MRN: 7, SSN: 6 });
    expect(JSON.stringify(entries)).not.toMatch(/123-45-6789|MRN-0012345/);
    await client.close();
  });

  test('raw: an SSE answer carries the notifications first and the result last; a client that takes JSON only gets one JSON body and no notifications', async () => {
    const { token } = await gw.grant('streaming');
    const params = { name: 'read_chart', arguments: { mrn: 'MRN-0099999', steps: 2 }, _meta: { progressToken: 'p-1', [LOG_LEVEL_META_KEY]: 'debug' } };
    const streamed = await rawModern(gw.url, token, 11, 'tools/call', params);
    expect(streamed.contentType).toMatch(/^text\/event-stream/);
    expect(streamed.events.map((e) => e.method ?? 'answer')).toEqual(['notifications/message', 'notifications/progress', 'notifications/message', 'notifications/progress', 'answer']);
    // The client's own progress token comes back (the upstream was given the gateway's).
    expect(streamed.events[1]).toMatchObject({ params: { progressToken: 'p-1', progress: 1 } });
    expect(streamed.events[4]).toMatchObject({ id: 11, result: { resultType: 'complete', content: [{ type: 'text', text: 'read 2 parts of chart [MRN]' }] } });
    expect(streamed.text).not.toMatch(/123-45-6789|MRN-0099999/);
    const plain = await rawModern(gw.url, token, 12, 'tools/call', params, 'application/json');
    expect(plain.contentType).toMatch(/^application\/json/);
    expect(plain.events).toHaveLength(1);
    expect(plain.events[0]).toMatchObject({ id: 12, result: { resultType: 'complete' } });
  });

  test('hostile: a notification that cannot be masked is dropped, never passed on; the answer still comes', async () => {
    const { token } = await gw.grant('streaming');
    masker.failNotifications = true;
    const streamed = await rawModern(gw.url, token, 21, 'tools/call', { name: 'read_chart', arguments: { mrn: 'MRN-0012345', steps: 2 }, _meta: { progressToken: 'p', [LOG_LEVEL_META_KEY]: 'info' } });
    expect(streamed.events).toHaveLength(1);
    expect(streamed.events[0]).toMatchObject({ id: 21, result: { content: [{ type: 'text', text: 'read 2 parts of chart [MRN]' }] } });
    expect(streamed.text).not.toContain(SSN);
  });

  test('a 2025 upstream (server-everything): its progress reaches the modern client on the stream', async () => {
    const { token } = await gw.grant('everything');
    // server-everything asks roots/list 350 ms after it starts; landing in this call it is an input round (see notes): answered.
    const { client } = await connectV2(gw.url, 'everything', token, { era: 'modern', capabilities: { roots: {} } });
    client.setRequestHandler('roots/list', () => ({ roots: [] }));
    const progress: Progress[] = [];
    const result = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, { onprogress: (p) => progress.push(p) }) as CallToolResult;
    expect(JSON.stringify(result.content)).toContain('Long running operation completed');
    // The upstream's steps, in order (a step sent while the call waited on the roots round above has no stream to go to).
    const steps = progress.filter((p) => p.total === 3).map((p) => p.progress);
    expect(steps.length).toBeGreaterThan(0);
    expect(steps).toEqual([1, 2, 3].filter((n) => steps.includes(n)));
    if (progress.length === steps.length) expect(steps).toEqual([1, 2, 3]);
    await client.close();
  });

  test('the v2 client cancelling (it closes the stream): the upstream call is cancelled and the cancellation recorded', async () => {
    const { token, grant } = await gw.grant('streaming');
    const { client } = await connectV2(gw.url, 'streaming', token, { era: 'modern' });
    const abort = new AbortController();
    const call = client.callTool({ name: 'wait_for_cancel', arguments: { tag: 'closed-stream' } }, { signal: abort.signal });
    const outcome = call.then(() => 'answered', () => 'rejected');
    await eventually(() => upstreamLog(logFile).some((e) => e.tag === 'closed-stream' && e.event === 'started'), 'the upstream started the call');
    abort.abort();
    expect(await outcome).toBe('rejected');
    await eventually(() => upstreamLog(logFile).some((e) => e.tag === 'closed-stream' && e.event === 'cancelled'), 'the upstream saw the cancellation');
    const recorded = await eventually(() => gw.recorder.of(grant.requestId).find((e) => e.type === 'response' && (e.error as { code?: number } | undefined)?.code === -32800), 'the cancellation in the record');
    expect((recorded.error as { message: string }).message).toMatch(/closed the response stream.*told to stop/);
    // The call's request entry came first: it was forwarded with a record.
    const call2 = gw.recorder.of(grant.requestId).find((e) => e.type === 'request' && e.tool === 'wait_for_cancel');
    expect(call2).toMatchObject({ verdict: 'allow', messageId: recorded.messageId });
    await client.close();
  });

  test('subscriptions/listen against a 2026-07-28 upstream: its own listen stream is relayed (tools list_changed, a masked resources/updated); closing it ends the upstream\'s', async () => {
    const { token, grant } = await gw.grant('streaming');
    const { client } = await connectV2(gw.url, 'streaming', token, { era: 'modern' });
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true } });
    const changed: unknown[] = [];
    const updated: unknown[] = [];
    client.setNotificationHandler('notifications/tools/list_changed', (n) => {
      changed.push(n.params ?? {});
    });
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      updated.push(n.params);
    });
    const chart = `chart://patient/${SSN}`;
    const subscription = await client.listen({ toolsListChanged: true, promptsListChanged: true, resourceSubscriptions: [chart] });
    // Prompts: the upstream has none, so it is not honoured.
    expect(subscription.honoredFilter).toEqual({ toolsListChanged: true, resourceSubscriptions: [chart] });
    await client.callTool({ name: 'add_tool', arguments: { name: 'discharge_summary' } });
    await eventually(() => changed.length > 0, 'tools/list_changed on the listen stream');
    await client.callTool({ name: 'touch_chart', arguments: { uri: chart } });
    await eventually(() => updated.length > 0, 'resources/updated on the listen stream');
    expect(updated[0]).toMatchObject({ uri: 'chart://patient/[SSN]' });
    await subscription.close();
    expect(await subscription.closed).toBe('local');
    const listen = gw.recorder.of(grant.requestId).find((e) => e.type === 'request' && e.method === 'subscriptions/listen');
    const ended = await eventually(() => gw.recorder.of(grant.requestId).find((e) => e.type === 'response' && e.messageId === listen!.messageId), 'the end of the subscription in the record');
    expect(ended).toMatchObject({ outcome: 'ok', result: { delivered: { 'notifications/tools/list_changed': 1, 'notifications/resources/updated': 1 } } });
    expect(JSON.stringify(gw.recorder.of(grant.requestId))).not.toContain(SSN);
    await client.close();
  });

  test('notifications/cancelled cancels the grant\'s own request of that id; another grant\'s cannot (hostile)', async () => {
    const own = await gw.grant('streaming');
    const other = await gw.grant('streaming');
    const running = rawModern(gw.url, own.token, 77, 'tools/call', { name: 'wait_for_cancel', arguments: { tag: 'by-notification' } });
    await eventually(() => upstreamLog(logFile).some((e) => e.tag === 'by-notification' && e.event === 'started'), 'the upstream started the call');
    // Same request id, another grant: it reaches nothing.
    expect(await notifyCancelled(gw.url, other.token, 77)).toBe(202);
    expect(upstreamLog(logFile).some((e) => e.tag === 'by-notification' && e.event === 'cancelled')).toBe(false);
    expect(gw.recorder.of(own.grant.requestId).some((e) => e.type === 'response' && (e.error as { code?: number } | undefined)?.code === -32800)).toBe(false);
    expect(await notifyCancelled(gw.url, own.token, 77)).toBe(202);
    const answered = await running;
    // Still connected: it is told its request was cancelled rather than left hanging.
    expect(answered.events.at(-1)).toMatchObject({ id: 77, error: { code: -32800, message: expect.stringContaining('notifications/cancelled') } });
    await eventually(() => upstreamLog(logFile).some((e) => e.tag === 'by-notification' && e.event === 'cancelled'), 'the upstream saw the cancellation');
    expect(gw.recorder.of(own.grant.requestId).find((e) => e.type === 'response' && e.messageId === 77)).toMatchObject({ outcome: 'error', error: { code: -32800 } });
  });
});
