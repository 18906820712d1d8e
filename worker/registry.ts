import { createAuditArchiver } from '../activities/archive';
import { slackNotifierComponent } from '../activities/notify/component';
import { snowflakeProviderFactory } from '../activities/credentials/snowflake';
import type { ComponentRegistry } from './components';

/**
 * The implementations this build ships; gatehouse.yaml and the environment choose among them.
 */
export const builtInComponents: ComponentRegistry = {
  notifier: slackNotifierComponent,
  providers: { snowflake: (ctx) => snowflakeProviderFactory(ctx) },
  archiver: (ctx) => createAuditArchiver(ctx),
};
