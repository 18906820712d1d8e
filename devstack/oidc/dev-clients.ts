import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandPrincipals, type GatehouseConfig } from '../../policy';
import { API_SCOPES, type OidcClient, type OidcPerson } from './provider';

/**
 * One client-credentials client per subject named in gatehouse.yaml (requesters, approvers and
 * auto-approve rules), so a developer can act as anyone the policy knows. Secrets are made once
 * and kept in `dir/clients.json` (0600); each subject also gets `dir/clients/<name>.env` to
 * source before running `gatehouse request ...`. Nothing is printed.
 */
export function developmentClients(config: GatehouseConfig, dir: string): OidcClient[] {
  mkdirSync(join(dir, 'clients'), { recursive: true });
  const file = join(dir, 'clients.json');
  const secrets: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const subjects = new Set<string>();
  for (const target of config.targets) {
    const refs = [...target.requesters, ...target.approvers.members, ...target.autoApprove.flatMap((r) => r.requesters)];
    for (const subject of expandPrincipals(config, refs)) if (subject !== '*') subjects.add(subject);
  }
  let changed = false;
  const clients = [...subjects].sort().map((clientId) => {
    if (!secrets[clientId]) {
      secrets[clientId] = randomBytes(24).toString('base64url');
      changed = true;
    }
    return { clientId, clientSecret: secrets[clientId], scope: API_SCOPES.join(' ') };
  });
  if (changed) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return clients;
}

/** The file a developer sources to act as `clientId` through the CLI. */
export function clientEnvFile(dir: string, clientId: string): string {
  return join(dir, 'clients', `${clientId.replace(/[^a-zA-Z0-9.@-]/g, '_')}.env`);
}

export function writeClientEnvFiles(dir: string, clients: OidcClient[], env: { issuer: string; audience: string; apiUrl: string }): void {
  for (const client of clients) {
    const lines = [
      `export GATEHOUSE_API_URL=${env.apiUrl}`,
      `export GATEHOUSE_OIDC_ISSUER=${env.issuer}`,
      `export GATEHOUSE_OIDC_AUDIENCE=${env.audience}`,
      `export GATEHOUSE_OIDC_CLIENT_ID='${client.clientId}'`,
      `export GATEHOUSE_OIDC_CLIENT_SECRET='${client.clientSecret}'`,
    ];
    writeFileSync(clientEnvFile(dir, client.clientId), `${lines.join('\n')}\n`, { mode: 0o600 });
  }
}

/**
 * The people who can sign in at the local provider (any password): everyone the policy names by
 * email, and the audit readers. Each is listed in the groups of gatehouse.yaml they belong to, as
 * the provider's `groups` claim, so idp-group: readers work in development too.
 */
export function developmentPeople(config: GatehouseConfig, clients: OidcClient[]): OidcPerson[] {
  const emails = new Set(clients.map((c) => c.clientId).filter((id) => id.includes('@')));
  for (const subject of expandPrincipals(config, config.audit.readers.filter((r) => !r.startsWith('idp-group:')))) if (subject.includes('@')) emails.add(subject);
  return [...emails].sort().map((email) => ({
    email,
    groups: Object.keys(config.groups).filter((group) => expandPrincipals(config, [`group:${group}`]).includes(email)),
  }));
}
