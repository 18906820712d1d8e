export { startLocalSlack, createSlackApi, type LocalSlack, type LocalSlackOptions, type FailureSpec } from './server';
export {
  SlackWorkspace, SlackApiError, ALL_BOT_SCOPES, tsToMicros,
  type SlackUser, type SlackChannel, type SlackMessage, type EphemeralMessage, type MessageUpdate, type SlackView,
  type ResponseUrlPost, type ApiCallRecord, type WorkspaceSeed, type UserSeed, type ChannelSeed, type MessageMetadata,
} from './workspace';
export {
  SlackDriver, signSlackRequest, waitForResponses,
  type SlackDriverOptions, type DeliveryOptions, type Delivery, type SlashCommandInput, type ButtonClickInput,
  type ViewSubmissionInput, type SignedHeaders,
} from './driver';
export { renderChannel, blocksToLines, type RenderOptions } from './render';
export { DEMO_SEED } from './seed';
