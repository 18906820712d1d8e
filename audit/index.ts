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
export { FolderArchiveStore, ArchiveStoreError, RECORDS_FILE, MANIFEST_FILE, type ArchiveStore } from './store';
export { verifyArchive, type VerificationReport, type VerificationProblem, type ProblemKind, type VerifyOptions } from './verify';
export { replaySteps, type ReplayStep } from './replay';
