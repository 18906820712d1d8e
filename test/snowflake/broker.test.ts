import './quiet';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { readSnowflakeCredential, SnowflakeCredentialProvider, snowflakeProviderFactory, type SnowflakeCredential, type KeyPairLogin } from '../../activities/credentials/snowflake';
import { bootstrapLocalBroker, HISTORY_FILE, parseHistory, startLocalSnowflake, type LocalSnowflake } from '../../devstack/snowflake';
import { connectRedis, newRequestId, RedisSecretVault, waitForRedis, type Redis } from '../../lib';
import { testRedisUrl } from '../support/harness';
import { connectAdmin, connectWithKey, errorCode, tempDir, type Driver } from './support';

describe('the Snowflake credential broker against the local endpoint', () => {
  const dir = tempDir();
  let sf: LocalSnowflake;
  let admin: Driver;
  let redis: Redis;
  let vault: RedisSecretVault;
  let provider: SnowflakeCredentialProvider;
  let brokerKey: string;
  const env: NodeJS.ProcessEnv = {};
  const settings = () => ({
    account: 'gatehouse-dev', accessUrl: sf.url, brokerUser: 'GATEHOUSE_BROKER', brokerRole: 'GATEHOUSE_BROKER_ROLE',
    credential: 'keyPair', targetRole: 'CLINICAL_ANALYST', warehouse: 'ANALYTICS_WH', database: 'CLINICAL', schema: 'PHI', daysToExpiry: 1,
  });
  const expiresAt = () => new Date(Date.now() + 60_000).toISOString();

  beforeAll(async () => {
    sf = await startLocalSnowflake({ dataDir: dir, seed: { seed: 3, patients: 10 }, historyFile: join(dir, HISTORY_FILE) });
    admin = await connectAdmin(sf);
    brokerKey = (await bootstrapLocalBroker({ url: sf.url, account: 'gatehouse-dev', adminUser: sf.adminUser, adminPassword: sf.adminPassword })).privateKey;
    env.GATEHOUSE_SNOWFLAKE_BROKER_KEY = brokerKey;
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    vault = new RedisSecretVault(redis, randomBytes(32));
    provider = snowflakeProviderFactory({ env, vault })('clinical', settings()) as SnowflakeCredentialProvider;
  });
  afterAll(async () => {
    await admin?.close();
    await sf?.close();
    redis?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const credentialOf = async (ref: string) => (await readSnowflakeCredential(vault, ref)) as SnowflakeCredential & KeyPairLogin;
  const loginAs = (credential: SnowflakeCredential & KeyPairLogin) => connectWithKey(sf, credential.username, credential.privateKey, { role: credential.role, database: credential.database, schema: credential.schema });

  test('the broker holds no data privileges: it cannot read the tables it grants', async () => {
    const broker = await connectWithKey(sf, 'GATEHOUSE_BROKER', brokerKey, { role: 'GATEHOUSE_BROKER_ROLE' });
    expect(await errorCode(broker.query('SELECT * FROM CLINICAL.PHI.PATIENTS'))).toBe('002003');
    expect(await errorCode(broker.query('GRANT ROLE BILLING_ANALYST TO USER GATEHOUSE_BROKER'))).toBe('003001');
    await broker.close();
  });

  test('issue: a SERVICE user with the scoped role, a backstop expiry and a marker; the key goes to the vault only', async () => {
    const requestId = newRequestId();
    const issued = await provider.issue({ requestId, target: 'clinical', expiresAt: expiresAt() });
    expect(issued).toEqual({ principal: `GH_${requestId.toUpperCase()}`, credentialRef: `snowflake:${requestId}` });
    expect(JSON.stringify(issued)).not.toContain('PRIVATE KEY');
    const raw = await redis.get(`gatehouse:vault:${issued.credentialRef}`);
    expect(raw).not.toBeNull();
    expect(raw).not.toContain('PRIVATE KEY');

    const [user] = await admin.query(`SHOW USERS LIKE '${issued.principal}'`);
    expect(user).toMatchObject({ type: 'SERVICE', default_role: 'CLINICAL_ANALYST', days_to_expiry: '1', owner: 'GATEHOUSE_BROKER_ROLE', disabled: 'false' });
    expect(user!.comment).toMatch(new RegExp(`^gatehouse-broker request=${requestId} target=clinical expires=`));

    const credential = await credentialOf(issued.credentialRef);
    const me = await loginAs(credential);
    try {
      expect(await me.query('SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R')).toEqual([{ U: issued.principal, R: 'CLINICAL_ANALYST' }]);
      expect((await me.query('SELECT COUNT(*) AS N FROM PATIENTS'))[0]).toEqual({ N: 10 });
      expect(await errorCode(me.query('SELECT * FROM CLINICAL.BILLING.CLAIMS'))).toBe('002003');
      expect(await errorCode(me.query('INSERT INTO PATIENTS (PATIENT_ID) VALUES (1000)'))).toBe('003001');
    } finally {
      await me.close();
    }
    await provider.revoke({ requestId, target: 'clinical', credentialRef: issued.credentialRef });
  });

  test('an issued user\'s runaway statement ends at the target\'s commands.statementTimeout (STATEMENT_TIMEOUT_IN_SECONDS)', async () => {
    const timed = snowflakeProviderFactory({ env, vault })('clinical', settings(), { statementTimeoutMs: 1_000 }) as SnowflakeCredentialProvider;
    const requestId = newRequestId();
    const issued = await timed.issue({ requestId, target: 'clinical', expiresAt: expiresAt() });
    const me = await loginAs(await credentialOf(issued.credentialRef));
    try {
      const error = await me.query('SELECT COUNT(*) AS N FROM TABLE(GENERATOR(ROWCOUNT => 10000000000000))').then(() => undefined, (e: { code?: string }) => e);
      expect(error?.code).toBe('000630');
    } finally {
      await me.close();
      await timed.revoke({ requestId, target: 'clinical', credentialRef: issued.credentialRef });
    }
  });

  /** The statements the broker ran on the local endpoint that name this principal, in order, by their first words. */
  const brokerStatements = (principal: string) => parseHistory(readFileSync(join(dir, HISTORY_FILE), 'utf8'))
    .flatMap((e) => (e.kind === 'query' && e.user === 'GATEHOUSE_BROKER' && e.sqlText.includes(principal) ? [e.sqlText.split(' ').slice(0, 2).join(' ')] : []));

  test('a first issuance is two broker statements: CREATE USER with the key, then GRANT ROLE', async () => {
    const requestId = newRequestId();
    const issued = await provider.issue({ requestId, target: 'clinical', expiresAt: expiresAt() });
    expect(brokerStatements(issued.principal)).toEqual(['CREATE USER', 'GRANT ROLE']);
    const me = await loginAs(await credentialOf(issued.credentialRef));
    await me.close();
    await provider.revoke({ requestId, target: 'clinical' });
  });

  test('issuing twice for one request yields one user, and the vault holds the key that works', async () => {
    const requestId = newRequestId();
    const first = await provider.issue({ requestId, target: 'clinical', expiresAt: expiresAt() });
    const firstKey = (await credentialOf(first.credentialRef)).privateKey;
    const second = await provider.issue({ requestId, target: 'clinical', expiresAt: expiresAt() });
    expect(second).toEqual(first);
    // The retry finds its own user and sets the new key on it.
    expect(brokerStatements(first.principal)).toEqual(['CREATE USER', 'GRANT ROLE', 'CREATE USER', 'SHOW USERS', 'ALTER USER', 'GRANT ROLE']);
    expect(await admin.query(`SHOW USERS LIKE '${first.principal}'`)).toHaveLength(1);
    expect(await admin.query(`SHOW GRANTS TO USER ${first.principal}`)).toEqual([expect.objectContaining({ role: 'CLINICAL_ANALYST' })]);
    const me = await loginAs(await credentialOf(second.credentialRef));
    await me.close();
    expect(await errorCode(connectWithKey(sf, first.principal, firstKey))).toBe('390144');
    await provider.revoke({ requestId, target: 'clinical' });
  });

  test('revoke disables then drops: live sessions end, login fails, the vault entry is gone; revoking again succeeds', async () => {
    const requestId = newRequestId();
    const issued = await provider.issue({ requestId, target: 'clinical', expiresAt: expiresAt() });
    const credential = await credentialOf(issued.credentialRef);
    const live = await loginAs(credential);
    expect(await live.query('SELECT 1 AS ONE')).toEqual([{ ONE: 1 }]);
    await provider.revoke({ requestId, target: 'clinical', credentialRef: issued.credentialRef });
    await expect(live.query('SELECT 1')).rejects.toThrow();
    expect(await errorCode(loginAs(credential))).toBe('390144');
    expect(await admin.query(`SHOW USERS LIKE '${issued.principal}'`)).toEqual([]);
    expect(await vault.get(issued.credentialRef)).toBeNull();
    await provider.revoke({ requestId, target: 'clinical', credentialRef: issued.credentialRef });
  });

  test('names that are not Gatehouse request ids are refused before any SQL is built', async () => {
    const before = (await admin.query('SHOW USERS')).length;
    const evil = ["req_x'; DROP USER ADMIN; --", 'req_AAAAAAAAAAAAAAAAAAAA', 'REQ_aaaaaaaaaaaaaaaaaaaa', 'req_aaaa', '../../etc', 'req_aaaaaaaaaaaaaaaaaaaa"', ''];
    for (const requestId of evil) {
      const failure = await provider.issue({ requestId, target: 'clinical', expiresAt: expiresAt() }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'InvalidRequestId', nonRetryable: true });
      await expect(provider.revoke({ requestId, target: 'clinical' })).rejects.toMatchObject({ type: 'InvalidRequestId' });
    }
    await expect(provider.issue({ requestId: newRequestId(), target: "x' OR '1", expiresAt: expiresAt() })).rejects.toMatchObject({ type: 'InvalidTarget' });
    await expect(provider.issue({ requestId: newRequestId(), target: 'clinical', expiresAt: "2030'" })).rejects.toMatchObject({ type: 'InvalidExpiry' });
    expect(await admin.query('SHOW USERS')).toHaveLength(before);
  });

  test('a same-named user the broker did not create is never taken over', async () => {
    const requestId = newRequestId();
    await admin.query(`CREATE USER GH_${requestId.toUpperCase()} TYPE = SERVICE COMMENT = 'someone else'`);
    await expect(provider.issue({ requestId, target: 'clinical', expiresAt: expiresAt() })).rejects.toThrow();
    expect(await admin.query(`SHOW USERS LIKE 'GH_${requestId.toUpperCase()}'`)).toEqual([expect.objectContaining({ owner: 'ACCOUNTADMIN', comment: 'someone else' })]);
    await admin.query(`DROP USER GH_${requestId.toUpperCase()}`);
  });

  test('reconciliation revokes users whose request is no longer active, and only those', async () => {
    const kept = newRequestId();
    const orphan = newRequestId();
    await provider.issue({ requestId: kept, target: 'clinical', expiresAt: expiresAt() });
    const lost = await provider.issue({ requestId: orphan, target: 'clinical', expiresAt: expiresAt() });
    const report = await provider.reconcile(async (requestId) => requestId === kept);
    expect(report.revoked).toEqual([lost.principal]);
    expect(report.checked).toBe(2);
    expect(await admin.query(`SHOW USERS LIKE 'GH_${orphan.toUpperCase()}'`)).toEqual([]);
    expect(await admin.query(`SHOW USERS LIKE 'GH_${kept.toUpperCase()}'`)).toHaveLength(1);
    expect(await vault.get(lost.credentialRef)).toBeNull();
    await provider.revoke({ requestId: kept, target: 'clinical' });
  });

  test('settings are validated per target with errors that name it', () => {
    const make = (s: Record<string, unknown>, e: NodeJS.ProcessEnv = env) => () => snowflakeProviderFactory({ env: e, vault })('clinical', s);
    expect(make({ ...settings(), targetRole: 'X; DROP USER ADMIN' })).toThrow('target "clinical": invalid snowflake credentials.settings: targetRole: targetRole must be an unquoted Snowflake identifier');
    expect(make({ ...settings(), surprise: 1 })).toThrow(/target "clinical": invalid snowflake credentials.settings: .*surprise/);
    expect(make({ ...settings(), accessUrl: 'ftp://x' })).toThrow(/accessUrl/);
    expect(make(settings(), {})).toThrow('target "clinical": the Snowflake broker\'s private key is missing; set GATEHOUSE_SNOWFLAKE_BROKER_KEY');
    expect(make(settings(), { GATEHOUSE_SNOWFLAKE_BROKER_KEY: 'not a key' })).toThrow('target "clinical": the broker private key in GATEHOUSE_SNOWFLAKE_BROKER_KEY is not a PEM private key');
    expect(make(settings(), { GATEHOUSE_SNOWFLAKE_BROKER_KEY: brokerKey.replace(/\n/g, '\\n') })).not.toThrow();
  });
});
