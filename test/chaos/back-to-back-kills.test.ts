// The chaos run's open finding (issue 19): a grant that ended while the Temporal dev server and then
// the worker were SIGKILLed back to back left its Snowflake identity alive 58-62 s past its end.
// This drives exactly that on the real dev stack (supervisor restarting what is killed) and reads
// SHOW USERS on the local Snowflake as ADMIN every second until the identity is gone.
// On an idle machine the old code (before the worker's start-up pass) passes too: the expiry timer
// fired as soon as Temporal was back (29 s after the end on both, 30 Nov 05:36). The minutes-late
// timer of the loaded chaos runs is not reproduced here; this holds the bound whatever fires first.
import { pidsOf, signal } from '../../bench/chaos/parts';
import { goneBy, grantDrill, sleep } from './grant-drill';

const RECONCILE_SECONDS = 10;
// Generous on purpose (a bound, not a timing goal): the parts' restarts alone take tens of seconds
// on a loaded machine. What must not happen is the identity waiting for a late expiry timer or a
// schedule tick Temporal skipped after its restart.
const GONE_WITHIN_MS = 180_000;
const HELD_DOWN_PAST_END_MS = 25_000;

describe('Temporal and the worker killed back to back as a grant ends', () => {
  test('the identity is dropped once both are back, without waiting for the expiry timer', async () => {
    const env = { GATEHOUSE_DEV_RESTART: '1', GATEHOUSE_RECONCILE_EVERY: `${RECONCILE_SECONDS}s` };
    await grantDrill('b2b', env, 'back-to-back kills drill', async ({ stack, observer, log, end, user }) => {
      observer.start(1_000);

      // Temporal dies 2 s before the end and, as on a loaded machine, takes a while to come back:
      // the supervisor's restart is held (SIGSTOP) until 25 s past the end. The worker dies at +5 s.
      await sleep(end - 2_000 - Date.now());
      const temporal = pidsOf(stack.pid, 'temporal');
      temporal.forEach((pid) => signal(pid, 'SIGKILL', true));
      log(`SIGKILL temporal ${temporal.join(',')}`);
      let restarted: number[] = [];
      while (!restarted.length && Date.now() < end + 5_000) {
        await sleep(50);
        restarted = pidsOf(stack.pid, 'temporal').filter((pid) => !temporal.includes(pid));
      }
      restarted.forEach((pid) => signal(pid, 'SIGSTOP', true));
      log(`SIGSTOP restarted temporal ${restarted.join(',')}`);
      await sleep(end + 5_000 - Date.now());
      const worker = pidsOf(stack.pid, 'worker');
      worker.forEach((pid) => signal(pid, 'SIGKILL', true));
      log(`SIGKILL worker ${worker.join(',')}`);
      await sleep(end + HELD_DOWN_PAST_END_MS - Date.now());
      restarted.forEach((pid) => signal(pid, 'SIGCONT', true));
      log(`SIGCONT temporal ${restarted.join(',')}`);
      // (holding the restart is the amplifier; a restart not caught in time still leaves the two kills)
      expect([temporal.length, worker.length]).toEqual([1, 1]);

      const gone = await goneBy(observer, user, end + GONE_WITHIN_MS);
      const outlived = (observer.lastSeen.get(user) ?? end) - end;
      log(`${user} last seen ${Math.round(outlived / 100) / 10} s after its grant ended; gone: ${gone}`);
      expect(gone).toBe(true);
    });
  }, 900_000);
});
