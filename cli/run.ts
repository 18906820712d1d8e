import { ListenerTlsError, MissingSecretError, TemporalConfigError } from '../lib';
import { CommandFailure, EXIT } from './exit-codes';
import { buildProgram, CommanderError } from './program';

/** Runs the command line and turns every failure into a message and an exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CommandFailure) {
      if (error.message) process.stderr.write(`gatehouse: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`gatehouse: ${(error as Error)?.message ?? String(error)}\n`);
    return isConfigurationError(error) ? EXIT.config : EXIT.failed;
  }
}

/**
 * A missing or invalid configuration, secret or component. The policy and the worker are loaded
 * here, on this path only: a command that does not use them (gatehouse status) should not pay
 * for them (cli/program.ts), and one that threw their error has loaded them already.
 */
function isConfigurationError(error: unknown): boolean {
  if (error instanceof MissingSecretError || error instanceof TemporalConfigError || error instanceof ListenerTlsError) return true;
  /* eslint-disable @typescript-eslint/no-require-imports -- see above */
  if (error instanceof (require('../policy') as typeof import('../policy')).ConfigError) return true;
  return error instanceof (require('../worker') as typeof import('../worker')).MissingComponentError;
  /* eslint-enable @typescript-eslint/no-require-imports */
}
