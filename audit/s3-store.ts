import {
  GetObjectCommand, GetObjectLockConfigurationCommand, GetObjectRetentionCommand, HeadObjectCommand, ListObjectsV2Command,
  PutObjectCommand, S3Client, S3ServiceException, type ObjectLockMode as S3LockMode,
} from '@aws-sdk/client-s3';
import type { ArchiveFiles } from './archive';
import type { ObjectLockMode } from './settings';
import { ArchiveStoreError, checkArchiveId, MANIFEST_FILE, RECORDS_FILE, type ArchiveStore, type PutOptions } from './store';

export interface S3ArchiveStoreOptions {
  bucket: string;
  /** Object key prefix ending in "/", e.g. "gatehouse/archives/". */
  prefix: string;
  /** compliance / governance: Object Lock retention on every object of an archive, when the bucket has Object Lock. */
  objectLock: ObjectLockMode;
}

/** Metadata on the manifest naming the records object's version, so a later overwrite is not read instead. */
const RECORDS_VERSION = 'records-version';

const status = (error: unknown) => (error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined);
const named = (error: unknown, ...names: string[]) => error instanceof S3ServiceException && names.includes(error.name);

/**
 * Archives in an S3-compatible bucket: `<prefix><requestId>/records.jsonl` then
 * `<prefix><requestId>/manifest.json`, written last and only if absent (If-None-Match: *), so an
 * archive is complete exactly when its manifest exists. On a bucket with Object Lock, both
 * objects get a retention (compliance by default) until the archive's retain-until date: not
 * even the bucket owner can delete or overwrite those versions before then.
 */
export class S3ArchiveStore implements ArchiveStore {
  private lockEnabled?: Promise<boolean>;

  constructor(readonly s3: S3Client, readonly options: S3ArchiveStoreOptions) {}

  private key(requestId: string, file: string): string {
    return `${this.options.prefix}${requestId}/${file}`;
  }

  /** Whether the bucket has Object Lock enabled (asked once). */
  bucketHasObjectLock(): Promise<boolean> {
    this.lockEnabled ??= this.s3.send(new GetObjectLockConfigurationCommand({ Bucket: this.options.bucket })).then(
      (out) => out.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled',
      (error: unknown) => {
        this.lockEnabled = undefined;
        if (named(error, 'ObjectLockConfigurationNotFoundError', 'ObjectLockConfigurationNotFound') || status(error) === 404) return false;
        throw error;
      },
    );
    return this.lockEnabled;
  }

  async put(requestId: string, files: ArchiveFiles, options: PutOptions = {}): Promise<{ location: string }> {
    checkArchiveId(requestId);
    if (await this.exists(requestId)) {
      throw new ArchiveStoreError('ARCHIVE_EXISTS', `an archive for ${requestId} already exists at ${this.locate(requestId)}; archives are never replaced`);
    }
    const lock = this.options.objectLock !== 'off' && options.retainUntil && (await this.bucketHasObjectLock())
      ? { ObjectLockMode: this.options.objectLock.toUpperCase() as S3LockMode, ObjectLockRetainUntilDate: new Date(options.retainUntil) }
      : {};
    const common = { Bucket: this.options.bucket, ChecksumAlgorithm: 'SHA256' as const, ...lock };
    // An interrupted earlier attempt may have left records.jsonl without a manifest: writing it
    // again makes a new version (locked versions stay); the manifest names the one it signs.
    const records = await this.s3.send(new PutObjectCommand({
      ...common, Key: this.key(requestId, RECORDS_FILE), Body: files.records, ContentType: 'application/x-ndjson',
    }));
    try {
      await this.s3.send(new PutObjectCommand({
        ...common, Key: this.key(requestId, MANIFEST_FILE), Body: files.manifest, ContentType: 'application/json', IfNoneMatch: '*',
        ...(records.VersionId ? { Metadata: { [RECORDS_VERSION]: records.VersionId } } : {}),
      }));
    } catch (error) {
      if (status(error) === 412 || named(error, 'PreconditionFailed')) {
        throw new ArchiveStoreError('ARCHIVE_EXISTS', `an archive for ${requestId} was completed meanwhile at ${this.locate(requestId)}; archives are never replaced`);
      }
      throw error;
    }
    return { location: this.locate(requestId) };
  }

  async get(requestId: string): Promise<ArchiveFiles> {
    checkArchiveId(requestId);
    let manifest;
    try {
      manifest = await this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(requestId, MANIFEST_FILE) }));
    } catch (error) {
      if (named(error, 'NoSuchKey', 'NotFound') || status(error) === 404) {
        throw new ArchiveStoreError('ARCHIVE_NOT_FOUND', `no complete archive for ${requestId} at ${this.locate(requestId)}`);
      }
      throw error;
    }
    const version = manifest.Metadata?.[RECORDS_VERSION];
    const records = await this.s3.send(new GetObjectCommand({
      Bucket: this.options.bucket, Key: this.key(requestId, RECORDS_FILE), ...(version ? { VersionId: version } : {}),
    }));
    return { records: (await records.Body?.transformToString('utf8')) ?? '', manifest: (await manifest.Body?.transformToString('utf8')) ?? '' };
  }

  async exists(requestId: string): Promise<boolean> {
    checkArchiveId(requestId);
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(requestId, MANIFEST_FILE) }));
      return true;
    } catch (error) {
      if (named(error, 'NotFound', 'NoSuchKey') || status(error) === 404) return false;
      throw error;
    }
  }

  async list(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.options.prefix, Delimiter: '/', ContinuationToken: token }));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) ids.push(p.Prefix.slice(this.options.prefix.length).replace(/\/$/, ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return ids.sort();
  }

  locate(requestId: string): string {
    checkArchiveId(requestId);
    return `s3://${this.options.bucket}/${this.options.prefix}${requestId}/`;
  }

  /** The Object Lock retention on an archive's manifest, if the bucket applies one. */
  async retention(requestId: string): Promise<{ mode: string; retainUntil: string } | undefined> {
    checkArchiveId(requestId);
    try {
      const out = await this.s3.send(new GetObjectRetentionCommand({ Bucket: this.options.bucket, Key: this.key(requestId, MANIFEST_FILE) }));
      return out.Retention?.Mode && out.Retention.RetainUntilDate
        ? { mode: out.Retention.Mode, retainUntil: new Date(out.Retention.RetainUntilDate).toISOString() }
        : undefined;
    } catch (error) {
      if (named(error, 'NoSuchObjectLockConfiguration', 'ObjectLockConfigurationNotFoundError', 'InvalidRequest') || status(error) === 404) return undefined;
      throw error;
    }
  }
}

/** An S3 client for a store; credentials come from the SDK's default chain. */
export function s3Client(settings: { endpoint?: string; region: string; forcePathStyle: boolean }): S3Client {
  return new S3Client({ region: settings.region, forcePathStyle: settings.forcePathStyle, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}) });
}
