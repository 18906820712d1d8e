import type { Worker } from '@temporalio/worker';
import type { Logger } from '../lib';
import { startHealthServer } from './health';

/**
 * Runs a worker until SIGINT/SIGTERM, then lets in-flight activities finish (graceful shutdown).
 * Workflows in flight simply continue on whichever worker polls next.
 */
export async function runUntilSignalled(worker: Worker, log: Logger, healthPort?: number): Promise<void> {
  const health = healthPort ? await startHealthServer(worker, healthPort) : undefined;
  if (health) log.info({ url: `http://127.0.0.1:${healthPort}/healthz` }, 'worker health endpoint');
  // Ctrl-C can arrive twice (terminal and parent) or with a SIGTERM: shut down once, ignore the rest.
  const stop = (signal: string) => {
    if (worker.getState() !== 'RUNNING') return;
    log.info({ signal }, 'shutting down the worker gracefully');
    worker.shutdown();
  };
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  log.info({ taskQueue: worker.options.taskQueue, namespace: worker.options.namespace }, 'worker running');
  try {
    await worker.run();
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    health?.close();
    log.info('worker stopped');
  }
}
