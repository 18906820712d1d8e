import type { GrantStore, RedisSecretVault } from '../lib';
import type { AccessActivities } from '../workflows/types';
import type { Archiver } from './archive/archiver';
import { createCredentialActivities } from './credentials/credential-activities';
import type { CredentialProviders } from './credentials/registry';
import { createGrantActivities } from './grants/grant-activities';
import type { Notifier } from './notify/notifier';

export interface AccessActivityDeps {
  notifier: Notifier;
  providers: CredentialProviders;
  grants: GrantStore;
  vault: RedisSecretVault;
  archiver: Archiver;
}

/** Every side effect the access workflow orders, bound to their implementations. */
export function createAccessActivities(deps: AccessActivityDeps): AccessActivities {
  return {
    notify: (notice) => deps.notifier.notify(notice),
    ...createCredentialActivities(deps.providers, deps.vault),
    ...createGrantActivities(deps.grants, deps.vault),
    archiveRequest: (status) => deps.archiver.archive(status),
  };
}
