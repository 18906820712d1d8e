export type { Notifier } from './notifier';
export {
  SlackTransport, SlackTransportError, IDEMPOTENCY_EVENT_TYPE,
  type SlackTransportOptions, type SlackTransportErrorCode, type OutgoingMessage, type PostedMessage, type MessageEdit, type EphemeralNote,
} from './slack-transport';
export { SlackNotifier, slackNotifierSettings, targetFacts, type SlackNotifierOptions, type SlackNotifierSettings } from './slack-notifier';
// The Slack vocabulary (action ids, button values, escaping, state lines) lives in lib/slack.
export { requestMessage, codeBlock, type TargetFacts, type SlackMessageContent } from './slack-blocks';
