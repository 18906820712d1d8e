import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { AuditArchiver } from '../../activities';
import { createApiApp, createOidcVerifier, listen, type RunningApi } from '../../api';
import { auditRoutes } from '../../api/routes/audit';
import { AuditReader, canonicalJson, FolderArchiveStore, generateArchiveKeys, RecordingLog, SessionRecorder, TemporalHistory } from '../../audit';
import { newRequestId, type Redis } from '../../lib';
import { requesterKey, stateKey, targetKey } from '../../workflows';
import { oidcSettings } from '../api/fixture';
import { eventually } from '../support/eventually';
import { startHarness, waitForState, waitForStatus, type Harness } from '../support/harness';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc';

const keys = generateArchiveKeys();

describe('the audit API (audit:read)', () => {
  let h: Harness;
  let oidc: TestOidcProvider;
  let api: RunningApi;
  let root: string;
  let requestId: string;
  let startedAt: Date;

  const call = async (route: string, token?: string) => {
    const res = await fetch(`${api.url}${route}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are checked field by field
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gatehouse-archives-'));
    const store = new FolderArchiveStore(root);
    h = await startHarness({
      archiver: (redis: Redis) => new AuditArchiver({ store, recordings: new RecordingLog(redis), signingKey: createPrivateKey(keys.privateKeyPem), retentionMs: 86_400_000 }),
    });
    oidc = await startOidcProvider({ clients: [
      { clientId: 'auditor@example.org', clientSecret: 'auditor-secret-0123456789abcdef', scope: 'audit:read' },
      { clientId: 'carol@example.org', clientSecret: 'carol-secret-0123456789abcdef', scope: 'access:request' },
    ] });
    const log = pino({ level: 'warn' }, new Writable({ write: (_c, _e, done) => done() }));
    const reader = new AuditReader({ history: new TemporalHistory(h.client, { queryTimeoutMs: 5000 }), store, verifyKey: () => createPublicKey(keys.publicKeyPem) });
    const app = createApiApp({
      verifier: createOidcVerifier(oidcSettings(oidc)), log, issuer: oidc.issuer,
      routes: [auditRoutes({ reader, publicKey: () => createPublicKey(keys.publicKeyPem), signingKey: () => createPrivateKey(keys.privateKeyPem) })],
    });
    api = await listen(app, '127.0.0.1', 0);

    startedAt = new Date();
    ({ requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 15_000, reason: 'quarterly readmission review', ticket: 'AUD-9' }));
    await h.access.approve(requestId, 'bob@example.org');
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    const recorder = new SessionRecorder(h.redis);
    await recorder.sessionStart(requestId, { sessionId: 'sess-web', grantId: active.grantId!, subject: 'carol@example.org', target: 'clinical', client: { name: 'cursor' } });
    await recorder.request(requestId, { sessionId: 'sess-web', messageId: 1, method: 'tools/call', tool: 'run_snowflake_query', verdict: 'allow', classes: ['read'], arguments: { statement: 'SELECT patient_name, dob FROM ENCOUNTERS LIMIT 2' } });
    await recorder.response(requestId, { sessionId: 'sess-web', messageId: 1, outcome: 'ok', result: { rows: [{ PATIENT_NAME: '[NAME]', DOB: '[DATE]' }] }, rows: 2, masked: [{ type: 'NAME', count: 2 }, { type: 'DATE', count: 2 }] });
    await recorder.sessionEnd(requestId, { sessionId: 'sess-web', reason: 'revoked' });
    await h.access.revoke(requestId, 'carol@example.org', 'review done');
    await waitForStatus(h.access, requestId, (s) => s.state === 'ARCHIVED');
  });
  afterAll(async () => {
    await api?.close();
    await oidc?.close();
    await h?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('routes: evidence, recording and export need audit:read; the public key is public', async () => {
    const auditor = await oidc.token('auditor@example.org');
    const carol = await oidc.token('carol@example.org');
    expect((await call(`/v1/audit/requests/${requestId}`)).status).toBe(401);
    expect((await call(`/v1/audit/requests/${requestId}`, carol)).status).toBe(403);

    const view = await call(`/v1/audit/requests/${requestId}`, auditor);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ requestId, status: { state: 'ARCHIVED', decision: { by: 'bob@example.org' } }, verification: { ok: true }, archive: { head: view.body.status.archive.digest } });
    expect(view.body.commands).toEqual([expect.objectContaining({ tool: 'run_snowflake_query', outcome: 'ok', rows: 2, masked: [{ type: 'NAME', count: 2 }, { type: 'DATE', count: 2 }] })]);

    const rec = await call(`/v1/audit/requests/${requestId}/recording`, auditor);
    expect(rec.body.steps.map((s: { entry: { type: string } }) => s.entry.type)).toEqual(['session_start', 'request', 'response', 'session_end']);
    expect((await call('/v1/audit/requests/req_aaaaaaaaaaaaaaaaaaaa', auditor)).status).toBe(404);
    expect((await call('/v1/audit/requests/nope', auditor)).status).toBe(400);

    // A request no worker will ever answer for (its queue has no poller): its status cannot be read.
    const unreadableId = newRequestId();
    const orphan = await h.client.workflow.start('accessRequest', {
      taskQueue: 'gatehouse-test-nobody-polls', workflowId: unreadableId, args: [],
      typedSearchAttributes: [{ key: requesterKey, value: 'mallory@example.org' }, { key: targetKey, value: 'clinical' }, { key: stateKey, value: 'ACTIVE' }],
    });
    // And one whose worker polls but cannot answer: its workflow task fails (no input), so the status query fails.
    const brokenId = newRequestId();
    const broken = await h.client.workflow.start('accessRequest', {
      taskQueue: h.taskQueue, workflowId: brokenId, args: [],
      typedSearchAttributes: [{ key: requesterKey, value: 'agent:broken-run' }, { key: targetKey, value: 'clinical' }, { key: stateKey, value: 'REQUESTED' }],
    });
    // Visibility lists a new workflow shortly after it starts (the export reads the period from it).
    await eventually(async () => {
      let n = 0;
      for await (const wf of h.client.workflow.list({ query: `WorkflowId = '${unreadableId}' OR WorkflowId = '${brokenId}'` })) n += wf.workflowId ? 1 : 0;
      return n === 2;
    }, 'both unreadable requests in visibility');
    try {
      const pack = await call(`/v1/audit/export?from=${encodeURIComponent(startedAt.toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 1000).toISOString())}`, auditor);
      // Never refused whole, never silently missing it: the pack lists it from visibility, marked, and counts it.
      expect(pack.status).toBe(200);
      expect(pack.body.summary).toMatchObject({ failed: 0 }); // other suites' requests may share the period
      expect(pack.body.summary.unreadable).toBeGreaterThanOrEqual(1);
      const files = pack.body.files as Record<string, string>;
      expect(files['requests.csv']).toContain(requestId);
      const line = files['requests.csv']!.split('\r\n').find((l) => l.startsWith(`${unreadableId},`));
      expect(line).toMatch(/^req_\w+,[^,]+,,mallory@example\.org,,clinical,,,,ACTIVE,.*,"?UNREADABLE: cannot read the status of req_\w+ \(RUNNING\)/);
      expect(files['requests.csv']!.split('\r\n').find((l) => l.startsWith(`${requestId},`))).toMatch(/,yes$/);
      const unreadable = files['unreadable.csv']!.split('\r\n').find((l) => l.startsWith(`${unreadableId},`));
      expect(unreadable).toMatch(/,RUNNING,gatehouse-test-nobody-polls,mallory@example\.org,clinical,ACTIVE,,/);
      expect(unreadable).toContain('GatehouseRequester');
      const listed = JSON.parse(files['requests.json']!).requests.find((r: { status: { requestId: string } }) => r.status.requestId === unreadableId);
      expect(listed).toMatchObject({ readable: false, workflowStatus: 'RUNNING', status: { requester: 'mallory@example.org', target: 'clinical', state: 'ACTIVE' }, commands: null });
      const verification = JSON.parse(files['verification.json']!);
      expect(verification.archives).toEqual(expect.arrayContaining([expect.objectContaining({ requestId: unreadableId, ok: null, unreadable: true })]));
      expect(verification.summary).toEqual({ requests: pack.body.summary.requests, verified: pack.body.summary.verified, failed: 0, notArchived: pack.body.summary.notArchived, unreadable: pack.body.summary.unreadable });
      // The signed report counts it: the manifest's count covers every request, unreadable included.
      const signed = JSON.parse(files['manifest.json']!);
      expect(signed.manifest).toMatchObject({ requests: pack.body.summary.requests, unreadable: pack.body.summary.unreadable });
      expect(pack.body.summary.requests).toBe(files['requests.csv']!.trim().split('\r\n').length - 1);
      const key = await call('/v1/audit/public-key');
      expect(key.body).toMatchObject({ algorithm: 'Ed25519', publicKey: keys.publicKeyPem });
      expect(verify(null, Buffer.from(canonicalJson(signed.manifest)), createPublicKey(key.body.publicKey), Buffer.from(signed.signature, 'base64'))).toBe(true);
      // Its own page still says it cannot be read (503, named), never a 500.
      const alone = await call(`/v1/audit/requests/${unreadableId}`, auditor);
      expect(alone.status).toBe(503);
      expect(alone.body.detail).toContain(unreadableId);
      // The one whose query failed is listed too, with the query's failure as the reason, next to the readable ones.
      const failed = files['unreadable.csv']!.split('\r\n').find((l) => l.startsWith(`${brokenId},`));
      expect(failed).toMatch(new RegExp(`,RUNNING,${h.taskQueue},agent:broken-run,clinical,REQUESTED,,.*cannot read the status of ${brokenId} \\(RUNNING\\): \\S`));
      expect(failed).not.toContain('no worker polls');
      // With why the query failed (its cause), not only that it did.
      expect(failed).toMatch(/Failed to query Workflow: \S/);
      expect(files['requests.csv']!.split('\r\n').find((l) => l.startsWith(`${brokenId},`))).toContain('UNREADABLE: cannot read the status');
    } finally {
      await orphan.terminate('test over');
      await broken.terminate('test over');
    }
    expect((await call('/v1/audit/export?from=2026-02-01&to=2026-01-01', auditor)).status).toBe(400);
  });

  test('the old token-pasting page sends browsers to the audit console', async () => {
    const res = await fetch(`${api.url}/audit`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/console');
  });
});
