export type { Archiver } from './archiver';
export { AuditArchiver, ArchiveVerificationError, type AuditArchiverOptions } from './audit-archiver';
export { createAuditArchiver, createArchiveStore, archiveSetup, freeTextMasker, type ArchiveSetup } from './from-env';
