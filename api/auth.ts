import type { RequestHandler, Response } from 'express';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { Problem } from './problem';

export const SCOPES = {
  request: 'access:request',
  approve: 'access:approve',
  auditRead: 'audit:read',
} as const;
export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

/** How bearer tokens are checked. Every security decision is an explicit setting. */
export interface OidcSettings {
  /** The provider's issuer identifier; its discovery document is read from it. */
  issuer: string;
  /** The `aud` a token must carry (the API's resource identifier). */
  audience: string;
  /** JWS algorithms accepted; never "none". */
  algorithms: string[];
  /** The claim whose value is the identity policy sees (default `sub`). */
  subjectClaim: string;
  /** Required JOSE `typ` of JWT access tokens (RFC 9068: at+jwt); undefined when the provider sets none. */
  tokenType?: string;
  clockToleranceSeconds: number;
  /** When set, tokens that are not JWTs are checked at the provider's introspection endpoint. */
  introspection?: { clientId: string; clientSecret: string };
  /** Plain-HTTP issuers are accepted only on loopback (tests, the dev stack). */
  allowLoopbackHttp: boolean;
}

export const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** The caller, as the verified token describes it. */
export interface Principal {
  subject: string;
  scopes: ReadonlySet<string>;
  clientId?: string;
  tokenKind: 'jwt' | 'introspected';
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
  /** Runs discovery now (for a start-up check); verify() does it lazily otherwise. */
  ready(): Promise<void>;
}

/** 401 with the RFC 6750 challenge a client can act on. */
export function invalidToken(detail: string): Problem {
  return new Problem(401, 'invalid-token', 'Invalid bearer token', detail, {
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${detail.replace(/["\\]/g, '')}"` },
  });
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

interface Discovered {
  config: oidc.Configuration;
  jwks: ReturnType<typeof createRemoteJWKSet>;
}

/**
 * Verifies bearer tokens against an OpenID provider: discovery with openid-client, JWT access
 * tokens with jose against the provider's JWKS (issuer, audience, expiry, not-before, algorithm
 * allow-list, typ), opaque tokens through introspection when configured.
 */
export function createOidcVerifier(settings: OidcSettings): TokenVerifier {
  if (settings.algorithms.some((alg) => alg.toLowerCase() === 'none')) throw new Error('the algorithm "none" can never be accepted');
  const issuerUrl = new URL(settings.issuer);
  const insecure = issuerUrl.protocol === 'http:';
  if (insecure && !(settings.allowLoopbackHttp && isLoopback(issuerUrl))) {
    throw new Error(`the OIDC issuer ${settings.issuer} must use https (plain http is accepted only on loopback)`);
  }
  let discovered: Promise<Discovered> | undefined;
  const discover = (): Promise<Discovered> => {
    discovered ??= (async () => {
      const client = settings.introspection;
      const config = await oidc.discovery(
        issuerUrl,
        client?.clientId ?? 'gatehouse-api',
        client ? client.clientSecret : undefined,
        undefined,
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      const jwksUri = config.serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error(`the OIDC provider ${settings.issuer} publishes no jwks_uri`);
      return { config, jwks: createRemoteJWKSet(new URL(jwksUri)) };
    })();
    discovered.catch(() => {
      discovered = undefined;
    });
    return discovered;
  };
  const provider = async () => {
    try {
      return await discover();
    } catch (error) {
      throw new Problem(503, 'identity-provider-unavailable', 'Identity provider unavailable', `the identity provider ${settings.issuer} could not be reached (${(error as Error).message}); try again shortly`);
    }
  };

  const principalFrom = (claims: JWTPayload & { scope?: unknown; scp?: unknown; client_id?: unknown }, tokenKind: Principal['tokenKind']): Principal => {
    const subject = claims[settings.subjectClaim];
    if (typeof subject !== 'string' || !subject.trim()) throw invalidToken(`the token has no "${settings.subjectClaim}" claim to identify the caller`);
    // system:... names Gatehouse itself (expiry, cancellation); the workflow lets it revoke anything.
    if (/^\s*system:/i.test(subject)) throw invalidToken(`the token's "${settings.subjectClaim}" claim starts with "system:", which Gatehouse reserves for itself; the identity provider must give this caller another subject`);
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : Array.isArray(claims.scp) ? claims.scp.map(String) : [];
    return { subject, scopes: new Set(scopes.filter(Boolean)), clientId: typeof claims.client_id === 'string' ? claims.client_id : undefined, tokenKind };
  };

  const verifyJwt = async (token: string): Promise<Principal> => {
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw invalidToken('the token is not a well-formed JWT');
    }
    if (typeof header.alg !== 'string' || !settings.algorithms.includes(header.alg)) {
      throw invalidToken(`the token is signed with "${String(header.alg)}"; accepted: ${settings.algorithms.join(', ')}`);
    }
    const { jwks } = await provider();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: settings.algorithms,
        clockTolerance: settings.clockToleranceSeconds,
        requiredClaims: ['exp', 'iat'],
        ...(settings.tokenType ? { typ: settings.tokenType } : {}),
      });
      return principalFrom(payload, 'jwt');
    } catch (error) {
      throw jwtProblem(error, settings);
    }
  };

  const introspect = async (token: string): Promise<Principal> => {
    const { config } = await provider();
    let answer;
    try {
      answer = await oidc.tokenIntrospection(config, token);
    } catch (error) {
      throw new Problem(503, 'identity-provider-unavailable', 'Identity provider unavailable', `token introspection failed (${(error as Error).message}); try again shortly`);
    }
    if (!answer.active) throw invalidToken('the token is not active (expired, revoked or unknown to the identity provider)');
    const audiences = Array.isArray(answer.aud) ? answer.aud : answer.aud ? [answer.aud] : [];
    if (!audiences.includes(settings.audience)) throw invalidToken(`the token is not meant for this API (audience ${settings.audience})`);
    if (answer.iss && answer.iss !== settings.issuer) throw invalidToken(`the token was issued by ${answer.iss}, not ${settings.issuer}`);
    if (typeof answer.exp === 'number' && answer.exp * 1000 < Date.now() - settings.clockToleranceSeconds * 1000) throw invalidToken('the token has expired');
    const claims = { ...answer, sub: answer.sub ?? answer.client_id } as JWTPayload;
    return principalFrom(claims, 'introspected');
  };

  return {
    async ready() {
      await discover();
    },
    async verify(token) {
      const segments = token.split('.').length;
      if (segments === 3) return verifyJwt(token);
      if (segments === 5) throw invalidToken('encrypted (JWE) access tokens are not accepted');
      if (settings.introspection) return introspect(token);
      throw invalidToken('the token is not a JWT and token introspection is not configured');
    },
  };
}

function jwtProblem(error: unknown, settings: OidcSettings): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof joseErrors.JWTExpired) return invalidToken('the token has expired; get a new one');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud': return invalidToken(`the token is not meant for this API (audience ${settings.audience})`);
      case 'iss': return invalidToken(`the token was not issued by ${settings.issuer}`);
      case 'nbf': return invalidToken('the token is not valid yet');
      case 'typ': return invalidToken(`the token is not an access token (typ must be ${settings.tokenType})`);
      default: return invalidToken(`the token's "${error.claim}" claim is invalid: ${error.reason}`);
    }
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return invalidToken(`the token's algorithm is not accepted (accepted: ${settings.algorithms.join(', ')})`);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) {
    return invalidToken('the token signature does not verify with the identity provider\'s keys');
  }
  if (error instanceof joseErrors.JWKSTimeout || (error as { code?: string })?.code === 'ERR_JOSE_GENERIC') {
    return new Problem(503, 'identity-provider-unavailable', 'Identity provider unavailable', 'the identity provider\'s keys could not be fetched; try again shortly');
  }
  if (error instanceof joseErrors.JOSEError) return invalidToken(`the token is invalid (${error.code})`);
  return invalidToken('the token is invalid');
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('route has no authenticated principal (is authenticate() missing?)');
  return principal;
}

/** Requires `Authorization: Bearer <token>` and verifies it; the principal lands in res.locals. */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (!header) {
      throw new Problem(401, 'unauthenticated', 'Authentication required', 'send an OIDC access token as "Authorization: Bearer <token>"', {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
    if (!match) throw invalidToken('the Authorization header must be "Bearer <token>"');
    res.locals.principal = await verifier.verify(match[1]!);
    next();
  };
}

/** The principal must hold at least one of `anyOf`. */
export function requireScope(...anyOf: Scope[]): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (!anyOf.some((scope) => principal.scopes.has(scope))) {
      throw new Problem(403, 'insufficient-scope', 'Insufficient scope', `this operation needs the scope ${anyOf.join(' or ')}; the token has ${[...principal.scopes].join(' ') || 'none'}`, {
        headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${anyOf.join(' ')}"` },
      });
    }
    next();
  };
}
