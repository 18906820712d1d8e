// decideToolCall keeps SQL classifications per target and exact text (proxy/command-policy.ts):
// the same call decides the same whether cached or not, a flood of distinct SQL cannot change a
// decision, and a reloaded config (a new target object) decides by its own policy.
import { classifySql, parseConfig, type TargetConfig } from '../../policy';
import { decideToolCall } from '../../proxy';
import { everythingServer } from './support';

const config = (write: 'hold' | 'deny') => parseConfig(`
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: clinical
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: [echo]
      sqlArguments: [message]
      sql: { read: allow, write: ${write}, ddl: deny, privilege: deny, export: deny, multi_statement: hold, unparseable: hold }
`, 'cache.yaml');

const target = (write: 'hold' | 'deny'): TargetConfig => config(write).targets[0]!;

describe('decideToolCall: cached classifications', () => {
  const statements = [
    'SELECT NAME FROM CLINICAL.PHI.PATIENTS',
    "UPDATE CLINICAL.PHI.PATIENTS SET NAME = 'x'",
    'DROP TABLE CLINICAL.PHI.PATIENTS',
    'SELECT 1; DELETE FROM CLINICAL.PHI.PATIENTS',
    'SELEC garbage ((',
    "COPY INTO @stage FROM CLINICAL.PHI.PATIENTS",
  ];

  test('a repeated call decides exactly as the first one, and as the classifier itself', () => {
    const t = target('hold');
    for (const sql of statements) {
      const first = decideToolCall(t, 'echo', { message: sql });
      const again = decideToolCall(t, 'echo', { message: sql });
      expect(again).toEqual(first);
      expect(first.classes.sort()).toEqual([...classifySql(sql).classes].sort());
    }
  });

  test('changing a returned ruling changes nothing cached', () => {
    const t = target('hold');
    const sql = "UPDATE CLINICAL.PHI.PATIENTS SET NAME = 'x'";
    const ruling = decideToolCall(t, 'echo', { message: sql });
    ruling.classes.length = 0;
    ruling.classes.push('read');
    expect(decideToolCall(t, 'echo', { message: sql })).toMatchObject({ verdict: 'hold', classes: ['write'] });
  });

  test('a hostile flood of distinct SQL (evicting entries) does not change a decision', () => {
    const t = target('hold');
    const write = "UPDATE CLINICAL.PHI.PATIENTS SET NAME = 'x'";
    expect(decideToolCall(t, 'echo', { message: write }).verdict).toBe('hold');
    for (let i = 0; i < 600; i++) decideToolCall(t, 'echo', { message: `SELECT ${i} FROM CLINICAL.PHI.PATIENTS` });
    expect(decideToolCall(t, 'echo', { message: write }).verdict).toBe('hold');
    expect(decideToolCall(t, 'echo', { message: 'DROP TABLE CLINICAL.PHI.PATIENTS' }).verdict).toBe('deny');
  });

  test('a reloaded config (a new target object) decides by its own policy', () => {
    const write = "UPDATE CLINICAL.PHI.PATIENTS SET NAME = 'x'";
    expect(decideToolCall(target('hold'), 'echo', { message: write }).verdict).toBe('hold');
    expect(decideToolCall(target('deny'), 'echo', { message: write }).verdict).toBe('deny');
  });
});
