// `gatehouse catalog show|discover|diff <target>` in process, against Redis and the local Snowflake.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli';
import { startSnowflakeFixture, snowflakeServerArgs, type SnowflakeFixture } from '../mcp-servers/support';
import { testRedisUrl } from '../proxy/support';

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
`);
}, 120_000);
afterAll(async () => {
  await fx?.close();
});

async function gatehouse(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { stdout += String(chunk); return true; });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true; });
  const before = process.env.REDIS_URL;
  process.env.REDIS_URL = testRedisUrl();
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (before === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = before;
  }
}

test('discover reads the scope as the reader, stores it; show prints it with the pins; diff sees no change; no value is printed', async () => {
  const reader = ['--config', configFile, '--user', fx.user, '--private-key-file', keyFile, '--role', 'CLINICAL_ANALYST'];
  const discovered = await gatehouse('catalog', 'discover', 'clinical', ...reader);
  expect(discovered.stderr).not.toMatch(/gatehouse:/);
  expect(discovered.code).toBe(0);
  expect(discovered.stdout).toContain('CLINICAL.PHI.PATIENTS.SSN: SSN  # discovered-name');
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
