import { createAuditArchiver } from '../activities/archive';
import type { ComponentRegistry } from './components';

/**
 * The implementations this build ships. Still to come: the Slack notifier (slack-app issue) and
 * the Snowflake credential provider (Snowflake issue).
 */
export const builtInComponents: ComponentRegistry = {
  providers: {},
  archiver: (ctx) => createAuditArchiver(ctx),
};
