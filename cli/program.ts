import { Command, CommanderError } from 'commander';

type Register = (program: Command) => void;

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see COMMAND_GROUPS */
/**
 * The command groups in help order, each with the top-level commands it adds. A group is loaded
 * only when the command line names one of its commands (all of them for help or a mistyped
 * command): each brings its part of Gatehouse with it (the worker, the gateway, the API, the Slack
 * app, the audit and catalog code), and loading every one cost each `gatehouse status` or
 * `gatehouse worker` about 5 s of CPU. require, not import(): bin/gatehouse.js runs the sources
 * through tsx's CommonJS hook, which an import() bypasses.
 */
export const COMMAND_GROUPS: readonly { commands: readonly string[]; load: () => Register }[] = [
  { commands: ['worker'], load: () => (require('./commands/worker') as typeof import('./commands/worker')).registerWorkerCommand },
  { commands: ['config'], load: () => (require('./commands/config') as typeof import('./commands/config')).registerConfigCommand },
  { commands: ['gateway'], load: () => (require('./commands/gateway') as typeof import('./commands/gateway')).registerGatewayCommand },
  { commands: ['audit'], load: () => (require('./commands/audit') as typeof import('./commands/audit')).registerAuditCommand },
  { commands: ['catalog'], load: () => (require('./commands/catalog') as typeof import('./commands/catalog')).registerCatalogCommand },
  { commands: ['devstack'], load: () => (require('./commands/devstack') as typeof import('./commands/devstack')).registerDevstackCommand },
  { commands: ['api'], load: () => (require('./commands/api') as typeof import('./commands/api')).registerApiCommand },
  {
    commands: ['request', 'status', 'list', 'approve', 'deny', 'revoke', 'extend'],
    load: () => (require('./commands/access') as typeof import('./commands/access')).registerAccessCommands,
  },
  { commands: ['slack-app'], load: () => (require('./commands/slack-app') as typeof import('./commands/slack-app')).registerSlackAppCommand },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The `gatehouse` command tree. Each command group registers itself from cli/commands/; given the
 * command line, only the group it names is registered (the whole tree without one).
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command('gatehouse')
    .description('Just-in-time access to PHI in Snowflake for people and AI agents')
    .showHelpAfterError()
    .exitOverride();
  const named = argv?.[0];
  const chosen = COMMAND_GROUPS.find((group) => named !== undefined && group.commands.includes(named));
  for (const group of chosen ? [chosen] : COMMAND_GROUPS) group.load()(program);
  return program;
}

export { CommanderError };
