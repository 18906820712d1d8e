import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { stateKey, type RequestState } from '../../workflows';
import type { CredentialProviders } from './registry';
import type { ReconcileReport, SecretVault } from './provider';

/**
 * Whether an access request still owns its credential: its workflow (id = request id) is
 * running. A closed or unknown workflow has nothing left that will revoke the credential.
 */
export type RequestActivity = (requestId: string) => Promise<boolean>;

/** States in which a request no longer holds its grant, though its workflow may still run (revoking, archiving). */
const GRANT_OVER: ReadonlySet<string> = new Set<RequestState>(['REVOKING', 'REVOKED', 'ARCHIVED', 'DENIED', 'EXPIRED_UNAPPROVED', 'FAILED']);

/**
 * The default check, through the Temporal client the worker gives every activity: the workflow
 * runs and its state (the GatehouseState search attribute) is not past the grant. A workflow
 * stuck in REVOKING (its worker died mid-revocation) no longer protects its identity.
 */
export const workflowIsRunning: RequestActivity = async (requestId) => {
  try {
    const description = await Context.current().client.workflow.getHandle(requestId).describe();
    if (description.status.name !== 'RUNNING') return false;
    const state = description.typedSearchAttributes.get(stateKey);
    return state === undefined || !GRANT_OVER.has(state);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
};

/**
 * `workflowIsRunning`, and for a request ACTIVE in Temporal also its grant record in Redis: the
 * record expires exactly at the grant's end (or is cut by a revoke), while the workflow's expiry
 * timer can fire minutes late (the chaos run, issue 19: a Temporal server killed as the timer came
 * due fired it ~5 minutes after, and the identity lived as long). A request ACTIVE without its
 * record no longer protects its identity. Redis not answering throws: the pass is retried.
 */
export function requestHoldsGrant(grants: { grantOf(requestId: string): Promise<unknown> }): RequestActivity {
  return async (requestId) => {
    try {
      const description = await Context.current().client.workflow.getHandle(requestId).describe();
      if (description.status.name !== 'RUNNING') return false;
      const state = description.typedSearchAttributes.get(stateKey);
      if (state !== undefined && GRANT_OVER.has(state)) return false;
      if (state !== 'ACTIVE') return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
    return (await grants.grantOf(requestId)) !== null;
  };
}

/**
 * Runs `work` while heartbeating every 2 s: with a heartbeatTimeout on the activity, Temporal
 * notices within seconds that the worker running it died and retries it on another, instead of
 * after the whole startToCloseTimeout (minutes during which a revoked identity still logs in).
 * No heartbeat at the start: Temporal counts the heartbeat timeout from the attempt's start until
 * the first one, so it would only move that clock by milliseconds, and each heartbeat is a call to
 * the server and a write of the workflow's state (two per grant, when Snowflake answers in 2 s).
 */
async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return work(); // called outside an activity (tests)
  }
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
const HEARTBEAT_EVERY_MS = 2_000;

export function createCredentialActivities(providers: CredentialProviders, vault: SecretVault, isActive: RequestActivity = workflowIsRunning) {
  return {
    async issueCredential(request: { requestId: string; target: string; expiresAt: string }) {
      return heartbeating(() => providers.for(request.target).issue(request));
    },
    async revokeCredential(request: { requestId: string; target: string; credentialRef?: string }): Promise<void> {
      let provider;
      try {
        provider = providers.for(request.target);
      } catch (error) {
        // Retrying cannot help while the target is unknown to this worker; an operator must act.
        throw ApplicationFailure.retryable((error as Error).message, 'MissingProvider');
      }
      await heartbeating(() => provider.revoke(request));
      if (request.credentialRef) await vault.delete(request.credentialRef);
    },
    /** Run by the reconciliation schedule: revokes identities whose request is no longer active. */
    async reconcileCredentials(): Promise<ReconcileReport[]> {
      return heartbeating(async () => {
        const reports: ReconcileReport[] = [];
        for (const provider of providers.all()) {
          if (provider.reconcile) reports.push(await provider.reconcile(isActive));
        }
        return reports;
      });
    },
  };
}
