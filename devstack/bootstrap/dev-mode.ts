import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expandPrincipals, loadConfig } from '../../policy';
import { developmentKeys } from '../dev-keys';
import { clientEnvFile, developmentClients, developmentPeople, startOidcProvider, writeClientEnvFiles } from '../oidc';
import { preferredPort, startProcess, superviseChildProcesses, waitFor, type ManagedProcess } from '../processes';
import { ensureRedis } from '../redis';
import { planSlackDev } from '../slack';
import { startLocalSnowflakeProcess } from '../snowflake';
import { projectRoot, stateDir } from '../../lib';
import { ensureTemporalCli, startTemporalServer } from '../temporal';
import { startCodecRelay } from '../codec-relay';
import { stopOnSignals } from './signals';
import { stopInOrder } from './shutdown';

const say = (message: string) => process.stdout.write(`[gatehouse] ${message}\n`);
const DEV_AUDIENCE = 'https://gatehouse.local/api';
/** The local provider's client the codec relay uses in place of a signed-in Temporal UI. */
const DEV_UI_CLIENT = 'dev-temporal-ui';
/** With GATEHOUSE_DEV_RESTART=1, how long a crashed part stays down before it starts again. */
const RESTART_AFTER_MS = 1_000;

/** The configuration the dev stack runs: GATEHOUSE_CONFIG, else ./gatehouse.yaml, else the example. */
function devConfigPath(): string {
  if (process.env.GATEHOUSE_CONFIG) return process.env.GATEHOUSE_CONFIG;
  const own = join(projectRoot, 'gatehouse.yaml');
  return existsSync(own) ? own : join(projectRoot, 'gatehouse.example.yaml');
}

/** Worker processes of the dev stack: GATEHOUSE_DEV_WORKERS (1 to 4), default 1. */
export function devWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GATEHOUSE_DEV_WORKERS;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new Error(`GATEHOUSE_DEV_WORKERS must be a whole number from 1 to 4, not "${raw}"`);
  return n;
}

function prefixed(name: string) {
  return (line: string) => process.stdout.write(`[${name.padEnd(9)}] ${line}\n`);
}

const answers = (url: string) => async () => ((await fetch(url).catch(() => undefined))?.ok ? true : undefined);

/**
 * Runs the whole stack on embedded defaults until Ctrl-C: the Temporal dev server (UI, SQLite in
 * .gatehouse/temporal), Redis (REDIS_URL or a private one), the local Snowflake, the local Slack,
 * a local OpenID provider, then the worker, the Slack app, the REST API and the MCP gateway, each
 * with prefixed logs. SLACK_BOT_TOKEN or GATEHOUSE_OIDC_ISSUER in the environment replace the
 * local Slack or the local OpenID provider. Every process it starts is stopped when it ends,
 * also when start-up fails half way.
 */
export async function runDevStack(_args: string[]): Promise<number> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const children: ManagedProcess[] = [];
  let interrupted: NodeJS.Signals | undefined;
  let wake: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (wake = resolve));
  // The handler stays until everything is stopped: Ctrl-C reaches this process twice (from the
  // terminal and forwarded by run.js), and a second signal without a handler would end it mid-cleanup.
  const release = stopOnSignals((signal) => {
    if (!interrupted) say(`${signal}: stopping`);
    interrupted = signal;
    wake(0);
  });
  // Ctrl-C reaches only this process; it stops the others in dependency order (./shutdown.ts).
  // GATEHOUSE_DEV_RESTART=1 starts a part that ends on its own again instead of stopping the stack.
  const restart = process.env.GATEHOUSE_DEV_RESTART === '1';
  superviseChildProcesses(restart ? { restartAfterMs: RESTART_AFTER_MS } : {});
  let stopping = false;
  const stopAll = () => {
    stopping = true;
    return stopInOrder(children, cleanups, say);
  };
  try {
    const code = await Promise.race([startEverything(), done]);
    await stopAll();
    say('stopped');
    return code;
  } catch (error) {
    await stopAll();
    throw error;
  } finally {
    release();
  }

  async function startEverything(): Promise<number> {
    const step = async <T>(work: Promise<T>): Promise<T> => {
      const value = await work;
      if (interrupted) throw new Error(`interrupted by ${interrupted}`);
      return value;
    };
    const configFile = devConfigPath();
    const config = loadConfig(configFile);
    // The UI decodes history through the codec relay (devstack/codec-relay.ts) and the API's codec
    // route, as the local provider's `dev-temporal-ui` client with audit:read. With another OpenID
    // provider the relay has no token to use: the UI then shows ciphertext (docs/deployment.md).
    const relayPort = process.env.GATEHOUSE_OIDC_ISSUER ? undefined : await preferredPort(8234);
    const uiCodecEndpoint = relayPort === undefined ? undefined : `http://127.0.0.1:${relayPort}/codec`;
    const temporal = await step(startTemporalServer({
      cli: ensureTemporalCli(say), ui: true, port: () => preferredPort(7233), uiPort: () => preferredPort(8233), ...(uiCodecEndpoint ? { uiCodecEndpoint } : {}), log: say,
    }));
    cleanups.push(() => temporal.stop());
    const redis = await step(ensureRedis({ dataDir: stateDir('redis') }));
    cleanups.push(() => redis.stop());

    const snowflakePort = await preferredPort(8085);
    if (snowflakePort !== 8085) say(`port 8085 is taken: the local Snowflake listens on ${snowflakePort}; point accessUrl in ${configFile} at it`);
    const snowflakeDir = stateDir('snowflake');
    const snowflake = await step(startLocalSnowflakeProcess({ dataDir: snowflakeDir, port: snowflakePort, brokerKeyFile: join(snowflakeDir, 'broker.pem'), onLine: prefixed('snowflake') }));
    cleanups.push(() => snowflake.stop());

    const apiPort = await preferredPort(8080);
    const gatewayPort = await preferredPort(8788);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const oidcDir = stateDir('oidc');
    let oidcEnv: Record<string, string> = {};
    let codecLine = '  codec         none: the Temporal UI shows ciphertext (GATEHOUSE_OIDC_ISSUER is set; see docs/deployment.md for the UI\'s own sign-in)';
    let gatewayOAuthEnv: Record<string, string> = {};
    let consoleEnv: Record<string, string> = {};
    if (!process.env.GATEHOUSE_OIDC_ISSUER) {
      const clients = developmentClients(config, oidcDir);
      // People sign in to MCP clients through the gateway (proxy/oauth): everyone the policy names by email, any password.
      const gatewayRp = { clientId: 'gatehouse-gateway', clientSecret: randomBytes(24).toString('base64url'), redirectUris: [`${gatewayUrl}/oauth/callback`] };
      const people = developmentPeople(config, clients);
      const uiClient = { clientId: DEV_UI_CLIENT, clientSecret: randomBytes(24).toString('base64url'), scope: 'audit:read' };
      // Auditors sign in to the audit console (api/console) as its relying party.
      const consoleRp = { clientId: 'gatehouse-console', clientSecret: randomBytes(24).toString('base64url'), redirectUris: [`${apiUrl}/console/callback`], postLogoutRedirectUris: [`${apiUrl}/console/signed-out`] };
      const oidc = await step(startOidcProvider({ clients: [...clients, uiClient], audience: DEV_AUDIENCE, port: await preferredPort(8070), people, relyingParties: [gatewayRp, consoleRp] }));
      gatewayOAuthEnv = { GATEHOUSE_OAUTH_ISSUER: oidc.issuer, GATEHOUSE_OAUTH_CLIENT_ID: gatewayRp.clientId, GATEHOUSE_OAUTH_CLIENT_SECRET: gatewayRp.clientSecret, GATEHOUSE_OAUTH_DEVELOPMENT: 'true', GATEHOUSE_GATEWAY_PUBLIC_URL: gatewayUrl };
      cleanups.push(() => oidc.close());
      writeClientEnvFiles(oidcDir, clients, { issuer: oidc.issuer, audience: DEV_AUDIENCE, apiUrl });
      oidcEnv = { GATEHOUSE_OIDC_ISSUER: oidc.issuer, GATEHOUSE_OIDC_AUDIENCE: DEV_AUDIENCE };
      consoleEnv = { GATEHOUSE_CONSOLE_CLIENT_ID: consoleRp.clientId, GATEHOUSE_CONSOLE_CLIENT_SECRET: consoleRp.clientSecret, GATEHOUSE_CONSOLE_PUBLIC_URL: apiUrl };
      say(`OIDC      ${oidc.issuer} (local; a client per subject in the config, credentials in ${relative(projectRoot, oidcDir)}/clients/)`);
      if (relayPort !== undefined) {
        const uiOrigins = [temporal.uiUrl!, temporal.uiUrl!.replace('127.0.0.1', 'localhost')];
        const relay = await step(startCodecRelay({ codecUrl: `${apiUrl}/codec`, origins: uiOrigins, token: () => oidc.token(DEV_UI_CLIENT), port: relayPort }));
        cleanups.push(() => relay.close());
        codecLine = `  codec         ${relay.url}  (the Temporal UI decodes history through it: ${apiUrl}/codec as ${DEV_UI_CLIENT}, audit:read)`;
      }
    }

    const slack = process.env.SLACK_BOT_TOKEN ? undefined : await planSlackDev(configFile);
    const shared = {
      ...process.env,
      ...developmentKeys(),
      ...slack?.env,
      ...oidcEnv,
      TEMPORAL_ADDRESS: temporal.address,
      REDIS_URL: redis.url,
      GATEHOUSE_CONFIG: configFile,
      GATEHOUSE_LOG_FORMAT: process.env.GATEHOUSE_LOG_FORMAT ?? 'pretty',
    };
    // Only the worker holds the broker's key; the gateway and the API never see it.
    const workerEnv = { ...shared, GATEHOUSE_SNOWFLAKE_BROKER_KEY: snowflake.brokerPrivateKey ?? '' };
    const start = (name: string, args: string[], env: NodeJS.ProcessEnv = shared, watch?: (line: string) => void) => {
      const print = prefixed(name);
      const onLine = (line: string) => {
        print(line);
        watch?.(line);
      };
      const proc = startProcess(name, process.execPath, [join(projectRoot, 'bin', 'gatehouse.js'), ...args], { cwd: projectRoot, env, onLine });
      proc.child.once('exit', (code) => {
        if (!interrupted && !stopping && !restart) {
          say(`${name} exited with code ${code}; stopping the stack`);
          wake(code === 0 || code === null ? 1 : code);
        }
      });
      children.push(proc);
      return proc;
    };

    say(`Temporal  ${temporal.address}   UI ${temporal.uiUrl}`);
    say(`Redis     ${redis.url}${redis.process ? ' (private, data in .gatehouse/redis)' : ' (from REDIS_URL)'}`);
    say(`Snowflake ${snowflake.url} (local, account ${snowflake.account}, data in .gatehouse/snowflake)`);
    say(`config    ${configFile}`);

    let slackLines: string[] = [];
    if (slack) {
      // The local Slack first: the app and the worker's notifier post to it.
      start('slack', slack.localSlackArgs);
      slackLines = slack.describe(await step(slack.ready()));
    }
    let workerRunning = false;
    const worker = start('worker', ['worker'], workerEnv, (line) => {
      if (line.includes('worker running')) workerRunning = true;
    });
    // GATEHOUSE_DEV_WORKERS=2 runs more worker processes on the same task queue: Temporal spreads
    // workflow and activity tasks over them (where the machine has the cores for it).
    for (let i = 2; i <= devWorkerCount(); i++) start(`worker-${i}`, ['worker'], workerEnv);
    const slackApp = start('slack-app', slack?.appArgs ?? ['slack-app']);
    const api = start('api', ['api'], { ...shared, ...consoleEnv, GATEHOUSE_API_PORT: String(apiPort), GATEHOUSE_GATEWAY_URL: gatewayUrl });
    const gateway = start('gateway', ['gateway'], { ...shared, GATEHOUSE_GATEWAY_PORT: String(gatewayPort), GATEHOUSE_ACCESS_REQUEST_URL: `${apiUrl}/v1/access-requests`, ...gatewayOAuthEnv });

    await step(waitFor('the worker', async () => (workerRunning ? true : undefined), 120_000, worker));
    if (slack) await step(waitFor('the Slack app', answers(slack.appUrl.replace(/\/slack\/events$/, '/healthz')), 60_000, slackApp));
    await step(waitFor('the REST API', answers(`${apiUrl}/healthz`), 60_000, api));
    await step(waitFor('the MCP gateway', answers(`${gatewayUrl}/healthz`), 60_000, gateway));

    const someone = expandPrincipals(config, config.targets[0]?.requesters ?? []).find((s) => s !== '*') ?? 'someone@example.org';
    say('ready:');
    say(`  Temporal UI   ${temporal.uiUrl}`);
    say(codecLine);
    say(`  REST API      ${apiUrl}  (OpenAPI ${apiUrl}/v1/openapi.json)`);
    say(`  audit console ${apiUrl}/console${consoleEnv.GATEHOUSE_CONSOLE_CLIENT_ID ? '  (sign in as an audit reader of the config, any password)' : ' (off: set GATEHOUSE_CONSOLE_CLIENT_ID and _SECRET for your provider)'}`);
    for (const target of config.targets) say(`  MCP endpoint  ${gatewayUrl}/mcp/${target.name}`);
    if (gatewayOAuthEnv.GATEHOUSE_OAUTH_ISSUER) say('  sign in from any MCP client with just that URL (as anyone the policy names, any password)');
    slackLines.forEach(say);
    if (!process.env.GATEHOUSE_OIDC_ISSUER) {
      say(`  ask as an agent: source ${relative(projectRoot, clientEnvFile(oidcDir, someone))} && npx gatehouse request --target ${config.targets[0]?.name} --duration 30m --reason "..." --wait`);
    }
    say('press Ctrl-C to stop');
    return done;
  }
}
