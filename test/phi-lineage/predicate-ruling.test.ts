import { parseMaskingPolicy } from '../../phi';
import { decideToolCall, withPhiPredicates } from '../../proxy';
import { parseConfig } from '../../policy';
import { clinicalCatalog } from './catalog-fixture';

const config = parseConfig(`
version: 1
targets:
  - name: clinical
    upstream: { type: stdio, command: node, args: [server.js] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [alice@example.org] }
    commands: { sqlTools: { run_snowflake_query: [statement] } }
    masking:
      phiPredicates: { DATE: deny }
`, 'test.yaml');
const target = config.targets[0]!;
const rule = (statement: string) => withPhiPredicates(decideToolCall(target, 'run_snowflake_query', { statement }), target, clinicalCatalog);

describe('PHI in predicates raises the policy ruling (pure)', () => {
  test.each<[string, string, 'allow' | 'hold' | 'deny']>([
    ['filter on SSN', "SELECT COUNT(*) FROM PATIENTS WHERE SSN LIKE '12%'", 'hold'],
    ['date under a deny policy', "SELECT COUNT(*) FROM PATIENTS WHERE DATE_OF_BIRTH > '1990-01-01'", 'deny'],
    ['join on ids', 'SELECT COUNT(*) FROM PATIENTS p JOIN ENCOUNTERS e ON p.PATIENT_ID = e.PATIENT_ID', 'allow'],
    ['no predicate', 'SELECT SSN FROM PATIENTS', 'allow'],
  ])('%s', (_name, statement, verdict) => {
    expect(rule(statement).verdict).toBe(verdict);
  });

  test('the ruling names the PHI columns and clauses for the approvers, never a value', () => {
    const r = rule("SELECT COUNT(*) FROM PATIENTS WHERE SSN = '123-45-6789' ORDER BY LAST_NAME");
    expect(r.phiColumns).toEqual(['CLINICAL.PHI.PATIENTS.SSN (SSN) in WHERE', 'CLINICAL.PHI.PATIENTS.LAST_NAME (NAME) in ORDER BY']);
    expect(r.reason).toContain('PHI in its predicates is held for approval on target clinical');
    expect(JSON.stringify(r.phiColumns)).not.toContain('123-45-6789');
    expect(r.risk).toBe('high');
  });

  test('a denied ruling stays denied; a call without SQL is untouched', () => {
    const ddl = withPhiPredicates(decideToolCall(target, 'run_snowflake_query', { statement: 'DROP TABLE PATIENTS' }), target, clinicalCatalog);
    expect(ddl.verdict).toBe('deny');
    const plain = withPhiPredicates(decideToolCall(target, 'list_objects', { object_type: 'table' }), target, clinicalCatalog);
    expect(plain).toEqual(decideToolCall(target, 'list_objects', { object_type: 'table' }));
  });

  test('the policy block validates: an unknown verdict or type is refused with its path', () => {
    expect(() => parseMaskingPolicy({ phiPredicates: { SSN: 'maybe' } })).toThrow(/phiPredicates/);
    expect(() => parseMaskingPolicy({ phiPredicates: { SHOE_SIZE: 'hold' } })).toThrow(/phiPredicates/);
    expect(() => parseMaskingPolicy({ catalog: { 'PATIENTS.SSN': 'SSN' } })).toThrow(/DATABASE.SCHEMA.TABLE.COLUMN/);
  });
});
