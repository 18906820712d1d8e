import { decodeKey } from './crypto';

/**
 * Keys the gateway side holds. They come from the environment (or a secret manager that fills it),
 * never from gatehouse.yaml, and never travel through Temporal.
 */
export interface GatewaySecrets {
  /** Encrypts credential material in the vault (AES-256-GCM). */
  encryptionKey: Buffer;
  /** Derives opaque grant tokens from grant ids (HMAC-SHA256); only token hashes are stored. */
  grantTokenKey: Buffer;
}

/** A key the process needs is not in its environment. */
export class MissingSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingSecretError';
  }
}

export function loadGatewaySecrets(env: NodeJS.ProcessEnv = process.env): GatewaySecrets {
  const missing = ['GATEHOUSE_ENCRYPTION_KEY', 'GATEHOUSE_GRANT_TOKEN_KEY'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new MissingSecretError(
      `missing ${missing.join(' and ')}: set each to 32 random bytes in base64 (openssl rand -base64 32); ` +
        '`npm run dev` generates development keys under .gatehouse/',
    );
  }
  return {
    encryptionKey: decodeKey(env.GATEHOUSE_ENCRYPTION_KEY!, 'GATEHOUSE_ENCRYPTION_KEY'),
    grantTokenKey: decodeKey(env.GATEHOUSE_GRANT_TOKEN_KEY!, 'GATEHOUSE_GRANT_TOKEN_KEY'),
  };
}
