import {
  archiveSettingsFromEnv, archiveSigningKey, FolderArchiveStore, RecordingLog, S3ArchiveStore, s3Client,
  type ArchiveSettings, type ArchiveStore, type ArchiveStoreSettings, type SigningKeySource,
} from '../../audit';
import { stateDir } from '../../devstack';
import type { Logger, Redis } from '../../lib';
import { AuditArchiver } from './audit-archiver';

/** The archive store the settings name. */
export function createArchiveStore(settings: ArchiveStoreSettings): ArchiveStore {
  switch (settings.type) {
    case 'folder':
      return new FolderArchiveStore(settings.path);
    case 's3':
      return new S3ArchiveStore(s3Client(settings), { bucket: settings.bucket, prefix: settings.prefix, objectLock: settings.objectLock });
  }
}

export interface ArchiveSetup {
  settings: ArchiveSettings;
  store: ArchiveStore;
  signing: SigningKeySource;
}

/**
 * Archive settings, store and signing key from the environment (see audit/settings.ts). The
 * development defaults live under the state folder: archives in .gatehouse/archives, the key in
 * .gatehouse/keys/archive-signing-key.pem.
 */
export function archiveSetup(env: NodeJS.ProcessEnv): ArchiveSetup {
  const settings = archiveSettingsFromEnv(env, { folder: stateDir('archives') });
  return { settings, store: createArchiveStore(settings.store), signing: archiveSigningKey(env, stateDir('keys')) };
}

/** The worker's archiver (registered in worker/registry.ts). */
export function createAuditArchiver(context: { env: NodeJS.ProcessEnv; redis: Redis; log: Logger }): AuditArchiver {
  const { settings, store, signing } = archiveSetup(context.env);
  if (signing.development) {
    context.log.warn({ key: signing.source }, 'archives are signed with a development key; set GATEHOUSE_ARCHIVE_SIGNING_KEY (Ed25519 PEM) in production and publish its public key');
  }
  context.log.info({ store: settings.store.type, location: store.locate('req_example').replace(/req_example$/, ''), retentionDays: Math.round(settings.retentionMs / 86_400_000) }, 'audit archiver ready');
  return new AuditArchiver({ store, recordings: new RecordingLog(context.redis), signingKey: signing.key, retentionMs: settings.retentionMs, log: context.log });
}
