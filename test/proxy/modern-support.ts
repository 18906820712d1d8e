// 2026-07-28 clients for gateway tests: the v2 TypeScript client (modern or 2025 mode) and raw
// modern POSTs for what the official client never sends. The gateway, Redis and grants come
// from ./support (startTestGateway).
import { Client, StreamableHTTPClientTransport, CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, PROTOCOL_VERSION_META_KEY } from '@modelcontextprotocol/client';
import { fetchWithOwnSignal } from '../../devstack';

export const MODERN = '2026-07-28';

export interface V2Options {
  /** 'modern' pins 2026-07-28 (server/discover, no session); 'legacy' speaks 2025 (initialize, a session). */
  era: 'modern' | 'legacy';
  capabilities?: ConstructorParameters<typeof Client>[1] extends infer O ? O extends { capabilities?: infer C } ? C : never : never;
  /** Answers the gateway's approval request (URL or form elicitation) for held calls. */
  onElicit?(params: Record<string, unknown>): Promise<{ action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }>;
  name?: string;
}

/** The official v2 client over Streamable HTTP with a grant token. */
export async function connectV2(url: string, target: string, token: string, options: V2Options): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp/${target}`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: fetchWithOwnSignal(),
  });
  const client = new Client({ name: options.name ?? 'gateway-test-v2', version: '2.0.0' }, {
    capabilities: options.capabilities ?? (options.onElicit ? { elicitation: { url: {}, form: {} } } : {}),
    versionNegotiation: { mode: options.era === 'modern' ? { pin: MODERN } : 'legacy' },
  });
  if (options.onElicit) {
    const answer = options.onElicit;
    client.setRequestHandler('elicitation/create', (async (request: { params: unknown }) => answer(request.params as Record<string, unknown>)) as never);
  }
  await client.connect(transport);
  return { client, transport };
}

/** The `_meta` envelope every 2026-07-28 request carries. */
export function envelope(capabilities: Record<string, unknown> = {}, version = MODERN): Record<string, unknown> {
  return { [PROTOCOL_VERSION_META_KEY]: version, [CLIENT_CAPABILITIES_META_KEY]: capabilities, [CLIENT_INFO_META_KEY]: { name: 'raw-modern', version: '0' } };
}

/** A raw modern request: the envelope added to params, the routing headers set from the body unless `headers` overrides them. */
export async function modernPost(url: string, target: string, token: string | undefined, request: { id?: number | string; method: string; params?: Record<string, unknown> }, options: { headers?: Record<string, string | undefined>; capabilities?: Record<string, unknown>; version?: string; noEnvelope?: boolean; signal?: AbortSignal } = {}) {
  const params: Record<string, unknown> = { ...request.params, ...(options.noEnvelope ? {} : { _meta: { ...(request.params?._meta as object | undefined), ...envelope(options.capabilities, options.version) } }) };
  const body = { jsonrpc: '2.0', id: request.id ?? 1, method: request.method, params };
  const name = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  const headers: Record<string, string> = {
    'content-type': 'application/json', accept: 'application/json, text/event-stream',
    'mcp-protocol-version': options.version ?? MODERN, 'mcp-method': request.method,
    ...(name !== undefined ? { 'mcp-name': name } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const res = await fetch(`${url}/mcp/${target}`, { method: 'POST', headers, body: JSON.stringify(body), ...(options.signal ? { signal: options.signal } : {}) });
  const text = await res.text();
  let json: { result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } } | undefined;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, json, text };
}
