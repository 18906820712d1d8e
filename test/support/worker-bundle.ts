/**
 * The environment that makes a dev stack's worker processes (and their restarts) run the workflow
 * bundle this test run built once (global-setup.ts) instead of bundling workflows/ again at every
 * start: webpack, 1.6 CPU-s and several seconds before the worker polls on a loaded machine.
 * The same sources with the same failure converter; test/devstack/dev-stack.test.ts keeps the
 * worker's own bundling (the stack on embedded defaults).
 */
export function prebuiltWorkflowBundle(): Record<string, string> {
  const bundle = process.env.GATEHOUSE_WORKFLOW_BUNDLE;
  return bundle ? { GATEHOUSE_WORKER_BUNDLE: bundle } : {};
}
