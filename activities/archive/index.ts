export type { Archiver } from './archiver';
export { AuditArchiver, ArchiveVerificationError, type AuditArchiverOptions } from './audit-archiver';
