import { ApplicationFailure } from '@temporalio/common';
import type { CredentialProviders } from './registry';
import type { SecretVault } from './provider';

export function createCredentialActivities(providers: CredentialProviders, vault: SecretVault) {
  return {
    async issueCredential(request: { requestId: string; target: string; expiresAt: string }) {
      return providers.for(request.target).issue(request);
    },
    async revokeCredential(request: { requestId: string; target: string; credentialRef?: string }): Promise<void> {
      let provider;
      try {
        provider = providers.for(request.target);
      } catch (error) {
        // Retrying cannot help while the target is unknown to this worker; an operator must act.
        throw ApplicationFailure.retryable((error as Error).message, 'MissingProvider');
      }
      await provider.revoke(request);
      if (request.credentialRef) await vault.delete(request.credentialRef);
    },
  };
}
