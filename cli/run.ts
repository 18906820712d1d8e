import { MissingComponentError } from '../worker';
import { ConfigError } from '../policy';
import { ListenerTlsError, MissingSecretError, TemporalConfigError } from '../lib';
import { CommandFailure, EXIT } from './exit-codes';
import { buildProgram, CommanderError } from './program';

/** Runs the command line and turns every failure into a message and an exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
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
    if (error instanceof ConfigError || error instanceof MissingComponentError || error instanceof MissingSecretError || error instanceof TemporalConfigError || error instanceof ListenerTlsError) return EXIT.config;
    return EXIT.failed;
  }
}
