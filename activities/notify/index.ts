export type { Notifier } from './notifier';
export {
  SlackTransport, SlackTransportError, IDEMPOTENCY_EVENT_TYPE,
  type SlackTransportOptions, type SlackTransportErrorCode, type OutgoingMessage, type PostedMessage, type MessageEdit, type EphemeralNote,
} from './slack-transport';
export { SlackNotifier, slackNotifierSettings, targetFacts, type SlackNotifierOptions, type SlackNotifierSettings } from './slack-notifier';
export { slackNotifierComponent } from './component';
export {
  SlackActions, buttonValue, parseButtonValue, requestMessage, stateLine, escapeText, codeBlock, utcTime, isFinal, systemName,
  type SlackActionId, type Who, type TargetFacts, type SlackMessageContent,
} from './slack-blocks';
