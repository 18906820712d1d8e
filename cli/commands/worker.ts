import type { Command } from 'commander';
import { runWorker } from '../../worker';
import { parsePort } from './ports';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the Temporal worker (workflows and activities) until SIGINT/SIGTERM')
    .option('--health-port <port>', 'serve GET /healthz on this loopback port', (v) => parsePort(v))
    .action(async (options: { healthPort?: number }) => {
      await runWorker({ healthPort: options.healthPort });
    });
}
