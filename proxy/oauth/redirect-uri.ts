const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/**
 * Whether `uri` may be registered as a redirect URI: https anywhere, http only on loopback
 * (RFC 8252 §7.3), a private-use scheme with a dot (§7.1, e.g. com.example.app:/callback);
 * never a fragment, never credentials.
 */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URI`;
  }
  if (url.hash || uri.includes('#')) return `"${uri}" has a fragment (RFC 6749 §3.1.2)`;
  if (url.username || url.password) return `"${uri}" carries credentials`;
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return isLoopbackHost(url.hostname) ? null : `"${uri}" uses http on a host other than loopback; use https`;
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/i.test(url.protocol)) return null;
  if (['javascript:', 'data:', 'file:', 'vbscript:', 'about:', 'blob:'].includes(url.protocol)) return `"${uri}" uses the ${url.protocol} scheme`;
  return `"${uri}" uses ${url.protocol} (private-use schemes must be reverse domain names, RFC 8252 §7.1)`;
}

/**
 * Exact string match against the registered URIs, with the one exception RFC 8252 §7.3 makes:
 * an http loopback redirect may use any port (native apps take a free one at run time).
 */
export function matchRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  let asked: URL;
  try {
    asked = new URL(requested);
  } catch {
    return false;
  }
  if (asked.protocol !== 'http:' || !isLoopbackHost(asked.hostname) || asked.hash || requested.includes('#')) return false;
  return registered.some((uri) => {
    try {
      const known = new URL(uri);
      return known.protocol === 'http:' && known.hostname === asked.hostname && known.pathname === asked.pathname && known.search === asked.search;
    } catch {
      return false;
    }
  });
}
