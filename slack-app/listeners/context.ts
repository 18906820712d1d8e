import type { AccessClient } from '../../access';
import type { Logger } from '../../lib';
import type { GatehouseConfig } from '../../policy';
import type { SlackIdentity } from '../identity';

/**
 * What every listener works with besides Bolt's own arguments. Listeners reach Slack only
 * through the `client` Bolt hands them, so a test can call one with a fake ack and client.
 */
export interface ListenerContext {
  access: AccessClient;
  config: GatehouseConfig;
  /** Knows people by their verified workspace email (users.info). */
  identity: SlackIdentity;
  log: Logger;
  /** The slash command this app answers (default `/access`). */
  command: string;
}

/** The part of the Web API client listeners use (Bolt's `client`, or a fake). */
export interface ListenerClient {
  chat: {
    postEphemeral(args: { channel: string; user: string; text: string }): Promise<unknown>;
    postMessage(args: { channel: string; text: string; blocks?: unknown[] }): Promise<unknown>;
  };
  views: { open(args: { trigger_id: string; view: never }): Promise<unknown> };
}

/** A message only this person sees, through a command's or a click's response_url. */
export type RespondFn = (message: { response_type: 'ephemeral'; replace_original: false; text: string }) => Promise<unknown>;

/** What a button click listener receives (the parts Gatehouse reads). */
export interface ActionArgs {
  ack: () => Promise<void>;
  body: { user: { id: string }; trigger_id?: string; channel?: { id?: string } };
  action: unknown;
  respond: RespondFn;
  client: ListenerClient;
}

/** What a view submission listener receives. */
export interface ViewArgs {
  ack: (response?: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;
  view: { state: { values: unknown }; private_metadata?: string };
  body: { user: { id: string } };
  client: ListenerClient;
}

/**
 * Bolt types a view's ack as a union (a closed view takes no answer); a submission listener
 * answers with errors, so it is registered through this adapter.
 */
export const submission = (listener: (args: ViewArgs) => Promise<void>) => (args: unknown): Promise<void> => listener(args as ViewArgs);
