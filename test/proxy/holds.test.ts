import type { CallToolResult } from '@modelcontextprotocol/client';
import { startHarness, testConfig, waitForState, waitForStatus, type Harness } from '../support/harness';
import { connectClient, endSession, eventually, everythingServer, initializeBody, rawPost, startTestGateway, type TestGateway } from './support';

// Held commands through the real access workflow, Redis and server-everything (whose echo
// "message" is declared SQL). Both hold styles, re-calls, withdrawal, the per-grant cap, and
// revocation while the grant is flooded with holds.
const upstream = `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }`;
const target = (name: string, maxHeld: number) => `
  - name: ${name}
    upstream: ${upstream}
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    maxDuration: 10m
    commands:
      tools: [echo]
      sqlArguments: [message]
      approvalTimeout: 60s
      maxHeld: ${maxHeld}
`;
const CONFIG = `
version: 1
defaults: { maxDuration: 1h, approvalTimeout: 30s, commandApprovalTimeout: 60s, expiringSoonWarning: 1s }
groups:
  approvers: [alice@example.org, bob@example.org]
targets:
${target('clinical', 3)}
${target('flood', 15)}
`;

const text = (r: unknown) => ((r as CallToolResult).content?.[0] as { text?: string } | undefined)?.text ?? '';

describe('held commands: styles that fit real clients, withdrawal, the per-grant cap', () => {
  let h: Harness;
  let gw: TestGateway;
  let requestId: string;
  let token: string;
  beforeAll(async () => {
    h = await startHarness({ config: testConfig(CONFIG) });
    gw = await startTestGateway({ config: CONFIG, reviewer: h.access, grants: h.grants, vault: h.vault });
    ({ requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 5 * 60_000, reason: 'claims fix' }));
    await h.access.approve(requestId, 'alice@example.org');
    const status = await waitForState(h.access, requestId, 'ACTIVE');
    token = h.grants.tokenFor(status.grantId!);
  });
  afterAll(async () => {
    await h.access.revoke(requestId, 'carol@example.org', 'test over').catch(() => undefined);
    await gw.close();
    await h.close();
  });

  const board = () => h.grants.commandBoard();
  const commandIdIn = (t: string) => /command (cmd_\w+)/i.exec(t)?.[1];
  const pendingCommands = async () => (await h.access.status(requestId)).commands.filter((c) => c.outcome === 'pending');
  const denyAllPending = async () => {
    for (const c of await pendingCommands()) await h.access.decideCommand(requestId, c.commandId, 'bob@example.org', false, 'test cleanup');
  };

  test('no progress token: answered at once with a tool result (id, who, where, until when); the identical re-call after approval runs once', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    const args = { message: "UPDATE clinical.phi.patients SET city = 'Boston' WHERE mrn = 'MRN-0012345'" };
    const first = await c.client.callTool({ name: 'echo', arguments: args });
    expect(first.isError).toBe(true);
    const t = text(first);
    expect(t).toMatch(/^Held for approval: this echo call \(write\) was NOT run\./);
    expect(t).toContain('alice@example.org, bob@example.org');
    expect(t).toMatch(/in the Slack thread (https:\/\/slack\.com\/archives\/\S+|the approvers' Slack channel C0APPROVERS)/);
    expect(t).toMatch(/valid until \d{4}-\d\d-\d\dT/);
    const commandId = commandIdIn(t)!;
    expect((await pendingCommands()).map((p) => p.commandId)).toEqual([commandId]);

    // The same call again before anyone decided: still the same hold, no second one.
    const again = await c.client.callTool({ name: 'echo', arguments: { ...args } });
    expect(text(again)).toMatch(/^Still held for approval/);
    expect(commandIdIn(text(again))).toBe(commandId);
    expect((await pendingCommands()).map((p) => p.commandId)).toEqual([commandId]);

    await h.access.decideCommand(requestId, commandId, 'bob@example.org', true);
    await eventually(() => board().decision(commandId), 'the decision announced to the gateway');
    // A different call is not covered by that approval.
    const other = await c.client.callTool({ name: 'echo', arguments: { message: "UPDATE clinical.phi.patients SET city = 'Salem'" } });
    expect(text(other)).toMatch(/^Held for approval/);
    await denyAllPending();

    const ran = await c.client.callTool({ name: 'echo', arguments: args });
    expect(ran.isError).toBeFalsy();
    expect(text(ran)).toBe("Echo: UPDATE clinical.phi.patients SET city = 'Boston' WHERE mrn = '[MRN]'");
    // Once: the next identical call is a new hold.
    const third = await c.client.callTool({ name: 'echo', arguments: args });
    expect(text(third)).toMatch(/^Held for approval/);
    expect(commandIdIn(text(third))).not.toBe(commandId);
    await denyAllPending();
    const recorded = gw.recorder.of(requestId).filter((e) => e.type === 'request' && e.commandId === commandId);
    expect(recorded.map((e) => e.verdict)).toEqual(['hold', 'hold', 'hold']);
    await endSession(c);
  });

  test('a denied command: the re-call answers with who denied it and why', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    const args = { message: 'DELETE FROM clinical.phi.encounters' };
    const commandId = commandIdIn(text(await c.client.callTool({ name: 'echo', arguments: args })))!;
    await h.access.decideCommand(requestId, commandId, 'alice@example.org', false, 'deletes need a change ticket');
    await eventually(() => board().decision(commandId), 'the decision announced to the gateway');
    const denied = await c.client.callTool({ name: 'echo', arguments: args });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(new RegExp(`^Denied: command ${commandId} was denied by alice@example.org at .*: deletes need a change ticket\\. It was not run\\.`));
    await endSession(c);
  });

  test('a client that cancels a held call withdraws it: the workflow records it, Slack hears, a late click is stale', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    const abort = new AbortController();
    const call = c.client.callTool({ name: 'echo', arguments: { message: 'UPDATE t SET a = 1' } }, { onprogress: () => undefined, signal: abort.signal })
      .then(() => 'answered', () => 'cancelled');
    const held = await waitForStatus(h.access, requestId, (s) => s.commands.some((x) => x.outcome === 'pending')).then((s) => s.commands.find((x) => x.outcome === 'pending')!);
    abort.abort('the user pressed Escape');
    expect(await call).toBe('cancelled');
    const withdrawn = await waitForStatus(h.access, requestId, (s) => s.commands.some((x) => x.commandId === held.commandId && x.outcome === 'withdrawn'));
    expect(withdrawn.commands.find((x) => x.commandId === held.commandId)).toMatchObject({ decidedBy: 'client', reason: 'withdrawn by the client (it cancelled the call)' });
    await eventually(() => h.notifier.notices.some((n) => n.kind === 'command_decided' && n.commandId === held.commandId), 'Slack told of the withdrawal');
    await expect(h.access.decideCommand(requestId, held.commandId, 'bob@example.org', true)).rejects.toThrow(/stale: it was withdrawn by the client/);
    await endSession(c);
  });

  test('a client that ends its session (DELETE) withdraws the holds it waits on', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    const call = c.client.callTool({ name: 'echo', arguments: { message: 'UPDATE t SET a = 2' } }, { onprogress: () => undefined }).catch(() => 'ended');
    const held = await waitForStatus(h.access, requestId, (s) => s.commands.some((x) => x.outcome === 'pending')).then((s) => s.commands.find((x) => x.outcome === 'pending')!);
    await c.transport.terminateSession();
    await waitForStatus(h.access, requestId, (s) => s.commands.some((x) => x.commandId === held.commandId && x.outcome === 'withdrawn' && /withdrawn by the client/.test(x.reason ?? '')));
    await call;
    await c.client.close();
  });

  test('at most maxHeld commands of a grant wait at once; the next is refused with a precise error', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    for (const n of [1, 2, 3]) expect(text(await c.client.callTool({ name: 'echo', arguments: { message: `UPDATE t SET a = ${n}` } }))).toMatch(/^Held for approval/);
    await expect(c.client.callTool({ name: 'echo', arguments: { message: 'UPDATE t SET a = 4' } })).rejects.toMatchObject({
      code: -31033, message: expect.stringMatching(/3 commands of this grant already wait for an approver \(at most 3 on clinical\)/),
    });
    // Counted against the grant (and recorded in its next refusals window).
    const grantId = (await h.access.status(requestId)).grantId!;
    expect(gw.gateway.refusals.counted(grantId)).toMatchObject({ too_many_holds: 1 });
    // With progress tokens too (the gateway's own count), and a decision frees a slot.
    await denyAllPending();
    expect(text(await c.client.callTool({ name: 'echo', arguments: { message: 'UPDATE t SET a = 5' } }))).toMatch(/^Held for approval/);
    await denyAllPending();
    await endSession(c);
  });
});

describe('revocation nothing can queue behind', () => {
  let h: Harness;
  let gw: TestGateway;
  beforeAll(async () => {
    h = await startHarness({ config: testConfig(CONFIG) });
    gw = await startTestGateway({ config: CONFIG, reviewer: h.access, grants: h.grants, vault: h.vault });
  });
  afterAll(async () => {
    await gw.close();
    await h.close();
  });

  test('with more holds waiting than Temporal allows in-flight Updates, extend, decisions and revoke still answer, and the token is refused', async () => {
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'flood', durationMs: 5 * 60_000, reason: 'flood' });
    await h.access.approve(requestId, 'alice@example.org');
    const token = h.grants.tokenFor((await waitForState(h.access, requestId, 'ACTIVE')).grantId!);
    const sessions = await Promise.all([0, 1, 2].map(() => connectClient(gw.url, 'flood', token)));
    // 15 holds, each a client waiting with a progress token (Temporal's default cap is 10 in-flight Updates per workflow).
    const calls = Array.from({ length: 15 }, (_, i) => sessions[i % 3]!.client
      .callTool({ name: 'echo', arguments: { message: `UPDATE t SET a = ${i}` } }, { onprogress: () => undefined, timeout: 120_000 })
      .then(() => 'ran', (e: Error) => e.message));
    await waitForStatus(h.access, requestId, (s) => s.commands.filter((c) => c.outcome === 'pending').length === 15);

    const timings: Record<string, number> = {};
    const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      try { return await run(); } finally { timings[name] = Math.round(performance.now() - start); }
    };
    const pending = (await h.access.status(requestId)).commands.filter((c) => c.outcome === 'pending');
    await expect(timed('extend', () => h.access.extend(requestId, 'carol@example.org', 60_000, 'more time'))).resolves.toMatchObject({ state: 'ACTIVE' });
    await expect(timed('decideExtension', () => h.access.decideExtension(requestId, 'bob@example.org', true))).resolves.toMatchObject({ detail: expect.stringContaining('extended until') });
    await expect(timed('decideCommand', () => h.access.decideCommand(requestId, pending[0]!.commandId, 'bob@example.org', true))).resolves.toMatchObject({ detail: expect.stringContaining('approved') });
    // More holds keep arriving while the revoke is on its way (each refused at the cap or held).
    const more = Array.from({ length: 6 }, (_, i) => sessions[i % 3]!.client
      .callTool({ name: 'echo', arguments: { message: `UPDATE t SET b = ${i}` } }, { onprogress: () => undefined, timeout: 120_000 })
      .then(() => 'ran', (e: Error) => e.message));
    // The workflow took the revoke, or (worker saturated by the flood) the grant was cut first and
    // the workflow completes the revocation when it gets to it: both cut the token now.
    await expect(timed('revoke', () => h.access.revoke(requestId, 'carol@example.org', 'flooded'))).resolves.toMatchObject({ detail: expect.stringMatching(/^(revocation started|the grant is cut: its token is refused from now on)/) });
    // By order, not by time: the moment revoke has returned, the very next request with the token is
    // refused, whatever the workflow (busy with the flood) has done of its own revocation by then.
    const next = await rawPost(gw.url, 'flood', initializeBody(), { authorization: `Bearer ${token}` });
    expect(next.status).toBe(401);
    await eventually(async () => (await h.access.status(requestId)).timeline.some((e) => e.type === 'revocation_requested'), 'the revocation in the request\'s timeline');
    const outcomes = [...await Promise.all(calls), ...await Promise.all(more)];
    expect(outcomes.filter((o) => o === 'ran').length).toBeLessThanOrEqual(1);
    expect(outcomes.filter((o) => o !== 'ran' && !/revoked|session ended|not active|denied|waiting for an approver|already wait for an approver/i.test(o))).toEqual([]);
    process.stderr.write(`[holds flood] ms: ${JSON.stringify(timings)}\n`);
    await Promise.all(sessions.map((s) => s.client.close()));
  });
});
