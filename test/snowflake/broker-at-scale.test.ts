import './quiet';
import { rmSync } from 'node:fs';
import { credentialRefFor, readSnowflakeCredential, snowflakeProviderFactory, type SnowflakeCredential } from '../../activities';
import { SnowflakeClient, type SnowflakeCredentialProvider, type KeyPairLogin } from '../../activities/credentials/snowflake';
import { BrokerSession } from '../../activities/credentials/snowflake/broker-session';
import { KeyPairPool, makeKeyPair, type KeyPair } from '../../activities/credentials/snowflake/key-pool';
import { bootstrapLocalBroker, startLocalSnowflake, type LocalSnowflake } from '../../devstack/snowflake';
import { eventually } from '../support/eventually';
import { historyText } from '../support/history';
import { startHarness, testConfig, TEST_CONFIG_YAML, waitForState, type Harness } from '../support/harness';
import { connectAdmin, connectWithKey, tempDir, type Driver } from './support';

describe('the key pair pool', () => {
  it('hands out each pair once, refills in the background, and makes one on the spot when empty', async () => {
    let made = 0;
    const pool = new KeyPairPool(3, () => {
      made += 1;
      return makeKeyPair();
    });
    const first = await pool.take();
    await eventually(() => pool.available === 3, 'the pool to fill');
    const taken = [first, ...(await Promise.all([pool.take(), pool.take(), pool.take(), pool.take()]))];
    expect(new Set(taken.map((k) => k.privateKeyPem)).size).toBe(5);
    expect(taken.every((k) => k.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----') && k.publicKeyDer.length > 250)).toBe(true);
    await eventually(() => pool.available === 3, 'the pool to fill again');
    expect(made).toBeGreaterThanOrEqual(8);
  });

  it('survives a failing generator: a take still gets a pair', async () => {
    let calls = 0;
    const pool = new KeyPairPool(2, (): Promise<KeyPair> => {
      calls += 1;
      return calls % 2 === 0 ? Promise.reject(new Error('no entropy today')) : makeKeyPair();
    });
    const pairs = await Promise.all([pool.take(), pool.take(), pool.take()].map((p) => p.catch(() => undefined)));
    expect(pairs.filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });
});

describe('the broker session', () => {
  const fakeClient = () => {
    let up = true;
    const client = {
      closed: 0,
      isUp: () => up,
      kill: () => {
        up = false;
      },
      close: async () => {
        client.closed += 1;
      },
    };
    return client;
  };

  it('logs in once for many runs, again after a failed login or a dropped session', async () => {
    const clients: ReturnType<typeof fakeClient>[] = [];
    let failNext = true;
    const session = new BrokerSession({ account: 'x', username: 'B', privateKey: 'k' }, async () => {
      if (failNext) {
        failNext = false;
        throw new Error('login refused');
      }
      const client = fakeClient();
      clients.push(client);
      return client as unknown as SnowflakeClient;
    });
    await expect(session.run(async () => 1)).rejects.toThrow('login refused');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => session.run(async () => i)));
    expect(results).toHaveLength(20);
    expect(clients).toHaveLength(1);
    // The session dies under a statement: that run fails (the activity retries), the next logs in afresh.
    await expect(session.run(async (c) => {
      (c as unknown as ReturnType<typeof fakeClient>).kill();
      throw new Error('session gone');
    })).rejects.toThrow('session gone');
    await session.run(async () => 0);
    expect(clients).toHaveLength(2);
    expect(clients[0]!.closed).toBe(1);
    // A statement error on a live session keeps it.
    await expect(session.run(async () => {
      throw new Error('SQL compilation error');
    })).rejects.toThrow('SQL compilation error');
    await session.run(async () => 0);
    expect(clients).toHaveLength(2);
    await session.close();
    expect(clients[1]!.closed).toBe(1);
  });
});

describe('many grants through one broker session on the local endpoint', () => {
  const dir = tempDir();
  let sf: LocalSnowflake;
  let admin: Driver;
  let h: Harness;
  let brokerKey: string;
  let provider: SnowflakeCredentialProvider;
  let logins: jest.SpyInstance;

  beforeAll(async () => {
    sf = await startLocalSnowflake({ dataDir: dir, seed: { seed: 9, patients: 12 } });
    admin = await connectAdmin(sf);
    brokerKey = (await bootstrapLocalBroker({ url: sf.url, account: 'gatehouse-dev', adminUser: sf.adminUser, adminPassword: sf.adminPassword })).privateKey;
    logins = jest.spyOn(SnowflakeClient, 'connect');
    const settings = {
      account: 'gatehouse-dev', accessUrl: sf.url, brokerUser: 'GATEHOUSE_BROKER', brokerRole: 'GATEHOUSE_BROKER_ROLE',
      credential: 'keyPair', targetRole: 'CLINICAL_ANALYST', warehouse: 'ANALYTICS_WH', database: 'CLINICAL', schema: 'PHI',
    };
    // Grants long enough that a loaded machine's slow issuance does not eat them (the test revokes them).
    const config = testConfig(TEST_CONFIG_YAML.replace('maxDuration: 20s', 'maxDuration: 1h').replace('maxDuration: 10s', 'maxDuration: 1h'));
    h = await startHarness({
      config,
      provider: (vault) => {
        provider = snowflakeProviderFactory({ env: { GATEHOUSE_SNOWFLAKE_BROKER_KEY: brokerKey }, vault })('clinical', settings) as SnowflakeCredentialProvider;
        return provider;
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await provider?.close();
    logins?.mockRestore();
    await admin?.close();
    await sf?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const keyLines = (pem: string) => pem.split('\n').filter((l) => l.length > 40);

  test('issues and revokes concurrent grants with distinct pooled keys, no key in any history, no user left', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 600_000, reason: `nightly ${i}` }).then((r) => r.requestId)));
    const active = await Promise.all(ids.map((id) => waitForState(h.access, id, 'ACTIVE')));
    const credentials = await Promise.all(ids.map(async (id) => (await readSnowflakeCredential(h.vault, credentialRefFor(id))) as SnowflakeCredential & KeyPairLogin));
    expect(new Set(credentials.map((c) => c.privateKey)).size).toBe(6);
    // Each issued key logs in as its own user: the pool's pair and the user's registered key belong together.
    for (const [i, credential] of credentials.entries()) {
      expect(credential.username).toBe(active[i]!.principal);
      const session = await connectWithKey(sf, credential.username, credential.privateKey, { role: credential.role });
      await session.close();
    }
    // The broker logged in once (or again only if its session dropped), not once per issuance.
    const brokerLogins = logins.mock.calls.filter(([login]) => login.username === 'GATEHOUSE_BROKER').length;
    expect(brokerLogins).toBeLessThanOrEqual(2);

    await Promise.all(ids.map((id) => h.access.revoke(id, 'agent:ci-nightly', 'done')));
    await Promise.all(ids.map((id) => waitForState(h.access, id, 'ARCHIVED')));
    expect(await admin.query("SHOW USERS LIKE 'GH_REQ_%'")).toEqual([]);
    for (const id of ids) {
      const history = historyText(await h.client.workflow.getHandle(id).fetchHistory());
      expect(history).not.toContain('PRIVATE KEY');
      for (const credential of credentials) for (const line of keyLines(credential.privateKey)) expect(history).not.toContain(line);
      for (const line of keyLines(brokerKey)) expect(history).not.toContain(line);
    }
  });
});
