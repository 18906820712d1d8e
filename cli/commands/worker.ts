import type { Command } from 'commander';
import { runWorker } from '../../worker';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the Temporal worker (workflows and activities) until SIGINT/SIGTERM')
    .option('--health-port <port>', 'serve GET /healthz on this loopback port', (v) => parsePort(v))
    .action(async (options: { healthPort?: number }) => {
      await runWorker({ healthPort: options.healthPort });
    });
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`"${value}" is not a TCP port (1-65535)`);
  return port;
}
