import { parseDuration } from '../../lib';

/** How the console signs people in and keeps them signed in (environment: GATEHOUSE_CONSOLE_*). */
export interface ConsoleSettings {
  /** The OpenID provider people sign in at (default: the API's GATEHOUSE_OIDC_ISSUER). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The API's address as a browser reaches it; the provider returns people to <publicUrl>/console/callback. */
  publicUrl: string;
  /** The claim that names the person (default email, which must then be verified). */
  subjectClaim: string;
  /** The claim listing the person's groups at the provider (matched against idp-group: readers). */
  groupsClaim: string;
  /** Scopes asked at sign-in. */
  scopes: string;
  /** A session ends this long after sign-in, whatever happens (default 8h). */
  sessionTtlMs: number;
  /** A session also ends after this long without a page read (default 30m, at most the session TTL). */
  idleTimeoutMs: number;
  /** Cookies are Secure (and __Host- prefixed) unless the console is served over http on loopback. */
  secureCookies: boolean;
}

export class ConsoleSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsoleSettingsError';
  }
}

const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** The console's settings, or undefined when GATEHOUSE_CONSOLE_CLIENT_ID is unset (the console is then off). */
export function consoleSettings(env: NodeJS.ProcessEnv, defaults: { issuer?: string; publicUrl?: string } = {}): ConsoleSettings | undefined {
  const clientId = env.GATEHOUSE_CONSOLE_CLIENT_ID;
  if (!clientId) return undefined;
  const clientSecret = env.GATEHOUSE_CONSOLE_CLIENT_SECRET;
  if (!clientSecret) throw new ConsoleSettingsError('GATEHOUSE_CONSOLE_CLIENT_ID is set but GATEHOUSE_CONSOLE_CLIENT_SECRET is not: the console signs in as a confidential client of the OpenID provider');
  const issuer = env.GATEHOUSE_CONSOLE_ISSUER ?? defaults.issuer;
  const publicUrl = (env.GATEHOUSE_CONSOLE_PUBLIC_URL ?? defaults.publicUrl)?.replace(/\/+$/, '');
  if (!issuer) throw new ConsoleSettingsError('set GATEHOUSE_CONSOLE_ISSUER (or GATEHOUSE_OIDC_ISSUER): the OpenID provider people sign in at');
  if (!publicUrl) throw new ConsoleSettingsError('set GATEHOUSE_CONSOLE_PUBLIC_URL (or GATEHOUSE_API_PUBLIC_URL): the address browsers reach the console at, for the sign-in redirect');
  let issuerUrl: URL;
  let url: URL;
  try {
    issuerUrl = new URL(issuer);
    url = new URL(publicUrl);
  } catch {
    throw new ConsoleSettingsError(`GATEHOUSE_CONSOLE_ISSUER "${issuer}" or GATEHOUSE_CONSOLE_PUBLIC_URL "${publicUrl}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw new ConsoleSettingsError(`GATEHOUSE_CONSOLE_PUBLIC_URL ${publicUrl} must use https (plain http only on loopback): the session cookie is Secure everywhere else`);
  }
  if (issuerUrl.protocol !== 'https:' && !(issuerUrl.protocol === 'http:' && isLoopback(issuerUrl))) {
    throw new ConsoleSettingsError(`the console's OpenID provider ${issuer} must use https (plain http only on loopback)`);
  }
  if (url.pathname !== '/' || url.search || url.hash) throw new ConsoleSettingsError(`GATEHOUSE_CONSOLE_PUBLIC_URL ${publicUrl} must be an origin (scheme, host, port), without a path`);
  let sessionTtlMs: number;
  try {
    sessionTtlMs = parseDuration(env.GATEHOUSE_CONSOLE_SESSION_TTL ?? '8h');
  } catch (error) {
    throw new ConsoleSettingsError(`GATEHOUSE_CONSOLE_SESSION_TTL: ${(error as Error).message}`);
  }
  if (sessionTtlMs < 60_000 || sessionTtlMs > 7 * 86_400_000) throw new ConsoleSettingsError('GATEHOUSE_CONSOLE_SESSION_TTL must be between 1m and 7d');
  let idleTimeoutMs: number;
  try {
    idleTimeoutMs = parseDuration(env.GATEHOUSE_CONSOLE_IDLE_TIMEOUT ?? '30m');
  } catch (error) {
    throw new ConsoleSettingsError(`GATEHOUSE_CONSOLE_IDLE_TIMEOUT: ${(error as Error).message}`);
  }
  if (idleTimeoutMs < 60_000 || idleTimeoutMs > sessionTtlMs) throw new ConsoleSettingsError(`GATEHOUSE_CONSOLE_IDLE_TIMEOUT must be between 1m and the session TTL (${env.GATEHOUSE_CONSOLE_SESSION_TTL ?? '8h'})`);
  return {
    issuer, clientId, clientSecret, publicUrl: url.origin,
    subjectClaim: env.GATEHOUSE_CONSOLE_SUBJECT_CLAIM ?? 'email',
    groupsClaim: env.GATEHOUSE_CONSOLE_GROUPS_CLAIM ?? 'groups',
    scopes: env.GATEHOUSE_CONSOLE_SCOPES ?? 'openid email profile groups',
    sessionTtlMs,
    idleTimeoutMs,
    secureCookies: url.protocol === 'https:',
  };
}
