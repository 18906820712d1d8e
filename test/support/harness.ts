import { randomBytes } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Archiver, CredentialProvider } from '../../activities';
import type { AccessClient } from '../../access';
import { connectRedis, connectTemporalClient, GrantStore, RedisSecretVault, RequestChangePublisher, requestStatusKey, temporalSettings, type Redis } from '../../lib';
import type { GatehouseConfig } from '../../policy';
import type { AccessStatus, RequestState } from '../../workflows';
import { FakeCredentialProvider, MemoryArchiver, RecordingNotifier } from './doubles';
import { eventually, PATIENCE_MS } from './eventually';

// The worker, the activities, the access client and the policy parser are loaded when first used:
// about half the suites that import this file want only testRedisUrl, waitForState or testConfig,
// and jest loads every module again for each suite (@temporalio/worker, webpack's loader with it).

/** The SDK logs every worker state change at INFO; tests want warnings and errors only. Once per test process. */
export async function quietTemporalRuntime(): Promise<void> {
  const { DefaultLogger, Runtime } = await import('@temporalio/worker');
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this test process
  }
}

export const TEST_CONFIG_YAML = `
version: 1
defaults:
  maxDuration: 1h
  approvalTimeout: 4s
  commandApprovalTimeout: 3s
  expiringSoonWarning: 1s
groups:
  clinical-approvers: [alice@example.org, bob@example.org]
  analysts: [carol@example.org, alice@example.org, agent:ci-nightly]
targets:
  - name: clinical
    description: Clinical warehouse, read-only
    upstream: { type: stdio, command: node, args: [server.js] }
    credentials: { provider: fake }
    scope: { role: CLINICAL_READ, objects: [CLINICAL.PHI.PATIENTS] }
    maxDuration: 20s
    requesters: [group:analysts]
    approvers: { channel: C0APPROVERS, members: [group:clinical-approvers] }
    autoApprove:
      - requesters: [agent:ci-nightly]
        maxDuration: 10s
`;

export function testConfig(yaml = TEST_CONFIG_YAML): GatehouseConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- on first use, and synchronous (see above)
  const { parseConfig } = require('../../policy') as typeof import('../../policy');
  return parseConfig(yaml, 'test-config.yaml');
}

export function testRedisUrl(): string {
  const url = process.env.GATEHOUSE_TEST_REDIS_URL;
  if (!url) throw new Error('GATEHOUSE_TEST_REDIS_URL is not set: run the tests through npm test (the jest global setup starts Redis)');
  return url;
}

export interface Harness {
  access: AccessClient;
  client: Client;
  config: GatehouseConfig;
  grants: GrantStore;
  vault: RedisSecretVault;
  redis: Redis;
  provider: FakeCredentialProvider;
  notifier: RecordingNotifier;
  archiver: MemoryArchiver;
  taskQueue: string;
  worker: Worker;
  /** The key the worker seals the statuses it pushes with (an API's change feed opens them with it). */
  statusKey: Buffer;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: GatehouseConfig;
  provider?: (vault: RedisSecretVault) => CredentialProvider;
  /** A real archiver instead of the in-memory double (`harness.archiver` then stays unused). */
  archiver?: (redis: Redis) => Archiver;
  /** False: the worker keeps no status snapshots, so notices and the archive read the status by query. */
  statusSnapshots?: boolean;
  /** The grant token and vault keys (default: fresh ones), e.g. shared with gateway processes the test starts. */
  keys?: { token: Buffer; vault: Buffer };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  await quietTemporalRuntime();
  /* eslint-disable @typescript-eslint/no-require-imports -- on first use (see above) */
  const { createAccessActivities, CredentialProviders, StatusSnapshots } = require('../../activities') as typeof import('../../activities');
  const { AccessClient } = require('../../access') as typeof import('../../access');
  const { createAccessWorker } = require('../../worker') as typeof import('../../worker');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const config = options.config ?? testConfig();
  const redis = connectRedis(testRedisUrl());
  const grants = new GrantStore(redis, options.keys?.token ?? randomBytes(32));
  const vaultKey = options.keys?.vault ?? randomBytes(32);
  const vault = new RedisSecretVault(redis, vaultKey);
  const statusKey = requestStatusKey(vaultKey);
  const provider = new FakeCredentialProvider(vault);
  const chosen = options.provider?.(vault) ?? provider;
  const notifier = new RecordingNotifier();
  const archiver = new MemoryArchiver();
  const providers = new CredentialProviders(config.targets, { fake: () => chosen });
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  // The test stack's address and payload keys (global-setup.ts), on a queue of its own.
  const temporal = { ...temporalSettings(), taskQueue };
  // As the worker process does: the workflows' status snapshots for notices and the archive.
  const snapshots = options.statusSnapshots === false ? undefined : new StatusSnapshots();
  const { worker, connection } = await createAccessWorker({
    temporal,
    taskQueue,
    statusSnapshots: snapshots,
    activities: createAccessActivities({ notifier, providers, grants, vault, archiver: options.archiver?.(redis) ?? archiver, snapshots }),
    workflowBundlePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE,
    // As the worker process does: request changes announced in Redis for the API's long-polls, statuses sealed.
    requestChanges: new RequestChangePublisher(redis, undefined, statusKey),
  });
  const running = worker.run();
  const client = await connectTemporalClient(temporal);
  // With revocation's fast path, as the API and the Slack app run it.
  const access = new AccessClient(client, config, taskQueue, { revocations: grants.revocations() });
  return {
    access, client, config, grants, vault, redis, provider, notifier, archiver, taskQueue, worker, statusKey,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await client.connection.close();
      redis.disconnect();
    },
  };
}

/** Polls the workflow's status query until `predicate` holds. */
export async function waitForStatus(access: AccessClient, requestId: string, predicate: (s: AccessStatus) => boolean, timeoutMs = PATIENCE_MS): Promise<AccessStatus> {
  let last: AccessStatus | undefined;
  try {
    return await eventually(async () => {
      last = await access.status(requestId);
      return predicate(last) && last;
    }, `the status of ${requestId} to match`, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last state ${last?.state}\n${JSON.stringify(last?.timeline, null, 1)}`, { cause: error });
  }
}

export const waitForState = (access: AccessClient, requestId: string, state: RequestState, timeoutMs?: number) =>
  waitForStatus(access, requestId, (s) => s.state === state, timeoutMs);
