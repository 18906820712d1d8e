import { createLogger } from '../../lib';
import { startLocalSnowflake } from './local';

/**
 * The local Snowflake as its own process (what `gatehouse devstack snowflake` runs):
 *   npx tsx devstack/snowflake/main.ts --port 8085 --data DIR [--seed 42 --patients 200] [--account gatehouse-dev]
 * Prints one JSON line ({ url, account, adminUser, adminPasswordFile }) when it listens. The ADMIN
 * password comes from GATEHOUSE_SNOWFLAKE_ADMIN_PASSWORD or is generated into DATA/admin-password;
 * it is never printed.
 */
export interface SnowflakeProcessOptions {
  port: number;
  data: string;
  seed?: number;
  patients?: number;
  account?: string;
  host?: string;
}

export async function runLocalSnowflake(options: SnowflakeProcessOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const sf = await startLocalSnowflake({
    dataDir: options.data,
    port: options.port,
    host: options.host,
    account: options.account,
    adminPassword: env.GATEHOUSE_SNOWFLAKE_ADMIN_PASSWORD,
    seed: { seed: options.seed ?? 42, patients: options.patients ?? 200 },
  });
  process.stdout.write(`${JSON.stringify({ url: sf.url, account: sf.account, adminUser: sf.adminUser, adminPasswordFile: `${options.data}/admin-password` })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sf.close();
}

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
  })
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      createLogger('devstack.snowflake').error({ err: (error as Error).message }, 'local snowflake failed');
      process.exit(1);
    });
}
