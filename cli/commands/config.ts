import type { Command } from 'commander';
import { targetFitWarnings } from '../../lib/slack';
import { configPath, loadConfig } from '../../policy';
import { CommandFailure, EXIT } from '../exit-codes';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('gatehouse.yaml')
    .command('check')
    .description('validate the configuration (GATEHOUSE_CONFIG or ./gatehouse.yaml), list its targets, and warn about what Slack cannot show whole')
    .argument('[file]', 'the file to check')
    .option('--strict', 'exit with 3 when there are warnings (for CI)')
    .action((file: string | undefined, options: { strict?: boolean }) => {
      const path = file ?? configPath();
      const config = loadConfig(path);
      process.stdout.write(`${path} is valid: ${config.targets.length} target(s): ${config.targets.map((t) => t.name).join(', ')}\n`);
      // Slack refuses nothing Gatehouse builds (it clips), but approvers should read a target's scope and description whole.
      const warnings = config.targets.flatMap((t) => targetFitWarnings(t));
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      if (warnings.length && options.strict) throw new CommandFailure(EXIT.config, `${warnings.length} warning(s) in ${path} (--strict)`);
    });
}
