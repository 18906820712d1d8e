import {
  CATALOG_REFRESH_SCHEDULE_ID, StatusSnapshots, createAccessActivities, createCatalogActivities, ensureCatalogRefreshSchedule, ensureReconcileSchedule, RECONCILE_SCHEDULE_ID, reconcileNow,
} from '../activities';
import {
  catalogNamespace, connectRedis, connectTemporalClient, RedisCatalogRecords, createLogger, GrantStore, loadGatewaySecrets, parseDuration, RedisSecretVault, RequestChangePublisher, requestStatusKey, temporalSettings, waitForRedis,
} from '../lib';
import { parseStoredCatalog } from '../phi';
import { configPath, loadConfig } from '../policy';
import { assembleComponents } from './assemble';
import type { ComponentRegistry, WorkerComponents } from './components';
import { Runtime } from '@temporalio/worker';
import { sdkLogger } from './sdk-logger';
import { createAccessWorker, type AccessWorkerOptions } from './create-worker';
import { builtInComponents } from './registry';
import { runUntilSignalled } from './run-worker';
import { redisPassLock, startLocalReconciliation } from './local-reconciliation';
import { workerMetricsAddress, workerTuning } from './tuning';

export interface RunWorkerOptions {
  env?: NodeJS.ProcessEnv;
  registry?: ComponentRegistry;
  healthPort?: number;
  /** For tests: a prebuilt workflow bundle and extra worker options. */
  workflowBundlePath?: string;
  extra?: AccessWorkerOptions['extra'];
}

/**
 * The worker process: configuration from gatehouse.yaml, keys and addresses from the
 * environment, every component built before it polls. Runs until SIGINT/SIGTERM.
 */
export async function runWorker(options: RunWorkerOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const log = createLogger('worker');
  quietSdkLogs(log, workerMetricsAddress(env));
  const config = loadConfig(configPath(env));
  const secrets = loadGatewaySecrets(env);
  // TLS files and payload keys are checked before anything connects.
  const settings = temporalSettings(env);
  const tuning = workerTuning(env);
  const redis = connectRedis(env.REDIS_URL);
  redis.on('error', (error) => log.warn({ err: error.message }, 'redis connection problem'));
  try {
    await waitForRedis(redis);
    const vault = new RedisSecretVault(redis, secrets.encryptionKey);
    const grants = new GrantStore(redis, secrets.grantTokenKey);
    const components = assembleComponents(options.registry ?? builtInComponents, { config, env, redis, vault, log });
    // Said at once but not waited for: a target's setup gap (e.g. a `pat` target without its network
    // policy) fails its issuances, and must not keep this worker from revoking everyone's grants.
    void reportCredentialSetup(components.providers, log);
    const reconcileEvery = env.GATEHOUSE_RECONCILE_EVERY ?? '5m';
    // PHI catalogs: re-discovered by a reader the broker mints per target, stored where the gateway reads them.
    const catalogs = new RedisCatalogRecords(redis, parseStoredCatalog, catalogNamespace(env));
    // The statuses the workflows hand over for their notices and archive (not copied through history).
    const statusSnapshots = new StatusSnapshots();
    const activities = {
      ...createAccessActivities({ ...components, grants, vault, snapshots: statusSnapshots }),
      ...createCatalogActivities({ targets: config.targets, providers: components.providers, catalogs, log }),
    };
    const { worker, connection } = await createAccessWorker({
      temporal: settings,
      taskQueue: settings.taskQueue,
      activities,
      // GATEHOUSE_WORKER_BUNDLE: a prebuilt workflow bundle (bench:grants runs an earlier revision's workflows with it).
      workflowBundlePath: options.workflowBundlePath ?? (env.GATEHOUSE_WORKER_BUNDLE || undefined),
      // with each change its status, sealed, so the API's long-polls answer without querying the workflow.
      requestChanges: new RequestChangePublisher(redis, log, requestStatusKey(secrets.encryptionKey)),
      statusSnapshots,
      extra: { ...tuning, ...options.extra },
    });
    // A lost revocation must not leave a live identity: reconcile on a schedule, one per task queue.
    const client = await connectTemporalClient(settings);
    let stopLocalReconciliation = () => {};
    try {
      // and, while Temporal does not answer (the schedule and the expiry timers wait for it), by grant records.
      stopLocalReconciliation = startLocalReconciliation({
        providers: components.providers, grants: grants.revocations(), everyMs: parseDuration(reconcileEvery, 'GATEHOUSE_RECONCILE_EVERY'), log,
        temporalAnswers: () => client.connection.withDeadline(Date.now() + 3_000, () => client.workflowService.getSystemInfo({})).then(() => true, () => false),
        takePass: redisPassLock(redis, `gatehouse:reconcile:local-pass:${settings.taskQueue}`),
      });
      const scheduleId = await ensureReconcileSchedule(client, {
        taskQueue: settings.taskQueue,
        every: reconcileEvery,
        scheduleId: `${RECONCILE_SCHEDULE_ID}:${settings.taskQueue}`,
      });
      log.info({ scheduleId }, 'credential reconciliation scheduled');
      // and one pass at once: a restart (of this worker or of Temporal) is when revocations get lost.
      // A failed trigger leaves the schedule's passes: worth a warning, not a worker that will not start.
      await reconcileNow(client, scheduleId).catch((error: Error) => log.warn({ err: error.message }, 'could not start a reconciliation pass at start-up'));
      const catalogSchedule = await ensureCatalogRefreshSchedule(client, {
        taskQueue: settings.taskQueue,
        ...(env.GATEHOUSE_CATALOG_REFRESH_EVERY ? { every: env.GATEHOUSE_CATALOG_REFRESH_EVERY } : {}),
        scheduleId: `${CATALOG_REFRESH_SCHEDULE_ID}:${settings.taskQueue}`,
      });
      log.info({ scheduleId: catalogSchedule }, 'PHI catalog refresh scheduled');
      await runUntilSignalled(worker, log, options.healthPort);
    } finally {
      stopLocalReconciliation();
      await client.connection.close();
      await connection.close();
    }
  } finally {
    redis.disconnect();
  }
}

async function reportCredentialSetup(providers: WorkerComponents['providers'], log: ReturnType<typeof createLogger>): Promise<void> {
  const { problems, unchecked } = await providers.setupReport();
  for (const problem of problems) log.error(problem);
  for (const { target, error } of unchecked) log.warn({ target, err: error }, 'could not check the credential setup of this target at start-up');
}

/**
 * The SDK logs every state change and the workflow bundle's contents at INFO; keep warnings, and
 * keep a failed activity's own words (which may quote SQL or a patient's name) out of them.
 * With GATEHOUSE_WORKER_METRICS_ADDRESS, the SDK's core also serves its Prometheus metrics there.
 */
function quietSdkLogs(log: ReturnType<typeof createLogger>, metricsAddress: string | undefined): void {
  try {
    Runtime.install({
      logger: sdkLogger(log),
      ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } } : {}),
    });
  } catch {
    // a runtime is already installed in this process (tests); keep it
  }
}
