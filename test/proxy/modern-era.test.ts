import { classifyEra, decodeHeaderValue, MODERN_PROTOCOL_VERSIONS } from '../../proxy/modern';
import { GatewayError } from '../../proxy';
import { envelope, MODERN } from './modern-support';

// Which era a request is, and what a 2026 request must carry: table-driven, no stack.
const headers = (method: string, extra: Record<string, string> = {}) => ({ 'mcp-protocol-version': MODERN, 'mcp-method': method, ...extra });
const call = (params: Record<string, unknown> = { name: 'echo', arguments: {} }, meta = envelope()) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { ...params, _meta: meta } });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, status: error.httpStatus, message: error.message, data: error.data };
    throw error;
  }
  throw new Error('not refused');
};

describe('classifyEra', () => {
  test('2025 traffic stays on the session path, malformed 2025 bodies included (answered there as before)', () => {
    const legacy = [
      ['POST', {}, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }],
      ['POST', { 'mcp-protocol-version': '2025-06-18' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' }],
      ['GET', {}, undefined],
      ['DELETE', {}, undefined],
      ['POST', {}, [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }]],
      ['POST', {}, { not: 'json-rpc' }],
      ['POST', {}, []],
    ] as const;
    for (const [method, h, body] of legacy) expect(classifyEra(method, h, body)).toEqual({ kind: 'legacy' });
  });

  test('a complete 2026 request is modern; the Mcp-Name may be base64-encoded', () => {
    expect(classifyEra('POST', headers('tools/call', { 'mcp-name': 'echo' }), call())).toMatchObject({ kind: 'modern', revision: MODERN, message: { method: 'tools/call' } });
    expect(classifyEra('POST', headers('tools/call', { 'mcp-name': '=?base64?ZWNobw==?=' }), call())).toMatchObject({ kind: 'modern' });
    expect(MODERN_PROTOCOL_VERSIONS).toEqual([MODERN]);
  });

  test.each([
    ['Mcp-Method names another method', headers('tools/list', { 'mcp-name': 'echo' }), call(), -32020, /Mcp-Method header names tools\/list/],
    ['Mcp-Name names another tool', headers('tools/call', { 'mcp-name': 'drop_everything' }), call(), -32020, /Mcp-Name header names "drop_everything"/],
    ['Mcp-Name missing', headers('tools/call'), call(), -32020, /Mcp-Name header is absent/],
    ['Mcp-Name with a broken base64 value', headers('tools/call', { 'mcp-name': '=?base64?***?=' }), call(), -32020, /invalid =\?base64\?/],
    ['Mcp-Method missing', { 'mcp-protocol-version': MODERN, 'mcp-name': 'echo' }, call(), -32020, /Mcp-Method header is absent/],
    ['protocol header disagrees with the envelope', headers('tools/call', { 'mcp-name': 'echo', 'mcp-protocol-version': '2025-11-25' }), call(), -32020, /names protocol version 2026-07-28 but the MCP-Protocol-Version header names 2025-11-25/],
    ['an unknown future version', headers('tools/call', { 'mcp-name': 'echo', 'mcp-protocol-version': '2030-01-01' }), call(undefined, envelope({}, '2030-01-01')), -32022, /Unsupported protocol version "2030-01-01"/],
    ['a 2025 version in the envelope', headers('tools/call', { 'mcp-name': 'echo', 'mcp-protocol-version': '2025-06-18' }), call(undefined, envelope({}, '2025-06-18')), -32022, /through an initialize handshake/],
    ['no clientCapabilities in the envelope', headers('tools/call', { 'mcp-name': 'echo' }), call(undefined, { 'io.modelcontextprotocol/protocolVersion': MODERN }), -32602, /clientCapabilities: missing/],
    ['a modern header on an envelope-less body', headers('tools/list'), { jsonrpc: '2.0', id: 3, method: 'tools/list' }, -32602, /missing the required per-request envelope/],
    ['a stale Mcp-Session-Id', headers('tools/call', { 'mcp-name': 'echo', 'mcp-session-id': 'abc' }), call(), -32600, /carries no Mcp-Session-Id/],
    ['a 2026 request inside a batch', {}, [call()], -32600, /batches may not contain/],
  ])('refused with 400: %s', (_what, h, body, code, message) => {
    const r = refusal(() => classifyEra('POST', h, body));
    expect(r).toMatchObject({ code, status: 400 });
    expect(r.message).toMatch(message);
  });

  test('the unsupported-version error lists every version the gateway speaks', () => {
    const r = refusal(() => classifyEra('POST', headers('tools/list', { 'mcp-protocol-version': '2030-01-01' }), { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope({}, '2030-01-01') } }));
    expect(r.data).toEqual({ supported: [MODERN, '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'], requested: '2030-01-01' });
  });
});

describe('decodeHeaderValue', () => {
  test.each([
    ['echo', 'echo'],
    ['=?base64?ZWNobw==?=', 'echo'],
    ['=?BASE64?w6lsw6h2ZQ==?=', 'élève'],
    ['=?base64?***?=', undefined],
    ['=?base64?/w==?=', undefined],
    ['=?utf-8?q?x?=', undefined],
  ])('%s', (raw, decoded) => {
    expect(decodeHeaderValue(raw)).toBe(decoded);
  });
});
