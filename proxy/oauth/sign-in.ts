import * as oidc from 'openid-client';
import { OAuthError } from './errors';

/** The organisation's OpenID provider, where people sign in (the gateway is its relying party). */
export interface SignInSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claim that names the person to policy (default `email`, which must then be verified). */
  subjectClaim?: string;
  /** Allow an http issuer (the dev stack's and the tests' provider on loopback). */
  allowHttp?: boolean;
}

/** What the relying party keeps between sending the person to the provider and their return. */
export interface SignInChecks { state: string; nonce: string; codeVerifier: string }

export class SignIn {
  private configuration?: Promise<oidc.Configuration>;

  constructor(private readonly settings: SignInSettings) {}

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc.discovery(new URL(this.settings.issuer), this.settings.clientId, undefined, oidc.ClientSecretPost(this.settings.clientSecret), {
      ...(this.settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
    }).catch((error: unknown) => {
      this.configuration = undefined;
      throw new OAuthError('temporarily_unavailable', `the OpenID provider ${this.settings.issuer} could not be reached (${(error as Error).message}); try again`, 503);
    });
    return this.configuration;
  }

  async start(redirectUri: string): Promise<{ url: string; checks: SignInChecks }> {
    const config = await this.config();
    const checks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, checks };
  }

  /** Completes the sign-in; answers who signed in. The provider's tokens are not kept. */
  async finish(currentUrl: URL, checks: SignInChecks): Promise<{ subject: string; name?: string }> {
    const config = await this.config();
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, { expectedState: checks.state, expectedNonce: checks.nonce, pkceCodeVerifier: checks.codeVerifier, idTokenExpected: true });
      claims = tokens.claims();
    } catch (error) {
      const e = error as { error?: string; error_description?: string; message: string };
      if (e.error === 'access_denied') throw new OAuthError('access_denied', `sign-in at the OpenID provider was refused: ${e.error_description ?? e.error}`);
      throw new OAuthError('access_denied', `sign-in at the OpenID provider did not complete: ${e.error_description ?? e.message}`);
    }
    const claimName = this.settings.subjectClaim ?? 'email';
    const subject = claims?.[claimName];
    if (typeof subject !== 'string' || !subject.trim()) throw new OAuthError('access_denied', `the OpenID provider did not say who signed in (no ${claimName} claim)`);
    if (claimName === 'email' && claims?.email_verified !== true) throw new OAuthError('access_denied', `the OpenID provider has not verified ${subject}; only verified email addresses are accepted`);
    return { subject: subject.trim().toLowerCase(), ...(typeof claims?.name === 'string' ? { name: claims.name } : {}) };
  }
}
