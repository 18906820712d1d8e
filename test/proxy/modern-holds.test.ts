import type { CallToolResult } from '@modelcontextprotocol/client';
import { startHarness, testConfig, waitForState, waitForStatus, type Harness } from '../support/harness';
import { connectV2, modernPost } from './modern-support';
import { eventually, everythingServer, startTestGateway, type TestGateway } from './support';

// Held commands for 2026-07-28 clients: the same hold (the access workflow, the decision board, an
// approval usable once) encoded as the revision's multi-round-trip request. Through the real
// workflow, Redis and server-everything (echo's "message" is declared SQL); both eras.
const upstream = `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }`;
const CONFIG = `
version: 1
defaults: { maxDuration: 1h, approvalTimeout: 30s, commandApprovalTimeout: 60s, expiringSoonWarning: 1s }
groups:
  approvers: [alice@example.org, bob@example.org]
targets:
  - name: clinical
    upstream: ${upstream}
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    maxDuration: 10m
    commands:
      tools: [echo]
      sqlArguments: [message]
      approvalTimeout: 60s
      maxHeld: 5
`;

const text = (r: unknown) => ((r as CallToolResult).content?.[0] as { text?: string } | undefined)?.text ?? '';

describe('held commands in the 2026-07-28 era: input_required, one run after approval, why when denied', () => {
  let h: Harness;
  let gw: TestGateway;
  let requestId: string;
  let token: string;
  beforeAll(async () => {
    h = await startHarness({ config: testConfig(CONFIG) });
    gw = await startTestGateway({ config: CONFIG, reviewer: h.access, grants: h.grants, vault: h.vault });
    ({ requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 5 * 60_000, reason: 'claims fix' }));
    await h.access.approve(requestId, 'alice@example.org');
    token = h.grants.tokenFor((await waitForState(h.access, requestId, 'ACTIVE')).grantId!);
  });
  afterAll(async () => {
    await h?.access.revoke(requestId, 'carol@example.org', 'test over').catch(() => undefined);
    await gw?.close();
    await h?.close();
  });

  const board = () => h.grants.commandBoard();
  const pending = async () => (await h.access.status(requestId)).commands.filter((c) => c.outcome === 'pending');
  const decide = async (approved: boolean, reason?: string) => {
    const held = await waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.outcome === 'pending')).then((s) => s.commands.find((c) => c.outcome === 'pending')!);
    await h.access.decideCommand(requestId, held.commandId, approved ? 'bob@example.org' : 'alice@example.org', approved, reason);
    await eventually(() => board().decision(held.commandId), 'the decision announced to the gateway');
    return held.commandId;
  };

  /** A v2 modern client whose human acknowledges the approval request once the test has decided. */
  const modernClient = async () => {
    const asked: Record<string, unknown>[] = [];
    let acknowledge!: () => void;
    const decided = new Promise<void>((resolve) => { acknowledge = resolve; });
    const c = await connectV2(gw.url, 'clinical', token, {
      era: 'modern',
      onElicit: async (params) => {
        asked.push(params);
        await decided;
        return { action: 'accept' };
      },
    });
    return { ...c, asked, acknowledge };
  };

  test('modern: the held write asks the client to come back (who, where, until when); after approval the retry runs it once', async () => {
    const c = await modernClient();
    const args = { message: "UPDATE clinical.phi.patients SET city = 'Boston' WHERE mrn = 'MRN-0012345'" };
    const call = c.client.callTool({ name: 'echo', arguments: args });
    const commandId = await decide(true);
    c.acknowledge();
    const ran = await call;
    expect(ran.isError).toBeFalsy();
    expect(text(ran)).toBe("Echo: UPDATE clinical.phi.patients SET city = 'Boston' WHERE mrn = '[MRN]'");
    expect(c.asked).toHaveLength(1);
    const asked = c.asked[0]!;
    expect(asked.message).toEqual(expect.stringContaining(`Command ${commandId} waits for an approver of clinical (alice@example.org, bob@example.org)`));
    expect(asked.message).toMatch(/valid until \d{4}-\d\d-\d\dT/);
    expect(asked.message).toMatch(/continue: the gateway then runs the call once/);
    if (asked.mode === 'url') expect(asked).toMatchObject({ url: expect.stringMatching(/^https:\/\/slack\.com\/archives\//) });
    // Recorded as a hold twice (the first round and the retry), then the run; the MRN never unmasked.
    const recorded = gw.recorder.of(requestId).filter((e) => e.type === 'request' && e.commandId === commandId);
    expect(recorded.map((e) => e.verdict)).toEqual(['hold', 'hold']);
    expect(JSON.stringify(gw.recorder.of(requestId))).not.toContain('MRN-0012345');
    await c.client.close();
  });

  test('modern: a denied write answers with who denied it and why; it never ran', async () => {
    const c = await modernClient();
    const call = c.client.callTool({ name: 'echo', arguments: { message: 'DELETE FROM clinical.phi.encounters' } });
    const commandId = await decide(false, 'deletes need a change ticket');
    c.acknowledge();
    const denied = await call;
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(new RegExp(`^Denied: command ${commandId} was denied by alice@example.org at .*: deletes need a change ticket\\. It was not run\\.`));
    await c.client.close();
  });

  test('a hostile client: replaying the approved retry runs nothing twice, another grant cannot pick the hold up, changed arguments are refused', async () => {
    const args = { message: 'UPDATE t SET a = 1' };
    const first = await modernPost(gw.url, 'clinical', token, { id: 1, method: 'tools/call', params: { name: 'echo', arguments: args } }, { capabilities: { elicitation: { form: {} } } });
    expect(first.json?.result).toMatchObject({ resultType: 'input_required', requestState: expect.stringMatching(/^gh1\./), inputRequests: { gatehouse_approval: { method: 'elicitation/create', params: { mode: 'form' } } } });
    const requestState = first.json!.result!.requestState as string;
    const retry = (id: number, t = token, a: Record<string, unknown> = args) => modernPost(gw.url, 'clinical', t, { id, method: 'tools/call', params: { name: 'echo', arguments: a, requestState, inputResponses: { gatehouse_approval: { action: 'accept', content: {} } } } }, { capabilities: { elicitation: { form: {} } } });

    // Before a decision: asked again, same state.
    const early = await retry(2);
    expect(early.json?.result).toMatchObject({ resultType: 'input_required', requestState });

    // Another grant on the same target: refused, nothing run, counted against that grant.
    const other = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 5 * 60_000, reason: 'second grant' });
    await h.access.approve(other.requestId, 'alice@example.org');
    const otherToken = h.grants.tokenFor((await waitForState(h.access, other.requestId, 'ACTIVE')).grantId!);
    const stolen = await retry(3, otherToken);
    expect(stolen.json?.error).toMatchObject({ code: -32602, message: expect.stringMatching(/belongs to a command held for another grant/) });

    await decide(true);
    // The same state with other arguments: refused (an approval covers exactly the held call).
    const swapped = await retry(4, token, { message: 'UPDATE t SET a = 99' });
    expect(swapped.json?.error?.message).toMatch(/must repeat the held echo call exactly/);
    const ran = await retry(5);
    expect(ran.json?.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Echo: UPDATE t SET a = 1' }] });
    const replayed = await retry(6);
    expect(replayed.json?.error).toMatchObject({ code: -31031, message: expect.stringMatching(/already used: it runs once/) });
    const forged = await modernPost(gw.url, 'clinical', token, { id: 7, method: 'tools/call', params: { name: 'echo', arguments: args, requestState: 'gh1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(forged.json?.error?.message).toMatch(/requestState is not one this gateway handed out/);
    await h.access.revoke(other.requestId, 'carol@example.org', 'test over').catch(() => undefined);
  });

  test('a modern client without elicitation gets the tool-result text; its identical re-call after approval runs once', async () => {
    const args = { message: 'UPDATE t SET b = 2' };
    const first = await modernPost(gw.url, 'clinical', token, { id: 1, method: 'tools/call', params: { name: 'echo', arguments: args } });
    expect(first.json?.result).toMatchObject({ resultType: 'complete', isError: true });
    expect(text(first.json?.result)).toMatch(/^Held for approval: this echo call \(write\) was NOT run\./);
    await decide(true);
    const again = await modernPost(gw.url, 'clinical', token, { id: 2, method: 'tools/call', params: { name: 'echo', arguments: args } });
    expect(text(again.json?.result)).toBe('Echo: UPDATE t SET b = 2');
    expect(await pending()).toEqual([]);
  });

  test('2025 era through the v2 client: held, approved, the re-call runs; denied, the re-call says why', async () => {
    const c = await connectV2(gw.url, 'clinical', token, { era: 'legacy' });
    const args = { message: 'UPDATE t SET c = 3' };
    expect(text(await c.client.callTool({ name: 'echo', arguments: args }))).toMatch(/^Held for approval/);
    await decide(true);
    expect(text(await c.client.callTool({ name: 'echo', arguments: args }))).toBe('Echo: UPDATE t SET c = 3');
    const denyArgs = { message: 'UPDATE t SET c = 4' };
    expect(text(await c.client.callTool({ name: 'echo', arguments: denyArgs }))).toMatch(/^Held for approval/);
    const commandId = await decide(false, 'not today');
    expect(text(await c.client.callTool({ name: 'echo', arguments: denyArgs }))).toMatch(new RegExp(`^Denied: command ${commandId} was denied by alice@example.org at .*: not today`));
    await c.transport.terminateSession().catch(() => undefined);
    await c.client.close();
  });
});
