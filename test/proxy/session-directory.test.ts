import { randomBytes, randomUUID } from 'node:crypto';
import { ClientTransport } from '../../proxy/client-transport';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';
import { connectRedis, waitForRedis, type Redis } from '../../lib';
import { SessionDirectory, type SessionMoved, type SessionRecord } from '../../proxy/session-directory';
import { initializeParams, reinitializeUpstream, resumedStart } from '../../proxy/session-resume';
import { eventually } from '../support/eventually';
import { testRedisUrl } from './support';

const record = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  sessionId: randomUUID(), target: 'everything', grantId: 'grt_1', requestId: 'req_1', tokenHash: randomBytes(32).toString('hex'), subject: 'carol@example.org',
  initialize: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } }, events: 'AAAAAAAAAAAAAAAA', startedAt: new Date().toISOString(), ...over,
});

describe('SessionDirectory (real Redis)', () => {
  let redis: Redis;
  let subscriber: Redis;
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    subscriber = connectRedis(testRedisUrl());
    await Promise.all([waitForRedis(redis), waitForRedis(subscriber)]);
  });
  afterAll(() => {
    redis?.disconnect();
    subscriber?.disconnect();
  });

  test('save, find, claim by another gateway (its previous holder hears it), forget', async () => {
    const a = new SessionDirectory(redis, 'gateway-a');
    const b = new SessionDirectory(redis, 'gateway-b');
    const heard: SessionMoved[] = [];
    await a.listen(subscriber, (event) => heard.push(event));
    const r = record();
    await a.save(r, 60_000);
    expect(await b.find(r.sessionId)).toEqual(r);
    // Its own claim tells nobody; another gateway's claim tells the holder.
    expect(await a.claim(r.sessionId, 60_000)).toEqual(r);
    expect(await b.claim(r.sessionId, 60_000)).toEqual(r);
    await eventually(() => heard.length === 1 || undefined, 'the holder to hear that the session moved');
    expect(heard).toEqual([{ sessionId: r.sessionId, owner: 'gateway-b' }]);
    expect(await redis.hget(`gatehouse:mcp-session:${r.sessionId}`, 'owner')).toBe('gateway-b');
    // The old holder ending its copy late (idle sweep racing the takeover) does not end the new holder's session.
    await a.forget(r.sessionId);
    expect(await b.find(r.sessionId)).toEqual(r);
    await b.forget(r.sessionId);
    expect(await a.find(r.sessionId)).toBeUndefined();
    expect(await a.claim(r.sessionId, 60_000)).toBeUndefined();
    // A claim of an ended session creates nothing.
    expect(await redis.exists(`gatehouse:mcp-session:${r.sessionId}`)).toBe(0);
  });

  test('bad input: ids that are not UUIDs are never looked up; a corrupted record is no record; an oversized one is refused', async () => {
    const d = new SessionDirectory(redis, 'gateway-a');
    for (const id of ['*', '', 'gatehouse:*', `${randomUUID()} `, randomUUID().toUpperCase()]) {
      expect(await d.find(id)).toBeUndefined();
      expect(await d.claim(id, 60_000)).toBeUndefined();
    }
    const id = randomUUID();
    await redis.hset(`gatehouse:mcp-session:${id}`, 'record', '{not json', 'owner', 'x');
    expect(await d.find(id)).toBeUndefined();
    await redis.hset(`gatehouse:mcp-session:${id}`, 'record', JSON.stringify({ sessionId: id }));
    expect(await d.find(id)).toBeUndefined();
    await redis.del(`gatehouse:mcp-session:${id}`);
    const big = record({ initialize: { clientInfo: { name: 'x'.repeat(40_000) } } });
    await expect(d.save(big, 60_000)).rejects.toThrow(/larger than 32768 bytes/);
    expect(await redis.exists(`gatehouse:mcp-session:${big.sessionId}`)).toBe(0);
  });

  test('touch refreshes the expiry at most once per tenth of the idle time', async () => {
    const calls: string[] = [];
    const counting = new Proxy(redis, {
      get(target, prop, receiver) {
        if (prop === 'pexpire') calls.push('pexpire');
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const d = new SessionDirectory(counting, 'gateway-a');
    const r = record();
    await d.save(r, 600_000);
    calls.length = 0;
    d.touch(r.sessionId, 600_000);
    d.touch(r.sessionId, 600_000);
    expect(calls).toEqual([]);
    d.release(r.sessionId);
    d.touch(r.sessionId, 600_000);
    d.touch(r.sessionId, 600_000);
    expect(calls).toEqual(['pexpire']);
    await d.forget(r.sessionId);
  });
});

describe('session-resume', () => {
  test('a fresh client transport adopts a session; a transport that has a session already refuses to', () => {
    const transport = new ClientTransport({ sessionIdGenerator: () => randomUUID() });
    const id = randomUUID();
    transport.adopt(id);
    expect(transport.sessionId).toBe(id);
    expect(() => transport.adopt(randomUUID())).toThrow(/has a session already/);
  });

  /** An upstream double: answers initialize with `answer` (or never), records what it was sent. */
  function upstream(answer?: (id: string | number) => JSONRPCMessage): Transport & { sent: JSONRPCMessage[] } {
    const t: Transport & { sent: JSONRPCMessage[] } = {
      sent: [],
      start: () => Promise.resolve(),
      close: () => Promise.resolve(),
      send(message: JSONRPCMessage) {
        t.sent.push(message);
        if ('method' in message && message.method === 'initialize' && 'id' in message && answer) {
          // Noise first: a log notification and an answer to another id are not the handshake's.
          setImmediate(() => {
            t.onmessage?.({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } });
            t.onmessage?.({ jsonrpc: '2.0', id: 'other', result: {} });
            t.onmessage?.(answer(message.id));
          });
        }
        return Promise.resolve();
      },
    };
    return t;
  }

  test('reinitializeUpstream sends the client\'s params, waits for its own answer, then initialized; refuses an error or silence', async () => {
    const params = { protocolVersion: '2025-06-18', capabilities: { roots: {} }, clientInfo: { name: 'c', version: '1' } };
    const ok = upstream((id) => ({ jsonrpc: '2.0', id, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } }));
    await reinitializeUpstream(ok, params, 30_000);
    expect(ok.sent.map((m) => ('method' in m ? m.method : ''))).toEqual(['initialize', 'notifications/initialized']);
    expect((ok.sent[0] as { params: unknown }).params).toEqual(params);
    expect(String((ok.sent[0] as { id: unknown }).id)).toMatch(/^gatehouse-resume-/);

    const refusing = upstream((id) => ({ jsonrpc: '2.0', id, error: { code: -32602, message: 'unsupported protocol version' } }));
    await expect(reinitializeUpstream(refusing, params, 30_000)).rejects.toThrow(/refused initialize: unsupported protocol version/);
    expect(refusing.sent).toHaveLength(1);
    await expect(reinitializeUpstream(upstream(), params, 50)).rejects.toThrow(/did not answer initialize/);
  });

  test('initializeParams and resumedStart', () => {
    expect(initializeParams({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'n', version: 'v' } } }))
      .toEqual({ protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'n', version: 'v' } });
    expect(initializeParams({ jsonrpc: '2.0', id: 1, method: 'ping' })).toEqual({});
    expect(initializeParams('garbage')).toEqual({});
    const r = record();
    expect(resumedStart(r)).toEqual({ sessionId: r.sessionId, grantId: 'grt_1', subject: 'carol@example.org', target: 'everything', transport: 'streamable-http', resumed: true, client: { name: 'c', version: '1' } });
    expect(resumedStart(record({ initialize: { clientInfo: { name: 7 } } })).client).toBeUndefined();
  });
});

