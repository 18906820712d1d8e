// When masking changes nothing in structuredContent, its JSON twin in a text block is sent on
// without serialising the masked value again (phi/structured/same-json.ts). A hostile upstream must
// not be able to pass text the masker never read that way, nor through any text that looks like a
// table: a text twin that is not the structured content (a duplicated key JSON.parse drops), digits
// beyond a double, escapes and whitespace only the re-serialised form normalises. Each case goes
// through PhiMasker with masking by appearance ("on") and by the catalog ("catalog", the columns
// proven none, the strongest case for passing text unread).
import type { PhiCatalog } from '../../phi';
import { PhiMasker } from '../../proxy';

const catalog: PhiCatalog = {
  target: 'warehouse', tables: [{ database: 'DB', schema: 'S', name: 'T', columns: [
    { name: 'CODE', class: 'none', source: 'config' }, { name: 'N', class: 'none', source: 'config' },
  ] }],
};
const target = { name: 'warehouse', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never;
const maskers = {
  on: new PhiMasker(target, 'a-test-token-key-of-32-bytes-....', undefined, { sqlArguments: [] }),
  catalog: new PhiMasker(target, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => catalog } }),
};
const context = { target: 'warehouse', part: 'result' as const, method: 'tools/call', tool: 'run_query', arguments: { statement: 'SELECT CODE, N FROM DB.S.T' } };
const clean = { columns: ['CODE', 'N'], rows: [['A1', 1], ['B2', 2]] };

const hostileTexts: [string, string, RegExp][] = [
  ['a duplicated rows key hiding an SSN', '{"columns":["CODE","N"],"rows":[["123-45-6789",1]],"rows":[["A1",1],["B2",2]]}', /123-45-6789/],
  ['a duplicated cell object key', '{"columns":["CODE","N"],"rows":[["A1",1],["B2",2]],"columns":["CODE","N"]}', /^(?![\s\S])/], // nothing hidden: still re-serialised
  ['digits beyond a double hiding an SSN', '{"columns":["CODE","N"],"rows":[["A1",1.00000000000000000123456789],["B2",2]]}', /123456789/],
  ['an integer a double cannot hold', '{"columns":["CODE","N"],"rows":[["A1",123456789012345678901],["B2",2]]}', /12345678901234567890/],
  ['whitespace between tokens', '{"columns": ["CODE", "N"], "rows": [["A1", 1], ["B2", 2]]}', /": /],
  ['escapes only the re-serialised form normalises', '{"columns":["CODE","N"],"rows":[["\\u0041\\u0031",1],["B\\/2",2]]}', /\\u0041|\\\//],
];

describe.each(['on', 'catalog'] as const)('masking %s', (mode) => {
  const masker = maskers[mode];
  const texts = async (result: unknown) => ((await masker.mask(result, context)).masked as { content: { text: string }[] }).content.map((c) => c.text);

  test.each(hostileTexts)('%s: the text sent is the serialisation of what was masked, not the text received', async (_name, text, hidden) => {
    const [out] = await texts({ content: [{ type: 'text', text }] });
    expect(out).toBe(JSON.stringify(JSON.parse(out!)));
    expect(out).not.toMatch(hidden);
  });

  test('a text twin that differs from structuredContent (a duplicated key with an SSN) is masked on its own', async () => {
    const twin = JSON.stringify(clean);
    const text = twin.replace('"rows":', '"rows":[["123-45-6789",0]],"rows":');
    expect(JSON.parse(text)).toEqual(clean);
    const out = await texts({ content: [{ type: 'text', text }, { type: 'text', text: twin }], structuredContent: clean });
    expect(out.join('\n')).not.toContain('123-45-6789');
    expect(out[1]).toBe(twin);
  });

  test('a clean twin of structuredContent is not serialised a second time', async () => {
    const twin = JSON.stringify(clean);
    const spy = jest.spyOn(JSON, 'stringify');
    try {
      const out = await texts({ content: [{ type: 'text', text: twin }], structuredContent: clean });
      expect(out).toEqual([twin]);
      // Once, to recognise the twin; the old path wrote the masked structuredContent a second time.
      expect(spy.mock.calls.filter(([v]) => typeof v === 'object' && v !== null && 'rows' in v)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});
