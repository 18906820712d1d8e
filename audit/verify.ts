import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { archiveRecordSchema, recordHash, signedManifestSchema, type ArchiveFiles, type ArchiveRecord, type SignedManifest } from './archive';
import { canonicalJson, GENESIS_HASH } from './canonical';
import { keyId, loadVerifyKey, type KeyInput } from './keys';

export type ProblemKind =
  | 'malformed' | 'altered' | 'removed' | 'inserted' | 'reordered' | 'chain_broken'
  | 'truncated' | 'manifest_mismatch' | 'bad_signature' | 'wrong_key' | 'head_mismatch';

export interface VerificationProblem {
  kind: ProblemKind;
  /** 1-based line in records.jsonl, when the problem is at a line. */
  line?: number;
  /** Sequence number(s) concerned. */
  seq?: number[];
  message: string;
}

export interface VerificationReport {
  ok: boolean;
  requestId?: string;
  /** Head recomputed from the records. */
  head: string;
  records: number;
  signedBy?: string;
  problems: VerificationProblem[];
}

export interface VerifyOptions {
  /** The trusted archive public key. Without it the embedded key is used and `wrong_key` cannot be detected. */
  publicKey?: KeyInput;
  /** The chain head stored in workflow history. */
  expectedHead?: string;
}

interface Line { line: number; record: ArchiveRecord; recomputed: string }

/** Recomputes the chain and signature of an archive and reports exactly what is wrong. */
export function verifyArchive(files: ArchiveFiles, options: VerifyOptions = {}): VerificationReport {
  const problems: VerificationProblem[] = [];
  const lines: Line[] = [];
  const rawLines = files.records.split('\n');
  if (rawLines[rawLines.length - 1] === '') rawLines.pop();
  rawLines.forEach((text, i) => {
    try {
      const record = archiveRecordSchema.parse(JSON.parse(text));
      lines.push({ line: i + 1, record, recomputed: recordHash(record) });
    } catch {
      problems.push({ kind: 'malformed', line: i + 1, message: `line ${i + 1} is not a valid archive record` });
    }
  });

  let signed: SignedManifest | undefined;
  try {
    signed = signedManifestSchema.parse(JSON.parse(files.manifest));
  } catch {
    problems.push({ kind: 'malformed', message: 'manifest.json is not a valid signed manifest' });
  }

  // 1. Records whose content no longer matches their own hash.
  const altered = new Set<number>();
  for (const l of lines) {
    if (l.record.hash !== l.recomputed) {
      altered.add(l.line);
      problems.push({ kind: 'altered', line: l.line, seq: [l.record.seq], message: `record ${l.record.seq} (line ${l.line}) was altered: its content no longer matches its hash` });
    }
  }

  // 2. Sequence numbers: duplicates (inserted), gaps (removed), out of order (reordered).
  const seen = new Map<number, Line>();
  const inserted = new Set<number>();
  for (const l of lines) {
    const first = seen.get(l.record.seq);
    if (first) {
      // The copy that does not link to its predecessor is the intruder.
      const before = seen.get(l.record.seq - 1);
      const expectedPrev = l.record.seq === 0 ? GENESIS_HASH : before?.record.hash;
      const intruder = first.record.prev === expectedPrev && l.record.prev !== expectedPrev ? l : first.record.prev !== expectedPrev ? first : l;
      inserted.add(intruder.line);
      problems.push({ kind: 'inserted', line: intruder.line, seq: [l.record.seq], message: `line ${intruder.line} is an inserted record: sequence ${l.record.seq} appears twice` });
      if (intruder === first) seen.set(l.record.seq, l);
    } else seen.set(l.record.seq, l);
  }
  const genuine = lines.filter((l) => !inserted.has(l.line));
  const outOfOrder: number[] = [];
  genuine.forEach((l, i) => {
    const prev = genuine[i - 1];
    if (prev && l.record.seq < prev.record.seq) outOfOrder.push(l.record.seq);
  });
  if (outOfOrder.length > 0) {
    problems.push({ kind: 'reordered', seq: outOfOrder, message: `records are out of order: ${outOfOrder.join(', ')} appear after later records` });
  }
  const expectedCount = signed?.manifest.records ?? Math.max(-1, ...seen.keys()) + 1;
  const missing: number[] = [];
  const lastPresent = Math.max(-1, ...seen.keys());
  for (let s = 0; s <= lastPresent; s += 1) if (!seen.has(s)) missing.push(s);
  if (missing.length > 0) problems.push({ kind: 'removed', seq: missing, message: `record(s) ${missing.join(', ')} were removed` });
  if (lastPresent + 1 < expectedCount) {
    const cut = Array.from({ length: expectedCount - lastPresent - 1 }, (_, i) => lastPresent + 1 + i);
    problems.push({ kind: 'truncated', seq: cut, message: `the archive was truncated: the manifest counts ${expectedCount} records, the last present is ${lastPresent}` });
  }
  for (const s of seen.keys()) {
    if (s >= expectedCount) {
      const l = seen.get(s);
      if (l && !inserted.has(l.line)) {
        inserted.add(l.line);
        problems.push({ kind: 'inserted', line: l.line, seq: [s], message: `line ${l.line} (sequence ${s}) is beyond the ${expectedCount} records the manifest signs` });
      }
    }
  }

  // 3. The chain in sequence order: each record must point at its predecessor's real hash.
  const bySeq = [...seen.values()].filter((l) => !inserted.has(l.line)).sort((a, b) => a.record.seq - b.record.seq);
  bySeq.forEach((l, i) => {
    const prev = bySeq[i - 1];
    const expected = l.record.seq === 0 ? GENESIS_HASH : prev && prev.record.seq === l.record.seq - 1 ? prev.recomputed : undefined;
    if (expected === undefined || altered.has(l.line)) return;
    if (l.record.prev !== expected) {
      const culprit = prev ?? l;
      if (!altered.has(culprit.line)) {
        problems.push({
          kind: 'chain_broken', line: l.line, seq: [culprit.record.seq, l.record.seq],
          message: `chain broken between records ${culprit.record.seq} and ${l.record.seq}: record ${culprit.record.seq} was altered and re-hashed, or records were inserted/removed with renumbering`,
        });
      }
    }
  });
  const last = bySeq[bySeq.length - 1];
  const head = last?.recomputed ?? GENESIS_HASH;

  // 4. Manifest: counts, head, signature, key, workflow history.
  let signedBy: string | undefined;
  if (signed) {
    const m = signed.manifest;
    const events = genuine.filter((l) => l.record.kind === 'event').length;
    const recordings = genuine.filter((l) => l.record.kind === 'recording').length;
    if (m.head !== head && problems.length === 0) {
      problems.push({ kind: 'manifest_mismatch', message: `the manifest's head ${m.head} does not match the records' head ${head}` });
    } else if (m.head !== head && !problems.some((p) => p.kind === 'truncated' || p.kind === 'chain_broken' || p.kind === 'altered')) {
      problems.push({ kind: 'manifest_mismatch', message: `the manifest's head ${m.head} does not match the records' head ${head}` });
    }
    if (problems.length === 0 && (m.events !== events || m.recordings !== recordings)) {
      problems.push({ kind: 'manifest_mismatch', message: `the manifest counts ${m.events} events and ${m.recordings} recording entries; the archive has ${events} and ${recordings}` });
    }
    const payload = Buffer.from(canonicalJson(m), 'utf8');
    const signature = Buffer.from(signed.signature, 'base64');
    let embedded: KeyObject | undefined;
    try { embedded = loadVerifyKey(signed.publicKey); } catch { /* reported below */ }
    const trusted = options.publicKey !== undefined ? loadVerifyKey(options.publicKey) : embedded;
    const validWith = (k: KeyObject | undefined): boolean => k !== undefined && verifySignature(null, payload, k, signature);
    if (validWith(trusted)) signedBy = trusted ? keyId(trusted) : undefined;
    else if (options.publicKey !== undefined && validWith(embedded) && embedded) {
      signedBy = keyId(embedded);
      problems.push({ kind: 'wrong_key', message: `the manifest was signed by key ${keyId(embedded)}, not by the trusted archive key ${trusted ? keyId(trusted) : '?'}: it was re-signed` });
    } else {
      problems.push({ kind: 'bad_signature', message: 'the manifest signature does not verify: the manifest was edited after signing' });
    }
    if (options.expectedHead !== undefined && options.expectedHead !== m.head) {
      problems.push({ kind: 'head_mismatch', message: `the manifest's head ${m.head} differs from the head in workflow history ${options.expectedHead}` });
    }
  }
  return { ok: problems.length === 0, requestId: signed?.manifest.requestId, head, records: lines.length, signedBy, problems };
}
