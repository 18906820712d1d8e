import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { AccessClient } from '../access';
import {
  AcceptedStatusKeeper, connectRedis, connectTemporalClient, createLogger, GrantStore, HSTS, listenerTls, loadGatewaySecrets, RequestChangeFeed, requestStatusKey, temporalSettings, type ListenerTls,
} from '../lib';
import { configPath, loadConfig } from '../policy';
import { createApiApp } from './app';
import { createOidcVerifier } from './auth';
import { accessRoutes } from './routes/access';
import { auditReaderFromEnv, auditRoutes, type AuditRoutesOptions } from './routes/audit';
import { RequestIndex } from '../audit';
import { consoleSettings, createConsoleRouter, type ConsoleSettings } from './console';
import { codecCorsOrigins, codecMiddleware, codecRoutes } from './routes/codec';
import { apiSettings, ApiSettingsError } from './settings';

export interface RunningApi {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Plain HTTP behind a TLS-terminating load balancer; with `tls`, HTTPS with HSTS on every answer. */
export function listen(app: Express, host: string, port: number, tls?: ListenerTls): Promise<RunningApi> {
  return new Promise((resolve, reject) => {
    const server: Server = tls
      ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
        res.setHeader('strict-transport-security', HSTS);
        app(req, res);
      })
      : createHttpServer(app);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `${tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
        server,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeIdleConnections();
        }),
      });
    });
    server.once('error', reject);
  });
}

/**
 * The API process: gatehouse.yaml for policy, the gateway's grant-token key, Temporal, and the
 * OIDC provider from the environment. Runs until SIGINT/SIGTERM.
 */
export async function runApi(options: { env?: NodeJS.ProcessEnv; port?: number } = {}): Promise<void> {
  const env = options.env ?? process.env;
  const log = createLogger('api');
  const settings = apiSettings(env);
  const config = loadConfig(configPath(env));
  const secrets = loadGatewaySecrets(env);
  // The grant-token derivation, and revocation's fast path: a revoke cuts the grant in Redis
  // before the workflow hears of it (AccessClient.revoke).
  const redis = connectRedis(env.REDIS_URL);
  redis.on('error', (error: Error) => log.debug({ err: error.message }, 'Redis connection error (revocations fall back to the workflow)'));
  const grants = new GrantStore(redis, secrets.grantTokenKey);
  // Long-polls answer from the worker's change events, which carry the status sealed (a connection
  // in subscriber mode of its own; the latest status of each request is read on the other).
  const subscriber = connectRedis(env.REDIS_URL);
  subscriber.on('error', (error: Error) => log.debug({ err: error.message }, 'Redis subscriber connection error (long-polls answer at their deadline until it is back)'));
  const changes = new RequestChangeFeed(subscriber, { statusKey: requestStatusKey(secrets.encryptionKey), reader: redis });
  changes.start().catch((error: Error) => log.warn({ err: error.message }, 'could not subscribe to request changes; long-polls answer at their deadline'));
  let verifier;
  try {
    verifier = createOidcVerifier(settings.oidc);
  } catch (error) {
    throw new ApiSettingsError((error as Error).message);
  }
  await verifier.ready().catch((error: Error) => {
    log.warn({ issuer: settings.oidc.issuer, err: error.message }, 'OIDC discovery failed; it is retried on the first request');
  });
  const temporal = temporalSettings(env);
  let corsOrigins: string[];
  let tls: ListenerTls | undefined;
  try {
    corsOrigins = codecCorsOrigins(env.GATEHOUSE_CODEC_CORS_ORIGINS);
    tls = listenerTls('GATEHOUSE_API_TLS', env.GATEHOUSE_API_TLS_CERT_FILE, env.GATEHOUSE_API_TLS_KEY_FILE);
  } catch (error) {
    throw new ApiSettingsError((error as Error).message);
  }
  let consoleConfig: ConsoleSettings | undefined;
  try {
    consoleConfig = consoleSettings(env, { issuer: settings.oidc.issuer, ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}) });
  } catch (error) {
    throw new ApiSettingsError((error as Error).message);
  }
  const client = await connectTemporalClient(temporal);
  // Each request's status as accepted is kept at once: a long-poll on it waits without asking Temporal.
  const keptStatus = new AcceptedStatusKeeper(redis, requestStatusKey(secrets.encryptionKey));
  const access = new AccessClient(client, config, temporal.taskQueue, { revocations: grants.revocations(), log, keptStatus });
  const audit: Pick<AuditRoutesOptions, 'reader' | 'publicKey' | 'signingKey'> = auditReaderFromEnv(env, client, config);
  const app = createApiApp({
    verifier, log, issuer: settings.oidc.issuer, publicUrl: settings.publicUrl,
    routes: [
      accessRoutes({ access, grants, gatewayUrl: settings.gatewayUrl, changes }), auditRoutes(audit),
      // The Temporal UI decodes history here, for people with audit:read.
      ...(temporal.payloadKeys === 'off' ? [] : [codecRoutes({ keys: temporal.payloadKeys, namespace: temporal.namespace })]),
    ],
    middleware: [
      codecMiddleware(corsOrigins),
      // Auditors in a browser: sign-in with the OpenID provider, then HTML pages (api/console/).
      ...(consoleConfig ? [createConsoleRouter({ settings: consoleConfig, redis, config, reader: audit.reader, index: new RequestIndex(client, temporal.namespace), signingKey: audit.signingKey, log })] : []),
    ],
  });
  const running = await listen(app, settings.host, options.port ?? settings.port, tls);
  log.info({ url: running.url, issuer: settings.oidc.issuer, audience: settings.oidc.audience, gateway: settings.gatewayUrl, console: consoleConfig ? `${consoleConfig.publicUrl}/console` : 'off (GATEHOUSE_CONSOLE_CLIENT_ID unset)' }, 'API listening');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'API shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await running.close();
  await client.connection.close();
  redis.disconnect();
  subscriber.disconnect();
}
