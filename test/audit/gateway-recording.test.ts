// The real gateway (proxy/) recording through the real SessionRecorder into Redis, then archived
// by the real archiver: the contract holds end to end, and what the gateway masked stays masked.
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditArchiver } from '../../activities';
import { FolderArchiveStore, generateArchiveKeys, parseArchive, RecordingLog, replaySteps, sessionCommands, SessionRecorder, verifyArchive } from '../../audit';
import { connectRedis, waitForRedis, type Redis } from '../../lib';
import type { AccessStatus } from '../../workflows';
import { connectClient, endSession, eventually, startTestGateway, testRedisUrl, type TestGateway } from '../proxy/support';

const SSN = '536-22-1847';
const MRN = 'MRN-0099812';

describe('gateway recording -> archive', () => {
  let redis: Redis;
  let gw: TestGateway;
  let root: string;
  const keys = generateArchiveKeys();
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    gw = await startTestGateway({ recorder: new SessionRecorder(redis) });
    root = await mkdtemp(path.join(tmpdir(), 'gatehouse-archives-'));
  });
  afterAll(async () => {
    await gw?.close();
    redis?.disconnect();
    await rm(root, { recursive: true, force: true });
  });

  test('every exchange the gateway recorded is archived, verified, masked, and replayable', async () => {
    const { token, grant, credential } = await gw.grant('everything');
    const c = await connectClient(gw.url, 'everything', token, 'audit-e2e');
    const echo = await c.client.callTool({ name: 'echo', arguments: { message: `lookup ${SSN} and ${MRN}` } });
    expect(JSON.stringify(echo.content)).toContain('[SSN]');
    await c.client.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } });
    await endSession(c);

    const recordings = new RecordingLog(redis);
    await eventually(async () => (await recordings.read(grant.requestId)).some((s) => s.entry.type === 'session_end'), 'the end of the session in the recording');
    const stored = await recordings.read(grant.requestId);
    expect(stored.map((s) => s.entry.type)).toEqual(expect.arrayContaining(['session_start', 'request', 'response']));
    expect(stored.filter((s) => s.entry.type === 'malformed')).toEqual([]);

    const status: AccessStatus = {
      requestId: grant.requestId, requester: 'carol@example.org', origin: 'api', target: 'everything', reason: 'e2e', durationMs: 60_000,
      policy: { target: 'everything', approverChannel: 'C0APPROVERS', approvers: ['alice@example.org'], maxDurationMs: 60_000, autoApproved: false, approvalTimeoutMs: 1, commandApprovalTimeoutMs: 1, expiringSoonWarningMs: 1 },
      state: 'REVOKED', requestedAt: grant.issuedAt, grantId: grant.grantId, principal: grant.principal, activeSince: grant.issuedAt, extensions: [], commands: [], timeline: [],
    };
    const store = new FolderArchiveStore(root);
    const result = await new AuditArchiver({ store, recordings, signingKey: createPrivateKey(keys.privateKeyPem), retentionMs: 86_400_000 }).archive(status);
    const files = await store.get(grant.requestId);
    expect(verifyArchive(files, { publicKey: keys.publicKeyPem, expectedHead: result.digest }).ok).toBe(true);
    expect(await recordings.length(grant.requestId)).toBe(0);

    const text = files.records + files.manifest;
    for (const secret of [SSN, MRN, token, credential]) expect(text).not.toContain(secret);
    const archive = parseArchive(files);
    const calls = sessionCommands(archive.records).filter((x) => x.method === 'tools/call');
    expect(calls.map((x) => [x.tool, x.outcome])).toEqual([['echo', 'ok'], ['get-sum', 'ok']]);
    expect(calls[0]?.masked).toEqual(expect.arrayContaining([{ type: 'SSN', count: expect.any(Number) }, { type: 'MRN', count: expect.any(Number) }]));
    const steps = replaySteps(archive);
    expect(steps[0]?.entry).toMatchObject({ type: 'session_start', grantId: grant.grantId, client: { name: 'audit-e2e' } });
    expect(steps[steps.length - 1]?.entry).toMatchObject({ type: 'session_end' });
  });
});
