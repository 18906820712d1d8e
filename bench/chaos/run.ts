// npm run chaos -- [--seed N] [--duration 300] [--faults 50] [--concurrency 8] [--people 1] [--workers 2] [--grant 40] [--reconcile 20] [--settle seconds]
// Runs the whole stack through seeded faults and prints the table of invariants (exit 1 on a violation).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runChaos } from './chaos';
import { chaosTable, violationCount } from './report';

const whole = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
  return n;
};

const program = new Command('chaos')
  .description('fault injection and load across the whole dev stack, then the invariants')
  .option('--seed <n>', 'seed for the faults and the agents (printed; the same seed replays the same plan)', whole(0), Math.floor(Math.random() * 2 ** 31))
  .option('--duration <seconds>', 'how long agents drive the stack', whole(10), 300)
  .option('--faults <n>', 'how many faults to inject', whole(0), 50)
  .option('--concurrency <n>', 'agents asking at once', whole(1), 8)
  .option('--people <n>', 'people asking with /access in the local Slack at once (an approver decides in the thread)', whole(0), 1)
  .option('--workers <n>', 'worker processes on the task queue (kill-worker kills one at a time, once every one runs)', whole(1), 2)
  .option('--grant <seconds>', 'grant duration each agent asks for', whole(10), 40)
  .option('--reconcile <seconds>', 'credential reconciliation interval', whole(5), 20)
  .option('--settle <seconds>', 'longest wait, after the faults, for every request to end and every identity to go (default: 2 grants + 2 reconciliations + 45 s)', whole(10))
  .parse();
const o = program.opts<{ seed: number; duration: number; faults: number; concurrency: number; people: number; workers: number; grant: number; reconcile: number; settle?: number }>();

runChaos({ seed: o.seed, durationMs: o.duration * 1000, faults: o.faults, concurrency: o.concurrency, people: o.people, workers: o.workers, grantSeconds: o.grant, reconcileSeconds: o.reconcile, ...(o.settle ? { settleSeconds: o.settle } : {}) })
  .then((result) => {
    const table = chaosTable(result);
    process.stdout.write(`\n${table}`);
    writeFileSync(join(result.stateDir, 'chaos-report.md'), table);
    process.stdout.write(`report: ${join(result.stateDir, 'chaos-report.md')}\n`);
    process.exit(violationCount(result) ? 1 : 0);
  }, (error: unknown) => {
    process.stderr.write(`chaos run failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  });
