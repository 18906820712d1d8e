import type { WorkerOptions } from '@temporalio/worker';

export type WorkerTuning = Partial<Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'>>;

/** The worker's task slots, from the environment; unset keeps the SDK's defaults (100 activities, 40 workflow tasks). */
export function workerTuning(env: NodeJS.ProcessEnv): WorkerTuning {
  const tuning: WorkerTuning = {};
  const activities = slots('GATEHOUSE_WORKER_ACTIVITY_SLOTS', env.GATEHOUSE_WORKER_ACTIVITY_SLOTS, 1);
  if (activities !== undefined) tuning.maxConcurrentActivityTaskExecutions = activities;
  // The SDK refuses fewer than 2 with a workflow cache.
  const workflowTasks = slots('GATEHOUSE_WORKER_WORKFLOW_TASK_SLOTS', env.GATEHOUSE_WORKER_WORKFLOW_TASK_SLOTS, 2);
  if (workflowTasks !== undefined) tuning.maxConcurrentWorkflowTaskExecutions = workflowTasks;
  return tuning;
}

function slots(name: string, value: string | undefined, min: number): number | undefined {
  const raw = value?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > 10_000) {
    throw new Error(`${name} must be a whole number from ${min} to 10000 (task slots of the worker), got ${JSON.stringify(value)}`);
  }
  return Number(raw);
}

/**
 * Where the worker serves the Temporal SDK's Prometheus metrics (GET /metrics: workflow task and
 * activity counts and latencies, sticky cache hits and misses, slots), as host:port; unset serves none.
 */
export function workerMetricsAddress(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.GATEHOUSE_WORKER_METRICS_ADDRESS?.trim();
  if (!raw) return undefined;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65_535) {
    throw new Error(`GATEHOUSE_WORKER_METRICS_ADDRESS must be host:port (where the worker serves its Temporal SDK metrics, e.g. 127.0.0.1:9464), got ${JSON.stringify(env.GATEHOUSE_WORKER_METRICS_ADDRESS)}`);
  }
  return raw;
}
