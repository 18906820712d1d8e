import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FolderArchiveStore, generateArchiveKeys, parseArchive, RecordingLog, SessionRecorder, verifyArchive } from '../../audit';
import { waitFor, type ManagedProcess } from '../../devstack';
import { AccessClient } from '../../access';
import { connectRedis, connectTemporalClient, temporalSettings, waitForRedis, type Redis } from '../../lib';
import { startWorkerProcess, workerFamily } from '../support/spawn-worker';
import { testConfig, testRedisUrl, waitForState, waitForStatus } from '../support/harness';
import type { Client } from '@temporalio/client';

/**
 * SIGKILL for the worker and its children: the worker runs under tsx, which runs the real
 * worker as a child process that a SIGKILL of tsx alone would leave running (and polling).
 */
async function killWorker(proc: ManagedProcess): Promise<void> {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(proc.child.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    // no children (pgrep exits 1)
  }
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await proc.stop('SIGKILL');
}

describe('a worker killed between revocation and archival', () => {
  const family = workerFamily('audit-restart');
  const { taskQueue, prefix } = family;
  const keys = generateArchiveKeys();
  let root: string;
  let client: Client;
  let access: AccessClient;
  let redis: Redis;
  const workers: ManagedProcess[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gatehouse-archives-'));
    client = await connectTemporalClient({ ...temporalSettings(), taskQueue });
    access = new AccessClient(client, testConfig(), taskQueue);
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => killWorker(w)));
    await client.connection.close();
    redis.disconnect();
    await rm(root, { recursive: true, force: true });
  });

  const start = async (name: string) => {
    const proc = await startWorkerProcess(family, name, { GATEHOUSE_ARCHIVE_DIR: root, GATEHOUSE_ARCHIVE_SIGNING_KEY: keys.privateKeyPem }, 'audit-worker-process.ts');
    workers.push(proc);
    return proc;
  };

  test('the recording stays in Redis, and the next worker archives all of it', async () => {
    const first = await start('audit-worker-1');
    const { requestId } = await access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 10_000, reason: 'nightly extract' });
    const active = await waitForState(access, requestId, 'ACTIVE');
    const recorder = new SessionRecorder(redis);
    await recorder.sessionStart(requestId, { sessionId: 's1', grantId: active.grantId!, subject: 'agent:ci-nightly', target: 'clinical' });
    await recorder.request(requestId, { sessionId: 's1', messageId: 1, method: 'tools/call', tool: 'run_query', arguments: { statement: 'SELECT COUNT(*) FROM ENCOUNTERS' }, verdict: 'allow' });
    await recorder.response(requestId, { sessionId: 's1', messageId: 1, outcome: 'ok', result: { rows: [{ COUNT: 3 }] }, rows: 1 });
    await access.revoke(requestId, 'agent:ci-nightly', 'extract finished');

    // Revoked; the archive activity has been tried (the gate is shut) — now the worker dies.
    await waitForStatus(access, requestId, (s) => s.state === 'REVOKED');
    await waitFor('an archive attempt', async () => ((await redis.lrange(`${prefix}:archive-attempts`, 0, -1)).includes(requestId) ? true : undefined), 30_000);
    await killWorker(first);
    const recordings = new RecordingLog(redis);
    expect(await recordings.length(requestId)).toBe(3);
    // The gateway may still append until the archiver seals the recording.
    await recorder.sessionEnd(requestId, { sessionId: 's1', reason: 'revoked' });

    await redis.set(`${prefix}:archive-gate`, 'open');
    await start('audit-worker-2');
    const done = await waitForStatus(access, requestId, (s) => s.state === 'ARCHIVED', 60_000);

    const store = new FolderArchiveStore(root);
    const files = await store.get(requestId);
    expect(verifyArchive(files, { publicKey: keys.publicKeyPem, expectedHead: done.archive!.digest })).toMatchObject({ ok: true });
    const archive = parseArchive(files);
    expect(archive.records.filter((r) => r.kind === 'recording').map((r) => r.body.type)).toEqual(['session_start', 'request', 'response', 'session_end']);
    expect(await recordings.length(requestId)).toBe(0);
  });
});
