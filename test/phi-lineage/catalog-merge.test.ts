// mergeDiscovery on catalogs alone: discovery may raise a column's protection, never lower it without review.
import { mergeDiscovery, protection, type PhiCatalog } from '../../phi';

const catalog = (columns: [string, string][], table = 'INTAKE'): PhiCatalog => ({
  target: 't', discoveredAt: '2026-01-01T00:00:00.000Z',
  tables: [{ database: 'DB', schema: 'S', name: table, columns: columns.map(([name, cls]) => ({ name, class: cls as never, source: 'discovered-name' as const })) }],
});
const classes = (c: PhiCatalog) => Object.fromEntries(c.tables.flatMap((t) => t.columns.map((col) => [`${t.name}.${col.name}`, col.class])));

test('the first discovery applies as found', () => {
  const { catalog: merged, changes } = mergeDiscovery(undefined, catalog([['A', 'none']]));
  expect(classes(merged)).toEqual({ 'INTAKE.A': 'none' });
  expect(changes).toEqual([{ column: 'DB.S.INTAKE.A', discovered: 'none', applied: 'none' }]);
});

test.each([
  ['SSN', 'none'], ['SSN', 'text'], ['NAME', 'ZIP'], ['text', 'none'], ['MRN', 'DATE'],
])('a tag unset or a value disguised: %s discovered as %s is held at the stored class', (before, after) => {
  const { catalog: merged, changes } = mergeDiscovery(catalog([['A', before]]), catalog([['A', after]]));
  expect(classes(merged)).toEqual({ 'INTAKE.A': before });
  expect(changes).toEqual([expect.objectContaining({ column: 'DB.S.INTAKE.A', before, discovered: after, applied: before, held: expect.stringContaining('gatehouse.yaml') })]);
});

test.each([['none', 'SSN'], ['text', 'NAME'], ['ZIP', 'SSN'], ['DATE', 'MRN']])('stronger protection applies at once: %s -> %s', (before, after) => {
  const { catalog: merged, changes } = mergeDiscovery(catalog([['A', before]]), catalog([['A', after]]));
  expect(classes(merged)).toEqual({ 'INTAKE.A': after });
  expect(changes[0]).not.toHaveProperty('held');
});

test('a rename (a column gone, a new one appears weaker) keeps the strictest class of what disappeared', () => {
  const { catalog: merged, changes } = mergeDiscovery(catalog([['SSN', 'SSN'], ['NOTE', 'text'], ['N', 'none']]), catalog([['REF_CODE', 'none'], ['NOTE', 'text'], ['N', 'none']]));
  expect(classes(merged)).toEqual({ 'INTAKE.REF_CODE': 'SSN', 'INTAKE.NOTE': 'text', 'INTAKE.N': 'none' });
  expect(changes).toEqual([
    { column: 'DB.S.INTAKE.REF_CODE', discovered: 'none', applied: 'SSN', held: expect.stringContaining('SSN disappeared (a rename?)') },
    { column: 'DB.S.INTAKE.SSN', before: 'SSN' },
  ]);
});

test('a new column of a known table discovered as none is scanned as text until reviewed; a new table applies as found', () => {
  const before = catalog([['A', 'none']]);
  const fresh: PhiCatalog = { ...catalog([['A', 'none'], ['B', 'none']]), tables: [...catalog([['A', 'none'], ['B', 'none']]).tables, ...catalog([['X', 'none']], 'FRESH').tables] };
  const { catalog: merged, changes } = mergeDiscovery(before, fresh);
  expect(classes(merged)).toEqual({ 'INTAKE.A': 'none', 'INTAKE.B': 'text', 'FRESH.X': 'none' });
  expect(changes.find((c) => c.column === 'DB.S.INTAKE.B')).toMatchObject({ discovered: 'none', applied: 'text', held: expect.any(String) });
});

test('held twice: a held column stays held on the next refresh (no two-step declassification)', () => {
  const first = mergeDiscovery(catalog([['SSN', 'SSN']]), catalog([['REF', 'none']])).catalog;
  const second = mergeDiscovery(first, catalog([['REF', 'none']]));
  expect(classes(second.catalog)).toEqual({ 'INTAKE.REF': 'SSN' });
  expect(second.changes[0]).toMatchObject({ before: 'SSN', discovered: 'none', applied: 'SSN', held: expect.any(String) });
});

test('protection orders none < text < PHI types, direct identifiers strictest', () => {
  expect(protection('none')).toBeLessThan(protection('text'));
  expect(protection('text')).toBeLessThan(protection('AGE'));
  expect(protection('ZIP')).toBeLessThan(protection('SSN'));
});
