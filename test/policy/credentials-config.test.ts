import { ConfigError, parseConfig, type TargetConfig } from '../../policy';
import { upstreamEnvironment, upstreamHeaders } from '../../proxy/upstream';
import type { GrantRecord } from '../../lib';

/**
 * Each target says how its upstream receives its credential (`credentials.delivery`), and nothing
 * else is sent: `credentials: none` mints and delivers nothing; an HTTP upstream gets a credential
 * only in the header the target names; a Snowflake login goes over HTTP only with sendCredential.
 */

const target = (upstream: string, credentials: string) => `version: 1
targets:
  - name: t
    upstream: ${upstream}
    credentials: ${credentials}
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [alice@example.org] }
`;
const HTTPS = "{ type: http, url: 'https://mcp.example.org/mcp' }";
const STDIO = '{ type: stdio, command: node, args: [server.js], env: { MODE: ro } }';
const SNOWFLAKE = 'provider: snowflake, settings: { account: ACME }';

const parsed = (yaml: string): TargetConfig => parseConfig(yaml, 'gatehouse.yaml').targets[0]!;
function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'gatehouse.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const grant: GrantRecord = {
  grantId: 'grt_1', requestId: 'req_1', target: 't', subject: 'carol@example.org', principal: 'GH_REQ_1', credentialRef: 'cred_req_1',
  issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-01T01:00:00Z',
};
const LOGIN = JSON.stringify({ kind: 'snowflake', username: 'GH_REQ_1', privateKey: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----', account: 'ACME' });

describe('credentials: none and credentials.delivery', () => {
  test('credentials: none is a provider of its own: nothing delivered on stdio or http', () => {
    const none = parsed(target(HTTPS, 'none'));
    expect(none.credentials).toEqual({ provider: 'none', settings: {} });
    expect(upstreamHeaders(none, undefined)).toEqual({});
    expect(upstreamHeaders(none, 'a-secret')).toEqual({});
    const stdio = parsed(target(STDIO, 'none'));
    const env = upstreamEnvironment(stdio, grant, undefined);
    expect(env).toEqual({ MODE: 'ro', GATEHOUSE_TARGET: 't', GATEHOUSE_PRINCIPAL: 'GH_REQ_1', GATEHOUSE_ROW_LIMIT: '1000' });
  });

  test('http: the credential goes in the one header the target names, in its format, and nowhere else', () => {
    const t = parsed(target(HTTPS, "{ provider: vendor, delivery: { header: Authorization, format: 'Bearer {credential}' } }"));
    expect(upstreamHeaders(t, 'tok$&en')).toEqual({ Authorization: 'Bearer tok$&en' });
    const plain = parsed(target(HTTPS, '{ provider: vendor, delivery: { header: X-Api-Key } }'));
    expect(upstreamHeaders(plain, 'k1')).toEqual({ 'X-Api-Key': 'k1' });
  });

  test('the Snowflake login goes to an http upstream only when the target says sendCredential: true', () => {
    const t = parsed(target(HTTPS, `{ ${SNOWFLAKE}, delivery: { header: X-Snowflake-Login, sendCredential: true } }`));
    expect(upstreamHeaders(t, LOGIN)).toEqual({ 'X-Snowflake-Login': LOGIN });
    // A target object that bypassed the schema check still sends nothing.
    const unchecked = { ...t, credentials: { ...t.credentials, delivery: { header: 'X-Snowflake-Login', format: '{credential}', sendCredential: false } } };
    expect(upstreamHeaders(unchecked, LOGIN)).toEqual({});
  });

  test('an older config saying sendPrivateKey (the name before tokens) still works as sendCredential; a contradiction is refused', () => {
    const old = parsed(target(HTTPS, `{ ${SNOWFLAKE}, delivery: { header: X-Snowflake-Login, sendPrivateKey: true } }`));
    expect(old.credentials.delivery).toEqual({ header: 'X-Snowflake-Login', format: '{credential}', sendCredential: true });
    expect(upstreamHeaders(old, LOGIN)).toEqual({ 'X-Snowflake-Login': LOGIN });
    expect(problems(target(HTTPS, `{ ${SNOWFLAKE}, delivery: { header: X-Snowflake-Login, sendPrivateKey: false } }`)))
      .toEqual([expect.stringMatching(/^targets\[0\]\.credentials\.delivery\.sendCredential: .* sendCredential: true$/)]);
    expect(problems(target(HTTPS, `{ ${SNOWFLAKE}, delivery: { header: X-Snowflake-Login, sendCredential: true, sendPrivateKey: false } }`)))
      .toEqual(['targets[0].credentials.delivery.sendPrivateKey: contradicts sendCredential; sendPrivateKey is its old name: keep only sendCredential']);
  });

  test('stdio: the named variable only; defaults are the Snowflake connection variables or GATEHOUSE_CREDENTIAL', () => {
    const named = upstreamEnvironment(parsed(target(STDIO, '{ provider: vendor, delivery: { env: VENDOR_TOKEN } }')), grant, 'tok');
    expect(named.VENDOR_TOKEN).toBe('tok');
    expect(named.GATEHOUSE_CREDENTIAL).toBeUndefined();
    expect(upstreamEnvironment(parsed(target(STDIO, '{ provider: vendor }')), grant, 'tok').GATEHOUSE_CREDENTIAL).toBe('tok');
    const sf = upstreamEnvironment(parsed(target(STDIO, `{ ${SNOWFLAKE} }`)), grant, LOGIN);
    expect(sf).toMatchObject({ SNOWFLAKE_USER: 'GH_REQ_1', SNOWFLAKE_ACCOUNT: 'ACME' });
    expect(sf.SNOWFLAKE_PRIVATE_KEY).toContain('BEGIN PRIVATE KEY');
    expect(sf.GATEHOUSE_CREDENTIAL).toBeUndefined();
  });

  test('stdio, snowflake with a programmatic access token: SNOWFLAKE_TOKEN, and no private key variable', () => {
    const login = JSON.stringify({ kind: 'snowflake', username: 'GH_REQ_1', token: 'pat-secret-0123456789abcdef', account: 'ACME', role: 'ANALYST' });
    const sf = upstreamEnvironment(parsed(target(STDIO, `{ ${SNOWFLAKE} }`)), grant, login);
    expect(sf).toMatchObject({ SNOWFLAKE_USER: 'GH_REQ_1', SNOWFLAKE_ACCOUNT: 'ACME', SNOWFLAKE_ROLE: 'ANALYST', SNOWFLAKE_TOKEN: 'pat-secret-0123456789abcdef' });
    expect(sf.SNOWFLAKE_PRIVATE_KEY).toBeUndefined();
    expect(sf.GATEHOUSE_CREDENTIAL).toBeUndefined();
  });
});

describe('credentials: bad input is refused with its path and what to do', () => {
  test.each([
    [HTTPS, `{ ${SNOWFLAKE}, delivery: { header: X-Snowflake-Login } }`, "targets[0].credentials.delivery.sendCredential: the snowflake provider's credential is a live Snowflake login (a programmatic access token or a private key); it goes to an http upstream only when this target says so: sendCredential: true"],
    [HTTPS, `{ ${SNOWFLAKE} }`, /^targets\[0\]\.credentials\.delivery: the http upstream would receive no credential, so provider "snowflake" would mint one for nothing: .* or use credentials: none$/],
    [HTTPS, '{ provider: vendor, delivery: { env: TOKEN } }', 'targets[0].credentials.delivery: an http upstream has no environment: use delivery: { header: NAME, format: "..." }'],
    [STDIO, '{ provider: vendor, delivery: { header: Authorization } }', 'targets[0].credentials.delivery: a stdio upstream receives its credential in its environment: use delivery: { env: NAME }'],
    [HTTPS, '{ provider: none, delivery: { header: Authorization } }', 'targets[0].credentials.delivery: a target with credentials: none has no credential to deliver; remove delivery'],
    [HTTPS, '{ provider: none, settings: { account: x } }', 'targets[0].credentials.settings: a target with credentials: none takes no settings'],
    ["{ type: http, url: 'http://mcp.example.org/mcp' }", '{ provider: vendor, delivery: { header: X-Api-Key } }', 'targets[0].upstream.url: a credential is sent to this upstream, so it must use https (plain http only on loopback)'],
    [HTTPS, "{ provider: vendor, delivery: { header: Authorization, format: 'Bearer token' } }", /^targets\[0\]\.credentials\.delivery\.format: must contain \{credential\} exactly once$/],
    [HTTPS, "{ provider: vendor, delivery: { header: Authorization, format: \"{credential}\\r\\nX-Admin: 1\" } }", /^targets\[0\]\.credentials\.delivery\.format: must be one line$/],
    [HTTPS, '{ provider: vendor, delivery: { header: Mcp-Session-Id } }', /^targets\[0\]\.credentials\.delivery\.header: is a header the gateway sets itself/],
    // The 2026-07-28 routing headers mirror the body; a credential must never stand in for them.
    [HTTPS, '{ provider: vendor, delivery: { header: Mcp-Method } }', /^targets\[0\]\.credentials\.delivery\.header: is a header the gateway sets itself/],
    [HTTPS, '{ provider: vendor, delivery: { header: MCP-NAME } }', /^targets\[0\]\.credentials\.delivery\.header: is a header the gateway sets itself/],
    [HTTPS, "{ provider: vendor, delivery: { header: 'X Api' } }", /^targets\[0\]\.credentials\.delivery\.header: must be an HTTP header name$/],
    [STDIO, "{ provider: vendor, delivery: { env: '1BAD' } }", /^targets\[0\]\.credentials\.delivery\.env: must be an environment variable name$/],
    ["{ type: http, url: 'https://mcp.example.org/mcp', credentialHeader: X-Gatehouse-Credential }", 'none', /^targets\[0\]\.upstream\.credentialHeader: moved: say how the upstream receives its credential with credentials\.delivery/],
    [HTTPS, 'nothing', /^targets\[0\]\.credentials: /],
  ])('%s with credentials %s', (upstream, credentials, message) => {
    expect(problems(target(upstream, credentials))).toEqual(expect.arrayContaining([typeof message === 'string' ? message : expect.stringMatching(message)]));
  });

  test('plain http on loopback may carry a credential (development upstreams)', () => {
    expect(() => parsed(target("{ type: http, url: 'http://127.0.0.1:9000/mcp' }", '{ provider: vendor, delivery: { header: X-Api-Key } }'))).not.toThrow();
  });
});
