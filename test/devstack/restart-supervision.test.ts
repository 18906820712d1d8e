import { startProcess, superviseChildProcesses, waitFor } from '../../devstack';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('superviseChildProcesses({ restartAfterMs }): a part that ends on its own is started again', () => {
  beforeAll(() => superviseChildProcesses({ restartAfterMs: 100 }));

  test('killed, it comes back with the same command; stopped, it stays down', async () => {
    const lines: string[] = [];
    const proc = startProcess('sleeper', process.execPath, ['-e', 'console.log("up", process.pid); setInterval(() => {}, 1000)'], { onLine: (l) => lines.push(l) });
    const first = proc.child.pid!;
    await waitFor('the first start', async () => (lines.some((l) => l === `up ${first}`) ? true : undefined), 20_000);
    process.kill(first, 'SIGKILL');
    const second = await waitFor('the restart', async () => (proc.restarts === 1 && proc.child.pid !== first ? proc.child.pid : undefined), 20_000);
    await waitFor('the second start', async () => (lines.some((l) => l === `up ${second}`) ? true : undefined), 20_000);
    expect(lines.some((l) => /\[supervisor\] sleeper ended \(SIGKILL\); starting it again in 100 ms/.test(l))).toBe(true);

    await proc.stop();
    await pause(500);
    expect(proc.restarts).toBe(1);
    expect(proc.child.exitCode !== null || proc.child.signalCode !== null).toBe(true);
  });

  test('a part that exits with an error is restarted too, as often as it ends', async () => {
    const proc = startProcess('crasher', process.execPath, ['-e', 'setTimeout(() => process.exit(3), 50)']);
    await waitFor('three restarts', async () => (proc.restarts >= 3 ? true : undefined), 20_000);
    await proc.stop();
    const after = proc.restarts;
    await pause(500);
    expect(proc.restarts).toBe(after);
  });
});
