import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveFiles } from './archive';

export const RECORDS_FILE = 'records.jsonl';
export const MANIFEST_FILE = 'manifest.json';
/** Folder store only: when the archive may be deleted, for housekeeping tools (not signed; the manifest's copy is). */
export const RETENTION_FILE = 'retention.json';

export interface PutOptions {
  /** ISO time until which the archive must be kept unchanged (Object Lock retain-until on S3). */
  retainUntil?: string;
}

/**
 * Where archives live. Keys are `<requestId>/records.jsonl` and `<requestId>/manifest.json`,
 * which map one-to-one onto object keys of an S3-compatible bucket (Object Lock later).
 * Archives are write-once: `put` refuses to replace an existing archive.
 */
export interface ArchiveStore {
  put(requestId: string, files: ArchiveFiles, options?: PutOptions): Promise<{ location: string }>;
  get(requestId: string): Promise<ArchiveFiles>;
  exists(requestId: string): Promise<boolean>;
  list(): Promise<string[]>;
  /** Where the archive of a request is (a folder path, an s3:// URL), for people and history. */
  locate(requestId: string): string;
}

export class ArchiveStoreError extends Error {
  constructor(readonly code: 'ARCHIVE_EXISTS' | 'ARCHIVE_NOT_FOUND' | 'BAD_REQUEST_ID', message: string) {
    super(message);
    this.name = 'ArchiveStoreError';
  }
}

export const ARCHIVE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkArchiveId(requestId: string): void {
  if (!ARCHIVE_ID.test(requestId) || requestId.includes('..')) {
    throw new ArchiveStoreError('BAD_REQUEST_ID', `request id ${JSON.stringify(requestId)} cannot name an archive (letters, digits, . _ - only)`);
  }
}

/**
 * A local folder with one directory per request. The manifest is written last, atomically, so
 * an archive without a manifest is an interrupted write: the next `put` replaces it. Complete
 * archives are made read-only; real write-once storage is the S3 store with Object Lock.
 */
export class FolderArchiveStore implements ArchiveStore {
  constructor(readonly root: string) {}

  async put(requestId: string, files: ArchiveFiles, options: PutOptions = {}): Promise<{ location: string }> {
    checkArchiveId(requestId);
    const dir = path.join(this.root, requestId);
    await mkdir(this.root, { recursive: true });
    try {
      await mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await this.exists(requestId)) {
        throw new ArchiveStoreError('ARCHIVE_EXISTS', `an archive for ${requestId} already exists at ${dir}; archives are never replaced`);
      }
      // An earlier write stopped before its manifest: nothing signed is lost by starting over.
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
    }
    await writeFile(path.join(dir, RECORDS_FILE), files.records, { flag: 'wx', mode: 0o444 });
    if (options.retainUntil) {
      await writeFile(path.join(dir, RETENTION_FILE), `${JSON.stringify({ retainUntil: options.retainUntil }, null, 2)}\n`, { flag: 'wx', mode: 0o444 });
    }
    const tmp = path.join(dir, `${MANIFEST_FILE}.tmp`);
    await writeFile(tmp, files.manifest, { flag: 'wx', mode: 0o444 });
    await rename(tmp, path.join(dir, MANIFEST_FILE));
    return { location: dir };
  }

  locate(requestId: string): string {
    checkArchiveId(requestId);
    return path.join(this.root, requestId);
  }

  /** The retention recorded beside an archive, if any. */
  async retention(requestId: string): Promise<{ retainUntil: string } | undefined> {
    checkArchiveId(requestId);
    try {
      return JSON.parse(await readFile(path.join(this.root, requestId, RETENTION_FILE), 'utf8')) as { retainUntil: string };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async get(requestId: string): Promise<ArchiveFiles> {
    checkArchiveId(requestId);
    const dir = path.join(this.root, requestId);
    try {
      const [records, manifest] = await Promise.all([
        readFile(path.join(dir, RECORDS_FILE), 'utf8'),
        readFile(path.join(dir, MANIFEST_FILE), 'utf8'),
      ]);
      return { records, manifest };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ArchiveStoreError('ARCHIVE_NOT_FOUND', `no complete archive for ${requestId} under ${this.root}`);
      }
      throw err;
    }
  }

  async exists(requestId: string): Promise<boolean> {
    checkArchiveId(requestId);
    try {
      return (await stat(path.join(this.root, requestId, MANIFEST_FILE))).isFile();
    } catch {
      return false;
    }
  }

  async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
}
