// The real runWorker with the real audit archiver (configured from the environment like in
// production) and Redis-backed doubles for Slack and Snowflake. The archiver sits behind a gate
// the test opens: until then every archive attempt fails, so a test can kill the worker after
// revocation and before archival.
import { createAuditArchiver, runWorker, type ComponentRegistry } from '../../worker';
import { RedisBackedNotifier, RedisBackedProvider } from './doubles';

const prefix = process.env.DOUBLES_PREFIX!;
const registry: ComponentRegistry = {
  notifier: ({ redis }) => new RedisBackedNotifier(redis, prefix),
  providers: { fake: ({ redis }) => () => new RedisBackedProvider(redis, prefix) },
  archiver: (ctx) => {
    const real = createAuditArchiver(ctx);
    return {
      async archive(status) {
        if (!(await ctx.redis.exists(`${prefix}:archive-gate`))) {
          await ctx.redis.rpush(`${prefix}:archive-attempts`, status.requestId);
          throw new Error('the archive gate is closed (test)');
        }
        return real.archive(status);
      },
    };
  },
};

runWorker({ registry, extra: { stickyQueueScheduleToStartTimeout: '1s' }, workflowBundlePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE }).catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
