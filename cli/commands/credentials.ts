import * as oidc from 'openid-client';
import { EXIT } from '../exit-codes';
import { ACCESS_EXIT, CommandFailure } from '../exit-codes';

/** Where the access commands get their bearer token. */
export interface CredentialOptions {
  /** A token given directly (--token, else GATEHOUSE_TOKEN). */
  token?: string;
  env: NodeJS.ProcessEnv;
}

const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/**
 * Returns a function that yields an access token for the scopes a command needs: the token given
 * directly, or one from the OIDC client-credentials grant (GATEHOUSE_OIDC_ISSUER,
 * GATEHOUSE_OIDC_CLIENT_ID, GATEHOUSE_OIDC_CLIENT_SECRET; GATEHOUSE_OIDC_SCOPE and
 * GATEHOUSE_OIDC_RESOURCE optional).
 */
export function tokenSource(options: CredentialOptions): (scopes: string[]) => Promise<string> {
  const direct = options.token ?? options.env.GATEHOUSE_TOKEN;
  if (direct) return async () => direct.trim();
  const { env } = options;
  const missing = ['GATEHOUSE_OIDC_ISSUER', 'GATEHOUSE_OIDC_CLIENT_ID', 'GATEHOUSE_OIDC_CLIENT_SECRET'].filter((name) => !env[name]);
  if (missing.length) {
    throw new CommandFailure(EXIT.config, `no credentials: pass --token (or set GATEHOUSE_TOKEN), or set ${missing.join(', ')} for the OIDC client-credentials grant`);
  }
  let issuer: URL;
  try {
    issuer = new URL(env.GATEHOUSE_OIDC_ISSUER!);
  } catch {
    throw new CommandFailure(EXIT.config, `GATEHOUSE_OIDC_ISSUER "${env.GATEHOUSE_OIDC_ISSUER}" is not a URL`);
  }
  if (issuer.protocol === 'http:' && !isLoopback(issuer)) {
    throw new CommandFailure(EXIT.config, `GATEHOUSE_OIDC_ISSUER must use https (plain http only on loopback): ${issuer.href}`);
  }
  const secret = env.GATEHOUSE_OIDC_CLIENT_SECRET!;
  const auth = env.GATEHOUSE_OIDC_CLIENT_AUTH === 'client_secret_post' ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret);
  const resource = env.GATEHOUSE_OIDC_RESOURCE ?? env.GATEHOUSE_OIDC_AUDIENCE;
  let config: Promise<oidc.Configuration> | undefined;
  return async (scopes) => {
    try {
      config ??= oidc.discovery(issuer, env.GATEHOUSE_OIDC_CLIENT_ID!, undefined, auth, issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined);
      const configuration = await config;
      // The scope the command needs; GATEHOUSE_OIDC_SCOPE overrides. Where several would do, the first the provider grants.
      const candidates = env.GATEHOUSE_OIDC_SCOPE ? [env.GATEHOUSE_OIDC_SCOPE] : scopes;
      let lastError: unknown;
      for (const scope of candidates) {
        try {
          const answer = await oidc.clientCredentialsGrant(configuration, { scope, ...(resource ? { resource } : {}) });
          return answer.access_token;
        } catch (error) {
          lastError = error;
          if ((error as { error?: string }).error !== 'invalid_scope') break;
        }
      }
      throw lastError;
    } catch (error) {
      config = undefined;
      const oauthError = error as { error?: string; error_description?: string; code?: string; message?: string; cause?: unknown };
      // An OAuth error in the body, or (client authentication failed) in a WWW-Authenticate challenge.
      const challenge = oauthError.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE' && Array.isArray(oauthError.cause)
        ? (oauthError.cause[0] as { parameters?: { error?: string; error_description?: string } } | undefined)?.parameters
        : undefined;
      const refusal = oauthError.error ? oauthError : challenge;
      if (refusal?.error) {
        throw new CommandFailure(ACCESS_EXIT.auth, `the identity provider refused the client-credentials grant: ${refusal.error}${refusal.error_description ? ` (${refusal.error_description})` : ''}; check GATEHOUSE_OIDC_CLIENT_ID and GATEHOUSE_OIDC_CLIENT_SECRET`);
      }
      throw new CommandFailure(ACCESS_EXIT.unavailable, `cannot get a token from ${issuer.href}: ${oauthError.message ?? String(error)}`);
    }
  };
}
