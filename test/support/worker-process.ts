// A worker in its own process, with Redis-backed doubles, so tests can kill it (SIGKILL) and
// start another. Run with tsx; configured entirely through the environment.
import { createAccessActivities, CredentialProviders } from '../../activities';
import { connectRedis, createLogger, decodeKey, GrantStore, RedisSecretVault, waitForRedis } from '../../lib';

import { createAccessWorker, runUntilSignalled } from '../../worker';
import { RedisBackedNotifier, RedisBackedProvider, MemoryArchiver } from './doubles';
import { testConfig } from './harness';

async function main() {
  const env = process.env;
  const log = createLogger('test-worker');
  const redis = connectRedis(env.GATEHOUSE_TEST_REDIS_URL);
  await waitForRedis(redis);
  const prefix = env.DOUBLES_PREFIX!;
  const grants = new GrantStore(redis, decodeKey(env.GATEHOUSE_GRANT_TOKEN_KEY!, 'GATEHOUSE_GRANT_TOKEN_KEY'));
  const vault = new RedisSecretVault(redis, decodeKey(env.GATEHOUSE_ENCRYPTION_KEY!, 'GATEHOUSE_ENCRYPTION_KEY'));
  const provider = new RedisBackedProvider(redis, prefix);
  const config = testConfig();
  const activities = createAccessActivities({
    notifier: new RedisBackedNotifier(redis, prefix),
    providers: new CredentialProviders(config.targets, { fake: () => provider }),
    grants,
    vault,
    archiver: new MemoryArchiver(),
  });
  const { worker } = await createAccessWorker({
    address: env.TEMPORAL_ADDRESS!,
    taskQueue: env.TEMPORAL_TASK_QUEUE!,
    activities,
    workflowBundlePath: env.GATEHOUSE_WORKFLOW_BUNDLE,
    extra: { stickyQueueScheduleToStartTimeout: '1s' },
  });
  await runUntilSignalled(worker, log);
  redis.disconnect();
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
