import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import snowflake from 'snowflake-sdk';
import { userInfo } from 'node:os';
import { catalogNamespace, connectRedis, connectTemporalClient, temporalSettings, waitForRedis, type Redis } from '../../lib';
import { applyConfigTags, discoverCatalog, mergeDiscovery, qualified, type CatalogChange, type CatalogQuery, type PhiCatalog } from '../../phi';
import { catalogScopeOf, configPath, findTarget, loadConfig, type GatehouseConfig, type TargetConfig } from '../../policy';
import { RedisCatalogStore } from '../../proxy';
import { catalogReaderOf } from '../../worker';
import { CommandFailure, EXIT } from '../exit-codes';

interface CatalogOptions { config?: string; json?: boolean }
interface DiscoverOptions extends CatalogOptions { user?: string; privateKeyFile?: string; role?: string; scope?: string[]; sample?: boolean; dryRun?: boolean; recorded?: boolean }

function configAndTarget(name: string, options: CatalogOptions): { config: GatehouseConfig; target: TargetConfig } {
  const config = loadConfig(options.config ?? configPath());
  const target = findTarget(config, name);
  if (!target) throw new CommandFailure(EXIT.usage, `no target "${name}" in the configuration (targets: ${config.targets.map((t) => t.name).join(', ')})`);
  return { config, target };
}

const targetOf = (name: string, options: CatalogOptions): TargetConfig => configAndTarget(name, options).target;

async function withStore<T>(work: (store: RedisCatalogStore, redis: Redis) => Promise<T>): Promise<T> {
  const redis: Redis = connectRedis(process.env.REDIS_URL);
  redis.on('error', () => undefined);
  try {
    await waitForRedis(redis).catch((error: unknown) => {
      throw new CommandFailure(EXIT.config, `cannot reach Redis (REDIS_URL), where the gateway reads the catalog: ${(error as Error).message}`);
    });
    let namespace: string;
    try {
      namespace = catalogNamespace();
    } catch (error) {
      throw new CommandFailure(EXIT.config, (error as Error).message);
    }
    return await work(new RedisCatalogStore(redis, 0, { namespace }), redis);
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

/** A key-pair connection as a reader the admin names (--user and --private-key-file), instead of the broker's minted reader. */
async function snowflakeQuery(target: TargetConfig, options: DiscoverOptions): Promise<{ query: CatalogQuery; close(): Promise<void> }> {
  const s = target.credentials.settings as Record<string, string | undefined>;
  const user = options.user;
  const privateKey = options.privateKeyFile ? readFileSync(options.privateKeyFile, 'utf8') : undefined;
  if (!s.account || !user || !privateKey) {
    throw new CommandFailure(EXIT.usage, `a named reader needs a Snowflake account (credentials.settings.account), --user and --private-key-file (without both, the broker mints a reader)`);
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
  const scope = catalogScopeOf(target);
  if (scope.length) return scope;
  throw new CommandFailure(EXIT.usage, `say what to read: --scope DATABASE.SCHEMA (target ${target.name} names no scope objects, database or schema)`);
}

/**
 * Discovers the target's catalog and merges it into the stored one (never lowering a column's
 * protection: such changes are held, see phi mergeDiscovery). The reader is the broker's minted
 * one unless --user and --private-key-file name another.
 */
async function discover(name: string, options: DiscoverOptions): Promise<{ merged: PhiCatalog; changes: CatalogChange[]; stored?: PhiCatalog; notes: string[]; target: TargetConfig }> {
  const { config, target } = configAndTarget(name, options);
  const scope = scopeOf(target, options);
  const read = (query: CatalogQuery) => discoverCatalog(query, { target: target.name, scope, sample: options.sample !== false });
  return withStore(async (store, redis) => {
    let fresh: Awaited<ReturnType<typeof read>>;
    if (options.user || options.privateKeyFile) {
      const connection = await snowflakeQuery(target, options);
      try {
        fresh = await read(connection.query);
      } finally {
        await connection.close();
      }
    } else {
      let reader;
      try {
        reader = catalogReaderOf(config, target, process.env, redis);
      } catch (error) {
        throw new CommandFailure(EXIT.config, `cannot read the catalog of target "${target.name}" through its broker: ${(error as Error).message}`);
      }
      try {
        fresh = await reader(read);
      } catch (error) {
        throw new CommandFailure(EXIT.failed, (error as Error).message);
      }
    }
    const stored = await store.get(target.name);
    const { catalog: merged, changes } = mergeDiscovery(stored, fresh.catalog);
    return { merged, changes: stored ? changes : [], ...(stored ? { stored } : {}), notes: fresh.notes, target };
  });
}

function printChanges(changes: CatalogChange[]): void {
  if (!changes.length) process.stdout.write('no change\n');
  for (const c of changes) {
    const after = c.applied ?? '(gone)';
    const line = `${c.column}: ${c.before ?? '(new)'} -> ${after}${c.held ? `  # HELD: discovery says ${c.discovered}; ${c.held}` : ''}`;
    process.stdout.write(`${line}\n`);
  }
}

interface RecordedRefresh { at?: string; trigger?: string; error?: string; changes?: CatalogChange[]; notes?: string[] }

function printRecorded(records: unknown[]): void {
  if (!records.length) process.stdout.write('no refresh recorded yet\n');
  for (const raw of records as RecordedRefresh[]) {
    process.stdout.write(`# ${raw.at ?? '?'} (${raw.trigger ?? '?'})${raw.error ? `: FAILED ${raw.error}` : ''}\n`);
    if (!raw.error) printChanges(raw.changes ?? []);
  }
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
    .option('--user <name>', 'a Snowflake user to read the scope as (default: a reader the broker mints with the target role and drops after)')
    .option('--private-key-file <file>', 'that user\'s PEM key')
    .option('--role <role>', 'the role to read with (default: the target\'s role)')
    .option('--scope <objects...>', 'DATABASE.SCHEMA or DATABASE.SCHEMA.TABLE to read')
    .option('--no-sample', 'classify by tags, names and types only (no values read)');
  reading(catalog.command('discover').description('read the scope, classify every column, and store the result for the gateway'))
    .option('--dry-run', 'print, do not store')
    .option('--json', 'machine-readable')
    .action(async (name: string, options: DiscoverOptions) => {
      const { merged, changes, stored, notes, target } = await discover(name, options);
      for (const note of notes) process.stderr.write(`note: ${note}\n`);
      if (stored) printChanges(changes);
      if (!options.dryRun) {
        await withStore(async (store) => {
          await store.put(merged);
          const trigger = `gatehouse catalog discover (${userInfo().username}${options.user ? `, reader ${options.user}` : ', broker reader'})`;
          await store.records.record(target.name, { target: target.name, trigger, at: new Date().toISOString(), tables: merged.tables.length, changes, notes });
        });
      }
      process.stdout.write(render(applyConfigTags(merged, target.masking.catalog), options.json === true));
    });
  catalog
    .command('refresh')
    .description('ask the worker to re-discover now (the scheduled refresh, on demand): its broker mints the reader; changes that lower protection are held')
    .argument('[targets...]', 'targets to refresh (default: every target the worker can read)')
    .option('--config <file>', 'gatehouse.yaml')
    .option('--wait <seconds>', 'how long to wait for the result', (v) => Number(v), 300)
    .action(async (names: string[], options: CatalogOptions & { wait?: number }) => {
      for (const name of names) targetOf(name, options);
      const wait = options.wait ?? 300;
      if (!Number.isFinite(wait) || wait < 1 || wait > 3600) throw new CommandFailure(EXIT.usage, '--wait must be 1 to 3600 seconds');
      const settings = temporalSettings(process.env);
      const client = await connectTemporalClient(settings).catch((error: unknown) => {
        throw new CommandFailure(EXIT.config, `cannot reach Temporal at ${settings.address} (TEMPORAL_ADDRESS), where the worker refreshes catalogs: ${(error as Error).message}`);
      });
      try {
        const handle = await client.workflow.start('catalogRefresh', {
          taskQueue: settings.taskQueue,
          workflowId: `gatehouse-phi-catalog-refresh-demand-${Date.now().toString(36)}`,
          args: [{ ...(names.length ? { targets: names } : {}), trigger: `gatehouse catalog refresh (${userInfo().username})` }],
          workflowExecutionTimeout: `${wait}s`,
        });
        const reports = (await handle.result()) as { target: string; error?: string; changes: CatalogChange[]; notes: string[] }[];
        let failed = false;
        for (const report of reports) {
          process.stdout.write(`# ${report.target}${report.error ? `: FAILED ${report.error}` : ''}\n`);
          for (const note of report.notes ?? []) process.stderr.write(`note: ${note}\n`);
          if (report.error) failed = true;
          else printChanges(report.changes);
        }
        if (!reports.length) process.stdout.write('no target to refresh (no target\'s provider can mint a catalog reader)\n');
        if (failed) throw new CommandFailure(EXIT.failed, 'some catalogs were not refreshed (see above); their stored catalogs are unchanged');
      } finally {
        await client.connection.close();
      }
    });
  reading(catalog.command('diff').description('what discovery would change against the stored catalog (nothing is stored); --recorded: what past refreshes changed or held'))
    .option('--recorded', 'print the recorded refreshes (scheduled and on demand), newest first, instead of discovering')
    .option('--last <n>', 'with --recorded: how many', (v) => Number(v), 20)
    .action(async (name: string, options: DiscoverOptions & { last?: number }) => {
      if (options.recorded) {
        const target = targetOf(name, options);
        const last = options.last ?? 20;
        if (!Number.isInteger(last) || last < 1 || last > 200) throw new CommandFailure(EXIT.usage, '--last must be a whole number from 1 to 200');
        printRecorded(await withStore((store) => store.records.records(target.name, last)));
        return;
      }
      const { changes, stored, notes } = await discover(name, options);
      for (const note of notes) process.stderr.write(`note: ${note}\n`);
      if (!stored) process.stdout.write('nothing stored yet: discover would store every column as discovered\n');
      else printChanges(changes);
    });
}
