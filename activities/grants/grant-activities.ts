import type { GrantRecord, GrantStart, GrantStore, RedisSecretVault, RevocationEvent, StartedGrant } from '../../lib';
import type { AnnouncedDecision } from '../../workflows/types';

export function createGrantActivities(grants: GrantStore, vault: RedisSecretVault) {
  const board = grants.commandBoard();
  return {
    async activateGrant(grant: GrantRecord): Promise<boolean> {
      return grants.activate(grant);
    },
    /**
     * Stores the grant; its time box starts now (GrantStore.start). The secret the provider put in
     * the vault lives exactly as long as the grant, however long issuing and storing took.
     */
    async startGrant(grant: GrantStart): Promise<StartedGrant> {
      const started = await grants.start(grant);
      if (started.stored) await vault.expireAt(grant.credentialRef, Date.parse(started.expiresAt));
      return started;
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
