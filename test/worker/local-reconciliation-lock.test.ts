// Reconciliation without Temporal runs in every worker process (worker/local-reconciliation.ts):
// with several workers on one Redis, each pass used to run in all of them at once and issue the
// same DROP USERs. The Redis pass lock lets one worker process of all run each interval's pass.
import { randomBytes } from 'node:crypto';
import type { CredentialProviders } from '../../activities';
import { connectRedis, createLogger, waitForRedis, type Redis } from '../../lib';
import { redisPassLock, startLocalReconciliation } from '../../worker/local-reconciliation';
import { eventually } from '../support/eventually';
import { testRedisUrl } from '../support/harness';

describe('local reconciliation: one worker process per interval', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
  });
  afterAll(() => redis?.disconnect());

  // 1 s intervals: the lease (0.9 s) is renewed every 0.3 s, so the test holds through event-loop
  // stalls of up to 0.6 s on a loaded machine. At 150 ms a stall of ~100 ms let the lease lapse
  // mid-pass, which is the lease's known limit (a production interval is a minute), not the bug
  // this test is for.
  const EVERY_MS = 1_000;

  /** A worker's providers whose pass blocks until released, counting the passes running at once. */
  function workers(count: number, key: string, locked: boolean) {
    const running = { now: 0, most: 0, passes: 0, ticks: new Array<number>(count).fill(0) };
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const stops = Array.from({ length: count }, (_, i) => {
      const providers = {
        all: () => [{
          reconcile: async () => {
            running.passes += 1;
            running.now += 1;
            running.most = Math.max(running.most, running.now);
            await released;
            running.now -= 1;
            return { target: 'clinical', checked: 1, revoked: [] };
          },
        }],
      } as unknown as CredentialProviders;
      return startLocalReconciliation({
        providers, grants: { grantOf: async () => null }, everyMs: EVERY_MS, log: createLogger('test-reconcile', 'silent'),
        temporalAnswers: async () => {
          running.ticks[i]! += 1;
          return false;
        },
        ...(locked ? { takePass: redisPassLock(redis, key) } : {}),
      });
    });
    return { running, release, stop: () => stops.forEach((s) => s()), stops };
  }

  test('three workers, Temporal down: one pass runs while the others tick and skip, and another worker takes over once the holder stops', async () => {
    const key = `test:reconcile-lock:${randomBytes(6).toString('hex')}`;
    const w = workers(3, key, true);
    try {
      // The two workers not running the first pass have ticked several intervals while it still runs
      // (the one running it skips its own ticks until it ends).
      await eventually(() => w.running.most > 1 || w.running.ticks.filter((t) => t >= 3).length >= 2, 'the other workers ticking', 20_000);
      expect(w.running.most).toBe(1);
      expect(w.running.passes).toBe(1);
      w.release();
      // The passes go on, one at a time: never two at once.
      const after = w.running.passes;
      await eventually(() => w.running.passes >= after + 3, 'more passes', 20_000);
      expect(w.running.most).toBe(1);
      // The holder of the moment stops (a worker killed): the others still run the passes.
      w.stops[0]!();
      w.stops[1]!();
      const left = w.running.passes;
      await eventually(() => w.running.passes >= left + 2, 'passes by the last worker', 20_000);
    } finally {
      w.release();
      w.stop();
    }
  });

  test('Redis down: the pass fails as it would without the lock (nothing is dropped blind)', async () => {
    const take = redisPassLock({ set: async () => { throw new Error('Connection is closed.'); }, eval: async () => 0 } as unknown as Redis, 'k');
    await expect(take(1_000)).rejects.toThrow(/closed/);
  });
});
