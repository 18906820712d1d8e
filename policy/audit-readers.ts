import type { GatehouseConfig } from './config-schema';
import { expandPrincipals, normalizeSubject } from './evaluate';

export const IDP_GROUP_PREFIX = 'idp-group:';

/**
 * Whether a signed-in person may read every request's evidence (audit:read): their subject is
 * among `audit.readers` (directly or through a group of gatehouse.yaml), or one of the groups the
 * OpenID provider says they are in is named there as idp-group:<name>.
 */
export function mayReadAudit(config: Pick<GatehouseConfig, 'audit' | 'groups'>, who: { subject: string; groups?: readonly string[] }): boolean {
  const readers = config.audit.readers;
  const idpGroups = new Set(readers.filter((r) => r.startsWith(IDP_GROUP_PREFIX)).map((r) => r.slice(IDP_GROUP_PREFIX.length)));
  if ((who.groups ?? []).some((g) => idpGroups.has(g))) return true;
  const subjects = expandPrincipals(config as GatehouseConfig, readers.filter((r) => !r.startsWith(IDP_GROUP_PREFIX)));
  return subjects.includes(normalizeSubject(who.subject));
}
