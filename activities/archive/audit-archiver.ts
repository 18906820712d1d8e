import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  ArchiveStoreError, buildArchive, type LifecycleEvent, findingsOf, lifecycleEvents, maskFreeTextFields, parseArchive, RecordingLog, serializeArchive, verifyArchive,
  signedManifestSchema, type ArchiveStore, type RecordingEntry, type VerificationReport,
} from '../../audit';
import type { Logger } from '../../lib';
import type { AccessStatus, ArchiveResult } from '../../workflows/types';
import type { Archiver } from './archiver';

/** An archive in the store does not verify right after it was written (or on a retry). */
export class ArchiveVerificationError extends Error {
  constructor(readonly requestId: string, readonly report: VerificationReport) {
    super(`the archive of ${requestId} does not verify: ${report.problems.map((p) => p.message).join('; ')}; the recording is kept in Redis`);
    this.name = 'ArchiveVerificationError';
  }
}

export interface AuditArchiverOptions {
  store: ArchiveStore;
  recordings: RecordingLog;
  signingKey: KeyObject;
  /** How long archives are kept (HIPAA: six years). */
  retentionMs: number;
  log?: Pick<Logger, 'info' | 'warn'>;
  now?: () => Date;
  /**
   * Masks PHI in free text people typed (a request's reason, a denial's reason, a held command's
   * summary) before it is archived. The gateway masks the recording itself; this is for the
   * lifecycle. Give it the PHI engine's text masker.
   */
  maskFreeText?: (text: string, target: string) => string;
  /**
   * Since when the Redis that holds the recordings holds data (lib's `redisDataSince`). A grant
   * that became active before that time had its recording in a Redis that lost its data: the
   * archive then says so with a `recording_gap` event rather than pass for complete.
   */
  redisDataSince?: () => Promise<number>;
}

/** The event that tells an auditor the recording may miss what was recorded before Redis lost its data. */
export function recordingGapEvent(status: Pick<AccessStatus, 'activeSince'>, dataSinceMs: number): LifecycleEvent | undefined {
  const activeSince = status.activeSince ? Date.parse(status.activeSince) : NaN;
  if (!(activeSince < dataSinceMs)) return undefined;
  const since = new Date(dataSinceMs).toISOString();
  return {
    at: since, type: 'recording_gap',
    detail: `Redis lost its data (it came back empty: no persistence, or a failover to a replica without it) after this grant became active at ${status.activeSince}; ` +
      `its data begins at ${since}, so whatever the gateway recorded for this grant before then is missing from this archive`,
  };
}

/**
 * The audit archiver: seals the session recording, writes it with the lifecycle events as a
 * hash-chained, signed archive, reads it back and verifies it, and only then deletes the
 * recording from Redis. Safe to retry at any point: a complete archive already in the store is
 * verified and its head returned, never rewritten.
 */
export class AuditArchiver implements Archiver {
  private readonly publicKey: KeyObject;

  constructor(private readonly options: AuditArchiverOptions) {
    this.publicKey = createPublicKey(options.signingKey);
  }

  async archive(status: AccessStatus): Promise<ArchiveResult> {
    const { store, recordings } = this.options;
    const requestId = status.requestId;
    const now = (this.options.now ?? (() => new Date()))();
    if (!(await store.exists(requestId))) {
      // No entry may arrive after we read: a gateway still writing gets RECORDING_SEALED.
      await recordings.seal(requestId);
      const stored = await recordings.read(requestId);
      const recording: RecordingEntry[] = stored.map(({ streamId, entry }) => ({ ...entry, streamId }));
      const retainUntil = new Date(now.getTime() + this.options.retentionMs).toISOString();
      const events = this.options.maskFreeText
        ? lifecycleEvents(status, now.toISOString()).map((e) => maskFreeTextFields(e, (text) => this.options.maskFreeText!(text, status.target)))
        : lifecycleEvents(status, now.toISOString());
      const gap = this.options.redisDataSince ? recordingGapEvent(status, await this.options.redisDataSince()) : undefined;
      if (gap) {
        events.splice(events.length - 1, 0, gap);
        this.options.log?.warn({ requestId, activeSince: status.activeSince, redisDataSince: gap.at }, 'the recording may be incomplete: Redis lost its data while the grant was active; the archive says so');
      }
      const archive = buildArchive({
        requestId,
        events,
        recording,
        signingKey: this.options.signingKey,
        now: () => now,
        retainUntil,
      });
      try {
        await store.put(requestId, serializeArchive(archive), { retainUntil });
      } catch (error) {
        // Another attempt finished first; fall through to verifying what it wrote.
        if (!(error instanceof ArchiveStoreError && error.code === 'ARCHIVE_EXISTS')) throw error;
      }
    }
    const files = await store.get(requestId);
    const report = verifyArchive(files, { publicKey: this.publicKey });
    if (!report.ok) throw new ArchiveVerificationError(requestId, report);
    const location = store.locate(requestId);
    // Everything the recording held is in a verified archive now (sealed before it was read).
    const held = await recordings.length(requestId);
    const archived = signedManifestSchema.parse(JSON.parse(files.manifest)).manifest.recordings;
    if (held > archived) {
      throw new Error(`the recording of ${requestId} holds ${held} entries but its archive only ${archived}; the recording is kept for an operator to look at`);
    }
    await recordings.delete(requestId);
    this.options.log?.info({ requestId, head: report.head, records: report.records, location, deletedRecordingEntries: held }, 'request archived');
    return { digest: report.head, location, findings: findingsOf(parseArchive(files).records, status) };
  }
}
