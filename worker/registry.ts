import { snowflakeProviderFactory } from '../activities';
import { createAuditArchiver } from './archiver';
import type { ComponentRegistry } from './components';
import { slackNotifierComponent } from './notifier';

/**
 * The implementations this build ships; gatehouse.yaml and the environment choose among them.
 */
export const builtInComponents: ComponentRegistry = {
  notifier: slackNotifierComponent,
  providers: { snowflake: (ctx) => snowflakeProviderFactory(ctx) },
  archiver: (ctx) => createAuditArchiver(ctx),
};
