import type { GrantRecord, GrantStore, RedisSecretVault, RevocationEvent } from '../../lib';
import type { AnnouncedDecision } from '../../workflows/types';

export function createGrantActivities(grants: GrantStore, vault: RedisSecretVault) {
  const board = grants.commandBoard();
  return {
    async activateGrant(grant: GrantRecord): Promise<boolean> {
      return grants.activate(grant);
    },
    async extendGrant(change: { grantId: string; credentialRef: string; expiresAt: string }): Promise<boolean> {
      const extended = await grants.extend(change.grantId, change.expiresAt);
      if (extended) await vault.expireAt(change.credentialRef, Date.parse(change.expiresAt));
      return extended;
    },
    async deactivateGrant(revocation: RevocationEvent): Promise<void> {
      await grants.deactivate(revocation);
    },
    /** The workflow's decision on a held command, for the gateway waiting on it. */
    async announceCommandDecision(decision: AnnouncedDecision): Promise<void> {
      await board.announce(decision);
    },
  };
}
