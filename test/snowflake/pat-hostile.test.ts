import './quiet';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSnowflakeCredential, type SnowflakeCredential } from '../../activities';
import type { SnowflakeCredentialProvider, TokenLogin } from '../../activities/credentials/snowflake';
import { HISTORY_FILE, parseHistory, type LocalSnowflake } from '../../devstack/snowflake';
import { newRequestId } from '../../lib';
import { waitForState, type Harness } from '../support/harness';
import { startPatBroker, stopPatBroker } from './pat-broker';
import { connect, errorCode, tempDir, type Driver } from './support';

/**
 * A hostile agent against the broker (credential `pat`): it holds a grant, so its SQL runs as the
 * issued user (if the gateway's policy let every statement through), and it writes the request's
 * reason and ticket. Neither may get it a token broader than the one the broker made: another
 * token, another role, a looser network policy, or its own words in the broker's statements.
 * Real snowflake-sdk, the local Snowflake, real Temporal.
 */
describe('a hostile agent cannot make the broker issue something broader', () => {
  const dir = tempDir();
  let sf: LocalSnowflake;
  let admin: Driver;
  let h: Harness;
  let provider: SnowflakeCredentialProvider;
  beforeAll(async () => ({ sf, admin, h, provider } = await startPatBroker(dir, { seed: 7, patients: 5 })));
  afterAll(() => stopPatBroker({ h, provider, admin, sf }, dir));

  const tokenOf = async (credentialRef: string) => (await readSnowflakeCredential(h.vault, credentialRef)) as SnowflakeCredential & TokenLogin;
  const asIssued = (username: string, token: string) => connect(sf, { username, authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token, database: 'CLINICAL', schema: 'PHI' });

  test('the issued user cannot give itself another token, leave its network policy, or take another role', async () => {
    const requestId = newRequestId();
    const issued = await provider.issue({ requestId, target: 'clinical', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const p = issued.principal;
    const me = await asIssued(p, (await tokenOf(issued.credentialRef)).token);
    try {
      const refused: [string, string][] = [
        // a second token: for a broader role, for years, without the network policy, or without naming the user (its own)
        [`ALTER USER ${p} ADD PAT T2 ROLE_RESTRICTION = 'ACCOUNTADMIN'`, '003001'],
        ["ALTER USER ADD PAT T2 ROLE_RESTRICTION = 'CLINICAL_ANALYST' DAYS_TO_EXPIRY = 365", '003001'],
        ["ALTER USER ADD PROGRAMMATIC ACCESS TOKEN T2 ROLE_RESTRICTION = 'CLINICAL_ANALYST'", '003001'],
        [`ALTER USER ${p} ADD PAT T3 ROLE_RESTRICTION = 'CLINICAL_ANALYST' MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT = 1440`, '003001'],
        // out of the network policy, or a key beside the token, or the token removed and re-made
        [`ALTER USER ${p} UNSET NETWORK_POLICY`, '003001'],
        [`ALTER USER ${p} SET NETWORK_POLICY = GATEHOUSE_GATEWAY_EGRESS`, '003001'],
        [`ALTER USER ${p} SET RSA_PUBLIC_KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'`, '003001'],
        ['ALTER USER REMOVE PAT GATEHOUSE_GRANT', '003001'],
        ["CREATE NETWORK POLICY ANYWHERE ALLOWED_IP_LIST = ('0.0.0.0/0')", '003001'],
        ['GRANT OWNERSHIP ON NETWORK POLICY GATEHOUSE_GATEWAY_EGRESS TO ROLE CLINICAL_ANALYST', '003001'],
        ['DROP NETWORK POLICY GATEHOUSE_GATEWAY_EGRESS', '003001'],
        // another role, or the broker's
        [`GRANT ROLE GATEHOUSE_BROKER_ROLE TO USER ${p}`, '003001'],
        ['USE ROLE GATEHOUSE_BROKER_ROLE', '003013'],
        ['USE ROLE ACCOUNTADMIN', '003013'],
        ["ALTER USER GATEHOUSE_BROKER ADD PAT MINE ROLE_RESTRICTION = 'GATEHOUSE_BROKER_ROLE'", '003001'],
        ['CREATE USER GH_REQ_ABCDEFGHIJKLMNOPQRST TYPE = SERVICE', '003001'],
      ];
      const codes = [];
      for (const [sql] of refused) codes.push([sql, await errorCode(me.query(sql)).catch(() => 'ran')]);
      expect(codes).toEqual(refused);
    } finally {
      await me.close();
    }
    // Still the one token the broker made, for the target role only.
    expect(await admin.query(`SHOW USER PATS FOR USER ${p}`)).toEqual([expect.objectContaining({ name: 'GATEHOUSE_GRANT', role_restriction: 'CLINICAL_ANALYST', status: 'ACTIVE' })]);
    await provider.revoke({ requestId, target: 'clinical' });
  });

  test("the request's reason and ticket, however crafted, never reach the broker's statements", async () => {
    const crafted = "x' ROLE_RESTRICTION = 'ACCOUNTADMIN' MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT = 1440 --";
    const { requestId } = await h.access.request({
      requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 15_000, reason: `cohort check ${crafted}`, ticket: 'INC-1; GRANT ROLE ACCOUNTADMIN',
    });
    await h.access.approve(requestId, 'alice@example.org');
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    const statements = parseHistory(readFileSync(join(dir, HISTORY_FILE), 'utf8'))
      .flatMap((e) => (e.kind === 'query' && e.user === 'GATEHOUSE_BROKER' && e.sqlText.includes(active.principal!) ? [e.sqlText] : []));
    expect(statements.map((s) => s.split(' ').slice(0, 2).join(' '))).toEqual(['CREATE USER', 'GRANT ROLE', 'ALTER USER']);
    expect(statements[0]).toContain('NETWORK_POLICY = GATEHOUSE_GATEWAY_EGRESS');
    expect(statements[1]).toBe(`GRANT ROLE CLINICAL_ANALYST TO USER ${active.principal}`);
    expect(statements[2]).toMatch(/ ROLE_RESTRICTION = 'CLINICAL_ANALYST' DAYS_TO_EXPIRY = 1 COMMENT = /);
    for (const s of statements) expect(s).not.toMatch(/ACCOUNTADMIN|MINS_TO_BYPASS|INC-1|cohort/);
    expect(await admin.query(`SHOW USER PATS FOR USER ${active.principal}`)).toEqual([
      expect.objectContaining({ role_restriction: 'CLINICAL_ANALYST', mins_to_bypass_network_policy_requirement: '0' }),
    ]);
    await h.access.revoke(requestId, 'carol@example.org', 'done');
    await waitForState(h.access, requestId, 'ARCHIVED');
  });
});
