import type { App } from '@slack/bolt';
import * as command from './actions/command';
import * as decision from './actions/decision';
import * as extension from './actions/extension';
import * as revoke from './actions/revoke';
import * as access from './commands/access';
import type { ListenerContext } from './context';
import * as denyView from './views/deny';
import * as targetOptions from './options/targets';
import * as extendView from './views/extend';
import * as requestView from './views/request';

/**
 * Every listener of the app, one file per interaction (Bolt's starter template): each exports
 * `register(app, ctx)` and its handler, which a test can call with a fake ack and client.
 */
export function registerListeners(app: App, ctx: ListenerContext): void {
  for (const listener of [access, requestView, targetOptions, decision, denyView, revoke, extension, extendView, command]) listener.register(app, ctx);
}

export type { ListenerContext, ListenerClient, ActionArgs, ViewArgs } from './context';
export { accessCommand, type CommandArgs } from './commands/access';
export { approveClicked, denyClicked } from './actions/decision';
export { revokeClicked } from './actions/revoke';
export { extendClicked, extensionDecided } from './actions/extension';
export { commandDecided } from './actions/command';
export { requestSubmitted } from './views/request';
export { denySubmitted } from './views/deny';
export { extendSubmitted } from './views/extend';
export { targetSuggestions, type OptionsArgs } from './options/targets';
