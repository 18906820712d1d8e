import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { AccessActivities } from '../workflows';

export interface AccessWorkerOptions {
  address: string;
  namespace?: string;
  taskQueue: string;
  activities: AccessActivities;
  /** A prebuilt workflow bundle (tests build it once); otherwise workflows/ is bundled at start. */
  workflowBundlePath?: string;
  extra?: Partial<WorkerOptions>;
}

export async function createAccessWorker(options: AccessWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    ...options.extra,
  });
  return { worker, connection };
}
