export { createAccessActivities, type AccessActivityDeps } from './access-activities';
export { CredentialProviders, MissingProviderError, type ProviderFactory } from './credentials';
export type { CredentialProvider, CredentialRequest, IssuedCredential, RevokeRequest, SecretVault } from './credentials';
export type { Notifier } from './notify/notifier';
export type { Archiver } from './archive/archiver';
export { createGrantActivities } from './grants/grant-activities';
