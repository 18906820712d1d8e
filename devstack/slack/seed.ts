import type { WorkspaceSeed } from './workspace';

/** A small workspace for the dev stack and demos: requesters, approvers and their channels. */
export const DEMO_SEED: WorkspaceSeed = {
  team: { name: 'Gatehouse Local', domain: 'gatehouse-local' },
  users: [
    { name: 'alice', displayName: 'Alice Analyst', email: 'alice@example.com' },
    { name: 'bob', displayName: 'Bob Approver', email: 'bob@example.com' },
    { name: 'carol', displayName: 'Carol Approver', email: 'carol@example.com' },
    { name: 'mallory', displayName: 'Mallory Unverified', email: 'mallory@example.com', emailVerified: false },
  ],
  channels: [
    { name: 'general', members: ['alice', 'bob', 'carol', 'mallory'] },
    { name: 'phi-approvers', private: true, members: ['bob', 'carol'] },
  ],
};
