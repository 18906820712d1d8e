// Bootstrap modes (called by run.js once node_modules is in place):
//   test [jest args]  Temporal dev server + private Redis, then jest against them
//   dev               the stack on embedded defaults, until Ctrl-C
import { runTests } from './test-mode';
import { MissingPrerequisiteError } from '../temporal';

async function main(): Promise<number> {
  const [mode, ...args] = process.argv.slice(2);
  switch (mode) {
    case 'test':
      return runTests(args);
    case 'dev':
      // Loaded on demand: the dev stack pulls in the OpenID provider, which tests do not need.
      return (await import('./dev-mode.js')).runDevStack(args);
    case 'demo':
      return (await import('../demo/index.js')).runDemo(args);
    default:
      process.stderr.write(`unknown bootstrap mode "${mode}"; use test or dev\n`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof MissingPrerequisiteError ? error.message : ((error as Error)?.stack ?? String(error));
    process.stderr.write(`gatehouse bootstrap: ${message}\n`);
    process.exit(error instanceof MissingPrerequisiteError ? 3 : 1);
  },
);
