export {
  buildArchive, serializeArchive, recordHash, signManifest, ARCHIVE_FORMAT,
  archiveRecordSchema, archiveManifestSchema, signedManifestSchema,
  type Archive, type ArchiveFiles, type ArchiveRecord, type ArchiveManifest, type SignedManifest,
  type BuildArchiveInput, type LifecycleEvent, type RecordingEntry,
} from './archive';
export { parseArchive } from './parse';
export { canonicalJson, GENESIS_HASH } from './canonical';
export { loadSigningKey, loadVerifyKey, publicKeyPem, keyId, generateArchiveKeys, type KeyInput } from './keys';
export { assertNoSecrets, ArchiveSecretError } from './secret-guard';
export { FolderArchiveStore, ArchiveStoreError, RECORDS_FILE, MANIFEST_FILE, RETENTION_FILE, ARCHIVE_ID, checkArchiveId, type ArchiveStore, type PutOptions } from './store';
export { verifyArchive, type VerificationReport, type VerificationProblem, type ProblemKind, type VerifyOptions } from './verify';
export { replaySteps, type ReplayStep } from './replay';
export { lifecycleEvents, maskFreeTextFields } from './lifecycle';
export {
  SessionRecorder, RecordingLog, RecordingError, recordingKey, recordingSealKey, recordingPlansKey, RECORDING_FIELD, MASKING_PLAN_BOUND,
  recordingEntrySchema, sessionStartSchema, requestEntrySchema, responseEntrySchema, sessionEndSchema, refusalsSchema, refusalCountSchema, maskedSchema, maskingPlanSchema, maskingPlanDigest,
  type SessionRecordingEntry, type SessionRecordingInput, type MalformedRecordingEntry, type StoredRecordingEntry,
  type RecordingErrorCode, type MaskingPlanBound, type MaskingPlanLimit,
} from './recording';
export {
  archiveSettingsFromEnv, archiveSigningKey, archiveVerifyKey, ArchiveConfigError, DEFAULT_RETENTION_MS, DEV_SIGNING_KEY_FILE,
  type ArchiveSettings, type ArchiveStoreSettings, type ObjectLockMode, type SigningKeySource,
} from './settings';
export { TemporalHistory, HistoryError, type HistorySource, type RequestHistory, type VisibleRequest } from './history';
export {
  sessionCommands, describeRequest, describeStep, replayText, buildEvidencePack, toCsv,
  type CommandSummary, type EvidenceItem, type EvidencePack, type UnreadableRequest,
} from './evidence';
export { S3ArchiveStore, s3Client, type S3ArchiveStoreOptions } from './s3-store';
export { AuditReader, type AuditView } from './reader';
export { evidencePackZip, zipFiles } from './evidence-zip';
export { createArchiveStore, archiveSetup, type ArchiveSetup } from './archive-setup';
export { freeTextMasker } from './free-text';
export { findingsOf } from './findings';
export { RequestIndex, PageTokenError, visibilityQuery, visibilityLiteral, type RequestFilters, type RequestRow, type RequestPage } from './request-index';
