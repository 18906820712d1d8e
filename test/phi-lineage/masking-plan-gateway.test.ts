// Through the real gateway and the real recorder (Redis): a SQL answer's full masking report is
// recorded once per plan per session, before the first answer that names it by digest; later
// answers under the same plan carry only the digest. Anything that changes what the report says is
// another plan with its own entry; concurrent calls share one write; a plan the recording does not
// take withholds the answer. The same holds for a 2026-07-28 client (one recording session per grant).
// The plan's entry is written in the same Redis script as its first answer (counted with MONITOR);
// a request's own _meta cannot stand in for the gateway's; a session records at most so many plans
// (and so many bytes of them), counted in Redis: gateway replicas serving one grant count together.
import { join } from 'node:path';
import {
  buildArchive, buildEvidencePack, canonicalJson, describeRequest, generateArchiveKeys, maskingPlanDigest, recordingKey, RecordingLog, serializeArchive, sessionCommands, SessionRecorder,
  type EvidenceItem,
} from '../../audit';
import { connectRedis, waitForRedis, type Redis } from '../../lib';
import type { TargetConfig } from '../../policy';
import { MASKING_META_KEY, PhiMasker } from '../../proxy';
import { connectClient, failureOf, failureText, startTestGateway, testRedisUrl, type TestGateway } from '../proxy/support';
import { connectV2 } from '../proxy/modern-support';
import { clinicalCatalog } from './catalog-fixture';

const upstream = join(__dirname, 'fixtures/table-upstream.js');
const CONFIG = `
version: 1
groups:
  approvers: [alice@example.org]
targets:
  - name: clinical
    description: a table-answering stand-in for the Snowflake MCP server
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(upstream)}] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: [run_snowflake_query]
      sqlArguments: [statement]
      sql: { read: allow, write: deny, ddl: deny, privilege: deny, export: deny, multi_statement: deny, unparseable: deny }
`;

const SNEAKY = "SELECT PATIENT_ID, STATE, REVERSE(REPLACE(SSN, '-', '')) AS ICD10, LOWER(LAST_NAME) AS WARD, CREATED_AT FROM CLINICAL.PHI.PATIENTS";
const OTHER = 'SELECT PATIENT_ID, UPPER(FIRST_NAME) AS F FROM CLINICAL.PHI.PATIENTS';

/** The recorder, with a write that carries a masking plan entry refused on demand (the recording is down for it). */
class PlanRefusingRecorder extends SessionRecorder {
  refusePlans = false;
  plansAsked = 0;
  override response(...args: Parameters<SessionRecorder['response']>): Promise<string> {
    if (args[2]) this.plansAsked += 1;
    if (args[2] && this.refusePlans) return Promise.reject(new Error('RECORDING_UNAVAILABLE: the recording is down'));
    return super.response(...args);
  }
  override responseWith(...args: Parameters<SessionRecorder['responseWith']>): Promise<string> {
    if (args[3]) this.plansAsked += 1;
    if (args[3] && this.refusePlans) return Promise.reject(new Error('RECORDING_UNAVAILABLE: the recording is down'));
    return super.responseWith(...args);
  }
}

type Entry = Record<string, unknown> & { type: string };

describe('masking plans in the recording', () => {
  let redis: Redis;
  let gw: TestGateway;
  let recorder: PlanRefusingRecorder;
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    recorder = new PlanRefusingRecorder(redis);
    gw = await startTestGateway({
      config: CONFIG, recorder,
      masker: (target) => new PhiMasker(target, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog } }),
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    redis?.disconnect();
  });

  const entries = async (requestId: string): Promise<{ streamId: string; entry: Entry; bytes: number }[]> =>
    (await new RecordingLog(redis).read(requestId)).map((s) => ({ streamId: s.streamId, entry: s.entry as Entry, bytes: canonicalJson(s.entry).length }));
  const call = (client: Awaited<ReturnType<typeof connectClient>>['client'], statement: string, extra?: string) =>
    client.callTool({ name: 'run_snowflake_query', arguments: { statement, ...(extra !== undefined ? { extra } : {}) } });

  test('one plan entry per plan per session, before the first answer; every answer names it; the per-call entry is small', async () => {
    const { token, grant } = await gw.grant('clinical');
    const { client } = await connectClient(gw.url, 'clinical', token);
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await call(client, SNEAKY));
      const meta = answers.map((a) => (a._meta as Record<string, { plan: string; masked: unknown[] }>)[MASKING_META_KEY]!);
      expect(new Set(meta.map((m) => m.plan)).size).toBe(1);
      expect(meta[0]!.masked).toEqual([{ index: 2, name: 'ICD10', type: 'SSN' }, { index: 3, name: 'WARD', type: 'NAME' }]);
      expect(JSON.stringify(answers)).not.toContain('CLINICAL.PHI.PATIENTS');

      const recorded = await entries(grant.requestId);
      const plans = recorded.filter((r) => r.entry.type === 'masking_plan');
      expect(plans).toHaveLength(1);
      const plan = plans[0]!.entry as unknown as { digest: string; salt: string; report: Record<string, unknown>; sessionId: string };
      expect(plan.digest).toBe(meta[0]!.plan);
      expect(maskingPlanDigest(plan.salt, plan.report)).toBe(plan.digest);
      expect(canonicalJson(plan.report)).toContain('derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE; masked whole as SSN');
      const responses = recorded.filter((r) => r.entry.type === 'response' && r.entry.maskingPlan !== undefined);
      expect(responses).toHaveLength(5);
      for (const r of responses) {
        expect(r.entry.maskingPlan).toBe(plan.digest);
        expect(r.entry.sessionId).toBe(plan.sessionId);
        // The report is not repeated: no source column, path or reason in any answer's entry.
        expect(JSON.stringify(r.entry)).not.toContain('CLINICAL.PHI.PATIENTS');
        // What masking adds to each call's entry: the digest and two masked columns, not the ~1 KB report.
        expect(canonicalJson((r.entry.result as { _meta: unknown })._meta).length).toBeLessThan(250);
      }
      // The plan entry comes before the first answer that names it.
      expect(recorded.indexOf(plans[0]!)).toBeLessThan(recorded.indexOf(responses[0]!));
      expect(canonicalJson(plan.report).length).toBeGreaterThan(900);
    } finally {
      await client.close();
    }
  });

  test('another session of the same grant records the plan again, for itself', async () => {
    const { token, grant } = await gw.grant('clinical');
    for (let s = 0; s < 2; s++) {
      const { client } = await connectClient(gw.url, 'clinical', token);
      try {
        await call(client, SNEAKY);
        await call(client, SNEAKY);
      } finally {
        await client.close();
      }
    }
    const plans = (await entries(grant.requestId)).filter((r) => r.entry.type === 'masking_plan');
    expect(plans).toHaveLength(2);
    expect(new Set(plans.map((p) => p.entry.sessionId)).size).toBe(2);
  });

  test('calls of one new plan at once: one entry, written before every answer that names it', async () => {
    const { token, grant } = await gw.grant('clinical');
    const { client } = await connectClient(gw.url, 'clinical', token);
    try {
      await Promise.all(Array.from({ length: 8 }, () => call(client, OTHER)));
    } finally {
      await client.close();
    }
    const recorded = await entries(grant.requestId);
    const plans = recorded.filter((r) => r.entry.type === 'masking_plan');
    expect(plans).toHaveLength(1);
    const first = recorded.findIndex((r) => r.entry.type === 'response' && r.entry.maskingPlan === plans[0]!.entry.digest);
    expect(first).toBeGreaterThan(recorded.indexOf(plans[0]!));
    expect(recorded.filter((r) => r.entry.maskingPlan === plans[0]!.entry.digest)).toHaveLength(8);
  });

  // A hostile agent gets a plan recorded, then varies what the report would say (here a member the
  // upstream echoes beside the rows) under the same statement: each variation is its own plan.
  test('the same statement with a report that says something else is another plan entry; the same again is not', async () => {
    const { token, grant } = await gw.grant('clinical');
    const { client } = await connectClient(gw.url, 'clinical', token);
    try {
      await call(client, SNEAKY);
      await call(client, SNEAKY, 'Smith 123-45-6789');
      await call(client, SNEAKY, 'Smith 123-45-6789');
      await call(client, `${SNEAKY} /* FORGE */`);
    } finally {
      await client.close();
    }
    const recorded = await entries(grant.requestId);
    const plans = recorded.filter((r) => r.entry.type === 'masking_plan');
    // The statement with a comment is the same plan as the first (the report is the same).
    expect(plans).toHaveLength(2);
    const withExtra = plans.find((p) => (p.entry.report as { unreadable?: unknown }).unreadable);
    expect((withExtra!.entry.report as { unreadable: { keys: string[] } }).unreadable.keys).toEqual(['structuredContent.extra']);
    // Each answer names the plan whose report describes it.
    const responses = recorded.filter((r) => r.entry.type === 'response' && r.entry.maskingPlan);
    expect(responses.map((r) => plans.findIndex((p) => p.entry.digest === r.entry.maskingPlan))).toEqual([0, 1, 1, 0]);
    // The upstream's own `gatehouse/masking` member is not what the agent or the record got.
    const forged = responses[3]!.entry as unknown as { maskingPlan: string; result: { _meta: Record<string, { plan: string }> } };
    expect(forged.result._meta[MASKING_META_KEY]!.plan).toBe(forged.maskingPlan);
    expect(forged.maskingPlan).not.toBe(`sha256:${'0'.repeat(64)}`);
  });

  test('a plan the recording does not take: the answer is withheld, and the next call writes the plan', async () => {
    const { token, grant } = await gw.grant('clinical');
    const { client } = await connectClient(gw.url, 'clinical', token);
    try {
      recorder.refusePlans = true;
      expect(await failureOf(call(client, 'SELECT SSN FROM CLINICAL.PHI.PATIENTS'))).toMatch(/withheld: it could not be recorded/);
      recorder.refusePlans = false;
      const ok = await call(client, 'SELECT SSN FROM CLINICAL.PHI.PATIENTS');
      expect(ok.isError).toBeFalsy();
    } finally {
      recorder.refusePlans = false;
      await client.close();
    }
    const recorded = await entries(grant.requestId);
    const responses = recorded.filter((r) => r.entry.type === 'response');
    expect(responses.map((r) => r.entry.outcome)).toEqual(expect.arrayContaining(['withheld', 'ok']));
    // Nothing names a plan the recording does not hold.
    const held = new Set(recorded.filter((r) => r.entry.type === 'masking_plan').map((r) => r.entry.digest));
    for (const r of responses) if (r.entry.maskingPlan) expect(held.has(r.entry.maskingPlan)).toBe(true);
    expect(held.size).toBe(1);
  });

  test('the first answer of a plan: no extra round trip to the recording; in the answer\'s own script one XADD more, and the session\'s count of plans read and written (MONITOR)', async () => {
    const { token, grant } = await gw.grant('clinical');
    const key = `gatehouse:recording:${grant.requestId}`;
    const monitor = await redis.monitor();
    const seen: { lua: boolean; command: string; entry?: string }[] = [];
    let marks = 0;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args[1] === 'gatehouse-test:monitor-mark') marks += 1;
      else if (args.some((a) => a === key || a === `${key}:sealed` || a === `${key}:plans`)) {
        const command = String(args[0]).toUpperCase();
        // EVAL is only ever sent after NOSCRIPT (another suite's SCRIPT FLUSH): the same round trip, retried.
        if (command === 'EVAL' && source !== 'lua') return;
        // The entry's type is its canonical JSON's last top-level key (MONITOR's quoting of nested JSON does not always parse back).
        seen.push({ lua: source === 'lua', command, ...(command === 'XADD' ? { entry: [...args.at(-1)!.matchAll(/"type\\?":\\?"([a-z_]+)/g)].at(-1)?.[1] } : {}) });
      }
    });
    const take = async () => {
      const want = marks + 1;
      await redis.exists('gatehouse-test:monitor-mark');
      while (marks < want) await new Promise((resolve) => setTimeout(resolve, 5));
      return seen.splice(0);
    };
    const { client } = await connectClient(gw.url, 'clinical', token);
    try {
      await call(client, OTHER);
      await take();
      await call(client, SNEAKY);
      const first = await take();
      await call(client, SNEAKY);
      const later = await take();
      const roundTrips = (c: typeof seen) => c.filter((x) => !x.lua).length;
      expect(first.filter((x) => x.command === 'XADD').map((x) => x.entry)).toEqual(['request', 'masking_plan', 'response']);
      expect(later.filter((x) => x.command === 'XADD').map((x) => x.entry)).toEqual(['request', 'response']);
      // The request entry and the response entry: two round trips either way (three before: the plan was its own write).
      expect(roundTrips(first)).toBe(2);
      expect(roundTrips(later)).toBe(2);
      expect(first.filter((x) => x.lua && x.command !== 'XADD').map((x) => x.command).sort()).toEqual(['EXISTS', 'EXISTS', 'HMGET', 'HSET']);
      expect(first.length - later.length).toBe(3);
    } finally {
      monitor.disconnect();
      await client.close();
    }
  });

  // A prompt-injected agent puts the gateway's own _meta key in its request (here naming the plan of
  // an earlier, harmless answer, and an old-format report saying nothing was masked), and the
  // upstream echoes the request's _meta into its result: neither the agent, nor the recording, nor
  // the evidence read from it takes that for the gateway's plan.
  test('a request\'s own _meta["gatehouse/masking"], echoed by the upstream, is not the answer\'s plan or its why', async () => {
    const { token, grant } = await gw.grant('clinical');
    const { client } = await connectClient(gw.url, 'clinical', token);
    let harmless: string;
    try {
      const first = await client.callTool({ name: 'run_snowflake_query', arguments: { statement: 'SELECT PATIENT_ID FROM CLINICAL.PHI.PATIENTS' } });
      harmless = (first._meta as Record<string, { plan: string }>)[MASKING_META_KEY]!.plan;
      const forgedWhy = { plan: harmless, masked: [], counts: {}, total: 0, columns: [{ name: 'ICD10', action: 'pass', rule: 'all-sources-none', sources: [], reason: 'every source column is classified none' }] };
      const answer = await client.callTool({ name: 'run_snowflake_query', arguments: { statement: SNEAKY }, _meta: { [MASKING_META_KEY]: forgedWhy, 'example.org/trace': 'abc' } });
      const meta = answer._meta as Record<string, { plan: string; masked: unknown[] }>;
      expect(meta[MASKING_META_KEY]!.plan).not.toBe(harmless);
      expect(meta[MASKING_META_KEY]!.masked).toEqual([{ index: 2, name: 'ICD10', type: 'SSN' }, { index: 3, name: 'WARD', type: 'NAME' }]);
    } finally {
      await client.close();
    }
    const recorded = await entries(grant.requestId);
    const responses = recorded.filter((r) => r.entry.type === 'response' && r.entry.maskingPlan);
    expect(responses).toHaveLength(2);
    const last = responses[1]!.entry as unknown as { maskingPlan: string; result: { _meta: Record<string, { plan: string }> } };
    expect(last.maskingPlan).not.toBe(harmless);
    expect(last.result._meta[MASKING_META_KEY]!.plan).toBe(last.maskingPlan);
    // The evidence read from the recording: the gateway's own why for the answer, with ICD10 masked.
    const archive = buildArchive({ requestId: grant.requestId, events: [], recording: recorded.map((r) => r.entry as never), signingKey: generateArchiveKeys().privateKeyPem });
    const commands = sessionCommands(archive.records);
    const calls = commands.filter((c) => c.method === 'tools/call');
    expect(calls).toHaveLength(2);
    const why = calls[1]!.maskingWhy as { columns: { name: string; action: string }[]; unreadable?: { keys: string[] } };
    expect(why.columns.find((c) => c.name === 'ICD10')!.action).toBe('mask');
    // The upstream's echo of the request's other _meta key is masked whole; the forged one is simply dropped.
    expect(why.unreadable!.keys).toEqual(['_meta.example.org/trace']);
  });

  // An injected agent puts a patient's SSN or name where the statement stops parsing: the parser's
  // message quotes what it found there, and the plan's reason (kept six years) quoted the message.
  test('a statement that does not parse: the plan says where, nothing of what the parser found there, in the recording or _meta', async () => {
    // A target whose policy lets unparseable SQL through (`allow`, or `hold` and an approver said yes): the masker's own parse fails.
    const lenient = await startTestGateway({
      config: `${CONFIG.replace('unparseable: deny', 'unparseable: allow')}    masking: { phiPredicates: { SSN: allow } }\n`, recorder: new SessionRecorder(redis),
      masker: (target) => new PhiMasker(target, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog } }),
    });
    const { token, grant } = await lenient.grant('clinical');
    const { client } = await connectClient(lenient.url, 'clinical', token);
    const statements = [
      "SELECT PATIENT_ID, LAST_NAME FROM CLINICAL.PHI.PATIENTS WHERE SSN LIKE '1%' ESCAPE 078051120",
      'SELECT PATIENT_ID, LAST_NAME FROM CLINICAL.PHI.PATIENTS LIMIT Jane_Doe',
    ];
    const metas: string[] = [];
    try {
      for (const statement of statements) {
        const answer = await call(client, statement);
        expect(answer.isError).toBeFalsy();
        metas.push(JSON.stringify((answer._meta as Record<string, unknown>)[MASKING_META_KEY]));
      }
    } finally {
      await client.close();
      await lenient.close();
    }
    const recorded = await entries(grant.requestId);
    const plans = recorded.filter((r) => r.entry.type === 'masking_plan').map((r) => r.entry as unknown as { report: { plan: string; reason: string; columns: { reason: string }[] } });
    expect(plans).toHaveLength(2);
    expect(plans.map((p) => p.report.plan)).toEqual(['whole', 'whole']);
    // Where: the column of the literal the parser stopped at (1-based).
    const at = [statements[0]!.indexOf('078051120') + 1, statements[1]!.indexOf('Jane') + 1];
    expect(plans.map((p) => p.report.columns[0]!.reason)).toEqual(at.map((column) =>
      `every column masked as SSN, the strictest PHI type in scope: the SQL parser (Snowflake dialect) could not parse it at line 1, column ${column}`));
    // What the agent wrote stays in its request entry's arguments (the evidence of what it ran); nowhere
    // else: not in a plan, an answer, or a request's reason.
    const rest = JSON.stringify(recorded.map((r) => (r.entry.type === 'request' ? { ...r.entry, arguments: undefined } : r.entry)));
    for (const text of [rest, ...metas]) {
      expect(text).not.toMatch(/found|Expected|078051120|Jane|\\"[0J]\\"/);
    }
  });

  // An injected agent names a result column after a value: `AS "078-05-1120"`. The upstream answers with
  // that header (this stand-in keeps its letters and digits: 078051120). The header, `_meta`, the plan
  // report, the response entry and what the audit reads from them carry COLUMN_<n> instead; the
  // request entry's SQL masks the identifier too. So the literal is nowhere in the record.
  test.each(['2025', '2026-07-28'] as const)('a %s client: a header that reads as PHI is COLUMN_<n> for the agent and in the whole record', async (era) => {
    const { token, grant } = await gw.grant('clinical');
    const session = era === '2025' ? await connectClient(gw.url, 'clinical', token) : await connectV2(gw.url, 'clinical', token, { era: 'modern' });
    const statements = [
      'SELECT COUNT(*) AS "078-05-1120", STATE AS "O78-O5-112O" FROM CLINICAL.PHI.PATIENTS',
      'SELECT PATIENT_ID AS COLUMN_2, SSN AS "O78.O5.112O" FROM CLINICAL.PHI.PATIENTS',
    ];
    // Split by doubled quotes: the policy's parser cannot read it, so this target denies it; its request entry is recorded all the same.
    const split = 'SELECT COUNT(*) AS "078""05""1120" FROM CLINICAL.PHI.PATIENTS';
    // This stand-in's cells are `<header in lower case>-<row>-<column>`: values, not names (a cell is the plan's to mask, not this test's).
    const LEAK = /[0O]\W*7\W*8\W*[0O]\W*5\W*1\W*1\W*2\W*[0O](?!-\d-\d)/i;
    const answers: Record<string, unknown>[] = [];
    try {
      for (const statement of statements) answers.push(await session.client.callTool({ name: 'run_snowflake_query', arguments: { statement } }) as Record<string, unknown>);
      const denied = await failureOf(session.client.callTool({ name: 'run_snowflake_query', arguments: { statement: split } }));
      expect(denied).toMatch(/unparseable is denied/);
      expect(denied).not.toMatch(LEAK);
    } finally {
      await session.client.close();
    }
    const tables = answers.map((a) => a.structuredContent as { columns: string[] });
    expect(tables.map((t) => t.columns)).toEqual([['COLUMN_1', 'COLUMN_2'], ['COLUMN_2', 'COLUMN_2_2']]);
    for (const a of answers) expect(JSON.parse((a.content as { text: string }[])[0]!.text).columns).toEqual((a.structuredContent as { columns: string[] }).columns);
    expect(answers.map((a) => (a._meta as Record<string, { masked: unknown[] }>)[MASKING_META_KEY]!.masked)).toEqual([[], [{ index: 1, name: 'COLUMN_2_2', type: 'SSN' }]]);
    expect(JSON.stringify(answers)).not.toMatch(LEAK);

    const recorded = (await entries(grant.requestId)).map((r) => r.entry);
    expect(recorded.filter((e) => e.type === 'masking_plan')).toHaveLength(2);
    const requests = recorded.filter((e) => e.type === 'request' && (e as { method?: string }).method === 'tools/call');
    expect(requests.map((e) => (e.arguments as { statement: string }).statement)).toEqual([
      'SELECT COUNT(*) AS "[NUMBER]", STATE AS "[NUMBER]" FROM CLINICAL.PHI.PATIENTS',
      'SELECT PATIENT_ID AS COLUMN_2, SSN AS "[NUMBER]" FROM CLINICAL.PHI.PATIENTS',
      'SELECT COUNT(*) AS "[NUMBER]" FROM CLINICAL.PHI.PATIENTS',
    ]);
    expect(JSON.stringify(recorded)).not.toMatch(LEAK);
    // What the audit reads from it: `gatehouse audit show` and the evidence pack's commands.csv.
    const archive = buildArchive({ requestId: grant.requestId, events: [], recording: recorded as never, signingKey: generateArchiveKeys().privateKeyPem });
    const status = {
      requestId: grant.requestId, requestedAt: new Date().toISOString(), requester: 'carol@example.org', origin: 'slack', target: 'clinical', durationMs: 3_600_000, reason: 'INC-1',
      state: 'ACTIVE', policy: { autoApproved: true }, timeline: [], commands: [], extensions: [],
    };
    const item: EvidenceItem = { history: { status, workflowStatus: 'RUNNING', startTime: new Date() } as never, archive };
    const shown = describeRequest(item.history, archive);
    expect(shown).toContain('COLUMN_2_2 masked as SSN');
    const pack = buildEvidencePack({ from: new Date(0), to: new Date(Date.now() + 60_000), items: [item] });
    expect(pack.files['commands.csv']).toContain('COLUMN_2_2');
    for (const text of [shown, ...Object.values(pack.files), ...Object.values(serializeArchive(archive))]) expect(text).not.toMatch(LEAK);
  });

  test('a 2026-07-28 client: one plan entry for the grant\'s recording session across its requests', async () => {
    const { token, grant } = await gw.grant('clinical');
    const { client } = await connectV2(gw.url, 'clinical', token, { era: 'modern' });
    try {
      for (let i = 0; i < 4; i++) {
        const answer = await client.callTool({ name: 'run_snowflake_query', arguments: { statement: SNEAKY } });
        expect(JSON.stringify(answer)).not.toContain('CLINICAL.PHI.PATIENTS');
      }
    } finally {
      await client.close();
    }
    const recorded = await entries(grant.requestId);
    const plans = recorded.filter((r) => r.entry.type === 'masking_plan');
    expect(plans).toHaveLength(1);
    const responses = recorded.filter((r) => r.entry.type === 'response' && r.entry.maskingPlan);
    expect(responses).toHaveLength(4);
    for (const r of responses) expect(r.entry.maskingPlan).toBe(plans[0]!.entry.digest);
  });
});

describe('a bound on masking plans per recording session', () => {
  let gw: TestGateway;
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    gw = await startTestGateway({
      config: CONFIG, limits: { maskingPlansPerSession: 3 }, recorder: new SessionRecorder(redis),
      masker: (target) => new PhiMasker(target, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog } }),
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    redis?.disconnect();
  });
  // Each alias is another column name in the report, so another plan: what a flood looks like.
  const aliased = (n: number) => `SELECT PATIENT_ID AS A${n}, UPPER(FIRST_NAME) AS F FROM CLINICAL.PHI.PATIENTS`;
  const LIMIT_MESSAGE = /withheld: this session has already recorded 3 distinct masking plans, the gateway's limit per session/;

  test('a 2025 session: the fourth distinct plan is withheld with a clear error and nothing of it recorded; known plans and a new session go on', async () => {
    const { token, grant } = await gw.grant('clinical');
    const { client } = await connectClient(gw.url, 'clinical', token);
    try {
      for (let n = 1; n <= 3; n++) await client.callTool({ name: 'run_snowflake_query', arguments: { statement: aliased(n) } });
      expect(await failureOf(client.callTool({ name: 'run_snowflake_query', arguments: { statement: aliased(4) } }))).toMatch(LIMIT_MESSAGE);
      const again = await client.callTool({ name: 'run_snowflake_query', arguments: { statement: aliased(2) } });
      expect(again.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    const next = await connectClient(gw.url, 'clinical', token);
    try {
      const fresh = await next.client.callTool({ name: 'run_snowflake_query', arguments: { statement: aliased(4) } });
      expect(fresh.isError).toBeFalsy();
    } finally {
      await next.client.close();
    }
    const recorded = (await new RecordingLog(redis).read(grant.requestId)).map((r) => r.entry as Entry);
    const plans = recorded.filter((e) => e.type === 'masking_plan');
    expect(plans).toHaveLength(4);
    expect(new Set(plans.map((p) => p.sessionId)).size).toBe(2);
    const withheld = recorded.filter((e) => e.type === 'response' && e.outcome === 'withheld');
    expect(withheld).toHaveLength(1);
    expect((withheld[0]!.error as { message: string }).message).toMatch(LIMIT_MESSAGE);
    expect(withheld[0]).not.toHaveProperty('result');
  });

  test('a 2026-07-28 client: the grant\'s one session stops at the bound too', async () => {
    const { token } = await gw.grant('clinical');
    const { client } = await connectV2(gw.url, 'clinical', token, { era: 'modern' });
    try {
      for (let n = 1; n <= 3; n++) await client.callTool({ name: 'run_snowflake_query', arguments: { statement: aliased(n) } });
      expect(await failureOf(client.callTool({ name: 'run_snowflake_query', arguments: { statement: aliased(4) } }))).toMatch(LIMIT_MESSAGE);
      const again = await client.callTool({ name: 'run_snowflake_query', arguments: { statement: aliased(1) } });
      expect(again.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});

describe('the bound on masking plans across gateway replicas (one Redis)', () => {
  let a: TestGateway;
  let b: TestGateway;
  let redis: Redis;
  const masker = (target: TargetConfig) => new PhiMasker(target, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog } });
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    // Two gateway instances: their own processes' memory, one Redis (grants, credentials, recording).
    a = await startTestGateway({ config: CONFIG, limits: { maskingPlansPerSession: 3, maskingPlanBytesPerSession: 12_000 }, recorder: new SessionRecorder(redis), masker });
    b = await startTestGateway({ config: CONFIG, limits: { maskingPlansPerSession: 3, maskingPlanBytesPerSession: 12_000 }, recorder: new SessionRecorder(redis), masker, grants: a.grants, vault: a.vault });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    redis?.disconnect();
  });
  const aliased = (n: number) => `SELECT PATIENT_ID AS A${n}, UPPER(FIRST_NAME) AS F FROM CLINICAL.PHI.PATIENTS`;
  const call = (client: Awaited<ReturnType<typeof connectV2>>['client'], statement: string) => client.callTool({ name: 'run_snowflake_query', arguments: { statement } });
  const PLANS_MESSAGE = /-31040 .*withheld: this session has already recorded 3 distinct masking plans, the gateway's limit per session/;

  test('a 2026-07-28 grant served by two replicas: plans either wrote count together and either answers under; past the bound both withhold, and nothing of the withheld answer is recorded', async () => {
    const { token, grant } = await a.grant('clinical');
    const onA = await connectV2(a.url, 'clinical', token, { era: 'modern' });
    const onB = await connectV2(b.url, 'clinical', token, { era: 'modern' });
    try {
      // An agent spreading its flood over replicas (a load balancer does it for it): 2 plans on A, 1 on B.
      for (const [client, n] of [[onA.client, 1], [onB.client, 2], [onA.client, 3]] as const) expect((await call(client, aliased(n))).isError).toBeFalsy();
      // Each replica has seen fewer than 3 plans itself; the grant's recording holds 3.
      expect(await failureOf(call(onA.client, aliased(4)))).toMatch(PLANS_MESSAGE);
      expect(await failureOf(call(onB.client, aliased(5)))).toMatch(PLANS_MESSAGE);
      // Plans the session holds still answer, on either replica: both salt this session's digests
      // alike (HMAC of the session under a key derived from the masking key), so A's plan answered
      // by B is the same plan, already recorded.
      expect((await call(onB.client, aliased(2))).isError).toBeFalsy();
      expect((await call(onA.client, aliased(1))).isError).toBeFalsy();
      expect((await call(onB.client, aliased(1))).isError).toBeFalsy();
      expect((await call(onA.client, aliased(2))).isError).toBeFalsy();
    } finally {
      await onA.client.close();
      await onB.client.close();
    }
    const recorded = (await new RecordingLog(redis).read(grant.requestId)).map((r) => r.entry as Entry);
    const plans = recorded.filter((e) => e.type === 'masking_plan');
    expect(plans).toHaveLength(3);
    expect(new Set(plans.map((p) => p.sessionId)).size).toBe(1);
    const named = new Set(plans.map((p) => p.digest));
    const responses = recorded.filter((e) => e.type === 'response' && e.messageId !== undefined && (e.result !== undefined || e.outcome === 'withheld'));
    for (const r of responses.filter((e) => e.maskingPlan !== undefined)) expect(named.has(r.maskingPlan)).toBe(true);
    const withheld = recorded.filter((e) => e.type === 'response' && e.outcome === 'withheld');
    expect(withheld).toHaveLength(2);
    for (const w of withheld) {
      expect((w.error as { code: number; message: string }).code).toBe(-31040);
      expect((w.error as { message: string }).message).toMatch(/already recorded 3 distinct masking plans/);
      expect(w).not.toHaveProperty('result');
      expect(w).not.toHaveProperty('maskingPlan');
    }
    // Nothing of the withheld answers: no plan names their aliases, no response carries their rows.
    const answers = JSON.stringify(recorded.filter((e) => e.type !== 'request'));
    expect(answers).not.toMatch(/A4|A5|a4-|a5-/);
    expect(recorded.filter((e) => e.type === 'response' && e.maskingPlan)).toHaveLength(7);
    // One salt for the session, whichever replica wrote the plan; each entry verifies from itself alone.
    expect(new Set(plans.map((p) => p.salt)).size).toBe(1);
    for (const p of plans) expect(maskingPlanDigest(p.salt as string, p.report as Record<string, unknown>)).toBe(p.digest);
  });

  test('the bytes: wide plans stop at the session\'s bytes of plans, with a refusal that says so; what was recorded stays within it', async () => {
    const { token, grant } = await a.grant('clinical');
    const onA = await connectV2(a.url, 'clinical', token, { era: 'modern' });
    const onB = await connectV2(b.url, 'clinical', token, { era: 'modern' });
    // A wide statement: forty output columns, a plan of several KB.
    const wide = (n: number) => `SELECT ${Array.from({ length: 40 }, (_, i) => `PATIENT_ID AS W${n}_${i}`).join(', ')} FROM CLINICAL.PHI.PATIENTS`;
    let refusal = '';
    try {
      for (let n = 1; n <= 3 && !refusal; n++) {
        refusal = await call(n % 2 ? onA.client : onB.client, wide(n)).then((r) => (r.isError ? 'an error result' : ''), failureText);
      }
    } finally {
      await onA.client.close();
      await onB.client.close();
    }
    expect(refusal).toMatch(/-31040 .*withheld: this session's masking plans already take \d+ bytes of the audit record, and this answer's plan would pass the gateway's limit of 12000 bytes per session/);
    const stored = (await redis.xrange(recordingKey(grant.requestId), '-', '+')).map(([, fields]) => fields[1]!).filter((json) => JSON.parse(json).type === 'masking_plan');
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect(stored.reduce((n, json) => n + Buffer.byteLength(json), 0)).toBeLessThanOrEqual(12_000);
  });
});
