import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ArchiveSecretError, ArchiveStoreError, buildArchive, canonicalJson, FolderArchiveStore, generateArchiveKeys,
  loadSigningKey, loadVerifyKey, keyId, parseArchive, recordHash, replaySteps, serializeArchive, signManifest,
  verifyArchive, type ArchiveFiles, type LifecycleEvent, type RecordingEntry,
} from '../../audit';

const keys = generateArchiveKeys();
const other = generateArchiveKeys();

const events: LifecycleEvent[] = [
  { at: '2026-01-01T10:00:00.000Z', type: 'requested', requester: 'U1', reason: 'INC-1' },
  { at: '2026-01-01T10:01:00.000Z', type: 'approved', approver: 'U2' },
  { at: '2026-01-01T11:00:00.000Z', type: 'revoked', why: 'expired' },
];
const recording: RecordingEntry[] = [
  { at: '2026-01-01T10:05:00.000Z', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement: 'SELECT 1' }, outcome: 'allowed' },
  { at: '2026-01-01T10:05:01.000Z', method: 'tools/call', direction: 'response', masked: ['NAME'] },
  { at: '2026-01-01T10:06:00.000Z', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement: 'DELETE FROM t' }, outcome: 'denied' },
];

function build(): ArchiveFiles {
  return serializeArchive(buildArchive({ requestId: 'req-1', events, recording, signingKey: keys.privateKeyPem, now: () => new Date('2026-01-01T12:00:00Z') }));
}
const lines = (f: ArchiveFiles): string[] => f.records.trimEnd().split('\n');
const withLines = (f: ArchiveFiles, l: string[]): ArchiveFiles => ({ ...f, records: `${l.join('\n')}\n` });
const kinds = (f: ArchiveFiles): string[] => verifyArchive(f, { publicKey: keys.publicKeyPem }).problems.map((p) => p.kind);

describe('buildArchive', () => {
  it('chains records in time order and signs a manifest', () => {
    const archive = buildArchive({ requestId: 'req-1', events, recording, signingKey: keys.privateKeyPem });
    expect(archive.records.map((r) => r.kind)).toEqual(['event', 'event', 'recording', 'recording', 'recording', 'event']);
    expect(archive.records[0]?.prev).toBe('0'.repeat(64));
    archive.records.forEach((r, i) => {
      expect(r.seq).toBe(i);
      expect(r.hash).toBe(recordHash(r));
      if (i > 0) expect(r.prev).toBe(archive.records[i - 1]?.hash);
    });
    const m = archive.manifest.manifest;
    expect(m).toMatchObject({ records: 6, events: 3, recordings: 3, firstAt: events[0]?.at, lastAt: events[2]?.at });
    expect(m.head).toBe(archive.records[5]?.hash);
  });

  it('verifies cleanly, with the expected head from workflow history', () => {
    const f = build();
    const head = parseArchive(f).manifest.manifest.head;
    const report = verifyArchive(f, { publicKey: keys.publicKeyPem, expectedHead: head });
    expect(report).toMatchObject({ ok: true, problems: [], head, records: 6, requestId: 'req-1' });
  });

  it('handles an empty archive', () => {
    const f = serializeArchive(buildArchive({ requestId: 'req-0', events: [], recording: [], signingKey: keys.privateKeyPem }));
    expect(verifyArchive(f, { publicKey: keys.publicKeyPem }).ok).toBe(true);
  });

  it('rejects entries without a timestamp', () => {
    expect(() => buildArchive({ requestId: 'r', events: [{ at: 'nope', type: 'x' }], recording: [], signingKey: keys.privateKeyPem })).toThrow(/ISO timestamp/);
  });
});

describe('verifyArchive: tampering', () => {
  it('detects an edited record and names it', () => {
    const f = build();
    const l = lines(f);
    l[2] = l[2]!.replace('SELECT 1', 'SELECT 2');
    const report = verifyArchive(withLines(f, l), { publicKey: keys.publicKeyPem });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'altered', line: 3, seq: [2] });
  });

  it('detects an edited and re-hashed record by the broken chain after it', () => {
    const f = build();
    const l = lines(f);
    const rec = JSON.parse(l[2]!) as Record<string, unknown> & { body: Record<string, unknown> };
    rec.body = { ...rec.body, outcome: 'denied' };
    rec.hash = recordHash(rec as never);
    l[2] = canonicalJson(rec);
    const report = verifyArchive(withLines(f, l), { publicKey: keys.publicKeyPem });
    expect(report.problems[0]).toMatchObject({ kind: 'chain_broken', seq: [2, 3] });
  });

  it('detects an edited and re-hashed last record through the signed head', () => {
    const f = build();
    const l = lines(f);
    const rec = JSON.parse(l[5]!) as Record<string, unknown> & { body: Record<string, unknown> };
    rec.body = { ...rec.body, why: 'on demand' };
    rec.hash = recordHash(rec as never);
    l[5] = canonicalJson(rec);
    expect(kinds(withLines(f, l))).toEqual(['manifest_mismatch']);
  });

  it('detects a removed record', () => {
    const f = build();
    const l = lines(f);
    l.splice(3, 1);
    const report = verifyArchive(withLines(f, l), { publicKey: keys.publicKeyPem });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'removed', seq: [3] })]);
  });

  it('detects an inserted record', () => {
    const f = build();
    const l = lines(f);
    const fake = JSON.parse(l[3]!) as Record<string, unknown> & { body: Record<string, unknown> };
    fake.body = { method: 'tools/call', outcome: 'allowed', note: 'forged' };
    fake.hash = recordHash(fake as never);
    l.splice(4, 0, canonicalJson(fake));
    const report = verifyArchive(withLines(f, l), { publicKey: keys.publicKeyPem });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'inserted', line: 5, seq: [3] })]);
  });

  it('detects a record appended beyond the signed count', () => {
    const f = build();
    const l = lines(f);
    const last = JSON.parse(l[5]!) as Record<string, unknown>;
    const extra = { seq: 6, prev: last.hash, kind: 'event', at: '2026-01-01T12:00:00.000Z', body: { type: 'note' } };
    l.push(canonicalJson({ ...extra, hash: recordHash(extra as never) }));
    expect(kinds(withLines(f, l))).toContain('inserted');
  });

  it('detects reordered records', () => {
    const f = build();
    const l = lines(f);
    [l[2], l[3]] = [l[3]!, l[2]!];
    const report = verifyArchive(withLines(f, l), { publicKey: keys.publicKeyPem });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'reordered', seq: [2] })]);
  });

  it('detects truncation', () => {
    const f = build();
    const report = verifyArchive(withLines(f, lines(f).slice(0, 4)), { publicKey: keys.publicKeyPem });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: [4, 5] })]);
  });

  it('detects an edited manifest', () => {
    const f = build();
    const m = JSON.parse(f.manifest) as { manifest: { events: number } };
    m.manifest.events = 2;
    expect(kinds({ ...f, manifest: JSON.stringify(m) })).toContain('bad_signature');
  });

  it('detects re-signing with another key, and names the key', () => {
    const f = build();
    const l = lines(f).slice(0, 4);
    const archive = parseArchive(withLines(f, l));
    const manifest = { ...archive.manifest.manifest, records: 4, recordings: 2, events: 2, head: archive.records[3]!.hash };
    const forged = { ...f, records: `${l.join('\n')}\n`, manifest: JSON.stringify(signManifest(manifest, loadSigningKey(other.privateKeyPem))) };
    const report = verifyArchive(forged, { publicKey: keys.publicKeyPem });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'wrong_key' })]);
    expect(report.problems[0]?.message).toContain(keyId(loadVerifyKey(other.publicKeyPem)));
    // ...and the head no longer matches workflow history.
    const withHead = verifyArchive(forged, { publicKey: keys.publicKeyPem, expectedHead: parseArchive(f).manifest.manifest.head });
    expect(withHead.problems.map((p) => p.kind)).toEqual(['wrong_key', 'head_mismatch']);
  });

  it('reports a malformed line', () => {
    const f = build();
    const l = lines(f);
    l[1] = '{not json';
    const report = verifyArchive(withLines(f, l), { publicKey: keys.publicKeyPem });
    expect(report.problems[0]).toMatchObject({ kind: 'malformed', line: 2 });
    expect(report.ok).toBe(false);
  });

  it('reports a malformed manifest', () => {
    expect(verifyArchive({ ...build(), manifest: '{}' }).problems.map((p) => p.kind)).toContain('malformed');
  });
});

describe('keys', () => {
  it('accepts PEM and raw 32-byte keys (Buffer, hex, base64)', () => {
    const priv = createPrivateKey(keys.privateKeyPem);
    const seed = Buffer.from(priv.export({ format: 'jwk' }).d!, 'base64url');
    const pubRaw = Buffer.from(createPublicKey(priv).export({ format: 'jwk' }).x!, 'base64url');
    const id = keyId(loadSigningKey(keys.privateKeyPem));
    expect(keyId(loadSigningKey(seed))).toBe(id);
    expect(keyId(loadSigningKey(seed.toString('hex')))).toBe(id);
    expect(keyId(loadSigningKey(seed.toString('base64')))).toBe(id);
    expect(keyId(loadVerifyKey(pubRaw))).toBe(id);
    expect(keyId(loadVerifyKey(keys.publicKeyPem))).toBe(id);
    const f = serializeArchive(buildArchive({ requestId: 'r', events, recording, signingKey: seed }));
    expect(verifyArchive(f, { publicKey: pubRaw }).ok).toBe(true);
  });

  it('refuses wrong key types and sizes clearly', () => {
    expect(() => loadSigningKey(Buffer.alloc(16))).toThrow(/32 raw bytes/);
    expect(() => loadSigningKey(keys.publicKeyPem)).toThrow();
  });

  it('never writes the private key into an archive', () => {
    const f = build();
    expect(f.manifest + f.records).not.toMatch(/PRIVATE KEY/);
  });
});

describe('secret guard', () => {
  it('refuses a PEM private key anywhere in a record, naming the path but not the value', () => {
    const leak = [{ at: '2026-01-01T10:00:00Z', method: 'x', arguments: { nested: [keys.privateKeyPem] } }];
    let error: unknown;
    try { buildArchive({ requestId: 'r', events: [], recording: leak, signingKey: keys.privateKeyPem }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ArchiveSecretError);
    expect((error as Error).message).toContain('$.arguments.nested[0]');
    expect((error as Error).message).not.toContain('BEGIN');
  });

  it('refuses a grant token', () => {
    const leak = [{ at: '2026-01-01T10:00:00Z', type: 'x', header: 'Bearer ghg_abcdefghijklmnop' }];
    expect(() => buildArchive({ requestId: 'r', events: leak, recording: [], signingKey: keys.privateKeyPem })).toThrow(/grant token/);
  });

  it('allows ordinary text mentioning the prefix', () => {
    const ok = [{ at: '2026-01-01T10:00:00Z', type: 'x', note: 'tokens start with ghg_' }];
    expect(() => buildArchive({ requestId: 'r', events: ok, recording: [], signingKey: keys.privateKeyPem })).not.toThrow();
  });
});

describe('FolderArchiveStore', () => {
  let root: string;
  beforeEach(async () => { root = await mkdtemp(path.join(tmpdir(), 'gatehouse-audit-')); });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  it('round-trips an archive, one directory per request', async () => {
    const store = new FolderArchiveStore(root);
    const f = build();
    const { location } = await store.put('req-1', f);
    expect(location).toBe(path.join(root, 'req-1'));
    expect((await readdir(location)).sort()).toEqual(['manifest.json', 'records.jsonl']);
    expect(await store.get('req-1')).toEqual(f);
    expect(await store.exists('req-1')).toBe(true);
    expect(await store.list()).toEqual(['req-1']);
    expect(verifyArchive(await store.get('req-1'), { publicKey: keys.publicKeyPem }).ok).toBe(true);
    expect(await readFile(path.join(location, 'records.jsonl'), 'utf8')).toBe(f.records);
  });

  it('never replaces an archive', async () => {
    const store = new FolderArchiveStore(root);
    await store.put('req-1', build());
    await expect(store.put('req-1', build())).rejects.toMatchObject({ code: 'ARCHIVE_EXISTS' });
  });

  it('refuses request ids that escape the folder, and reports a missing archive', async () => {
    const store = new FolderArchiveStore(root);
    await expect(store.put('../x', build())).rejects.toBeInstanceOf(ArchiveStoreError);
    await expect(store.get('nope')).rejects.toMatchObject({ code: 'ARCHIVE_NOT_FOUND' });
    expect(await store.exists('nope')).toBe(false);
  });
});

describe('replaySteps', () => {
  it('gives the session as ordered steps with offsets', () => {
    const steps = replaySteps(parseArchive(build()));
    expect(steps.map((s) => [s.step, s.offsetMs])).toEqual([[1, 0], [2, 1000], [3, 60000]]);
    expect(steps[0]?.entry).toMatchObject({ tool: 'run_snowflake_query', outcome: 'allowed' });
    expect(replaySteps(parseArchive(build()), { includeEvents: true })).toHaveLength(6);
  });
});
