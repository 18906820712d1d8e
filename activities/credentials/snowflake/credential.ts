import type { SecretVault } from '../provider';
import { SnowflakeClient, type KeyPairLogin } from './client';

/**
 * What the broker stores in the vault for the gateway: everything needed to open a key-pair
 * connection as the issued user. Encrypted at rest (AES-256-GCM, the reference bound as AAD);
 * only the credentialRef ever leaves the worker.
 */
export interface SnowflakeCredential extends KeyPairLogin {
  kind: 'snowflake';
  /** The request the user was issued for. */
  requestId: string;
  /** When the grant ends (ISO 8601). */
  expiresAt: string;
}

/** The vault reference for a request's Snowflake credential (deterministic, so retries overwrite). */
export function credentialRefFor(requestId: string): string {
  return `snowflake:${requestId}`;
}

/**
 * For the gateway: the issued credential behind a reference, or null when it is gone (revoked
 * or expired). Connect with `SnowflakeClient.connect(credential)` or pass the same fields to
 * `snowflake.createConnection({ ...fields, authenticator: 'SNOWFLAKE_JWT' })`.
 */
export async function readSnowflakeCredential(vault: Pick<SecretVault, 'get'>, credentialRef: string): Promise<SnowflakeCredential | null> {
  const sealed = await vault.get(credentialRef);
  if (sealed === null) return null;
  const value = JSON.parse(sealed) as SnowflakeCredential;
  if (value.kind !== 'snowflake' || typeof value.privateKey !== 'string' || typeof value.username !== 'string') {
    throw new Error(`vault entry ${credentialRef} is not a Snowflake credential`);
  }
  return value;
}

/**
 * For the gateway: a key-pair connection as the issued user behind `credentialRef`, or null when
 * the credential is gone. The caller closes it (`client.close()`).
 */
export async function connectIssued(vault: Pick<SecretVault, 'get'>, credentialRef: string): Promise<SnowflakeClient | null> {
  const credential = await readSnowflakeCredential(vault, credentialRef);
  if (!credential) return null;
  const { account, accessUrl, username, privateKey, role, warehouse, database, schema } = credential;
  return SnowflakeClient.connect({ account, accessUrl, username, privateKey, role, warehouse, database, schema });
}
