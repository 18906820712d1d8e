// The worker pushes a request's status with each change, sealed: the API's long-polls answer from it.
// Anyone who can PUBLISH or SET in Redis (a hostile agent that reached it) may replay or forge
// events; a forged or moved status never opens, and a replayed older one is ordered below the kept one.
import { randomBytes } from 'node:crypto';
import {
  connectRedis, newRequestId, openRequestStatus, REQUEST_CHANGE_CHANNEL, REQUEST_STATUS_PREFIX, RequestChangeFeed, RequestChangePublisher, requestStatusKey,
  sealRequestStatus, waitForRedis, type Redis,
} from '../../lib';
import { eventually } from '../support/eventually';
import { testRedisUrl } from '../support/harness';

let redis: Redis;
let subscriber: Redis;
const key = requestStatusKey(randomBytes(32));
beforeEach(async () => {
  redis = connectRedis(testRedisUrl());
  subscriber = connectRedis(testRedisUrl());
  await waitForRedis(redis);
});
afterEach(() => {
  redis.disconnect();
  subscriber.disconnect();
});

const status = (requestId: string, state: string, extra: Record<string, unknown> = {}) => ({ requestId, state, requester: 'carol@example.org', timeline: [], ...extra });

describe('sealed request statuses', () => {
  it('open only for their own request, under the same key', () => {
    const a = newRequestId();
    const b = newRequestId();
    const sealed = sealRequestStatus(key, a, 7, status(a, 'ACTIVE', { grantId: 'grt_1' }));
    expect(openRequestStatus(key, a, sealed)).toEqual({ version: 7, status: status(a, 'ACTIVE', { grantId: 'grt_1' }) });
    // Moved to another request (to be shown its grant), or made with another key: nothing.
    expect(openRequestStatus(key, b, sealed)).toBeUndefined();
    expect(openRequestStatus(requestStatusKey(randomBytes(32)), a, sealed)).toBeUndefined();
    // A status naming another request inside a sealed envelope of this one is refused too.
    expect(openRequestStatus(key, a, sealRequestStatus(key, a, 8, status(b, 'ACTIVE')))).toBeUndefined();
    // Tampered, or not a sealed value at all.
    const [v, iv, tag, body] = sealed.split('.');
    expect(openRequestStatus(key, a, [v, iv, tag, `A${body!.slice(1)}`].join('.'))).toBeUndefined();
    expect(openRequestStatus(key, a, JSON.stringify(status(a, 'ACTIVE')))).toBeUndefined();
    expect(openRequestStatus(key, a, 42)).toBeUndefined();
    // The derived key is not the encryption key it comes from.
    const base = randomBytes(32);
    expect(requestStatusKey(base).equals(base)).toBe(false);
  });

  it('reach a waiter with the event, and the newest is kept in Redis whatever order the writes come in', async () => {
    const feed = new RequestChangeFeed(subscriber, { statusKey: key, reader: redis });
    await feed.start();
    const publisher = new RequestChangePublisher(redis, undefined, key);
    const requestId = newRequestId();
    const waiter = feed.watch(requestId);
    expect(await waiter.ready!(5_000)).toBe(true);
    publisher.publish({ requestId, state: 'ACTIVE', kind: 'state' }, status(requestId, 'ACTIVE'), 12_002);
    const change = await waiter.next(5_000);
    expect(change).toMatchObject({ requestId, state: 'ACTIVE', kind: 'state', pushed: { version: 12_002, status: { state: 'ACTIVE' } } });
    // An older status arriving later (another worker's late write) does not replace the kept one.
    publisher.publish({ requestId, state: 'ISSUING', kind: 'state' }, status(requestId, 'ISSUING'), 9_001);
    expect(await waiter.next(5_000)).toMatchObject({ pushed: { version: 9_001 } });
    expect(await feed.latest(requestId)).toMatchObject({ version: 12_002, status: { state: 'ACTIVE' } });
    // Without a status (an older worker's event) it is a bare wake-up, and the kept one stays.
    publisher.publish({ requestId, state: 'REVOKING', kind: 'state' });
    expect(await waiter.next(5_000)).toEqual({ requestId, state: 'REVOKING', kind: 'state' });
    expect(await feed.latest(requestId)).toMatchObject({ version: 12_002 });
    waiter.close();
  });

  it('the sealed status is sent to Redis once per change (kept and published from the same argument)', async () => {
    const feed = new RequestChangeFeed(subscriber, { statusKey: key, reader: redis });
    await feed.start();
    const requestId = newRequestId();
    const waiter = feed.watch(requestId);
    expect(await waiter.ready!(5_000)).toBe(true);
    const sent: string[][] = [];
    const send = redis.sendCommand.bind(redis);
    const spy = jest.spyOn(redis, 'sendCommand').mockImplementation((command) => {
      sent.push(command.args.map((a) => String(a)));
      return send(command);
    });
    try {
      new RequestChangePublisher(redis, undefined, key).publish({ requestId, state: 'ACTIVE', kind: 'state' }, status(requestId, 'ACTIVE', { grantId: 'grt_once' }), 3_001);
      expect(await waiter.next(5_000)).toMatchObject({ requestId, state: 'ACTIVE', pushed: { version: 3_001, status: { grantId: 'grt_once' } } });
      // Run again with the script unknown to Redis (after a restart or SCRIPT FLUSH): the same.
      await redis.script('FLUSH');
      new RequestChangePublisher(redis, undefined, key).publish({ requestId, state: 'REVOKED', kind: 'state' }, status(requestId, 'REVOKED'), 3_002);
      expect(await waiter.next(5_000)).toMatchObject({ requestId, state: 'REVOKED', pushed: { version: 3_002, status: { state: 'REVOKED' } } });
    } finally {
      spy.mockRestore();
    }
    expect(await feed.latest(requestId)).toMatchObject({ version: 3_002, status: { state: 'REVOKED' } });
    const sealedTexts = sent.flat().filter((a) => openRequestStatus(key, requestId, a) !== undefined);
    // No argument carries a sealed text besides the one that is it (the event used to embed it too).
    for (const text of new Set(sealedTexts)) expect(sent.flat().filter((a) => a.includes(text))).toHaveLength(sealedTexts.filter((t) => t === text).length);
    // 3_001 once (EVALSHA); 3_002 twice: the refused EVALSHA and the EVAL after it.
    expect(sealedTexts).toHaveLength(3);
    waiter.close();
  });

  it('a forged, moved or unkeyed status is a bare wake-up, never an answer', async () => {
    const feed = new RequestChangeFeed(subscriber, { statusKey: key, reader: redis });
    await feed.start();
    const victim = newRequestId();
    const own = newRequestId();
    const waiter = feed.watch(victim);
    expect(await waiter.ready!(5_000)).toBe(true);
    const forge = (sealed: unknown) => redis.publish(REQUEST_CHANGE_CHANNEL, JSON.stringify({ requestId: victim, state: 'ACTIVE', kind: 'state', sealed }));
    // The agent's own request's real sealed status (with its grant), replayed under the victim's id.
    await forge(sealRequestStatus(key, own, 99_999, status(own, 'ACTIVE', { grantId: 'grt_own' })));
    // A status sealed with a key the agent made up, and one in the clear.
    await forge(sealRequestStatus(requestStatusKey(randomBytes(32)), victim, 99_999, status(victim, 'ACTIVE', { requester: 'mallory@example.org' })));
    await forge(status(victim, 'ACTIVE', { requester: 'mallory@example.org' }));
    for (let i = 0; i < 3; i++) expect(await waiter.next(5_000)).toEqual({ requestId: victim, state: 'ACTIVE', kind: 'state' });
    // And what it SETs as the kept status is not read as one either.
    await redis.hset(REQUEST_STATUS_PREFIX + victim, 'v', '99999', 's', sealRequestStatus(key, own, 99_999, status(own, 'ACTIVE')));
    expect(await feed.latest(victim)).toBeUndefined();
    waiter.close();
  });

  it('a feed without the key passes no status on, and reads none', async () => {
    const feed = new RequestChangeFeed(subscriber);
    await feed.start();
    expect(feed.pushesStatus).toBe(false);
    const requestId = newRequestId();
    const waiter = feed.watch(requestId);
    expect(await waiter.ready!(5_000)).toBe(true);
    new RequestChangePublisher(redis, undefined, key).publish({ requestId, state: 'ACTIVE', kind: 'state' }, status(requestId, 'ACTIVE'), 5_001);
    expect(await waiter.next(5_000)).toEqual({ requestId, state: 'ACTIVE', kind: 'state' });
    await eventually(async () => (await redis.exists(REQUEST_STATUS_PREFIX + requestId)) === 1, 'the status to be kept');
    expect(await feed.latest(requestId)).toBeUndefined();
    waiter.close();
  });
});
