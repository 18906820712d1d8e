import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import snowflake from 'snowflake-sdk';
import { connectRedis, waitForRedis, type Redis } from '../../lib';
import { applyConfigTags, diffCatalogs, discoverCatalog, qualified, type CatalogQuery, type PhiCatalog } from '../../phi';
import { configPath, findTarget, loadConfig, type TargetConfig } from '../../policy';
import { RedisCatalogStore } from '../../proxy';
import { CommandFailure, EXIT } from '../exit-codes';

interface CatalogOptions { config?: string; json?: boolean }
interface DiscoverOptions extends CatalogOptions { user?: string; privateKeyFile?: string; role?: string; scope?: string[]; sample?: boolean; dryRun?: boolean }

function targetOf(name: string, options: CatalogOptions): TargetConfig {
  const config = loadConfig(options.config ?? configPath());
  const target = findTarget(config, name);
  if (!target) throw new CommandFailure(EXIT.usage, `no target "${name}" in the configuration (targets: ${config.targets.map((t) => t.name).join(', ')})`);
  return target;
}

async function withStore<T>(work: (store: RedisCatalogStore) => Promise<T>): Promise<T> {
  const redis: Redis = connectRedis(process.env.REDIS_URL);
  redis.on('error', () => undefined);
  try {
    await waitForRedis(redis).catch((error: unknown) => {
      throw new CommandFailure(EXIT.config, `cannot reach Redis (REDIS_URL), where the gateway reads the catalog: ${(error as Error).message}`);
    });
    return await work(new RedisCatalogStore(redis, 0));
  } finally {
    redis.disconnect();
  }
}

/** One line per column: what a reviewer reads, and the YAML to pin it. */
function render(catalog: PhiCatalog, json: boolean): string {
  if (json) return `${JSON.stringify(catalog, null, 2)}\n`;
  const lines = [`# PHI catalog of ${catalog.target}${catalog.discoveredAt ? `, discovered ${catalog.discoveredAt}` : ' (gatehouse.yaml only: nothing discovered yet)'}`,
    '# Pin any line into the target\'s masking.catalog in gatehouse.yaml; pinned lines win over tags and discovery.'];
  for (const t of catalog.tables) {
    for (const c of t.columns) lines.push(`${qualified(t, c.name)}: ${c.class}  # ${c.source}${c.dataType ? `, ${c.dataType}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A key-pair connection that reads the scope (the catalog reader's identity, not a grant's). */
async function snowflakeQuery(target: TargetConfig, options: DiscoverOptions): Promise<{ query: CatalogQuery; close(): Promise<void> }> {
  const s = target.credentials.settings as Record<string, string | undefined>;
  const user = options.user ?? s.brokerUser;
  const keyEnv = s.brokerPrivateKeyEnv ?? 'GATEHOUSE_SNOWFLAKE_BROKER_KEY';
  const privateKey = options.privateKeyFile ? readFileSync(options.privateKeyFile, 'utf8') : process.env[keyEnv];
  if (!s.account || !user || !privateKey) {
    throw new CommandFailure(EXIT.usage, `discovery needs a Snowflake account (credentials.settings.account), a user (--user or settings.brokerUser) and its key (--private-key-file or ${keyEnv})`);
  }
  snowflake.configure({ logLevel: 'ERROR', additionalLogToConsole: false } as Parameters<typeof snowflake.configure>[0]);
  const connection = snowflake.createConnection({
    account: s.account, ...(s.accessUrl ? { accessUrl: s.accessUrl } : {}), username: user, authenticator: 'SNOWFLAKE_JWT', privateKey,
    ...(options.role ?? target.scope?.role ?? s.targetRole ? { role: options.role ?? target.scope?.role ?? s.targetRole } : {}),
    ...(s.warehouse ? { warehouse: s.warehouse } : {}), application: 'GatehouseCatalog',
  } as snowflake.ConnectionOptions);
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(new CommandFailure(EXIT.failed, `cannot log in to Snowflake as ${user}: ${error.message}`)) : resolve())));
  const query: CatalogQuery = (sqlText) => new Promise((resolve, reject) => {
    connection.execute({
      sqlText,
      complete: (error, statement, rows) => {
        if (error) return reject(error);
        const columns = (statement.getColumns() ?? []).map((c) => c.getName());
        resolve({ columns, rows: ((rows ?? []) as Record<string, unknown>[]).map((r) => columns.map((c) => r[c])) });
      },
    });
  });
  return { query, close: () => new Promise((resolve) => connection.destroy(() => resolve())) };
}

/** DATABASE.SCHEMA entries to read: --scope, else the target's scope objects, else its database and schema. */
function scopeOf(target: TargetConfig, options: DiscoverOptions): string[] {
  if (options.scope?.length) return options.scope;
  const objects = (target.scope?.objects ?? []).filter((o) => /^[^.]+\.[^.]+(\.[^.]+)?$/.test(o));
  if (objects.length) return objects;
  const s = target.credentials.settings as Record<string, string | undefined>;
  if (s.database && s.schema) return [`${s.database}.${s.schema}`];
  throw new CommandFailure(EXIT.usage, `say what to read: --scope DATABASE.SCHEMA (target ${target.name} names no scope objects, database or schema)`);
}

async function discover(name: string, options: DiscoverOptions): Promise<{ fresh: PhiCatalog; stored?: PhiCatalog; notes: string[]; target: TargetConfig }> {
  const target = targetOf(name, options);
  const connection = await snowflakeQuery(target, options);
  try {
    const { catalog, notes } = await discoverCatalog(connection.query, { target: target.name, scope: scopeOf(target, options), sample: options.sample !== false });
    const stored = await withStore((store) => store.get(target.name));
    return { fresh: catalog, ...(stored ? { stored } : {}), notes, target };
  } finally {
    await connection.close();
  }
}

function printDiff(before: PhiCatalog, after: PhiCatalog): void {
  const changes = diffCatalogs(before, after);
  if (!changes.length) process.stdout.write('no change\n');
  for (const c of changes) process.stdout.write(`${c.column}: ${c.before ?? '(new)'} -> ${c.after ?? '(gone)'}\n`);
}

export function registerCatalogCommand(program: Command): void {
  const catalog = program.command('catalog').description('the PHI catalog a target\'s masking decides by (see phi/README.md)');
  catalog
    .command('show')
    .description('print the catalog in force: discovered classes with gatehouse.yaml\'s pins over them')
    .argument('<target>')
    .option('--config <file>', 'gatehouse.yaml')
    .option('--json', 'machine-readable')
    .action(async (name: string, options: CatalogOptions) => {
      const target = targetOf(name, options);
      const stored = await withStore((store) => store.get(target.name));
      process.stdout.write(render(applyConfigTags(stored ?? { target: target.name, tables: [] }, target.masking.catalog), options.json === true));
    });
  const reading = (c: Command) => c
    .argument('<target>')
    .option('--config <file>', 'gatehouse.yaml')
    .option('--user <name>', 'the Snowflake user that reads the scope (default: the broker user)')
    .option('--private-key-file <file>', 'its PEM key (default: the broker key variable)')
    .option('--role <role>', 'the role to read with (default: the target\'s role)')
    .option('--scope <objects...>', 'DATABASE.SCHEMA or DATABASE.SCHEMA.TABLE to read')
    .option('--no-sample', 'classify by tags, names and types only (no values read)');
  reading(catalog.command('discover').description('read the scope, classify every column, and store the result for the gateway'))
    .option('--dry-run', 'print, do not store')
    .option('--json', 'machine-readable')
    .action(async (name: string, options: DiscoverOptions) => {
      const { fresh, stored, notes, target } = await discover(name, options);
      for (const note of notes) process.stderr.write(`note: ${note}\n`);
      if (stored) printDiff(stored, fresh);
      if (!options.dryRun) await withStore((store) => store.put(fresh));
      process.stdout.write(render(applyConfigTags(fresh, target.masking.catalog), options.json === true));
    });
  reading(catalog.command('diff').description('what discovery would change against the stored catalog (nothing is stored)'))
    .action(async (name: string, options: DiscoverOptions) => {
      const { fresh, stored, notes } = await discover(name, options);
      for (const note of notes) process.stderr.write(`note: ${note}\n`);
      printDiff(stored ?? { target: name, tables: [] }, fresh);
    });
}
