// An evidence pack as one zip file, for a browser download (fflate writes the format).
import { zipSync, type Zippable } from 'fflate';
import type { EvidencePack } from './evidence';

const SAFE_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
/** A read-only regular file, as the central directory's external attributes say it (Unix mode in the high half). */
const READ_ONLY_FILE = (0o100444 << 16) >>> 0;

/** A zip of these files (name -> UTF-8 text), each deflated, names as given (plain relative paths only). */
export function zipFiles(files: Record<string, string>, modifiedAt: Date = new Date()): Buffer {
  const entries: Zippable = {};
  for (const [name, text] of Object.entries(files)) {
    if (!SAFE_NAME.test(name) || name.split('/').some((part) => part === '..' || part === '.')) throw new Error(`a zip entry name must be a plain relative path (got ${JSON.stringify(name.slice(0, 80))})`);
    entries[name] = [Buffer.from(text, 'utf8'), { level: 9, mtime: modifiedAt, os: 3, attrs: READ_ONLY_FILE }];
  }
  if (Object.keys(entries).length > 0xffff) throw new Error('the evidence pack is too large for one zip; export a shorter period');
  return Buffer.from(zipSync(entries));
}

/** The pack as a zip whose files sit in one folder named like it (`folder/manifest.json` ...). */
export function evidencePackZip(pack: EvidencePack, folder: string, generatedAt: Date = new Date()): Buffer {
  return zipFiles(Object.fromEntries(Object.entries(pack.files).map(([name, text]) => [`${folder}/${name}`, text])), generatedAt);
}
