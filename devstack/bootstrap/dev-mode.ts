import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { developmentKeys } from '../dev-keys';
import { preferredPort, startProcess, type ManagedProcess } from '../processes';
import { ensureRedis } from '../redis';
import { projectRoot, stateDir } from '../state';
import { ensureTemporalCli, startTemporalServer } from '../temporal';
import { planSlackDev } from '../slack';
import { startLocalSnowflakeProcess } from '../snowflake';
import { stopOnSignals } from './signals';

const say = (message: string) => process.stdout.write(`[gatehouse] ${message}\n`);

/** The configuration the dev stack runs: GATEHOUSE_CONFIG, else ./gatehouse.yaml, else the example. */
function devConfigPath(): string {
  if (process.env.GATEHOUSE_CONFIG) return process.env.GATEHOUSE_CONFIG;
  const own = join(projectRoot, 'gatehouse.yaml');
  return existsSync(own) ? own : join(projectRoot, 'gatehouse.example.yaml');
}

function prefixed(name: string) {
  return (line: string) => process.stdout.write(`[${name.padEnd(8)}] ${line}\n`);
}

/**
 * Runs the stack on embedded defaults until Ctrl-C: Temporal dev server (with its UI, SQLite in
 * .gatehouse/temporal), Redis (REDIS_URL or a private one with data in .gatehouse/redis) and the
 * worker. Every process it starts is stopped when it ends.
 */
export async function runDevStack(_args: string[]): Promise<number> {
  const cli = ensureTemporalCli(say);
  const temporal = await startTemporalServer({ cli, ui: true, port: await preferredPort(7233), uiPort: await preferredPort(8233), log: say });
  const redis = await ensureRedis({ dataDir: stateDir('redis') });
  const config = devConfigPath();
  const snowflakePort = await preferredPort(8085);
  if (snowflakePort !== 8085) say(`port 8085 is taken: the local Snowflake listens on ${snowflakePort}; point accessUrl in ${config} at it`);
  const snowflakeDir = stateDir('snowflake');
  const snowflake = await startLocalSnowflakeProcess({
    dataDir: snowflakeDir,
    port: snowflakePort,
    brokerKeyFile: join(snowflakeDir, 'broker.pem'),
    onLine: prefixed('snowflake'),
  });
  const slack = await planSlackDev(config);
  const env = {
    ...process.env,
    ...slack.env,
    GATEHOUSE_SNOWFLAKE_BROKER_KEY: snowflake.brokerPrivateKey ?? '',
    ...developmentKeys(),
    TEMPORAL_ADDRESS: temporal.address,
    REDIS_URL: redis.url,
    GATEHOUSE_CONFIG: config,
  };
  say(`Temporal  ${temporal.address}   UI ${temporal.uiUrl}`);
  say(`Redis     ${redis.url}${redis.process ? ' (private, data in .gatehouse/redis)' : ' (from REDIS_URL)'}`);
  say(`Snowflake ${snowflake.url} (local, account ${snowflake.account}, data in .gatehouse/snowflake)`);
  say(`config    ${config}`);

  const children: ManagedProcess[] = [];
  let exitedEarly: (name: string, code: number | null) => void = () => {};
  const ended = new Promise<number>((resolve) => {
    exitedEarly = (name, code) => {
      say(`${name} exited with code ${code}; stopping the stack`);
      resolve(code === 0 ? 1 : (code ?? 1));
    };
  });
  const start = (name: string, args: string[]) => {
    const proc = startProcess(name, process.execPath, [join(projectRoot, 'bin', 'gatehouse.js'), ...args], { cwd: projectRoot, env, onLine: prefixed(name) });
    proc.child.once('exit', (code) => exitedEarly(name, code));
    children.push(proc);
  };
  // The local Slack first: the app and the worker's notifier post to it.
  start('slack', slack.localSlackArgs);
  const slackIndex = await Promise.race([slack.ready(), ended.then(() => undefined)]);
  if (slackIndex) {
    start('slack-app', slack.appArgs);
    start('worker', ['worker']);
    slack.describe(slackIndex).forEach(say);
  }
  say('still to come in this command: the REST API and the MCP gateway');
  say('press Ctrl-C to stop');

  const interrupted = new Promise<number>((resolve) => {
    const release = stopOnSignals((signal) => {
      release();
      say(`${signal}: stopping`);
      resolve(0);
    });
  });
  const code = await Promise.race([ended, interrupted]);
  exitedEarly = () => {};
  await Promise.allSettled(children.map((c) => c.stop('SIGTERM', 10_000)));
  await Promise.allSettled([temporal.stop(), redis.stop(), snowflake.stop()]);
  say('stopped');
  return code;
}
