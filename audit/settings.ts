import { createPublicKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../lib';
import { generateArchiveKeys, loadSigningKey, loadVerifyKey } from './keys';

/** HIPAA documentation is kept six years (45 CFR 164.316(b)(2)). */
export const DEFAULT_RETENTION_MS = parseDuration('6y');
export const DEV_SIGNING_KEY_FILE = 'archive-signing-key.pem';

export type ObjectLockMode = 'compliance' | 'governance' | 'off';

export type ArchiveStoreSettings =
  | { type: 'folder'; path: string }
  | {
      type: 's3';
      bucket: string;
      /** An S3-compatible endpoint (MinIO, versitygw, Ceph ...); omit for AWS. */
      endpoint?: string;
      region: string;
      /** Object key prefix, e.g. "gatehouse/archives/". */
      prefix: string;
      forcePathStyle: boolean;
      /** Object Lock mode for new archives; applied when the bucket has Object Lock enabled. */
      objectLock: ObjectLockMode;
    };

export interface ArchiveSettings {
  store: ArchiveStoreSettings;
  retentionMs: number;
}

/** Archive configuration that is wrong; says which variable and what to write instead. */
export class ArchiveConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveConfigError';
  }
}

/**
 * Where archives go and how long they are kept, from the environment:
 *   GATEHOUSE_ARCHIVE_STORE       folder (default) | s3
 *   GATEHOUSE_ARCHIVE_DIR         folder store root (default: <state folder>/archives)
 *   GATEHOUSE_ARCHIVE_S3_BUCKET, _S3_ENDPOINT, _S3_REGION (us-east-1), _S3_PREFIX (gatehouse/archives/),
 *   _S3_FORCE_PATH_STYLE (true when an endpoint is set), _S3_OBJECT_LOCK (compliance | governance | off)
 *   GATEHOUSE_ARCHIVE_RETENTION   e.g. "6y", "2192d" (default 6y)
 * S3 credentials come from the SDK's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, roles).
 */
export function archiveSettingsFromEnv(env: NodeJS.ProcessEnv, defaults: { folder: string }): ArchiveSettings {
  let retentionMs = DEFAULT_RETENTION_MS;
  if (env.GATEHOUSE_ARCHIVE_RETENTION) {
    try {
      retentionMs = parseDuration(env.GATEHOUSE_ARCHIVE_RETENTION, 'GATEHOUSE_ARCHIVE_RETENTION');
    } catch (error) {
      throw new ArchiveConfigError((error as Error).message);
    }
  }
  const type = (env.GATEHOUSE_ARCHIVE_STORE ?? 'folder').toLowerCase();
  if (type === 'folder') return { store: { type: 'folder', path: path.resolve(env.GATEHOUSE_ARCHIVE_DIR ?? defaults.folder) }, retentionMs };
  if (type !== 's3') throw new ArchiveConfigError(`GATEHOUSE_ARCHIVE_STORE is "${env.GATEHOUSE_ARCHIVE_STORE}"; use "folder" or "s3"`);
  const bucket = env.GATEHOUSE_ARCHIVE_S3_BUCKET;
  if (!bucket) throw new ArchiveConfigError('GATEHOUSE_ARCHIVE_STORE is "s3" but GATEHOUSE_ARCHIVE_S3_BUCKET is not set: name the bucket that keeps the archives');
  const lock = (env.GATEHOUSE_ARCHIVE_S3_OBJECT_LOCK ?? 'compliance').toLowerCase();
  if (lock !== 'compliance' && lock !== 'governance' && lock !== 'off') {
    throw new ArchiveConfigError(`GATEHOUSE_ARCHIVE_S3_OBJECT_LOCK is "${lock}"; use compliance, governance or off`);
  }
  const endpoint = env.GATEHOUSE_ARCHIVE_S3_ENDPOINT || undefined;
  const pathStyle = env.GATEHOUSE_ARCHIVE_S3_FORCE_PATH_STYLE;
  let prefix = env.GATEHOUSE_ARCHIVE_S3_PREFIX ?? 'gatehouse/archives/';
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  return {
    store: {
      type: 's3', bucket, ...(endpoint ? { endpoint } : {}), region: env.GATEHOUSE_ARCHIVE_S3_REGION ?? env.AWS_REGION ?? 'us-east-1',
      prefix, forcePathStyle: pathStyle === undefined ? endpoint !== undefined : pathStyle === 'true', objectLock: lock,
    },
    retentionMs,
  };
}

function readKeyFile(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ArchiveConfigError(`${variable} names ${file}, which cannot be read: ${(error as Error).message}`);
  }
}

export interface SigningKeySource {
  key: KeyObject;
  /** Where it came from: an environment variable, a file, or the generated development key. */
  source: string;
  development: boolean;
}

/**
 * The Ed25519 archive signing key: GATEHOUSE_ARCHIVE_SIGNING_KEY (PKCS#8 PEM, or a 32-byte seed
 * in base64 or hex) or GATEHOUSE_ARCHIVE_SIGNING_KEY_FILE. Without either, a development key is
 * made once in `devKeyDir` (mode 0600) and reused — never for production, where the public key
 * must be published and kept.
 */
export function archiveSigningKey(env: NodeJS.ProcessEnv, devKeyDir: string, options: { create?: boolean } = {}): SigningKeySource {
  const load = (text: string, source: string): SigningKeySource => {
    try {
      return { key: loadSigningKey(text), source, development: false };
    } catch (error) {
      throw new ArchiveConfigError(`${source} is not an Ed25519 private key: ${(error as Error).message}. Make one with: openssl genpkey -algorithm ed25519`);
    }
  };
  if (env.GATEHOUSE_ARCHIVE_SIGNING_KEY) return load(env.GATEHOUSE_ARCHIVE_SIGNING_KEY, 'GATEHOUSE_ARCHIVE_SIGNING_KEY');
  if (env.GATEHOUSE_ARCHIVE_SIGNING_KEY_FILE) {
    return load(readKeyFile(env.GATEHOUSE_ARCHIVE_SIGNING_KEY_FILE, 'GATEHOUSE_ARCHIVE_SIGNING_KEY_FILE'), `GATEHOUSE_ARCHIVE_SIGNING_KEY_FILE (${env.GATEHOUSE_ARCHIVE_SIGNING_KEY_FILE})`);
  }
  const file = path.join(devKeyDir, DEV_SIGNING_KEY_FILE);
  if (!existsSync(file) && options.create === false) {
    throw new ArchiveConfigError(
      `no archive key to verify with: set GATEHOUSE_ARCHIVE_PUBLIC_KEY (or _FILE) to the published archive public key, or GATEHOUSE_ARCHIVE_SIGNING_KEY; no development key exists at ${file}`,
    );
  }
  if (!existsSync(file)) {
    mkdirSync(devKeyDir, { recursive: true });
    try {
      writeFileSync(file, generateArchiveKeys().privateKeyPem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    chmodSync(file, 0o600);
  }
  return { key: loadSigningKey(readFileSync(file, 'utf8')), source: `development key ${file}`, development: true };
}

/**
 * The public key archives are verified against: GATEHOUSE_ARCHIVE_PUBLIC_KEY (SPKI PEM or 32 raw
 * bytes) or GATEHOUSE_ARCHIVE_PUBLIC_KEY_FILE; else the public half of the signing key (above).
 */
export function archiveVerifyKey(env: NodeJS.ProcessEnv, devKeyDir: string): { key: KeyObject; source: string } {
  const load = (text: string, source: string) => {
    try {
      return { key: loadVerifyKey(text), source };
    } catch (error) {
      throw new ArchiveConfigError(`${source} is not an Ed25519 public key: ${(error as Error).message}`);
    }
  };
  if (env.GATEHOUSE_ARCHIVE_PUBLIC_KEY) return load(env.GATEHOUSE_ARCHIVE_PUBLIC_KEY, 'GATEHOUSE_ARCHIVE_PUBLIC_KEY');
  if (env.GATEHOUSE_ARCHIVE_PUBLIC_KEY_FILE) {
    return load(readKeyFile(env.GATEHOUSE_ARCHIVE_PUBLIC_KEY_FILE, 'GATEHOUSE_ARCHIVE_PUBLIC_KEY_FILE'), `GATEHOUSE_ARCHIVE_PUBLIC_KEY_FILE (${env.GATEHOUSE_ARCHIVE_PUBLIC_KEY_FILE})`);
  }
  const signing = archiveSigningKey(env, devKeyDir, { create: false });
  return { key: createPublicKey(signing.key), source: `the public half of ${signing.source}` };
}
