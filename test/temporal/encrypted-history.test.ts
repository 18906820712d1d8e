import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { ensureTemporalCli } from '../../devstack';
import { generatePayloadKey, parsePayloadKeys, temporalDataConverter } from '../../lib';
import { startHarness, waitForState, waitForStatus, type Harness } from '../support/harness';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);

const REQUESTER = 'carol@example.org';
const APPROVER = 'alice@example.org';
const COMMAND_APPROVER = 'bob@example.org';
const REASON = 'check claim for Jane Doe DOB 3/4/1950 before the appeal';
const TICKET = 'INC-77812';
const SQL = "SELECT first_name, dob FROM CLINICAL.PHI.PATIENTS WHERE mrn = '8812301'";
const DENIAL = 'never by name, use the claim id';
/** Everything a person or an agent typed about this request. None may be readable in Temporal. */
const TYPED = [REASON, 'Jane Doe', '3/4/1950', TICKET, SQL, 'CLINICAL.PHI.PATIENTS', '8812301', DENIAL];

interface RawPayload { path: string; encoding: string; text: string }

/** Every payload of a raw history (the CLI's JSON: bytes in base64), with where it sits. */
function payloadsOf(node: unknown, path = ''): RawPayload[] {
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && 'encoding' in (record.metadata as object)) {
    const encoding = Buffer.from(String((record.metadata as Record<string, string>).encoding), 'base64').toString('utf8');
    return [{ path, encoding, text: Buffer.from(String(record.data ?? ''), 'base64').toString('utf8') }];
  }
  return Object.entries(record).flatMap(([key, value]) => payloadsOf(value, `${path}/${key}`));
}

function gatehouse(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'gatehouse.js'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('workflow history with the payload codec on (the test stack\'s default)', () => {
  let h: Harness;
  let requestId: string;
  let raw: string;

  beforeAll(async () => {
    h = await startHarness();
    ({ requestId } = await h.access.request({ requester: REQUESTER, origin: 'api', target: 'clinical', durationMs: 20_000, reason: REASON, ticket: TICKET }));
    await h.access.approve(requestId, APPROVER);
    await waitForState(h.access, requestId, 'ACTIVE');
    const decision = h.access.reviewCommand(requestId, { commandId: 'cmd_codec00000000001', tool: 'run_snowflake_query', summary: SQL, classes: ['read'], risk: 'high' });
    await waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.commandId === 'cmd_codec00000000001'));
    await h.access.decideCommand(requestId, 'cmd_codec00000000001', COMMAND_APPROVER, false, DENIAL);
    await expect(decision).resolves.toMatchObject({ approved: false, reason: DENIAL });
    await h.access.revoke(requestId, REQUESTER, 'done');
    await waitForStatus(h.access, requestId, (s) => s.timeline.some((e) => e.type === 'archived'));
    await h.client.workflow.getHandle(requestId).result();
    // What an operator of the Temporal cluster sees: the Temporal CLI, without Gatehouse's keys.
    const cli = ensureTemporalCli();
    raw = (await run(cli, ['workflow', 'show', '--workflow-id', requestId, '--address', process.env.TEMPORAL_ADDRESS!, '--namespace', 'default', '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  });

  afterAll(async () => {
    await h?.close();
  });

  test('the raw history read with the Temporal CLI (workflow show) holds none of the reason, ticket, people or SQL', () => {
    const history = JSON.parse(raw) as unknown;
    const payloads = payloadsOf(history);
    const sealed = payloads.filter((p) => p.encoding === 'binary/encrypted');
    const plain = payloads.filter((p) => p.encoding !== 'binary/encrypted');
    // Inputs, results, update arguments and results, activity inputs and results: all sealed.
    expect(sealed.length).toBeGreaterThan(20);
    // Only search attributes are plaintext, by Temporal's design, and only the documented ones.
    // Also plaintext: the ids of patched() markers (Temporal writes them itself, not through the codec).
    for (const p of plain.filter((q) => q.path.endsWith('/markerRecordedEventAttributes/details/patch-data/payloads/0'))) {
      expect(JSON.parse(p.text)).toEqual({ id: expect.stringMatching(/^[a-z][a-z0-9-]*$/), deprecated: false });
    }
    // And a local activity's marker metadata (which activity, attempt, times); its result is sealed.
    for (const p of plain.filter((q) => q.path.endsWith('/markerRecordedEventAttributes/details/data/payloads/0'))) {
      expect(Object.keys(JSON.parse(p.text) as object).every((k) => ['seq', 'attempt', 'activity_id', 'activity_type', 'complete_time', 'backoff', 'original_schedule_time'].includes(k))).toBe(true);
    }
    for (const p of plain.filter((q) => !/\/markerRecordedEventAttributes\/details\/(patch-data|data)\/payloads\/0$/.test(q.path))) expect(p.path).toMatch(/\/searchAttributes\/indexedFields\/(Gatehouse(Requester|Target|State|Approver|Findings)|TemporalChangeVersion)$/);
    const readable = `${raw}\n${plain.map((p) => p.text).join('\n')}`;
    for (const typed of TYPED) expect({ typed, found: readable.includes(typed) }).toEqual({ typed, found: false });
    // People appear only as search attribute values (workforce identities, findable in the UI), never elsewhere.
    const outsideSearchAttributes = `${raw}\n${plain.filter((p) => !p.path.includes('searchAttributes')).map((p) => p.text).join('\n')}`;
    for (const person of [REQUESTER, APPROVER, COMMAND_APPROVER]) expect({ person, found: outsideSearchAttributes.includes(person) }).toEqual({ person, found: false });
    expect(plain.map((p) => p.text).join('\n')).not.toContain(COMMAND_APPROVER);
  });

  test('gatehouse audit show still reads it with the payload keys; with other keys it names the key it lacks', async () => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_')));
    const env = { ...base, GATEHOUSE_STATE_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-codec-')), GATEHOUSE_CONFIG: '/nonexistent.yaml', LOG_LEVEL: 'warn' };
    const shown = await gatehouse(['audit', 'show', '--json', requestId], { ...env, GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS });
    expect(shown.stderr).toBe('');
    const status = (JSON.parse(shown.stdout) as { status: { requester: string; ticket: string; reason: string; decision: { by: string } } }).status;
    expect(status).toMatchObject({ requester: REQUESTER, ticket: TICKET, decision: { by: APPROVER } });
    expect(status.reason).toContain('check claim for');

    const wrong = await gatehouse(['audit', 'show', requestId], { ...env, GATEHOUSE_PAYLOAD_KEYS: generatePayloadKey('other') });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/cannot read the status of req_\w+ \(COMPLETED\): a payload is encrypted with key "test", which is not in GATEHOUSE_PAYLOAD_KEYS \(known: other\)/);
  });

  test('replay after a key rotation: the history decrypts with the old key kept after the new one, and the workflow code replays it deterministically', async () => {
    const history = await h.client.workflow.getHandle(requestId).fetchHistory();
    const rotated = parsePayloadKeys(`rot2:${randomBytes(32).toString('base64')},${process.env.GATEHOUSE_PAYLOAD_KEYS}`);
    const bundle = { workflowBundle: { codePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE! } };
    await Worker.runReplayHistory({ ...bundle, dataConverter: temporalDataConverter({ payloadKeys: rotated }) }, history, requestId);
    // Without the old key the same history cannot be replayed: the codec is really in the path.
    const forgotten = parsePayloadKeys(`rot2:${randomBytes(32).toString('base64')}`);
    await expect(Worker.runReplayHistory({ ...bundle, dataConverter: temporalDataConverter({ payloadKeys: forgotten }) }, history, requestId)).rejects.toThrow();
  });
});
