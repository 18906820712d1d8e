/**
 * lib/slack: the Slack vocabulary the notifier (activities/notify) and the app (slack-app) share:
 * action ids, button values, text escaping and clipping, state lines. No I/O; imports only lib.
 */
export { SlackActions, buttonValue, parseButtonValue, systemName, subjectName, utcTime, type SlackActionId, type Who } from './vocabulary';
export { escapeText, defang, inert, lookAlikes, inlineCode, plainWords, plainLength, clip, chunks, type Clipped, type Measure } from './text';
export { stateLine, isFinal, isLive, type StateLineSource } from './state-line';
export { scopeText, targetFitWarnings, TARGET_TEXT_MAX, type TargetShown } from './fit';
