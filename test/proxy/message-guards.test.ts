// The gateway's message guards (proxy/message-text.ts) give the SDK's verdicts, and a message
// without a member the schema requires is refused without running zod: an upstream's result asked
// whether it is an error response built a ZodError (an Error, with its stack) on every call.
import { JSONRPCErrorResponseSchema, JSONRPCRequestSchema } from '@modelcontextprotocol/core';
import * as sdk from '@modelcontextprotocol/server';
import { isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResultResponse } from '../../proxy/message-text';

const result = () => ({ result: { content: [{ type: 'text', text: 'ten KB of table' }] }, jsonrpc: '2.0', id: 7 });

/** Messages of every kind, well formed and not, as the SDK's guards judge them. */
const messages = (): unknown[] => [
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'q', arguments: {} } },
  { jsonrpc: '2.0', id: 'a', method: 'ping' },
  { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  result(),
  { jsonrpc: '2.0', id: 2, result: {} },
  { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'no' } },
  { jsonrpc: '2.0', error: { code: -32700, message: 'parse error' } },
  { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } },
  // Not well formed: members missing, undefined, of the wrong type, too many, or inherited.
  { id: 1, method: 'ping' },
  { jsonrpc: '2.0', id: 1, method: undefined },
  { jsonrpc: '2.0', id: undefined, result: {} },
  { jsonrpc: '2.0', id: 1, result: undefined },
  { jsonrpc: '2.0', id: 1, error: undefined },
  { jsonrpc: '1.0', id: 1, result: {} },
  { jsonrpc: '2.0', id: 1.5, method: 'ping' },
  { jsonrpc: '2.0', id: 1, method: 7 },
  { jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'both' } },
  { jsonrpc: '2.0', id: 1, method: 'ping', extra: true },
  { jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'x' } },
  { jsonrpc: '2.0', id: 1, error: null },
  Object.assign(Object.create({ error: { code: 1, message: 'inherited' } }) as object, { jsonrpc: '2.0', id: 1 }),
  Object.assign(Object.create({ method: 'ping' }) as object, { jsonrpc: '2.0', id: 1 }),
  [{ jsonrpc: '2.0', id: 1, method: 'ping' }],
  {},
];

describe('message guards', () => {
  const pairs = [
    ['isJSONRPCRequest', isJSONRPCRequest, sdk.isJSONRPCRequest],
    ['isJSONRPCNotification', isJSONRPCNotification, sdk.isJSONRPCNotification],
    ['isJSONRPCResultResponse', isJSONRPCResultResponse, sdk.isJSONRPCResultResponse],
    ['isJSONRPCErrorResponse', isJSONRPCErrorResponse, sdk.isJSONRPCErrorResponse],
  ] as const;

  it.each(pairs)('%s gives the SDK guard\'s verdict on every message', (_name, ours, theirs) => {
    const all = messages();
    // A fresh copy for each guard: ours remember their verdict per object.
    expect(all.map((message) => ours(message))).toEqual(all.map((message) => theirs(message)));
    // Asked again (the remembered verdict), and for values that are not objects.
    expect(all.map((message) => ours(message))).toEqual(all.map((message) => theirs(message)));
    for (const value of [null, undefined, 'x', 1, true]) expect(ours(value)).toBe(theirs(value));
  });

  it('refuses a message without a required member without running zod', () => {
    const errorParse = jest.spyOn(JSONRPCErrorResponseSchema, 'safeParse');
    const requestParse = jest.spyOn(JSONRPCRequestSchema, 'safeParse');
    try {
      // An upstream's result, asked what the session and the upstream session ask of every answer.
      const answer = result();
      expect(isJSONRPCErrorResponse(answer)).toBe(false);
      expect(isJSONRPCRequest(answer)).toBe(false);
      expect(errorParse).not.toHaveBeenCalled();
      expect(requestParse).not.toHaveBeenCalled();
      // An answer that has the members still goes to the SDK's schema (the spy sees what the guards run).
      expect(isJSONRPCErrorResponse({ jsonrpc: '2.0', id: 1, error: { code: -1, message: 'x' } })).toBe(true);
      expect(errorParse).toHaveBeenCalledTimes(1);
    } finally {
      errorParse.mockRestore();
      requestParse.mockRestore();
    }
  });
});
