/** The error codes of RFC 6749 §4.1.2.1 / §5.2, RFC 7591 §3.2.2 and RFC 8707 §2 this server answers with. */
export type OAuthErrorCode =
  | 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type'
  | 'unsupported_response_type' | 'invalid_scope' | 'invalid_target' | 'access_denied' | 'server_error'
  | 'temporarily_unavailable' | 'invalid_redirect_uri' | 'invalid_client_metadata' | 'slow_down';

/** An OAuth error: a precise code, a description a person can act on, and the HTTP status. */
export class OAuthError extends Error {
  constructor(readonly error: OAuthErrorCode, readonly description: string, readonly status = 400, readonly headers: Record<string, string> = {}) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }

  body(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
