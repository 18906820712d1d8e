export { createAccessWorker, checkWorkflowBundle, type AccessWorkerOptions } from './create-worker';
export { runUntilSignalled } from './run-worker';
export { startHealthServer } from './health';
export { runWorker, type RunWorkerOptions } from './main';
export { assembleComponents } from './assemble';
export { builtInComponents } from './registry';
export { MissingComponentError, type ComponentContext, type ComponentRegistry, type WorkerComponents } from './components';
export { createAuditArchiver } from './archiver';
export { slackNotifierComponent } from './notifier';
