import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newGrantId, newRequestId, type GrantRecord } from '../../lib';
import { parseConfig, type TargetConfig } from '../../policy';
import { UpstreamCaller } from '../../proxy/upstream-caller';

const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-caller-'));
const legacyLog = join(dir, 'legacy.log');

function targets(): Map<string, TargetConfig> {
  const stdio = (args: string[], env: Record<string, string> = {}) => `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify(args)}, env: ${JSON.stringify(env)} }`;
  const target = (name: string, upstream: string) => `
  - name: ${name}
    upstream: ${upstream}
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }`;
  const config = parseConfig(`
version: 1
groups: { approvers: [alice@example.org] }
targets:${target('legacy', stdio([tsx, join(__dirname, 'fixtures/legacy-elicit-upstream.ts')], { LEGACY_UPSTREAM_LOG: legacyLog }))}${target('modern', stdio([tsx, join(__dirname, 'fixtures/modern-upstream.ts'), 'stdio']))}${target('neither', stdio([join(__dirname, 'fixtures/hostile-upstream.js'), 'neither']))}${target('roots', stdio([join(__dirname, 'fixtures/roots-upstream.js')]))}
`, 'caller-test.yaml');
  return new Map(config.targets.map((t) => [t.name, t]));
}

function grantFor(target: string): GrantRecord {
  const requestId = newRequestId();
  return {
    grantId: newGrantId(), requestId, target, subject: 'carol@example.org', principal: 'GH_X', credentialRef: `cred_${requestId}`,
    issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(),
  };
}

const text = (answer: unknown) => ((answer as { result?: { content?: { text?: string }[] } }).result?.content ?? [])[0]?.text;

/**
 * The upstream side of the stateless (2026-07-28) client path: one `call` for upstreams of either
 * era. A legacy upstream's elicitation in the middle of a call becomes an input round the client
 * answers by retrying; the upstream's call runs once.
 */
describe('UpstreamCaller: the upstream for stateless clients, of either era', () => {
  const byName = targets();
  const opened: UpstreamCaller[] = [];
  const open = async (name: string) => {
    const caller = await UpstreamCaller.open(byName.get(name)!, grantFor(name), undefined, { timeoutMs: 30_000 });
    opened.push(caller);
    return caller;
  };
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('a 2025 upstream keeps its session here; its elicitation mid-call is an input round; the retry answers it and the call finishes, run once', async () => {
    const caller = await open('legacy');
    expect(caller.era).toBe('legacy');
    expect(caller.initialized).toMatchObject({ serverInfo: { name: 'legacy-elicit', version: '2.0.0' } });
    const params = { name: 'release_chart', arguments: { mrn: 'M-7' } };
    const first = await caller.call('tools/call', params, { timeoutMs: 20_000 });
    expect(first).toEqual({ inputRequired: { inputRequests: { elicitation: { method: 'elicitation/create', params: expect.objectContaining({ message: 'Release the chart of M-7, SSN 123-45-6789?' }) } }, requestState: expect.any(String) } });
    const { requestState } = (first as { inputRequired: { requestState: string } }).inputRequired;
    expect(requestState.length).toBeGreaterThanOrEqual(32);
    // The handle is bound to the call it came from: another tool, or a forged handle, gets nothing.
    const elsewhere = await caller.call('tools/call', { name: 'lookup', arguments: { mrn: 'M-7' } }, { timeoutMs: 20_000, retry: { requestState, inputResponses: { elicitation: { action: 'accept', content: { release: true } } } } });
    expect(elsewhere).toEqual({ error: expect.objectContaining({ code: -32602 }) });
    const forged = await caller.call('tools/call', params, { timeoutMs: 20_000, retry: { requestState: `${requestState}x`, inputResponses: {} } });
    expect(forged).toEqual({ error: expect.objectContaining({ code: -32602 }) });
    // A retry without the answer is asked again, with the same handle.
    const again = await caller.call('tools/call', params, { timeoutMs: 20_000, retry: { requestState } });
    expect(again).toEqual({ inputRequired: expect.objectContaining({ requestState }) });
    const done = await caller.call('tools/call', params, { timeoutMs: 20_000, retry: { requestState, inputResponses: { elicitation: { action: 'accept', content: { release: true } } } } });
    expect(text(done)).toBe('chart M-7 released');
    // Used once: the same handle again names nothing.
    const replay = await caller.call('tools/call', params, { timeoutMs: 20_000, retry: { requestState, inputResponses: { elicitation: { action: 'accept', content: { release: true } } } } });
    expect(replay).toEqual({ error: expect.objectContaining({ code: -32602 }) });
    const runs = readFileSync(legacyLog, 'utf8').split('\n').filter(Boolean);
    expect(runs).toHaveLength(1);
    expect(text(await caller.call('tools/call', { name: 'lookup', arguments: { mrn: 'M-7' } }, { timeoutMs: 20_000 }))).toBe('patient M-7 has SSN 123-45-6789');
  });

  test('a 2025 upstream that asks for what the call\'s client did not declare (roots) is told no, and the call runs on instead of becoming an input round the client cannot answer', async () => {
    const caller = await open('legacy');
    const withoutRoots = await caller.call('tools/call', { name: 'list_roots', arguments: {} }, { timeoutMs: 20_000, envelope: { clientInfo: { name: 'no-roots', version: '1' }, clientCapabilities: { elicitation: {} } } });
    expect(text(withoutRoots)).toMatch(/^no roots: .*did not declare roots/);
    // A client that declared roots is asked, as before.
    const withRoots = await caller.call('tools/call', { name: 'list_roots', arguments: {} }, { timeoutMs: 20_000, envelope: { clientInfo: { name: 'roots', version: '1' }, clientCapabilities: { roots: {} } } });
    expect(withRoots).toEqual({ inputRequired: { inputRequests: { roots: { method: 'roots/list' } }, requestState: expect.any(String) } });
    const { requestState } = (withRoots as { inputRequired: { requestState: string } }).inputRequired;
    const done = await caller.call('tools/call', { name: 'list_roots', arguments: {} }, { timeoutMs: 20_000, envelope: { clientCapabilities: { roots: {} } }, retry: { requestState, inputResponses: { roots: { roots: [{ uri: 'file:///work' }] } } } });
    expect(text(done)).toBe('roots: 1');
  });

  test('a 2025 upstream that asks for roots during tools/list is told no and the list comes back: only tools/call, prompts/get and resources/read can ask a 2026-07-28 client for input', async () => {
    const caller = await open('roots');
    const roots = { envelope: { clientInfo: { name: 'go-sdk-client', version: '1.8.0' }, clientCapabilities: { roots: { listChanged: true } } } };
    const list = await caller.call('tools/list', {}, { timeoutMs: 20_000, ...roots });
    expect(list).toEqual({ result: { tools: [expect.objectContaining({ name: 'echo', description: expect.stringMatching(/^no roots: the client cannot be asked roots\/list during tools\/list/) })] } });
    // The same question in a tools/call is the client's to answer.
    const call = await caller.call('tools/call', { name: 'echo', arguments: { message: 'hi' } }, { timeoutMs: 20_000, ...roots });
    expect(call).toEqual({ inputRequired: { inputRequests: { roots: { method: 'roots/list' } }, requestState: expect.any(String) } });
  });

  test('a 2026-07-28 upstream is called statelessly with the client\'s envelope; its input_required comes back as it came, and the retry goes to it', async () => {
    const caller = await open('modern');
    expect(caller.era).toBe('modern');
    expect(caller.initialized).toMatchObject({ protocolVersion: '2026-07-28', serverInfo: { name: 'modern-upstream', version: '7.0.0' }, instructions: 'A modern test server.' });
    const envelope = { clientInfo: { name: 'go-sdk-client', version: '1.8.0' }, clientCapabilities: { elicitation: {} } };
    const whoami = await caller.call('tools/call', { name: 'whoami', arguments: {}, _meta: { 'io.modelcontextprotocol/clientInfo': { name: 'forged', version: '0' } } }, { timeoutMs: 20_000, envelope });
    expect(JSON.parse(text(whoami)!)).toMatchObject({ era: 'modern', envelope: { 'io.modelcontextprotocol/clientInfo': { name: 'go-sdk-client' } } });
    const first = await caller.call('tools/call', { name: 'release_chart', arguments: { mrn: 'M-8' } }, { timeoutMs: 20_000, envelope });
    expect(first).toEqual({ inputRequired: { inputRequests: { confirm: expect.objectContaining({ method: 'elicitation/create' }) }, requestState: 'round-for-M-8' } });
    const done = await caller.call('tools/call', { name: 'release_chart', arguments: { mrn: 'M-8' } }, { timeoutMs: 20_000, envelope, retry: { requestState: 'round-for-M-8', inputResponses: { confirm: { action: 'accept', content: { release: false } } } } });
    expect(text(done)).toBe('chart M-8 kept');
    expect((done as { result: Record<string, unknown> }).result.resultType).toBeUndefined();
  });

  test('an upstream that speaks neither era does not open; the error names the target', async () => {
    await expect(open('neither')).rejects.toThrow(/target neither speaks neither MCP era/);
  });
});
