import { sign, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from '../lib';
import { canonicalJson, GENESIS_HASH } from './canonical';
import { keyId, loadSigningKey, publicKeyPem, type KeyInput } from './keys';
import { assertNoSecrets } from './secret-guard';

export const ARCHIVE_FORMAT = 'gatehouse-archive/1';

/** A lifecycle event from the access workflow (requested, approved, issued, revoked ...). */
export interface LifecycleEvent { at: string; type: string; [field: string]: unknown }
/** One entry of the gateway's session recording (already masked). */
export interface RecordingEntry { at: string; [field: string]: unknown }

export const archiveRecordSchema = z.object({
  seq: z.number().int().nonnegative(),
  prev: z.string().regex(/^[0-9a-f]{64}$/),
  kind: z.enum(['event', 'recording']),
  at: z.string(),
  body: z.record(z.string(), z.unknown()),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArchiveRecord = z.infer<typeof archiveRecordSchema>;

export const archiveManifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  requestId: z.string().min(1),
  records: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  recordings: z.number().int().nonnegative(),
  head: z.string().regex(/^[0-9a-f]{64}$/),
  firstAt: z.string().nullable(),
  lastAt: z.string().nullable(),
  createdAt: z.string(),
  /** Until when the store must keep the archive unchanged (HIPAA: six years). Signed with the rest. */
  retainUntil: z.string().optional(),
});
export type ArchiveManifest = z.infer<typeof archiveManifestSchema>;

export const signedManifestSchema = z.object({
  manifest: archiveManifestSchema,
  signature: z.string().min(1),
  keyId: z.string(),
  publicKey: z.string(),
});
export type SignedManifest = z.infer<typeof signedManifestSchema>;

export interface Archive { records: ArchiveRecord[]; manifest: SignedManifest }
/** The two files of an archive, as stored. */
export interface ArchiveFiles { records: string; manifest: string }

/** The hash of a record: SHA-256 of the canonical JSON of everything but `hash`. */
export function recordHash(record: Omit<ArchiveRecord, 'hash'>): string {
  const { seq, prev, kind, at, body } = record;
  return sha256Hex(canonicalJson({ seq, prev, kind, at, body }));
}

export function signManifest(manifest: ArchiveManifest, signingKey: KeyObject): SignedManifest {
  return {
    manifest,
    signature: sign(null, Buffer.from(canonicalJson(manifest), 'utf8'), signingKey).toString('base64'),
    keyId: keyId(signingKey),
    publicKey: publicKeyPem(signingKey),
  };
}

export interface BuildArchiveInput {
  requestId: string;
  events: readonly LifecycleEvent[];
  recording: readonly RecordingEntry[];
  signingKey: KeyInput;
  now?: () => Date;
  /** ISO time until which the archive must be retained; recorded in the signed manifest. */
  retainUntil?: string;
}

/**
 * Builds a hash-chained, signed archive. Events and recording entries are merged in time order
 * (stable; events first on a tie). Throws ArchiveSecretError if any value looks like a secret.
 */
export function buildArchive(input: BuildArchiveInput): Archive {
  const key = loadSigningKey(input.signingKey);
  const items = [
    ...input.events.map((e, i) => ({ kind: 'event' as const, entry: e, order: i })),
    ...input.recording.map((r, i) => ({ kind: 'recording' as const, entry: r, order: input.events.length + i })),
  ];
  for (const { entry } of items) {
    if (typeof entry.at !== 'string' || Number.isNaN(Date.parse(entry.at))) {
      throw new Error(`every event and recording entry needs an ISO timestamp in "at"; got ${JSON.stringify(entry.at)}`);
    }
  }
  items.sort((a, b) => Date.parse(a.entry.at) - Date.parse(b.entry.at) || a.order - b.order);
  const records: ArchiveRecord[] = [];
  let prev = GENESIS_HASH;
  items.forEach(({ kind, entry }, seq) => {
    const { at, ...body } = entry;
    assertNoSecrets(body, seq);
    const base = { seq, prev, kind, at, body: JSON.parse(canonicalJson(body)) as Record<string, unknown> };
    const hash = recordHash(base);
    records.push({ ...base, hash });
    prev = hash;
  });
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    requestId: input.requestId,
    records: records.length,
    events: input.events.length,
    recordings: input.recording.length,
    head: prev,
    firstAt: records[0]?.at ?? null,
    lastAt: records[records.length - 1]?.at ?? null,
    createdAt: (input.now ?? (() => new Date()))().toISOString(),
    ...(input.retainUntil ? { retainUntil: input.retainUntil } : {}),
  };
  return { records, manifest: signManifest(manifest, key) };
}

/** JSON Lines for the records (canonical JSON, one record per line) and the signed manifest. */
export function serializeArchive(archive: Archive): ArchiveFiles {
  return {
    records: archive.records.map((r) => canonicalJson(r)).join('\n') + (archive.records.length ? '\n' : ''),
    manifest: `${JSON.stringify(archive.manifest, null, 2)}\n`,
  };
}
