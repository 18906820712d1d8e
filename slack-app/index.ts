/**
 * slack-app: the Gatehouse Slack app (Bolt). `/access` starts requests; the buttons on the
 * notifier's messages (activities/notify) approve, deny, revoke, extend and decide held
 * commands. Run it with `gatehouse slack-app`.
 */
export { createSlackApp, startSlackApp, type SlackAppOptions, type RunningSlackApp } from './app';
export { runSlackApp, slackAppSettings, type SlackAppSettings } from './run';
export { parseAccessCommand, invalidMessage, usage, FORMS, type AccessCommand } from './commands';
export { SlackIdentity, type Identity } from './identity';
export { decisionRefusal, approverRefusal, revokeRefusal, extendRefusal, statusRefusal } from './rules';
export { Views, Inputs, targetOptions, requestModal, denyModal, extendModal, readRequestForm, readReason, readExtension, statusText, statusList } from './views';
export {
  registerListeners, accessCommand, approveClicked, denyClicked, revokeClicked, extendClicked, extensionDecided, commandDecided,
  requestSubmitted, denySubmitted, extendSubmitted, targetSuggestions, type ListenerContext, type ListenerClient, type ActionArgs, type ViewArgs, type CommandArgs,
} from './listeners';
