import type { Command } from 'commander';
import { configPath, loadConfig } from '../../policy';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('gatehouse.yaml')
    .command('check')
    .description('validate the configuration (GATEHOUSE_CONFIG or ./gatehouse.yaml) and list its targets')
    .argument('[file]', 'the file to check')
    .action((file?: string) => {
      const path = file ?? configPath();
      const config = loadConfig(path);
      process.stdout.write(`${path} is valid: ${config.targets.length} target(s): ${config.targets.map((t) => t.name).join(', ')}\n`);
    });
}
