import './quiet';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connectIssued, credentialRefFor, ensureReconcileSchedule, readSnowflakeCredential, snowflakeProviderFactory, type SnowflakeCredential } from '../../activities';
import type { KeyPairLogin, SnowflakeCredentialProvider } from '../../activities/credentials/snowflake';
import { bootstrapLocalBroker, startLocalSnowflake, type LocalSnowflake } from '../../devstack/snowflake';
import { newRequestId } from '../../lib';
import { eventually } from '../support/eventually';
import { historyText } from '../support/history';
import { startHarness, waitForState, type Harness } from '../support/harness';
import { connectAdmin, connectWithKey, errorCode, tempDir, type Driver } from './support';

/**
 * The proof of the issue: the access workflow, configured with a Snowflake target, issues a
 * real user on the local endpoint (login works while ACTIVE) and revokes it (login fails).
 */
describe('the access workflow with a Snowflake target on the local endpoint', () => {
  const dir = tempDir();
  let sf: LocalSnowflake;
  let admin: Driver;
  let h: Harness;
  let brokerKey: string;
  let provider: SnowflakeCredentialProvider;

  beforeAll(async () => {
    sf = await startLocalSnowflake({ dataDir: dir, seed: { seed: 9, patients: 12 } });
    admin = await connectAdmin(sf);
    brokerKey = (await bootstrapLocalBroker({ url: sf.url, account: 'gatehouse-dev', adminUser: sf.adminUser, adminPassword: sf.adminPassword })).privateKey;
    const settings = {
      account: 'gatehouse-dev', accessUrl: sf.url, brokerUser: 'GATEHOUSE_BROKER', brokerRole: 'GATEHOUSE_BROKER_ROLE',
      credential: 'keyPair', targetRole: 'CLINICAL_ANALYST', warehouse: 'ANALYTICS_WH', database: 'CLINICAL', schema: 'PHI',
    };
    h = await startHarness({
      provider: (vault) => {
        provider = snowflakeProviderFactory({ env: { GATEHOUSE_SNOWFLAKE_BROKER_KEY: brokerKey }, vault })('clinical', settings) as SnowflakeCredentialProvider;
        return provider;
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await admin?.close();
    await sf?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const keyLines = (pem: string) => pem.split('\n').filter((l) => l.length > 40);

  test('issue while ACTIVE, revoke on demand: login works, then fails; no key in workflow history', async () => {
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 20_000, reason: 'INC-7 cohort check', ticket: 'INC-7' });
    await h.access.approve(requestId, 'alice@example.org');
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    expect(active.principal).toBe(`GH_${requestId.toUpperCase()}`);

    const credential = (await readSnowflakeCredential(h.vault, credentialRefFor(requestId))) as SnowflakeCredential & KeyPairLogin;
    expect(credential.username).toBe(active.principal);
    const session = await connectWithKey(sf, credential.username, credential.privateKey, { role: credential.role, database: credential.database, schema: credential.schema });
    expect((await session.query('SELECT COUNT(*) AS N FROM PATIENTS'))[0]).toEqual({ N: 12 });
    expect(await errorCode(session.query('SELECT * FROM CLINICAL.BILLING.CLAIMS'))).toBe('002003');
    // What the gateway does: connect by reference, never seeing more than the reference in history.
    const gateway = (await connectIssued(h.vault, credentialRefFor(requestId)))!;
    expect(await gateway.execute('SELECT CURRENT_ROLE() AS R')).toEqual([{ R: 'CLINICAL_ANALYST' }]);
    await gateway.close();

    await h.access.revoke(requestId, 'carol@example.org', 'finished early');
    const done = await waitForState(h.access, requestId, 'ARCHIVED');
    expect(done.revocation).toMatchObject({ by: 'carol@example.org' });
    await expect(session.query('SELECT 1')).rejects.toThrow();
    expect(await errorCode(connectWithKey(sf, credential.username, credential.privateKey))).toBe('390144');
    expect(await admin.query(`SHOW USERS LIKE '${credential.username}'`)).toEqual([]);
    expect(await readSnowflakeCredential(h.vault, credentialRefFor(requestId))).toBeNull();

    const history = historyText(await h.client.workflow.getHandle(requestId).fetchHistory());
    expect(history).not.toContain('PRIVATE KEY');
    for (const line of [...keyLines(credential.privateKey), ...keyLines(brokerKey)]) expect(history).not.toContain(line);
  });

  test('expiry revokes the user without anyone asking', async () => {
    const { requestId } = await h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 3_000, reason: 'nightly', ticket: 'CI-1' });
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    expect(await admin.query(`SHOW USERS LIKE '${active.principal}'`)).toHaveLength(1);
    await waitForState(h.access, requestId, 'ARCHIVED', 30_000);
    expect(await admin.query(`SHOW USERS LIKE '${active.principal}'`)).toEqual([]);
  });

  test('the reconciliation schedule removes an orphan whose workflow is gone, and leaves live grants alone', async () => {
    const { requestId: live } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 20_000, reason: 'still working', ticket: 'INC-8' });
    await h.access.approve(live, 'alice@example.org');
    const active = await waitForState(h.access, live, 'ACTIVE');
    // A user whose workflow never existed: what a lost revocation leaves behind.
    const orphan = await provider.issue({ requestId: newRequestId(), target: 'clinical', expiresAt: new Date(Date.now() + 600_000).toISOString() });

    const scheduleId = `reconcile-test-${randomBytes(4).toString('hex')}`;
    await ensureReconcileSchedule(h.client, { taskQueue: h.taskQueue, every: '1h', scheduleId });
    await ensureReconcileSchedule(h.client, { taskQueue: h.taskQueue, every: '1h', scheduleId }); // idempotent
    const schedule = h.client.schedule.getHandle(scheduleId);
    try {
      await schedule.trigger();
      await eventually(async () => (await admin.query(`SHOW USERS LIKE '${orphan.principal}'`)).length === 0, 'the orphan to be reconciled');
      expect(await admin.query(`SHOW USERS LIKE '${active.principal}'`)).toHaveLength(1);
      expect(await h.vault.get(orphan.credentialRef)).toBeNull();
    } finally {
      await schedule.delete();
      await h.access.revoke(live, 'carol@example.org', 'done');
      await waitForState(h.access, live, 'ARCHIVED');
    }
  });
});
