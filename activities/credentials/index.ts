export type { CatalogReader, CredentialProvider, CredentialRequest, IdentityRecord, IssuedCredential, ReconcileReport, RevokeRequest, SecretVault } from './provider';
export { CredentialProviders, MissingProviderError, type ProviderFactory } from './registry';
export { NoCredentialProvider, NO_CREDENTIALS, GRANT_ONLY_PRINCIPAL } from './none';
export { createCredentialActivities, workflowIsRunning, type RequestActivity } from './credential-activities';
export { ensureReconcileSchedule, reconcileNow, RECONCILE_SCHEDULE_ID, RECONCILE_WORKFLOW, type ReconcileScheduleOptions } from './reconcile-schedule';
export {
  snowflakeProviderFactory, SnowflakeCredentialProvider, SnowflakeClient, withClient, readSnowflakeCredential, connectIssued, credentialRefFor,
  brokerSetupStatements, parseSnowflakeSettings, principalFor, type SnowflakeCredential, type SnowflakeSettings, type KeyPairLogin, type BrokerSetup,
} from './snowflake';
export { reconcileWithoutTemporal, type GrantRecords } from './local-reconcile';
