import { createPrivateKey } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AuditArchiver } from '../../activities';
import {
  archiveSettingsFromEnv, createArchiveStore, buildArchive, generateArchiveKeys, parseArchive, RecordingLog, S3ArchiveStore, serializeArchive, SessionRecorder, verifyArchive,
} from '../../audit';
import { connectRedis, newRequestId, waitForRedis, type Redis } from '../../lib';
import type { AccessStatus } from '../../workflows';
import { testRedisUrl } from '../support/harness';
import { startS3Server, type S3TestServer } from '../support/s3-server';

const keys = generateArchiveKeys();
const files = (requestId: string) => serializeArchive(buildArchive({
  requestId, events: [{ at: '2026-01-01T10:00:00.000Z', type: 'requested', actor: 'carol@example.org' }],
  recording: [{ at: '2026-01-01T10:01:00.000Z', type: 'request', method: 'tools/list' }], signingKey: keys.privateKeyPem,
}));

describe('the S3 archive store, against a real S3-compatible server (versitygw) with Object Lock', () => {
  let server: S3TestServer;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startS3Server();
    s3 = new S3Client({ region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    await s3.send(new CreateBucketCommand({ Bucket: 'archives-locked', ObjectLockEnabledForBucket: true }));
    await s3.send(new CreateBucketCommand({ Bucket: 'archives-plain' }));
  }, 15 * 60_000);
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  test('write-once archives under compliance retention: nobody can delete or replace them before the date', async () => {
    const store = new S3ArchiveStore(s3, { bucket: 'archives-locked', prefix: 'gatehouse/archives/', objectLock: 'compliance' });
    expect(await store.bucketHasObjectLock()).toBe(true);
    const requestId = newRequestId();
    const retainUntil = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const written = files(requestId);
    expect(await store.put(requestId, written, { retainUntil })).toEqual({ location: `s3://archives-locked/gatehouse/archives/${requestId}/` });
    expect(await store.exists(requestId)).toBe(true);
    expect(await store.list()).toContain(requestId);
    expect(await store.get(requestId)).toEqual(written);
    expect(verifyArchive(await store.get(requestId), { publicKey: keys.publicKeyPem }).ok).toBe(true);
    expect(await store.retention(requestId)).toEqual({ mode: 'COMPLIANCE', retainUntil });

    await expect(store.put(requestId, files(requestId))).rejects.toMatchObject({ code: 'ARCHIVE_EXISTS' });
    await expect(s3.send(new PutObjectCommand({ Bucket: 'archives-locked', Key: `gatehouse/archives/${requestId}/manifest.json`, Body: '{}', IfNoneMatch: '*' })))
      .rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'archives-locked', Prefix: `gatehouse/archives/${requestId}/` }));
    expect(versions.Versions).toHaveLength(2);
    for (const v of versions.Versions ?? []) {
      await expect(s3.send(new DeleteObjectCommand({ Bucket: 'archives-locked', Key: v.Key!, VersionId: v.VersionId }))).rejects.toMatchObject({ name: 'AccessDenied' });
    }

    // Someone writes a new version of records.jsonl: the store still reads the version the manifest names.
    await s3.send(new PutObjectCommand({ Bucket: 'archives-locked', Key: `gatehouse/archives/${requestId}/records.jsonl`, Body: 'forged\n' }));
    expect((await store.get(requestId)).records).toBe(written.records);
  });

  test('an interrupted write (records without a manifest) is completed by the next attempt', async () => {
    const store = new S3ArchiveStore(s3, { bucket: 'archives-locked', prefix: 'p/', objectLock: 'governance' });
    const requestId = newRequestId();
    await s3.send(new PutObjectCommand({ Bucket: 'archives-locked', Key: `p/${requestId}/records.jsonl`, Body: 'half\n' }));
    expect(await store.exists(requestId)).toBe(false);
    await expect(store.get(requestId)).rejects.toMatchObject({ code: 'ARCHIVE_NOT_FOUND' });
    const written = files(requestId);
    await store.put(requestId, written, { retainUntil: new Date(Date.now() + 86_400_000).toISOString() });
    expect(await store.get(requestId)).toEqual(written);
    expect((await store.retention(requestId))?.mode).toBe('GOVERNANCE');
  });

  test('a bucket without Object Lock still takes write-once archives, without retention', async () => {
    const store = new S3ArchiveStore(s3, { bucket: 'archives-plain', prefix: 'a/', objectLock: 'compliance' });
    expect(await store.bucketHasObjectLock()).toBe(false);
    const requestId = newRequestId();
    await store.put(requestId, files(requestId), { retainUntil: new Date(Date.now() + 86_400_000).toISOString() });
    expect(verifyArchive(await store.get(requestId), { publicKey: keys.publicKeyPem }).ok).toBe(true);
    expect(await store.retention(requestId)).toBeUndefined();
    await expect(store.put(requestId, files(requestId))).rejects.toMatchObject({ code: 'ARCHIVE_EXISTS' });
  });

  test('the archiver configured from the environment archives into S3 and deletes the recording after verifying', async () => {
    const env = {
      GATEHOUSE_ARCHIVE_STORE: 's3', GATEHOUSE_ARCHIVE_S3_BUCKET: 'archives-locked', GATEHOUSE_ARCHIVE_S3_ENDPOINT: server.endpoint,
      GATEHOUSE_ARCHIVE_RETENTION: '2d', AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey });
    const settings = archiveSettingsFromEnv(env, { folder: '/nonexistent' });
    expect(settings.store).toMatchObject({ type: 's3', forcePathStyle: true, prefix: 'gatehouse/archives/', objectLock: 'compliance' });
    const store = createArchiveStore(settings.store);
    const redis: Redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    try {
      const requestId = newRequestId();
      await new SessionRecorder(redis).request(requestId, { sessionId: 's', messageId: 1, method: 'tools/list', verdict: 'allow' });
      const status: AccessStatus = {
        requestId, requester: 'carol@example.org', origin: 'api', target: 'clinical', reason: 'r', durationMs: 1_000,
        policy: { target: 'clinical', approverChannel: 'C1', approvers: ['alice@example.org'], maxDurationMs: 1_000, autoApproved: false, approvalTimeoutMs: 1, commandApprovalTimeoutMs: 1, expiringSoonWarningMs: 1 },
        state: 'REVOKED', requestedAt: new Date().toISOString(), extensions: [], commands: [], timeline: [],
      };
      const archiver = new AuditArchiver({ store, recordings: new RecordingLog(redis), signingKey: createPrivateKey(keys.privateKeyPem), retentionMs: settings.retentionMs });
      const result = await archiver.archive(status);
      expect(result.location).toBe(`s3://archives-locked/gatehouse/archives/${requestId}/`);
      const stored = await store.get(requestId);
      expect(verifyArchive(stored, { publicKey: keys.publicKeyPem, expectedHead: result.digest }).ok).toBe(true);
      expect(parseArchive(stored).manifest.manifest.recordings).toBe(1);
      expect((await (store as S3ArchiveStore).retention(requestId))?.retainUntil).toBe(parseArchive(stored).manifest.manifest.retainUntil);
      expect(await new RecordingLog(redis).length(requestId)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
