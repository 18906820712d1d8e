import { createHmac, randomBytes } from 'node:crypto';
import { eventually } from '../../lib/eventually';
import { optionsProblems } from './block-kit';
import { SLACK_WAIT_MS } from './wait';
import { messageJson } from './methods';
import type { SocketModeHub } from './socket-mode';
import type { ResponseUrlPost, SlackView, SlackWorkspace } from './workspace';

/**
 * Plays the part of Slack towards the app: sends slash commands, button clicks and modal
 * submissions to a Bolt endpoint, form-encoded and signed exactly as Slack does
 * (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 *
 *   X-Slack-Request-Timestamp: <unix seconds>
 *   X-Slack-Signature: v0=hex(HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>"))
 *
 * Slash commands are the command's fields as a form; interactions are one form field,
 * `payload`, holding the JSON. The ids in them (user, channel, trigger_id, response_url) come
 * from the local workspace, so what the app does next (views.open, a response_url post) lands
 * in that same workspace and can be checked.
 */

export interface SignedHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

/** The two headers Slack adds to every request it sends an app. */
export function signSlackRequest(signingSecret: string, rawBody: string, timestampSec = Math.floor(Date.now() / 1000)): SignedHeaders {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSec), 'x-slack-signature': `v0=${signature}` };
}

export interface DeliveryOptions {
  /** Sign with a wrong secret (the app must refuse the request). */
  forgeSignature?: boolean;
  /** Pretend the request was sent this many seconds ago (Bolt refuses more than 300). */
  ageSec?: number;
  /** Send no signature headers at all. */
  unsigned?: boolean;
}

export interface Delivery {
  /** The app's HTTP answer (Slack shows a non-empty ack body to the user). */
  status: number;
  text: string;
  /** The ack body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** The exact form body sent. */
  rawBody: string;
  /** What the app received: the command fields or the interaction payload. */
  sent: Record<string, unknown>;
  /** The response_url handed to the app (command and click). */
  responseUrl?: string;
  /** The trigger_id handed to the app (usable once with views.open, for triggerTtlMs). */
  triggerId?: string;
  /** How long the app took to answer. Slack gives up after 3 s (`ackWithinLimit` false). */
  elapsedMs: number;
  ackWithinLimit: boolean;
  /** Posts the app has made to `responseUrl` so far (wait for them with `waitForResponses`). */
  responses(): ResponseUrlPost[];
}

export interface SlackDriverOptions {
  workspace: SlackWorkspace;
  /** The app's request URL, e.g. http://127.0.0.1:3000/slack/events. */
  endpoint?: string;
  signingSecret?: string;
  /**
   * Socket Mode instead: envelopes to the app connected to the local Slack (the payloads are the
   * same; signatures do not apply, the app authenticated with its app-level token).
   */
  socket?: SocketModeHub;
  /** Slack's deprecated verification token, sent as `token` in payloads. */
  verificationToken?: string;
}

export interface SlashCommandInput {
  /** Who types it: a user id or handle. */
  user: string;
  /** Where: a channel id or name (a DM works too). */
  channel: string;
  /** Default `/access`. */
  command?: string;
  text?: string;
}

export interface ButtonClickInput {
  user: string;
  channel: string;
  /** The message holding the button. */
  messageTs: string;
  actionId: string;
  /** When two buttons share an action_id, the one with this value. */
  value?: string;
}

export interface ViewSubmissionInput {
  user: string;
  /** Default: the person's most recently opened modal. */
  viewId?: string;
  /**
   * What the person entered, by input block_id. A string is turned into the state Slack sends
   * for that block's element (plain_text_input → value, static_select → selected_option, …);
   * an object is sent as the element's state unchanged.
   */
  values?: Record<string, string | string[] | Record<string, unknown>>;
}

type Obj = Record<string, unknown>;

/** Slack shows the person an error when the app has not answered within 3 seconds. */
const SLACK_ACK_LIMIT_MS = 3_000;

export class SlackDriver {
  private readonly ws: SlackWorkspace;
  private readonly verificationToken: string;

  constructor(private readonly options: SlackDriverOptions) {
    this.ws = options.workspace;
    this.verificationToken = options.verificationToken ?? 'local-verification-token';
  }

  /** A person types `/access …` in a channel. */
  async command(input: SlashCommandInput, options: DeliveryOptions = {}): Promise<Delivery> {
    const user = this.ws.requireUser(input.user);
    const channel = this.ws.requireChannel(input.channel);
    const responseUrl = this.ws.issueResponseUrl('command', channel.id, user.id);
    const triggerId = this.ws.issueTrigger(user.id);
    // Field order as Slack sends them.
    const fields: Record<string, string> = {
      token: this.verificationToken,
      team_id: this.ws.team.id,
      team_domain: this.ws.team.domain,
      channel_id: channel.id,
      channel_name: channel.kind === 'im' ? 'directmessage' : channel.name,
      user_id: user.id,
      user_name: user.name,
      command: input.command ?? '/access',
      text: input.text ?? '',
      api_app_id: this.ws.app.id,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    };
    const rawBody = new URLSearchParams(fields).toString();
    const delivery = await this.deliver(rawBody, fields, options, { responseUrl, triggerId });
    // Slack shows a non-empty ack to the person who typed the command.
    if (delivery.status === 200 && delivery.text) {
      const body = typeof delivery.json === 'object' && delivery.json ? (delivery.json as Obj) : { text: delivery.text };
      this.ws.applyResponse({ channel: channel.id, user: user.id }, body, 'response_url');
    }
    return delivery;
  }

  /** A person clicks a button on a message the app posted; the button must be on that message. */
  async clickButton(input: ButtonClickInput, options: DeliveryOptions = {}): Promise<Delivery> {
    const user = this.ws.requireUser(input.user);
    const channel = this.ws.requireChannel(input.channel);
    const message = this.ws.message(channel.id, input.messageTs);
    if (!message) throw new Error(`no message ${input.messageTs} in #${channel.name}: nothing to click`);
    const found = findButton(message.blocks ?? [], input.actionId, input.value);
    if (!found) {
      throw new Error(`message ${input.messageTs} in #${channel.name} has no button with action_id "${input.actionId}"${input.value ? ` and value "${input.value}"` : ''}`);
    }
    const responseUrl = this.ws.issueResponseUrl('action', channel.id, user.id, message.ts);
    const triggerId = this.ws.issueTrigger(user.id);
    const action: Obj = {
      action_id: input.actionId,
      block_id: found.blockId,
      text: found.button.text,
      type: 'button',
      action_ts: this.ws.nextTs(),
    };
    if (found.button.value !== undefined) action.value = found.button.value;
    if (found.button.style !== undefined) action.style = found.button.style;
    const payload: Obj = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: this.ws.team.id },
      api_app_id: this.ws.app.id,
      token: this.verificationToken,
      container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: false, ...(message.threadTs && message.threadTs !== message.ts ? { thread_ts: message.threadTs } : {}) },
      trigger_id: triggerId,
      team: { id: this.ws.team.id, domain: this.ws.team.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel.id, name: channel.kind === 'im' ? 'directmessage' : channel.name },
      message: messageJson(this.ws, message, { includeMetadata: false }),
      state: { values: {} },
      response_url: responseUrl,
      actions: [action],
    };
    return this.deliverPayload(payload, options, { responseUrl, triggerId });
  }

  /** A person presses Submit on a modal the app opened for them. */
  async submitView(input: ViewSubmissionInput, options: DeliveryOptions = {}): Promise<Delivery> {
    const user = this.ws.requireUser(input.user);
    const view = input.viewId ? this.ws.views.get(input.viewId) : this.ws.latestView(user.id);
    if (!view) throw new Error(input.viewId ? `no view ${input.viewId} in the local workspace` : `no modal is open for @${user.name}`);
    if (view.closed) throw new Error(`view ${view.id} is closed; it can no longer be submitted`);
    if (view.userId !== user.id) throw new Error(`view ${view.id} was opened for another person`);
    const payload: Obj = {
      type: 'view_submission',
      team: { id: this.ws.team.id, domain: this.ws.team.domain },
      user: { id: user.id, username: user.name, name: user.name, team_id: this.ws.team.id },
      api_app_id: this.ws.app.id,
      token: this.verificationToken,
      trigger_id: this.ws.issueTrigger(user.id),
      view: { ...viewPayload(this.ws, view), state: { values: stateValues(view, input.values ?? {}) } },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const delivery = await this.deliverPayload(payload, options, {});
    if (delivery.status === 200) applyViewAck(this.ws, view, delivery);
    return delivery;
  }

  /**
   * A person types into an external select (`block_suggestion`): the app answers with options,
   * which are checked as Slack checks them (at most 100, each a valid option object); an answer
   * Slack would refuse throws with the problems.
   */
  async suggestOptions(input: { user: string; blockId: string; actionId?: string; value?: string; viewId?: string }, options: DeliveryOptions = {}): Promise<{ delivery: Delivery; options: Obj[] }> {
    const user = this.ws.requireUser(input.user);
    const view = input.viewId ? this.ws.views.get(input.viewId) : this.ws.latestView(user.id);
    if (!view) throw new Error(`no modal is open for @${user.name}`);
    const payload: Obj = {
      type: 'block_suggestion',
      user: { id: user.id, username: user.name, name: user.name, team_id: this.ws.team.id },
      container: { type: 'view', view_id: view.id },
      api_app_id: this.ws.app.id,
      token: this.verificationToken,
      block_id: input.blockId,
      action_id: input.actionId ?? 'value',
      value: input.value ?? '',
      team: { id: this.ws.team.id, domain: this.ws.team.domain },
      view: viewPayload(this.ws, view),
      is_enterprise_install: false,
      enterprise: null,
    };
    const delivery = await this.deliverPayload(payload, options, {});
    const answer = (delivery.json ?? {}) as Obj;
    const problems = optionsProblems(answer);
    if (problems.length) throw new Error(`Slack would show no options: ${problems.join('; ')}`);
    return { delivery, options: Array.isArray(answer.options) ? (answer.options as Obj[]) : [] };
  }

  private deliverPayload(payload: Obj, options: DeliveryOptions, extra: { responseUrl?: string; triggerId?: string }): Promise<Delivery> {
    const rawBody = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.deliver(rawBody, payload, options, extra);
  }

  private async deliver(rawBody: string, sent: Obj, options: DeliveryOptions, extra: { responseUrl?: string; triggerId?: string }): Promise<Delivery> {
    if (this.options.socket) return this.deliverOverSocket(this.options.socket, rawBody, sent, extra);
    if (!this.options.endpoint || !this.options.signingSecret) throw new Error('the driver needs an endpoint and a signing secret (or a Socket Mode hub)');
    const timestamp = Math.floor(Date.now() / 1000) - (options.ageSec ?? 0);
    const secret = options.forgeSignature ? `forged-${randomBytes(8).toString('hex')}` : this.options.signingSecret;
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      accept: 'application/json,*/*',
      ...(options.unsigned ? {} : signSlackRequest(secret, rawBody, timestamp)),
    };
    const started = Date.now();
    const response = await fetch(this.options.endpoint, { method: 'POST', headers, body: rawBody });
    const text = await response.text();
    const elapsedMs = Date.now() - started;
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const responseUrl = extra.responseUrl;
    return {
      status: response.status,
      text,
      json,
      rawBody,
      sent,
      elapsedMs,
      ackWithinLimit: elapsedMs <= SLACK_ACK_LIMIT_MS,
      responseUrl,
      triggerId: extra.triggerId,
      responses: () => (responseUrl ? this.ws.responses.filter((r) => r.url === responseUrl) : []),
    };
  }

  /** The same payloads as envelopes over Socket Mode; the ack's payload plays the HTTP answer's body. */
  private async deliverOverSocket(hub: SocketModeHub, rawBody: string, sent: Obj, extra: { responseUrl?: string; triggerId?: string }): Promise<Delivery> {
    const isCommand = typeof sent.command === 'string';
    const ack = await hub.deliver(isCommand ? 'slash_commands' : 'interactive', sent, isCommand || sent.type === 'view_submission' || sent.type === 'block_suggestion');
    const responseUrl = extra.responseUrl;
    return {
      status: 200,
      text: ack.payload ? JSON.stringify(ack.payload) : '',
      json: ack.payload,
      rawBody,
      sent,
      elapsedMs: ack.elapsedMs,
      ackWithinLimit: ack.elapsedMs <= SLACK_ACK_LIMIT_MS,
      responseUrl,
      triggerId: extra.triggerId,
      responses: () => (responseUrl ? this.ws.responses.filter((r) => r.url === responseUrl) : []),
    };
  }
}

/** Waits until the app has posted `count` times to a delivery's response_url (Bolt's respond() is async). */
export async function waitForResponses(delivery: Delivery, count = 1, timeoutMs = SLACK_WAIT_MS): Promise<ResponseUrlPost[]> {
  return eventually(
    () => { const responses = delivery.responses(); return responses.length >= count && responses; },
    () => `${count} response_url post(s); got ${delivery.responses().length}`,
    { timeoutMs },
  );
}

function findButton(blocks: unknown[], actionId: string, value?: string): { blockId: string; button: Obj } | undefined {
  for (const [index, raw] of blocks.entries()) {
    if (!raw || typeof raw !== 'object') continue;
    const block = raw as Obj;
    const elements: unknown[] = block.type === 'actions' && Array.isArray(block.elements) ? block.elements : block.accessory ? [block.accessory] : [];
    for (const el of elements) {
      const e = el as Obj;
      if (e.type === 'button' && e.action_id === actionId && (value === undefined || e.value === value)) {
        // Slack generates a block_id when the app sets none; a stable one per position stands in.
        return { blockId: typeof block.block_id === 'string' ? block.block_id : `gen${index}`, button: e };
      }
    }
  }
  return undefined;
}

function viewPayload(ws: SlackWorkspace, v: SlackView): Obj {
  const d = v.definition;
  return {
    id: v.id, team_id: v.teamId, type: v.type, blocks: d.blocks ?? [], private_metadata: v.privateMetadata,
    callback_id: v.callbackId, hash: v.hash, title: d.title, clear_on_close: !!d.clear_on_close,
    notify_on_close: !!d.notify_on_close, close: d.close ?? null, submit: d.submit ?? null,
    previous_view_id: v.previousViewId, root_view_id: v.rootViewId, app_id: ws.app.id, external_id: v.externalId,
    app_installed_team_id: ws.team.id, bot_id: ws.app.botId,
  };
}

/** Builds `view.state.values` ({ block_id: { action_id: state } }) from what the person entered. */
function stateValues(view: SlackView, entered: NonNullable<ViewSubmissionInput['values']>): Record<string, Record<string, unknown>> {
  const blocks = Array.isArray(view.definition.blocks) ? (view.definition.blocks as Obj[]) : [];
  const values: Record<string, Record<string, unknown>> = {};
  const known = new Set<string>();
  for (const block of blocks) {
    if (block.type !== 'input' || typeof block.block_id !== 'string' || !block.element || typeof block.element !== 'object') continue;
    known.add(block.block_id);
    const element = block.element as Obj;
    const actionId = typeof element.action_id === 'string' ? element.action_id : 'input';
    const given = entered[block.block_id];
    values[block.block_id] = { [actionId]: elementState(element, given) };
  }
  const unknown = Object.keys(entered).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`view ${view.id} has no input block(s) ${unknown.join(', ')} (it has: ${[...known].join(', ') || 'none'})`);
  return values;
}

function elementState(element: Obj, given: string | string[] | Record<string, unknown> | undefined): Record<string, unknown> {
  const type = String(element.type);
  if (given !== undefined && typeof given === 'object' && !Array.isArray(given)) return { type, ...given };
  const options = Array.isArray(element.options) ? (element.options as Obj[]) : [];
  const option = (v: string) => {
    const o = options.find((x) => x.value === v);
    if (!o) throw new Error(`"${v}" is not an option of ${String(element.action_id)} (options: ${options.map((x) => String(x.value)).join(', ')})`);
    return o;
  };
  switch (type) {
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: typeof given === 'string' ? option(given) : null };
    case 'external_select':
      // The chosen option came from the app's own suggestions (suggestOptions).
      return { type, selected_option: typeof given === 'string' ? { text: { type: 'plain_text', text: given }, value: given } : null };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: (Array.isArray(given) ? given : given ? [given] : []).map(option) };
    case 'users_select':
      return { type, selected_user: typeof given === 'string' ? given : null };
    case 'conversations_select':
    case 'channels_select':
      return { type, selected_conversation: typeof given === 'string' ? given : null };
    case 'datepicker':
      return { type, selected_date: typeof given === 'string' ? given : null };
    default:
      return { type, value: typeof given === 'string' ? given : null };
  }
}

/** What Slack does with the ack of a view_submission: close, show errors, update or push. */
function applyViewAck(ws: SlackWorkspace, view: SlackView, delivery: Delivery): void {
  const ack = typeof delivery.json === 'object' && delivery.json ? (delivery.json as Obj) : undefined;
  const action = ack?.response_action;
  if (action === 'errors') return;
  if (action === 'update' && ack?.view && typeof ack.view === 'object') {
    view.definition = ack.view as Obj;
    return;
  }
  if (action === 'push' && ack?.view && typeof ack.view === 'object') {
    const definition = ack.view as Obj;
    const id = ws.newId('V');
    ws.views.set(id, {
      id, teamId: ws.team.id, userId: view.userId, type: String(definition.type ?? 'modal'), callbackId: String(definition.callback_id ?? ''),
      privateMetadata: String(definition.private_metadata ?? ''), externalId: '', hash: `${Date.now()}.push`, rootViewId: view.rootViewId,
      previousViewId: view.id, definition, openedAt: new Date().toISOString(), closed: false,
    });
    return;
  }
  if (action === 'clear') {
    for (const v of ws.views.values()) if (v.rootViewId === view.rootViewId) v.closed = true;
    return;
  }
  view.closed = true;
}
