import type { Progress } from '@modelcontextprotocol/client';
import { parseConfig } from '../../policy';
import { decideToolCall, limitRows } from '../../proxy';
import { startHarness, testConfig, TEST_CONFIG_YAML, waitForState, waitForStatus, type Harness } from '../support/harness';
import { connectClient, endSession, everythingServer, failureOf, startTestGateway, type TestGateway } from './support';

// The harness's workflow knows target "clinical"; here its upstream is server-everything, whose
// echo tool's "message" argument is declared a SQL argument, so the SQL policy runs end to end.
const CONFIG = `
version: 1
defaults: { commandApprovalTimeout: 3s }
groups:
  approvers: [alice@example.org, bob@example.org]
targets:
  - name: clinical
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: [echo, get-sum]
      sqlArguments: [message]
      sql: { read: allow, write: hold, ddl: deny, privilege: deny, export: deny, multi_statement: hold, unparseable: hold }
      rowLimit: 3
`;

describe('gateway: tools/list filtering, SQL policy and held commands through the real access workflow', () => {
  let h: Harness;
  let gw: TestGateway;
  let requestId: string;
  let token: string;
  beforeAll(async () => {
    // Long enough for every step on a loaded machine; the last test revokes it.
    h = await startHarness({ config: testConfig(TEST_CONFIG_YAML.replace('maxDuration: 20s', 'maxDuration: 3m')) });
    gw = await startTestGateway({ config: CONFIG, reviewer: h.access, grants: h.grants, vault: h.vault });
    ({ requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 150_000, reason: 'claims fix' }));
    await h.access.approve(requestId, 'alice@example.org');
    const status = await waitForState(h.access, requestId, 'ACTIVE');
    token = h.grants.tokenFor(status.grantId!);
  });
  afterAll(async () => {
    await h.access.revoke(requestId, 'carol@example.org', 'test over').catch(() => undefined);
    await gw.close();
    await h.close();
  });

  const heldCommand = () => waitForStatus(h.access, requestId, (s) => s.commands.some((c) => c.outcome === 'pending'))
    .then((s) => s.commands.find((c) => c.outcome === 'pending')!);

  test('tools/list shows only the tools the grant allows; other tools are refused', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    const { client } = c;
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['echo', 'get-sum']);
    // The session's start reaches the request's timeline (and so its Slack thread).
    await waitForStatus(h.access, requestId, (s) => s.timeline.some((e) => e.type === 'session_started' && e.detail?.startsWith(c.transport.sessionId ?? '?')));
    await expect(client.callTool({ name: 'get-env', arguments: {} })).rejects.toMatchObject({
      code: -31030, message: expect.stringContaining('tool "get-env" is not allowed on target clinical (allowed: echo, get-sum)'),
    });
    await endSession(c);
  });

  test('reads pass; export, DDL and privilege changes are denied with the class that decided', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    const { client } = c;
    const read = await client.callTool({ name: 'echo', arguments: { message: 'SELECT mrn FROM clinical.phi.patients LIMIT 5' } });
    expect(read.content).toEqual([{ type: 'text', text: 'Echo: SELECT mrn FROM clinical.phi.patients LIMIT 5' }]);
    await expect(client.callTool({ name: 'echo', arguments: { message: "COPY INTO @exfil FROM clinical.phi.patients" } })).rejects.toMatchObject({
      code: -31030, message: expect.stringContaining('denied by policy: SQL classified as export; export is denied on target clinical'),
    });
    await expect(client.callTool({ name: 'echo', arguments: { message: 'DROP TABLE clinical.phi.patients' } })).rejects.toMatchObject({
      code: -31030, message: expect.stringContaining('ddl is denied'),
    });
    await expect(client.callTool({ name: 'echo', arguments: { message: 'GRANT ROLE accountadmin TO USER mallory' } })).rejects.toMatchObject({
      code: -31030, message: expect.stringContaining('privilege is denied'),
    });
    await endSession(c);
  });

  test('a write is held, the client hears progress while it waits, an approver approves, then it runs', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    const { client } = c;
    const progress: Progress[] = [];
    const call = client.callTool({ name: 'echo', arguments: { message: "UPDATE clinical.phi.patients SET city = 'Boston' WHERE mrn = 'MRN-0012345'" } }, {
      onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true,
    });
    const held = await heldCommand();
    expect(held).toMatchObject({ tool: 'echo', classes: ['write'], risk: 'high' });
    // The approver sees the statement masked, never the raw identifier.
    expect(held.summary).toBe("UPDATE clinical.phi.patients SET city = 'Boston' WHERE mrn = '[MRN]'");
    await waitForStatus(h.access, requestId, () => progress.length >= 2);
    await h.access.decideCommand(requestId, held.commandId, 'bob@example.org', true);
    const result = await call;
    expect(result.content).toEqual([{ type: 'text', text: "Echo: UPDATE clinical.phi.patients SET city = 'Boston' WHERE mrn = '[MRN]'" }]);
    expect(progress[0]?.message).toMatch(/^held for approval \(write\): waiting for an approver in the request's Slack thread/);
    const recorded = gw.recorder.of(requestId).filter((e) => e.commandId === held.commandId);
    expect(recorded).toEqual([expect.objectContaining({ type: 'request', verdict: 'hold', classes: ['write'] })]);
    await endSession(c);
  });

  test('a write held and denied: the client learns who denied it and why', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    const { client } = c;
    // The denial can reach the client before decideCommand returns: observe the outcome from the start.
    const outcome = client.callTool({ name: 'echo', arguments: { message: 'DELETE FROM clinical.phi.encounters' } }, { onprogress: () => undefined })
      .then(() => undefined, (error: unknown) => error);
    const held = await heldCommand();
    await h.access.decideCommand(requestId, held.commandId, 'alice@example.org', false, 'deletes need a change ticket');
    const error = await outcome;
    expect(error).toMatchObject({ code: -31031, message: expect.stringMatching(/denied by alice@example.org at .*: deletes need a change ticket \(command cmd_\w+\)/) });
    expect((error as Error).message).toContain(held.commandId);
    await endSession(c);
  });

  test('unparseable SQL is held; nobody decides, so it times out denied', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    const { client } = c;
    await expect(client.callTool({ name: 'echo', arguments: { message: 'SELEC * FORM patients' } }, { timeout: 30_000, onprogress: () => undefined })).rejects.toMatchObject({
      code: -31032, message: expect.stringContaining('no approver decided in time'),
    });
    await endSession(c);
  });

  test('revoking the request in the workflow cuts the live session and refuses the token', async () => {
    const c = await connectClient(gw.url, 'clinical', token);
    await c.client.ping();
    await h.access.revoke(requestId, 'carol@example.org', 'work done');
    await waitForStatus(h.access, requestId, () => gw.gateway.liveSessions().length === 0);
    expect(await failureOf(c.client.ping())).toMatch(/-31011.*was revoked at .*work done/);
    expect(gw.recorder.of(requestId).filter((e) => e.type === 'session_end' && e.reason === 'revoked')).toHaveLength(1);
    await c.client.close();
  });
});

describe('command policy and row limits (pure)', () => {
  const target = parseConfig(CONFIG, 't.yaml').targets[0]!;
  test('multi-statement and non-string SQL fail towards a human, classes combine to the strictest verdict', () => {
    expect(decideToolCall(target, 'echo', { message: 'SELECT 1; SELECT 2' })).toMatchObject({ verdict: 'hold', classes: ['read', 'multi_statement'] });
    expect(decideToolCall(target, 'echo', { message: { sql: 'SELECT 1' } })).toMatchObject({ verdict: 'hold', classes: ['unparseable'] });
    expect(decideToolCall(target, 'echo', { message: 'SELECT 1; COPY INTO @s FROM t' })).toMatchObject({ verdict: 'deny' });
    expect(decideToolCall(target, 'get-sum', { a: 1, b: 2 })).toMatchObject({ verdict: 'allow', classes: [] });
    expect(decideToolCall(target, undefined, {})).toMatchObject({ verdict: 'deny', reason: 'tools/call needs a tool name (params.name)' });
  });

  test('row limits cut structuredContent and its JSON text alike', () => {
    const table = { columns: ['n'], rows: [[1], [2], [3], [4], [5]] };
    const { result, rows } = limitRows({ content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table }, 3);
    expect(rows).toBe(3);
    expect(result.structuredContent).toEqual({ columns: ['n'], rows: [[1], [2], [3]], truncated: true, rowLimit: 3 });
    expect(JSON.parse((result.content as { text: string }[])[0]!.text)).toEqual(result.structuredContent);
    expect(limitRows({ content: [{ type: 'text', text: 'plain' }] }, 3)).toEqual({ result: { content: [{ type: 'text', text: 'plain' }] } });
  });
});
