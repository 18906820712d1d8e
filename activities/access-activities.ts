import type { GrantStore, RedisSecretVault } from '../lib';
import type { AccessActivities, AccessStatus, ArchiveResult, NoticeOrder, NoticeResult } from '../workflows/types';
import type { Archiver } from './archive/archiver';
import { createCredentialActivities, requestHoldsGrant } from './credentials/credential-activities';
import type { CredentialProviders } from './credentials/registry';
import { createGrantActivities } from './grants/grant-activities';
import type { Notifier } from './notify/notifier';
import { Context } from '@temporalio/activity';
import { noQuickStatus, QuickNotices } from './notify/quick-notices';
import { statusReader, type StatusSnapshots } from './status';

export interface AccessActivityDeps {
  notifier: Notifier;
  providers: CredentialProviders;
  grants: GrantStore;
  vault: RedisSecretVault;
  archiver: Archiver;
  /** The statuses this worker's workflows hand over (worker/create-worker.ts); without it every notice asks by query. */
  snapshots?: StatusSnapshots;
  /** This worker's quick notice tries (a local activity each); one is made when not given. */
  quickNotices?: QuickNotices;
}

/** Every side effect the access workflow orders, bound to their implementations. */
export function createAccessActivities(deps: AccessActivityDeps): AccessActivities {
  const read = statusReader(deps.snapshots);
  const quickNotices = deps.quickNotices ?? new QuickNotices();
  const credentials = createCredentialActivities(deps.providers, deps.vault, requestHoldsGrant(deps.grants.revocations()));
  const grants = createGrantActivities(deps.grants, deps.vault);
  const deliver = async (notifier: Notifier, order: NoticeOrder, status: AccessStatus): Promise<NoticeResult> => {
    const { kind, commandId, earlier = [] } = order;
    const mayAlreadyExist = order.afterQuickTry ? { mayAlreadyExist: true } : {};
    let result: NoticeResult = {};
    // Set once this delivery's 'requested' step posted the parent from this very status.
    let parentCurrent: { parentCurrent?: true } = {};
    // Each step has its own idempotency key in the notifier: a retry of the whole posts nothing twice.
    for (const step of earlier) {
      const told = await notifier.notify({ kind: step, status, ...mayAlreadyExist, ...parentCurrent });
      if (told.thread) status = { ...status, thread: told.thread };
      if (step === 'requested' && told.thread) parentCurrent = { parentCurrent: true };
      result = { ...result, ...told };
    }
    return { ...result, ...(await notifier.notify({ kind, status, ...(commandId ? { commandId } : {}), ...mayAlreadyExist, ...parentCurrent })) };
  };
  return {
    async notify(notice) {
      if ('status' in notice) return deps.notifier.notify(notice);
      if (!isLocalActivity()) return deliver(deps.notifier, notice, await read(notice));
      // The workflow's quick try: it gives up rather than waits (see quick-notices.ts).
      quickNotices.assertOpen();
      const status = deps.snapshots?.get(notice.requestId, notice.seq);
      if (!status) throw noQuickStatus();
      try {
        return await deliver(deps.notifier.quick ?? deps.notifier, notice, status);
      } catch (error) {
        quickNotices.failed();
        throw error;
      }
    },
    ...credentials,
    ...grants,
    // Both steps in the one activity task issuing needs anyway: storing the grant is no local activity of its own.
    async issueGrant({ grant, ...request }) {
      const { credentialRef, principal } = await credentials.issueCredential(request);
      const started = await grants.startGrant({ ...grant, requestId: request.requestId, target: request.target, principal, credentialRef });
      return { credentialRef, principal, started };
    },
    async archiveRequest(order) {
      if ('state' in order) return deps.archiver.archive(order);
      const status = await read(order);
      const archived = await deps.archiver.archive(status);
      if (order.notice !== 'archived') return archived;
      return { ...archived, told: await tellArchived(status, archived) };
    },
  };

  /**
   * The 'archived' notice, tried once as a quick notice is (one attempt, no waiting) from the status
   * the workflow will have once it records this archive: whether it went. A try that fails pauses
   * this worker's quick tries, and the workflow orders the notice as an activity (which retries, and
   * first looks for what this try may have posted).
   */
  async function tellArchived(status: AccessStatus, archived: ArchiveResult): Promise<boolean> {
    try {
      quickNotices.assertOpen();
    } catch {
      return false;
    }
    const at = new Date().toISOString();
    const closed = status.state === 'REVOKED';
    const shown: AccessStatus = {
      ...status,
      archive: { digest: archived.digest, location: archived.location },
      ...(closed ? { state: 'ARCHIVED' as const } : {}),
      timeline: [...status.timeline, { at, type: 'archived', detail: archived.digest }, ...(closed ? [{ at, type: 'state', detail: 'ARCHIVED' }] : [])],
    };
    try {
      await deliver(deps.notifier.quick ?? deps.notifier, { kind: 'archived', requestId: status.requestId, seq: 0 }, shown);
      return true;
    } catch {
      quickNotices.failed();
      return false;
    }
  }
}

function isLocalActivity(): boolean {
  try {
    return Context.current().info.isLocal;
  } catch {
    return false; // called directly, not by Temporal
  }
}
