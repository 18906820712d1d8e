import './quiet';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { AccessClient } from '../../access';
import { CATALOG_REFRESH_SCHEDULE_ID, RECONCILE_SCHEDULE_ID } from '../../activities';
import { bootstrapLocalBroker, startLocalSnowflake, type LocalSnowflake } from '../../devstack/snowflake';
import { waitFor, type ManagedProcess } from '../../devstack';
import { connectTemporalClient, temporalSettings } from '../../lib';
import { TEST_CONFIG_YAML, testConfig, waitForState } from '../support/harness';
import { startWorkerProcess, workerFamily } from '../support/spawn-worker';
import { connectAdmin, tempDir, type Driver } from './support';

/**
 * Upgrading a deployment set up for key pairs: its gatehouse.yaml says nothing of `credential`, so
 * it now gets `pat`, whose issued users need a network policy the broker role owns, which such an
 * account does not have. The real worker process (built-in Snowflake provider), the local
 * Snowflake over snowflake-sdk, real Temporal: the worker says so as it starts, each issuance fails
 * at once with the fix in the request's failure, and once the policy is made grants work.
 */
describe('upgrading to programmatic access tokens without the network policy', () => {
  const dir = tempDir();
  const family = workerFamily('pat-upgrade');
  let sf: LocalSnowflake;
  let admin: Driver;
  let client: Client;
  let access: AccessClient;
  let worker: (ManagedProcess & { output: string[] }) | undefined;

  beforeAll(async () => {
    sf = await startLocalSnowflake({ dataDir: dir, seed: { seed: 3, patients: 4 } });
    admin = await connectAdmin(sf);
    const { privateKey } = await bootstrapLocalBroker({ url: sf.url, account: 'gatehouse-dev', adminUser: sf.adminUser, adminPassword: sf.adminPassword });
    // The account as a key-pair deployment left it: no network policy for issued users.
    await admin.query('DROP NETWORK POLICY GATEHOUSE_GATEWAY_EGRESS');
    const yaml = TEST_CONFIG_YAML.replace('credentials: { provider: fake }', `credentials:
      provider: snowflake
      settings: { account: gatehouse-dev, accessUrl: '${sf.url}', brokerUser: GATEHOUSE_BROKER, brokerRole: GATEHOUSE_BROKER_ROLE, targetRole: CLINICAL_ANALYST, warehouse: ANALYTICS_WH }`);
    const configFile = join(mkdtempSync(join(tmpdir(), 'gatehouse-pat-upgrade-')), 'gatehouse.yaml');
    writeFileSync(configFile, yaml);
    Object.assign(family.env, { GATEHOUSE_CONFIG: configFile, GATEHOUSE_SNOWFLAKE_BROKER_KEY: privateKey, GATEHOUSE_LOG_FORMAT: 'json' });
    client = await connectTemporalClient({ ...temporalSettings(), taskQueue: family.taskQueue });
    access = new AccessClient(client, testConfig(yaml), family.taskQueue);
  });
  afterAll(async () => {
    await worker?.stop('SIGTERM');
    for (const schedule of [RECONCILE_SCHEDULE_ID, CATALOG_REFRESH_SCHEDULE_ID]) {
      await client?.schedule.getHandle(`${schedule}:${family.taskQueue}`).delete().catch(() => undefined);
    }
    await client?.connection.close();
    await admin?.close();
    await sf?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const said = (pattern: RegExp) => worker!.output.find((line) => pattern.test(line));

  test('the worker names the missing policy and the fix as it starts; a grant fails at once saying the same; with the policy, grants work', async () => {
    worker = await startWorkerProcess(family, 'pat-upgrade-worker', {}, 'snowflake-worker-process.ts');
    const line = await waitFor('the start-up check to report', async () => said(/network policy GATEHOUSE_GATEWAY_EGRESS does not exist or is not owned/), 60_000);
    const problem = JSON.parse(line.slice(line.indexOf('{'))) as { level: number; msg: string };
    expect(problem.level).toBe(50);
    expect(problem.msg).toMatch(/^target "clinical": network policy GATEHOUSE_GATEWAY_EGRESS does not exist or is not owned by the broker role GATEHOUSE_BROKER_ROLE, so every grant will fail/);
    expect(problem.msg).toContain('GRANT OWNERSHIP ON NETWORK POLICY GATEHOUSE_GATEWAY_EGRESS TO ROLE GATEHOUSE_BROKER_ROLE');
    expect(problem.msg).toContain('or set credentials.settings.credential: keyPair on target "clinical"');

    // A grant: FAILED after one attempt (not retried until someone acts), with the fix, and no user left behind.
    const failed = await access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 5_000, reason: 'nightly check' });
    const status = await waitForState(access, failed.requestId, 'FAILED');
    expect(status.failure).toMatch(/^credential issuance failed: target "clinical": Snowflake refused network policy GATEHOUSE_GATEWAY_EGRESS for the issued user \(.*\); as SECURITYADMIN run CREATE NETWORK POLICY/);
    expect(status.failure).toContain('or set credentials.settings.credential: keyPair on target "clinical"');
    expect(await admin.query("SHOW USERS LIKE 'GH_REQ_%'")).toEqual([]);

    // The administrator runs what it said: the next grant is ACTIVE with a token.
    await admin.query("CREATE NETWORK POLICY GATEHOUSE_GATEWAY_EGRESS ALLOWED_IP_LIST = ('127.0.0.1')");
    await admin.query('GRANT OWNERSHIP ON NETWORK POLICY GATEHOUSE_GATEWAY_EGRESS TO ROLE GATEHOUSE_BROKER_ROLE COPY CURRENT GRANTS');
    const granted = await access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 5_000, reason: 'nightly check' });
    const active = await waitForState(access, granted.requestId, 'ACTIVE');
    expect(await admin.query(`SHOW USER PATS FOR USER ${active.principal}`)).toEqual([expect.objectContaining({ role_restriction: 'CLINICAL_ANALYST' })]);
    await access.revoke(granted.requestId, 'agent:ci-nightly', 'done');
    await waitForState(access, granted.requestId, 'REVOKED');
    // A worker process starting on a loaded machine, two grants and the check's wait: more than jest's default.
  }, 300_000);
});
