import { parseConfig } from '../../policy';
import { ADVERTISED_SERVERS_REFUSED, startGatewayProcess } from '../../proxy/run';
import { addressProblem, canonicalResource, DEFAULT_METADATA_FETCH, fetchClientMetadataDocument, matchRedirectUri, oauthFromEnvironment, redirectUriProblem, signInClient, skeleton } from '../../proxy/oauth';

const OAUTH_TEST_CONFIG = `
version: 1
targets:
  - name: everything
    upstream: { type: stdio, command: node }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: phi-approvers, members: [bob@example.org] }
`;

// The rules of the authorization server that need no stack: redirect URIs, addresses a client
// metadata document may live on, the settings it starts with, the gatehouse.yaml clients.
describe('authorization server rules', () => {
  test('redirect URIs match exactly; an http loopback redirect may change only its port (RFC 8252 §7.3)', () => {
    const registered = ['http://127.0.0.1:3000/callback', 'https://app.example/cb', 'com.example.app:/oauth'];
    expect(matchRedirectUri('https://app.example/cb', registered)).toBe(true);
    expect(matchRedirectUri('http://127.0.0.1:49152/callback', registered)).toBe(true);
    expect(matchRedirectUri('com.example.app:/oauth', registered)).toBe(true);
    for (const uri of ['https://app.example/cb/', 'https://app.example/cb?x=1', 'https://app.example/CB', 'http://127.0.0.1:3000/other', 'http://localhost:3000/callback',
      'https://app.example.evil/cb', 'http://127.0.0.1:3000/callback#x', 'https://127.0.0.1:3000/callback', 'com.example.app:/oauth2']) {
      expect({ uri, ok: matchRedirectUri(uri, registered) }).toEqual({ uri, ok: false });
    }
  });

  test('acceptable redirect URIs: https, http on loopback, private-use schemes; never fragments, credentials, script', () => {
    for (const ok of ['https://a.example/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'http://localhost:1234/cb', 'com.example.app:/cb']) expect(redirectUriProblem(ok)).toBeNull();
    for (const bad of ['http://a.example/cb', 'https://a.example/cb#f', 'https://u:p@a.example/cb', 'javascript:alert(1)', 'data:text/html,x', 'myapp:/cb', 'not a uri']) {
      expect({ bad, problem: redirectUriProblem(bad) }).toEqual({ bad, problem: expect.any(String) });
    }
  });

  test('metadata documents: private and reserved addresses are refused; loopback only in development', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::']) {
      expect({ ip, problem: addressProblem(ip, true) }).toEqual({ ip, problem: expect.stringMatching(/private or reserved/) });
    }
    expect(addressProblem('127.0.0.1', false)).toMatch(/loopback/);
    expect(addressProblem('::1', false)).toMatch(/loopback/);
    expect(addressProblem('::ffff:127.0.0.1', false)).toMatch(/loopback/);
    expect(addressProblem('127.0.0.1', true)).toBeNull();
    expect(addressProblem('93.184.215.14', false)).toBeNull();
  });

  test('metadata document URLs: https with a path, no fragment, no credentials, no dot segments; private hosts never fetched', async () => {
    const limits = { ...DEFAULT_METADATA_FETCH };
    for (const [url, why] of [
      ['http://app.example/client.json', 'must use https'], ['https://app.example/', 'must have a path'], ['https://app.example/c.json#x', 'fragment'],
      ['https://u:p@app.example/c.json', 'credentials'], ['https://app.example/a/../c.json', 'dot segments'],
      ['https://169.254.169.254/latest/meta-data', 'private or reserved'], ['https://127.0.0.1/client.json', 'loopback'], ['https://[::1]/client.json', 'loopback'],
    ] as const) {
      await expect(fetchClientMetadataDocument(url, limits)).rejects.toMatchObject({ error: 'invalid_client', description: expect.stringContaining(why) });
    }
  });

  test('settings: off without an issuer; with one, client credentials and (outside development) a public URL over https are required', () => {
    const config = parseConfig(OAUTH_TEST_CONFIG, 'oauth-test.yaml');
    expect(oauthFromEnvironment({}, config)).toBeUndefined();
    const issuer = { GATEHOUSE_OAUTH_ISSUER: 'https://login.example.org' };
    expect(() => oauthFromEnvironment(issuer, config)).toThrow(/GATEHOUSE_OAUTH_CLIENT_ID and GATEHOUSE_OAUTH_CLIENT_SECRET are required/);
    const full = { ...issuer, GATEHOUSE_OAUTH_CLIENT_ID: 'gatehouse', GATEHOUSE_OAUTH_CLIENT_SECRET: 's3cret' };
    expect(() => oauthFromEnvironment(full, config)).toThrow(/GATEHOUSE_GATEWAY_PUBLIC_URL/);
    expect(() => oauthFromEnvironment({ ...full, GATEHOUSE_GATEWAY_PUBLIC_URL: 'https://gw.example.org', GATEHOUSE_OAUTH_ISSUER: 'http://login.example.org' }, config)).toThrow(/must use https/);
    expect(oauthFromEnvironment({ ...full, GATEHOUSE_GATEWAY_PUBLIC_URL: 'https://gw.example.org' }, config)).toMatchObject({ development: false, signIn: { issuer: 'https://login.example.org', allowHttp: false } });
    // The public URL may come from gatehouse.yaml instead (gateway.publicUrl, issue 22).
    const withPublicUrl = parseConfig(`${OAUTH_TEST_CONFIG}\ngateway: { publicUrl: 'https://gw.example.org' }\n`, 'oauth-test.yaml');
    expect(oauthFromEnvironment(full, withPublicUrl)).toMatchObject({ development: false });
    expect(oauthFromEnvironment({ ...full, GATEHOUSE_OAUTH_ISSUER: 'http://127.0.0.1:9000', GATEHOUSE_OAUTH_DEVELOPMENT: 'true' }, config)).toMatchObject({ development: true, signIn: { allowHttp: true } });
  });

  test('gatehouse.yaml: pre-registered clients are validated (ids, redirect URIs)', () => {
    const withClients = (clients: string) => `${OAUTH_TEST_CONFIG}\noauth:\n  clients:\n${clients}`;
    const config = parseConfig(withClients('    - { clientId: claude-desktop, name: Claude, redirectUris: ["http://127.0.0.1:33418/callback", "https://claude.ai/api/mcp/auth_callback"] }\n'), 'x.yaml');
    expect(config.oauth?.clients[0]).toMatchObject({ clientId: 'claude-desktop', name: 'Claude' });
    expect(() => parseConfig(withClients('    - { clientId: ghc_taken, redirectUris: ["https://a.example/cb"] }\n'), 'x.yaml')).toThrow(/reserved/);
    expect(() => parseConfig(withClients('    - { clientId: app, redirectUris: ["http://a.example/cb"] }\n'), 'x.yaml')).toThrow(/loopback/);
    expect(() => parseConfig(withClients('    - { clientId: app, redirectUris: [] }\n'), 'x.yaml')).toThrow();
  });

  test('a client as approvers read it: verified apart from claimed; a look-alike of a pre-registered name is flagged', () => {
    const known = [{ clientId: 'claude-desktop', clientName: 'Claude Desktop', redirectUris: ['http://127.0.0.1/cb'], kind: 'preregistered' as const }];
    expect(signInClient(known[0]!, 'http://127.0.0.1:5000/cb', known)).toMatchObject({ nameVerified: true, verified: expect.stringContaining('gatehouse.yaml'), redirectOrigin: 'http://127.0.0.1:5000' });
    const dynamic = (name: string) => signInClient({ clientId: 'ghc_x', clientName: name, redirectUris: [], kind: 'dynamic', registeredFrom: '203.0.113.7' }, 'https://evil.example/cb', known);
    for (const name of ['Claude Desktop', 'claude desktop', 'CLAUDE-DESKTOP', 'Сlaude Desktop' /* Cyrillic С */, 'C1aude Desktop', 'Claude Desktop (official)', 'Ｃｌａｕｄｅ Ｄｅｓｋｔｏｐ', 'Gatehouse', 'Gatehouse SSO']) {
      expect({ name, flagged: dynamic(name).impersonates }).toEqual({ name, flagged: expect.any(String) });
    }
    for (const name of ['Cursor', 'VS Code', 'Claude', 'My notebook client']) expect({ name, flagged: dynamic(name).impersonates }).toEqual({ name, flagged: undefined });
    expect(dynamic('Claude Desktop')).toMatchObject({ nameVerified: false, verified: expect.stringContaining('nothing: registered itself dynamically from 203.0.113.7'), redirectOrigin: 'https://evil.example' });
    const document = signInClient({ clientId: 'https://claude.evil.example/client.json', clientName: 'Claude Desktop', redirectUris: [], kind: 'metadata_document' }, 'http://127.0.0.1/cb', known);
    expect(document).toMatchObject({ nameVerified: false, verified: expect.stringContaining('fetched from claude.evil.example'), impersonates: 'Claude Desktop (pre-registered client claude-desktop)' });
    expect(skeleton('rn')).toBe(skeleton('m'));
  });

  test('resource indicators (MCP 2026-07-28 "Canonical Server URI"): scheme and host compared in lower case, the rest exactly; fragments and credentials are not resource indicators', () => {
    expect(canonicalResource('HTTPS://Gateway.Example.ORG/mcp/everything')).toBe('https://gateway.example.org/mcp/everything');
    expect(canonicalResource('https://gateway.example.org:8443/mcp/Everything')).toBe('https://gateway.example.org:8443/mcp/Everything');
    expect(canonicalResource('https://gateway.example.org/mcp/x/../everything')).toBe('https://gateway.example.org/mcp/x/../everything');
    for (const bad of ['gateway.example.org/mcp/x', 'https://gateway.example.org/mcp/x#f', 'https://user@gateway.example.org/mcp/x', 'ftp://gateway.example.org/mcp/x', 'https:///mcp/x', '']) {
      expect({ bad, canonical: canonicalResource(bad) }).toEqual({ bad, canonical: null });
    }
  });

  test('GATEHOUSE_AUTHORIZATION_SERVERS is refused at start: the metadata may name only an authorization server whose tokens the gateway accepts (its own)', async () => {
    await expect(startGatewayProcess({ env: { GATEHOUSE_AUTHORIZATION_SERVERS: 'https://idp.example.org' } })).rejects.toThrow(ADVERTISED_SERVERS_REFUSED);
    expect(ADVERTISED_SERVERS_REFUSED).toMatch(/GATEHOUSE_OAUTH_ISSUER/);
  });
});
