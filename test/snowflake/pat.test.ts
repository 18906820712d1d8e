import './quiet';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectIssued, credentialRefFor, readSnowflakeCredential, type SnowflakeCredential } from '../../activities';
import type { SnowflakeCredentialProvider, TokenLogin } from '../../activities/credentials/snowflake';
import { HISTORY_FILE, parseHistory, type LocalSnowflake } from '../../devstack/snowflake';
import { newRequestId } from '../../lib';
import { historyText } from '../support/history';
import { waitForState, type Harness } from '../support/harness';
import { startPatBroker, stopPatBroker } from './pat-broker';
import { connect, errorCode, tempDir, type Driver } from './support';

/**
 * Credential `pat` (the default): each issued user gets a programmatic access token that the
 * local Snowflake generates, restricted to the target role and usable only from the addresses of
 * the network policy the user is subject to. Real snowflake-sdk, real local endpoint, real Temporal.
 */
describe('programmatic access tokens for issued users', () => {
  const dir = tempDir();
  let sf: LocalSnowflake;
  let admin: Driver;
  let h: Harness;
  let provider: SnowflakeCredentialProvider;
  let brokerKey: string;
  const expiresAt = () => new Date(Date.now() + 60_000).toISOString();
  const withToken = (username: string, token: string, extra: Record<string, unknown> = {}) =>
    connect(sf, { username, authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token, ...extra });

  beforeAll(async () => ({ sf, admin, brokerKey, h, provider } = await startPatBroker(dir, { seed: 5, patients: 7 })));
  afterAll(() => stopPatBroker({ h, provider, admin, sf }, dir));

  const addToken = async (user: string, extra = "ROLE_RESTRICTION = 'CLINICAL_ANALYST'") => {
    const rows = await admin.query(`ALTER USER ${user} ADD PROGRAMMATIC ACCESS TOKEN T1 ${extra} DAYS_TO_EXPIRY = 1`);
    expect(rows).toEqual([{ token_name: 'T1', token_secret: expect.any(String) }]);
    return String(rows[0]!.token_secret);
  };

  test('the local endpoint: ADD PAT shows the secret once; the driver logs in with it as the restricted role', async () => {
    await admin.query("CREATE NETWORK POLICY LOCAL_ONLY ALLOWED_IP_LIST = ('127.0.0.0/8')");
    await admin.query('CREATE USER PAT_ONE TYPE = SERVICE DEFAULT_ROLE = PUBLIC NETWORK_POLICY = LOCAL_ONLY');
    await admin.query('GRANT ROLE CLINICAL_ANALYST TO USER PAT_ONE');
    const token = await addToken('PAT_ONE');
    const me = await withToken('PAT_ONE', token, { database: 'CLINICAL', schema: 'PHI' });
    expect(await me.query('SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R')).toEqual([{ U: 'PAT_ONE', R: 'CLINICAL_ANALYST' }]);
    expect((await me.query('SELECT COUNT(*) AS N FROM PATIENTS'))[0]).toEqual({ N: 7 });
    await me.close();
    // Listed without its secret; a wrong secret, another role in the connect string, a name taken: refused.
    const listed = await admin.query('SHOW USER PATS FOR USER PAT_ONE');
    expect(listed).toEqual([expect.objectContaining({ name: 'T1', user_name: 'PAT_ONE', role_restriction: 'CLINICAL_ANALYST', status: 'ACTIVE' })]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await errorCode(withToken('PAT_ONE', `${token.slice(0, -2)}xx`))).toBe('394400');
    expect(await errorCode(withToken('PAT_ONE', token, { role: 'PUBLIC' }))).toBe('390189');
    expect(await errorCode(admin.query("ALTER USER PAT_ONE ADD PAT T1 ROLE_RESTRICTION = 'CLINICAL_ANALYST'"))).toBe('002002');
    // Another user's name with this token: refused (a token belongs to its user).
    await admin.query('CREATE USER PAT_OTHER TYPE = SERVICE NETWORK_POLICY = LOCAL_ONLY');
    expect(await errorCode(withToken('PAT_OTHER', token))).toBe('394400');
  });

  test('a SERVICE user needs a role restriction and a network policy, and logs in only from an address it allows', async () => {
    await admin.query('CREATE USER PAT_TWO TYPE = SERVICE');
    await admin.query('GRANT ROLE CLINICAL_ANALYST TO USER PAT_TWO');
    expect(await errorCode(admin.query("ALTER USER PAT_TWO ADD PAT T1 ROLE_RESTRICTION = 'CLINICAL_ANALYST'"))).toBe('394504');
    await admin.query("CREATE NETWORK POLICY ELSEWHERE ALLOWED_IP_LIST = ('10.9.9.9')");
    await admin.query('ALTER USER PAT_TWO SET NETWORK_POLICY = ELSEWHERE');
    expect(await errorCode(admin.query('ALTER USER PAT_TWO ADD PAT T1'))).toBe('394502');
    expect(await errorCode(admin.query("ALTER USER PAT_TWO ADD PAT T1 ROLE_RESTRICTION = 'BILLING_ANALYST'"))).toBe('394503');
    const token = await addToken('PAT_TWO');
    expect(await errorCode(withToken('PAT_TWO', token))).toBe('390422');
    // The policy cannot go while the user is subject to it; the broker cannot attach a policy it does not own.
    expect(await errorCode(admin.query('DROP NETWORK POLICY ELSEWHERE'))).toBe('394501');
    const broker = await connect(sf, { username: 'GATEHOUSE_BROKER', authenticator: 'SNOWFLAKE_JWT', privateKey: brokerKey, role: 'GATEHOUSE_BROKER_ROLE' });
    try {
      expect(await errorCode(broker.query('CREATE USER GH_SNEAKY TYPE = SERVICE NETWORK_POLICY = ELSEWHERE'))).toBe('003001');
    } finally {
      await broker.close();
    }
  });

  test('a token dies with its user: disabled (and stays so when enabled again), role revoked, user dropped and re-made', async () => {
    await admin.query('CREATE USER PAT_THREE TYPE = SERVICE NETWORK_POLICY = LOCAL_ONLY');
    await admin.query('GRANT ROLE CLINICAL_ANALYST TO USER PAT_THREE');
    const first = await addToken('PAT_THREE');
    await (await withToken('PAT_THREE', first)).close();
    await admin.query('ALTER USER PAT_THREE SET DISABLED = TRUE');
    expect(await errorCode(withToken('PAT_THREE', first))).toBe('390102');
    await admin.query('ALTER USER PAT_THREE SET DISABLED = FALSE');
    expect(await errorCode(withToken('PAT_THREE', first))).toBe('394401');

    await admin.query('ALTER USER PAT_THREE REMOVE PAT T1');
    const second = await addToken('PAT_THREE');
    expect(await errorCode(withToken('PAT_THREE', first))).toBe('394400');
    await admin.query('REVOKE ROLE CLINICAL_ANALYST FROM USER PAT_THREE');
    expect(await errorCode(withToken('PAT_THREE', second))).toBe('394400');
    await admin.query('GRANT ROLE CLINICAL_ANALYST TO USER PAT_THREE');
    await (await withToken('PAT_THREE', second)).close();

    await admin.query('DROP USER PAT_THREE');
    expect(await errorCode(withToken('PAT_THREE', second))).toBe('394400');
    expect(await errorCode(withToken('', second))).toBe('394400');
    await admin.query('CREATE USER PAT_THREE TYPE = SERVICE NETWORK_POLICY = LOCAL_ONLY');
    await admin.query('GRANT ROLE CLINICAL_ANALYST TO USER PAT_THREE');
    expect(await errorCode(withToken('PAT_THREE', second))).toBe('394400');
  });

  /** The statements the broker ran that name this principal, by their first words. */
  const brokerStatements = (principal: string) => parseHistory(readFileSync(join(dir, HISTORY_FILE), 'utf8'))
    .flatMap((e) => (e.kind === 'query' && e.user === 'GATEHOUSE_BROKER' && e.sqlText.includes(principal) ? [e.sqlText.split(' ').slice(0, 2).join(' ')] : []));

  test('the broker: three statements, no key pair made, the token in the vault only (encrypted), a retry replaces it, revoke ends it', async () => {
    const generated = jest.spyOn(crypto, 'generateKeyPair');
    const requestId = newRequestId();
    try {
      const issued = await provider.issue({ requestId, target: 'clinical', expiresAt: expiresAt() });
      expect(brokerStatements(issued.principal)).toEqual(['CREATE USER', 'GRANT ROLE', 'ALTER USER']);
      expect(generated).not.toHaveBeenCalled();
      const credential = (await readSnowflakeCredential(h.vault, issued.credentialRef)) as SnowflakeCredential & TokenLogin;
      expect(credential).toMatchObject({ kind: 'snowflake', username: issued.principal, role: 'CLINICAL_ANALYST', token: expect.any(String) });
      expect('privateKey' in credential).toBe(false);
      expect(await h.redis.get(`gatehouse:vault:${issued.credentialRef}`)).not.toContain(credential.token);
      const gateway = (await connectIssued(h.vault, issued.credentialRef))!;
      expect(await gateway.execute('SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R')).toEqual([{ U: issued.principal, R: 'CLINICAL_ANALYST' }]);
      await gateway.close();

      // A retried issuance (the first attempt's answer lost): the old secret stops working, the vault's works.
      await provider.issue({ requestId, target: 'clinical', expiresAt: expiresAt() });
      const again = (await readSnowflakeCredential(h.vault, issued.credentialRef)) as SnowflakeCredential & TokenLogin;
      expect(again.token).not.toBe(credential.token);
      expect(await errorCode(withToken(issued.principal, credential.token))).toBe('394400');
      await (await withToken(issued.principal, again.token)).close();
      expect(await admin.query(`SHOW USER PATS FOR USER ${issued.principal}`)).toHaveLength(1);

      const live = await withToken(issued.principal, again.token);
      await provider.revoke({ requestId, target: 'clinical', credentialRef: issued.credentialRef });
      await expect(live.query('SELECT 1')).rejects.toThrow();
      expect(await errorCode(withToken(issued.principal, again.token))).toBe('394400');
      expect(await admin.query(`SHOW USERS LIKE '${issued.principal}'`)).toEqual([]);
      expect(await readSnowflakeCredential(h.vault, issued.credentialRef)).toBeNull();
      // The local Snowflake's query history never saw the secret (it is in an answer, not a statement).
      expect(readFileSync(join(dir, HISTORY_FILE), 'utf8')).not.toContain(again.token);
    } finally {
      generated.mockRestore();
    }
  });

  test('real Temporal: a grant with a token; the token never reaches history, Slack notices, the archive or the logs', async () => {
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as never);
    const out = capture(process.stdout);
    const err = capture(process.stderr);
    const seen = { token: '', requestId: '' };
    try {
      const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 20_000, reason: 'INC-9 cohort check', ticket: 'INC-9' });
      seen.requestId = requestId;
      await h.access.approve(requestId, 'alice@example.org');
      const active = await waitForState(h.access, requestId, 'ACTIVE');
      const credential = (await readSnowflakeCredential(h.vault, credentialRefFor(requestId))) as SnowflakeCredential & TokenLogin;
      const token = credential.token;
      seen.token = token;
      expect(credential.username).toBe(active.principal);
      const session = await withToken(credential.username, token, { database: 'CLINICAL', schema: 'PHI' });
      expect((await session.query('SELECT COUNT(*) AS N FROM PATIENTS'))[0]).toEqual({ N: 7 });
      await h.access.revoke(requestId, 'carol@example.org', 'finished early');
      await waitForState(h.access, requestId, 'ARCHIVED');
      await expect(session.query('SELECT 1')).rejects.toThrow();
      expect(await errorCode(withToken(credential.username, token))).toBe('394400');
      expect(await admin.query(`SHOW USERS LIKE '${credential.username}'`)).toEqual([]);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const { token, requestId } = seen;
    expect(token.length).toBeGreaterThan(40);
    expect(historyText(await h.client.workflow.getHandle(requestId).fetchHistory())).not.toContain(token);
    expect(JSON.stringify(h.notifier.notices)).not.toContain(token);
    expect(JSON.stringify([...h.archiver.archived.values()])).not.toContain(token);
    expect(written.join('')).not.toContain(token);
  });
});
