import type { JSONRPCRequest } from '@modelcontextprotocol/server';
import { parseConfig } from '../../policy';
import { decideRequest, type RequestFacts } from '../../proxy';

// The forwarded call keeps a deep, frozen copy of its arguments: the copy structuredClone gives,
// made member by member for plain data (issue 18: structuredClone per call was measurable).
const target = parseConfig(`
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: wh
    upstream: { type: stdio, command: node }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: [run_query]
      sqlArguments: [statement]
`, 'forwarded-arguments.yaml').targets[0]!;

const forwarded = (args: Record<string, unknown>) => {
  const request = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'run_query', arguments: args } } as JSONRPCRequest;
  const facts: RequestFacts = { target, sessionId: 's1', request, idInUse: false, commandId: 'cmd_test', startedAt: 1, maskedArguments: { value: args, report: { counts: {}, total: 0 } } };
  const outcome = decideRequest(facts);
  if (outcome.kind !== 'forward') throw new Error(`not forwarded: ${outcome.kind}`);
  return outcome.call.arguments!;
};

const deepFrozen = (value: unknown): boolean =>
  value === null || typeof value !== 'object' || (Object.isFrozen(value) && Object.values(value).every(deepFrozen));

describe('a forwarded call\'s arguments', () => {
  test.each([
    ['JSON-parsed, nested', () => JSON.parse('{"statement":"SELECT 1","options":{"limit":5,"flags":[true,null,"x",{"deep":[1,2.5,-0]}]},"empty":{},"none":[]}') as Record<string, unknown>],
    ['a "__proto__" key stays a member', () => JSON.parse('{"statement":"SELECT 1","__proto__":{"polluted":true},"nested":{"__proto__":[1]}}') as Record<string, unknown>],
    ['undefined members, a bigint, a null-prototype object', () => ({ statement: 'SELECT 1', gone: undefined, big: 12n, bare: Object.assign(Object.create(null) as object, { a: 1 }) })],
    ['an array with a member besides its elements', () => ({ statement: 'SELECT 1', list: Object.assign([1, 2], { extra: 'kept' }) })],
    ['not plain data: a Date, a Map, a hole', () => ({ statement: 'SELECT 1', when: new Date(0), map: new Map([[1, 2]]), holes: [1, , 3] })], // eslint-disable-line no-sparse-arrays
  ])('%s: what structuredClone gives, deeply frozen, not shared', (_name, make) => {
    const args: Record<string, unknown> = make();
    const copy = forwarded(args);
    const expected = structuredClone(args);
    expect(copy).toStrictEqual(expected);
    expect(Object.keys(copy)).toEqual(Object.keys(expected));
    for (const key of Object.keys(expected)) {
      const value = (expected as Record<string, unknown>)[key];
      if (value !== null && typeof value === 'object') {
        // (structuredClone makes its objects in the outer realm under jest: compare kinds, not prototypes)
        expect(Object.prototype.toString.call((copy as Record<string, unknown>)[key])).toBe(Object.prototype.toString.call(value));
        expect((copy as Record<string, unknown>)[key]).not.toBe(args[key]);
      }
    }
    expect(deepFrozen(copy)).toBe(true);
    expect(Object.isFrozen(args)).toBe(false);
  });

  test('a "__proto__" member does not become the copy\'s prototype', () => {
    const copy = forwarded(JSON.parse('{"statement":"SELECT 1","__proto__":{"polluted":true}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(copy, '__proto__')).toBe(true);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test('arguments structuredClone cannot copy are still refused by it (a function)', () => {
    expect(() => forwarded({ statement: 'SELECT 1', run: () => 1 })).toThrow();
  });
});
