export { createAccessActivities, type AccessActivityDeps } from './access-activities';
export {
  CredentialProviders, MissingProviderError, NoCredentialProvider, NO_CREDENTIALS, ensureReconcileSchedule, reconcileNow, readSnowflakeCredential, connectIssued, snowflakeProviderFactory, brokerSetupStatements,
  SnowflakeClient, credentialRefFor, RECONCILE_SCHEDULE_ID, reconcileWithoutTemporal, type ProviderFactory, type SnowflakeCredential, type KeyPairLogin,
} from './credentials';
export type { CatalogReader, CredentialProvider, CredentialRequest, IssuedCredential, ReconcileReport, RevokeRequest, SecretVault } from './credentials';
export type { Notifier } from './notify/notifier';
export { SlackNotifier, slackNotifierSettings, SlackTransport, QuickNotices, QUICK_TRANSPORT } from './notify';
export { AuditArchiver, ArchiveVerificationError, type Archiver, type AuditArchiverOptions } from './archive';
export { createGrantActivities } from './grants/grant-activities';
export { StatusSnapshots, statusReader, type StatusReader } from './status';
export {
  createCatalogActivities, refreshTargetCatalog, ensureCatalogRefreshSchedule, CATALOG_REFRESH_SCHEDULE_ID, DEFAULT_CATALOG_REFRESH_EVERY,
  type CatalogRefreshReport, type CatalogRefreshDeps,
} from './catalog';
