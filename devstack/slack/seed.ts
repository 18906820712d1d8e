import { expandPrincipals, type GatehouseConfig } from '../../policy';
import type { UserSeed, WorkspaceSeed } from './workspace';

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

/**
 * A workspace that matches a gatehouse.yaml: one person per email subject it names (handle =
 * the email's local part, email verified), #general with everyone, and each target's approvers
 * channel (private, its approvers in it). What `npm run dev` runs, so the example policy works
 * in the local Slack as it is.
 */
export function seedFromConfig(config: GatehouseConfig): WorkspaceSeed {
  const emails = new Set<string>();
  const add = (refs: string[]) => {
    for (const subject of expandPrincipals(config, refs)) if (/^[^\s@:]+@[^\s@]+$/.test(subject)) emails.add(subject);
  };
  for (const members of Object.values(config.groups)) add(members);
  for (const target of config.targets) {
    add(target.requesters);
    add(target.approvers.members);
    for (const rule of target.autoApprove) add(rule.requesters);
  }
  const handles = new Map<string, string>();
  for (const email of [...emails].sort()) {
    const local = email.split('@')[0]!.replace(/[^a-z0-9._-]/g, '-');
    let handle = local;
    for (let n = 2; [...handles.values()].includes(handle); n++) handle = `${local}${n}`;
    handles.set(email, handle);
  }
  const users: UserSeed[] = [...handles].map(([email, name]) => ({
    name, email, displayName: name.split(/[._-]/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' '),
  }));
  const channels = new Map<string, { id?: string; members: Set<string> }>();
  for (const target of config.targets) {
    const ref = target.approvers.channel.replace(/^#/, '');
    const isId = /^[CG][A-Z0-9]{6,}$/.test(ref);
    const name = isId ? ref.toLowerCase() : ref;
    const channel = channels.get(name) ?? { ...(isId ? { id: ref } : {}), members: new Set<string>() };
    for (const subject of expandPrincipals(config, target.approvers.members)) {
      const handle = handles.get(subject);
      if (handle) channel.members.add(handle);
    }
    channels.set(name, channel);
  }
  return {
    team: { name: 'Gatehouse Local', domain: 'gatehouse-local' },
    users,
    channels: [
      { name: 'general', members: users.map((u) => u.name) },
      ...[...channels].filter(([name]) => name !== 'general').map(([name, c]) => ({ name, private: true, members: [...c.members], ...(c.id ? { id: c.id } : {}) })),
    ],
  };
}
