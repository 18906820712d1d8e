import {
  CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, LOG_LEVEL_META_KEY, PROTOCOL_VERSION_META_KEY, SERVER_INFO_META_KEY,
  type JSONRPCRequest,
} from '@modelcontextprotocol/server';

// The 2026-07-28 wire shapes the gateway writes and reads; no I/O here.

const ENVELOPE_KEYS = [PROTOCOL_VERSION_META_KEY, CLIENT_INFO_META_KEY, CLIENT_CAPABILITIES_META_KEY, LOG_LEVEL_META_KEY];
const LOG_LEVELS = new Set(['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']);
const CACHEABLE = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read', 'server/discover']);

/** The gateway's own identity, stamped on every modern result (the upstream's stays in discover's serverInfo). */
export const GATEWAY_INFO = { name: 'gatehouse-gateway', version: '1' } as const;

export interface ClientEnvelope {
  capabilities: Record<string, unknown>;
  client?: { name: string; version?: string };
  /** The log level the client asked for on this request (absent: the server sends it no log lines). */
  logLevel?: string;
}

/** What the request's `_meta` envelope says about the client (already validated by the classifier). */
export function envelopeOf(request: JSONRPCRequest): ClientEnvelope {
  const meta = ((request.params as { _meta?: Record<string, unknown> } | undefined)?._meta ?? {});
  const capabilities = isObject(meta[CLIENT_CAPABILITIES_META_KEY]) ? meta[CLIENT_CAPABILITIES_META_KEY] : {};
  const info = meta[CLIENT_INFO_META_KEY];
  const client = isObject(info) && typeof info.name === 'string'
    ? { name: info.name, ...(typeof info.version === 'string' ? { version: info.version } : {}) } : undefined;
  const level = meta[LOG_LEVEL_META_KEY];
  const logLevel = typeof level === 'string' && LOG_LEVELS.has(level) ? level : undefined;
  return { capabilities, ...(client ? { client } : {}), ...(logLevel ? { logLevel } : {}) };
}

/** Whether the client declared URL-mode (or, with `form`, form-mode) elicitation on this request. */
export function canElicit(envelope: ClientEnvelope, mode: 'url' | 'form'): boolean {
  const elicitation = envelope.capabilities.elicitation;
  if (!isObject(elicitation)) return false;
  if (mode === 'url') return isObject(elicitation.url);
  // A bare `elicitation: {}` means form support (its 2025 meaning).
  return isObject(elicitation.form) || (elicitation.form === undefined && elicitation.url === undefined);
}

/**
 * The request as a 2025-era upstream takes it: the envelope keys and the multi-round-trip
 * fields (which belong to the gateway's holds) removed; everything else as the client sent it.
 */
export function forLegacyUpstream(request: JSONRPCRequest): JSONRPCRequest {
  if (!isObject(request.params)) return request;
  const { inputResponses: _responses, requestState: _state, ...params } = request.params;
  if (isObject(params._meta)) {
    const meta = Object.fromEntries(Object.entries(params._meta).filter(([k]) => !ENVELOPE_KEYS.includes(k)));
    if (Object.keys(meta).length) params._meta = meta;
    else delete params._meta;
  }
  return { ...request, params };
}

/**
 * A finished result in the revision's shape: `resultType: complete`; lists and reads carry
 * `ttlMs: 0, cacheScope: private` (a masked answer is for this grant only and never shared);
 * fields the revision deleted are dropped.
 */
export function completeResult(method: string, result: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> = { ...result, resultType: 'complete' };
  if (method === 'tools/list' && Array.isArray(out.tools)) {
    out.tools = out.tools.map((tool: unknown) => {
      if (!isObject(tool) || !('execution' in tool)) return tool;
      const { execution: _execution, ...rest } = tool;
      return rest;
    });
  }
  if (CACHEABLE.has(method)) out = { ...out, ttlMs: 0, cacheScope: 'private' };
  const meta = isObject(out._meta) ? out._meta : {};
  return { ...out, _meta: { ...meta, [SERVER_INFO_META_KEY]: GATEWAY_INFO } };
}

/** The multi-round-trip answer: the client fulfils `inputRequests` and retries with `requestState`. */
export function inputRequiredResult(inputRequests: Record<string, { method: string; params?: Record<string, unknown> }> | undefined, requestState: string): Record<string, unknown> {
  return {
    resultType: 'input_required',
    ...(inputRequests && Object.keys(inputRequests).length ? { inputRequests } : {}),
    requestState,
    _meta: { [SERVER_INFO_META_KEY]: GATEWAY_INFO },
  };
}

/** The retry's answers and echoed state, as untrusted input. */
export function retryOf(request: JSONRPCRequest): { requestState?: string; inputResponses?: Record<string, unknown> } {
  const params = isObject(request.params) ? request.params : {};
  return {
    ...(typeof params.requestState === 'string' ? { requestState: params.requestState } : {}),
    ...(isObject(params.inputResponses) ? { inputResponses: params.inputResponses } : {}),
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
