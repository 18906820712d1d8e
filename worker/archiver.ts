import { AuditArchiver } from '../activities';
import { ArchiveConfigError, archiveSetup, freeTextMasker, RecordingLog, type ArchiveSetup } from '../audit';
import { redisDataSince } from '../lib';
import { MissingComponentError, type ComponentContext } from './components';

/** The worker's archiver: store, signing key and retention from the environment (audit/settings.ts). */
export function createAuditArchiver(context: Pick<ComponentContext, 'config' | 'env' | 'redis' | 'log'>): AuditArchiver {
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
    redisDataSince: () => redisDataSince(context.redis),
  });
}
