import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { createLogger } from '../../lib';
import { SlackDriver, waitForResponses, type Delivery } from './driver';
import { SocketModeHub } from './socket-mode';
import { checkBlocks, checkText, METHODS, type Args } from './methods';
import { renderChannel } from './render';
import { channelViewRoutes, pageDriverSource } from './channel-view';
import { SlackApiError, SlackWorkspace, type ApiCallRecord, type WorkspaceSeed } from './workspace';

/**
 * A local Slack Web API on loopback, answering the official @slack/web-api client unmodified:
 * `new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl })`.
 *
 * Routes:
 *   POST|GET /api/<method>           the Web API (form-encoded or JSON bodies, bearer or `token` arg)
 *   POST /upload/v1/<file id>        a file's bytes (the upload URL of files.getUploadURLExternal)
 *   POST /commands/<team>/<id>       response_url of a slash command (recorded, then applied)
 *   POST /actions/<team>/<id>        response_url of a button click or view submission
 *   GET  /archives/<channel>/p<ts>   where permalinks point: the message's thread as text
 *   GET  /channels/<id-or-name>      a channel and its threads: a live page with working buttons for
 *                                    browsers, text for everyone else (channel-view.ts)
 */

export interface FailureSpec {
  /** 429 (rate limited, with Retry-After), a 5xx, or 200 with `error` (a refusal). */
  status: 200 | 429 | 500 | 502 | 503;
  /** With status 200: the call does nothing and answers `{ ok: false, error }` (e.g. invalid_blocks), as Slack refuses. */
  error?: string;
  /** How many of the next calls of the method fail. Default 1. */
  times?: number;
  /** Seconds announced in Retry-After for a 429. Default 1. */
  retryAfterSec?: number;
  /**
   * For a 5xx: apply the call first, then answer the error, as when Slack did the work but the
   * response was lost. A client that blindly retries a chat.postMessage then posts twice.
   */
  afterApply?: boolean;
  /**
   * For a 5xx: answer the error at once and apply the call this many ms later, as when Slack is
   * slow and the client gave up waiting. The race no read-back can close on its own.
   */
  applyAfterMs?: number;
  /**
   * Only calls with an argument whose value (a form value, or JSON for a structured one) contains
   * this text fail, e.g. `:requested"` for the approval request's idempotency key in its metadata;
   * other calls of the method pass untouched and leave the failure queued. Default: every call.
   */
  matching?: string;
}

type QueuedFailure = Required<Omit<FailureSpec, 'error' | 'matching'>> & { error?: string; matching?: string };

export interface LocalSlackOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Default 127.0.0.1: the local Slack never listens beyond loopback unless asked. */
  host?: string;
  seed?: WorkspaceSeed;
  /** Use an existing workspace instead of building one from `seed`. */
  workspace?: SlackWorkspace;
  /** How long a trigger_id stays usable for views.open (Slack: 3000 ms). */
  triggerTtlMs?: number;
  /**
   * The app this Slack delivers to, for people driving it by hand (POST /_local/command,
   * /_local/click, /_local/submit): its request URL and signing secret.
   */
  app?: AppEndpoint;
}

export interface AppEndpoint {
  endpoint: string;
  signingSecret: string;
}

export interface LocalSlack {
  /** http://127.0.0.1:<port> */
  url: string;
  /** `${url}/api/`: the WebClient's `slackApiUrl`. */
  apiUrl: string;
  port: number;
  workspace: SlackWorkspace;
  /** The app's bot token (all scopes). */
  botToken: string;
  /** An app-level token (xapp-…, connections:write) for an app in Socket Mode. */
  appToken: string;
  /** Socket Mode: the apps connected over WebSocket and the envelopes sent to them. */
  socketMode: SocketModeHub;
  /** The next `spec.times` calls of `method` fail as described. */
  failNext(method: string, spec: FailureSpec): void;
  /**
   * The app that clicks in the channel view (and /_local/command, /_local/click, /_local/submit)
   * are delivered to, when it was not known at start (the app starts after its Slack); undefined: none.
   */
  deliverTo(app: AppEndpoint | undefined): void;
  /** Drops injected failures not yet spent. */
  clearFailures(): void;
  /**
   * A driver that sends signed slash commands, clicks and submissions to the app at `endpoint`,
   * or (`{ socketMode: true }`) as envelopes to the app connected over Socket Mode.
   */
  driver(options: { endpoint: string; signingSecret: string; verificationToken?: string } | { socketMode: true }): SlackDriver;
  close(): Promise<void>;
}

const log = createLogger('devstack.slack');

/** Builds the express app over a workspace (exported for embedding in another server). */
export function createSlackApi(ws: SlackWorkspace, failures: Map<string, QueuedFailure[]>, appEndpoint?: AppEndpoint | (() => AppEndpoint | undefined)): express.Express {
  const currentApp = typeof appEndpoint === 'function' ? appEndpoint : () => appEndpoint;
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '2mb' }));
  app.use(express.json({ limit: '2mb' }));

  const webApi = (req: Request, res: Response) => {
    const method = String(req.params.method);
    const args: Args = { ...(req.query as Args), ...((req.body ?? {}) as Args) };
    const record: ApiCallRecord = { method, at: new Date().toISOString(), status: 200, ok: false, args: withoutToken(args) };
    ws.recordCall(record);
    const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      record.status = status;
      record.ok = body.ok === true;
      if (typeof body.error === 'string') record.error = body.error;
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      res.status(status).json(body);
    };

    const spec = METHODS[method];
    if (!spec) return answer(200, { ok: false, error: 'unknown_method', req_method: method });

    const injected = takeFailure(failures, method, args);
    if (injected?.status === 429) {
      record.injected = 'rate_limited';
      return answer(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(injected.retryAfterSec) });
    }
    if (injected?.status === 200) {
      record.injected = 'refused';
      return answer(200, { ok: false, error: injected.error ?? 'invalid_arguments' });
    }

    let result: Record<string, unknown>;
    try {
      const token = bearer(req) ?? (typeof args.token === 'string' ? args.token : undefined);
      if (!token) throw new SlackApiError('not_authed');
      if (req.is('application/json') && !bearer(req)) throw new SlackApiError('not_authed');
      const grant = ws.tokens.get(token);
      if (!grant) throw new SlackApiError('invalid_auth');
      if (grant.revoked) throw new SlackApiError('token_revoked');
      if (spec.scope && !grant.scopes.has(spec.scope)) {
        throw new SlackApiError('missing_scope', { needed: spec.scope, provided: [...grant.scopes].join(',') });
      }
      if (injected && injected.applyAfterMs > 0) {
        const ctx = { ws, grant, args };
        setTimeout(() => {
          try {
            spec.handle(ctx);
          } catch {
            // The late call failed as the call itself would have; nothing to answer any more.
          }
        }, injected.applyAfterMs).unref();
        record.injected = 'server_error';
        return answer(injected.status, { ok: false, error: 'internal_error' });
      }
      result = { ok: true, ...spec.handle({ ws, grant, args }) };
    } catch (error) {
      if (!(error instanceof SlackApiError)) {
        log.error({ method, err: error }, 'local slack method failed');
        return answer(500, { ok: false, error: 'internal_error' });
      }
      result = { ok: false, error: error.code, ...error.extra };
    }
    if (injected) {
      // Only afterApply 5xx failures reach here (the others are answered before the handler runs):
      // the call has taken effect and its answer is "lost".
      record.injected = 'server_error';
      return answer(injected.status, { ok: false, error: 'internal_error' });
    }
    return answer(200, result);
  };

  // 5xx failures that must not apply are served before the handler runs.
  app.all('/api/:method', (req, res, next) => {
    const method = String(req.params.method);
    const queue = failures.get(method);
    const head = queue?.[0];
    const args: Args = { ...(req.query as Args), ...((req.body ?? {}) as Args) };
    if (head && head.status !== 429 && head.status !== 200 && !head.afterApply && !(head.applyAfterMs > 0) && matches(head, args)) {
      takeFailure(failures, method, args);
      ws.recordCall({ method, at: new Date().toISOString(), status: head.status, ok: false, error: 'internal_error', args: withoutToken({ ...(req.query as Args), ...((req.body ?? {}) as Args) }), injected: 'server_error' });
      res.status(head.status).json({ ok: false, error: 'internal_error' });
      return;
    }
    next();
  }, webApi);

  const responseUrl = (req: Request, res: Response) => {
    const target = ws.responseUrlTarget(String(req.params.id));
    if (!target) return void res.status(404).send('no_such_response_url');
    if (target.uses >= 5 || Date.now() - target.issuedAt > 30 * 60_000) return void res.status(404).send('expired_url');
    target.uses += 1;
    const body = (typeof req.body === 'object' && req.body ? req.body : {}) as Record<string, unknown>;
    ws.responses.push({ id: target.id, url: target.url, kind: target.kind, channel: target.channel, user: target.user, at: new Date().toISOString(), body });
    try {
      checkText(typeof body.text === 'string' ? body.text : undefined);
      checkBlocks(Array.isArray(body.blocks) ? body.blocks : undefined);
      ws.applyResponse(target, body, 'response_url');
    } catch (error) {
      if (error instanceof SlackApiError) return void res.status(400).json({ ok: false, error: error.code });
      throw error;
    }
    res.json({ ok: true });
  };
  // The upload URL files.getUploadURLExternal hands out: the file's bytes, raw (Slack also takes multipart).
  app.post('/upload/v1/:id', express.raw({ type: () => true, limit: '10mb' }), (req, res) => {
    const file = ws.files.get(String(req.params.id));
    if (!file || file.completed) return void res.status(404).send('no_such_upload');
    file.content = Buffer.isBuffer(req.body) ? req.body : Buffer.from(String(req.body ?? ''));
    res.status(200).send(`OK - ${file.content.length}`);
  });
  app.post('/commands/:team/:id', responseUrl);
  app.post('/actions/:team/:id', responseUrl);

  app.get('/archives/:channel/:p', (req, res) => {
    const channel = ws.channel(String(req.params.channel));
    const digits = String(req.params.p).replace(/^p/, '');
    const ts = `${digits.slice(0, -6)}.${digits.slice(-6)}`;
    if (!channel || !ws.message(channel.id, ts)) return void res.status(404).type('text/plain').send('message not found\n');
    const threadTs = typeof req.query.thread_ts === 'string' ? req.query.thread_ts : ts;
    // A person following a permalink lands on the message in the channel view.
    if (req.accepts(['text/plain', 'text/html']) === 'text/html') return void res.redirect(303, `/channels/${encodeURIComponent(channel.id)}#m-${ts.replace('.', '-')}`);
    res.type('text/plain').send(renderChannel(ws, channel.id, { onlyThread: threadTs }));
  });

  // The channel view: HTML for browsers (clickable buttons, live), text for everyone else.
  app.use(channelViewRoutes(ws, pageDriverSource(ws, currentApp)));

  // Control endpoints, for a local Slack running as its own process (same effect as failNext / clearFailures).
  app.post('/_local/failures', (req, res) => {
    const body = (req.body ?? {}) as { method?: unknown } & Partial<FailureSpec>;
    try {
      queueFailure(failures, String(body.method), {
        status: Number(body.status) as FailureSpec['status'],
        times: body.times === undefined ? undefined : Number(body.times),
        retryAfterSec: body.retryAfterSec === undefined ? undefined : Number(body.retryAfterSec),
        afterApply: String(body.afterApply) === 'true',
        ...(typeof body.error === 'string' ? { error: body.error } : {}),
        applyAfterMs: body.applyAfterMs === undefined ? undefined : Number(body.applyAfterMs),
        ...(typeof body.matching === 'string' ? { matching: body.matching } : {}),
      });
      res.json({ ok: true });
    } catch (error) {
      res.status(400).json({ ok: false, error: (error as Error).message });
    }
  });
  app.delete('/_local/failures', (_req, res) => {
    failures.clear();
    res.json({ ok: true });
  });
  // How many Web API calls were made, by method, since `since` (ms since the epoch; default all
  // kept): benches count Slack calls per grant with it. Counts only, no arguments.
  app.get('/_local/calls', (req, res) => {
    const since = Number(req.query.since ?? 0);
    const byMethod: Record<string, number> = {};
    for (const call of ws.calls) if (Date.parse(call.at) >= since) byMethod[call.method] = (byMethod[call.method] ?? 0) + 1;
    res.json({ ok: true, byMethod, kept: ws.calls.length, maxKept: ws.maxCallRecords });
  });

  // Playing a person by hand (the dev stack): signed deliveries to the app, as the driver sends them.
  const deliver = (handler: (driver: SlackDriver, body: Record<string, unknown>) => Promise<Delivery>) => async (req: Request, res: Response) => {
    const appEndpoint = currentApp();
    if (!appEndpoint) return void res.status(409).json({ ok: false, error: 'this local Slack delivers to no app: start it with an app URL (--app-url) and SLACK_SIGNING_SECRET' });
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const delivery = await handler(new SlackDriver({ workspace: ws, ...appEndpoint }), body);
      // `replyWithinMs`: also wait that long for the app's first response_url post (an /access request's
      // "started req_…" comes there, after the ack), and return what the app posted.
      const wait = Math.min(Math.max(Number(body.replyWithinMs) || 0, 0), 30_000);
      if (wait && delivery.status === 200) await waitForResponses(delivery, 1, wait).catch(() => undefined);
      const replies = delivery.responses().map((r) => (typeof r.body.text === 'string' ? r.body.text : JSON.stringify(r.body)));
      res.json({ ok: delivery.status === 200, status: delivery.status, ack: delivery.json ?? (delivery.text || null), replies, elapsedMs: delivery.elapsedMs });
    } catch (error) {
      res.status(400).json({ ok: false, error: (error as Error).message });
    }
  };
  app.post('/_local/command', deliver((driver, b) => driver.command({
    user: String(b.user ?? ''), channel: String(b.channel ?? 'general'), text: String(b.text ?? ''),
    ...(typeof b.command === 'string' ? { command: b.command } : {}),
  })));
  app.post('/_local/click', deliver((driver, b) => {
    const target = findClickTarget(ws, String(b.action ?? ''), typeof b.requestId === 'string' ? b.requestId : undefined, typeof b.messageTs === 'string' ? b.messageTs : undefined);
    return driver.clickButton({ user: String(b.user ?? ''), ...target });
  }));
  app.post('/_local/submit', deliver((driver, b) => driver.submitView({
    user: String(b.user ?? ''), ...(typeof b.viewId === 'string' ? { viewId: b.viewId } : {}),
    values: (b.values && typeof b.values === 'object' ? b.values : {}) as Record<string, string>,
  })));

  app.get('/', (_req, res) => {
    res.json({
      ok: true, team: ws.team, app: ws.app,
      channels: [...ws.channels.values()].map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
      users: [...ws.users.values()].map((u) => ({ id: u.id, name: u.name, email: u.email })),
    });
  });
  return app;
}

/**
 * The newest message with a button whose action_id is `action` (or ends with `_<action>`, so
 * `approve` finds `gatehouse_approve`) and, when given, whose value names `requestId`.
 */
function findClickTarget(ws: SlackWorkspace, action: string, requestId?: string, messageTs?: string): { channel: string; messageTs: string; actionId: string; value?: string } {
  const matches = (id: unknown) => typeof id === 'string' && (id === action || id.endsWith(`_${action}`));
  const candidates = [...ws.channels.values()].flatMap((c) => ws.allMessages(c.id)).filter((m) => !messageTs || m.ts === messageTs).reverse();
  for (const m of candidates) {
    for (const block of (m.blocks ?? []) as Array<{ type?: string; elements?: Array<{ type?: string; action_id?: string; value?: string }> }>) {
      if (block.type !== 'actions') continue;
      const button = block.elements?.find((e) => e.type === 'button' && matches(e.action_id) && (!requestId || (e.value ?? '').startsWith(requestId)));
      if (button) return { channel: m.channel, messageTs: m.ts, actionId: String(button.action_id), ...(button.value ? { value: button.value } : {}) };
    }
  }
  throw new Error(`no message has a "${action}" button${requestId ? ` for ${requestId}` : ''}`);
}

/** Queues an injected failure (used by failNext and by POST /_local/failures). */
function queueFailure(failures: Map<string, QueuedFailure[]>, method: string, spec: FailureSpec): void {
  if (!METHODS[method]) throw new Error(`the local Slack does not implement ${method}; failures can be injected for: ${Object.keys(METHODS).join(', ')}`);
  if (![200, 429, 500, 502, 503].includes(spec.status)) throw new Error(`an injected failure is 200 (with an error), 429, 500, 502 or 503, not ${String(spec.status)}`);
  if (spec.status === 200 && !spec.error) throw new Error('an injected 200 needs the error Slack answers with (like invalid_blocks)');
  const queue = failures.get(method) ?? [];
  queue.push({
    status: spec.status, times: spec.times ?? 1, retryAfterSec: spec.retryAfterSec ?? 1, afterApply: spec.afterApply ?? false, applyAfterMs: spec.applyAfterMs ?? 0,
    ...(spec.error ? { error: spec.error } : {}),
    ...(spec.matching !== undefined ? { matching: spec.matching } : {}),
  });
  failures.set(method, queue);
}

function matches(failure: QueuedFailure, args: Args): boolean {
  const { matching } = failure;
  if (matching === undefined) return true;
  return Object.values(withoutToken(args)).some((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '').includes(matching));
}

function takeFailure(failures: Map<string, QueuedFailure[]>, method: string, args: Args): QueuedFailure | undefined {
  const queue = failures.get(method);
  const head = queue?.[0];
  if (!queue || !head || !matches(head, args)) return undefined;
  head.times -= 1;
  if (head.times <= 0) queue.shift();
  return { ...head };
}

function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function withoutToken(args: Args): Args {
  const { token: _token, ...rest } = args;
  return rest;
}

/** Starts the local Slack on loopback. */
export async function startLocalSlack(options: LocalSlackOptions = {}): Promise<LocalSlack> {
  const workspace = options.workspace ?? new SlackWorkspace(options.seed);
  if (options.triggerTtlMs !== undefined) workspace.triggerTtlMs = options.triggerTtlMs;
  const failures = new Map<string, QueuedFailure[]>();
  let appEndpoint = options.app;
  const app = createSlackApi(workspace, failures, () => appEndpoint);
  const host = options.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  // Node's default. The worker's fetch client (undici) stops reusing a socket 2 s before the timeout the
  // server announces: at 1 s every Web API call opened a new connection (test/slack/keep-alive.test.ts).
  server.keepAliveTimeout = 5_000;
  const socketMode = new SocketModeHub(workspace);
  workspace.socketMode = socketMode;
  server.on('upgrade', socketMode.handleUpgrade);
  const appToken = workspace.createToken(['connections:write'], 'xapp');
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  workspace.baseUrl = url;
  log.debug({ url }, 'local slack listening');
  return {
    url,
    apiUrl: `${url}/api/`,
    port,
    workspace,
    botToken: workspace.botToken,
    appToken,
    socketMode,
    failNext(method, spec) {
      queueFailure(failures, method, spec);
    },
    clearFailures() {
      failures.clear();
    },
    deliverTo(endpoint) {
      appEndpoint = endpoint;
    },
    driver: (driverOptions) => new SlackDriver('socketMode' in driverOptions ? { workspace, socket: socketMode } : { workspace, ...driverOptions }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        socketMode.closeAll();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
