// The gateway's grant check is cached only as far as revocation allows (proxy/grant-cache.ts):
// an event drops the grant before the next request, a lost connection turns the cache off,
// a record removed without an event is caught within the 1 s bound. Real Redis, real gateway.
import { randomBytes } from 'node:crypto';
import RedisClient from 'ioredis';
import { RecordingLog, SessionRecorder } from '../../audit';
import { connectRedis, GrantStore, newGrantId, newRequestId, REVOCATION_CHANNEL, type GrantRecord, type Redis } from '../../lib';
import { GrantCache, GRANT_CACHE_MAX_AGE_MS } from '../../proxy/grant-cache';
import { clockPasses } from '../support/eventually';
import { connectClient, failureOf, startTestGateway, testRedisUrl, type TestGateway } from './support';

const ready = (r: Redis) => new Promise<void>((resolve) => (r.status === 'ready' ? resolve() : r.once('ready', () => resolve())));

/** Counts the reads that reach Redis. */
class CountingSource {
  reads = 0;
  constructor(private readonly store: GrantStore) {}
  lookupByHash(hash: string): Promise<GrantRecord | null> {
    this.reads += 1;
    return this.store.lookupByHash(hash);
  }
}

describe('GrantCache', () => {
  let redis: Redis;
  let subscriber: Redis;
  let store: GrantStore;
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    subscriber = connectRedis(testRedisUrl());
    for (const r of [redis, subscriber]) r.on('error', () => {});
    await Promise.all([ready(redis), ready(subscriber)]);
    await subscriber.subscribe(REVOCATION_CHANNEL);
    store = new GrantStore(redis, randomBytes(32));
  });
  afterAll(() => {
    redis.disconnect();
    subscriber.disconnect();
  });

  async function activeGrant(ttlMs = 60_000): Promise<{ grant: GrantRecord; token: string }> {
    const requestId = newRequestId();
    const grant: GrantRecord = {
      grantId: newGrantId(), requestId, target: 'everything', subject: 'carol@example.org', principal: 'GH_X', credentialRef: `cred_${requestId}`,
      issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + ttlMs).toISOString(),
    };
    await store.activate(grant);
    return { grant, token: store.tokenFor(grant.grantId) };
  }

  test('a followed cache reads a live grant from Redis about once per bound, not once per check', async () => {
    const source = new CountingSource(store);
    const cache = new GrantCache(source);
    cache.follow(subscriber);
    const { grant, token } = await activeGrant();
    const started = Date.now();
    for (let i = 0; i < 200; i++) expect((await cache.lookup(token))?.grantId).toBe(grant.grantId);
    const bounds = Math.ceil((Date.now() - started) / GRANT_CACHE_MAX_AGE_MS);
    expect(source.reads).toBeLessThanOrEqual(bounds + 1);
  });

  test('a revocation event drops the grant: the next check after the cut is refused', async () => {
    const cache = new GrantCache(store);
    cache.follow(subscriber);
    // Many rounds: Redis answers the PUBLISH before it writes the event to subscribers, and a cache
    // that only let received I/O run saw the grant on 2-3 % of next checks under load.
    for (let i = 0; i < 200; i++) {
      const { grant, token } = await activeGrant();
      expect(await cache.lookup(token)).not.toBeNull();
      expect(await cache.lookup(token)).not.toBeNull();
      if (i % 2) await store.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: grant.target, reason: 'test', at: new Date().toISOString() });
      else await store.revocations().cut(grant.requestId, 'test');
      expect(await cache.lookup(token)).toBeNull();
    }
  });

  test('checks made while a PING is on its way wait for the next one, which they share: one PING in flight, each check let through by a PING sent after it began', async () => {
    const sub = connectRedis(testRedisUrl());
    sub.on('error', () => {});
    await ready(sub);
    await sub.subscribe(REVOCATION_CHANNEL);
    try {
      const cache = new GrantCache(store);
      cache.follow(sub);
      const { grant, token } = await activeGrant();
      await cache.lookup(token);
      // Each PING takes 20 ms more to come back, so checks keep arriving while one is on its way.
      const ping = sub.ping.bind(sub) as () => Promise<string>;
      const pings: { sent: number; back?: number }[] = [];
      let inFlight = 0;
      let most = 0;
      (sub as unknown as { ping: () => Promise<string> }).ping = async () => {
        const record: { sent: number; back?: number } = { sent: performance.now() };
        pings.push(record);
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        try {
          return await ping();
        } finally {
          inFlight -= 1;
          record.back = performance.now();
        }
      };
      const checks: Promise<{ began: number; done: number; grantId?: string }>[] = [];
      for (let i = 0; i < 20; i++) {
        const began = performance.now();
        checks.push(cache.lookup(token).then((g) => ({ began, done: performance.now(), ...(g ? { grantId: g.grantId } : {}) })));
        await new Promise((resolve) => setImmediate(resolve)); // each check in its own turn of the event loop
      }
      const results = await Promise.all(checks);
      expect(results.map((r) => r.grantId)).toEqual(results.map(() => grant.grantId));
      expect(most).toBe(1);
      expect(pings.length).toBeLessThan(results.length / 2);
      for (const r of results) expect(pings.some((p) => p.sent >= r.began && p.back !== undefined && p.back <= r.done)).toBe(true);
    } finally {
      sub.disconnect();
    }
  });

  test('without a followed revocation channel nothing is cached (every check asks Redis)', async () => {
    const source = new CountingSource(store);
    const cache = new GrantCache(source);
    const { token } = await activeGrant();
    for (let i = 0; i < 5; i++) await cache.lookup(token);
    expect(source.reads).toBe(5);
  });

  test('a lost subscription empties the cache and turns it off until it is subscribed again', async () => {
    const own = connectRedis(testRedisUrl());
    own.on('error', () => {});
    await ready(own);
    await own.subscribe(REVOCATION_CHANNEL);
    const source = new CountingSource(store);
    const cache = new GrantCache(source);
    cache.follow(own);
    const { grant, token } = await activeGrant();
    await cache.lookup(token);
    expect(cache.size).toBe(1);
    // The connection drops; meanwhile the record goes (its event would be lost).
    own.disconnect(true);
    await new Promise<void>((resolve) => own.once('reconnecting', () => resolve()));
    expect(cache.size).toBe(0);
    await redis.del(`gatehouse:grant:${GrantStore.hashToken(token)}`);
    expect(await cache.lookup(token)).toBeNull();
    // Back and subscribed: cached again.
    await ready(own);
    await store.activate({ ...grant, grantId: grant.grantId }).catch(() => undefined);
    let reads = -1;
    for (let i = 0; i < 50 && reads !== source.reads; i++) {
      reads = source.reads;
      await cache.lookup(token);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(cache.size).toBe(1);
    own.disconnect();
  });

  test('a record removed without an event is caught within the bound; unknown tokens are never cached', async () => {
    const source = new CountingSource(store);
    const cache = new GrantCache(source);
    cache.follow(subscriber);
    const { token } = await activeGrant();
    expect(await cache.lookup(token)).not.toBeNull();
    await redis.del(`gatehouse:grant:${GrantStore.hashToken(token)}`);
    await clockPasses(Date.now() + GRANT_CACHE_MAX_AGE_MS + 20);
    expect(await cache.lookup(token)).toBeNull();
    const before = source.reads;
    for (let i = 0; i < 3; i++) expect(await cache.lookup(token)).toBeNull();
    expect(source.reads - before).toBe(3);
    expect(await cache.lookup('not-a-grant-token')).toBeNull();
  });

  test('a grant about to end is read from Redis on every check (an extension is seen at once)', async () => {
    const source = new CountingSource(store);
    const cache = new GrantCache(source);
    cache.follow(subscriber);
    const { grant, token } = await activeGrant(GRANT_CACHE_MAX_AGE_MS / 2 + 60_000);
    await store.extend(grant.grantId, new Date(Date.now() + GRANT_CACHE_MAX_AGE_MS / 2).toISOString());
    for (let i = 0; i < 3; i++) await cache.lookup(token);
    expect(source.reads).toBe(3);
    const later = new Date(Date.now() + 60_000).toISOString();
    await store.extend(grant.grantId, later);
    expect((await cache.lookup(token))?.expiresAt).toBe(later);
  });

  test('a message on the channel that names no grant (garbage) empties the cache', async () => {
    const cache = new GrantCache(store);
    cache.follow(subscriber);
    const { token } = await activeGrant();
    await cache.lookup(token);
    expect(cache.size).toBe(1);
    await redis.publish(REVOCATION_CHANNEL, '{not json');
    await clockPasses(Date.now() + 50);
    expect(cache.size).toBe(0);
  });
});

describe('gateway: cached grant checks stay fail closed', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway(); });
  afterAll(async () => { await gw.close(); });

  test('calls on a session do not read the grant from Redis each time', async () => {
    const { token } = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    await client.ping();
    // Only this grant's reads count: other suites share this Redis, and a server-wide GET count
    // took their reads for the gateway's (a whole-suite run failed at 12 of a bound of 12).
    const grantKey = `gatehouse:grant:${GrantStore.hashToken(token)}`;
    const monitor = await gw.redis.monitor();
    let gets = 0;
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'get' && args[1] === grantKey) gets += 1;
    });
    await gw.redis.ping(); // MONITOR is in force once a later command is seen
    const started = Date.now();
    for (let i = 0; i < 40; i++) await client.ping();
    const bounds = Math.ceil((Date.now() - started) / GRANT_CACHE_MAX_AGE_MS);
    await gw.redis.ping();
    monitor.disconnect();
    // The bound is generous, but far below one GET per call.
    expect(gets).toBeLessThan(Math.min(40, 2 * bounds + 10));
    await client.close();
  });

  test('the first call after a revocation returns is refused (event path, both cuts), on a warm cache', async () => {
    for (let i = 0; i < 6; i++) {
      const { token, grant } = await gw.grant('everything');
      const { client } = await connectClient(gw.url, 'everything', token);
      await client.ping();
      await client.ping();
      if (i % 2) await gw.grants.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: 'everything', reason: 'revoked in a test', at: new Date().toISOString() });
      else await gw.grants.revocations().cut(grant.requestId, 'revoked in a test');
      expect(await failureOf(client.ping())).toMatch(/-31011|session .* has ended|-31015/);
      await client.close().catch(() => undefined);
    }
  });
});

// With a recorder that writes a request's entry only while the grant record exists (the deployed
// SessionRecorder on the grants' Redis), a call on a session of this gateway goes on with the cached
// grant at once: no PING on the revocation channel. The entry before forwarding is the grant check.
describe('gateway: a request entry written only while the grant exists is the grant check', () => {
  let gw: TestGateway;
  let recordingRedis: Redis;
  let log: RecordingLog;
  let pings = 0;
  let countPings: jest.SpyInstance | undefined;
  beforeAll(async () => {
    recordingRedis = connectRedis(testRedisUrl());
    recordingRedis.on('error', () => {});
    await ready(recordingRedis);
    log = new RecordingLog(recordingRedis);
    gw = await startTestGateway({ recorder: new SessionRecorder(recordingRedis) });
  });
  afterAll(async () => {
    countPings?.mockRestore();
    await gw.close();
    recordingRedis.disconnect();
  });

  // The client's own pings only: the upstream's requests to the client (roots/list) are recorded too, whenever they come.
  const requestEntries = async (requestId: string) => (await log.read(requestId)).filter((s) => s.entry.type === 'request' && (s.entry as { method?: string }).method === 'ping').length;

  test('calls on a session send no PING on the revocation channel (the grant is checked in the entry\'s own script)', async () => {
    const { token } = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    await client.ping();
    const ping = RedisClient.prototype.ping;
    countPings = jest.spyOn(RedisClient.prototype, 'ping').mockImplementation(function (this: Redis, ...args: unknown[]) {
      pings += 1;
      return (ping as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    for (let i = 0; i < 30; i++) await client.ping();
    countPings.mockRestore();
    countPings = undefined;
    // Not 0: the client's GET (its listening stream, opened or reopened meanwhile) confirms with one.
    expect(pings).toBeLessThan(5);
    await client.close();
  });

  test('a grant record removed without an event: the next call on a warm session is refused at once, nothing recorded as asked', async () => {
    // The session's own check (in the request entry's script) must refuse while the gateway's
    // cache still holds the grant. The cache was read when the client connected; if the machine is
    // so slow that GRANT_CACHE_MAX_AGE_MS passed before the refused call, the HTTP-level check
    // reads Redis and refuses instead (401, counted against no grant): both refuse, but only the
    // first proves this case, so that attempt is run again.
    for (let attempt = 1; ; attempt++) {
      const { token, grant } = await gw.grant('everything');
      const connectedAt = Date.now();
      const { client } = await connectClient(gw.url, 'everything', token);
      await client.ping();
      await client.ping();
      const before = await requestEntries(grant.requestId);
      await gw.redis.del(gw.grants.activeKey(GrantStore.hashToken(token)));
      expect(await failureOf(client.ping())).toMatch(/-31011/);
      // Taken after the answer: the gateway's check came before it.
      const warm = Date.now() - connectedAt < GRANT_CACHE_MAX_AGE_MS;
      expect(await requestEntries(grant.requestId)).toBe(before);
      await client.close().catch(() => undefined);
      if (warm) {
        expect(gw.gateway.refusals.counted(grant.grantId)).toMatchObject({ grant_inactive: 1 });
        return;
      }
      if (attempt === 5) throw new Error(`the cache aged out before the refused call in ${attempt} attempts: the machine is too slow for this case`);
    }
  });

  test('a revoked token racing its next call (both cuts, 16 rounds): refused, told so, never recorded as asked', async () => {
    for (let i = 0; i < 16; i++) {
      const { token, grant } = await gw.grant('everything');
      const { client } = await connectClient(gw.url, 'everything', token);
      await client.ping();
      await client.ping();
      const before = await requestEntries(grant.requestId);
      if (i % 2) await gw.grants.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: 'everything', reason: 'revoked in a test', at: new Date().toISOString() });
      else await gw.grants.revocations().cut(grant.requestId, 'revoked in a test');
      expect(await failureOf(client.ping())).toMatch(/-31011|session .* has ended|-31015/);
      expect(await requestEntries(grant.requestId)).toBe(before);
      await client.close().catch(() => undefined);
    }
  });
});
