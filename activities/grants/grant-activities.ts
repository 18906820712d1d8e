import type { GrantStore, RedisSecretVault } from '../../lib';
import type { GrantActivation, GrantRevocation } from '../../workflows/types';

export function createGrantActivities(grants: GrantStore, vault: RedisSecretVault) {
  return {
    async activateGrant(grant: GrantActivation): Promise<void> {
      await grants.activate(grant);
    },
    async extendGrant(change: { grantId: string; credentialRef: string; expiresAt: string }): Promise<boolean> {
      const extended = await grants.extend(change.grantId, change.expiresAt);
      if (extended) await vault.expireAt(change.credentialRef, Date.parse(change.expiresAt));
      return extended;
    },
    async deactivateGrant(revocation: GrantRevocation): Promise<void> {
      await grants.deactivate(revocation);
    },
  };
}
