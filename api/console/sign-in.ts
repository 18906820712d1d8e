import * as oidc from 'openid-client';
import type { ConsoleSettings } from './settings';

/** What the console keeps between sending a person to the provider and their return. */
export interface SignInChecks { state: string; nonce: string; codeVerifier: string }

/** Who signed in, as the provider's ID token says. The provider's tokens themselves are not kept. */
export interface SignedInPerson { subject: string; name?: string; groups: string[] }

/** Sign-in did not complete; `message` is shown to the person. */
export class SignInError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
    this.name = 'SignInError';
  }
}

/** The console as a relying party: authorization code with PKCE (S256), state and nonce, a confidential client. */
export class ConsoleSignIn {
  private configuration?: Promise<oidc.Configuration>;

  constructor(private readonly settings: ConsoleSettings) {}

  get redirectUri(): string {
    return `${this.settings.publicUrl}/console/callback`;
  }

  private config(): Promise<oidc.Configuration> {
    const insecure = new URL(this.settings.issuer).protocol === 'http:';
    this.configuration ??= oidc.discovery(new URL(this.settings.issuer), this.settings.clientId, undefined, oidc.ClientSecretPost(this.settings.clientSecret), {
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    }).catch((error: unknown) => {
      this.configuration = undefined;
      throw new SignInError(`the identity provider ${this.settings.issuer} could not be reached (${(error as Error).message}); try again shortly`, 503);
    });
    return this.configuration;
  }

  async start(): Promise<{ url: string; checks: SignInChecks }> {
    const config = await this.config();
    const checks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, checks };
  }

  /**
   * Where to send the browser to end the provider's session too (OpenID RP-Initiated Logout), or
   * undefined when the provider advertises no end_session_endpoint or cannot be reached.
   */
  async endSessionUrl(idTokenHint: string | undefined): Promise<string | undefined> {
    let config: oidc.Configuration;
    try {
      config = await this.config();
    } catch {
      return undefined;
    }
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: `${this.settings.publicUrl}/console/signed-out`,
      ...(idTokenHint ? { id_token_hint: idTokenHint } : {}),
    }).href;
  }

  /** Who signed in, and the ID token (for id_token_hint at sign-out). */
  async finish(callbackUrl: URL, checks: SignInChecks): Promise<SignedInPerson & { idToken?: string }> {
    const config = await this.config();
    let claims: oidc.IDToken | undefined;
    let idToken: string | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, { expectedState: checks.state, expectedNonce: checks.nonce, pkceCodeVerifier: checks.codeVerifier, idTokenExpected: true });
      claims = tokens.claims();
      idToken = tokens.id_token;
    } catch (error) {
      const e = error as { error?: string; error_description?: string; message: string };
      throw new SignInError(`sign-in at the identity provider did not complete: ${e.error_description ?? e.error ?? e.message}`);
    }
    const claimName = this.settings.subjectClaim;
    const subject = claims?.[claimName];
    if (typeof subject !== 'string' || !subject.trim()) throw new SignInError(`the identity provider did not say who signed in (no "${claimName}" claim)`);
    if (claimName === 'email' && claims?.email_verified !== true) throw new SignInError(`the identity provider has not verified ${subject}; only verified email addresses are accepted`, 403);
    const groups = claims?.[this.settings.groupsClaim];
    return {
      subject: subject.trim().toLowerCase(),
      ...(typeof claims?.name === 'string' ? { name: claims.name.slice(0, 200) } : {}),
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string').slice(0, 500) : [],
      ...(idToken ? { idToken } : {}),
    };
  }
}
