// The change feed's two windows in which a published event is never delivered: before its first
// SUBSCRIBE is answered, and after a dropped connection until ioredis's own SUBSCRIBE is answered
// again. A waiter reads the state only once events flow (ready), so no change falls in between.
import { connectRedis, newRequestId, REQUEST_CHANGE_CHANNEL, RequestChangeFeed, waitForRedis, type Redis } from '../../lib';
import { eventually } from '../support/eventually';
import { testRedisUrl } from '../support/harness';

let publisher: Redis;
let subscriber: Redis;
beforeEach(async () => {
  publisher = connectRedis(testRedisUrl());
  subscriber = connectRedis(testRedisUrl());
  await waitForRedis(publisher);
});
afterEach(() => {
  publisher.disconnect();
  subscriber.disconnect();
});

const publish = (requestId: string, state: string) => publisher.publish(REQUEST_CHANGE_CHANNEL, JSON.stringify({ requestId, state, kind: 'state' }));

describe('the request change feed', () => {
  it('a change published before the subscription is answered is lost; a waiter that waits for ready gets every later one', async () => {
    const feed = new RequestChangeFeed(subscriber);
    const early = newRequestId();
    const tooEarly = feed.watch(early);
    // What a long-poll did when it read the state right after watch(), before the feed had subscribed
    // (an API just started): the event it relies on is gone. Published here before SUBSCRIBE is even sent.
    expect(await tooEarly.ready!(100)).toBe(false);
    await publish(early, 'ACTIVE');
    await feed.start();
    expect(await tooEarly.next(300)).toBe(false);
    tooEarly.close();

    const requestId = newRequestId();
    const waiter = feed.watch(requestId);
    expect(await waiter.ready!(5_000)).toBe(true);
    await publish(requestId, 'ACTIVE');
    expect(await waiter.next(5_000)).toEqual({ requestId, state: 'ACTIVE', kind: 'state' });
    waiter.close();
  });

  it('ready is false, not a hang, when the feed never subscribes (the long-poll then reads anyway and re-reads every 5 s)', async () => {
    const feed = new RequestChangeFeed(subscriber); // start() never called
    const waiter = feed.watch(newRequestId());
    expect(await waiter.ready!(200)).toBe(false);
    waiter.close();
  });

  it('after a dropped connection a waiter is woken once the subscription is back, and a change published right then arrives', async () => {
    await waitForRedis(subscriber);
    const id = await subscriber.client('ID');
    const feed = new RequestChangeFeed(subscriber);
    await feed.start();
    const requestId = newRequestId();
    const waiter = feed.watch(requestId);
    expect(await waiter.ready!(1_000)).toBe(true);
    // Only this test's connection (other suites of the run share this Redis).
    await publisher.call('CLIENT', 'KILL', 'ID', String(id));
    // Woken (it must read the state again: events may have been missed while the connection was down) ...
    expect(await waiter.next(15_000)).toEqual({ requestId, state: '', kind: 'state' });
    // ... and only once events flow again: the next change is not lost.
    await publish(requestId, 'REVOKED');
    expect(await waiter.next(5_000)).toEqual({ requestId, state: 'REVOKED', kind: 'state' });
    await eventually(async () => Number((await publisher.pubsub('NUMSUB', REQUEST_CHANGE_CHANNEL))[1]) > 0, 'the subscriber to be back');
    waiter.close();
  });
});
