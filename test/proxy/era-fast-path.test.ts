import { classifyInboundRequest } from '@modelcontextprotocol/server';
import { classifyEra } from '../../proxy/modern/era';

// classifyEra answers 2025-era without the SDK's classifier when nothing claims 2026. That holds
// only while the classifier itself can never call such a request modern: checked here against it,
// so an SDK upgrade that changes its rules fails this test rather than routing silently.
const BODIES: unknown[] = [
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'run_query', arguments: { sql: 'select 1' } } },
  { jsonrpc: '2.0', id: 'a', method: 'tools/list' },
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } },
  { jsonrpc: '2.0', id: 1, result: {} },
  { jsonrpc: '2.0', id: 1, error: { code: -1, message: 'm' } },
  [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { jsonrpc: '2.0', method: 'notifications/initialized' }],
  [], [1], null, 'text', 42, {}, { jsonrpc: '1.0', id: 1, method: 'x' }, { jsonrpc: '2.0', id: {}, method: 'x' },
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { _meta: { progressToken: 1 } } },
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { _meta: ['io.modelcontextprotocol/protocolVersion'] } },
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: 'not an object' },
];
const VERSION_HEADERS = [undefined, '2025-11-25', ' 2025-06-18\t', '2024-11-05', '1.0-garbage', ''];
const METHOD_HEADERS = [undefined, 'tools/call', 'something/else'];

describe('classifyEra before the SDK classifier', () => {
  it('answers 2025-era only where the SDK classifier could not say modern', () => {
    let cases = 0;
    for (const body of BODIES) {
      for (const version of VERSION_HEADERS) {
        for (const method of METHOD_HEADERS) {
          for (const httpMethod of ['POST', 'GET', 'DELETE']) {
            const outcome = classifyInboundRequest({
              httpMethod, body,
              ...(version !== undefined ? { protocolVersionHeader: version } : {}),
              ...(method !== undefined ? { mcpMethodHeader: method } : {}),
            });
            expect(outcome.kind).not.toBe('modern');
            const headers = { ...(version !== undefined ? { 'mcp-protocol-version': version } : {}), ...(method !== undefined ? { 'mcp-method': method } : {}) };
            expect(classifyEra(httpMethod, headers, body)).toEqual({ kind: 'legacy' });
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(BODIES.length * VERSION_HEADERS.length * METHOD_HEADERS.length * 3);
  });

  it('still sends anything that claims 2026 through the SDK classifier and its checks', () => {
    const modern = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } };
    expect(() => classifyEra('POST', {}, modern)).toThrow(/envelope/);
    expect(() => classifyEra('POST', { 'mcp-protocol-version': '2026-07-28' }, [modern])).toThrow(/batch/i);
    expect(() => classifyEra('POST', { 'mcp-protocol-version': '2026-07-28' }, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).toThrow(/envelope/);
  });
});
