import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import '../../activities/credentials/snowflake/quiet-driver';
import snowflake from 'snowflake-sdk';
import { brokerSetupStatements } from '../../activities/credentials/snowflake/bootstrap';

export interface LocalBrokerOptions {
  url: string;
  account: string;
  adminUser: string;
  adminPassword: string;
  brokerUser?: string;
  brokerRole?: string;
  targetRoles?: string[];
  /** The broker's key to keep (PEM); without it a fresh pair is made. */
  privateKey?: string;
  /** The network policy issued users with a programmatic access token are subject to (default: GATEHOUSE_GATEWAY_EGRESS allowing 127.0.0.1). */
  networkPolicy?: { name: string; allowedIps: string[] };
}

/**
 * Bootstraps the credential broker on a local Snowflake, exactly as an operator would on real
 * Snowflake (brokerSetupStatements, run as SECURITYADMIN over the driver): a fresh key pair,
 * the broker role and user, and the network policy that lets issued users log in with a programmatic
 * access token from this machine only. Returns the broker's private key (PEM) for the worker's
 * GATEHOUSE_SNOWFLAKE_BROKER_KEY; re-running rotates the key unless `privateKey` is given.
 */
export async function bootstrapLocalBroker(options: LocalBrokerOptions): Promise<{ brokerUser: string; brokerRole: string; privateKey: string }> {
  const brokerUser = options.brokerUser ?? 'GATEHOUSE_BROKER';
  const brokerRole = options.brokerRole ?? 'GATEHOUSE_BROKER_ROLE';
  // A restarted local Snowflake keeps the broker's key: the worker that holds it goes on working.
  const { publicKey, privateKey } = options.privateKey
    ? { privateKey: options.privateKey, publicKey: createPublicKey(options.privateKey).export({ type: 'spki', format: 'der' }) }
    : generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
  const statements = brokerSetupStatements({ brokerUser, brokerRole, targetRoles: options.targetRoles ?? ['CLINICAL_ANALYST'], publicKey: publicKey.toString('base64'),
    networkPolicy: options.networkPolicy ?? { name: 'GATEHOUSE_GATEWAY_EGRESS', allowedIps: ['127.0.0.1'] } });
  const connection = snowflake.createConnection({ account: options.account, accessUrl: options.url, username: options.adminUser, password: options.adminPassword } as snowflake.ConnectionOptions);
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  try {
    for (const sqlText of statements) {
      await new Promise<void>((resolve, reject) => connection.execute({ sqlText, complete: (error) => (error ? reject(error) : resolve()) }));
    }
  } finally {
    await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  }
  return { brokerUser, brokerRole, privateKey };
}
