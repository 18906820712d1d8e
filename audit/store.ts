import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveFiles } from './archive';

export const RECORDS_FILE = 'records.jsonl';
export const MANIFEST_FILE = 'manifest.json';

/**
 * Where archives live. Keys are `<requestId>/records.jsonl` and `<requestId>/manifest.json`,
 * which map one-to-one onto object keys of an S3-compatible bucket (Object Lock later).
 * Archives are write-once: `put` refuses to replace an existing archive.
 */
export interface ArchiveStore {
  put(requestId: string, files: ArchiveFiles): Promise<{ location: string }>;
  get(requestId: string): Promise<ArchiveFiles>;
  exists(requestId: string): Promise<boolean>;
  list(): Promise<string[]>;
}

export class ArchiveStoreError extends Error {
  constructor(readonly code: 'ARCHIVE_EXISTS' | 'ARCHIVE_NOT_FOUND' | 'BAD_REQUEST_ID', message: string) {
    super(message);
    this.name = 'ArchiveStoreError';
  }
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkId(requestId: string): void {
  if (!REQUEST_ID.test(requestId) || requestId.includes('..')) {
    throw new ArchiveStoreError('BAD_REQUEST_ID', `request id ${JSON.stringify(requestId)} cannot name an archive (letters, digits, . _ - only)`);
  }
}

/** A local folder with one directory per request. The manifest is written last, atomically. */
export class FolderArchiveStore implements ArchiveStore {
  constructor(readonly root: string) {}

  async put(requestId: string, files: ArchiveFiles): Promise<{ location: string }> {
    checkId(requestId);
    const dir = path.join(this.root, requestId);
    await mkdir(this.root, { recursive: true });
    try {
      await mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new ArchiveStoreError('ARCHIVE_EXISTS', `an archive for ${requestId} already exists at ${dir}; archives are never replaced`);
      }
      throw err;
    }
    await writeFile(path.join(dir, RECORDS_FILE), files.records, { flag: 'wx' });
    const tmp = path.join(dir, `${MANIFEST_FILE}.tmp`);
    await writeFile(tmp, files.manifest, { flag: 'wx' });
    await rename(tmp, path.join(dir, MANIFEST_FILE));
    return { location: dir };
  }

  async get(requestId: string): Promise<ArchiveFiles> {
    checkId(requestId);
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
    checkId(requestId);
    try {
      await readFile(path.join(this.root, requestId, MANIFEST_FILE));
      return true;
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
