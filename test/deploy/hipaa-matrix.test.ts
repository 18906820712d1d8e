// docs/hipaa.md against the code: every safeguard has a row, every row names tests, and every
// named test exists (its file exists and contains the test's name).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RETENTION_MS } from '../../audit';
import { SERVICE_ENVIRONMENT } from '../../lib';

const root = join(__dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'hipaa.md'), 'utf8');

const SAFEGUARDS = [
  '164.312(a)(1)', '164.312(a)(2)(i)', '164.312(a)(2)(ii)', '164.312(a)(2)(iii)', '164.312(b)', '164.312(c)(1)',
  '164.312(d)', '164.312(e)(1)', '164.308(a)(1)(ii)(D)', '164.308(a)(4)', '164.316(b)(2)',
];

interface Row { safeguard: string; does: string; config: string; proof: string; customer: string }

/** The matrix's rows: the table under "## The matrix", split on unescaped pipes. */
function rows(): Row[] {
  const section = doc.slice(doc.indexOf('## The matrix'), doc.indexOf('\n## ', doc.indexOf('## The matrix') + 1));
  return section.split('\n').filter((line) => line.startsWith('| 164.')).map((line) => {
    const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());
    expect(cells).toHaveLength(5);
    const [safeguard, does, config, proof, customer] = cells as [string, string, string, string, string];
    return { safeguard, does, config, proof, customer };
  });
}

/** `path`: "name" pairs of a proof cell. */
function namedTests(proof: string): { file: string; name: string }[] {
  return [...proof.matchAll(/`(test\/[^`]+\.test\.ts)`: "([^"]+)"/g)].map((m) => ({ file: m[1]!, name: m[2]! }));
}

const quoted = (text: string) => [`'${text.replace(/'/g, "\\'")}'`, `"${text}"`, `\`${text}\``];

describe('docs/hipaa.md, the controls matrix', () => {
  test('has one row per safeguard, each with what Gatehouse does, its configuration, tests and the customer\'s part', () => {
    const found = rows();
    expect(found.map((r) => r.safeguard.split(' ')[0])).toEqual(SAFEGUARDS);
    for (const row of found) {
      expect({ row: row.safeguard, complete: [row.does, row.config, row.customer].every((cell) => cell.length > 20 || /`/.test(cell)) }).toEqual({ row: row.safeguard, complete: true });
      expect({ row: row.safeguard, tests: namedTests(row.proof).length > 0 }).toEqual({ row: row.safeguard, tests: true });
    }
  });

  test('every test it names exists: the file, and a test of that name in it', () => {
    const missing: string[] = [];
    for (const row of rows()) {
      for (const { file, name } of namedTests(row.proof)) {
        const path = join(root, file);
        if (!existsSync(path)) {
          missing.push(`${row.safeguard}: ${file} does not exist`);
          continue;
        }
        const text = readFileSync(path, 'utf8');
        if (!quoted(name).some((q) => text.includes(q))) missing.push(`${row.safeguard}: ${file} has no test "${name}"`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('every variable it names as configuration is one a service reads', () => {
    const known = new Set(Object.values(SERVICE_ENVIRONMENT).flatMap((s) => s.variables.map((v) => v.name)));
    const named = rows().flatMap((r) => [...r.config.matchAll(/`((?:GATEHOUSE|TEMPORAL|SLACK)_[A-Z_]+)(?:=[^`]*)?`/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !name.endsWith('_') && !known.has(name))).toEqual([]);
  });

  test('the default archive retention is at least six years', () => {
    expect(DEFAULT_RETENTION_MS).toBeGreaterThanOrEqual(6 * 365 * 86_400_000);
  });
});
