import type { JSONRPCRequest } from '@modelcontextprotocol/server';
import { parseConfig } from '../../policy';
import { decideRequest, decideResponse, GatewayErrorCode, maskContextFor, shapeResult, type RequestFacts } from '../../proxy';

// The gateway's decisions without a child process, a socket or Redis: a request or a result in,
// an outcome and the entry to record out.
const config = parseConfig(`
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: wh
    upstream: { type: stdio, command: node }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: [run_query, describe_object]
      sqlArguments: [statement]
      rowLimit: 2
`, 'decisions.yaml');
const target = config.targets[0]!;

const call = (id: JSONRPCRequest['id'], name: unknown, args?: unknown, progressToken?: string | number): JSONRPCRequest => ({
  jsonrpc: '2.0', id, method: 'tools/call',
  params: { name, ...(args !== undefined ? { arguments: args } : {}), ...(progressToken !== undefined ? { _meta: { progressToken } } : {}) },
} as JSONRPCRequest);
const facts = (request: JSONRPCRequest, over: Partial<RequestFacts> = {}): RequestFacts => ({
  target, sessionId: 's1', request, idInUse: false, commandId: 'cmd_test', startedAt: 1,
  ...(request.method === 'tools/call' && (request.params as { arguments?: unknown }).arguments && typeof (request.params as { arguments?: unknown }).arguments === 'object'
    ? { maskedArguments: { value: (request.params as { arguments: Record<string, unknown> }).arguments, report: { counts: {}, total: 0 } } }
    : {}),
  ...over,
});

describe('decideRequest', () => {
  test.each([
    ['a read is forwarded', call(1, 'run_query', { statement: 'SELECT 1' }), 'forward', 'allow', undefined],
    ['a write is held', call(2, 'run_query', { statement: 'UPDATE t SET a = 1' }), 'hold', 'hold', undefined],
    ['DDL is refused by policy', call(3, 'run_query', { statement: 'DROP TABLE t' }), 'refuse', 'deny', GatewayErrorCode.DeniedByPolicy],
    ['an unlisted tool is refused', call(4, 'get_env', {}), 'refuse', 'deny', GatewayErrorCode.DeniedByPolicy],
    ['no tool name is refused', call(5, undefined, {}), 'refuse', 'deny', GatewayErrorCode.DeniedByPolicy],
    ['arguments that are not an object are refused', call(6, 'run_query', ['SELECT 1']), 'refuse', 'deny', GatewayErrorCode.InvalidRequest],
    ['tools/list passes', { jsonrpc: '2.0', id: 7, method: 'tools/list' } as JSONRPCRequest, 'forward', 'allow', undefined],
  ])('%s', (_name, request, kind, verdict, code) => {
    const outcome = decideRequest(facts(request));
    expect(outcome.kind).toBe(kind);
    expect(outcome.entry).toMatchObject({ sessionId: 's1', messageId: request.id, method: request.method, verdict });
    if (outcome.kind === 'refuse') expect(outcome.refusal.code).toBe(code);
    if (outcome.kind === 'hold') expect(outcome.entry).toMatchObject({ commandId: 'cmd_test', classes: ['write'] });
  });

  test('a request whose id is pending is refused, whatever it asks, and recorded as denied', () => {
    for (const request of [call(1, 'run_query', { statement: 'SELECT 1' }), call('x', 'describe_object', { name: 'T' }), { jsonrpc: '2.0', id: 1, method: 'ping' } as JSONRPCRequest]) {
      const outcome = decideRequest(facts(request, { idInUse: true }));
      expect(outcome).toMatchObject({ kind: 'refuse', outcome: 'denied', refusal: { code: GatewayErrorCode.InvalidRequest, message: expect.stringContaining('already used by a request of this session') } });
      expect(outcome.entry).toMatchObject({ verdict: 'deny', messageId: request.id });
    }
  });

  test('arguments that could not be masked are never forwarded', () => {
    const outcome = decideRequest(facts(call(1, 'run_query', { statement: 'SELECT 1' }), { maskedArguments: 'failed' }));
    expect(outcome).toMatchObject({ kind: 'refuse', outcome: 'withheld', refusal: { code: GatewayErrorCode.Withheld } });
    expect(outcome.entry).not.toHaveProperty('arguments');
  });

  test('the recording gets the masked arguments; the forwarded record keeps the real ones, frozen', () => {
    const args = { statement: "SELECT * FROM p WHERE ssn = '123-45-6789'" };
    const outcome = decideRequest(facts(call(9, 'run_query', args, 'tok'), { maskedArguments: { value: { statement: 'SELECT * FROM p WHERE ssn = [SSN]' }, report: { counts: { SSN: 1 }, total: 1 } } }));
    if (outcome.kind !== 'forward') throw new Error(`expected forward, got ${outcome.kind}`);
    expect(outcome.entry).toMatchObject({ arguments: { statement: 'SELECT * FROM p WHERE ssn = [SSN]' }, masked: [{ type: 'SSN', count: 1 }] });
    expect(outcome.call).toMatchObject({ id: 9, method: 'tools/call', tool: 'run_query', arguments: args, progressToken: 'tok' });
    // The client's object can change afterwards; what the gateway forwarded does not.
    args.statement = 'changed';
    expect(outcome.call.arguments?.statement).toContain('123-45-6789');
    expect(Object.isFrozen(outcome.call)).toBe(true);
    expect(Object.isFrozen(outcome.call.arguments)).toBe(true);
    expect(() => { (outcome.call as { tool: string }).tool = 'describe_object'; }).toThrow(TypeError);
  });
});

describe('results', () => {
  const forwarded = (request: JSONRPCRequest) => {
    const outcome = decideRequest(facts(request));
    if (outcome.kind === 'refuse') throw new Error('refused');
    return outcome.call;
  };

  test('the mask context names the forwarded tool and arguments, never anything else', () => {
    const c = forwarded(call(1, 'run_query', { statement: 'SELECT name FROM p' }));
    expect(maskContextFor('wh', c, 'result')).toEqual({ target: 'wh', part: 'result', method: 'tools/call', tool: 'run_query', arguments: { statement: 'SELECT name FROM p' } });
    expect(maskContextFor('wh', forwarded({ jsonrpc: '2.0', id: 2, method: 'resources/read', params: { uri: 'x' } } as JSONRPCRequest), 'result'))
      .toEqual({ target: 'wh', part: 'result', method: 'resources/read' });
    // completion/complete: the argument being completed (its values are masked as that argument's).
    const completion = { jsonrpc: '2.0', id: 3, method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'patient_name', value: 'Ma' } } } as JSONRPCRequest;
    expect(maskContextFor('wh', forwarded(completion), 'result')).toEqual({ target: 'wh', part: 'result', method: 'completion/complete', completing: 'patient_name' });
  });

  test('shapeResult: tools/list filtered to allowed tools, tables cut to the row limit', () => {
    const list = shapeResult(target, forwarded({ jsonrpc: '2.0', id: 1, method: 'tools/list' } as JSONRPCRequest), { tools: [{ name: 'run_query' }, { name: 'get_env' }, { name: 7 }] });
    expect(list).toEqual({ result: { tools: [{ name: 'run_query' }] } });
    const table = { structuredContent: { columns: ['a'], rows: [[1], [2], [3]] } };
    const cut = shapeResult(target, forwarded(call(2, 'run_query', { statement: 'SELECT a FROM t' })), table);
    expect(cut.rows).toBe(2);
  });

  test.each([
    ['a masked result is sent with its counts', { result: { ok: 1 }, rows: 3 }, { counts: { SSN: 2 }, total: 2 }, 'send', { outcome: 'ok', rows: 3, masked: [{ type: 'SSN', count: 2 }] }],
    ['a result that could not be masked is withheld', { result: { ok: 1 } }, 'failed' as const, 'withhold', { outcome: 'withheld', error: { code: GatewayErrorCode.Withheld } }],
    ['an error that could not be masked is withheld', { error: { code: -1, message: 'x' } }, 'failed' as const, 'withhold', { outcome: 'withheld' }],
    ['an upstream error is sent as an error', { error: { code: -1, message: 'bad' } }, { counts: {}, total: 0 }, 'send', { outcome: 'error', error: { code: -1, message: 'bad' } }],
    ['an unmasked listing is sent', { result: { tools: [] } }, undefined, 'send', { outcome: 'ok', masked: [] }],
  ])('decideResponse: %s', (_name, answer, masked, kind, entry) => {
    const c = forwarded(call(1, 'run_query', { statement: 'SELECT 1' }));
    const outcome = decideResponse({ sessionId: 's1', call: c, durationMs: 5, answer, ...(masked !== undefined ? { masked } : {}) });
    expect(outcome.kind).toBe(kind);
    expect(outcome.entry).toMatchObject({ sessionId: 's1', messageId: 1, durationMs: 5, ...entry });
  });
});
