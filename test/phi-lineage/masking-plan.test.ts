// The masking report of a SQL result (per column: action, rule, source columns with their
// expression paths, the reason) is the auditor's evidence. It goes into the recording once per
// plan per session (a `masking_plan` entry under a digest of the whole report); the agent's
// `_meta` says only which columns were masked, as what, and the digest. The console, the replay
// and the evidence read the why from the plan entry, and archives made before plan entries (the
// full report in every answer's `_meta`) still render theirs.
import {
  buildArchive, canonicalJson, describeRequest, describeStep, generateArchiveKeys, maskingPlanDigest, replaySteps, serializeArchive, sessionCommands, verifyArchive,
  type EvidenceItem, type RecordingEntry,
} from '../../audit';
import { maskingWhyText } from '../../audit/evidence';
import { requestPage } from '../../api/console/pages/request';
import { MASKING_META_KEY, PhiMasker, type MaskContext } from '../../proxy';
import { clinicalCatalog } from './catalog-fixture';

const context = (statement: string, tool = 'run_snowflake_query'): MaskContext => ({ target: 'clinical', part: 'result', method: 'tools/call', tool, arguments: { statement } }) as MaskContext;
const tableResult = (columns: string[], rows: unknown[][], extra: Record<string, unknown> = {}) => {
  const table = { columns, rows, rowCount: rows.length, truncated: false, rowLimit: 20, ...extra };
  return { content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table };
};
const newMasker = () => new PhiMasker({ name: 'clinical', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog } });
const metaOf = (masked: unknown) => (masked as { _meta: Record<string, unknown> })._meta;

const SNEAKY = "SELECT PATIENT_ID, STATE, REVERSE(REPLACE(SSN, '-', '')) AS ICD10, LOWER(LAST_NAME) AS WARD, CREATED_AT, YEAR(DATE_OF_BIRTH) AS Y FROM CLINICAL.PHI.PATIENTS";
const SNEAKY_COLUMNS = ['PATIENT_ID', 'STATE', 'ICD10', 'WARD', 'CREATED_AT', 'Y'];
const sneakyRows = (n: number) => Array.from({ length: n }, (_, i) => [i, 'TX', `98765432${i}`, `smith${i}`, '2024-01-01', 1970 + i]);

describe('what the agent gets in _meta', () => {
  test('only the masked columns, their types and the plan digest: no source columns, rules, paths or reasons', async () => {
    const out = await newMasker().mask(tableResult(SNEAKY_COLUMNS, sneakyRows(3)), context(SNEAKY));
    const meta = metaOf(out.masked)[MASKING_META_KEY] as Record<string, unknown>;
    expect(meta).toEqual({ plan: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), masked: [{ index: 2, name: 'ICD10', type: 'SSN' }, { index: 3, name: 'WARD', type: 'NAME' }, { index: 5, name: 'Y', type: 'DATE' }] });
    const text = JSON.stringify(meta);
    for (const word of ['CLINICAL.PHI', 'REPLACE', 'REVERSE', 'derived', 'sources', 'reason', 'rule', 'PATIENT_ID']) expect(text).not.toContain(word);
    // What used to go out (and into the recording) on every call was the full report: ~1.4 KB for these six columns.
    expect(canonicalJson(out.plan!.report).length).toBeGreaterThan(1200);
    expect(canonicalJson(metaOf(out.masked)).length).toBeLessThan(300);
  });

  test('the full report comes with the outcome, for the recording, under a digest that covers all of it', async () => {
    const out = await newMasker().mask(tableResult(SNEAKY_COLUMNS, sneakyRows(3)), context(SNEAKY));
    const plan = out.plan!;
    expect(plan.report.plan).toBe('columns');
    const columns = plan.report.columns as { name: string; action: string; rule: string; sources: string[]; reason: string }[];
    expect(columns.map((c) => c.action)).toEqual(['pass', 'pass', 'mask', 'mask', 'pass', 'mask']);
    expect(columns[2]!.reason).toBe('derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE; masked whole as SSN');
    expect(columns[3]!.sources).toEqual(['CLINICAL.PHI.PATIENTS.LAST_NAME via LOWER']);
    // Per-call figures stay with the call (the response entry's `masked`), not in the plan.
    expect(plan.report).not.toHaveProperty('counts');
    expect(plan.digest).toBe(maskingPlanDigest(plan.salt, plan.report));
    expect((metaOf(out.masked)[MASKING_META_KEY] as { plan: string }).plan).toBe(plan.digest);
    // As the recording stores it (canonical JSON read back), it still matches its digest.
    expect(maskingPlanDigest(plan.salt, JSON.parse(canonicalJson(plan.report)) as Record<string, unknown>)).toBe(plan.digest);
  });

  test('the same statement and result shape: the same digest call after call, whatever the rows', async () => {
    const m = newMasker();
    const a = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(3)), context(SNEAKY));
    const b = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(7)), context(SNEAKY));
    expect(b.plan!.digest).toBe(a.plan!.digest);
    expect(b.report.total).not.toBe(a.report.total);
  });

  // A hostile agent (or upstream) that gets one plan recorded, then varies what the report says
  // under the same statement, must not get the first plan's why attached to the later answers.
  test('anything the report says differently is another digest: extra keys, another column count, other column names', async () => {
    const m = newMasker();
    const base = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(2)), context(SNEAKY));
    const withKey = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(2), { preview: 'Smith 123-45-6789' }), context(SNEAKY));
    const otherKey = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(2), { echo: 'Smith 123-45-6789' }), context(SNEAKY));
    const fewer = await m.mask(tableResult(SNEAKY_COLUMNS.slice(0, 5), sneakyRows(2).map((r) => r.slice(0, 5))), context(SNEAKY));
    const digests = [base, withKey, otherKey, fewer].map((o) => o.plan!.digest);
    expect(new Set(digests).size).toBe(4);
    expect((withKey.plan!.report.unreadable as { keys: string[] }).keys).toEqual(['structuredContent.preview']);
    expect(metaOf(withKey.masked)[MASKING_META_KEY]).toMatchObject({ maskedKeys: [{ key: 'structuredContent.preview', type: 'SSN' }] });
    expect(fewer.plan!.report.mismatch).toBe('the statement has 6 output columns but the result has 5');
    // An unresolved plan keeps the result's own column names (or positions) in its report.
    const unresolved = 'SELECT * FROM TABLE(MYSTERY())';
    const one = await m.mask(tableResult(['A', 'B'], [[1, 2]]), context(unresolved));
    const two = await m.mask(tableResult(['A', 'C'], [[1, 2]]), context(unresolved));
    expect(one.plan!.digest).not.toBe(two.plan!.digest);
    // And the same report under another gateway process (another salt) is another digest: the
    // digest an agent sees confirms no guess about the catalog.
    const elsewhere = await newMasker().mask(tableResult(SNEAKY_COLUMNS, sneakyRows(2)), context(SNEAKY));
    expect(elsewhere.plan!.report).toEqual(base.plan!.report);
    expect(elsewhere.plan!.digest).not.toBe(base.plan!.digest);
  });

  // The digest costs about a fifth of masking a 20-row result (canonical JSON of ~1.2 KB and SHA-256),
  // so a resolved plan's report and digest are worked out once and kept with the plan. A hostile agent
  // must not get the kept digest attached to a report that says something else.
  test('a resolved plan\'s report and digest are made once and kept; a result that changes the report never gets the kept digest', async () => {
    const m = newMasker();
    const a = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(3)), context(SNEAKY));
    const b = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(5)), context(SNEAKY));
    expect(b.plan!.report).toBe(a.plan!.report);
    expect(Object.isFrozen(a.plan!.report)).toBe(true);
    expect(Object.isFrozen((a.plan!.report.columns as object[])[2])).toBe(true);
    // Variations after the plan's report is kept: each its own report and digest, each digest its report's.
    const variants = [
      await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(2), { preview: 'x' }), context(SNEAKY)),
      await m.mask(tableResult(SNEAKY_COLUMNS.slice(0, 5), sneakyRows(2).map((r) => r.slice(0, 5))), context(SNEAKY)),
      await m.mask(tableResult(SNEAKY_COLUMNS, [...sneakyRows(1), [...sneakyRows(1)[0]!, 'one cell too many']]), context(SNEAKY)),
      await m.mask({ content: [{ type: 'text', text: 'not a table' }] }, context(SNEAKY)),
    ];
    const again = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(4)), context(SNEAKY));
    const all = [a, ...variants, again];
    for (const o of all) expect(maskingPlanDigest(o.plan!.salt, o.plan!.report)).toBe(o.plan!.digest);
    expect(new Set(all.map((o) => o.plan!.digest)).size).toBe(5);
    expect(again.plan!.digest).toBe(a.plan!.digest);
    // The same text as another statement (another plan object) is its own report, never this one's kept one.
    const other = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(3)), context(`${SNEAKY} WHERE 1 = 1`));
    expect(other.plan!.report).not.toBe(a.plan!.report);
    expect(maskingPlanDigest(other.plan!.salt, other.plan!.report)).toBe(other.plan!.digest);
  });

  test('an upstream\'s own _meta["gatehouse/masking"] never reaches the agent or the recording', async () => {
    const forged = { _meta: { [MASKING_META_KEY]: { plan: `sha256:${'0'.repeat(64)}` }, other: 'x' }, content: [{ type: 'text', text: 'hello' }] };
    const plain = await newMasker().mask(forged, { target: 'clinical', part: 'result', method: 'tools/call', tool: 'echo', arguments: { message: 'hi' } } as MaskContext);
    expect(metaOf(plain.masked)).not.toHaveProperty([MASKING_META_KEY]);
    const listing = await newMasker().mask(forged, { target: 'clinical', part: 'result', method: 'tools/list' } as MaskContext);
    expect(metaOf(listing.masked)).not.toHaveProperty([MASKING_META_KEY]);
    const error = await newMasker().mask({ ...forged, isError: true }, context('SELECT SSN FROM CLINICAL.PHI.PATIENTS'));
    expect(metaOf(error.masked)).not.toHaveProperty([MASKING_META_KEY]);
    const metadata = await newMasker().mask(forged, context('SHOW TABLES'));
    expect(metaOf(metadata.masked)).not.toHaveProperty([MASKING_META_KEY]);
    // A SQL result's answer carries the gateway's own, never the upstream's.
    const sql = await newMasker().mask({ ...tableResult(['SSN'], [['123-45-6789']]), _meta: forged._meta }, context('SELECT SSN FROM CLINICAL.PHI.PATIENTS'));
    expect((metaOf(sql.masked)[MASKING_META_KEY] as { plan: string }).plan).toBe(sql.plan!.digest);
  });
});

// ---- the audit side -----------------------------------------------------------------------

const keys = generateArchiveKeys();
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s)).toISOString();
const request = (s: number, id: number, statement: string): RecordingEntry => ({
  at: at(s), type: 'request', sessionId: 'S1', messageId: id, method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement }, verdict: 'allow', masked: [],
});

async function newFormatRecording(): Promise<{ recording: RecordingEntry[]; reason: string; digest: string }> {
  const m = newMasker();
  const first = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(3)), context(SNEAKY));
  const second = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(4)), context(SNEAKY));
  const plan = first.plan!;
  const response = (s: number, id: number, masked: unknown) => ({ at: at(s), type: 'response', sessionId: 'S1', messageId: id, outcome: 'ok', result: masked, masked: [{ type: 'SSN', count: 3 }], maskingPlan: plan.digest });
  const recording: RecordingEntry[] = [
    { at: at(0), type: 'session_start', sessionId: 'S1', grantId: 'g1', subject: 'alice', target: 'clinical' },
    request(1, 1, SNEAKY),
    { at: at(2), type: 'masking_plan', sessionId: 'S1', digest: plan.digest, salt: plan.salt, report: plan.report },
    response(2, 1, first.masked),
    request(3, 2, SNEAKY),
    response(4, 2, second.masked),
  ];
  return { recording, reason: 'derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE &gt; REPLACE; masked whole as SSN', digest: plan.digest };
}

/** An answer as the gateway recorded it before plan entries: the full report in the result's _meta, on every call. */
const OLD_REPORT = {
  counts: { SSN: 2 }, total: 2, plan: 'columns',
  columns: [
    { name: 'STATE', action: 'pass', rule: 'all-sources-none', sources: ['CLINICAL.PHI.PATIENTS.STATE'], reason: 'every source column is catalogued as none' },
    { name: 'ICD10', action: 'mask', type: 'SSN', operator: 'redact', rule: 'derived-from-phi', sources: ['CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE'], reason: 'derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE; masked whole as SSN' },
  ],
};
const oldFormatRecording: RecordingEntry[] = [
  { at: at(0), type: 'session_start', sessionId: 'S1', grantId: 'g1', subject: 'alice', target: 'clinical' },
  request(1, 1, "SELECT STATE, REVERSE(REPLACE(SSN, '-', '')) AS ICD10 FROM CLINICAL.PHI.PATIENTS"),
  {
    at: at(2), type: 'response', sessionId: 'S1', messageId: 1, outcome: 'ok', masked: [{ type: 'SSN', count: 2 }],
    result: { content: [{ type: 'text', text: '{"columns":["STATE","ICD10"],"rows":[["NY","[SSN]"],["CA","[SSN]"]]}' }], _meta: { [MASKING_META_KEY]: OLD_REPORT } },
  },
];

const item = (records: RecordingEntry[]): EvidenceItem => {
  const archive = buildArchive({ requestId: 'req-1', events: [], recording: records, signingKey: keys.privateKeyPem });
  const status = {
    requestId: 'req-1', requestedAt: at(0), requester: 'alice', origin: 'slack', target: 'clinical', durationMs: 3_600_000, reason: 'INC-1', state: 'ARCHIVED',
    policy: { autoApproved: true }, timeline: [], commands: [], extensions: [],
  };
  return { history: { status, workflowStatus: 'COMPLETED', startTime: new Date(at(0)) } as never, archive };
};

describe('the why, read back from the recording', () => {
  test('every answer under a plan resolves to the plan entry\'s full report: console and show', async () => {
    const { recording, reason, digest } = await newFormatRecording();
    const evidence = item(recording);
    const commands = sessionCommands(evidence.archive!.records);
    expect(commands).toHaveLength(2);
    for (const c of commands) {
      expect((c.maskingWhy as { columns: { reason: string }[] }).columns[2]!.reason).toBe('derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE; masked whole as SSN');
    }
    const page = String(requestPage(evidence));
    const rows = page.split('<tr id="command-').slice(1);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toContain(reason);
    // The replay shows the plan entry as its own step, in full.
    const steps = replaySteps(evidence.archive!).map((s) => describeStep(s.entry));
    const planStep = steps.find((s) => s.kind === 'masking_plan')!;
    expect(planStep.what).toContain(digest);
    expect(planStep.what).toContain('CLINICAL.PHI.PATIENTS.LAST_NAME via LOWER');
    expect(page).toContain('<code>masking_plan</code>');
    // gatehouse audit show: each command's masked columns with their reason.
    const shown = describeRequest(evidence.history, evidence.archive).split('\n').filter((l) => l.includes('why: ICD10 masked as SSN: derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE'));
    expect(shown).toHaveLength(2);
  });

  test('an archive with plan entries verifies', async () => {
    const { recording } = await newFormatRecording();
    const files = serializeArchive(buildArchive({ requestId: 'req-1', events: [], recording, signingKey: keys.privateKeyPem }));
    expect(verifyArchive(files, { publicKey: keys.publicKeyPem })).toMatchObject({ ok: true, problems: [] });
  });

  test('an archive made before plan entries still renders its per-call reports, and still verifies', () => {
    const evidence = item(oldFormatRecording);
    expect(sessionCommands(evidence.archive!.records)[0]!.maskingWhy).toEqual(OLD_REPORT);
    expect(String(requestPage(evidence))).toContain('derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE &gt; REPLACE; masked whole as SSN');
    expect(describeRequest(evidence.history, evidence.archive)).toContain('why: ICD10 masked as SSN: derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE');
    const files = serializeArchive(buildArchive({ requestId: 'req-1', events: [], recording: oldFormatRecording, signingKey: keys.privateKeyPem }));
    expect(verifyArchive(files, { publicKey: keys.publicKeyPem }).ok).toBe(true);
  });

  test('a digest with no plan entry before it, or a plan entry that does not match its digest, is shown as such, never as another plan\'s why', async () => {
    const { recording } = await newFormatRecording();
    const missing = recording.filter((e) => e.type !== 'masking_plan');
    expect(sessionCommands(item(missing).archive!.records).map((c) => (c.maskingWhy as { problem?: string }).problem))
      .toEqual([expect.stringContaining('no masking plan with this digest'), expect.stringContaining('no masking plan with this digest')]);
    const altered = recording.map((e) => (e.type === 'masking_plan' ? { ...e, report: { ...(e.report as object), plan: 'whole' } } : e));
    expect((sessionCommands(item(altered).archive!.records)[0]!.maskingWhy as { problem?: string }).problem).toContain('does not match');
    // Another session's plan under the same digest does not explain this session's answer.
    const otherSession = recording.map((e) => (e.type === 'masking_plan' ? { ...e, sessionId: 'S2' } : e));
    expect((sessionCommands(item(otherSession).archive!.records)[0]!.maskingWhy as { problem?: string }).problem).toContain('no masking plan');
  });
});

// An upstream (hostile, or one that returns several result sets) puts two tables in one result: one
// the plan matches, one it does not (another width), so that one is masked whole. The report used to
// describe whichever table was masked last, and when that was the matching one, the kept report of the
// plan: the recording then said every column was masked by the plan's rules, and nothing of the other.
describe('a result with two tables the plan masks differently', () => {
  const OTHER_COLUMNS = ['A', 'B', 'C'];
  const otherRows = [['jane', 'doe', '123-45-6789'], ['john', 'roe', '987-65-4321']];
  const twoTables = (structured: { columns: string[]; rows: unknown[][] }, text: { columns: string[]; rows: unknown[][] }) => ({
    structuredContent: { ...structured, rowCount: structured.rows.length, truncated: false, rowLimit: 20 },
    content: [{ type: 'text', text: JSON.stringify({ ...text, rowCount: text.rows.length, truncated: false, rowLimit: 20 }) }],
  });
  type Part = { part: string; plan: string; columns: { name: string; action: string; type?: string }[]; mismatch?: string };

  test.each([
    ['the matching table in structuredContent, the other in the text', true],
    ['the other table in structuredContent, the matching one in the text (masked last)', false],
  ])('%s: the report describes each table with its part; _meta names each masked column\'s part', async (_name, matchingFirst) => {
    const m = newMasker();
    // The plan's own report kept first (a one-table answer), so a kept report could stand in for the two-table one.
    const single = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(2)), context(SNEAKY));
    const matching = { columns: SNEAKY_COLUMNS, rows: sneakyRows(2) };
    const other = { columns: OTHER_COLUMNS, rows: otherRows };
    const out = await m.mask(matchingFirst ? twoTables(matching, other) : twoTables(other, matching), context(SNEAKY));
    const report = out.plan!.report as { plan: string; parts: Part[] };
    expect(report.plan).toBe('parts');
    const [matchingPart, otherPart] = matchingFirst ? ['structuredContent', 'content.0'] : ['content.0', 'structuredContent'];
    const byPart = Object.fromEntries(report.parts.map((p) => [p.part, p]));
    expect(Object.keys(byPart).sort()).toEqual(['content.0', 'structuredContent']);
    expect(byPart[matchingPart]).toMatchObject({ plan: 'columns', columns: (single.plan!.report as { columns: unknown[] }).columns });
    expect(byPart[otherPart]).toMatchObject({ plan: 'whole', mismatch: 'the statement has 6 output columns but the result has 3' });
    expect(byPart[otherPart]!.columns.map((c) => [c.name, c.action, c.type])).toEqual([['A', 'mask', 'SSN'], ['B', 'mask', 'SSN'], ['C', 'mask', 'SSN']]);
    // Not the plan's kept report or digest: this report says something else, so it is another plan.
    expect(out.plan!.digest).not.toBe(single.plan!.digest);
    expect(out.plan!.digest).toBe(maskingPlanDigest(out.plan!.salt, out.plan!.report));
    const meta = metaOf(out.masked)[MASKING_META_KEY] as { masked: { part?: string; index: number; name: string; type: string }[] };
    expect(meta.masked.filter((c) => c.part === otherPart).map((c) => c.name)).toEqual(OTHER_COLUMNS);
    expect(meta.masked.filter((c) => c.part === matchingPart).map((c) => c.name)).toEqual(['ICD10', 'WARD', 'Y']);
    expect(JSON.stringify(out.masked)).not.toMatch(/jane|123-45-6789|98765432/);
    // The evidence says it per part.
    const why = maskingWhyText(out.plan!.report);
    expect(why).toContain(`${otherPart}: every column (3: A, B, C) masked as SSN by rule unresolved`);
    expect(why).toContain(`${matchingPart}: ICD10: masked as SSN by rule derived-from-phi, from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE`);
  });

  test('a table and its text twin, or two tables the plan masks alike: one description, as ever', async () => {
    const m = newMasker();
    const twin = await m.mask(tableResult(SNEAKY_COLUMNS, sneakyRows(2)), context(SNEAKY));
    // The text is the same table written differently (not a byte-for-byte twin): described alike, so one report.
    const same = await m.mask(twoTables({ columns: SNEAKY_COLUMNS, rows: sneakyRows(2) }, { columns: SNEAKY_COLUMNS, rows: sneakyRows(3) }), context(SNEAKY));
    expect(twin.plan!.report.plan).toBe('columns');
    expect(same.plan!.report).toEqual(twin.plan!.report);
    expect(same.plan!.digest).toBe(twin.plan!.digest);
    expect((metaOf(same.masked)[MASKING_META_KEY] as { masked: object[] }).masked).toEqual([{ index: 2, name: 'ICD10', type: 'SSN' }, { index: 3, name: 'WARD', type: 'NAME' }, { index: 5, name: 'Y', type: 'DATE' }]);
  });
});
