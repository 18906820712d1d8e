/**
 * devstack/slack: a local Slack for development and tests.
 *
 *   const slack = await startLocalSlack({ seed: DEMO_SEED });          // Web API on loopback
 *   const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl });
 *   const driver = slack.driver({ endpoint: boltUrl, signingSecret }); // plays Slack towards the app
 *   await driver.command({ user: 'alice', channel: 'general', text: 'analytics 1h why' });
 *   slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
 *   console.log(renderChannel(slack.workspace, 'phi-approvers'));
 */
export { startLocalSlack, createSlackApi, type LocalSlack, type LocalSlackOptions, type FailureSpec, type AppEndpoint } from './server';
export { serveLocalSlack, type ServeLocalSlackOptions } from './serve';
export { planSlackDev, type SlackDevPlan, type LocalSlackIndex } from './dev';
export {
  SlackWorkspace, SlackApiError, ALL_BOT_SCOPES, tsToMicros,
  type SlackUser, type SlackChannel, type SlackMessage, type EphemeralMessage, type MessageUpdate, type SlackView,
  type ResponseUrlPost, type ApiCallRecord, type WorkspaceSeed, type UserSeed, type ChannelSeed, type MessageMetadata, type SlackFile,
} from './workspace';
export {
  SlackDriver, signSlackRequest, waitForResponses,
  type SlackDriverOptions, type DeliveryOptions, type Delivery, type SlashCommandInput, type ButtonClickInput,
  type ViewSubmissionInput, type SignedHeaders,
} from './driver';
export { renderChannel, blocksToLines, type RenderOptions } from './render';
export { channelMessagesHtml, channelPage, type ChannelHtmlOptions } from './channel-html';
export { blocksHtml, textObjectHtml } from './block-kit-html';
export { mrkdwnHtml, plainTextHtml, escapeHtml, type MentionNames } from './mrkdwn';
export { LIMITS as BLOCK_KIT_LIMITS, messageBlockProblems, viewProblems, optionsProblems } from './block-kit';
export { DEMO_SEED, seedFromConfig } from './seed';
export { startLocalSlackProcess, type LocalSlackProcess } from './process';
export { waitForMessage, waitForEphemeral, type MessageMatch } from './wait';
export { SocketModeHub, type SocketAck } from './socket-mode';
