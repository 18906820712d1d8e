import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../lib';
import { bootstrapLocalBroker } from './broker';
import { HISTORY_FILE } from './history-log';
import { startLocalSnowflake } from './local';

/**
 * The local Snowflake as its own process (what `gatehouse devstack snowflake` runs):
 *   npx tsx devstack/snowflake/main.ts --port 8085 --data DIR [--seed 42 --patients 200] [--account gatehouse-dev]
 *       [--broker-key-file FILE]
 * Prints one JSON line ({ url, account, adminUser, adminPasswordFile, brokerKeyFile? }) when it
 * listens. The ADMIN password comes from GATEHOUSE_SNOWFLAKE_ADMIN_PASSWORD or is generated into
 * DATA/admin-password; with --broker-key-file the credential broker (GATEHOUSE_BROKER, role
 * GATEHOUSE_BROKER_ROLE, owning CLINICAL_ANALYST) is bootstrapped with a fresh key pair whose
 * private key is written to FILE (0600). No secret is ever printed. Logins and statements are
 * recorded in DATA/query-history.jsonl (./history-log.ts).
 */
export interface SnowflakeProcessOptions {
  port: number;
  data: string;
  seed?: number;
  patients?: number;
  account?: string;
  host?: string;
  brokerKeyFile?: string;
}

export async function runLocalSnowflake(options: SnowflakeProcessOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const sf = await startLocalSnowflake({
    dataDir: options.data,
    port: options.port,
    host: options.host,
    account: options.account,
    adminPassword: env.GATEHOUSE_SNOWFLAKE_ADMIN_PASSWORD,
    seed: { seed: options.seed ?? 42, patients: options.patients ?? 200 },
    historyFile: join(options.data, HISTORY_FILE),
  });
  if (options.brokerKeyFile) {
    // Restarted on the same data folder (a crash, the chaos run): the broker keeps its key.
    const kept = existsSync(options.brokerKeyFile) ? readFileSync(options.brokerKeyFile, 'utf8') : undefined;
    const broker = await bootstrapLocalBroker({ url: sf.url, account: sf.account, adminUser: sf.adminUser, adminPassword: sf.adminPassword, ...(kept ? { privateKey: kept } : {}) });
    writeFileSync(options.brokerKeyFile, broker.privateKey, { mode: 0o600 });
  }
  const ready = { url: sf.url, account: sf.account.toLowerCase(), adminUser: sf.adminUser, adminPasswordFile: `${options.data}/admin-password`, brokerKeyFile: options.brokerKeyFile };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Closing interrupts running statements first; should DuckDB still not let go, exit anyway:
  // a stopped dev stack must never hang on a runaway query.
  const deadline = setTimeout(() => {
    createLogger('devstack.snowflake').error({ afterMs: STOP_DEADLINE_MS }, 'local snowflake did not close in time; exiting');
    process.exit(1);
  }, STOP_DEADLINE_MS);
  deadline.unref();
  await sf.close();
  clearTimeout(deadline);
}

const STOP_DEADLINE_MS = 2_500;

if (require.main === module) {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const data = flag('data');
  if (!data) {
    process.stderr.write('usage: main.ts --data DIR [--port P] [--seed S] [--patients N] [--account NAME]\n');
    process.exit(2);
  }
  runLocalSnowflake({
    port: Number(flag('port') ?? 0),
    data,
    seed: flag('seed') === undefined ? undefined : Number(flag('seed')),
    patients: flag('patients') === undefined ? undefined : Number(flag('patients')),
    account: flag('account'),
    brokerKeyFile: flag('broker-key-file'),
  })
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      createLogger('devstack.snowflake').error({ err: (error as Error).message }, 'local snowflake failed');
      process.exit(1);
    });
}
