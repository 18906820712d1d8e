// The evidence pack's commands.csv says, per command, which columns were masked and why (the
// masking plan's sources and rule), in cells a spreadsheet user reads as they are; the same why
// as requests.json, never a value. Archives made before plan entries (the report in each answer's
// _meta) still fill the column.
import { buildArchive, buildEvidencePack, generateArchiveKeys, type EvidenceItem, type RecordingEntry } from '../../audit';
import { MASKING_META_KEY, PhiMasker, type MaskContext } from '../../proxy';
import { clinicalCatalog } from '../phi-lineage/catalog-fixture';

/**
 * RFC 4180 as a spreadsheet reads it (quoted cells may hold commas, quotes and line breaks).
 * Written here because the project has no CSV reader and this test needs only this much.
 */
type CommandRow = Record<'masking_plan' | 'masking_why' | 'masked' | 'statement', string>;
function readCsv(text: string): CommandRow[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  expect(quoted).toBe(false);
  expect(row).toEqual([]);
  const [header, ...body] = rows;
  for (const r of body) expect(r).toHaveLength(header!.length);
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])) as CommandRow);
}

const keys = generateArchiveKeys();
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s)).toISOString();
const context = (statement: string): MaskContext => ({ target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement } }) as MaskContext;
const newMasker = () => new PhiMasker({ name: 'clinical', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog } });
const tableResult = (columns: string[], rows: unknown[][], extra: Record<string, unknown> = {}) => {
  const table = { columns, rows, rowCount: rows.length, truncated: false, rowLimit: 20, ...extra };
  return { content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table };
};

const SNEAKY = "SELECT PATIENT_ID, STATE, REVERSE(REPLACE(SSN, '-', '')) AS ICD10, LOWER(LAST_NAME) AS WARD, CREATED_AT FROM CLINICAL.PHI.PATIENTS";
const SNEAKY_COLUMNS = ['PATIENT_ID', 'STATE', 'ICD10', 'WARD', 'CREATED_AT'];
// Values no header, reason, digest or timestamp of the pack could contain by chance.
const sneakyRows = (n: number, from = 0) => Array.from({ length: n }, (_, k) => {
  const i = k + from;
  return [7_300_411 + i, `QZ-state-${i}`, `98765432${i}`, `zyxwvut${i}`, `2019-03-${String(10 + i).padStart(2, '0')}T08:17:${String(10 + i).padStart(2, '0')}Z`];
});
const MYSTERY = 'SELECT * FROM TABLE(MYSTERY_FUNCTION())';

const request = (s: number, id: number, statement: string): RecordingEntry => ({
  at: at(s), type: 'request', sessionId: 'S1', messageId: id, method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement }, verdict: 'allow', masked: [],
});

function item(records: RecordingEntry[], requestId = 'req-1'): EvidenceItem {
  const archive = buildArchive({ requestId, events: [], recording: records, signingKey: keys.privateKeyPem });
  const status = {
    requestId, requestedAt: at(0), requester: 'alice', origin: 'slack', target: 'clinical', durationMs: 3_600_000, reason: 'INC-1', state: 'ARCHIVED',
    policy: { autoApproved: true }, timeline: [], commands: [], extensions: [],
  };
  return { history: { status, workflowStatus: 'COMPLETED', startTime: new Date(at(0)) } as never, archive };
}

const pack = (items: EvidenceItem[]) => buildEvidencePack({ from: new Date(at(0)), to: new Date(at(59)), items, generatedAt: new Date(at(59)) });

/** A session as the gateway records it now: plan entries before the answers that name them. */
async function newFormatSession() {
  const m = newMasker();
  const raw = [sneakyRows(3), sneakyRows(2, 3), [[1, 2]]];
  const first = await m.mask(tableResult(SNEAKY_COLUMNS, raw[0]!), context(SNEAKY));
  // The upstream echoes a preview beside the rows: the report says so, under another plan.
  const echoed = await m.mask(tableResult(SNEAKY_COLUMNS, raw[1]!, { preview: 'zyxwvut3 987654323' }), context(SNEAKY));
  const whole = await m.mask(tableResult(['A', 'B'], raw[2]!), context(MYSTERY));
  const plan = (o: typeof first) => ({ sessionId: 'S1', digest: o.plan!.digest, salt: o.plan!.salt, report: o.plan!.report });
  const response = (s: number, id: number, o: typeof first) => ({ at: at(s), type: 'response', sessionId: 'S1', messageId: id, outcome: 'ok', result: o.masked, masked: [], maskingPlan: o.plan!.digest }) as RecordingEntry;
  const recording: RecordingEntry[] = [
    { at: at(0), type: 'session_start', sessionId: 'S1', grantId: 'g1', subject: 'alice', target: 'clinical' },
    request(1, 1, SNEAKY), { at: at(2), type: 'masking_plan', ...plan(first) } as RecordingEntry, response(2, 1, first),
    request(3, 2, SNEAKY), { at: at(4), type: 'masking_plan', ...plan(echoed) } as RecordingEntry, response(4, 2, echoed),
    request(5, 3, MYSTERY), { at: at(6), type: 'masking_plan', ...plan(whole) } as RecordingEntry, response(6, 3, whole),
    request(7, 4, SNEAKY), response(8, 4, first),
    { at: at(9), type: 'request', sessionId: 'S1', messageId: 5, method: 'tools/list', verdict: 'allow', masked: [] },
    { at: at(9), type: 'response', sessionId: 'S1', messageId: 5, outcome: 'ok', result: { tools: [] }, masked: [] },
  ];
  return { recording, raw, outcomes: [first, echoed, whole] };
}

describe('commands.csv says why each answer was masked', () => {
  test('per command: the plan it names, and per masked column its type, rule and source columns', async () => {
    const { recording, outcomes } = await newFormatSession();
    const evidence = pack([item(recording)]);
    const rows = readCsv(evidence.files['commands.csv']!);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.masking_plan)).toEqual([outcomes[0]!.plan!.digest, outcomes[1]!.plan!.digest, outcomes[2]!.plan!.digest, outcomes[0]!.plan!.digest, '']);
    expect(rows[0]!.masking_why.split('\n')).toEqual([
      'ICD10: masked as SSN by rule derived-from-phi, from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE',
      'WARD: masked as NAME by rule derived-from-phi, from CLINICAL.PHI.PATIENTS.LAST_NAME via LOWER',
    ]);
    expect(rows[3]!.masking_why).toBe(rows[0]!.masking_why);
    // The echoed key is named, masked whole as the plan's strictest type.
    expect(rows[1]!.masking_why.split('\n')).toEqual([
      ...rows[0]!.masking_why.split('\n'),
      'result keys structuredContent.preview: keys no schema declares harmless, masked whole as SSN',
    ]);
    // An unresolved statement: every column, one line.
    expect(rows[2]!.masking_why).toMatch(/^every column \(2: A, B\) masked as \w+ by rule unresolved: /);
    expect(rows[4]!.masking_why).toBe('');
    // The same why as requests.json carries (which stays as it was).
    const json = JSON.parse(evidence.files['requests.json']!) as { requests: { commands: { maskingWhy?: { columns?: { reason: string }[] } }[] }[] };
    expect(json.requests[0]!.commands[0]!.maskingWhy!.columns![2]!.reason).toBe('derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE; masked whole as SSN');
  });

  test('no value of any result, as the upstream sent it or as the agent got it, is in commands.csv', async () => {
    const { recording, raw, outcomes } = await newFormatSession();
    const csv = pack([item(recording)]).files['commands.csv']!;
    const values = new Set<string>();
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
      else if (typeof v === 'string' || typeof v === 'number') values.add(String(v));
    };
    collect(raw);
    for (const o of outcomes) collect((o.masked as { structuredContent: { rows: unknown } }).structuredContent.rows);
    // Masked cells are tokens or labels ('<SSN:...>', '[NAME]'); raw cells are the made-up values above.
    const telling = [...values].filter((v) => v.length >= 5);
    expect(telling.length).toBeGreaterThanOrEqual(20);
    for (const v of telling) expect({ value: v, inCsv: csv.includes(v) }).toEqual({ value: v, inCsv: false });
    // The digests and reasons are there; the rows are not.
    expect(csv).toContain('derived-from-phi');
  });

  test('a plan entry missing, altered or of another session is a PROBLEM in the cell, never another plan\'s why', async () => {
    const { recording } = await newFormatSession();
    const missing = recording.filter((e) => e.type !== 'masking_plan');
    const rows = readCsv(pack([item(missing)]).files['commands.csv']!);
    for (const r of rows.slice(0, 4)) expect(r.masking_why).toMatch(/^PROBLEM: masking plan sha256:[0-9a-f]{64}: the recording holds no masking plan with this digest/);
    const altered = recording.map((e) => (e.type === 'masking_plan' ? { ...e, report: { ...(e.report as object), columns: [] } } : e));
    expect(readCsv(pack([item(altered)]).files['commands.csv']!)[0]!.masking_why).toMatch(/^PROBLEM: .* does not match it$/);
  });

  test('an archive made before plan entries: the why comes from the answer\'s _meta, as before', () => {
    const report = {
      counts: { SSN: 2 }, total: 2, plan: 'columns',
      columns: [
        { name: 'STATE', action: 'pass', rule: 'all-sources-none', sources: ['CLINICAL.PHI.PATIENTS.STATE'], reason: 'every source column is catalogued as none' },
        { name: 'ICD10', action: 'mask', type: 'SSN', operator: 'redact', rule: 'derived-from-phi', sources: ['CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE'], reason: 'derived from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE; masked whole as SSN' },
        { name: 'NOTE', action: 'scan', rule: 'free-text', sources: ['CLINICAL.PHI.VISITS.NOTE'], reason: 'free text from CLINICAL.PHI.VISITS.NOTE: scanned for identifiers' },
      ],
    };
    const recording: RecordingEntry[] = [
      { at: at(0), type: 'session_start', sessionId: 'S1', grantId: 'g1', subject: 'alice', target: 'clinical' },
      request(1, 1, "SELECT STATE, REVERSE(REPLACE(SSN, '-', '')) AS ICD10, NOTE FROM CLINICAL.PHI.PATIENTS"),
      {
        at: at(2), type: 'response', sessionId: 'S1', messageId: 1, outcome: 'ok', masked: [{ type: 'SSN', count: 2 }],
        result: { content: [{ type: 'text', text: '{"columns":["STATE","ICD10","NOTE"],"rows":[["NY","[SSN]","ok"]]}' }], _meta: { [MASKING_META_KEY]: report } },
      },
    ];
    const [row] = readCsv(pack([item(recording)]).files['commands.csv']!);
    expect(row!.masking_plan).toBe('');
    expect(row!.masking_why.split('\n')).toEqual([
      'ICD10: masked as SSN by rule derived-from-phi, from CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE',
      'NOTE: scanned for identifiers by rule free-text, from CLINICAL.PHI.VISITS.NOTE',
    ]);
    expect(row!.masked).toBe('2 SSN');
  });

  // A masker that passed an upstream's own _meta["gatehouse/masking"] on (the bench's identity
  // masker does) would leave a note naming some plan in an answer whose entry names none.
  test('a note naming a plan in an answer whose entry names none is a PROBLEM, never the named plan\'s why', async () => {
    const { recording, outcomes } = await newFormatSession();
    const forged: RecordingEntry[] = [
      ...recording,
      request(20, 9, 'SELECT SSN FROM CLINICAL.PHI.PATIENTS'),
      { at: at(21), type: 'response', sessionId: 'S1', messageId: 9, outcome: 'ok', masked: [], result: { content: [{ type: 'text', text: '123-45-6789' }], _meta: { [MASKING_META_KEY]: { plan: outcomes[0]!.plan!.digest, masked: [] } } } },
    ];
    const rows = readCsv(pack([item(forged)]).files['commands.csv']!);
    const last = rows.at(-1)!;
    expect(last.masking_plan).toBe('');
    expect(last.masking_why).toMatch(/^PROBLEM: masking plan sha256:[0-9a-f]{64}: the answer carries a masking note naming this plan, but its recording entry names no plan/);
    expect(last.masking_why).not.toContain('derived-from-phi');
  });

  test('a column name a hostile agent chose stays text in a spreadsheet', async () => {
    const m = newMasker();
    const statement = 'SELECT SSN AS "=1+2", LAST_NAME AS "+1" FROM CLINICAL.PHI.PATIENTS';
    const out = await m.mask(tableResult(['=1+2', '+1'], [['123-45-6789', 'Smith']]), context(statement));
    const recording: RecordingEntry[] = [
      request(1, 1, statement),
      { at: at(2), type: 'masking_plan', sessionId: 'S1', digest: out.plan!.digest, salt: out.plan!.salt, report: out.plan!.report } as RecordingEntry,
      { at: at(2), type: 'response', sessionId: 'S1', messageId: 1, outcome: 'ok', result: out.masked, masked: [], maskingPlan: out.plan!.digest } as RecordingEntry,
    ];
    const csv = pack([item(recording)]).files['commands.csv']!;
    const [row] = readCsv(csv);
    // The cell begins with the name the agent chose: written with a leading quote, so nothing runs.
    expect(row!.masking_why.startsWith("'=1+2: masked as SSN by rule phi-source")).toBe(true);
    expect(row!.masking_why).toContain('+1: masked as NAME');
    expect(csv).not.toContain('123-45-6789');
    expect(csv).not.toContain('Smith');
  });
});
