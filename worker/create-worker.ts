import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { diagnoseTemporalConnectError, temporalConnectionOptions, temporalDataConverter, type TemporalSettings } from '../lib';
import type { AccessActivities } from '../workflows';

export interface AccessWorkerOptions {
  /** Address, namespace, TLS, API key and payload keys (temporalSettings(env)); the same codec as every client. */
  temporal: Omit<TemporalSettings, 'taskQueue'>;
  taskQueue: string;
  activities: AccessActivities;
  /** A prebuilt workflow bundle (tests build it once); otherwise workflows/ is bundled at start. */
  workflowBundlePath?: string;
  extra?: Partial<WorkerOptions>;
}

export async function createAccessWorker(options: AccessWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(temporalConnectionOptions(options.temporal));
  } catch (error) {
    throw await diagnoseTemporalConnectError(error, options.temporal);
  }
  const worker = await Worker.create({
    connection,
    namespace: options.temporal.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    dataConverter: temporalDataConverter(options.temporal),
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    ...options.extra,
  });
  return { worker, connection };
}
