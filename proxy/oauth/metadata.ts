// RFC 8414 authorization server metadata and the paths it names.

export const OAUTH_PATHS = {
  metadata: '/.well-known/oauth-authorization-server',
  authorize: '/oauth/authorize',
  token: '/oauth/token',
  register: '/oauth/register',
  callback: '/oauth/callback',
} as const;

export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: issuer + OAUTH_PATHS.authorize,
    token_endpoint: issuer + OAUTH_PATHS.token,
    registration_endpoint: issuer + OAUTH_PATHS.register,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
    scopes_supported: [],
  };
}

/**
 * A resource indicator (RFC 8707) in the form codes and tokens are bound to: the MCP 2026-07-28
 * "Canonical Server URI" asks servers to accept upper-case scheme and host, so those are compared
 * in lower case; everything after the host is compared exactly (no dot-segment or percent-encoding
 * normalization: another spelling of the path is another resource). Null when it is not an
 * absolute http(s) URI, or has a fragment or credentials (RFC 8707 §2 forbids a fragment).
 */
export function canonicalResource(value: string): string | null {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)$/.exec(value);
  if (!m || !/^https?$/i.test(m[1]!) || !m[2] || m[2].includes('@')) return null;
  return `${m[1]!.toLowerCase()}://${m[2].toLowerCase()}${m[3]}`;
}

/** Whether two resource indicators name the same resource (canonical forms equal). */
export function sameResource(a: string, b: string): boolean {
  const ca = canonicalResource(a);
  return ca !== null && ca === canonicalResource(b);
}

/** The resource indicator (RFC 8707) of a target: exactly its MCP endpoint URL. */
export function resourceFor(issuer: string, target: string): string {
  return `${issuer}/mcp/${target}`;
}
