import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { AccessClient } from '../access';
import { createLogger, HSTS, type ListenerTls, type Logger } from '../lib';
import type { GatehouseConfig } from '../policy';
import { SlackIdentity } from './identity';
import { registerListeners } from './listeners';

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
  /** HTTPS on the HTTP receiver itself (no TLS-terminating load balancer in front), HSTS on every answer. Not with Socket Mode. */
  tls?: ListenerTls;
  logger?: Logger;
}

export interface RunningSlackApp {
  app: App;
  /** For the HTTP receiver: where Slack must send requests (`…/slack/events`). */
  url?: string;
  mode: 'http' | 'socket';
  stop(): Promise<void>;
}

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
 * messages the notifier posts, each a listener in listeners/. Every listener acks first and works
 * after; every refusal is an ephemeral that says what was wrong. Requests and decisions go
 * through AccessClient, whose workflow validators enforce the same rules again. This file only
 * wires: receiver, client options, listeners.
 */
export function createSlackApp(options: SlackAppOptions): App {
  const log = options.logger ?? createLogger('slack-app');
  const { access, config } = options;
  const socketMode = !!options.appToken;
  if (!socketMode && !options.signingSecret) throw new Error('the Slack app needs a signing secret (SLACK_SIGNING_SECRET) for its HTTP receiver');
  if (socketMode && options.tls) throw new Error('SLACK_APP_TLS_CERT_FILE and SLACK_APP_TLS_KEY_FILE are for the HTTP receiver; Socket Mode (SLACK_APP_TOKEN) opens no listener: unset one or the other');
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
  registerListeners(app, { access, config, identity: new SlackIdentity(app.client), log, command: options.command ?? '/access' });
  app.error(async (error) => {
    log.error({ err: error.message, code: (error as { code?: string }).code }, 'slack listener failed');
  });
  return app;
}

/** Starts the app: the HTTP receiver on `port` (0 = any free port), or Socket Mode. */
export async function startSlackApp(options: SlackAppOptions & { port?: number; host?: string }): Promise<RunningSlackApp> {
  const app = createSlackApp(options);
  if (options.appToken) {
    await app.start();
    return { app, mode: 'socket', stop: async () => { await app.stop(); } };
  }
  const host = options.host ?? '127.0.0.1';
  // With a certificate Bolt's receiver serves HTTPS only (its server options carry cert and key).
  const tls = options.tls ? { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' as const } : {};
  const server = (await app.start({ port: options.port ?? 3000, host }, tls)) as Server;
  if (options.tls) server.prependListener('request', (_req, res) => { res.setHeader('strict-transport-security', HSTS); });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, mode: 'http', url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}/slack/events`, stop: async () => { await app.stop(); } };
}
