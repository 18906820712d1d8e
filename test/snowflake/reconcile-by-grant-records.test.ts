// Reconciliation without Temporal (issue 19): while Temporal does not answer, a worker drops an
// identity once the end it was issued for has passed and Redis holds no grant record for its
// request. Real snowflake-sdk against the local Snowflake, the broker's own users, a real Redis.
import './quiet';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { reconcileWithoutTemporal } from '../../activities';
import { CredentialProviders } from '../../activities/credentials';
import { snowflakeProviderFactory } from '../../activities/credentials/snowflake';
import { bootstrapLocalBroker, HISTORY_FILE, startLocalSnowflake, type LocalSnowflake } from '../../devstack/snowflake';
import { connectRedis, GrantStore, newRequestId, RedisSecretVault, waitForRedis, type Redis } from '../../lib';
import { testRedisUrl } from '../support/harness';
import { connectAdmin, tempDir, type Driver } from './support';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reconciliation by grant records (no Temporal)', () => {
  const dir = tempDir();
  let sf: LocalSnowflake;
  let admin: Driver;
  let redis: Redis;
  let grants: GrantStore;
  let providers: CredentialProviders;

  beforeAll(async () => {
    sf = await startLocalSnowflake({ dataDir: dir, seed: { seed: 3, patients: 10 }, historyFile: join(dir, HISTORY_FILE) });
    admin = await connectAdmin(sf);
    const brokerKey = (await bootstrapLocalBroker({ url: sf.url, account: 'gatehouse-dev', adminUser: sf.adminUser, adminPassword: sf.adminPassword })).privateKey;
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    const vault = new RedisSecretVault(redis, randomBytes(32));
    grants = new GrantStore(redis, randomBytes(32));
    const settings = {
      account: 'gatehouse-dev', accessUrl: sf.url, brokerUser: 'GATEHOUSE_BROKER', brokerRole: 'GATEHOUSE_BROKER_ROLE',
      credential: 'keyPair', targetRole: 'CLINICAL_ANALYST', warehouse: 'ANALYTICS_WH', database: 'CLINICAL', schema: 'PHI', daysToExpiry: 1,
    };
    providers = new CredentialProviders([{ name: 'clinical', credentials: { provider: 'snowflake', settings } }], { snowflake: snowflakeProviderFactory({ env: { GATEHOUSE_SNOWFLAKE_BROKER_KEY: brokerKey }, vault }) });
  });
  afterAll(async () => {
    await admin?.close();
    await sf?.close();
    redis?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const exists = async (requestId: string) => (await admin.query(`SHOW USERS LIKE 'GH_${requestId.toUpperCase()}'`)).length === 1;

  test('an identity whose issued end passed goes unless its grant record is still in Redis (extended); one before its end stays', async () => {
    const provider = providers.for('clinical');
    const [ended, extended, running] = [newRequestId(), newRequestId(), newRequestId()];
    const soon = new Date(Date.now() + 1_500).toISOString();
    await provider.issue({ requestId: ended, target: 'clinical', expiresAt: soon });
    await provider.issue({ requestId: extended, target: 'clinical', expiresAt: soon });
    await provider.issue({ requestId: running, target: 'clinical', expiresAt: new Date(Date.now() + 600_000).toISOString() });
    // The extended grant's record outlives the end its identity was issued for.
    await grants.start({ grantId: `g_${extended}`, requestId: extended, target: 'clinical', subject: 'carol@example.org', principal: `GH_${extended.toUpperCase()}`, credentialRef: `snowflake:${extended}`, durationMs: 600_000 });
    await sleep(2_000);

    const reports = await reconcileWithoutTemporal(providers, grants.revocations());
    expect(reports.flatMap((r) => r.revoked)).toEqual([`GH_${ended.toUpperCase()}`]);
    expect([await exists(ended), await exists(extended), await exists(running)]).toEqual([false, true, true]);

    for (const id of [extended, running]) await provider.revoke({ requestId: id, target: 'clinical' });
  });

  test('Redis not answering: the pass fails and drops nothing', async () => {
    const provider = providers.for('clinical');
    const ended = newRequestId();
    await provider.issue({ requestId: ended, target: 'clinical', expiresAt: new Date(Date.now() + 1_000).toISOString() });
    await sleep(1_500);
    const down = { grantOf: () => Promise.reject(new Error('Redis is down')) };
    await expect(reconcileWithoutTemporal(providers, down)).rejects.toThrow('Redis is down');
    expect(await exists(ended)).toBe(true);
    await provider.revoke({ requestId: ended, target: 'clinical' });
  });
});
