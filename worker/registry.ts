import { createAuditArchiver } from '../activities/archive';
import { slackNotifierComponent } from '../activities/notify/component';
import type { ComponentRegistry } from './components';

/**
 * The implementations this build ships; gatehouse.yaml and the environment choose among them.
 * Still to come: the Snowflake credential provider (Snowflake issue).
 */
export const builtInComponents: ComponentRegistry = {
  notifier: slackNotifierComponent,
  providers: {},
  archiver: (ctx) => createAuditArchiver(ctx),
};
