/**
 * Text as Slack's mrkdwn reads it. `&`, `<` and `>` are control characters there (mentions like
 * `<!channel>`, links): they are escaped first, and lengths are counted on the escaped text,
 * because that is what Slack counts.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */

/** Slack mrkdwn: user text must not become mentions (<!channel>), links or formatting tricks. */
export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
