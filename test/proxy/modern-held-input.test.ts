import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { startHarness, testConfig, waitForState, waitForStatus, type Harness } from '../support/harness';
import { connectV2, modernPost } from './modern-support';
import { eventually, everythingServer, startTestGateway, type TestGateway } from './support';

// A held command, approved, whose upstream then asks for input before it finishes (a 2026-07-28
// client): the upstream's question reaches the client as an input round the gateway keeps (gh2.),
// and the client's answer carries the approved run on, once, without a second approval. Through the
// real workflow and Redis; a 2025-era upstream (server-everything's elicitation tool) and a
// 2026-07-28 one (fixtures/modern-upstream.ts, the v2 SDK), each with its SQL argument held.
const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
const modernUpstream = join(__dirname, 'fixtures/modern-upstream.ts');
const everything = `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }`;
const CONFIG = `
version: 1
defaults: { maxDuration: 1h, approvalTimeout: 30s, commandApprovalTimeout: 60s, expiringSoonWarning: 1s }
groups:
  approvers: [alice@example.org, bob@example.org]
targets:
  - name: clinical
    upstream: ${everything}
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: [trigger-elicitation-request]
      sqlArguments: [message]
      approvalTimeout: 60s
      maxHeld: 5
  - name: charts
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify([tsx, modernUpstream, 'stdio'])} }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: [release_chart]
      sqlArguments: [mrn]
      approvalTimeout: 60s
      maxHeld: 5
`;

const text = (r: unknown) => ((r as CallToolResult).content ?? []).map((c) => (c as { text?: string }).text ?? '').join('\n');

describe('an approved held command whose upstream asks for input finishes (2026-07-28 clients)', () => {
  let h: Harness;
  let gw: TestGateway;
  const grants: Record<string, { requestId: string; token: string }> = {};
  beforeAll(async () => {
    h = await startHarness({ config: testConfig(CONFIG) });
    gw = await startTestGateway({ config: CONFIG, reviewer: h.access, grants: h.grants, vault: h.vault, limits: { upstreamTimeoutMs: 60_000 } });
    for (const target of ['clinical', 'charts']) {
      const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target, durationMs: 5 * 60_000, reason: 'release after review' });
      await h.access.approve(requestId, 'alice@example.org');
      grants[target] = { requestId, token: h.grants.tokenFor((await waitForState(h.access, requestId, 'ACTIVE')).grantId!) };
    }
  }, 120_000);
  afterAll(async () => {
    for (const g of Object.values(grants)) await h?.access.revoke(g.requestId, 'carol@example.org', 'test over').catch(() => undefined);
    await gw?.close();
    await h?.close();
  });

  const decide = async (requestId: string, known: Set<string>) => {
    const status = await waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.outcome === 'pending' && !known.has(c.commandId)));
    const held = status.commands.find((c) => c.outcome === 'pending' && !known.has(c.commandId))!;
    await h.access.decideCommand(requestId, held.commandId, 'bob@example.org', true);
    await eventually(() => h.grants.commandBoard().decision(held.commandId), 'the decision announced to the gateway');
    known.add(held.commandId);
    return held.commandId;
  };
  const commandsOf = async (requestId: string) => (await h.access.status(requestId)).commands.map((c) => c.commandId);

  /** A v2 modern client: its human acknowledges the gateway's approval request once decided, and answers the upstream's question. */
  const client = async (target: string, answer: Record<string, unknown>) => {
    const asked: Record<string, unknown>[] = [];
    let acknowledge!: () => void;
    const decided = new Promise<void>((resolve) => { acknowledge = resolve; });
    const c = await connectV2(gw.url, target, grants[target]!.token, {
      era: 'modern',
      capabilities: { elicitation: { form: {} } },
      onElicit: async (params) => {
        asked.push(params);
        if (/waits for an approver/.test(String(params.message))) {
          await decided;
          return { action: 'accept', content: {} };
        }
        return { action: 'accept', content: answer };
      },
    });
    return { ...c, asked, acknowledge };
  };

  test('a 2025-era upstream: approval, then its elicitation; the answer finishes the run once, with one hold and no second approval', async () => {
    const { requestId } = grants.clinical!;
    const before = await commandsOf(requestId);
    const c = await client('clinical', { name: 'Jane Roe', check: true, email: 'jane@example.org' });
    const call = c.client.callTool({ name: 'trigger-elicitation-request', arguments: { message: 'UPDATE clinical.phi.patients SET consent = true' } });
    const commandId = await decide(requestId, new Set(before));
    c.acknowledge();
    const ran = await call;
    expect(ran.isError).toBeFalsy();
    expect(text(ran)).toContain('Jane Roe');
    // Asked twice: the approval, then the upstream's own question (answered, not a new approval).
    expect(c.asked).toHaveLength(2);
    expect(c.asked[1]).toMatchObject({ message: expect.stringContaining('Please provide inputs'), requestedSchema: { type: 'object' } });
    expect(await commandsOf(requestId)).toEqual([...before, commandId]);
    // Recorded: held, then approved and run, then carried on with the client's answer; one ok answer.
    const entries = gw.recorder.of(requestId).filter((e) => e.commandId === commandId);
    expect(entries.filter((e) => e.type === 'request').map((e) => e.reason)).toEqual([
      expect.stringContaining(`held as ${commandId}`),
      expect.stringContaining(`approved, runs once as ${commandId}`),
      expect.stringContaining(`approved command ${commandId} goes on with the client's answer`),
    ]);
    await c.client.close();
  });

  test('a 2026-07-28 upstream: its input_required after the approved run is masked, kept by the gateway, and the answer finishes it', async () => {
    const { requestId } = grants.charts!;
    const before = await commandsOf(requestId);
    const c = await client('charts', { release: true });
    const call = c.client.callTool({ name: 'release_chart', arguments: { mrn: "UPDATE charts SET released = 1 WHERE mrn = 'MRN-0012345'" } });
    const commandId = await decide(requestId, new Set(before));
    c.acknowledge();
    const ran = await call;
    expect(ran.isError).toBeFalsy();
    expect(text(ran)).toMatch(/^chart .* released$/);
    expect(c.asked).toHaveLength(2);
    // The upstream's question names a patient: masked before a person sees it.
    expect(c.asked[1]!.message).toContain('SSN [SSN]');
    expect(JSON.stringify(c.asked)).not.toContain('123-45-6789');
    expect(JSON.stringify(gw.recorder.of(requestId))).not.toMatch(/123-45-6789|MRN-0012345/);
    expect(await commandsOf(requestId)).toEqual([...before, commandId]);
    await c.client.close();
  });

  test('hostile: the round\'s state is good once, for its own grant and the exact call; the upstream\'s own state is never handed out', async () => {
    const { requestId, token } = grants.clinical!;
    const before = new Set(await commandsOf(requestId));
    const capabilities = { elicitation: { form: {} } };
    const args = { message: 'DELETE FROM clinical.phi.notes' };
    const call = (id: number, params: Record<string, unknown>, t = token) => modernPost(gw.url, 'clinical', t, { id, method: 'tools/call', params: { name: 'trigger-elicitation-request', ...params } }, { capabilities });
    const held = await call(1, { arguments: args });
    const holdState = held.json!.result!.requestState as string;
    await decide(requestId, before);
    const run = await call(2, { arguments: args, requestState: holdState, inputResponses: { gatehouse_approval: { action: 'accept', content: {} } } });
    expect(run.json?.result).toMatchObject({ resultType: 'input_required', requestState: expect.stringMatching(/^gh2\./), inputRequests: { elicitation: { method: 'elicitation/create' } } });
    const roundState = run.json!.result!.requestState as string;
    const answer = { elicitation: { action: 'accept', content: { name: 'Jane Roe' } } };

    // Another grant cannot carry it on.
    const { requestId: otherRequest } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 5 * 60_000, reason: 'second grant' });
    await h.access.approve(otherRequest, 'alice@example.org');
    const otherToken = h.grants.tokenFor((await waitForState(h.access, otherRequest, 'ACTIVE')).grantId!);
    const stolen = await call(3, { arguments: args, requestState: roundState, inputResponses: answer }, otherToken);
    expect(stolen.json?.error).toMatchObject({ code: -32602, message: expect.stringContaining('another grant') });
    // Changed arguments: refused, the round kept.
    const changed = await call(4, { arguments: { message: 'DELETE FROM clinical.phi.patients' }, requestState: roundState, inputResponses: answer });
    expect(changed.json?.error).toMatchObject({ code: -32602, message: expect.stringContaining('exactly') });
    // A forged state of the same shape: nothing.
    const forged = await call(5, { arguments: args, requestState: `gh2.${'A'.repeat(32)}`, inputResponses: answer });
    expect(forged.json?.error).toMatchObject({ code: -32602 });

    const finished = await call(6, { arguments: args, requestState: roundState, inputResponses: answer });
    expect(finished.json?.result).toMatchObject({ resultType: 'complete' });
    expect(JSON.stringify(finished.json?.result)).toContain('Jane Roe');
    const replay = await call(7, { arguments: args, requestState: roundState, inputResponses: answer });
    expect(replay.json?.error).toMatchObject({ code: -32602 });
    await h.access.revoke(otherRequest, 'carol@example.org', 'test over').catch(() => undefined);
  });
});
