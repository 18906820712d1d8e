// The client-facing SSE event store writes only what a client could ever ask for again
// (proxy/event-store.ts): a priming event costs no Redis write and still resumes; an answer that
// opens its stream is sent without an id and not stored; a kept answer's event is written in the
// same Redis script as its record (never without it). Real Redis; the gateway process as deployed
// (events on, auto-pipelined Redis) for the end-to-end cases, including a sealed recording and a
// Redis that stops mid-call.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type IncomingMessage } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { connectRedis, GrantStore, newGrantId, newRequestId, RedisSecretVault, waitForRedis, type Redis } from '../../lib';
import { RecordingLog, recordingKey } from '../../audit';
import { startRedisServer, type RedisServer } from '../../devstack';
import { parseConfig } from '../../policy';
import { startGatewayProcess, type RunningGateway } from '../../proxy';
import { RedisEventStore } from '../../proxy/event-store';
import { eventually, GATEWAY_TEST_CONFIG, initializeBody, rawPost, testRedisUrl } from './support';

const answer = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: `answer ${id}` }] } });
const progress: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: 1 } };

describe('RedisEventStore: only events a client can resume to are written', () => {
  let redis: Redis;
  let writes: string[];
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
  });
  afterAll(() => redis.disconnect());

  /** A store whose Redis writes (MULTI ... EXEC) are counted. */
  function store(): RedisEventStore {
    writes = [];
    const counting = new Proxy(redis, {
      get(target, prop, receiver) {
        if (prop === 'multi') return () => { writes.push('multi'); return target.multi(); };
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    return new RedisEventStore(counting, 60_000);
  }

  async function replay(events: RedisEventStore, lastEventId: string): Promise<{ streamId: string; sent: JSONRPCMessage[] }> {
    const sent: JSONRPCMessage[] = [];
    const streamId = await events.replayEventsAfter(lastEventId, { send: async (_id, message) => { sent.push(message); } });
    return { streamId, sent };
  }

  test('an answer that opens its stream is not stored and gets no id (a plain call: no Redis write)', async () => {
    const events = store();
    for (let i = 0; i < 20; i++) expect(await events.storeEvent(randomUUID(), answer(i))).toBeUndefined();
    expect(writes).toEqual([]);
  });

  test('a priming event is not written, names its stream, and the answer after it is replayed from its id', async () => {
    const events = store();
    const stream = randomUUID();
    const priming = await events.storeEvent(stream, {} as JSONRPCMessage);
    expect(priming).toMatch(/^[A-Za-z0-9_-]{16}_p[A-Za-z0-9_-]+$/);
    expect(writes).toEqual([]);
    expect(await events.getStreamIdForEventId(priming)).toBe(stream);
    const id = await events.storeEvent(stream, answer(7));
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}_\d+-\d+$/);
    expect(writes).toHaveLength(1);
    // Another stream's events are not replayed on this one.
    await events.storeEvent(randomUUID(), {} as JSONRPCMessage);
    expect(await replay(events, priming)).toEqual({ streamId: stream, sent: [answer(7)] });
  });

  test('after a notification with an id, the answer on the same stream is stored and replayed', async () => {
    const events = store();
    const stream = randomUUID();
    const first = await events.storeEvent(stream, progress);
    await events.storeEvent(stream, answer(3));
    expect(writes).toHaveLength(2);
    expect(await replay(events, first)).toEqual({ streamId: stream, sent: [answer(3)] });
  });

  test('a response whose recording the store carries: its event goes with the record (no MULTI of its own); no record, no event', async () => {
    const events = store();
    const stream = randomUUID();
    const priming = await events.storeEvent(stream, {} as JSONRPCMessage);
    const recorded: { key: string; fields: string[] }[] = [];
    const kept = answer(8);
    events.carry(kept, async (event) => {
      recorded.push(event!);
      return (await redis.multi().xadd(event!.key, '*', ...event!.fields).pexpire(event!.key, event!.ttlMs).exec())![0]![1];
    });
    const id = await events.storeEvent(stream, kept);
    expect(writes).toEqual([]);
    expect(recorded).toHaveLength(1);
    expect(events.release(kept)).toBe(false);
    expect(await replay(events, priming)).toEqual({ streamId: stream, sent: [answer(8)] });
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}_\d+-\d+$/);

    // The recording fails: storeEvent fails (the transport then writes nothing) and nothing is replayable.
    const refused = answer(9);
    events.carry(refused, () => Promise.reject(new Error('RECORDING_SEALED')));
    await expect(events.storeEvent(stream, refused)).rejects.toThrow(/RECORDING_SEALED/);
    expect((await replay(events, priming)).sent).toEqual([answer(8)]);

    // A response that opens its stream keeps no event: the recording is still written, alone.
    let alone: unknown = 'not called';
    const plain = answer(10);
    events.carry(plain, async (event) => { alone = event; return 'x'; });
    expect(await events.storeEvent(randomUUID(), plain)).toBeUndefined();
    expect(alone).toBeUndefined();
    // Only that very object carries it: an equal message from elsewhere does not.
    const twin = answer(11);
    events.carry(answer(11), () => Promise.reject(new Error('must not run')));
    await expect(events.storeEvent(stream, twin)).resolves.toMatch(/_\d+-\d+$/);
  });

  test('a priming id of another session, a forged or malformed one, replays nothing', async () => {
    const mine = store();
    const theirs = store();
    const stream = randomUUID();
    const foreign = await theirs.storeEvent(stream, {} as JSONRPCMessage);
    await theirs.storeEvent(stream, answer(1));
    expect(await mine.getStreamIdForEventId(foreign)).toBeUndefined();
    await expect(replay(mine, foreign)).rejects.toThrow(/unknown Last-Event-ID/);
    for (const forged of ['', '_p', `${'A'.repeat(16)}_p`, `${'A'.repeat(16)}_p${'A'.repeat(300)}`, '../../etc', `${foreign}\n`]) {
      expect(await mine.getStreamIdForEventId(forged)).toBeUndefined();
      await expect(replay(mine, forged)).rejects.toThrow(/unknown Last-Event-ID/);
    }
  });
});

/** Opens a request and returns its response; the caller reads or destroys it. */
function open(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, resolve);
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** Reads SSE events until one satisfies `until`; returns every event read. */
async function readEvents(res: IncomingMessage, until: (e: { id?: string; data: string }) => boolean): Promise<{ id?: string; data: string }[]> {
  const seen: { id?: string; data: string }[] = [];
  let buffer = '';
  let current: { id?: string; data: string } = { data: '' };
  res.setEncoding('utf8');
  for await (const chunk of res as AsyncIterable<string>) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (current.data || current.id) seen.push(current);
        const done = seen.length > 0 && until(seen[seen.length - 1]!);
        current = { data: '' };
        if (done) return seen;
      } else if (line.startsWith('id:')) current.id = line.slice(3).trim();
      else if (line.startsWith('data:')) current.data += line.slice(5).trim();
    }
  }
  return seen;
}

type GatewayKeys = { GATEHOUSE_ENCRYPTION_KEY: string; GATEHOUSE_GRANT_TOKEN_KEY: string };

/** An active grant on `everything` (its credential in the vault); its token and access request. */
async function activeGrant(redis: Redis, keys: GatewayKeys): Promise<{ token: string; requestId: string }> {
  const grants = new GrantStore(redis, Buffer.from(keys.GATEHOUSE_GRANT_TOKEN_KEY, 'base64'));
  const vault = new RedisSecretVault(redis, Buffer.from(keys.GATEHOUSE_ENCRYPTION_KEY, 'base64'));
  const requestId = newRequestId();
  const grantId = newGrantId();
  await vault.put(`cred_${requestId}`, 'not-a-real-key', 120_000);
  await grants.activate({ grantId, requestId, target: 'everything', subject: 'carol@example.org', principal: 'GH_X', credentialRef: `cred_${requestId}`, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 120_000).toISOString() });
  return { token: grants.tokenFor(grantId), requestId };
}

/** An initialized session of `protocolVersion`: the headers of its later requests. */
async function openSession(url: string, protocolVersion: string, token: string): Promise<Record<string, string>> {
  const init = await rawPost(url, 'everything', { ...initializeBody(), params: { ...initializeBody().params, protocolVersion } }, { authorization: `Bearer ${token}` });
  const headers = { authorization: `Bearer ${token}`, 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': protocolVersion, accept: 'application/json, text/event-stream' };
  (await open(`${url}/mcp/everything`, 'POST', headers, { jsonrpc: '2.0', method: 'notifications/initialized' })).resume();
  return headers;
}

/** A call that answers after `seconds` (server-everything's long-running operation), as request `id`. */
const slowCall = (id: number, seconds: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'trigger-long-running-operation', arguments: { duration: seconds, steps: 1 } } });
const COMPLETED = 'Long running operation completed';

/** Waits until the request entry of message `id` is in the recording (it is written before forwarding). */
async function requestRecorded(redis: Redis, requestId: string, id: number): Promise<void> {
  await eventually(async () => (await new RecordingLog(redis).read(requestId)).some((r) => r.entry.type === 'request' && (r.entry as { messageId?: unknown }).messageId === id), `request ${id} to be recorded`);
}

describe('gateway (events on, as deployed): SSE ids only where they can be used', () => {
  let gateway: RunningGateway;
  let redis: Redis;
  let token: string;
  const keys = { GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    gateway = await startGatewayProcess({
      env: { ...keys, REDIS_URL: testRedisUrl(), TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:1', GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS!, LOG_LEVEL: 'silent' },
      port: 0, config: parseConfig(GATEWAY_TEST_CONFIG),
    });
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    ({ token } = await activeGrant(redis, keys));
  });
  afterAll(async () => {
    redis?.disconnect();
    await gateway?.close();
  });

  async function session(protocolVersion: string, as = token): Promise<Record<string, string>> {
    return openSession(gateway.url, protocolVersion, as);
  }

  test('a 2025-06-18 client\'s plain call: its answer comes without an event id (nothing to resume, nothing stored)', async () => {
    const headers = await session('2025-06-18');
    const res = await open(`${gateway.url}/mcp/everything`, 'POST', headers, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hello' } } });
    const seen = await readEvents(res, (e) => e.data.includes('"id":2'));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.id).toBeUndefined();
    expect(seen[0]!.data).toContain('hello');
  });

  test('a 2025-11-25 client whose stream drops after the priming event gets the answer by Last-Event-ID', async () => {
    const headers = await session('2025-11-25');
    const url = `${gateway.url}/mcp/everything`;
    const call = await open(url, 'POST', headers, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 1 } } });
    const [priming] = await readEvents(call, (e) => !!e.id);
    expect(priming!.id).toMatch(/_p[A-Za-z0-9_-]+$/);
    call.destroy();
    // 409 until the gateway has seen the old connection go (the stream is still mapped).
    const resumed = await eventually(async () => {
      const res = await open(url, 'GET', { ...headers, accept: 'text/event-stream', 'last-event-id': priming!.id! });
      if (res.statusCode === 409) res.resume();
      return res.statusCode === 409 ? undefined : res;
    }, 'the dropped stream to be let go');
    expect(resumed.statusCode).toBe(200);
    const replayed = await readEvents(resumed, (e) => e.data.includes('"id":3'));
    expect(replayed[replayed.length - 1]!.data).toContain('Long running operation completed');
    resumed.destroy();
  });

  test('a kept answer is written to Redis once: its event refers to its recording entry (no second copy of the result), and replay rebuilds it', async () => {
    const grant = await activeGrant(redis, keys);
    const headers = await session('2025-11-25', grant.token);
    const url = `${gateway.url}/mcp/everything`;
    const big = `10 KB ${'x'.repeat(10_000)}`;
    const call = await open(url, 'POST', headers, { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'echo', arguments: { message: big } } });
    const sent = await readEvents(call, (e) => e.data.includes('"id":6'));
    const priming = sent[0]!.id!;
    expect(sent[sent.length - 1]!.data).toContain(big);
    // The priming id names the call's stream (tag, `_p`, the stream id in base64url).
    const stream = Buffer.from(priming.slice(18), 'base64url').toString('utf8');
    const all = await redis.xrange(`gatehouse:sse:${priming.slice(0, 16)}`, '-', '+');
    expect(JSON.stringify(all)).not.toContain(big);
    const events = all.filter(([, f]) => f[1] === stream);
    expect(events).toHaveLength(1);
    const [, fields] = events[0]!;
    expect(fields).toEqual(['s', stream, 'r', expect.stringMatching(/^\d+-\d+$/)]);
    const [entry] = await redis.xrange(recordingKey(grant.requestId), fields[3]!, fields[3]!);
    expect(JSON.parse(entry![1][1]!)).toMatchObject({ type: 'response', messageId: 6, outcome: 'ok' });
    expect(entry![1][1]).toContain(big);
    // A client that lost the answer gets the same message back from the recording entry.
    const resumed = await open(url, 'GET', { ...headers, accept: 'text/event-stream', 'last-event-id': priming });
    const replayed = await readEvents(resumed, (e) => e.data.includes('"id":6'));
    resumed.destroy();
    expect(JSON.parse(replayed[replayed.length - 1]!.data)).toEqual(JSON.parse(sent[sent.length - 1]!.data));
  });

  test('the recording closes while a call runs: the answer is withheld, and resuming from the priming id replays the refusal, never the result', async () => {
    // A hostile agent drops its stream hoping to fetch, by Last-Event-ID, an answer the recording never took.
    const grant = await activeGrant(redis, keys);
    const headers = await session('2025-11-25', grant.token);
    const url = `${gateway.url}/mcp/everything`;
    const call = await open(url, 'POST', headers, slowCall(4, 3));
    const [priming] = await readEvents(call, (e) => !!e.id);
    call.destroy();
    await requestRecorded(redis, grant.requestId, 4);
    await new RecordingLog(redis).seal(grant.requestId);
    const resumed = await eventually(async () => {
      const res = await open(url, 'GET', { ...headers, accept: 'text/event-stream', 'last-event-id': priming!.id! });
      if (res.statusCode === 409) res.resume();
      return res.statusCode === 409 ? undefined : res;
    }, 'the dropped stream to be let go');
    const replayed = await readEvents(resumed, (e) => e.data.includes('"id":4'));
    resumed.destroy();
    const answer = JSON.parse(replayed[replayed.length - 1]!.data) as { error?: { code: number; message: string } };
    expect(answer.error).toMatchObject({ code: -31020, message: expect.stringContaining('could not be recorded') });
    expect(replayed.map((e) => e.data).join('\n')).not.toContain(COMPLETED);
    // Nor is the result anywhere in the session's stored events.
    const tag = priming!.id!.slice(0, 16);
    expect(JSON.stringify(await redis.xrange(`gatehouse:sse:${tag}`, '-', '+'))).not.toContain(COMPLETED);
  });
});

describe('gateway as deployed (auto-pipelined Redis): Redis stops while a call runs', () => {
  let server: RedisServer;
  let gateway: RunningGateway;
  let redis: Redis;
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-pipelined-'));
  const keys = { GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    server = await startRedisServer({ dataDir });
    gateway = await startGatewayProcess({
      env: { ...keys, REDIS_URL: server.url, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:1', GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS!, LOG_LEVEL: 'silent' },
      port: 0, config: parseConfig(GATEWAY_TEST_CONFIG),
    });
    redis = connectRedis(server.url);
    redis.on('error', () => undefined);
    await waitForRedis(redis);
  });
  afterAll(async () => {
    redis?.disconnect();
    await gateway?.close();
    await server?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  // 2025-11-25: the answer's record and event would be one script; 2025-06-18: the record alone. Either way the
  // refusal still reaches the client (an error carries no data: sent without an event id when Redis cannot keep it).
  test.each(['2025-06-18', '2025-11-25'])('a %s client: the answer that could not be recorded is withheld, and the client is told', async (protocolVersion) => {
    const grant = await activeGrant(redis, keys);
    const headers = await openSession(gateway.url, protocolVersion, grant.token);
    const call = await open(`${gateway.url}/mcp/everything`, 'POST', headers, slowCall(5, 2));
    await requestRecorded(redis, grant.requestId, 5);
    await server.stop();
    const seen = await readEvents(call, (e) => e.data.includes('"id":5'));
    expect(seen.map((e) => e.data).join('\n')).not.toContain(COMPLETED);
    expect(JSON.parse(seen[seen.length - 1]!.data)).toMatchObject({ id: 5, error: { code: -31020, message: expect.stringContaining('could not be recorded') } });
    server = await startRedisServer({ dataDir, port: server.port! });
    await waitForRedis(redis, 15_000);
  });
});
