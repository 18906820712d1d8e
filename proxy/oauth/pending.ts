import { createHash } from 'node:crypto';
import type { SignInClient } from '../../workflows';
import type { SignInChecks } from './sign-in';
import type { TrailEvent } from './trail';

/** An authorization between /authorize and the redirect back to the client. Lives in Redis with a TTL. */
export interface PendingAuthorization {
  id: string;
  issuer: string;
  client: { id: string; name: string; kind: string };
  /** What the approvers are told about the client: verified apart from claimed. */
  identity: SignInClient;
  redirectUri: string;
  state?: string;
  codeChallenge: string;
  resource: string;
  target: string;
  /** SHA-256 of the browser cookie that binds every later step to the browser that began it. */
  browserHash: string;
  /** Must come back with every form post (with the cookie and SameSite, against cross-site posts). */
  csrf: string;
  signIn?: SignInChecks;
  subject?: string;
  requestId?: string;
  /** Steps recorded before there was a request to file them under. */
  trail: TrailEvent[];
  createdAt: string;
}

/** What a code stands for. Stored under the code's SHA-256, taken once. */
export interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  resource: string;
  target: string;
  requestId: string;
  grantId: string;
  subject: string;
}

export interface Completion {
  /** Where the browser goes: the client's redirect URI with code or error, state and iss. */
  next: string;
  lines: string[];
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
export const cookieName = (pendingId: string) => `gh_oauth_${pendingId}`;

/** The client's redirect URI with the response parameters, including iss (RFC 9207, against mix-up). */
export function responseUrl(pending: Pick<PendingAuthorization, 'redirectUri' | 'state' | 'issuer'>, params: Record<string, string>): string {
  const url = new URL(pending.redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (pending.state !== undefined) url.searchParams.set('state', pending.state);
  url.searchParams.set('iss', pending.issuer);
  return url.href;
}
