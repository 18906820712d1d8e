export type { Notifier } from './notifier';
export {
  SlackTransport, SlackTransportError, IDEMPOTENCY_EVENT_TYPE,
  type SlackTransportOptions, type SlackTransportErrorCode, type OutgoingMessage, type PostedMessage, type MessageEdit, type EphemeralNote,
} from './slack-transport';
