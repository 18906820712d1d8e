import type { Command } from 'commander';
import { ApiSettingsError, runApi } from '../../api';
import { EXIT, CommandFailure } from '../exit-codes';
import { parsePort } from './ports';

export function registerApiCommand(program: Command): void {
  program
    .command('api')
    .description('run the REST API (GATEHOUSE_OIDC_ISSUER, GATEHOUSE_OIDC_AUDIENCE, GATEHOUSE_GATEWAY_URL; see README) until SIGINT/SIGTERM')
    .option('--port <port>', 'listen on this port (default GATEHOUSE_API_PORT or 8080; 0 picks a free one)', (v) => (v === '0' ? 0 : parsePort(v)))
    .action(async (options: { port?: number }) => {
      try {
        await runApi({ port: options.port });
      } catch (error) {
        if (error instanceof ApiSettingsError) throw new CommandFailure(EXIT.config, error.message);
        throw error;
      }
    });
}
