// A real OpenID provider (panva's oidc-provider) on loopback, for the dev stack and the API and
// CLI tests: client-credentials grant, RFC 9068 JWT access tokens for the Gatehouse API resource,
// and introspection. Its signing key is generated at start, so tests can also forge tokens with it
// (expired, wrong audience, wrong issuer) and with keys it does not know.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

export const API_SCOPES = ['access:request', 'access:approve', 'audit:read'] as const;

export interface OidcClient {
  /** Also the token's `sub`: client-credentials tokens are issued to the client itself. */
  clientId: string;
  clientSecret: string;
  /** Scopes this client may ask for (space separated). */
  scope: string;
}

export interface TestOidcProvider {
  issuer: string;
  /** The resource indicator and `aud` of tokens for the Gatehouse API. */
  audience: string;
  /** A resource whose tokens are opaque (checked through introspection). */
  opaqueAudience: string;
  clients: OidcClient[];
  /** A real access token from the token endpoint (client-credentials grant). */
  token(clientId: string, options?: { scope?: string; resource?: string }): Promise<string>;
  /** Signs arbitrary claims with the provider's own key (or another key). */
  sign(payload: JWTPayload, options?: { header?: Record<string, unknown>; key?: CryptoKey }): Promise<string>;
  close(): Promise<void>;
}

/** A person who can sign in with the authorization code flow (any password; the provider's dev login page). */
export interface OidcPerson { email: string; name?: string; emailVerified?: boolean; /** The `groups` claim (scope groups). */ groups?: string[] }
/** A relying party people sign in to (the gateway's authorization server). */
/** A web client people sign in to; postLogoutRedirectUris: where the provider may return a browser after ending its session there (RP-Initiated Logout). */
export interface OidcRelyingParty { clientId: string; clientSecret: string; redirectUris: string[]; postLogoutRedirectUris?: string[] }

export async function startOidcProvider(options: { clients?: OidcClient[]; audience?: string; port?: number; people?: OidcPerson[]; relyingParties?: OidcRelyingParty[] } = {}): Promise<TestOidcProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'gatehouse-test-key', use: 'sig', alg: 'RS256' };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const audience = options.audience ?? 'https://gatehouse.test/api';
  const opaqueAudience = 'https://gatehouse.test/api-opaque';
  const clients = options.clients ?? [];

  // The in-memory adapter is what a test wants; silence the provider's notice about it.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('in-memory adapter')) warn(...args);
  };
  const provider = new Provider(issuer, {
    clients: [
      ...clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: c.scope,
      })),
      // The API's own client, for introspection.
      { client_id: 'gatehouse-api', client_secret: 'gatehouse-api-secret', grant_types: [], redirect_uris: [], response_types: [] },
      ...(options.relyingParties ?? []).map((rp) => ({
        client_id: rp.clientId, client_secret: rp.clientSecret, redirect_uris: rp.redirectUris, post_logout_redirect_uris: rp.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post',
      })),
    ],
    // People sign in on the provider's own development login page (any password): known people get a verified email.
    findAccount: (_ctx: unknown, sub: string) => {
      const person = (options.people ?? []).find((p) => p.email.toLowerCase() === sub.toLowerCase());
      return { accountId: sub, claims: () => ({ sub, email: sub, email_verified: person ? person.emailVerified ?? true : false, ...(person?.name ? { name: person.name } : {}), ...(person?.groups ? { groups: person.groups } : {}) }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    jwks: { keys: [jwk] },
    ttl: { ClientCredentials: 600, AuthorizationCode: 60, IdToken: 600, AccessToken: 600, Grant: 600, Interaction: 600, Session: 3600 },
    scopes: [...API_SCOPES],
    features: {
      devInteractions: { enabled: Boolean(options.relyingParties?.length) },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: API_SCOPES.join(' '),
          audience: resource,
          accessTokenTTL: 600,
          accessTokenFormat: resource === opaqueAudience ? 'opaque' : 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  console.warn = warn;
  server.on('request', provider.callback());

  const sign = async (payload: JWTPayload, signOptions: { header?: Record<string, unknown>; key?: CryptoKey } = {}) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid, ...signOptions.header })
      .sign(signOptions.key ?? privateKey);

  return {
    issuer,
    audience,
    opaqueAudience,
    clients,
    sign,
    async token(clientId, tokenOptions = {}) {
      const client = clients.find((c) => c.clientId === clientId);
      if (!client) throw new Error(`no test client ${clientId}`);
      const body = new URLSearchParams({ grant_type: 'client_credentials', scope: tokenOptions.scope ?? client.scope, resource: tokenOptions.resource ?? audience });
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
        },
        body,
      });
      const json = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!json.access_token) throw new Error(`token endpoint refused: ${json.error}: ${json.error_description}`);
      return json.access_token;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
