import { Command, CommanderError } from 'commander';
import { registerAuditCommand } from './commands/audit';
import { registerCatalogCommand } from './commands/catalog';
import { registerConfigCommand } from './commands/config';
import { registerGatewayCommand } from './commands/gateway';
import { registerDevstackCommand } from './commands/devstack';
import { registerWorkerCommand } from './commands/worker';
import { registerSlackAppCommand } from './commands/slack-app';
import { registerAccessCommands } from './commands/access';
import { registerApiCommand } from './commands/api';

/** The `gatehouse` command tree. Each command group registers itself from cli/commands/. */
export function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Just-in-time access to PHI in Snowflake for people and AI agents')
    .showHelpAfterError()
    .exitOverride();
  registerWorkerCommand(program);
  registerConfigCommand(program);
  registerGatewayCommand(program);
  registerAuditCommand(program);
  registerCatalogCommand(program);
  registerDevstackCommand(program);
  registerApiCommand(program);
  registerAccessCommands(program);
  registerSlackAppCommand(program);
  return program;
}

export { CommanderError };
