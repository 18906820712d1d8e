// The parts of a SQL result that are not its table (a text block in another format, a structured
// result that is not a table) are withheld as the strictest PHI type the plan masks, whatever the
// order of the columns: a DATE column before an SSN one must not label the rest as a mere DATE.
import type { PhiCatalog } from '../../phi';
import { PhiMasker } from '../../proxy';

const catalog: PhiCatalog = {
  target: 'warehouse', tables: [{ database: 'DB', schema: 'S', name: 'T', columns: [
    { name: 'ID', class: 'none', source: 'config' }, { name: 'DOB', class: 'DATE', source: 'config' }, { name: 'SSN', class: 'SSN', source: 'config' },
  ] }],
};
const masker = new PhiMasker({ name: 'warehouse', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => catalog } });
const context = (statement: string) => ({ target: 'warehouse', part: 'result' as const, method: 'tools/call', tool: 'run_query', arguments: { statement } });

test.each([
  ['DATE before SSN', 'SELECT ID, DOB, SSN FROM DB.S.T'],
  ['SSN before DATE', 'SELECT ID, SSN, DOB FROM DB.S.T'],
])('%s: a non-table text block and a non-table structured result are labelled SSN', async (_name, sql) => {
  const result = {
    content: [{ type: 'text', text: '| ID | DOB | SSN |\n| 7 | 1980-04-02 | 123-45-6789 |' }],
    structuredContent: { preview: ['7', '1980-04-02', '123-45-6789'], count: 1 },
  };
  const { masked } = await masker.mask(result, context(sql));
  const out = masked as unknown as { content: { text: string }[]; structuredContent: { preview: string[]; count: unknown } };
  expect(out.content[0]!.text).toBe('[SSN]');
  expect(out.structuredContent).toEqual({ preview: ['[SSN]', '[SSN]', '[SSN]'], count: '[SSN]' });
  expect(JSON.stringify(masked)).not.toMatch(/6789|1980/);
});
