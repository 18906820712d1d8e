import {
  CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse,
  LOG_LEVEL_META_KEY, PROTOCOL_VERSION_META_KEY, SERVER_INFO_META_KEY, type JSONRPCMessage,
} from '@modelcontextprotocol/client';
import type { TargetConfig } from '../policy';
import { SPEC_ERROR_CODES } from './errors';

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

/** Error codes only the modern revision defines (HeaderMismatch, MissingRequiredClientCapability, UnsupportedProtocolVersion): the table in errors.ts. */
export const MODERN_ERROR_CODES = SPEC_ERROR_CODES;

/** What a modern request says about its sender: the gateway fills it per request (no session remembers it). */
export interface RequestEnvelope {
  clientInfo?: { name: string; version: string; [k: string]: unknown };
  clientCapabilities?: Record<string, unknown>;
  logLevel?: string;
}

/** The envelope protocol version of a message the gateway sends, when it is a modern one. */
export function modernVersionOf(message: JSONRPCMessage): string | undefined {
  if (!('method' in message)) return undefined;
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

// ---- which era a target's upstream speaks: its setting, else a remembered probe ----------------

/** What the era decision needs of a target: its name (errors name it) and its upstream (the setting, and what to key on). */
export type EraTarget = Pick<TargetConfig, 'name' | 'upstream'>;

/** A verdict worth remembering: the upstream spoke one era or the other. */
export type KnownEra = Exclude<ProbeVerdict, { era: 'unusable' }>;

/** How long a probe's answer is trusted (the specification lets a server change; a deploy may). */
export const ERA_CACHE_LIFETIME_MS = 10 * 60_000;

/**
 * The answers of `server/discover` probes, per target, for a bounded time: every upstream opened
 * for a target within the lifetime (one per 2025 session, one per grant for modern clients) skips
 * the probe, which for a silent 2025 stdio server costs the whole probe timeout. Keyed by the
 * target's name and its upstream's configuration (a reloaded config with another command or URL
 * is another upstream). An answer that suggests the upstream changed (`forget`) drops it at once.
 * Probe answers carry no secret: the server's advertisement, never the grant's credential.
 */
export class UpstreamEraCache {
  private readonly entries = new Map<string, { verdict: KnownEra; expiresAt: number }>();
  /** Probes sent per key (for ops and tests: a cached target is not probed again). */
  private readonly probeCounts = new Map<string, number>();

  constructor(public lifetimeMs = ERA_CACHE_LIFETIME_MS, private readonly now: () => number = Date.now) {}

  get(target: EraTarget): KnownEra | undefined {
    const key = eraKey(target);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.verdict;
  }

  remember(target: EraTarget, verdict: KnownEra): void {
    this.entries.set(eraKey(target), { verdict, expiresAt: this.now() + this.lifetimeMs });
  }

  /** Drops what is known of the target's upstream; true when something was known. */
  forget(target: EraTarget): boolean {
    return this.entries.delete(eraKey(target));
  }

  countProbe(target: EraTarget): void {
    const key = eraKey(target);
    this.probeCounts.set(key, (this.probeCounts.get(key) ?? 0) + 1);
  }

  probes(target: EraTarget): number {
    return this.probeCounts.get(eraKey(target)) ?? 0;
  }

  clear(): void {
    this.entries.clear();
    this.probeCounts.clear();
  }
}

function eraKey(target: EraTarget): string {
  const { era: _era, ...upstream } = target.upstream;
  return `${target.name}\0${JSON.stringify(upstream)}`;
}

/** The gateway process's cache of upstream eras. */
export const upstreamEras = new UpstreamEraCache();

/** A decided era, and whether it came from the cache (then a failure that suggests a change re-probes). */
export type EraDecision = ProbeVerdict & { remembered?: boolean };

/**
 * Which era to speak to the target's upstream, per its `upstream.era`:
 * - `2025`: a session, no probe;
 * - `2026-07-28`: a remembered modern answer, else the probe; a server that answers as a 2025 one
 *   is refused (fail closed: no fallback to a session the operator ruled out);
 * - `auto`: a remembered answer, else the probe.
 * The probe runs on the caller's own channel (`probe`). A DiscoverResult is remembered at once; a
 * 2025 answer only once `initialize` proved it (the caller calls `rememberLegacy`), so a server
 * that speaks neither era is never remembered as one; an unusable answer never is.
 */
export async function decideEra(target: EraTarget, probe: () => Promise<ProbeVerdict>, cache: UpstreamEraCache = upstreamEras): Promise<EraDecision> {
  const setting = target.upstream.era;
  if (setting === '2025') return { era: 'legacy', evidence: 'upstream.era: 2025 in the configuration' };
  const known = cache.get(target);
  if (known && (setting === 'auto' || known.era === 'modern')) return { ...known, remembered: true };
  cache.countProbe(target);
  const verdict = await probe();
  if (verdict.era === 'legacy' && setting === '2026-07-28') {
    return { era: 'unusable', reason: `the configuration pins it to the 2026-07-28 revision (upstream.era), but it answered as a 2025-era server (${verdict.evidence}); upgrade the server or set upstream.era to 2025 or auto` };
  }
  if (verdict.era === 'modern') cache.remember(target, verdict);
  return verdict;
}

/** A 2025 verdict that `initialize` proved: remembered when it came from a probe (not from the setting or the cache). */
export function rememberLegacy(target: EraTarget, decision: EraDecision, cache: UpstreamEraCache = upstreamEras): void {
  if (decision.era === 'legacy' && !decision.remembered && target.upstream.era === 'auto') cache.remember(target, decision);
}

/**
 * Whether an upstream's answer suggests it is no longer the era remembered for it: a modern
 * upstream answering without a resultType, refusing the version (-32022), or refusing a stateless
 * request the way a 2025 server does over HTTP (400 without a session, 404, 405). Then the
 * remembered era is dropped and the next upstream opened for the target probes again.
 * Deliberately not: answers an agent can provoke with what it sends (an unknown tool, bad
 * arguments, a body too large, a header/body mismatch of a tool's own parameter headers), which
 * would otherwise let it make every link of the target re-probe and its own link churn.
 */
export function suggestsEraChange(answer: { resultType?: unknown } | { code: number } | { httpStatus: number }): boolean {
  if ('httpStatus' in answer) return answer.httpStatus === 400 || answer.httpStatus === 404 || answer.httpStatus === 405;
  if ('code' in answer) return answer.code === MODERN_ERROR_CODES.UnsupportedProtocolVersion;
  return answer.resultType === undefined;
}
