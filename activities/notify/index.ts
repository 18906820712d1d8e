export type { Notifier } from './notifier';
export {
  SlackTransport, SlackTransportError, IDEMPOTENCY_EVENT_TYPE,
  type SlackTransportOptions, type SlackTransportErrorCode, type OutgoingMessage, type PostedMessage, type MessageEdit, type EphemeralNote, type FileShare,
} from './slack-transport';
export { SlackNotifier, slackNotifierSettings, targetFacts, fullTextFileName, type SlackNotifierOptions, type SlackNotifierSettings } from './slack-notifier';
// The Slack vocabulary (action ids, button values, escaping, state lines) lives in lib/slack.
export {
  requestMessage, reducedMessage, requesterDm, notDeliveredDm, decidedReply, issuedReply, activeReply, sessionReply, grantReusedReply, commandMessage, commandOutcome,
  commandDecidedReply, expiringSoonMessage, extensionMessage, extensionDecidedReply, revokedReply, archivedReply, expiredReply, failedReply,
  fullTextMessages, codeBlock, BLOCK_TEXT_MAX, FIELD_TEXT_MAX, type TargetFacts, type SlackMessageContent, type FullText,
} from './slack-blocks';
export { QuickNotices, QUICK_TRANSPORT, QUICK_PAUSE_MS } from './quick-notices';
