import { AccessClient } from '../access';
import { connectRedis, connectTemporalClient, createLogger, GrantRevocations, listenerTls, MissingSecretError, temporalSettings, type ListenerTls } from '../lib';
import { configPath, loadConfig } from '../policy';
import { startSlackApp, type RunningSlackApp } from './app';

export interface SlackAppSettings {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  port: number;
  host: string;
  /** HTTPS on the receiver (SLACK_APP_TLS_CERT_FILE and SLACK_APP_TLS_KEY_FILE). */
  tls?: ListenerTls;
}

/**
 * The Slack app's settings from the environment. Secrets never come from gatehouse.yaml:
 *   SLACK_BOT_TOKEN       bot token (xoxb-…), required
 *   SLACK_SIGNING_SECRET  verifies Slack's requests to the HTTP receiver (required without Socket Mode)
 *   SLACK_APP_TOKEN       app-level token (xapp-…): run in Socket Mode instead
 *   SLACK_API_URL         the Web API base, for the local Slack (default Slack's)
 *   SLACK_APP_PORT, SLACK_APP_HOST   where the HTTP receiver listens (3000, 127.0.0.1)
 *   SLACK_APP_TLS_CERT_FILE, SLACK_APP_TLS_KEY_FILE   HTTPS on the receiver itself, with HSTS
 */
export function slackAppSettings(env: NodeJS.ProcessEnv, overrides: { port?: number; host?: string } = {}): SlackAppSettings {
  const botToken = env.SLACK_BOT_TOKEN?.trim();
  const appToken = env.SLACK_APP_TOKEN?.trim() || undefined;
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim() || undefined;
  const missing: string[] = [];
  if (!botToken) missing.push('SLACK_BOT_TOKEN (the bot token, xoxb-…)');
  if (!appToken && !signingSecret) missing.push('SLACK_SIGNING_SECRET (from the app\'s Basic Information page; or SLACK_APP_TOKEN, xapp-…, for Socket Mode)');
  if (missing.length) {
    throw new MissingSecretError(`the Slack app cannot start: set ${missing.join(' and ')}. \`npm run dev\` sets them for the local Slack.`);
  }
  const port = overrides.port ?? Number(env.SLACK_APP_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new MissingSecretError(`SLACK_APP_PORT "${env.SLACK_APP_PORT}" is not a TCP port`);
  const tls = listenerTls('SLACK_APP_TLS', env.SLACK_APP_TLS_CERT_FILE, env.SLACK_APP_TLS_KEY_FILE);
  if (tls && appToken) throw new MissingSecretError('SLACK_APP_TLS_CERT_FILE and SLACK_APP_TLS_KEY_FILE are for the HTTP receiver; Socket Mode (SLACK_APP_TOKEN) opens no listener: unset one or the other');
  return {
    botToken: botToken!, ...(signingSecret ? { signingSecret } : {}), ...(appToken ? { appToken } : {}),
    ...(env.SLACK_API_URL?.trim() ? { apiUrl: env.SLACK_API_URL.trim() } : {}),
    port, host: overrides.host ?? env.SLACK_APP_HOST ?? '127.0.0.1',
    ...(tls ? { tls } : {}),
  };
}

/** `gatehouse slack-app`: runs until SIGINT/SIGTERM. */
export async function runSlackApp(options: { env?: NodeJS.ProcessEnv; port?: number; host?: string } = {}): Promise<void> {
  const env = options.env ?? process.env;
  const log = createLogger('slack-app');
  const settings = slackAppSettings(env, options);
  const config = loadConfig(configPath(env));
  const temporal = temporalSettings(env);
  const client = await connectTemporalClient(temporal);
  // Revocation's fast path: "Revoke now" and /access revoke cut the grant in Redis before the workflow hears of it.
  const redis = connectRedis(env.REDIS_URL);
  redis.on('error', (error: Error) => log.debug({ err: error.message }, 'Redis connection error (revocations fall back to the workflow)'));
  const access = new AccessClient(client, config, temporal.taskQueue, { revocations: new GrantRevocations(redis), log });
  let running: RunningSlackApp;
  try {
    running = await startSlackApp({ ...settings, access, config, logger: log });
  } catch (error) {
    await client.connection.close();
    redis.disconnect();
    throw error;
  }
  if (running.mode === 'socket') log.info({ mode: 'socket' }, 'slack app connected (Socket Mode)');
  else log.info({ url: running.url, healthz: running.url?.replace(/\/slack\/events$/, '/healthz') }, 'slack app listening');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping the slack app');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await running.stop();
  await client.connection.close();
  redis.disconnect();
  log.info('slack app stopped');
}
