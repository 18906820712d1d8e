import type { IncomingHttpHeaders } from 'node:http';
import { classifyInboundRequest, PROTOCOL_VERSION_META_KEY, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCNotification, type JSONRPCRequest } from '@modelcontextprotocol/server';
import { GatewayError, GatewayErrorCode } from '../errors';

/** The 2026-era revisions the gateway serves statelessly (the 2025 ones go through initialize and a session). */
export const MODERN_PROTOCOL_VERSIONS: readonly string[] = ['2026-07-28'];

/** Every revision a client may name, newest first: what an unsupported-version error lists. */
export const ALL_PROTOCOL_VERSIONS: readonly string[] = [...MODERN_PROTOCOL_VERSIONS, ...SUPPORTED_PROTOCOL_VERSIONS];

export type Era =
  | { kind: 'legacy' }
  | { kind: 'modern'; message: JSONRPCRequest; revision: string }
  | { kind: 'modern-notification'; message: JSONRPCNotification };

/** The body field the Mcp-Name header mirrors, per method (SEP-2243). */
const NAME_SOURCE: Readonly<Record<string, string>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/**
 * Which era a request to /mcp/<target> belongs to, decided from the body first (the SDK's
 * classifier: a `_meta` envelope naming a 2026 revision is modern; `initialize`, envelope-less
 * requests, batches, GET and DELETE are 2025-era). A modern request is then held to the
 * revision's rules: a supported version, the routing headers present and equal to the body,
 * no session header. Headers route; they never decide — a disagreement is refused (400).
 */
export function classifyEra(httpMethod: string, headers: IncomingHttpHeaders, body: unknown): Era {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const protocolVersionHeader = header('mcp-protocol-version');
  const mcpMethodHeader = header('mcp-method');
  const mcpNameHeader = header('mcp-name');
  // Nothing in the body or the version header claims 2026: 2025-era, decided before the SDK's
  // classifier, whose zod passes over the body could only say legacy or reject. A malformed body
  // that claims nothing of 2026 stays with the 2025 path too, which answers it as it always has.
  if (!claimsModern(body, protocolVersionHeader)) return { kind: 'legacy' };
  const outcome = classifyInboundRequest({
    httpMethod, body,
    ...(protocolVersionHeader !== undefined ? { protocolVersionHeader } : {}),
    ...(mcpMethodHeader !== undefined ? { mcpMethodHeader } : {}),
    ...(mcpNameHeader !== undefined ? { mcpNameHeader } : {}),
  });
  const idOf = () => (body && typeof body === 'object' && !Array.isArray(body) && 'id' in body ? (body as { id: string | number }).id : null);
  if (outcome.kind === 'legacy') return { kind: 'legacy' };
  if (outcome.kind === 'reject') {
    const advice = outcome.code === GatewayErrorCode.HeaderMismatch ? '; the gateway decides from the body, and a request whose headers disagree with it is not served' : '';
    throw new GatewayError(outcome.code as GatewayErrorCode, `${outcome.message}${advice}`, outcome.httpStatus, {}, idOf(), outcome.data);
  }
  const revision = outcome.classification.revision ?? protocolVersionHeader;
  if (outcome.classification.era !== 'modern' || revision === undefined || !MODERN_PROTOCOL_VERSIONS.includes(revision)) {
    throw new GatewayError(GatewayErrorCode.UnsupportedProtocolVersion,
      `Unsupported protocol version ${JSON.stringify(revision ?? '(none)')}: this gateway speaks ${MODERN_PROTOCOL_VERSIONS.join(', ')} per request, and ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')} through an initialize handshake`,
      400, {}, idOf(), { supported: [...ALL_PROTOCOL_VERSIONS], ...(revision !== undefined ? { requested: revision } : {}) });
  }
  if (header('mcp-session-id') !== undefined) {
    throw new GatewayError(GatewayErrorCode.InvalidRequest,
      `a ${revision} request carries no Mcp-Session-Id: sessions belong to the 2025 revisions; drop the header (every ${revision} request stands on its own) or start a 2025 session with initialize`,
      400, {}, idOf());
  }
  if (outcome.messageKind === 'notification') return { kind: 'modern-notification', message: outcome.message };
  checkRoutingHeaders(outcome.message, { protocolVersionHeader, mcpMethodHeader, mcpNameHeader });
  return { kind: 'modern', message: outcome.message, revision };
}

/** Whether a request says it is of the 2026 era: a `_meta` protocol-version claim in the body (or a batch element), or a 2026 header. */
function claimsModern(body: unknown, protocolVersionHeader: string | undefined): boolean {
  if (protocolVersionHeader !== undefined && protocolVersionHeader.trim() >= MODERN_PROTOCOL_VERSIONS[0]!) return true;
  const claims = (m: unknown) => {
    const meta = (m as { params?: { _meta?: unknown } } | null)?.params?._meta;
    return !!meta && typeof meta === 'object' && PROTOCOL_VERSION_META_KEY in meta;
  };
  return Array.isArray(body) ? body.some(claims) : claims(body);
}

/** SEP-2243: MCP-Protocol-Version and Mcp-Method on every request, Mcp-Name where the body names a tool, prompt or resource. */
function checkRoutingHeaders(request: JSONRPCRequest, h: { protocolVersionHeader?: string; mcpMethodHeader?: string; mcpNameHeader?: string }): void {
  const mismatch = (detail: string, header: string, body: string) => new GatewayError(GatewayErrorCode.HeaderMismatch,
    `Bad Request: the request headers and body disagree: ${detail}; the gateway decides from the body, and a request whose headers disagree with it is not served`,
    400, {}, request.id, { mismatch: { header, body } });
  if (h.protocolVersionHeader === undefined) throw mismatch('the required MCP-Protocol-Version header is absent', '(missing)', 'MCP-Protocol-Version');
  if (h.mcpMethodHeader === undefined) throw mismatch(`the body names method ${request.method} but the required Mcp-Method header is absent`, '(missing)', request.method);
  const field = Object.hasOwn(NAME_SOURCE, request.method) ? NAME_SOURCE[request.method]! : undefined;
  if (!field) return;
  const params = request.params as Record<string, unknown> | undefined;
  const value = typeof params?.[field] === 'string' ? params[field] : undefined;
  if (h.mcpNameHeader === undefined) {
    if (value === undefined) return;
    throw mismatch(`the body carries params.${field}=${JSON.stringify(value)} but the required Mcp-Name header is absent`, '(missing)', value);
  }
  const named = decodeHeaderValue(h.mcpNameHeader.trim());
  if (named === undefined) throw mismatch('the Mcp-Name header carries an invalid =?base64?...?= value', h.mcpNameHeader, value ?? '');
  if (value !== undefined && named !== value) throw mismatch(`the body carries params.${field}=${JSON.stringify(value)} but the Mcp-Name header names ${JSON.stringify(named)}`, named, value);
}

/** A header value as sent: plain, or SEP-2243's `=?base64?<utf-8 bytes>?=` for what plain ASCII cannot carry. */
export function decodeHeaderValue(value: string): string | undefined {
  const m = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/i.exec(value);
  if (!m) return value.startsWith('=?') ? undefined : value;
  const bytes = Buffer.from(m[1]!, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== m[1]!.replace(/=+$/, '')) return undefined;
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
}
