import { archiveRecordSchema, signedManifestSchema, type Archive, type ArchiveFiles } from './archive';

/** Parses stored files into an Archive without verifying it (use verifyArchive for that). */
export function parseArchive(files: ArchiveFiles): Archive {
  const records = files.records.split('\n').filter((l) => l !== '').map((line, i) => {
    const parsed = archiveRecordSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`records.jsonl line ${i + 1} is not an archive record: ${parsed.error.message}`);
    return parsed.data;
  });
  return { records, manifest: signedManifestSchema.parse(JSON.parse(files.manifest)) };
}
