import type { Command } from 'commander';
import { registerDevstackSlackCommands } from './devstack-slack';

function parsePortOrAny(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`"${value}" is not a TCP port (0 for any free port, or 1-65535)`);
  return port;
}

function parseCount(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${value}"`);
    return n;
  };
}

export function registerDevstackCommand(program: Command): void {
  const devstack = program.command('devstack').description('local stand-ins for development and tests');
  devstack
    .command('snowflake')
    .description('run the local Snowflake-compatible endpoint (snowflake-sdk accessUrl) until SIGINT/SIGTERM')
    .option('--port <port>', 'loopback port (0 = any free port)', parsePortOrAny, 8085)
    .requiredOption('--data <dir>', 'data folder: users, roles, grants and tables persist here')
    .option('--seed <seed>', 'seed of the synthetic health dataset (first start only)', parseCount('seed'), 42)
    .option('--patients <n>', 'patients in the synthetic dataset (first start only)', parseCount('patients'), 200)
    .option('--account <name>', 'account identifier clients connect with', 'gatehouse-dev')
    .option('--broker-key-file <file>', 'bootstrap the credential broker and write its private key here (0600)')
    .action(async (options: { port: number; data: string; seed: number; patients: number; account: string; brokerKeyFile?: string }) => {
      // Loaded here, not at import: DuckDB's native library is only mapped when the stand-in runs,
      // so `--help` and every other command never load it (a crash seen at exit right after install).
      // require, not import(): bin/gatehouse.js runs the sources through tsx's CommonJS hook, which an import() bypasses.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runLocalSnowflake } = require('../../devstack/snowflake') as typeof import('../../devstack/snowflake');
      await runLocalSnowflake({ ...options });
    });
  registerDevstackSlackCommands(devstack);
}
