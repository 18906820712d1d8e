import { createHash, createPrivateKey } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditArchiver } from '../../activities';
import { buildArchive, FolderArchiveStore, generateArchiveKeys, RecordingLog, RECORDS_FILE, serializeArchive, SessionRecorder } from '../../audit';
import type { Redis } from '../../lib';
import { runGatehouse } from '../support/cli';
import { startHarness, waitForState, waitForStatus, type Harness } from '../support/harness';

const PHI = { name: 'Ramona Seedvalue', ssn: '536-22-1847' };
const keys = generateArchiveKeys();

/** Runs `gatehouse ...` in this process and captures what it prints. */
async function gatehouse(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runGatehouse(args);
  return { code, out: stdout, err: stderr };
}

describe('gatehouse audit verify | show | replay | export', () => {
  let h: Harness;
  let root: string;
  let work: string;
  const ids: string[] = [];
  const marks: Date[] = [];

  const oneRequest = async (label: string, typed = '') => {
    const { requestId } = await h.access.request({ requester: 'agent:ci-nightly', origin: 'api', target: 'clinical', durationMs: 10_000, reason: `nightly ${label}${typed}` });
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    const recorder = new SessionRecorder(h.redis);
    await recorder.sessionStart(requestId, { sessionId: `s-${label}`, grantId: active.grantId!, subject: 'agent:ci-nightly', target: 'clinical', client: { name: 'ci' } });
    await recorder.request(requestId, { sessionId: `s-${label}`, messageId: 1, method: 'tools/call', tool: 'run_snowflake_query', verdict: 'allow', classes: ['read'], arguments: { statement: 'SELECT name, ssn FROM PATIENTS LIMIT 1' } });
    await recorder.response(requestId, { sessionId: `s-${label}`, messageId: 1, outcome: 'ok', result: { rows: [{ NAME: '[NAME]', SSN: '[SSN]' }] }, rows: 1, masked: [{ type: 'NAME', count: 1 }, { type: 'SSN', count: 1 }] });
    await recorder.sessionEnd(requestId, { sessionId: `s-${label}`, reason: 'closed' });
    await h.access.revoke(requestId, 'agent:ci-nightly', `done with ${label}`);
    ids.push(requestId);
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gatehouse-archives-'));
    work = await mkdtemp(path.join(tmpdir(), 'gatehouse-audit-cli-'));
    Object.assign(process.env, { GATEHOUSE_ARCHIVE_DIR: root, GATEHOUSE_ARCHIVE_PUBLIC_KEY: keys.publicKeyPem, GATEHOUSE_ARCHIVE_SIGNING_KEY: keys.privateKeyPem });
    h = await startHarness({
      archiver: (redis: Redis) => new AuditArchiver({ store: new FolderArchiveStore(root), recordings: new RecordingLog(redis), signingKey: createPrivateKey(keys.privateKeyPem), retentionMs: 86_400_000 }),
    });
    marks.push(new Date());
    await oneRequest('a');
    marks.push(new Date());
    await oneRequest('b');
    marks.push(new Date());
    await oneRequest('c', ` (patient SSN ${PHI.ssn})`); // PHI typed by a person: masked in the export
    marks.push(new Date());
    for (const id of ids) await waitForStatus(h.access, id, (s) => s.state === 'ARCHIVED');
  });
  afterAll(async () => {
    await h?.close();
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  test('verify: a sound archive matches its head in workflow history; an edited copy is named line by line', async () => {
    const ok = await gatehouse('audit', 'verify', ids[0]!);
    expect(ok.code).toBe(0);
    const head = (await h.access.status(ids[0]!)).archive!.digest;
    expect(ok.out).toContain(`workflow history of ${ids[0]} holds head ${head}`);
    expect(ok.out).toMatch(/^OK /);

    const copy = path.join(work, 'edited');
    await cp(path.join(root, ids[0]!), copy, { recursive: true });
    const records = path.join(copy, RECORDS_FILE);
    await chmod(records, 0o644);
    const lines = (await readFile(records, 'utf8')).split('\n');
    const at = lines.findIndex((l) => l.includes('SELECT name'));
    lines[at] = lines[at]!.replace('LIMIT 1', 'LIMIT 9');
    await writeFile(records, lines.join('\n'));
    const bad = await gatehouse('audit', 'verify', copy);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`altered           record ${at} (line ${at + 1}) was altered`);

    // A whole archive rebuilt and re-signed with the real key (a stolen key): chain and signature
    // are sound, but the head in workflow history gives it away.
    const forged = path.join(work, 'forged');
    const rebuilt = serializeArchive(buildArchive({ requestId: ids[0]!, events: [{ at: new Date().toISOString(), type: 'requested' }], recording: [], signingKey: keys.privateKeyPem }));
    await new FolderArchiveStore(forged).put(ids[0]!, rebuilt);
    const caught = await gatehouse('audit', 'verify', path.join(forged, ids[0]!));
    expect(caught.code).toBe(1);
    expect(caught.out).toContain(`head_mismatch     the manifest's head`);
    expect(caught.out).toContain(`differs from the head in workflow history ${head}`);
    expect((await gatehouse('audit', 'verify', path.join(forged, ids[0]!), '--offline')).code).toBe(0);
  });

  test('show tells the request from ask to archive, with every command and what was masked', async () => {
    const { code, out } = await gatehouse('audit', 'show', ids[0]!);
    expect(code).toBe(0);
    expect(out).toContain(`Access request ${ids[0]}  (ARCHIVED)`);
    expect(out).toMatch(/asked +\S+ by agent:ci-nightly \(api\) for clinical, 10s/);
    expect(out).toMatch(/reason +nightly a/);
    expect(out).toMatch(/approved +\S+ by policy:auto-approve/);
    expect(out).toMatch(/credential +GH_REQ_\w+: active \S+ until \S+/);
    expect(out).toMatch(/run_snowflake_query +allow -> ok, 1 rows; masked 1 NAME, 1 SSN/);
    expect(out).toContain('SELECT name, ssn FROM PATIENTS LIMIT 1');
    expect(out).toMatch(/ended +\S+ by agent:ci-nightly: done with a/);
    expect(out).toMatch(/verified +yes/);
  });

  test('replay prints the session step by step with offsets and timestamps', async () => {
    const { code, out } = await gatehouse('audit', 'replay', ids[0]!);
    expect(code).toBe(0);
    const steps = out.trimEnd().split('\n');
    expect(steps).toHaveLength(4);
    expect(steps[0]).toMatch(/^ +1 +\+00:00\.000 +\d{4}-\d\d-\d\dT\S+Z +session_start +session s-a by agent:ci-nightly with ci/);
    expect(steps[1]).toMatch(/request +tools\/call run_snowflake_query \{"statement":"SELECT name, ssn FROM PATIENTS LIMIT 1"\} -> allow/);
    expect(steps[2]).toMatch(/response +ok .*; masked 1 NAME, 1 SSN/);
    const withEvents = await gatehouse('audit', 'replay', ids[0]!, '--events');
    expect(withEvents.out).toMatch(/event:approved/);
  });

  test('export covers the period exactly (start included, end excluded) and verifies every archive in it', async () => {
    const out = path.join(work, 'pack-b');
    const run = await gatehouse('audit', 'export', '--from', marks[1]!.toISOString(), '--to', marks[2]!.toISOString(), '--out', out);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/archives verified \d+, FAILED 0/);
    // Other suites run requests on the same Temporal server at the same time: of ours, exactly
    // the one started in the period; and nothing started outside it.
    const inPack = JSON.parse(await readFile(path.join(out, 'requests.json'), 'utf8')).requests as { startedAt: string; status: { requestId: string } }[];
    expect(inPack.map((r) => r.status.requestId).filter((id) => ids.includes(id))).toEqual([ids[1]]);
    for (const r of inPack) {
      expect(Date.parse(r.startedAt)).toBeGreaterThanOrEqual(marks[1]!.getTime());
      expect(Date.parse(r.startedAt)).toBeLessThan(marks[2]!.getTime());
    }
    const requests = (await readFile(path.join(out, 'requests.csv'), 'utf8')).trim().split('\r\n');
    expect(requests).toHaveLength(inPack.length + 1);
    expect(requests.some((line) => line.startsWith(`${ids[1]},`))).toBe(true);
    const verification = JSON.parse(await readFile(path.join(out, 'verification.json'), 'utf8'));
    expect(verification.archives).toEqual(expect.arrayContaining([expect.objectContaining({ requestId: ids[1], ok: true })]));
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
    for (const [name, digest] of Object.entries(manifest.manifest.files)) {
      expect(createHash('sha256').update(await readFile(path.join(out, name))).digest('hex')).toBe(digest);
    }
    expect(manifest.signature).toEqual(expect.any(String));

    const all = path.join(work, 'pack-all');
    expect((await gatehouse('audit', 'export', '--from', marks[0]!.toISOString(), '--to', marks[3]!.toISOString(), '--out', all)).code).toBe(0);
    const csv = (await readFile(path.join(all, 'requests.csv'), 'utf8')).trim().split('\r\n').slice(1).map((l) => l.split(',')[0]);
    expect(csv.filter((id) => ids.includes(id!))).toEqual(ids);
    // Nothing secret and no seeded PHI in the pack.
    const text = (await Promise.all((await readdir(all)).map((f) => readFile(path.join(all, f), 'utf8')))).join('\n');
    for (const value of Object.values(PHI)) expect(text).not.toContain(value);
    expect(text).toContain('nightly c (patient SSN [SSN])');
    for (const secret of h.provider.secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/PRIVATE KEY|ghg_/);
  });

  test('bad input gets a clear error', async () => {
    expect((await gatehouse('audit', 'export', '--from', 'yesterday', '--to', '2026-01-01')).err).toMatch(/--from "yesterday" is not a date/);
    expect((await gatehouse('audit', 'show', 'req_doesnotexist000000')).err).toMatch(/no access request req_doesnotexist000000/);
    process.env.GATEHOUSE_ARCHIVE_STORE = 'nfs';
    try {
      const misconfigured = await gatehouse('audit', 'verify', ids[0]!);
      expect(misconfigured.code).toBe(3);
      expect(misconfigured.err).toMatch(/GATEHOUSE_ARCHIVE_STORE is "nfs"; use "folder" or "s3"/);
    } finally {
      delete process.env.GATEHOUSE_ARCHIVE_STORE;
    }
  });
});
