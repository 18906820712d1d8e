import { readFileSync } from 'node:fs';
import { NativeConnection, Worker, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import {
  diagnoseTemporalConnectError, ENCODED_FAILURE_CONVERTER_PATH, ENCODED_FAILURES_MARKER, temporalConnectionOptions, temporalDataConverter, type RequestChange, type TemporalSettings,
} from '../lib';
import type { AccessActivities, AccessStatus, RequestChangeSinks, StatusSnapshotSinks } from '../workflows';

export interface AccessWorkerOptions {
  /** Address, namespace, TLS, API key and payload keys (temporalSettings(env)); the same codec as every client. */
  temporal: Omit<TemporalSettings, 'taskQueue'>;
  taskQueue: string;
  activities: AccessActivities;
  /**
   * A prebuilt workflow bundle (tests build it once); otherwise workflows/ is bundled at start.
   * With payload encryption it must be built with `failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH`.
   */
  workflowBundlePath?: string;
  /**
   * Where request changes are announced (RequestChangePublisher: Redis pub/sub), for the API's
   * long-polls. Without it they are dropped, and long-polls answer at their deadline.
   */
  requestChanges?: { publish(change: RequestChange, status?: AccessStatus, version?: number): void };
  /** Where the workflows' status snapshots go (the same StatusSnapshots the notify and archive activities read). */
  statusSnapshots?: { put(status: AccessStatus, seq: number): void };
  extra?: Partial<WorkerOptions>;
}

/**
 * Workflow failures are converted inside the bundle: a bundle built without the encoding failure
 * converter would write failure messages to history in plaintext while payloads are encrypted.
 */
export function checkWorkflowBundle(path: string, temporal: Pick<TemporalSettings, 'payloadKeys'>): void {
  if (temporal.payloadKeys === 'off') return;
  if (!readFileSync(path, 'utf8').includes(ENCODED_FAILURES_MARKER)) {
    throw new Error(`the workflow bundle ${path} was built without Gatehouse's failure converter, so workflow failures would reach Temporal in plaintext; ` +
      `build it with bundleWorkflowCode({ workflowsPath, failureConverterPath: ${JSON.stringify(ENCODED_FAILURE_CONVERTER_PATH)} }) or let the worker bundle workflows/ itself`);
  }
}

/** Orders one request's pushed statuses: by history length, then by the workflow's own count (several in one workflow task). */
export function statusVersion(historyLength: number, seq: number | undefined): number | undefined {
  return seq === undefined ? undefined : historyLength * 1000 + (seq % 1000);
}

export async function createAccessWorker(options: AccessWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  if (options.workflowBundlePath) checkWorkflowBundle(options.workflowBundlePath, options.temporal);
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(temporalConnectionOptions(options.temporal));
  } catch (error) {
    throw await diagnoseTemporalConnectError(error, options.temporal);
  }
  const publish = options.requestChanges;
  const snapshots = options.statusSnapshots;
  const sinks: InjectedSinks<RequestChangeSinks & StatusSnapshotSinks> = {
    // Not during replay: a change is announced once, when it happens. Its status's version: the history
    // length (comparable with what Temporal describes), then the workflow's count (several in one task).
    requestChanges: { changed: { fn: (info, change, status, seq) => publish?.publish(change, status, statusVersion(info.historyLength, seq)), callDuringReplay: false } },
    // Not during replay either: an activity finding no snapshot of its order asks the workflow instead.
    statusSnapshots: { latest: { fn: (_info, status, seq) => snapshots?.put(status, seq), callDuringReplay: false } },
  };
  const worker = await Worker.create({
    connection,
    namespace: options.temporal.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    dataConverter: temporalDataConverter(options.temporal),
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    sinks,
    ...options.extra,
  });
  return { worker, connection };
}
