// Through the real gateway and the real recorder (Redis): a SQL answer's full masking report is
// recorded once per plan per session, before the first answer that names it by digest; later
// answers under the same plan carry only the digest. Anything that changes what the report says is
// another plan with its own entry; concurrent calls share one write; a plan the recording does not
// take withholds the answer. The same holds for a 2026-07-28 client (one recording session per grant).
import { join } from 'node:path';
import { canonicalJson, maskingPlanDigest, RecordingLog, SessionRecorder } from '../../audit';
import { connectRedis, waitForRedis, type Redis } from '../../lib';
import { MASKING_META_KEY, PhiMasker } from '../../proxy';
import { connectClient, failureOf, startTestGateway, testRedisUrl, type TestGateway } from '../proxy/support';
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

/** The recorder, with the masking plan entry refused on demand (the recording is down for it). */
class PlanRefusingRecorder extends SessionRecorder {
  refusePlans = false;
  plansAsked = 0;
  override maskingPlan(...args: Parameters<SessionRecorder['maskingPlan']>): Promise<string> {
    this.plansAsked += 1;
    if (this.refusePlans) return Promise.reject(new Error('RECORDING_UNAVAILABLE: the recording is down'));
    return super.maskingPlan(...args);
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
