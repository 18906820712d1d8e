import { decisionRefusal, extendRefusal, parseAccessCommand, readRequestForm, revokeRefusal, statusRefusal } from '../../slack-app';
import { parseConfig } from '../../policy';
import type { AccessStatus } from '../../workflows';
import { SLACK_TEST_CONFIG } from './stack';

describe('/access text, parsed without I/O', () => {
  test.each([
    ['', { kind: 'modal' }],
    ['   ', { kind: 'modal' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['status', { kind: 'status' }],
    ['status req_abcdefghij0123456789', { kind: 'status', requestId: 'req_abcdefghij0123456789' }],
    ['revoke req_abcdefghij0123456789', { kind: 'revoke', requestId: 'req_abcdefghij0123456789' }],
    ['revoke req_abcdefghij0123456789 done  early', { kind: 'revoke', requestId: 'req_abcdefghij0123456789', reason: 'done early' }],
    ['clinical 2h investigate claim 4411', { kind: 'request', target: 'clinical', durationMs: 7_200_000, duration: '2h', reason: 'investigate claim 4411' }],
    ['clinical 90m ticket:INC-9 look at   notes', { kind: 'request', target: 'clinical', durationMs: 5_400_000, duration: '90m', reason: 'look at notes', ticket: 'INC-9' }],
    ['clinical-readonly 1d why TICKET=ABC-1', { kind: 'request', target: 'clinical-readonly', durationMs: 86_400_000, duration: '1d', reason: 'why', ticket: 'ABC-1' }],
  ])('%j', (text, expected) => {
    expect(parseAccessCommand(text)).toEqual(expected);
  });

  test.each([
    ['clinical', /^Say for how long you need clinical, and why\.$/],
    ['clinical 0m reason', /^"0m" is not a duration/],
    ['clinical 2 reason', /^"2" is not a duration/],
    ['clinical 1h ticket:X', /^Say why you need clinical/],
    ['status a b', /at most one request id/],
    ['revoke 42', /^"42" is not a request id/],
    ['DROP TABLE', /neither a command .* nor a target name/],
  ])('%j is refused with what was wrong', (text, problem) => {
    const parsed = parseAccessCommand(text);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') expect(parsed.problem).toMatch(problem);
  });
});

test('a reason longer than 1000 characters is refused', () => {
  expect(parseAccessCommand(`clinical 1h ${'x'.repeat(1001)}`)).toMatchObject({ kind: 'invalid', problem: 'The reason is 1001 characters; keep it under 1000.' });
});

describe('the request form, checked without I/O', () => {
  const config = parseConfig(SLACK_TEST_CONFIG, 'slack-test-config.yaml');
  const values = (target: string | null, duration: string, reason: string, ticket = '') => ({
    target: { value: { selected_option: target ? { value: target } : null } },
    duration: { value: { value: duration } },
    reason: { value: { value: reason } },
    ticket: { value: { value: ticket } },
  });
  test('a good form', () => {
    expect(readRequestForm(values('clinical', '30s', ' why ', 'INC-1'), config)).toEqual({ ok: true, form: { target: 'clinical', durationMs: 30_000, reason: 'why', ticket: 'INC-1' } });
  });
  test('every field with its own error', () => {
    expect(readRequestForm(values(null, 'soon', '', 'two words'), config)).toEqual({
      ok: false,
      errors: { target: 'Pick a target.', duration: '"soon" is not a duration; write it like 30m or 2h.', reason: 'A reason is required; the approvers read it.', ticket: 'A ticket is one word, like INC-4411.' },
    });
  });
});

describe('the rules the app checks before the workflow checks them again', () => {
  const base: AccessStatus = {
    requestId: 'req_abcdefghij0123456789', requester: 'carol@example.org', origin: 'slack', target: 'clinical', reason: 'r', durationMs: 1000,
    policy: { target: 'clinical', approverChannel: 'x', approvers: ['bob@example.org'], maxDurationMs: 1, autoApproved: false, approvalTimeoutMs: 1, commandApprovalTimeoutMs: 1, expiringSoonWarningMs: 1 },
    state: 'PENDING_APPROVAL', requestedAt: '', extensions: [], commands: [], timeline: [],
  };
  test('decisions', () => {
    expect(decisionRefusal(base, 'Carol@Example.org', 'approve')).toMatch(/cannot approve it yourself/);
    expect(decisionRefusal(base, 'dave@example.org', 'deny')).toMatch(/dave@example.org is not one of them/);
    expect(decisionRefusal(base, 'bob@example.org', 'approve')).toBeUndefined();
    const approved = { ...base, state: 'ACTIVE' as const, decision: { approved: true, by: 'bob@example.org', at: '' } };
    expect(decisionRefusal(approved, 'bob@example.org', 'approve')).toBe('You already approved req_abcdefghij0123456789; nothing more to do.');
    expect(decisionRefusal(approved, 'bob@example.org', 'deny')).toBe('req_abcdefghij0123456789 was already approved by bob@example.org; it is active now. Nothing was changed.');
    expect(decisionRefusal({ ...base, state: 'EXPIRED_UNAPPROVED' }, 'bob@example.org', 'approve')).toMatch(/expired without a decision/);
  });
  test('revoke, extend, status', () => {
    expect(revokeRefusal(base, 'carol@example.org')).toBeUndefined();
    expect(revokeRefusal(base, 'dave@example.org')).toMatch(/Only the requester and the approvers/);
    expect(revokeRefusal({ ...base, state: 'DENIED' }, 'bob@example.org')).toMatch(/nothing to revoke/);
    expect(extendRefusal({ ...base, state: 'ACTIVE' }, 'bob@example.org')).toMatch(/Only the requester/);
    expect(extendRefusal({ ...base, state: 'ACTIVE' }, 'carol@example.org')).toBeUndefined();
    expect(statusRefusal(base, 'dave@example.org')).toMatch(/is not yours/);
    expect(statusRefusal(base, 'bob@example.org')).toBeUndefined();
  });
});
