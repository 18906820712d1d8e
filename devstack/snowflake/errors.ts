/**
 * An error in Snowflake's own shape. The endpoint answers it with HTTP 200 and
 * `{ success: false, code, message, data: { sqlState } }`, as Snowflake does, so the driver
 * reports it at once instead of retrying (it retries 5xx answers for minutes).
 */
export class SnowflakeError extends Error {
  constructor(readonly code: string, message: string, readonly sqlState = '42000') {
    super(message);
    this.name = 'SnowflakeError';
  }

  static syntax(detail: string): SnowflakeError {
    return new SnowflakeError('001003', `SQL compilation error:\nsyntax error ${detail}`, '42000');
  }

  static notFound(kind: string, name: string): SnowflakeError {
    return new SnowflakeError('002003', `SQL compilation error:\n${kind} '${name}' does not exist or not authorized.`, '42S02');
  }

  static insufficientPrivileges(detail: string): SnowflakeError {
    return new SnowflakeError('003001', `SQL access control error:\nInsufficient privileges to operate on ${detail}`, '42501');
  }

  static alreadyExists(kind: string, name: string): SnowflakeError {
    return new SnowflakeError('002002', `SQL compilation error:\nObject '${name}' already exists.`, '42710');
  }

  static unsupported(detail: string): SnowflakeError {
    return new SnowflakeError('000002', `Unsupported feature '${detail}'.`, '0A000');
  }

  static badCredentials(): SnowflakeError {
    return new SnowflakeError('390100', 'Incorrect username or password was specified.', '08004');
  }

  static invalidJwt(): SnowflakeError {
    return new SnowflakeError('390144', 'JWT token is invalid.', '08004');
  }

  static userDisabled(): SnowflakeError {
    // Snowflake reports disabled and expired users with their own code, before any credential check.
    return new SnowflakeError('390101', 'User temporarily locked.', '08004');
  }
}

/** Session and master token problems, in the codes the driver acts on (renew, reconnect). */
export const TOKEN_ERRORS = {
  sessionExpired: { code: '390112', message: 'Your session has expired. Please login again.' },
  sessionInvalid: { code: '390104', message: 'User must login again to access the service.' },
  masterExpired: { code: '390114', message: 'Authentication token has expired.  The user must authenticate again.' },
} as const;
