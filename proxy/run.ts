import { createHmac } from 'node:crypto';
import { AccessClient } from '../access';
import { SessionRecorder } from '../audit';
import {
  catalogNamespace, connectRedis, connectTemporalClient, createLogger, GrantStore, listenerTls, loadGatewaySecrets, RedisSecretVault, temporalSettings, waitForRedis,
  type Logger,
} from '../lib';
import { configPath, loadConfig, type GatehouseConfig } from '../policy';
import { Gateway, type GatewayLimits } from './gateway';
import type { DecisionBoard } from './held-commands';
import { RedisCatalogStore } from './catalog-store';
import { AuthorizationServer, oauthFromEnvironment } from './oauth';
import { PhiMasker } from './phi-masker';

/**
 * GATEHOUSE_AUTHORIZATION_SERVERS once named other authorization servers (the OpenID provider) in
 * the protected resource metadata. Their tokens are never accepted here (only grant tokens are), so
 * a client sent there signed in for a token the gateway refuses; MCP 2026-07-28 (RFC 9728) names
 * only authorization servers whose tokens the resource accepts. The gateway now refuses to start.
 */
export const ADVERTISED_SERVERS_REFUSED = 'GATEHOUSE_AUTHORIZATION_SERVERS is not accepted any more: the gateway accepts only the grant tokens its own authorization server issues, and MCP 2026-07-28 (RFC 9728) lets it advertise only authorization servers whose tokens it accepts; a client sent to another one would sign in for a token the gateway refuses. Unset it; to let MCP clients sign in, turn on the gateway\'s own authorization server (GATEHOUSE_OAUTH_ISSUER, GATEHOUSE_OAUTH_CLIENT_ID, GATEHOUSE_OAUTH_CLIENT_SECRET; docs/deployment.md), which the metadata then names.';

export const DEFAULT_GATEWAY_PORT = 8788;

export interface RunGatewayOptions {
  env?: NodeJS.ProcessEnv;
  port?: number;
  host?: string;
  config?: GatehouseConfig;
  limits?: Partial<GatewayLimits>;
  log?: Logger;
}

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  close(): Promise<void>;
}

/**
 * The gateway process: gatehouse.yaml for targets and policy; keys, Redis and Temporal from the
 * environment. Every component must answer before it listens: no Redis, no Temporal, no keys,
 * an invalid masking policy — it refuses to start.
 */
export async function startGatewayProcess(options: RunGatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  if (env.GATEHOUSE_AUTHORIZATION_SERVERS) throw new Error(ADVERTISED_SERVERS_REFUSED);
  const log = options.log ?? createLogger('gateway');
  const config = options.config ?? loadConfig(configPath(env));
  const secrets = loadGatewaySecrets(env);
  const oauth = oauthFromEnvironment(env, config);
  // Checked before anything connects: a missing, expired or mismatched certificate stops the start.
  const tls = listenerTls('GATEHOUSE_GATEWAY_TLS', env.GATEHOUSE_GATEWAY_TLS_CERT_FILE, env.GATEHOUSE_GATEWAY_TLS_KEY_FILE);
  // Commands issued in one tick (by many sessions at once) leave in one socket write: each loopback
  // write costs more than the JavaScript around it. Each command still answers (and fails) alone.
  const redis = connectRedis(env.REDIS_URL, { enableAutoPipelining: true });
  const subscriber = connectRedis(env.REDIS_URL);
  for (const r of [redis, subscriber]) r.on('error', (error) => log.warn({ err: error.message }, 'redis connection problem'));
  const cleanups: (() => Promise<void> | void)[] = [() => redis.disconnect(), () => subscriber.disconnect()];
  try {
    await Promise.all([waitForRedis(redis), waitForRedis(subscriber)]).catch((error: unknown) => {
      throw new Error(`cannot reach Redis at ${withoutPassword(env.REDIS_URL ?? 'redis://127.0.0.1:6379')} (REDIS_URL): without it no grant can be checked, so the gateway does not start; ${(error as Error).message}`, { cause: error });
    });
    const temporal = temporalSettings(env);
    const client = await connectTemporalClient(temporal).catch((error: unknown) => {
      throw new Error(`cannot reach Temporal at ${temporal.address} (TEMPORAL_ADDRESS): held commands need the access workflow; ${(error as Error).message}`, { cause: error });
    });
    cleanups.push(() => client.connection.close());
    // Deterministic masking tokens (policy `tokenize`) need a key only the gateway holds.
    const maskingKey = createHmac('sha256', secrets.encryptionKey).update('gatehouse masking tokens').digest();
    const catalogs = new RedisCatalogStore(redis, 30_000, { namespace: catalogNamespace(env) });
    const grants = new GrantStore(redis, secrets.grantTokenKey);
    const access = new AccessClient(client, config, temporal.taskQueue);
    // Sign-in from any MCP client (proxy/oauth): the same access client, so the same policy, approvers and auto-approval.
    const authorizationServer = oauth && new AuthorizationServer({
      config, redis, access, grants, log, signIn: oauth.signIn, clients: oauth.clients, development: oauth.development, trustProxy: oauth.trustProxy,
    });
    const gateway = new Gateway({
      config,
      grants,
      commands: grants.commandBoard() as DecisionBoard,
      vault: new RedisSecretVault(redis, secrets.encryptionKey),
      revocations: subscriber,
      // Lineage masking reads the discovered PHI catalog (`gatehouse catalog discover`) from Redis.
      masker: (target) => new PhiMasker(target, maskingKey, undefined, { catalog: catalogs }),
      recorder: new SessionRecorder(redis),
      // Client-facing SSE events carry ids and can be resumed with Last-Event-ID (on this gateway).
      events: redis,
      // 2026-07-28 clients' per-grant state (recording session, rate, holds): any replica serves any request.
      state: redis,
      reviewer: access,
      ...(authorizationServer ? { authorizationServer } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(env.GATEHOUSE_GATEWAY_PUBLIC_URL ? { publicUrl: env.GATEHOUSE_GATEWAY_PUBLIC_URL } : {}),
      ...(env.GATEHOUSE_ACCESS_REQUEST_URL ? { accessRequestUrl: env.GATEHOUSE_ACCESS_REQUEST_URL } : {}),
      ...(tls ? { tls } : {}),
      log,
    });
    const port = options.port ?? Number(env.GATEHOUSE_GATEWAY_PORT ?? DEFAULT_GATEWAY_PORT);
    const host = options.host ?? env.GATEHOUSE_GATEWAY_HOST ?? '127.0.0.1';
    const { url } = await gateway.listen(port, host);
    log.info({ url, tls: Boolean(tls), targets: config.targets.map((t) => `${url}/mcp/${t.name}`) }, 'gateway listening');
    return {
      gateway, url,
      async close() {
        await gateway.close();
        for (const c of cleanups.reverse()) await c();
      },
    };
  } catch (error) {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    throw error;
  }
}

/** A URL as it may be shown: any password replaced. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Runs until SIGINT/SIGTERM, then ends every session (recording each end) and exits. */
export async function runGateway(options: RunGatewayOptions = {}): Promise<void> {
  const running = await startGatewayProcess(options);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
}
