// The real worker entry point (runWorker) with the built-in Snowflake provider, and Redis-backed
// doubles for Slack and the archive: what a deployment's worker does with a target's Snowflake
// settings, at start-up and per grant. Run with tsx; configured through the environment.
import { builtInComponents, runWorker, type ComponentRegistry } from '../../worker';
import { MemoryArchiver, RedisBackedNotifier } from './doubles';

const prefix = process.env.DOUBLES_PREFIX!;
const registry: ComponentRegistry = {
  notifier: ({ redis }) => new RedisBackedNotifier(redis, prefix),
  providers: builtInComponents.providers,
  archiver: () => new MemoryArchiver(),
};

runWorker({ registry, extra: { stickyQueueScheduleToStartTimeout: '1s' } }).catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
