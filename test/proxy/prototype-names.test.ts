import type { JSONRPCRequest } from '@modelcontextprotocol/server';
import { parseConfig, sqlArgumentsFor } from '../../policy';
import { decideToolCall, PhiMasker } from '../../proxy';
import { ModernExchange } from '../../proxy/modern/exchange';
import { RecordedPlans } from '../../proxy/masking-plans';
import { readFilter } from '../../proxy/modern/listen';
import type { UpstreamAnswer } from '../../proxy/modern/grant-upstreams';
import { legacyCapabilities } from '../../proxy/upstream-session';

// Names of Object.prototype members (`__proto__`, `constructor`, `toString`, ...) chosen by a
// prompt-injected agent or a hostile upstream, in the gateway's own tables and copies (issue 14
// follow-up to 13d7fd8, which fixed the masker's). Stack-free: the exchange runs on fakes.
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
const SSN = '123-45-6789';

const config = parseConfig(`
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: charts
    upstream: { type: stdio, command: node }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: []
      sqlTools: { run_query: [statement] }
`, 'prototype-names.yaml');
const target = config.targets[0]!;
const grant = { grantId: 'g-proto', requestId: 'r-proto', subject: 'carol@example.org', target: 'charts', expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

/** One tools/call through a ModernExchange whose upstream answers `answer` (JSON text: own `__proto__` members as a parser makes them). */
async function exchange(answerJson: string, request: Partial<JSONRPCRequest> = {}): Promise<Record<string, unknown>> {
  const answer = JSON.parse(answerJson) as UpstreamAnswer;
  const ex = new ModernExchange({
    target, grant: grant as never,
    masker: new PhiMasker(target, 'a-test-token-key-of-32-bytes-....'),
    recorder: { sessionStart: async () => undefined, request: async () => undefined, response: async () => undefined } as never,
    plans: new RecordedPlans({ sessions: 1 }),
    state: { startRecordingOnce: async (_g: unknown, write: () => Promise<unknown>) => { await write(); } } as never,
    upstream: async () => ({ era: 'modern', initialized: {}, call: async () => answer, hasRound: () => false } as never),
    upstreamTimeoutMs: 5_000,
    log: quiet as never,
  });
  const raw = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'release_chart', arguments: { mrn: 'M-7' } }, ...request } as JSONRPCRequest;
  return await ex.answer(raw) as unknown as Record<string, unknown>;
}

describe('a hostile 2026-07-28 upstream names its input requests after Object.prototype', () => {
  test.each(PROTOTYPE_NAMES)('inputRequests.%s reaches the client as its own member, masked', async (key) => {
    const elicit = (text: string) => ({ method: 'elicitation/create', params: { mode: 'form', message: text, requestedSchema: { type: 'object', properties: {} } } });
    const answer = `{"inputRequired": {"inputRequests": {${JSON.stringify(key)}: ${JSON.stringify(elicit(`Release SSN ${SSN}?`))}, "confirm": ${JSON.stringify(elicit('Sure?'))}}, "requestState": "s-1"}}`;
    const out = await exchange(answer);
    const result = out.result as Record<string, unknown>;
    expect(result).toMatchObject({ resultType: 'input_required', requestState: 's-1' });
    const asked = result.inputRequests as Record<string, unknown>;
    expect(Object.getPrototypeOf(asked)).toBe(Object.prototype);
    expect(Object.keys(asked)).toEqual([key, 'confirm']);
    const wire = JSON.parse(JSON.stringify(out)) as { result: { inputRequests: Record<string, { method: string; params: { message: string } }> } };
    expect(Object.hasOwn(wire.result.inputRequests, key)).toBe(true);
    expect(wire.result.inputRequests[key]!.method).toBe('elicitation/create');
    expect(wire.result.inputRequests[key]!.params.message).toContain('[SSN]');
    expect(JSON.stringify(out)).not.toContain(SSN);
  });

  test.each(PROTOTYPE_NAMES)('a client method named %s is refused as unknown (no 500)', async (method) => {
    const out = await exchange('{"result": {"content": []}}', { method });
    expect(out.error).toMatchObject({ message: expect.stringContaining('is not one the gateway serves') });
  });
});

describe('a hostile 2026-07-28 upstream names a capability __proto__ (the 2025 client sees legacyCapabilities)', () => {
  test('the member stays an own member; nothing is inherited, so stripped flags and extensions do not come back', () => {
    const capabilities = JSON.parse('{"__proto__": {"resources": {"subscribe": true, "listChanged": true}, "extensions": {"x": {}}}, "tools": {"listChanged": true}}') as Record<string, unknown>;
    const out = legacyCapabilities(capabilities);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'tools']);
    expect(out.tools).toEqual({});
    expect('resources' in out).toBe(false);
    expect('extensions' in out).toBe(false);
  });

  test.each(PROTOTYPE_NAMES.filter((n) => n !== '__proto__'))('a capability named %s is kept as data', (name) => {
    const out = legacyCapabilities(JSON.parse(`{${JSON.stringify(name)}: {"listChanged": true, "x": 1}}`) as Record<string, unknown>);
    expect(Object.hasOwn(out, name)).toBe(true);
    expect(out[name]).toEqual({ x: 1 });
  });
});

describe('policy lookups keyed by a tool name the agent chooses (guards)', () => {
  test.each(PROTOTYPE_NAMES)('a tool named %s finds no sqlTools entry and is classified by the defaults, not a built-in', (tool) => {
    expect(sqlArgumentsFor(target, tool)).toEqual([]);
    expect(() => decideToolCall(target, tool, JSON.parse('{"__proto__": {"statement": "DROP TABLE t"}, "statement": "SELECT 1"}'))).not.toThrow();
  });

  test('run_query with its SQL under a __proto__ member is decided on its own statement only', () => {
    const ruling = decideToolCall(target, 'run_query', JSON.parse('{"__proto__": {"statement": "DROP TABLE t"}}'));
    expect(ruling).toMatchObject({ verdict: 'allow', reason: 'no SQL argument' });
  });

  test('subscriptions/listen: a filter nested under __proto__ is not read as the filter', () => {
    expect(readFilter(JSON.parse('{"notifications": {"__proto__": {"toolsListChanged": true}}}'))).toEqual({});
  });
});

describe('completion/complete of an argument the agent named after Object.prototype (guard)', () => {
  const masker = new PhiMasker(target, 'a-test-token-key-of-32-bytes-....');
  test.each(PROTOTYPE_NAMES)('argument %s: its suggested values are masked, nothing thrown', async (completing) => {
    const result = { completion: { values: [`SSN ${SSN}`, 'Maria Gonzalez, MRN 0012345'], total: 2, hasMore: false } };
    const out = await masker.mask(result, { target: 'charts', part: 'result', method: 'completion/complete', completing });
    expect(JSON.stringify(out.masked)).not.toContain(SSN);
    expect((out.masked.completion.values as string[])[0]).toContain('[SSN]');
  });
});
