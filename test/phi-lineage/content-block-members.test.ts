// A SQL result's text blocks carry more than their text: `annotations`, `_meta`, or any member a
// server adds. The masker rewrote the text and copied the rest of the block as it came, so a
// value parked beside the table (by a server echoing data, or a hostile one) passed unmasked.
// Such members are unreadable parts of the result like its unknown keys: masked whole when the
// statement read PHI.
import { PhiMasker, type MaskContext } from '../../proxy';
import { clinicalCatalog } from './catalog-fixture';

const masker = new PhiMasker({ name: 'clinical', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-test-token-key-of-32-bytes-....', undefined, { catalog: { get: () => clinicalCatalog } });
const context = (statement: string) => ({ target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement } }) as MaskContext;
const sql = 'SELECT PATIENT_ID, SSN FROM CLINICAL.PHI.PATIENTS';
const table = { columns: ['PATIENT_ID', 'SSN'], rows: [[1, '123-45-6789']], rowCount: 1 };
const extras = { annotations: { audience: ['user'], note: '987-65-4321 Maria Gonzalez' }, _meta: { echo: '987-65-4321' }, preview: 'Maria Gonzalez 987-65-4321' };
const leaks = (v: unknown) => /6789|4321|Gonzalez/.test(JSON.stringify(v));

test.each([
  ['a table text', { content: [{ type: 'text', text: JSON.stringify(table), ...extras }] }],
  ['the twin of structuredContent', { content: [{ type: 'text', text: JSON.stringify(table), ...extras }], structuredContent: table }],
  ['the row-limit note', { content: [{ type: 'text', text: JSON.stringify(table) }, { type: 'text', text: 'showing 1 of 9 rows (row limit 1); add a LIMIT or a narrower WHERE', ...extras }] }],
])('%s: the block\'s other members are masked, its type and text kept as masking left them', async (_name, result) => {
  for (let call = 0; call < 2; call++) {
    const { masked } = await masker.mask(result, context(sql));
    expect(leaks(masked)).toBe(false);
    const blocks = (masked as { content: Record<string, unknown>[] }).content;
    expect(blocks.every((b) => b.type === 'text' && typeof b.text === 'string')).toBe(true);
    expect(JSON.parse(blocks[0]!.text as string)).toMatchObject({ rows: [[1, '[SSN]']] });
  }
});
