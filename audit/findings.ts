import { archiveFindings, type AccessStatus, type ArchiveFinding } from '../workflows';
import type { ArchiveRecord } from './archive';
import { sessionCommands } from './evidence';

/**
 * What a request's session held, as an auditor searches for it (the GatehouseFindings search
 * attribute): a command held for an approver, a command refused (by policy, or a held one not
 * approved), PHI masked in an argument or an answer. Read from the archive's records and the
 * workflow's command decisions.
 */
export function findingsOf(records: readonly ArchiveRecord[], status: Pick<AccessStatus, 'commands'>): ArchiveFinding[] {
  const commands = sessionCommands(records, status as AccessStatus);
  const found = new Set<ArchiveFinding>();
  if (status.commands.length > 0 || commands.some((c) => c.verdict === 'hold')) found.add('held');
  if (commands.some((c) => c.verdict === 'deny' || c.outcome === 'denied') || status.commands.some((c) => c.outcome !== 'approved' && c.outcome !== 'pending')) found.add('denied');
  if (commands.some((c) => c.masked.some((m) => m.count > 0))) found.add('masked');
  return archiveFindings.filter((f) => found.has(f));
}
