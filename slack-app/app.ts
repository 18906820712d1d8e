import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger, type RespondFn } from '@slack/bolt';
import { escapeText, parseButtonValue, SlackActions, systemName } from '../activities/notify';
import { AccessError, createLogger, formatDuration, type AccessClient, type Logger } from '../lib';
import { evaluateRequest, findTarget, requestableTargets, type GatehouseConfig } from '../policy';
import type { AccessStatus } from '../workflows';
import { invalidMessage, parseAccessCommand, usage } from './commands';
import { SlackIdentity } from './identity';
import { approverRefusal, decisionRefusal, extendRefusal, revokeRefusal, statusRefusal } from './rules';
import {
  decodeContext, denyModal, extendModal, readExtension, readReason, readRequestForm, requestModal, statusList, statusText, Views,
  type ModalContext,
} from './views';

export interface SlackAppOptions {
  /** Bot token (xoxb-…). Never logged, never shown. */
  botToken: string;
  /** Verifies every HTTP request's signature (required unless Socket Mode). */
  signingSecret?: string;
  /** App-level token (xapp-…): Socket Mode instead of the HTTP receiver. */
  appToken?: string;
  /** The Web API base (the local Slack's apiUrl); default Slack's. */
  apiUrl?: string;
  access: AccessClient;
  config: GatehouseConfig;
  /** The slash command this app answers. Default `/access`. */
  command?: string;
  logger?: Logger;
}

export interface RunningSlackApp {
  app: App;
  /** For the HTTP receiver: where Slack must send requests (`…/slack/events`). */
  url?: string;
  mode: 'http' | 'socket';
  stop(): Promise<void>;
}

const who = (subject: string) => systemName(subject) ?? escapeText(subject);

/** Bolt's logger interface over pino (Bolt's debug chatter stays at debug). */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const line = (...m: unknown[]) => m.map((x) => (typeof x === 'string' ? x : x instanceof Error ? x.message : JSON.stringify(x))).join(' ');
  return {
    debug: (...m) => log.debug(line(...m)),
    info: (...m) => log.info(line(...m)),
    warn: (...m) => log.warn(line(...m)),
    error: (...m) => log.error(line(...m)),
    setLevel: (l) => { level = l; },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * The Gatehouse Slack app: `/access` (request, form, status, revoke, help) and the buttons on the
 * messages the notifier posts. Every listener acks first and works after; every refusal is an
 * ephemeral that says what was wrong. Requests and decisions go through AccessClient, whose
 * workflow validators enforce the same rules again.
 */
export function createSlackApp(options: SlackAppOptions): App {
  const log = options.logger ?? createLogger('slack-app');
  const { access, config } = options;
  const socketMode = !!options.appToken;
  if (!socketMode && !options.signingSecret) throw new Error('the Slack app needs a signing secret (SLACK_SIGNING_SECRET) for its HTTP receiver');
  const logger = boltLogger(log);
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
      signingSecret: options.signingSecret!,
      endpoints: '/slack/events',
      logger,
      customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); } }],
    });
  // A person is waiting on every call: a few quick retries, not the client's default half hour.
  const clientOptions = { ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}), logger, retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 } };
  const app = new App({
    token: options.botToken,
    // Socket Mode's own client (apps.connections.open) takes its options from installerOptions.
    ...(socketMode ? { socketMode: true, appToken: options.appToken, installerOptions: { clientOptions } } : { receiver }),
    logger,
    clientOptions,
  });
  const identity = new SlackIdentity(app.client);

  /** A message only this person sees, for a command or a click (through the response_url). */
  const tell = async (respond: RespondFn, text: string) => {
    await respond({ response_type: 'ephemeral', replace_original: false, text });
  };

  /** After a modal closed there is no response_url: an ephemeral where they started, else a DM. */
  const tellAfterModal = async (user: string, context: ModalContext, text: string) => {
    if (context.channel) {
      try {
        await app.client.chat.postEphemeral({ channel: context.channel, user, text });
        return;
      } catch (error) {
        log.debug({ code: (error as { data?: { error?: string } }).data?.error }, 'ephemeral not possible there; sending a DM');
      }
    }
    await app.client.chat.postMessage({ channel: user, text });
  };

  /** What a person is told when something other than a rule went wrong. */
  const failure = (error: unknown, what: string): string => {
    if (error instanceof AccessError) return sentence(error.message);
    log.error({ err: (error as Error)?.message ?? String(error), what }, 'slack app operation failed');
    return `Gatehouse could not ${what} just now (its workflow service did not answer). Nothing was changed; try again in a minute.`;
  };

  /** The person behind a Slack user id, or an ephemeral refusal. */
  const subjectOf = async (userId: string, refuse: (text: string) => Promise<void>): Promise<string | undefined> => {
    let found;
    try {
      found = await identity.resolve(userId);
    } catch (error) {
      log.warn({ code: (error as { data?: { error?: string } }).data?.error ?? (error as Error).message }, 'users.info failed');
      await refuse('Gatehouse could not look up your Slack account just now (users.info failed). Nothing was changed; try again in a minute.');
      return undefined;
    }
    if (found.ok) return found.subject;
    await refuse(`${found.reason} Gatehouse did nothing.`);
    return undefined;
  };

  /** Opens a modal on a trigger (valid for 3 s); a refusal says what to do when Slack says no. */
  const openModal = async (triggerId: string, view: Record<string, unknown>, refuse: (text: string) => Promise<void>) => {
    try {
      await app.client.views.open({ trigger_id: triggerId, view: view as never });
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      log.warn({ code }, 'could not open a modal');
      await refuse(`Slack did not let Gatehouse open the form (${code}); Slack allows 3 seconds for it. Please try again.`);
    }
  };

  const loadStatus = async (requestId: string, refuse: (text: string) => Promise<void>): Promise<AccessStatus | undefined> => {
    try {
      return await access.status(requestId);
    } catch (error) {
      await refuse(failure(error, `look up ${requestId}`));
      return undefined;
    }
  };

  /**
   * The common start of a button click, after the ack: who clicked (verified email), which request
   * (and item, for held commands), its current status, and whether `rule` lets this person act.
   * Anything that fails is answered to the clicker, and the click ends there.
   */
  const clickOn = async (
    { body, action, respond }: ActionArgs,
    rule: (s: AccessStatus, subject: string, item?: string) => string | undefined,
  ) => {
    const refuse = (text: string) => tell(respond, text);
    const { requestId, item } = parseButtonValue((action as { value?: string }).value);
    const subject = await subjectOf(body.user.id, refuse);
    if (!subject) return undefined;
    const s = await loadStatus(requestId, refuse);
    if (!s) return undefined;
    const refusal = rule(s, subject, item);
    if (refusal) {
      await refuse(refusal);
      return undefined;
    }
    return { requestId, item, subject, s, refuse };
  };

  /**
   * The common end of a valid modal submission (after the ack): who submitted, which request the
   * modal was opened for, then `act`; a refusal is told where the modal was opened from.
   */
  const actOnSubmission = async (userId: string, metadata: string, what: string, act: (requestId: string, subject: string) => Promise<unknown>) => {
    const context = decodeContext(metadata);
    const refuse = (text: string) => tellAfterModal(userId, context, text);
    const subject = await subjectOf(userId, refuse);
    if (!subject || !context.requestId) return;
    try {
      await act(context.requestId, subject);
    } catch (error) {
      await refuse(failure(error, `${what} ${context.requestId}`));
    }
  };

  /** What the requester is told once the workflow has started. */
  const startedMessage = (requestId: string, target: string, durationMs: number, subject: string) => {
    const verdict = evaluateRequest(config, subject, target, durationMs);
    const next = verdict.allowed && verdict.policy.autoApproved
      ? 'is approved by policy; the credential is being issued'
      : 'is waiting for an approver';
    return `Request \`${requestId}\` for ${target} (${formatDuration(durationMs)}) ${next}. You will get a DM with a link to its thread.`;
  };

  // ---- /access -------------------------------------------------------------------------------
  app.command(options.command ?? '/access', async ({ command, ack, respond }) => {
    const parsed = parseAccessCommand(command.text ?? '');
    if (parsed.kind === 'invalid') return void (await ack({ response_type: 'ephemeral', text: invalidMessage(parsed) }));
    if (parsed.kind === 'help') return void (await ack({ response_type: 'ephemeral', text: usage() }));
    await ack();
    const refuse = (text: string) => tell(respond, text);
    const subject = await subjectOf(command.user_id, refuse);
    if (!subject) return;

    switch (parsed.kind) {
      case 'modal': {
        const targets = requestableTargets(config, subject);
        if (targets.length === 0) return refuse(`You (${subject}) may not request any target. Ask the Gatehouse owners to add you to a target's requesters.`);
        return openModal(command.trigger_id, requestModal(targets, config, { channel: command.channel_id }), refuse);
      }
      case 'request': {
        if (!findTarget(config, parsed.target)) {
          const mine = requestableTargets(config, subject).map((t) => t.name);
          return refuse(`There is no target "${parsed.target}". ${mine.length ? `You may request: ${mine.join(', ')}.` : 'You may not request any target.'}\nUse: \`/access <target> <duration> <reason…>\``);
        }
        try {
          const started = await access.request({
            requester: subject, origin: 'slack', target: parsed.target, durationMs: parsed.durationMs, reason: parsed.reason,
            ...(parsed.ticket ? { ticket: parsed.ticket } : {}),
          });
          return tell(respond, startedMessage(started.requestId, parsed.target, parsed.durationMs, subject));
        } catch (error) {
          return refuse(failure(error, 'start the request'));
        }
      }
      case 'status': {
        if (!parsed.requestId) {
          try {
            return tell(respond, statusList(await access.list({ requester: subject, limit: 10 })));
          } catch (error) {
            return refuse(failure(error, 'list your requests'));
          }
        }
        const s = await loadStatus(parsed.requestId, refuse);
        if (!s) return;
        return tell(respond, statusRefusal(s, subject) ?? statusText(s, who));
      }
      case 'revoke': {
        const s = await loadStatus(parsed.requestId, refuse);
        if (!s) return;
        const refusal = revokeRefusal(s, subject);
        if (refusal) return refuse(refusal);
        try {
          await access.revoke(parsed.requestId, subject, parsed.reason ?? `revoked with /access revoke by ${subject}`);
          return tell(respond, `Revoking \`${parsed.requestId}\`; its thread confirms when access is gone.`);
        } catch (error) {
          return refuse(failure(error, `revoke ${parsed.requestId}`));
        }
      }
    }
  });

  // ---- the request form ------------------------------------------------------------------------
  app.view(Views.request, async ({ ack, view, body }) => {
    const read = readRequestForm(view.state.values as never, config);
    if (!read.ok) return void (await ack({ response_action: 'errors', errors: read.errors }));
    await ack();
    const context = decodeContext(view.private_metadata);
    const refuse = (text: string) => tellAfterModal(body.user.id, context, text);
    const subject = await subjectOf(body.user.id, refuse);
    if (!subject) return;
    try {
      const started = await access.request({ requester: subject, origin: 'slack', ...read.form });
      await refuse(startedMessage(started.requestId, read.form.target, read.form.durationMs, subject));
    } catch (error) {
      await refuse(failure(error, 'start the request'));
    }
  });

  // ---- Approve / Deny on the request ----------------------------------------------------------------
  app.action(SlackActions.approve, async (args) => {
    await args.ack();
    const click = await clickOn(args, (s, subject) => decisionRefusal(s, subject, 'approve'));
    if (!click) return;
    const { requestId, subject, refuse } = click;
    try {
      await access.approve(requestId, subject);
    } catch (error) {
      await refuse(failure(error, `approve ${requestId}`));
    }
  });

  app.action(SlackActions.deny, async (args) => {
    await args.ack();
    const click = await clickOn(args, (s, subject) => decisionRefusal(s, subject, 'deny'));
    if (!click) return;
    const channel = (args.body as { channel?: { id?: string } }).channel?.id ?? '';
    await openModal((args.body as { trigger_id: string }).trigger_id, denyModal(click.s, { channel }), click.refuse);
  });

  app.view(Views.deny, async ({ ack, view, body }) => {
    const read = readReason(view.state.values as never);
    if (!read.ok) return void (await ack({ response_action: 'errors', errors: read.errors }));
    await ack();
    await actOnSubmission(body.user.id, view.private_metadata, 'deny', (requestId, subject) => access.deny(requestId, subject, read.reason));
  });

  // ---- Revoke now (requester or approver) -----------------------------------------------------------
  app.action(SlackActions.revoke, async (args) => {
    await args.ack();
    const click = await clickOn(args, revokeRefusal);
    if (!click) return;
    const { requestId, subject, refuse } = click;
    try {
      await access.revoke(requestId, subject, 'Revoke now, clicked in Slack');
      await refuse(`Revoking \`${requestId}\`; the thread confirms when access is gone.`);
    } catch (error) {
      await refuse(failure(error, `revoke ${requestId}`));
    }
  });

  // ---- Extend (requester) and the approvers' decision ----------------------------------------------
  app.action(SlackActions.extend, async (args) => {
    await args.ack();
    const click = await clickOn(args, extendRefusal);
    if (!click) return;
    const channel = (args.body as { channel?: { id?: string } }).channel?.id ?? '';
    await openModal((args.body as { trigger_id: string }).trigger_id, extendModal(click.s, { channel }), click.refuse);
  });

  app.view(Views.extend, async ({ ack, view, body }) => {
    const read = readExtension(view.state.values as never);
    if (!read.ok) return void (await ack({ response_action: 'errors', errors: read.errors }));
    await ack();
    await actOnSubmission(body.user.id, view.private_metadata, 'extend', (requestId, subject) => access.extend(requestId, subject, read.durationMs, read.reason));
  });

  const decideExtension = (approved: boolean) => async (args: ActionArgs) => {
    await args.ack();
    const click = await clickOn(args, (s, subject) =>
      approverRefusal(s, subject, 'on extensions') ?? (s.extensions.some((e) => e.outcome === 'pending') ? undefined : 'No extension is waiting for a decision any more.'));
    if (!click) return;
    const { requestId, subject, refuse } = click;
    try {
      await access.decideExtension(requestId, subject, approved, approved ? undefined : 'denied in Slack');
    } catch (error) {
      await refuse(failure(error, `decide on the extension of ${requestId}`));
    }
  };
  app.action(SlackActions.approveExtension, decideExtension(true));
  app.action(SlackActions.denyExtension, decideExtension(false));

  // ---- held commands (the gateway waits on these) ---------------------------------------------------
  const decideCommand = (approved: boolean) => async (args: ActionArgs) => {
    await args.ack();
    const click = await clickOn(args, (s, subject, commandId) => {
      if (!commandId) return 'That button does not name a held command; nothing was changed.';
      const command = s.commands.find((c) => c.commandId === commandId);
      if (!command) return `There is no held command ${commandId} on ${s.requestId}.`;
      if (command.outcome !== 'pending') {
        const by = command.decidedBy && command.decidedBy !== 'gatehouse' ? ` by ${command.decidedBy}` : '';
        return `That command was already ${command.outcome.replace('_', ' ')}${by}; nothing was changed.`;
      }
      return approverRefusal(s, subject, 'on held commands');
    });
    if (!click?.item) return;
    const { requestId, item: commandId, subject, refuse } = click;
    try {
      await access.decideCommand(requestId, commandId, subject, approved, approved ? undefined : 'denied in Slack');
    } catch (error) {
      await refuse(failure(error, `decide on command ${commandId}`));
    }
  };
  app.action(SlackActions.approveCommand, decideCommand(true));
  app.action(SlackActions.denyCommand, decideCommand(false));

  app.error(async (error) => {
    log.error({ err: error.message, code: (error as { code?: string }).code }, 'slack listener failed');
  });
  return app;
}

/** An error message as a sentence: a leading word capitalised (never an email), a full stop. */
function sentence(message: string): string {
  const text = /^[a-z]+\s/.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

type ActionArgs = {
  ack: () => Promise<void>;
  body: { user: { id: string } };
  action: unknown;
  respond: RespondFn;
};

/** Starts the app: the HTTP receiver on `port` (0 = any free port), or Socket Mode. */
export async function startSlackApp(options: SlackAppOptions & { port?: number; host?: string }): Promise<RunningSlackApp> {
  const app = createSlackApp(options);
  if (options.appToken) {
    await app.start();
    return { app, mode: 'socket', stop: async () => { await app.stop(); } };
  }
  const host = options.host ?? '127.0.0.1';
  const server = (await app.start({ port: options.port ?? 3000, host })) as Server;
  const { port } = server.address() as AddressInfo;
  return { app, mode: 'http', url: `http://${host}:${port}/slack/events`, stop: async () => { await app.stop(); } };
}
