// `gatehouse catalog show|discover|diff <target>` in process, against Redis and the local Snowflake.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGatehouse } from '../support/cli';
import { startSnowflakeFixture, snowflakeServerArgs, type SnowflakeFixture } from '../mcp-servers/support';
import { testRedisUrl } from '../proxy/support';
import { connectAdmin, connectWithKey, errorCode } from '../snowflake/support';

const NAMESPACE = `test-catalog-cli-${process.pid}-${Date.now()}`;
let fx: SnowflakeFixture;
let dir: string;
let configFile: string;
let keyFile: string;

beforeAll(async () => {
  fx = await startSnowflakeFixture();
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-catalog-'));
  keyFile = join(dir, 'reader.pem');
  writeFileSync(keyFile, fx.privateKey, { mode: 0o600 });
  configFile = join(dir, 'gatehouse.yaml');
  writeFileSync(configFile, `
version: 1
targets:
  - name: clinical
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify(snowflakeServerArgs)} }
    credentials:
      provider: snowflake
      settings: { account: ${fx.sf.account.toLowerCase()}, accessUrl: ${JSON.stringify(fx.sf.url)}, brokerUser: GH_BROKER, brokerRole: GH_BROKER_ROLE, targetRole: CLINICAL_ANALYST, warehouse: ANALYTICS_WH, database: CLINICAL, schema: PHI }
    scope: { role: CLINICAL_ANALYST }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [alice@example.org] }
    masking:
      catalog: { CLINICAL.PHI.PATIENTS.PATIENT_ID: none }
  - name: intake
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify(snowflakeServerArgs)} }
    credentials:
      provider: snowflake
      settings: { account: ${fx.sf.account.toLowerCase()}, accessUrl: ${JSON.stringify(fx.sf.url)}, brokerUser: GH_BROKER, brokerRole: GH_BROKER_ROLE, targetRole: CLINICAL_ANALYST, warehouse: ANALYTICS_WH, database: CLINICAL, schema: PHI }
    scope: { role: CLINICAL_ANALYST, objects: [CLINICAL.PHI.INTAKE] }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [alice@example.org] }
`);
}, 120_000);
afterAll(async () => {
  await fx?.close();
});

// This suite's own catalogs: the gateway suite reads target clinical's from the same Redis.
const gatehouse = (...args: string[]) => runGatehouse(args, { REDIS_URL: testRedisUrl(), GATEHOUSE_CATALOG_NAMESPACE: NAMESPACE });

test('discover reads the scope as the reader, stores it; show prints it with the pins; diff sees no change; no value is printed', async () => {
  const reader = ['--config', configFile, '--user', fx.user, '--private-key-file', keyFile, '--role', 'CLINICAL_ANALYST'];
  const discovered = await gatehouse('catalog', 'discover', 'clinical', ...reader);
  expect(discovered.stderr).not.toMatch(/gatehouse:/);
  expect(discovered.code).toBe(0);
  // The seeded PHI columns are tagged (GATEHOUSE_PHI): their class comes from Snowflake.
  expect(discovered.stdout).toContain('CLINICAL.PHI.PATIENTS.SSN: SSN  # snowflake-tag');
  expect(discovered.stdout).toContain('CLINICAL.PHI.PATIENTS.PATIENT_ID: none  # config');
  expect(discovered.stdout).toContain('CLINICAL.PHI.CLINICAL_NOTES.NOTE_TEXT: text');
  expect(discovered.stdout).not.toMatch(/\d{3}-\d{2}-\d{4}|MRN-\d{7}/);
  const shown = await gatehouse('catalog', 'show', 'clinical', '--config', configFile);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain('CLINICAL.PHI.PATIENTS.LAST_NAME: NAME');
  const json = await gatehouse('catalog', 'show', 'clinical', '--config', configFile, '--json');
  expect(JSON.parse(json.stdout)).toMatchObject({ target: 'clinical', tables: expect.arrayContaining([expect.objectContaining({ name: 'PATIENTS' })]) });
  const diff = await gatehouse('catalog', 'diff', 'clinical', ...reader);
  expect(diff.stdout).toContain('no change');
}, 120_000);

test('bad input: an unknown target, a reader without a key, a wrong key: clear errors, nothing stored', async () => {
  const unknown = await gatehouse('catalog', 'show', 'nope', '--config', configFile);
  expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('no target "nope"') });
  const noKey = await gatehouse('catalog', 'discover', 'clinical', '--config', configFile, '--user', fx.user);
  expect(noKey).toMatchObject({ code: 2, stderr: expect.stringContaining('--private-key-file') });
  const wrongKeyFile = join(dir, 'wrong.pem');
  writeFileSync(wrongKeyFile, 'not a key');
  const wrong = await gatehouse('catalog', 'discover', 'clinical', '--config', configFile, '--user', fx.user, '--private-key-file', wrongKeyFile);
  expect(wrong.code).not.toBe(0);
  expect(wrong.stderr).toMatch(/gatehouse: /);
});

test('discover classifies columns by their Snowflake tags when their names and values say nothing; a read-only reader cannot unset them', async () => {
  const admin = await connectAdmin(fx.sf);
  try {
    // Columns named and filled so that neither the name nor the values look like PHI.
    await admin.query('CREATE OR REPLACE TABLE CLINICAL.PHI.INTAKE (FIELD_A STRING, FIELD_B STRING, FIELD_C STRING, FIELD_D NUMBER, FIELD_E STRING, FIELD_F STRING)');
    await admin.query("INSERT INTO CLINICAL.PHI.INTAKE VALUES ('k7', 'alpha', 'red', 1, 'x', 'up'), ('k9', 'beta', 'blue', 2, 'y', 'down'), ('q3', 'gamma', 'green', 3, 'z', 'left')");
    await admin.query('GRANT SELECT ON TABLE CLINICAL.PHI.INTAKE TO ROLE CLINICAL_ANALYST');
    await admin.query("ALTER TABLE CLINICAL.PHI.INTAKE MODIFY COLUMN FIELD_A SET TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI = 'SSN'");
    await admin.query("ALTER TABLE CLINICAL.PHI.INTAKE MODIFY COLUMN FIELD_B SET TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI = 'NAME'");
    await admin.query("ALTER TABLE CLINICAL.PHI.INTAKE MODIFY COLUMN FIELD_D SET TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI = 'MRN'");
    // Snowflake's classification tags (SNOWFLAKE.CORE.SEMANTIC_CATEGORY / PRIVACY_CATEGORY there), read by their names.
    await admin.query('CREATE TAG IF NOT EXISTS CLINICAL.GOVERNANCE.SEMANTIC_CATEGORY');
    await admin.query('CREATE TAG IF NOT EXISTS CLINICAL.GOVERNANCE.PRIVACY_CATEGORY');
    await admin.query("ALTER TABLE CLINICAL.PHI.INTAKE MODIFY COLUMN FIELD_C SET TAG CLINICAL.GOVERNANCE.SEMANTIC_CATEGORY = 'EMAIL'");
    await admin.query("ALTER TABLE CLINICAL.PHI.INTAKE MODIFY COLUMN FIELD_E SET TAG CLINICAL.GOVERNANCE.PRIVACY_CATEGORY = 'QUASI_IDENTIFIER'");
    const reader = ['--config', configFile, '--user', fx.user, '--private-key-file', keyFile, '--role', 'CLINICAL_ANALYST'];
    const discovered = await gatehouse('catalog', 'discover', 'intake', ...reader);
    expect(discovered.code).toBe(0);
    expect(discovered.stdout).toContain('CLINICAL.PHI.INTAKE.FIELD_A: SSN  # snowflake-tag');
    expect(discovered.stdout).toContain('CLINICAL.PHI.INTAKE.FIELD_B: NAME  # snowflake-tag');
    expect(discovered.stdout).toContain('CLINICAL.PHI.INTAKE.FIELD_D: MRN  # snowflake-tag');
    expect(discovered.stdout).toContain('CLINICAL.PHI.INTAKE.FIELD_C: EMAIL  # snowflake-tag');
    expect(discovered.stdout).toContain('CLINICAL.PHI.INTAKE.FIELD_E: OTHER_ID  # snowflake-tag');
    expect(discovered.stdout).toMatch(/CLINICAL\.PHI\.INTAKE\.FIELD_F: text {2}# discovered-type/);

    // The reader (a read grant on the table) tries to erase or rewrite the tags: Snowflake refuses, nothing changes.
    const hostile = await connectWithKey(fx.sf, fx.user, fx.privateKey, { role: 'CLINICAL_ANALYST' });
    try {
      for (const sql of [
        'ALTER TABLE CLINICAL.PHI.INTAKE MODIFY COLUMN FIELD_A UNSET TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI',
        "ALTER TABLE CLINICAL.PHI.INTAKE MODIFY COLUMN FIELD_A SET TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI = 'none'",
        'DROP TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI',
        'CREATE TAG CLINICAL.PHI.GATEHOUSE_PHI',
      ]) expect(['002003', '003001']).toContain(await errorCode(hostile.query(sql)));
    } finally {
      await hostile.close();
    }
    const again = await gatehouse('catalog', 'diff', 'intake', ...reader);
    expect(again.stdout).toContain('no change');
  } finally {
    await admin.close();
  }
}, 120_000);
