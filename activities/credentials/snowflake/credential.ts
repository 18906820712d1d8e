import type { SecretVault } from '../provider';
import { SnowflakeClient, type SnowflakeLogin } from './client';

/**
 * What the broker stores in the vault for the gateway: everything needed to log in as the issued
 * user, with its private key (`keyPair`) or its programmatic access token (`pat`). Encrypted at
 * rest (AES-256-GCM, the reference bound as AAD); only the credentialRef ever leaves the worker.
 */
export type SnowflakeCredential = SnowflakeLogin & {
  kind: 'snowflake';
  /** The request the user was issued for. */
  requestId: string;
  /** When the grant ends (ISO 8601). */
  expiresAt: string;
};

/** The login fields of a stored credential (what SnowflakeClient.connect takes). */
export function loginOf(credential: SnowflakeCredential): SnowflakeLogin {
  const { account, accessUrl, username, role, warehouse, database, schema } = credential;
  const target = { account, accessUrl, username, role, warehouse, database, schema };
  return 'token' in credential ? { ...target, token: credential.token } : { ...target, privateKey: credential.privateKey };
}

/** The vault reference for a request's Snowflake credential (deterministic, so retries overwrite). */
export function credentialRefFor(requestId: string): string {
  return `snowflake:${requestId}`;
}

/**
 * For the gateway: the issued credential behind a reference, or null when it is gone (revoked
 * or expired). Connect with `SnowflakeClient.connect(loginOf(credential))`.
 */
export async function readSnowflakeCredential(vault: Pick<SecretVault, 'get'>, credentialRef: string): Promise<SnowflakeCredential | null> {
  const sealed = await vault.get(credentialRef);
  if (sealed === null) return null;
  const value = JSON.parse(sealed) as SnowflakeCredential;
  const secret = 'token' in value ? value.token : (value as { privateKey?: unknown }).privateKey;
  if (value.kind !== 'snowflake' || typeof secret !== 'string' || typeof value.username !== 'string') {
    throw new Error(`vault entry ${credentialRef} is not a Snowflake credential`);
  }
  return value;
}

/**
 * For the gateway: a connection as the issued user behind `credentialRef`, or null when
 * the credential is gone. The caller closes it (`client.close()`).
 */
export async function connectIssued(vault: Pick<SecretVault, 'get'>, credentialRef: string): Promise<SnowflakeClient | null> {
  const credential = await readSnowflakeCredential(vault, credentialRef);
  if (!credential) return null;
  return SnowflakeClient.connect(loginOf(credential));
}
