import type { GrantRecord } from '../../lib';
import type { GrantPort } from './authorize';
import { OAuthError } from './errors';
import { sameResource } from './metadata';
import { sha256 } from './pending';
import { randomToken, type OAuthStore } from './store';
import type { AuthorizationTrail } from './trail';

/**
 * Refresh tokens that never outlive the grant. The access token is the grant token itself, and
 * its `expires_in` is the grant's remaining time when it was issued; after an extension (Slack or
 * the API) a client that honours `expires_in` refreshes and learns the new end. Rules:
 * - a refresh answers the same grant token with the grant's remaining time, and only while the
 *   grant is live (revoked or ended: invalid_grant);
 * - rotation: each refresh token is single-use and the answer carries the next one; a used one
 *   presented again (a stolen copy, or a replay) ends the whole chain, and the request's record
 *   says so (once per token: a flood cannot grow the workflow's history);
 * - a refresh token presented by another client ends the chain too;
 * - at most one refresh per chain every 10 s, at most 20 per chain (each is recorded on the request).
 */
export interface RefreshChain {
  family: string;
  requestId: string;
  grantId: string;
  clientId: string;
  subject: string;
  resource: string;
  target: string;
  /** Refreshes so far in this chain. */
  count: number;
}

export const MAX_REFRESHES = 20;
const MIN_INTERVAL_MS = 10_000;
/** How long past the grant's end a refresh token is remembered (to answer precisely, never to work). */
const AFTER_END_MS = 5 * 60_000;

export interface RefreshDeps {
  store: OAuthStore;
  grants: GrantPort;
  trail: AuthorizationTrail;
}

/** A new refresh token for the chain, stored by its SHA-256 until shortly after the grant's end. */
export async function issueRefreshToken(store: OAuthStore, chain: RefreshChain, grant: GrantRecord): Promise<string> {
  const token = `ghr_${randomToken()}`;
  await store.put('refresh', sha256(token), chain, Math.max(1_000, Date.parse(grant.expiresAt) - Date.now()) + AFTER_END_MS);
  return token;
}

/** grant_type=refresh_token for `clientId` (already resolved). */
export async function refreshGrant(form: URLSearchParams, clientId: string, deps: RefreshDeps): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; refresh_token: string }> {
  const presented = form.get('refresh_token');
  if (!presented) throw new OAuthError('invalid_request', 'refresh_token is required');
  const hash = sha256(presented);
  const at = () => new Date().toISOString();
  const chain = await deps.store.get<RefreshChain>('refresh', hash);
  const endChain = async (used: Pick<RefreshChain, 'family' | 'requestId' | 'subject'>, why: string) => {
    await deps.store.put('refresh-chain-ended', used.family, why, 24 * 3600_000);
    if (await deps.store.put('refresh-replay-noted', hash, true, 24 * 3600_000, { onlyNew: true })) {
      await deps.trail.record(used.requestId, [{ at: at(), type: 'token_refused', actor: used.subject, clientId, detail: `${why}; the refresh chain is ended (the client must sign in again)` }]);
    }
  };
  if (!chain) {
    const used = await deps.store.get<RefreshChain>('refresh-used', hash);
    if (used) {
      await endChain(used, `a refresh token already used was presented again by client ${clientId.slice(0, 200)} (replay or theft)`);
      throw new OAuthError('invalid_grant', 'the refresh token was already used (refresh tokens rotate); the refresh chain is ended: sign in again');
    }
    throw new OAuthError('invalid_grant', 'the refresh token is unknown or expired (it never outlives the grant); sign in again');
  }
  if (chain.clientId !== clientId) {
    await deps.store.delete('refresh', hash);
    await endChain(chain, `client ${clientId.slice(0, 200)} presented a refresh token issued to ${chain.clientId}`);
    throw new OAuthError('invalid_grant', 'the refresh token was issued to another client');
  }
  if (await deps.store.get<string>('refresh-chain-ended', chain.family)) {
    await deps.store.delete('refresh', hash);
    throw new OAuthError('invalid_grant', 'this refresh chain was ended (a used refresh token was presented again); sign in again');
  }
  const ended = `the access (request ${chain.requestId}) has ended; sign in again to ask for new access`;
  const live = await deps.grants.get(chain.grantId);
  if (!live || live.target !== chain.target || Date.parse(live.expiresAt) - Date.now() < 1000) {
    await deps.store.delete('refresh', hash);
    throw new OAuthError('invalid_grant', ended);
  }
  if ((await deps.store.count('refresh-rate', chain.family, MIN_INTERVAL_MS)) > 1) {
    throw new OAuthError('invalid_request', `refresh at most once every ${MIN_INTERVAL_MS / 1000} seconds; the refresh token is still valid`, 400, { 'retry-after': String(MIN_INTERVAL_MS / 1000) });
  }
  if (chain.count >= MAX_REFRESHES) throw new OAuthError('invalid_grant', `this sign-in was refreshed ${MAX_REFRESHES} times; sign in again`);
  const taken = await deps.store.take<RefreshChain>('refresh', hash);
  if (!taken) throw new OAuthError('invalid_grant', 'the refresh token was just used by another request; sign in again');
  const grant = await deps.grants.get(chain.grantId);
  const remainingMs = grant ? Date.parse(grant.expiresAt) - Date.now() : 0;
  await deps.store.put('refresh-used', hash, chain, Math.max(remainingMs, 0) + AFTER_END_MS);
  const resource = form.get('resource');
  if (resource !== null && !sameResource(resource, chain.resource)) throw new OAuthError('invalid_target', `the refresh token is for ${chain.resource}, not ${resource.slice(0, 300)}`);
  if (!grant || grant.target !== chain.target || remainingMs < 1000) throw new OAuthError('invalid_grant', ended);
  const next: RefreshChain = { ...chain, count: chain.count + 1 };
  // No token without a record.
  await deps.trail.record(chain.requestId, [{ at: at(), type: 'token_refreshed', actor: chain.subject, clientId, detail: `refresh ${next.count} of at most ${MAX_REFRESHES}: ${Math.floor(remainingMs / 1000)} s left on grant ${grant.grantId} (until ${grant.expiresAt})` }], { required: true });
  const refreshToken = await issueRefreshToken(deps.store, next, grant);
  return { access_token: deps.grants.tokenFor(grant.grantId), token_type: 'Bearer', expires_in: Math.floor(remainingMs / 1000), refresh_token: refreshToken };
}
