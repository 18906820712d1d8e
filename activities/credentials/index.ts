export type { CredentialProvider, CredentialRequest, IssuedCredential, RevokeRequest, SecretVault } from './provider';
export { CredentialProviders, MissingProviderError, type ProviderFactory } from './registry';
export { createCredentialActivities } from './credential-activities';
