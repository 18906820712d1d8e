import {
  CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResultResponse,
  LOG_LEVEL_META_KEY, PROTOCOL_VERSION_META_KEY, SERVER_INFO_META_KEY, type JSONRPCMessage,
} from '@modelcontextprotocol/client';

/**
 * The two eras of MCP as an upstream speaks them (the specification's "Versioning"): `legacy`
 * revisions (2024-10-07 … 2025-11-25) open a session with `initialize`; the `modern` revision
 * 2026-07-28 has none: every request carries its version, client identity and capabilities in
 * `_meta`, and `server/discover` says what the server is.
 */
export type UpstreamEra = 'modern' | 'legacy';

/** The modern revision the gateway speaks to upstreams. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
/** What a 2025-era client is told it negotiated when the gateway fronts a modern upstream for it. */
export const LEGACY_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

/** JSON-RPC's own error codes the upstream side answers with. */
export const JSONRPC_ERRORS = { InvalidRequest: -32600, MethodNotFound: -32601, InvalidParams: -32602 } as const;

/** Error codes only the modern revision defines (HeaderMismatch, MissingRequiredClientCapability, UnsupportedProtocolVersion). */
export const MODERN_ERROR_CODES = { HeaderMismatch: -32020, MissingRequiredClientCapability: -32021, UnsupportedProtocolVersion: -32022 } as const;

/** What a modern request says about its sender: the gateway fills it per request (no session remembers it). */
export interface RequestEnvelope {
  clientInfo?: { name: string; version: string; [k: string]: unknown };
  clientCapabilities?: Record<string, unknown>;
  logLevel?: string;
}

/** The envelope protocol version of a message, when it is a modern one. */
export function modernVersionOf(message: JSONRPCMessage): string | undefined {
  if (!isJSONRPCRequest(message) && !isJSONRPCNotification(message)) return undefined;
  const meta = (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
  const version = meta?.[PROTOCOL_VERSION_META_KEY];
  return typeof version === 'string' && version >= MODERN_PROTOCOL_VERSION ? version : undefined;
}

/**
 * The message with the gateway's envelope in `params._meta`. The gateway's keys replace any the
 * sender put there: what the upstream hears about the client is what the gateway says.
 */
export function withEnvelope<M extends JSONRPCMessage>(message: M, envelope: RequestEnvelope, version = MODERN_PROTOCOL_VERSION): M {
  const params = ((message as { params?: Record<string, unknown> }).params ?? {}) as Record<string, unknown>;
  const meta = { ...((params._meta as Record<string, unknown> | undefined) ?? {}) };
  for (const key of Object.keys(meta)) if (key.startsWith('io.modelcontextprotocol/') && key !== 'io.modelcontextprotocol/related-task') delete meta[key];
  meta[PROTOCOL_VERSION_META_KEY] = version;
  meta[CLIENT_INFO_META_KEY] = envelope.clientInfo ?? { name: 'gatehouse-gateway', version: '1' };
  meta[CLIENT_CAPABILITIES_META_KEY] = envelope.clientCapabilities ?? {};
  if (envelope.logLevel) meta[LOG_LEVEL_META_KEY] = envelope.logLevel;
  return { ...message, params: { ...params, _meta: meta } };
}

/**
 * The standard request headers of the Streamable HTTP binding (SEP-2243), mirrored from the body:
 * MCP-Protocol-Version always, Mcp-Method for requests, Mcp-Name for the methods that name a thing.
 */
export function modernHeaders(message: JSONRPCMessage, version: string): Record<string, string> {
  const headers: Record<string, string> = { 'mcp-protocol-version': version };
  if (!isJSONRPCRequest(message)) return headers;
  headers['mcp-method'] = headerValue(message.method);
  const params = (message.params ?? {}) as Record<string, unknown>;
  const named = message.method === 'resources/read' ? params.uri : message.method === 'tools/call' || message.method === 'prompts/get' ? params.name : undefined;
  if (typeof named === 'string') headers['mcp-name'] = headerValue(named);
  return headers;
}

const SENTINEL = /^=\?base64\?.*\?=$/s;

/** A header value as the binding says: plain visible ASCII, else `=?base64?…?=` of its UTF-8. */
export function headerValue(value: string): string {
  const plain = /^[\x20-\x7E]*$/.test(value) && value.trim() === value && !SENTINEL.test(value);
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** What an upstream's answer to `server/discover` says about its era. */
export type ProbeVerdict =
  | { era: 'modern'; discover: DiscoverAdvertisement }
  | { era: 'legacy'; evidence: string }
  /** It spoke modern (a modern error, or a result) but cannot be used: no common version, or not a DiscoverResult. */
  | { era: 'unusable'; reason: string };

export interface DiscoverAdvertisement {
  supportedVersions: string[];
  capabilities: Record<string, unknown>;
  serverInfo?: { name: string; version: string; [k: string]: unknown };
  instructions?: string;
}

/**
 * Reads the answer to the probe as the specification says: a DiscoverResult (with a version the
 * gateway speaks) is modern; a recognised modern error is modern (no fallback); any other error is
 * legacy. A result that is not a DiscoverResult is a claim the gateway cannot trust: unusable.
 */
export function readProbeAnswer(message: JSONRPCMessage): ProbeVerdict {
  if (isJSONRPCErrorResponse(message)) {
    const { code, message: text } = message.error;
    if (code === MODERN_ERROR_CODES.UnsupportedProtocolVersion) {
      const supported = (message.error.data as { supported?: unknown } | undefined)?.supported;
      return { era: 'unusable', reason: `it speaks the 2026-07-28 era but supports none of the versions the gateway speaks (it offers ${JSON.stringify(supported ?? [])})` };
    }
    if (code === MODERN_ERROR_CODES.HeaderMismatch || code === MODERN_ERROR_CODES.MissingRequiredClientCapability) {
      return { era: 'unusable', reason: `it refused the gateway's server/discover with a 2026-07-28 error (${code}: ${String(text).slice(0, 200)})` };
    }
    return { era: 'legacy', evidence: `server/discover answered ${code}` };
  }
  if (!isJSONRPCResultResponse(message)) return { era: 'unusable', reason: 'it answered server/discover with something that is not a JSON-RPC response' };
  const result = message.result as Record<string, unknown>;
  const versions = result.supportedVersions;
  if (!Array.isArray(versions) || !versions.every((v) => typeof v === 'string') || !isPlainObject(result.capabilities)) {
    return { era: 'unusable', reason: 'it answered server/discover, but not with a DiscoverResult (supportedVersions, capabilities)' };
  }
  if (result.resultType !== undefined && result.resultType !== 'complete') {
    return { era: 'unusable', reason: `it answered server/discover with resultType ${JSON.stringify(result.resultType)}` };
  }
  if (!versions.includes(MODERN_PROTOCOL_VERSION)) {
    return { era: 'unusable', reason: `its server/discover offers ${JSON.stringify(versions)}, none of which the gateway speaks (${MODERN_PROTOCOL_VERSION})` };
  }
  const meta = isPlainObject(result._meta) ? result._meta : {};
  const serverInfo = meta[SERVER_INFO_META_KEY] as DiscoverAdvertisement['serverInfo'] | undefined;
  return {
    era: 'modern',
    discover: {
      supportedVersions: versions as string[],
      capabilities: result.capabilities as Record<string, unknown>,
      ...(serverInfo && typeof serverInfo.name === 'string' && typeof serverInfo.version === 'string' ? { serverInfo } : {}),
      ...(typeof result.instructions === 'string' ? { instructions: result.instructions } : {}),
    },
  };
}

/** The probe request: `server/discover` with the gateway's envelope. */
export function discoverRequest(id: string, envelope: RequestEnvelope): JSONRPCMessage {
  return withEnvelope({ jsonrpc: '2.0', id, method: 'server/discover', params: {} }, envelope);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
