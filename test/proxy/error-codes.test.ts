import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProtocolErrorCode } from '@modelcontextprotocol/client';
import { codeRange, GATEWAY_ERRORS, GatewayErrorCode, SPEC_ERROR_CODES } from '../../proxy/errors';

const root = join(__dirname, '../..');
/** The rows of the first markdown table after `heading` whose first cell is a code: code -> the row's cells. */
function tableAfter(file: string, heading: string): Map<number, string[]> {
  const text = readFileSync(join(root, file), 'utf8');
  const from = text.indexOf(heading);
  expect(from).toBeGreaterThanOrEqual(0);
  const rows = new Map<number, string[]>();
  let started = false;
  for (const line of text.slice(from).split('\n').slice(1)) {
    if (!line.startsWith('|')) {
      if (started) break;
      continue;
    }
    started = true;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    for (const code of cells[0]!.split('/').map((c) => Number(c.trim().replace('…', '')))) if (Number.isInteger(code)) rows.set(code, cells);
  }
  return rows;
}

/**
 * The gateway's JSON-RPC error codes, checked against the 2026-07-28 revision's rules: one meaning
 * per code; JSON-RPC's own, the specification's own (-32020…-32022, with its meaning), or outside
 * JSON-RPC's reserved range; never the legacy -32000…-32019 nor the specification's -32020…-32099
 * for anything of Gatehouse's. The client-facing page and the proxy README say the same.
 */
describe('the gateway\'s JSON-RPC error codes', () => {
  const entries = Object.entries(GATEWAY_ERRORS);

  test('one meaning per code: no two names share a code (-32020 was both "unavailable" and HeaderMismatch)', () => {
    const codes = entries.map(([, e]) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(GatewayErrorCode.Unavailable).not.toBe(GatewayErrorCode.HeaderMismatch);
  });

  test.each(entries)('%s sits where the 2026-07-28 revision allows', (name, { code }) => {
    const range = codeRange(code);
    expect(['json-rpc', 'mcp-specification', 'application']).toContain(range);
    if (range === 'mcp-specification') {
      // only with the specification's meaning
      const specName = Object.entries(SPEC_ERROR_CODES).find(([, c]) => c === code)![0];
      expect(specName.replace('Required', '')).toBe(name);
    }
  });

  test('the specification\'s codes are the v2 SDK\'s', () => {
    expect(SPEC_ERROR_CODES.MissingRequiredClientCapability).toBe(ProtocolErrorCode.MissingRequiredClientCapability);
    expect(SPEC_ERROR_CODES.UnsupportedProtocolVersion).toBe(ProtocolErrorCode.UnsupportedProtocolVersion);
    expect(SPEC_ERROR_CODES.HeaderMismatch).toBe(-32020);
    expect(ProtocolErrorCode.InvalidParams).toBe(GatewayErrorCode.InvalidParams);
  });

  test('Gatehouse\'s own codes kept their last two digits (-320NN became -310NN), so clients can map them', () => {
    for (const [name, { code }] of entries) {
      if (codeRange(code) !== 'application') continue;
      expect({ name, code: code <= -31010 && code >= -31099 }).toEqual({ name, code: true });
    }
  });

  test('codeRange reads the revision\'s partition', () => {
    expect(codeRange(-32001)).toBe('mcp-legacy');
    expect(codeRange(-32030)).toBe('mcp-reserved');
    expect(codeRange(-32099)).toBe('mcp-reserved');
    expect(codeRange(-32100)).toBe('json-rpc-reserved');
    expect(codeRange(-32020)).toBe('mcp-specification');
    expect(codeRange(-31030)).toBe('application');
    expect(codeRange(-32603)).toBe('json-rpc');
  });

  test('docs/error-codes.md lists every code with its name and HTTP status, and nothing else', () => {
    const rows = tableAfter('docs/error-codes.md', '| code | HTTP | name | meaning |');
    expect([...rows.keys()].sort()).toEqual(entries.map(([, e]) => e.code).sort());
    for (const [name, { code, http }] of entries) expect({ code, http: rows.get(code)![1], name: rows.get(code)![2] }).toEqual({ code, http, name });
  });

  test('the proxy README\'s table has the same codes', () => {
    const rows = tableAfter('proxy/README.md', '## Errors (JSON-RPC codes)');
    const documented = new Set(rows.keys());
    const expected = entries.map(([, e]) => e.code).filter((c) => ![-32600, -32601, -32602].includes(c));
    expect([...documented].sort()).toEqual(expected.sort());
  });
});
