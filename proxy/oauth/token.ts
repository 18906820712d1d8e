import { safeEqual } from '../../lib';
import type { GrantPort } from './authorize';
import type { ClientRegistry } from './clients';
import { OAuthError } from './errors';
import { sameResource } from './metadata';
import { s256, sha256, type IssuedCode } from './pending';
import { issueRefreshToken, refreshGrant } from './refresh';
import { randomToken, type OAuthStore } from './store';
import type { AuthorizationTrail } from './trail';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** Rotating, single-use, never beyond the grant's end (refresh.ts). */
  refresh_token: string;
}

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * POST /oauth/token: authorization_code, and refresh_token (refresh.ts). The code is taken before
 * anything is checked, so a wrong verifier, client, redirect URI or resource burns it: it cannot be
 * tried again. The answer is the grant token itself: audience-bound to one target by the grant,
 * valid exactly as long as the grant (an extension lengthens it, a revocation ends it at once),
 * with a refresh token that never outlives the grant.
 */
export async function exchangeCode(
  form: URLSearchParams,
  deps: { store: OAuthStore; clients: ClientRegistry; grants: GrantPort; trail: AuthorizationTrail; usedCodeMemoryMs: number },
): Promise<TokenResponse> {
  const grantType = form.get('grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    throw new OAuthError('unsupported_grant_type', `grant_type ${JSON.stringify(grantType)} is not supported; use authorization_code (or refresh_token)`);
  }
  const clientId = form.get('client_id');
  if (!clientId) throw new OAuthError('invalid_client', 'client_id is required (public clients authenticate with PKCE, token_endpoint_auth_method none)', 401);
  if (form.has('client_secret')) throw new OAuthError('invalid_client', 'this server has no client secrets; send client_id and code_verifier only', 401);
  await deps.clients.resolve(clientId).catch((error: unknown) => {
    if (error instanceof OAuthError) throw new OAuthError('invalid_client', error.description, 401);
    throw error;
  });
  if (grantType === 'refresh_token') return refreshGrant(form, clientId, deps);
  const code = form.get('code');
  if (!code) throw new OAuthError('invalid_request', 'code is required');
  const codeHash = sha256(code);
  const issued = await deps.store.take<IssuedCode>('code', codeHash);
  const at = () => new Date().toISOString();
  if (!issued) {
    const used = await deps.store.get<{ requestId: string; clientId: string; subject: string }>('used-code', codeHash);
    // A code presented twice is either a client bug or a stolen code being replayed: the request's record says so,
    // once per code (a flood of replays must not grow the workflow's history; later ones are only answered).
    if (used && (await deps.store.put('replay-noted', codeHash, true, deps.usedCodeMemoryMs, { onlyNew: true }))) {
      await deps.trail.record(used.requestId, [{ at: at(), type: 'token_refused', actor: used.subject, clientId, detail: `an authorization code already exchanged was presented again by client ${clientId.slice(0, 200)} (replay); refused` }]);
    }
    throw new OAuthError('invalid_grant', used ? 'the authorization code was already used; codes are single-use: sign in again' : 'the authorization code is unknown or expired (codes live 60 seconds); sign in again');
  }
  await deps.store.put('used-code', codeHash, { requestId: issued.requestId, clientId: issued.clientId, subject: issued.subject }, deps.usedCodeMemoryMs);
  // Past this point the code was real: every refusal is recorded on its request, then answered.
  const refuse = async (error: OAuthError): Promise<never> => {
    await deps.trail.record(issued.requestId, [{ at: at(), type: 'token_refused', actor: issued.subject, clientId: issued.clientId, detail: `${error.error}: ${error.description} (presented by client ${clientId.slice(0, 200)})` }]);
    throw error;
  };
  if (issued.clientId !== clientId) return refuse(new OAuthError('invalid_grant', 'the authorization code was issued to another client'));
  if (form.get('redirect_uri') !== issued.redirectUri) return refuse(new OAuthError('invalid_grant', 'redirect_uri does not match the one of the authorization request'));
  const verifier = form.get('code_verifier') ?? '';
  if (!VERIFIER.test(verifier)) return refuse(new OAuthError('invalid_grant', 'code_verifier is missing or malformed (43 to 128 characters of A-Z a-z 0-9 - . _ ~)'));
  if (!safeEqual(s256(verifier), issued.codeChallenge)) return refuse(new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge (PKCE S256)'));
  const resource = form.get('resource');
  if (!resource) return refuse(new OAuthError('invalid_target', `resource is required (RFC 8707): ${issued.resource}`));
  if (!sameResource(resource, issued.resource)) return refuse(new OAuthError('invalid_target', `the code was issued for ${issued.resource}, not ${resource.slice(0, 300)}`));
  const grant = await deps.grants.get(issued.grantId);
  const remainingMs = grant ? Date.parse(grant.expiresAt) - Date.now() : 0;
  if (!grant || grant.target !== issued.target || remainingMs < 1000) {
    return refuse(new OAuthError('invalid_grant', `the access (request ${issued.requestId}) has ended; sign in again to ask for new access`));
  }
  // No token without a record: when the request cannot take the step, the exchange fails (server_error).
  await deps.trail.record(issued.requestId, [{ at: at(), type: 'token_issued', actor: issued.subject, clientId, detail: `for ${issued.resource}, ${Math.floor(remainingMs / 1000)} s left on grant ${grant.grantId}` }], { required: true });
  const refreshToken = await issueRefreshToken(deps.store, {
    family: randomToken(12), requestId: issued.requestId, grantId: grant.grantId, clientId, subject: issued.subject, resource: issued.resource, target: issued.target, count: 0,
  }, grant);
  return { access_token: deps.grants.tokenFor(grant.grantId), token_type: 'Bearer', expires_in: Math.floor(remainingMs / 1000), refresh_token: refreshToken };
}
