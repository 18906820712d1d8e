import {
  ArchiveConfigError, archiveSettingsFromEnv, archiveSigningKey, FolderArchiveStore, RecordingLog, S3ArchiveStore, s3Client,
  type ArchiveSettings, type ArchiveStore, type ArchiveStoreSettings, type SigningKeySource,
} from '../../audit';
import { stateDir } from '../../devstack';
import type { Logger, Redis } from '../../lib';
import { maskText, parseMaskingPolicy, type MaskingPolicy } from '../../phi';
import type { GatehouseConfig } from '../../policy';
import { MissingComponentError } from '../../worker/components';
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

/**
 * Masks PHI that people typed into free text (reasons, held-command summaries) with the PHI
 * engine and the target's `masking:` policy, before it is archived.
 */
export function freeTextMasker(config: Pick<GatehouseConfig, 'targets'>): (text: string, target: string) => string {
  const policies = new Map<string, MaskingPolicy>();
  const fallback = parseMaskingPolicy({});
  for (const t of config.targets) {
    try {
      policies.set(t.name, parseMaskingPolicy(t.masking));
    } catch {
      // an invalid policy stops the gateway; here the default policy still masks
    }
  }
  return (text, target) => maskText(text, policies.get(target) ?? fallback).text;
}

/** The worker's archiver (registered in worker/registry.ts). */
export function createAuditArchiver(context: { config: Pick<GatehouseConfig, 'targets'>; env: NodeJS.ProcessEnv; redis: Redis; log: Logger }): AuditArchiver {
  let setup: ArchiveSetup;
  try {
    setup = archiveSetup(context.env);
  } catch (error) {
    // The worker refuses to start (exit 3) rather than end requests it cannot archive.
    if (error instanceof ArchiveConfigError) throw new MissingComponentError('archiver', error.message);
    throw error;
  }
  const { settings, store, signing } = setup;
  if (signing.development) {
    context.log.warn({ key: signing.source }, 'archives are signed with a development key; set GATEHOUSE_ARCHIVE_SIGNING_KEY (Ed25519 PEM) in production and publish its public key');
  }
  context.log.info({ store: settings.store.type, location: store.locate('req_example').replace(/req_example$/, ''), retentionDays: Math.round(settings.retentionMs / 86_400_000) }, 'audit archiver ready');
  return new AuditArchiver({
    store, recordings: new RecordingLog(context.redis), signingKey: signing.key, retentionMs: settings.retentionMs, log: context.log,
    maskFreeText: freeTextMasker(context.config),
  });
}
