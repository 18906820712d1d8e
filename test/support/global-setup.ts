import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startRedisServer, startTemporalServer } from '../../devstack';
import { ENCODED_FAILURE_CONVERTER_PATH, generatePayloadKey, stateDir } from '../../lib';

/**
 * One Temporal dev server, one private Redis and one workflow bundle for the whole run.
 * Suites that need none of them run with GATEHOUSE_STACK=none.
 */
export default async function globalSetup(): Promise<void> {
  // Workflow payloads are encrypted in the test stack as in production; every client, worker
  // and spawned service of the run shares this key (test/support/history.ts decodes with it).
  process.env.GATEHOUSE_PAYLOAD_KEYS ??= generatePayloadKey('test');
  if (process.env.GATEHOUSE_STACK === 'none') return;
  const log = (message: string) => process.stderr.write(`[test stack] ${message}\n`);
  const dir = stateDir('test', String(process.pid));
  const g = globalThis as Record<string, unknown>;
  if (!process.env.TEMPORAL_ADDRESS) {
    const temporal = await startTemporalServer({ dbFile: join(dir, 'temporal.db'), fresh: true, log });
    process.env.TEMPORAL_ADDRESS = temporal.address;
    g.__gatehouseTemporal = temporal;
  }
  if (!process.env.GATEHOUSE_TEST_REDIS_URL) {
    const redis = await startRedisServer({ dataDir: dir });
    process.env.GATEHOUSE_TEST_REDIS_URL = redis.url;
    g.__gatehouseRedis = redis;
  }
  if (!process.env.GATEHOUSE_WORKFLOW_BUNDLE) {
    // Workflow failures are encoded inside the bundle (lib/failure-converter.ts), as in production.
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH, logger: quietLogger });
    const path = join(dir, 'workflow-bundle.js');
    writeFileSync(path, code);
    process.env.GATEHOUSE_WORKFLOW_BUNDLE = path;
  }
  g.__gatehouseStateDir = dir;
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => process.stderr.write(`${m}\n`), log: noop };
