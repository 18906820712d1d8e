import type { Command } from 'commander';
import { DEFAULT_GATEWAY_PORT, runGateway } from '../../proxy';
import { parsePort } from './ports';

export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description(
      'run the MCP gateway (/mcp/<target> on Streamable HTTP) until SIGINT/SIGTERM; needs GATEHOUSE_CONFIG, ' +
        'GATEHOUSE_ENCRYPTION_KEY, GATEHOUSE_GRANT_TOKEN_KEY, REDIS_URL and TEMPORAL_ADDRESS',
    )
    .option('--port <port>', `listen on this port (default GATEHOUSE_GATEWAY_PORT or ${DEFAULT_GATEWAY_PORT})`, (v) => parsePort(v))
    .option('--host <host>', 'listen on this address (default GATEHOUSE_GATEWAY_HOST or 127.0.0.1)')
    .option('--config <file>', 'gatehouse.yaml to use (default GATEHOUSE_CONFIG or ./gatehouse.yaml)')
    .action(async (options: { port?: number; host?: string; config?: string }) => {
      const env = options.config ? { ...process.env, GATEHOUSE_CONFIG: options.config } : process.env;
      await runGateway({ env, ...(options.port ? { port: options.port } : {}), ...(options.host ? { host: options.host } : {}) });
    });
}
