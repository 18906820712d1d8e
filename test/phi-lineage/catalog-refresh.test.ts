// PHI catalog discovery through the broker (no reader secret), refreshed by a Temporal schedule and on demand, against the
// local Snowflake, a real Temporal dev server and Redis; and a hostile insider who declassifies columns by recreating a table.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import {
  createCatalogActivities, CredentialProviders, ensureCatalogRefreshSchedule, snowflakeProviderFactory, SnowflakeClient, type CatalogRefreshReport,
} from '../../activities';
import { runGatehouse } from '../support/cli';
import { bootstrapLocalBroker } from '../../devstack/snowflake';
import { connectRedis, connectTemporalClient, createLogger, RedisCatalogRecords, RedisSecretVault, temporalSettings, type Redis } from '../../lib';
import { parseStoredCatalog, type PhiCatalog } from '../../phi';
import { parseConfig } from '../../policy';
import { createAccessWorker } from '../../worker';
import type { AccessActivities } from '../../workflows';
import { startSnowflakeFixture, snowflakeServerArgs, type SnowflakeFixture } from '../mcp-servers/support';
import { connectAdmin, type Driver } from '../snowflake/support';
import { eventually } from '../support/eventually';
import { quietTemporalRuntime, testRedisUrl } from '../support/harness';

const NAMESPACE = `test-catalog-refresh-${process.pid}-${Date.now()}`;
let fx: SnowflakeFixture;
let admin: Driver;
let brokerKey: string;
let dir: string;
let redis: Redis;
let records: RedisCatalogRecords<PhiCatalog>;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let closeWorker: () => Promise<void>;
let providers: CredentialProviders;
const taskQueue = `test-catalog-${randomBytes(6).toString('hex')}`;

const yaml = (pins = '') => {
  const settings = (role: string) => `{ account: ${fx.sf.account.toLowerCase()}, accessUrl: ${JSON.stringify(fx.sf.url)}, brokerUser: GATEHOUSE_BROKER, brokerRole: GATEHOUSE_BROKER_ROLE, targetRole: ${role}, warehouse: ANALYTICS_WH, database: CLINICAL, schema: PHI }`;
  const target = (name: string, role: string, scope: string, extra = '') => `
  - name: ${name}
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify(snowflakeServerArgs)} }
    credentials: { provider: snowflake, settings: ${settings(role)} }
    scope: { role: ${role}, objects: [${scope}] }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [alice@example.org] }${extra}`;
  return `version: 1\ntargets:${target('clinical', 'CLINICAL_ANALYST', 'CLINICAL.PHI')}${target('intake', 'CLINICAL_ANALYST', 'CLINICAL.PHI.INTAKE2', pins)}${
    target('billing', 'BILLING_ANALYST', 'CLINICAL.BILLING')}\n`;
};

const gatehouse = (env: Record<string, string | undefined>, ...args: string[]) =>
  runGatehouse(args, { REDIS_URL: testRedisUrl(), GATEHOUSE_CATALOG_NAMESPACE: NAMESPACE, TEMPORAL_TASK_QUEUE: taskQueue, ...env });

const readers = async () => (await admin.query("SHOW USERS LIKE 'GH_CAT_%'")).map((u) => u.name);
const classOf = (c: PhiCatalog | undefined, table: string, column: string) => c?.tables.find((t) => t.name === table)?.columns.find((col) => col.name === column)?.class;

/** The insider's table: FIELD_A a number tagged MRN, FIELD_B a string tagged NAME, FIELD_C a plain count. */
async function createIntake(columns = 'FIELD_A NUMBER, FIELD_B STRING, FIELD_C NUMBER'): Promise<void> {
  await admin.query(`CREATE OR REPLACE TABLE CLINICAL.PHI.INTAKE2 (${columns})`);
  await admin.query("INSERT INTO CLINICAL.PHI.INTAKE2 VALUES (4711, 'alpha', 1), (4712, 'beta', 2), (4713, 'gamma', 3)");
  await admin.query('GRANT SELECT ON TABLE CLINICAL.PHI.INTAKE2 TO ROLE CLINICAL_ANALYST');
}

// As the harness does for its workers: the SDK's INFO lines stay out of the test output.
beforeAll(quietTemporalRuntime);
beforeAll(async () => {
  fx = await startSnowflakeFixture();
  admin = await connectAdmin(fx.sf);
  brokerKey = (await bootstrapLocalBroker({ url: fx.sf.url, account: fx.sf.account, adminUser: fx.sf.adminUser, adminPassword: fx.sf.adminPassword, targetRoles: ['CLINICAL_ANALYST'] })).privateKey;
  await createIntake();
  await admin.query("ALTER TABLE CLINICAL.PHI.INTAKE2 MODIFY COLUMN FIELD_A SET TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI = 'MRN'");
  await admin.query("ALTER TABLE CLINICAL.PHI.INTAKE2 MODIFY COLUMN FIELD_B SET TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI = 'NAME'");
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-catalog-refresh-'));
  writeFileSync(join(dir, 'gatehouse.yaml'), yaml());
  redis = connectRedis(testRedisUrl());
  records = new RedisCatalogRecords(redis, parseStoredCatalog, NAMESPACE);
  const config = parseConfig(yaml(), 'gatehouse.yaml');
  const vault = new RedisSecretVault(redis, randomBytes(32));
  providers = new CredentialProviders(config.targets, { snowflake: snowflakeProviderFactory({ env: { GATEHOUSE_SNOWFLAKE_BROKER_KEY: brokerKey }, vault }) });
  const temporal = { ...temporalSettings(), taskQueue };
  const log = createLogger('catalog-refresh-test', 'silent');
  // The worker registers only the catalog activities: this suite starts no access request.
  const activities = createCatalogActivities({ targets: config.targets, providers, catalogs: records, log }) as unknown as AccessActivities;
  const created = await createAccessWorker({ temporal, taskQueue, activities, workflowBundlePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE });
  worker = created.worker;
  running = worker.run();
  client = await connectTemporalClient(temporal);
  closeWorker = async () => {
    worker.shutdown();
    await running;
    await created.connection.close();
    await client.connection.close();
  };
}, 180_000);
afterAll(async () => {
  await closeWorker?.();
  redis?.disconnect();
  await admin?.close();
  await fx?.close();
});

test('gatehouse catalog discover reads as a reader the broker mints with the target role (no reader secret), and drops it', async () => {
  const found = await gatehouse({ GATEHOUSE_SNOWFLAKE_BROKER_KEY: brokerKey }, 'catalog', 'discover', 'clinical', '--config', join(dir, 'gatehouse.yaml'));
  expect(found.stderr).not.toMatch(/gatehouse:/);
  expect(found.code).toBe(0);
  expect(found.stdout).toContain('CLINICAL.PHI.PATIENTS.SSN: SSN  # snowflake-tag');
  expect(found.stdout).toContain('CLINICAL.PHI.INTAKE2.FIELD_A: MRN  # snowflake-tag');
  expect(await readers()).toEqual([]);
  expect(classOf(await records.read('clinical'), 'PATIENTS', 'LAST_NAME')).toBe('NAME');
  const recorded = await gatehouse({}, 'catalog', 'diff', 'clinical', '--recorded', '--config', join(dir, 'gatehouse.yaml'));
  expect(recorded.stdout).toMatch(/gatehouse catalog discover \(.+, broker reader\)/);
}, 120_000);

test('bad input: no broker key, a target role the broker does not own: clear errors, no reader left, nothing stored', async () => {
  const noKey = await gatehouse({ GATEHOUSE_SNOWFLAKE_BROKER_KEY: undefined }, 'catalog', 'discover', 'intake', '--config', join(dir, 'gatehouse.yaml'));
  expect(noKey).toMatchObject({ code: 3, stderr: expect.stringContaining('GATEHOUSE_SNOWFLAKE_BROKER_KEY') });
  const notOwned = await gatehouse({ GATEHOUSE_SNOWFLAKE_BROKER_KEY: brokerKey }, 'catalog', 'discover', 'billing', '--config', join(dir, 'gatehouse.yaml'));
  expect(notOwned.code).toBe(1);
  expect(notOwned.stderr).toContain('could not mint a catalog reader with role BILLING_ANALYST');
  expect(await readers()).toEqual([]);
  expect(await records.read('billing')).toBeUndefined();
}, 120_000);

test('the schedule re-discovers every target; an insider who recreates a table without its tags cannot lower protection; a pin accepts it', async () => {
  const scheduleId = `catalog-test-${randomBytes(4).toString('hex')}`;
  await ensureCatalogRefreshSchedule(client, { taskQueue, every: '1h', scheduleId });
  await ensureCatalogRefreshSchedule(client, { taskQueue, every: '1h', scheduleId }); // idempotent
  await expect(ensureCatalogRefreshSchedule(client, { taskQueue, every: 'soon', scheduleId })).rejects.toThrow(/not a duration/);
  const schedule = client.schedule.getHandle(scheduleId);
  const reports = async (target: string) => (await records.records(target, 50)) as CatalogRefreshReport[];
  try {
    const before = (await reports('intake')).length;
    await schedule.trigger();
    await eventually(async () => (await reports('intake')).length > before && (await reports('billing')).length > 0, 'the scheduled refresh to record');
    const first = await records.read('intake');
    expect([classOf(first, 'INTAKE2', 'FIELD_A'), classOf(first, 'INTAKE2', 'FIELD_B'), classOf(first, 'INTAKE2', 'FIELD_C')]).toEqual(['MRN', 'NAME', 'none']);
    // The target whose role the broker does not own fails alone, recorded; the others are refreshed.
    expect((await reports('billing'))[0]).toMatchObject({ trigger: 'schedule', error: expect.stringContaining('could not mint a catalog reader') });
    expect(await readers()).toEqual([]);

    // The insider recreates the table: FIELD_A renamed FIELD_Z, every tag gone (CREATE OR REPLACE drops them).
    await createIntake('FIELD_Z NUMBER, FIELD_B STRING, FIELD_C NUMBER');
    expect(await admin.query("SELECT SYSTEM$GET_TAG('CLINICAL.GOVERNANCE.GATEHOUSE_PHI', 'CLINICAL.PHI.INTAKE2.FIELD_B', 'COLUMN') AS T")).toEqual([{ T: null }]);
    const count = (await reports('intake')).length;
    await schedule.trigger();
    await eventually(async () => (await reports('intake')).length > count, 'the second refresh to record');
    const latest = (await reports('intake'))[0]!;
    expect(latest.error).toBeUndefined();
    expect(latest.changes).toEqual(expect.arrayContaining([
      expect.objectContaining({ column: 'CLINICAL.PHI.INTAKE2.FIELD_Z', discovered: 'none', applied: 'MRN', held: expect.stringContaining('a rename?') }),
      expect.objectContaining({ column: 'CLINICAL.PHI.INTAKE2.FIELD_B', before: 'NAME', discovered: 'text', applied: 'NAME', held: expect.any(String) }),
      expect.objectContaining({ column: 'CLINICAL.PHI.INTAKE2.FIELD_A', before: 'MRN' }),
    ]));
    const second = await records.read('intake');
    expect([classOf(second, 'INTAKE2', 'FIELD_Z'), classOf(second, 'INTAKE2', 'FIELD_B'), classOf(second, 'INTAKE2', 'FIELD_C')]).toEqual(['MRN', 'NAME', 'none']);

    // On demand, through the worker: the same rule; an admin's discover cannot lower it either.
    const demand = await gatehouse({}, 'catalog', 'refresh', 'intake', '--config', join(dir, 'gatehouse.yaml'));
    expect(demand.code).toBe(0);
    expect(demand.stdout).toContain('CLINICAL.PHI.INTAKE2.FIELD_Z: MRN -> MRN  # HELD: discovery says none');
    const direct = await gatehouse({ GATEHOUSE_SNOWFLAKE_BROKER_KEY: brokerKey }, 'catalog', 'discover', 'intake', '--config', join(dir, 'gatehouse.yaml'));
    expect(direct.stdout).toContain('CLINICAL.PHI.INTAKE2.FIELD_B: NAME  # snowflake-tag');
    const recorded = await gatehouse({}, 'catalog', 'diff', 'intake', '--recorded', '--config', join(dir, 'gatehouse.yaml'));
    expect(recorded.stdout).toMatch(/# .+ \(schedule\)\nCLINICAL\.PHI\.INTAKE2\.FIELD_A: MRN -> \(gone\)/);
    expect(recorded.stdout).toContain('FIELD_Z: (new) -> MRN  # HELD');

    // Review: the admin pins the weaker class in gatehouse.yaml; pins win when the catalog is read.
    writeFileSync(join(dir, 'pinned.yaml'), yaml('\n    masking:\n      catalog: { CLINICAL.PHI.INTAKE2.FIELD_Z: none }'));
    const shown = await gatehouse({}, 'catalog', 'show', 'intake', '--config', join(dir, 'pinned.yaml'));
    expect(shown.stdout).toContain('CLINICAL.PHI.INTAKE2.FIELD_Z: none  # config');
    expect(shown.stdout).toContain('CLINICAL.PHI.INTAKE2.FIELD_B: NAME');
  } finally {
    await schedule.delete();
  }
}, 240_000);

test('reconciliation drops a catalog reader a crashed discovery left behind once its expiry passed, and nothing else', async () => {
  const broker = await SnowflakeClient.connect({ account: fx.sf.account, accessUrl: fx.sf.url, username: 'GATEHOUSE_BROKER', privateKey: brokerKey, role: 'GATEHOUSE_BROKER_ROLE' });
  const past = new Date(Date.now() - 60_000).toISOString();
  const future = new Date(Date.now() + 600_000).toISOString();
  try {
    await broker.execute(`CREATE USER GH_CAT_AAAAAAAAAAAAAAAAAAAA TYPE = SERVICE COMMENT = 'gatehouse-broker catalog-reader target=intake expires=${past}'`);
    await broker.execute(`CREATE USER GH_CAT_BBBBBBBBBBBBBBBBBBBB TYPE = SERVICE COMMENT = 'gatehouse-broker catalog-reader target=intake expires=${future}'`);
    // Named like a reader, but not marked as one: not ours to drop.
    await broker.execute("CREATE USER GH_CAT_CCCCCCCCCCCCCCCCCCCC TYPE = SERVICE COMMENT = 'someone else'");
    const report = await providers.for('intake').reconcile!(async () => true);
    expect(report.revoked).toEqual(['GH_CAT_AAAAAAAAAAAAAAAAAAAA']);
    expect((await readers()).sort()).toEqual(['GH_CAT_BBBBBBBBBBBBBBBBBBBB', 'GH_CAT_CCCCCCCCCCCCCCCCCCCC']);
  } finally {
    await broker.execute('DROP USER IF EXISTS GH_CAT_BBBBBBBBBBBBBBBBBBBB');
    await broker.execute('DROP USER IF EXISTS GH_CAT_CCCCCCCCCCCCCCCCCCCC');
    await broker.close();
  }
}, 60_000);
