import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { CredentialProviders } from './registry';
import type { ReconcileReport, SecretVault } from './provider';

/**
 * Whether an access request still owns its credential: its workflow (id = request id) is
 * running. A closed or unknown workflow has nothing left that will revoke the credential.
 */
export type RequestActivity = (requestId: string) => Promise<boolean>;

/** The default check, through the Temporal client the worker gives every activity. */
export const workflowIsRunning: RequestActivity = async (requestId) => {
  try {
    const description = await Context.current().client.workflow.getHandle(requestId).describe();
    return description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
};

export function createCredentialActivities(providers: CredentialProviders, vault: SecretVault, isActive: RequestActivity = workflowIsRunning) {
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
    /** Run by the reconciliation schedule: revokes identities whose request is no longer active. */
    async reconcileCredentials(): Promise<ReconcileReport[]> {
      const reports: ReconcileReport[] = [];
      for (const provider of providers.all()) {
        if (provider.reconcile) reports.push(await provider.reconcile(isActive));
      }
      return reports;
    },
  };
}
