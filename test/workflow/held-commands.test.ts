import { startHarness, waitForState, waitForStatus, type Harness } from '../support/harness';

const requester = 'carol@example.org';

describe('per-command approval (the Update the gateway calls)', () => {
  let h: Harness;
  let requestId: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ requestId } = await h.access.request({ requester, origin: 'api', target: 'clinical', durationMs: 20_000, reason: 'backfill fix' }));
    await h.access.approve(requestId, 'alice@example.org');
    await waitForState(h.access, requestId, 'ACTIVE');
  });
  afterAll(async () => {
    await h.access.revoke(requestId, requester, 'test over').catch(() => undefined);
    await h.close();
  });

  const review = (commandId: string) => ({ commandId, tool: 'run_snowflake_query', summary: 'UPDATE CLINICAL.PHI.PATIENTS SET city = ? WHERE mrn = [MRN]', classes: ['write'], risk: 'high' as const });
  const whenHeld = (commandId: string) => waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.commandId === commandId));

  test('approved by an approver: the gateway learns who and when', async () => {
    const decision = h.access.reviewCommand(requestId, review('cmd_approve0000000001'));
    await whenHeld('cmd_approve0000000001');
    await expect(h.access.decideCommand(requestId, 'cmd_approve0000000001', requester, true)).rejects.toThrow('you cannot approve commands of your own request');
    await expect(h.access.decideCommand(requestId, 'cmd_approve0000000001', 'dave@example.org', true)).rejects.toThrow('dave@example.org is not an approver of clinical');
    await h.access.decideCommand(requestId, 'cmd_approve0000000001', 'bob@example.org', true);
    await expect(decision).resolves.toMatchObject({ commandId: 'cmd_approve0000000001', approved: true, decidedBy: 'bob@example.org' });
    expect(h.notifier.kinds(requestId)).toEqual(expect.arrayContaining(['command_held', 'command_decided']));
  });

  test('denied with a reason', async () => {
    const decision = h.access.reviewCommand(requestId, review('cmd_deny000000000001'));
    await whenHeld('cmd_deny000000000001');
    await h.access.decideCommand(requestId, 'cmd_deny000000000001', 'alice@example.org', false, 'not during business hours');
    await expect(decision).resolves.toMatchObject({ approved: false, decidedBy: 'alice@example.org', reason: 'not during business hours' });
    await expect(h.access.decideCommand(requestId, 'cmd_deny000000000001', 'bob@example.org', true)).rejects.toThrow('already denied by alice@example.org');
  });

  test('no decision in time means denied', async () => {
    const decision = await h.access.reviewCommand(requestId, review('cmd_timeout000000001'));
    expect(decision).toMatchObject({ approved: false, decidedBy: 'gatehouse', reason: 'no approver decided in time' });
    const status = await h.access.status(requestId);
    expect(status.commands.find((c) => c.commandId === 'cmd_timeout000000001')?.outcome).toBe('timed_out');
  });

  test('asking twice with the same command id waits on the same decision', async () => {
    const first = h.access.reviewCommand(requestId, review('cmd_twice00000000001'));
    await whenHeld('cmd_twice00000000001');
    const second = h.access.reviewCommand(requestId, review('cmd_twice00000000001'));
    await h.access.decideCommand(requestId, 'cmd_twice00000000001', 'bob@example.org', true);
    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual(b);
    expect((await h.access.status(requestId)).commands.filter((c) => c.commandId === 'cmd_twice00000000001')).toHaveLength(1);
  });

  test('revocation answers every held command with a denial, and later commands are refused', async () => {
    const decision = h.access.reviewCommand(requestId, review('cmd_revoked000000001'));
    await whenHeld('cmd_revoked000000001');
    await h.access.revoke(requestId, requester, 'done');
    await expect(decision).resolves.toMatchObject({ approved: false, reason: expect.stringMatching(/the grant is (revoking|revoked)/) });
    await waitForState(h.access, requestId, 'ARCHIVED');
    await expect(h.access.reviewCommand(requestId, review('cmd_late000000000001'))).rejects.toThrow(/closed|no command can run/);
  });
});
