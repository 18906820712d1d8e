import type { GatehouseConfig } from '../../policy';
import type { SignInSettings } from './sign-in';

/** The authorization server's settings from the environment; undefined when it is not configured. */
export interface OAuthEnvironment {
  signIn: SignInSettings;
  development: boolean;
  trustProxy: boolean;
  clients: { clientId: string; name?: string; redirectUris: string[] }[];
}

/**
 * GATEHOUSE_OAUTH_ISSUER turns the authorization server on (the OpenID provider where people
 * sign in; the gateway is its client GATEHOUSE_OAUTH_CLIENT_ID / _SECRET, redirect URI
 * <public url>/oauth/callback). Outside development the issuer of the gateway's own tokens
 * must not come from a Host header, so a public URL (GATEHOUSE_GATEWAY_PUBLIC_URL or gatehouse.yaml's
 * gateway.publicUrl) is then required.
 */
export function oauthFromEnvironment(env: NodeJS.ProcessEnv, config: GatehouseConfig): OAuthEnvironment | undefined {
  const issuer = env.GATEHOUSE_OAUTH_ISSUER?.trim();
  if (!issuer) return undefined;
  const clientId = env.GATEHOUSE_OAUTH_CLIENT_ID?.trim();
  const clientSecret = env.GATEHOUSE_OAUTH_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    throw new Error('GATEHOUSE_OAUTH_ISSUER is set, so GATEHOUSE_OAUTH_CLIENT_ID and GATEHOUSE_OAUTH_CLIENT_SECRET are required: the gateway\'s client at that OpenID provider (redirect URI <public url>/oauth/callback)');
  }
  const development = env.GATEHOUSE_OAUTH_DEVELOPMENT === 'true';
  if (!development && !env.GATEHOUSE_GATEWAY_PUBLIC_URL && !config.gateway?.publicUrl) {
    throw new Error('the OAuth authorization server needs GATEHOUSE_GATEWAY_PUBLIC_URL or gateway.publicUrl in gatehouse.yaml (its issuer and the resource URLs must not come from a Host header); set it to the URL clients use, e.g. https://gatehouse.example.org');
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`GATEHOUSE_OAUTH_ISSUER ${JSON.stringify(issuer)} is not a URL`);
  }
  if (url.protocol !== 'https:' && !development) throw new Error('GATEHOUSE_OAUTH_ISSUER must use https (http only with GATEHOUSE_OAUTH_DEVELOPMENT=true)');
  return {
    signIn: { issuer, clientId, clientSecret, allowHttp: url.protocol === 'http:', ...(env.GATEHOUSE_OAUTH_SUBJECT_CLAIM ? { subjectClaim: env.GATEHOUSE_OAUTH_SUBJECT_CLAIM } : {}) },
    development,
    trustProxy: env.GATEHOUSE_TRUST_PROXY === 'true',
    clients: config.oauth?.clients ?? [],
  };
}
