// The real worker entry point (runWorker) in its own process, with Redis-backed doubles for the
// components other issues deliver, so tests can kill it (SIGKILL), stop it (SIGTERM) and start
// another. Run with tsx; configured entirely through the environment like the real worker.
import type { ComponentRegistry } from '../../worker';
import { runWorker } from '../../worker';
import { MemoryArchiver, RedisBackedNotifier, RedisBackedProvider } from './doubles';

const prefix = process.env.DOUBLES_PREFIX!;
const registry: ComponentRegistry = {
  notifier: ({ redis }) => new RedisBackedNotifier(redis, prefix),
  providers: { fake: ({ redis }) => () => new RedisBackedProvider(redis, prefix) },
  archiver: () => new MemoryArchiver(),
};
const healthPort = process.env.HEALTH_PORT ? Number(process.env.HEALTH_PORT) : undefined;

runWorker({ registry, healthPort, extra: { stickyQueueScheduleToStartTimeout: '1s' }, workflowBundlePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE }).catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
