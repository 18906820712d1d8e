import { mkdtemp, readFile, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { AuditArchiver, ArchiveVerificationError } from '../../activities';
import { createAuditArchiver } from '../../worker';
import {
  freeTextMasker,
  buildArchive, FolderArchiveStore, generateArchiveKeys, MANIFEST_FILE, parseArchive, RecordingLog, SessionRecorder, serializeArchive, verifyArchive,
} from '../../audit';
import { connectRedis, newRequestId, waitForRedis, type Redis } from '../../lib';
import type { AccessStatus } from '../../workflows';
import { startHarness, testConfig, testRedisUrl, waitForState, waitForStatus, type Harness } from '../support/harness';

// PHI seeded in the (simulated) upstream's data. The gateway masks it before recording; the
// requester also typed some of it into the reason, which the archiver masks with the PHI engine
// (here a stand-in that knows the seeded values).
const PHI = { name: 'Jane Q. Testpatient', ssn: '123-45-6789', mrn: 'MRN-0042-7781' };
const maskSeeded = (text: string) => text.replaceAll(PHI.name, '[NAME]').replaceAll(PHI.ssn, '[SSN]').replaceAll(PHI.mrn, '[MRN]');

const keys = generateArchiveKeys();

async function recordSession(recorder: SessionRecorder, requestId: string, grantId: string): Promise<void> {
  await recorder.sessionStart(requestId, { sessionId: 'sess-1', grantId, subject: 'carol@example.org', target: 'clinical', client: { name: 'claude-code', version: '2.0' }, transport: 'streamable-http' });
  await recorder.request(requestId, {
    sessionId: 'sess-1', messageId: 7, method: 'tools/call', tool: 'run_snowflake_query', verdict: 'allow', classes: ['read'],
    arguments: { statement: "SELECT name, ssn FROM CLINICAL.PHI.PATIENTS WHERE mrn = '[MRN]'" }, masked: [{ type: 'MRN', count: 1 }],
  });
  const upstream = [{ NAME: PHI.name, SSN: PHI.ssn }];
  const masked = upstream.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, maskSeeded(v)])));
  await recorder.response(requestId, { sessionId: 'sess-1', messageId: 7, outcome: 'ok', result: { rows: masked }, rows: 1, masked: [{ type: 'NAME', count: 1 }, { type: 'SSN', count: 1 }], durationMs: 12 });
  await recorder.request(requestId, { sessionId: 'sess-1', messageId: 8, method: 'tools/call', tool: 'run_snowflake_query', verdict: 'deny', classes: ['write'], arguments: { statement: 'DELETE FROM CLINICAL.PHI.PATIENTS' }, reason: 'write statements are denied on clinical' });
  await recorder.response(requestId, { sessionId: 'sess-1', messageId: 8, outcome: 'denied', error: { code: -32001, message: 'write statements are denied on clinical' } });
}

describe('the audit archiver at the end of a real workflow', () => {
  let h: Harness;
  let root: string;
  let store: FolderArchiveStore;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gatehouse-archives-'));
    store = new FolderArchiveStore(root);
    h = await startHarness({
      archiver: (redis: Redis) => new AuditArchiver({
        store, recordings: new RecordingLog(redis), signingKey: createPrivateKey(keys.privateKeyPem), retentionMs: 6 * 365 * 86_400_000, maskFreeText: maskSeeded,
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('revocation, then a signed archive whose head stands in history; the recording is deleted only after it verifies', async () => {
    const { requestId } = await h.access.request({
      requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 15_000, ticket: 'INC-77',
      reason: `chart review for ${PHI.name} (${PHI.mrn})`,
    });
    await h.access.approve(requestId, 'alice@example.org');
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    const recorder = new SessionRecorder(h.redis);
    await recordSession(recorder, requestId, active.grantId!);
    const recordings = new RecordingLog(h.redis);
    expect(await recordings.length(requestId)).toBe(5);

    await h.access.revoke(requestId, 'carol@example.org', 'done');
    const done = await waitForStatus(h.access, requestId, (s) => s.state === 'ARCHIVED');
    expect(done.archive?.location).toBe(path.join(root, requestId));

    const files = await store.get(requestId);
    const report = verifyArchive(files, { publicKey: keys.publicKeyPem, expectedHead: done.archive!.digest });
    expect(report).toMatchObject({ ok: true, problems: [], requestId, head: done.archive!.digest });
    const archive = parseArchive(files);
    const m = archive.manifest.manifest;
    expect(m.recordings).toBe(5);
    expect(Date.parse(m.retainUntil!) - Date.parse(m.createdAt)).toBe(6 * 365 * 86_400_000);
    expect((await store.retention(requestId))?.retainUntil).toBe(m.retainUntil);
    const types = archive.records.map((r) => String(r.body.type));
    expect(types[0]).toBe('request');
    expect(types).toEqual(expect.arrayContaining(['requested', 'approved', 'session_start', 'request', 'response', 'revocation_requested', 'outcome']));
    expect(types[types.length - 1]).toBe('outcome');
    const outcome = archive.records[archive.records.length - 1]!.body;
    expect(outcome).toMatchObject({ state: 'REVOKED', decision: { approved: true, by: 'alice@example.org' }, revocation: { by: 'carol@example.org', reason: 'done' } });

    // Deleted from Redis after the archive verified, and sealed against late writes.
    expect(await recordings.length(requestId)).toBe(0);
    await expect(recorder.request(requestId, { sessionId: 'sess-1', messageId: 9, method: 'tools/list', verdict: 'allow' })).rejects.toMatchObject({ code: 'RECORDING_SEALED' });

    // Nothing secret, no seeded PHI value, anywhere in the archive folder.
    const text = (await Promise.all((await readdir(path.join(root, requestId))).map((f) => readFile(path.join(root, requestId, f), 'utf8')))).join('\n');
    expect(h.provider.secrets.length).toBeGreaterThan(0);
    for (const secret of h.provider.secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/PRIVATE KEY|ghg_/);
    for (const value of Object.values(PHI)) expect(text).not.toContain(value);
    expect(text).toContain('chart review for [NAME] ([MRN])');
  });
});

describe('the audit archiver, retried and interrupted', () => {
  let h: { redis: Redis; close(): Promise<void> };
  let root: string;
  const status = (requestId: string): AccessStatus => ({
    requestId, requester: 'carol@example.org', origin: 'api', target: 'clinical', reason: 'r', durationMs: 1_000,
    policy: { target: 'clinical', approverChannel: 'C1', approvers: ['alice@example.org'], maxDurationMs: 1_000, autoApproved: false, approvalTimeoutMs: 1, commandApprovalTimeoutMs: 1, expiringSoonWarningMs: 1 },
    state: 'REVOKED', requestedAt: '2026-01-01T10:00:00.000Z', extensions: [], commands: [],
    timeline: [{ at: '2026-01-01T10:00:00.000Z', type: 'requested', actor: 'carol@example.org', detail: 'r' }],
  });
  beforeAll(async () => {
    const redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    h = { redis, close: async () => redis.disconnect() };
    root = await mkdtemp(path.join(tmpdir(), 'gatehouse-archives-'));
  });
  afterAll(async () => {
    await h.close();
    await rm(root, { recursive: true, force: true });
  });
  const archiver = (store: FolderArchiveStore) =>
    new AuditArchiver({ store, recordings: new RecordingLog(h.redis), signingKey: createPrivateKey(keys.privateKeyPem), retentionMs: 1_000 });

  test('PHI typed into free text (reason, revocation) is masked by the PHI engine; system values are kept', async () => {
    const store = new FolderArchiveStore(root);
    const requestId = newRequestId();
    const typed = 'follow-up for SSN 123-45-6789, reach jdoe@example.com or 617-555-0142';
    const s = status(requestId);
    s.reason = typed;
    s.timeline.push({ at: '2026-01-01T10:00:01.000Z', type: 'expiring_soon', detail: '2026-01-01T11:00:00.000Z' });
    s.revocation = { by: 'carol@example.org', reason: `done; patient DOB 03/14/1961`, at: '2026-01-01T10:30:00.000Z' };
    const archiver = new AuditArchiver({
      store, recordings: new RecordingLog(h.redis), signingKey: createPrivateKey(keys.privateKeyPem), retentionMs: 1_000, maskFreeText: freeTextMasker(testConfig()),
    });
    await archiver.archive(s);
    const text = (await store.get(requestId)).records;
    for (const value of ['123-45-6789', 'jdoe@example.com', '617-555-0142', '03/14/1961']) expect(text).not.toContain(value);
    expect(text).toContain('follow-up for SSN [SSN]');
    expect(text).toContain('"detail":"2026-01-01T11:00:00.000Z"');
  });

  test('a misconfigured archive stops the worker at start (missing component, exit 3)', () => {
    const log = { info: () => undefined, warn: () => undefined } as never;
    expect(() => createAuditArchiver({ config: testConfig(), env: { GATEHOUSE_ARCHIVE_STORE: 's3' }, redis: h.redis, log }))
      .toThrow(/cannot start the worker: no archiver\. GATEHOUSE_ARCHIVE_STORE is "s3" but GATEHOUSE_ARCHIVE_S3_BUCKET is not set/);
    expect(() => createAuditArchiver({ config: testConfig(), env: { GATEHOUSE_ARCHIVE_SIGNING_KEY: 'not a key' }, redis: h.redis, log }))
      .toThrow(/GATEHOUSE_ARCHIVE_SIGNING_KEY is not an Ed25519 private key/);
  });

  test('a retry after the archive was written returns the same head and writes nothing new', async () => {
    const store = new FolderArchiveStore(root);
    const requestId = newRequestId();
    await new SessionRecorder(h.redis).request(requestId, { sessionId: 's', messageId: 1, method: 'tools/list', verdict: 'allow' });
    const first = await archiver(store).archive(status(requestId));
    const second = await archiver(store).archive(status(requestId));
    expect(second).toEqual(first);
    expect(parseArchive(await store.get(requestId)).manifest.manifest.recordings).toBe(1);
  });

  test('an interrupted write (no manifest) is redone; a tampered archive is refused and the recording kept', async () => {
    const store = new FolderArchiveStore(root);
    const requestId = newRequestId();
    const recorder = new SessionRecorder(h.redis);
    await recorder.request(requestId, { sessionId: 's', messageId: 1, method: 'tools/list', verdict: 'allow' });
    await archiver(store).archive(status(requestId));
    await unlink(path.join(root, requestId, MANIFEST_FILE));
    const redone = await archiver(store).archive(status(requestId));
    expect(verifyArchive(await store.get(requestId), { publicKey: keys.publicKeyPem, expectedHead: redone.digest }).ok).toBe(true);

    // An archive already in the store that our key did not sign (written by someone else):
    // refused, and the recording stays in Redis for an operator.
    const tampered = newRequestId();
    await recorder.request(tampered, { sessionId: 's', messageId: 1, method: 'tools/list', verdict: 'allow' });
    const other = generateArchiveKeys();
    await store.put(tampered, serializeArchive(buildArchive({ requestId: tampered, events: [], recording: [], signingKey: other.privateKeyPem })));
    await expect(archiver(store).archive(status(tampered))).rejects.toBeInstanceOf(ArchiveVerificationError);
    expect(await new RecordingLog(h.redis).length(tampered)).toBe(1);
  });
});
