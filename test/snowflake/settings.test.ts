import { join } from 'node:path';
import { parseSnowflakeSettings } from '../../activities/credentials/snowflake/settings';
import { brokerSetupStatements } from '../../activities/credentials/snowflake/bootstrap';
import { commentFor, principalFor, requestIdFromComment, requestIdOf } from '../../activities/credentials/snowflake/names';
import { loadConfig } from '../../policy';

describe('Snowflake provider settings and names', () => {
  test('the committed example configures its Snowflake targets validly', () => {
    const config = loadConfig(join(__dirname, '../../gatehouse.example.yaml'));
    const targets = config.targets.filter((t) => t.credentials.provider === 'snowflake');
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      expect(parseSnowflakeSettings(target.name, target.credentials.settings)).toMatchObject({ brokerPrivateKeyEnv: 'GATEHOUSE_SNOWFLAKE_BROKER_KEY', daysToExpiry: 1 });
    }
  });

  test('identifiers are upper-cased; defaults apply', () => {
    const parsed = parseSnowflakeSettings('t', { account: 'acme-prod', brokerUser: 'broker', brokerRole: 'broker_role', targetRole: 'analyst' });
    expect(parsed).toEqual({ account: 'acme-prod', brokerUser: 'BROKER', brokerRole: 'BROKER_ROLE', targetRole: 'ANALYST', brokerPrivateKeyEnv: 'GATEHOUSE_SNOWFLAKE_BROKER_KEY', daysToExpiry: 1,
      credential: 'pat', networkPolicy: 'GATEHOUSE_GATEWAY_EGRESS' });
  });

  test('credential is pat (default) or keyPair, nothing else', () => {
    const base = { account: 'a', brokerUser: 'b', brokerRole: 'r', targetRole: 't' };
    expect(parseSnowflakeSettings('t', { ...base, credential: 'keyPair' }).credential).toBe('keyPair');
    expect(() => parseSnowflakeSettings('t', { ...base, credential: 'password' })).toThrow(/credential/);
    expect(() => parseSnowflakeSettings('t', { ...base, networkPolicy: 'x; DROP' })).toThrow(/networkPolicy/);
  });

  test('a missing field is named with the target', () => {
    expect(() => parseSnowflakeSettings('clinical', { account: 'a' })).toThrow(/^target "clinical": invalid snowflake credentials.settings: brokerUser: .*brokerRole: .*targetRole: /);
  });

  test('principal names and markers derive only from valid request ids', () => {
    const id = 'req_abcdefghij0123456789';
    expect(principalFor(id)).toBe('GH_REQ_ABCDEFGHIJ0123456789');
    expect(requestIdOf('GH_REQ_ABCDEFGHIJ0123456789')).toBe(id);
    expect(requestIdOf('GH_REQ_ABC')).toBeUndefined();
    const comment = commentFor(id, 'clinical', '2030-01-01T00:00:00.000Z');
    expect(comment).toBe(`gatehouse-broker request=${id} target=clinical expires=2030-01-01T00:00:00.000Z`);
    expect(requestIdFromComment(comment)).toBe(id);
    expect(requestIdFromComment('gatehouse-broker request=req_x')).toBeUndefined();
  });

  test('the broker setup statements are exactly the minimum grants', () => {
    expect(brokerSetupStatements({ brokerUser: 'GATEHOUSE_BROKER', brokerRole: 'GATEHOUSE_BROKER_ROLE', targetRoles: ['CLINICAL_ANALYST'], publicKey: 'QUJD' })).toEqual([
      'USE ROLE SECURITYADMIN',
      "CREATE ROLE IF NOT EXISTS GATEHOUSE_BROKER_ROLE COMMENT = 'Gatehouse credential broker: creates and drops ephemeral users'",
      'GRANT CREATE USER ON ACCOUNT TO ROLE GATEHOUSE_BROKER_ROLE',
      'GRANT OWNERSHIP ON ROLE CLINICAL_ANALYST TO ROLE GATEHOUSE_BROKER_ROLE COPY CURRENT GRANTS',
      "CREATE USER IF NOT EXISTS GATEHOUSE_BROKER TYPE = SERVICE DEFAULT_ROLE = GATEHOUSE_BROKER_ROLE COMMENT = 'Gatehouse credential broker'",
      "ALTER USER GATEHOUSE_BROKER SET RSA_PUBLIC_KEY = 'QUJD'",
      'GRANT ROLE GATEHOUSE_BROKER_ROLE TO USER GATEHOUSE_BROKER',
    ]);
    // Targets with programmatic access tokens: the network policy, owned by the broker role.
    expect(brokerSetupStatements({
      brokerUser: 'GATEHOUSE_BROKER', brokerRole: 'GATEHOUSE_BROKER_ROLE', targetRoles: [], publicKey: 'QUJD', networkPolicy: { name: 'GATEHOUSE_GATEWAY_EGRESS', allowedIps: ['10.1.2.3', '192.168.0.0/24'] },
    }).slice(-2)).toEqual([
      "CREATE NETWORK POLICY IF NOT EXISTS GATEHOUSE_GATEWAY_EGRESS ALLOWED_IP_LIST = ('10.1.2.3', '192.168.0.0/24') COMMENT = 'Gatehouse: issued users log in only from the gateway'",
      'GRANT OWNERSHIP ON NETWORK POLICY GATEHOUSE_GATEWAY_EGRESS TO ROLE GATEHOUSE_BROKER_ROLE COPY CURRENT GRANTS',
    ]);
    expect(() => brokerSetupStatements({ brokerUser: 'B', brokerRole: 'R', targetRoles: [], publicKey: 'QUJD', networkPolicy: { name: 'N', allowedIps: ["1.2.3.4') --"] } })).toThrow(/IPv4/);
    expect(() => brokerSetupStatements({ brokerUser: 'X; DROP', brokerRole: 'R', targetRoles: [], publicKey: 'QUJD' })).toThrow('not an unquoted Snowflake identifier');
  });
});
