// The chaos runs' outlives (issue 19): a grant that ended while the Temporal dev server was down kept
// its Snowflake identity until Temporal was back, since the expiry timer and the reconciliation
// schedule both wait for it. Each worker now reconciles by grant records while Temporal does not
// answer. This holds Temporal down (killed 2 s before the grant's end, its restart stopped with
// SIGSTOP) and reads SHOW USERS on the local Snowflake as ADMIN every second: the identity must go
// while Temporal is still held down. On the code before, nothing could drop it then.
import { pidsOf, signal } from '../../bench/chaos/parts';
import { goneBy, grantDrill, sleep } from './grant-drill';

const RECONCILE_SECONDS = 10;
// How long Temporal is held down past the grant's end: far longer than the reconciliation interval.
const HELD_DOWN_PAST_END_MS = 120_000;

describe('Temporal down as a grant ends', () => {
  test('the identity is dropped by a worker while Temporal is still down', async () => {
    const env = { GATEHOUSE_DEV_RESTART: '1', GATEHOUSE_RECONCILE_EVERY: `${RECONCILE_SECONDS}s` };
    await grantDrill('temporal-down', env, 'Temporal outage drill', async ({ stack, observer, log, end, user }) => {
      let held: number[] = [];
      try {
        await sleep(end - 2_000 - Date.now());
        const temporal = pidsOf(stack.pid, 'temporal');
        temporal.forEach((pid) => signal(pid, 'SIGKILL', true));
        log(`SIGKILL temporal ${temporal.join(',')}`);
        // The supervisor starts it again after 1 s: that process is stopped before it can serve.
        while (!held.length && Date.now() < end + 15_000) {
          await sleep(50);
          held = pidsOf(stack.pid, 'temporal').filter((pid) => !temporal.includes(pid));
        }
        held.forEach((pid) => signal(pid, 'SIGSTOP', true));
        log(`SIGSTOP restarted temporal ${held.join(',')}`);
        expect([temporal.length, held.length]).toEqual([1, 1]);

        const gone = await goneBy(observer, user, end + HELD_DOWN_PAST_END_MS);
        // Temporal is still stopped: whatever dropped the identity did not need it.
        const stillHeld = held.every((pid) => pidsOf(stack.pid, 'temporal').includes(pid));
        log(`${user} ${gone ? `gone ${Math.round((Date.now() - end) / 1000)} s after its grant ended` : 'still there'}; Temporal still held down: ${stillHeld}`);
        expect({ gone, stillHeld }).toEqual({ gone: true, stillHeld: true });
        expect(stack.lines.some((l) => /^\[worker\s*\] .*Temporal does not answer: identities of ended grants dropped/.test(l))).toBe(true);
      } finally {
        held.forEach((pid) => signal(pid, 'SIGCONT', true));
      }
    });
  }, 900_000);
});
