import type { AccessStatus, ArchiveResult } from '../../workflows/types';

/** Writes the tamper-evident record of a finished request (see audit/). */
export interface Archiver {
  archive(status: AccessStatus): Promise<ArchiveResult>;
}
