// The masker keeps SQL plans per catalog object: a refreshed catalog (a new object) is planned afresh, so a column
// that became PHI is masked at once; distinct SQL texts cannot share or poison a plan.
import { parseMaskingPolicy, type PhiCatalog } from '../../phi';
import { PhiMasker, withPhiPredicates } from '../../proxy';

const table = (cls: string): PhiCatalog => ({
  target: 'warehouse', tables: [{ database: 'DB', schema: 'S', name: 'T', columns: [{ name: 'CODE', class: cls as never, source: 'discovered-type' }, { name: 'N', class: 'none', source: 'discovered-type' }] }],
});
const result = { content: [{ type: 'text', text: JSON.stringify({ columns: ['CODE', 'N'], rows: [['123-45-6789x', 1], ['k7', 2]] }) }] };
const context = (statement: string) => ({ target: 'warehouse', part: 'result' as const, method: 'tools/call', tool: 'run_query', arguments: { statement } });
const rows = (masked: unknown) => (JSON.parse((masked as typeof result).content[0]!.text) as { rows: unknown[][] }).rows;

test('a refreshed catalog is planned afresh; the same SQL under the old catalog is not reused', async () => {
  let current = table('none');
  const masker = new PhiMasker(
    { name: 'warehouse', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined,
    { catalog: { get: async () => current } },
  );
  const sql = 'SELECT CODE, N FROM DB.S.T';
  expect(rows((await masker.mask(result, context(sql))).masked)[1]).toEqual(['k7', 2]);
  expect(rows((await masker.mask(result, context(sql))).masked)[1]).toEqual(['k7', 2]);
  current = table('SSN');
  const after = rows((await masker.mask(result, context(sql))).masked);
  expect(after[1]![0]).not.toBe('k7');
  expect(after[1]![1]).toBe(2);
  // Another SQL text over the same catalog: its own plan (an alias does not inherit CODE's pass).
  const aliased = rows((await masker.mask(result, context('SELECT CODE AS N2, N FROM DB.S.T'))).masked);
  expect(aliased[1]![0]).not.toBe('k7');
});

test('an agent sending endless distinct SQL texts keeps the cache bounded and every plan correct', async () => {
  const stored = table('SSN');
  const masker = new PhiMasker({ name: 'warehouse', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: async () => stored } });
  for (let i = 0; i < 600; i++) {
    const masked = rows((await masker.mask(result, context(`SELECT CODE, N FROM DB.S.T WHERE N > ${i % 3 === 0 ? -i : 0}`))).masked);
    expect(masked[1]![0]).not.toBe('k7');
  }
  expect((masker as unknown as { plans: WeakMap<object, Map<string, unknown>> }).plans.get(await masker.catalog())!.size).toBeLessThanOrEqual(256);
});

test('predicate rulings are kept per catalog object too: a column that became PHI holds the same SQL at once', () => {
  const target = { name: 'warehouse', masking: parseMaskingPolicy({}) } as never;
  const ruling = { verdict: 'allow' as const, tool: 'run_query', classes: [], risk: 'low' as const, sql: ["SELECT COUNT(*) FROM DB.S.T WHERE CODE LIKE '12%'"], reason: 'a read' };
  const before = table('none');
  expect(withPhiPredicates(ruling, target, before).verdict).toBe('allow');
  expect(withPhiPredicates(ruling, target, before).verdict).toBe('allow');
  expect(withPhiPredicates(ruling, target, table('SSN'))).toMatchObject({ verdict: 'hold', phiColumns: ['DB.S.T.CODE (SSN) in WHERE'] });
});
