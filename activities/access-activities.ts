import type { GrantStore, RedisSecretVault } from '../lib';
import type { AccessActivities, NoticeResult } from '../workflows/types';
import type { Archiver } from './archive/archiver';
import { createCredentialActivities, requestHoldsGrant } from './credentials/credential-activities';
import type { CredentialProviders } from './credentials/registry';
import { createGrantActivities } from './grants/grant-activities';
import type { Notifier } from './notify/notifier';
import { statusReader, type StatusSnapshots } from './status';

export interface AccessActivityDeps {
  notifier: Notifier;
  providers: CredentialProviders;
  grants: GrantStore;
  vault: RedisSecretVault;
  archiver: Archiver;
  /** The statuses this worker's workflows hand over (worker/create-worker.ts); without it every notice asks by query. */
  snapshots?: StatusSnapshots;
}

/** Every side effect the access workflow orders, bound to their implementations. */
export function createAccessActivities(deps: AccessActivityDeps): AccessActivities {
  const read = statusReader(deps.snapshots);
  return {
    async notify(notice) {
      if ('status' in notice) return deps.notifier.notify(notice);
      const { kind, commandId, earlier = [] } = notice;
      let status = await read(notice);
      let result: NoticeResult = {};
      // Each step has its own idempotency key in the notifier: a retry of the whole posts nothing twice.
      for (const step of earlier) {
        const told = await deps.notifier.notify({ kind: step, status });
        if (told.thread) status = { ...status, thread: told.thread };
        result = { ...result, ...told };
      }
      return { ...result, ...(await deps.notifier.notify({ kind, status, ...(commandId ? { commandId } : {}) })) };
    },
    ...createCredentialActivities(deps.providers, deps.vault, requestHoldsGrant(deps.grants.revocations())),
    ...createGrantActivities(deps.grants, deps.vault),
    archiveRequest: async (order) => deps.archiver.archive('state' in order ? order : await read(order)),
  };
}
