import { stateDir } from '../lib';
import { FolderArchiveStore, type ArchiveStore } from './store';
import { S3ArchiveStore, s3Client } from './s3-store';
import { archiveSettingsFromEnv, archiveSigningKey, type ArchiveSettings, type ArchiveStoreSettings, type SigningKeySource } from './settings';

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
 * Archive settings, store and signing key from the environment (see settings.ts). The
 * development defaults live under the state folder: archives in .gatehouse/archives, the key in
 * .gatehouse/keys/archive-signing-key.pem.
 */
export function archiveSetup(env: NodeJS.ProcessEnv): ArchiveSetup {
  const settings = archiveSettingsFromEnv(env, { folder: stateDir('archives') });
  return { settings, store: createArchiveStore(settings.store), signing: archiveSigningKey(env, stateDir('keys')) };
}
