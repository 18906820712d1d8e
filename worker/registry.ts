import type { ComponentRegistry } from './components';

/**
 * The implementations this build ships. Still to come: the Slack notifier (slack-app issue),
 * the Snowflake credential provider (Snowflake issue) and the audit archiver (audit issue).
 */
export const builtInComponents: ComponentRegistry = {
  providers: {},
};
