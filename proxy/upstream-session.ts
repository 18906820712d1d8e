import { randomUUID } from 'node:crypto';
import {
  SERVER_INFO_META_KEY,
  type JSONRPCMessage, type JSONRPCRequest, type RequestId, type Transport,
} from '@modelcontextprotocol/client';
import { GatewayErrorCode } from './errors';
import { UpstreamHttpError } from './http-upstream';
import { isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse, isOwnNotification, isOwnRequest } from './message-text';
import {
  decideEra, discoverRequest, isPlainObject, rememberLegacy, JSONRPC_ERRORS, LEGACY_PROTOCOL_VERSIONS, readProbeAnswer, suggestsEraChange, upstreamEras, withEnvelope,
  type DiscoverAdvertisement, type EraDecision, type EraTarget, type ProbeVerdict, type RequestEnvelope, type UpstreamEra, type UpstreamEraCache,
} from './upstream-era';

export interface UpstreamSessionOptions {
  /** The target's name: every error about the upstream names it. */
  target: string;
  /** stdio: a silent probe means a legacy server. HTTP: silence is an outage, never era evidence. */
  transport: 'stdio' | 'http';
  /** How long the `server/discover` probe may take. */
  probeTimeoutMs?: number;
  /** The target's configuration: its `upstream.era` and the remembered probe decide the era (upstream-era.ts); without it, every session probes. */
  config?: EraTarget;
  /** Where probes are remembered (default: the process's cache). */
  eras?: UpstreamEraCache;
}

/** What a call's error adds when its answer showed the upstream changed under the session. */
const ERA_CHANGED = 'the upstream changed under this session (redeployed in another MCP era, or it no longer knows the session), so the gateway ends the session: start a new one (initialize), which asks the upstream again';
/** How long the answer that showed the change has to reach the client before the session ends. */
const END_AFTER_CHANGE_MS = 1_000;

/** Input rounds one call may take before the gateway gives up on it (the SDK's legacy shim allows 8). */
export const MAX_INPUT_ROUNDS = 8;
const INPUT_METHODS = new Set(['elicitation/create', 'sampling/createMessage', 'roots/list']);

interface ModernCall {
  clientId: RequestId;
  request: JSONRPCRequest;
  upstreamId: RequestId;
  rounds: number;
  /** The answers the client owes for this round, by the upstream's key. */
  awaiting?: Map<string, unknown>;
  requestState?: string;
}

/**
 * Any upstream, as a 2025-era session sees it (the gateway's client sessions speak that era).
 *
 * At the client's `initialize` it probes the upstream with `server/discover` (the specification's
 * backward-compatibility rule): a DiscoverResult means a modern (2026-07-28) server, called
 * statelessly from then on: every request gets the envelope (version, the client's info and
 * capabilities, its log level) from the gateway, the `initialize` answer is made from the
 * advertisement, `ping` and `logging/setLevel` are answered here, and an `input_required` result
 * becomes real `elicitation/create` / `sampling/createMessage` / `roots/list` requests to the client
 * whose answers the gateway sends back in the retry. Any other error means a 2025-era server: the
 * session passes through unchanged. An upstream that answers neither era is refused with an error
 * that names the target.
 */
export class UpstreamSessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  era?: UpstreamEra;
  discover?: DiscoverAdvertisement;
  private envelope: RequestEnvelope = {};
  private probe?: { id: string; settle(verdict: ProbeVerdict): void };
  private legacyInitialize?: RequestId;
  private readonly calls = new Map<RequestId, ModernCall>();
  private readonly byClientId = new Map<RequestId, ModernCall>();
  private readonly inputs = new Map<RequestId, { call: ModernCall; key: string }>();
  /** The era came from what was remembered of the target: an answer that suggests a change forgets it. */
  private remembered = false;
  /** The 2025 verdict that initialize is to prove (then remembered for the target). */
  private legacyVerdict?: EraDecision;
  /** The upstream changed under the session: it closes shortly (eraChanged). */
  private ending?: NodeJS.Timeout;
  /** Why the gateway closes this upstream (it changed under the session), for the session's end. */
  endedBecause?: string;

  constructor(private readonly inner: Transport, private readonly options: UpstreamSessionOptions) {}

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  async start(): Promise<void> {
    this.inner.onmessage = (message) => this.fromUpstream(message);
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => {
      this.probe?.settle({ era: 'unusable', reason: 'it closed the connection during server/discover' });
      this.onclose?.();
    };
    await this.inner.start();
  }

  async close(): Promise<void> {
    if (this.ending) clearTimeout(this.ending);
    await this.inner.close();
  }

  // What the gateway sends is its own (built by it, or a client's message it has validated): told apart by shape.
  async send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message)) {
      const input = message.id !== undefined && message.id !== null ? this.inputs.get(message.id) : undefined;
      if (input) return this.answerInput(message, input.call, input.key);
      if (this.era === 'modern') return; // the modern revision has no server requests to answer
      return this.inner.send(message);
    }
    if (isOwnRequest(message) && message.method === 'initialize' && this.era !== 'legacy' && this.legacyInitialize === undefined && !this.discover) {
      return this.initialize(message);
    }
    if (this.era !== 'modern') return this.sendLegacy(message);
    if (isOwnNotification(message)) return this.notifyModern(message);
    if (isOwnRequest(message)) return this.requestModern(message);
  }

  // ---- the era decision ---------------------------------------------------------------------

  private async initialize(request: JSONRPCRequest): Promise<void> {
    const params = (request.params ?? {}) as { clientInfo?: RequestEnvelope['clientInfo']; capabilities?: Record<string, unknown>; protocolVersion?: unknown };
    this.envelope = {
      ...(params.clientInfo && typeof params.clientInfo.name === 'string' ? { clientInfo: params.clientInfo } : {}),
      ...(isPlainObject(params.capabilities) ? { clientCapabilities: params.capabilities } : {}),
    };
    const verdict = this.options.config ? await decideEra(this.options.config, () => this.runProbe(), this.options.eras ?? upstreamEras) : await this.runProbe();
    this.remembered = 'remembered' in verdict && verdict.remembered === true;
    if (verdict.era === 'legacy') {
      this.era = 'legacy';
      this.legacyVerdict = verdict;
      this.legacyInitialize = request.id;
      await this.inner.send(request);
      return;
    }
    if (verdict.era === 'unusable') {
      this.deliverError(request.id, `the upstream MCP server of target ${this.options.target} cannot be used: ${verdict.reason}; ask an operator to check it`);
      return;
    }
    this.era = 'modern';
    this.discover = verdict.discover;
    const requested = typeof params.protocolVersion === 'string' && LEGACY_PROTOCOL_VERSIONS.includes(params.protocolVersion) ? params.protocolVersion : LEGACY_PROTOCOL_VERSIONS[0]!;
    this.onmessage?.({
      jsonrpc: '2.0', id: request.id,
      result: {
        protocolVersion: requested,
        capabilities: legacyCapabilities(verdict.discover.capabilities),
        serverInfo: verdict.discover.serverInfo ?? { name: this.options.target, version: 'unknown' },
        ...(verdict.discover.instructions ? { instructions: verdict.discover.instructions } : {}),
      },
    } as JSONRPCMessage);
  }

  /** `server/discover` on the upstream itself; the answer decides the era. */
  private runProbe(): Promise<ProbeVerdict> {
    return probeEra(this.inner, this.envelope, this.options, (probe) => {
      this.probe = probe;
    });
  }

  // ---- modern: client -> upstream ------------------------------------------------------------

  private async requestModern(request: JSONRPCRequest): Promise<void> {
    switch (request.method) {
      case 'ping':
        this.onmessage?.({ jsonrpc: '2.0', id: request.id, result: {} });
        return;
      case 'logging/setLevel': {
        const level = (request.params as { level?: unknown } | undefined)?.level;
        if (typeof level === 'string') this.envelope = { ...this.envelope, logLevel: level };
        this.onmessage?.({ jsonrpc: '2.0', id: request.id, result: {} });
        return;
      }
      case 'initialize':
        this.deliverError(request.id, 'this session is initialized already', JSONRPC_ERRORS.InvalidRequest);
        return;
      case 'resources/subscribe':
      case 'resources/unsubscribe':
        this.deliverError(request.id, `the upstream of target ${this.options.target} speaks 2026-07-28, where resource subscriptions are a listen stream the gateway does not offer to 2025-era sessions`, JSONRPC_ERRORS.MethodNotFound);
        return;
    }
    const call: ModernCall = { clientId: request.id, request, upstreamId: request.id, rounds: 0 };
    this.calls.set(call.upstreamId, call);
    this.byClientId.set(call.clientId, call);
    await this.sendModern(call, request);
  }

  private async sendModern(call: ModernCall, request: JSONRPCRequest): Promise<void> {
    try {
      await this.inner.send(withEnvelope(request, this.envelope));
    } catch (error) {
      this.forget(call);
      if (error instanceof UpstreamHttpError && suggestsEraChange({ httpStatus: error.status })) {
        this.eraChanged();
        throw new Error(`${error.message}; ${ERA_CHANGED}`, { cause: error });
      }
      throw error;
    }
  }

  private async notifyModern(message: JSONRPCMessage & { method: string; params?: Record<string, unknown> }): Promise<void> {
    if (message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      const call = id !== undefined ? this.byClientId.get(id) : undefined;
      if (!call) return;
      this.forget(call);
      await this.inner.send(withEnvelope({ ...message, params: { ...message.params, requestId: call.upstreamId } }, this.envelope));
      return;
    }
    // initialized, roots/list_changed, ...: the modern revision has no client notifications to carry them.
  }

  // ---- modern: upstream -> client ------------------------------------------------------------

  private fromUpstream(message: JSONRPCMessage): void {
    const id = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message) ? message.id : undefined;
    if (this.probe && id === this.probe.id) {
      const { settle } = this.probe;
      this.probe = undefined;
      settle(readProbeAnswer(message));
      return;
    }
    if (this.era !== 'modern') {
      if (id !== undefined && id === this.legacyInitialize) return this.answerLegacyInitialize(message);
      this.onmessage?.(message);
      return;
    }
    if (isJSONRPCRequest(message)) {
      // A server request has no place in the 2026-07-28 revision: the upstream hears so; the client never sees it.
      void this.inner.send(withEnvelope({ jsonrpc: '2.0', id: message.id, error: { code: JSONRPC_ERRORS.MethodNotFound, message: 'the 2026-07-28 revision has no server-to-client requests; use an input_required result' } } as JSONRPCMessage, this.envelope)).catch(() => undefined);
      return;
    }
    if (id === undefined || id === null) {
      this.onmessage?.(message);
      return;
    }
    const call = this.calls.get(id);
    if (!call) return;
    if (isJSONRPCErrorResponse(message)) {
      this.forget(call);
      if (suggestsEraChange({ code: message.error.code })) {
        this.eraChanged();
        this.onmessage?.({ ...message, id: call.clientId, error: { ...message.error, message: `${message.error.message}; ${ERA_CHANGED}` } });
        return;
      }
      this.onmessage?.({ ...message, id: call.clientId });
      return;
    }
    const result = (message as { result: Record<string, unknown> }).result;
    if (result.resultType === 'input_required') {
      this.askClient(call, result);
      return;
    }
    this.forget(call);
    if (result.resultType !== 'complete') {
      const changed = suggestsEraChange(result);
      if (changed) this.eraChanged();
      this.deliverError(call.clientId, `the upstream MCP server of target ${this.options.target} answered ${call.request.method} with ${result.resultType === undefined ? 'no resultType' : `resultType ${JSON.stringify(result.resultType).slice(0, 40)}`}, which the 2026-07-28 revision does not define; the answer was withheld${changed ? `; ${ERA_CHANGED}` : ''}`);
      return;
    }
    this.onmessage?.({ jsonrpc: '2.0', id: call.clientId, result: legacyResult(result) } as JSONRPCMessage);
  }

  /** The fallback `initialize`: what comes back must be an InitializeResult, or the upstream speaks neither era. */
  private answerLegacyInitialize(message: JSONRPCMessage): void {
    const id = this.legacyInitialize!;
    this.legacyInitialize = undefined;
    const result = isJSONRPCResultResponse(message) ? (message.result as Record<string, unknown>) : undefined;
    if (result && typeof result.protocolVersion === 'string' && isPlainObject(result.capabilities)) {
      if (this.options.config && this.legacyVerdict) rememberLegacy(this.options.config, this.legacyVerdict, this.options.eras ?? upstreamEras);
      this.onmessage?.(message);
      return;
    }
    const said = isJSONRPCErrorResponse(message) ? `${message.error.code}: ${String(message.error.message).slice(0, 200)}` : 'a result that is not an InitializeResult';
    if (this.remembered) {
      // It answered server/discover as a 2025 server a while ago; now initialize fails: it may have changed.
      this.forgetEra();
      this.deliverError(id, `the upstream MCP server of target ${this.options.target} no longer answers initialize as it did (${said}); the gateway will ask it which era it speaks on the next connection: try again`);
      return;
    }
    if (this.options.config?.upstream.era === '2025') {
      this.deliverError(id, `the upstream MCP server of target ${this.options.target} is pinned to the 2025 era (upstream.era), but initialize answered ${said}; ask an operator to check the setting`);
      return;
    }
    this.deliverError(id, `the upstream MCP server of target ${this.options.target} speaks neither MCP era: it did not answer server/discover (2026-07-28), and initialize (2025) answered ${said}; ask an operator to check it`);
  }

  /** An input_required result: each input request goes to the client as the 2025-era request it is. */
  private askClient(call: ModernCall, result: Record<string, unknown>): void {
    const requests = result.inputRequests;
    const state = result.requestState;
    const valid = (requests === undefined || (isPlainObject(requests) && Object.values(requests).every((r) => isPlainObject(r) && typeof r.method === 'string' && INPUT_METHODS.has(r.method) && (r.params === undefined || isPlainObject(r.params)))))
      && (state === undefined || typeof state === 'string') && (requests !== undefined || state !== undefined);
    call.rounds += 1;
    if (!valid || call.rounds > MAX_INPUT_ROUNDS) {
      this.forget(call);
      this.deliverError(call.clientId, !valid
        ? `the upstream MCP server of target ${this.options.target} asked for input in a form the 2026-07-28 revision does not define (inputRequests of elicitation/create, sampling/createMessage or roots/list; requestState a string); the call was stopped`
        : `the upstream MCP server of target ${this.options.target} asked for input ${MAX_INPUT_ROUNDS} times on one ${call.request.method}; the call was stopped`);
      return;
    }
    call.requestState = state as string | undefined;
    const entries = Object.entries((requests ?? {}) as Record<string, { method: string; params?: Record<string, unknown> }>);
    call.awaiting = new Map(entries.map(([key]) => [key, undefined]));
    if (entries.length === 0) {
      void this.retry(call);
      return;
    }
    for (const [key, request] of entries) {
      const id = `gatehouse-input-${randomUUID()}`;
      this.inputs.set(id, { call, key });
      this.onmessage?.({ jsonrpc: '2.0', id, method: request.method, ...(request.params ? { params: request.params } : {}) } as JSONRPCMessage);
    }
  }

  private answerInput(message: JSONRPCMessage, call: ModernCall, key: string): void {
    const id = (message as { id: RequestId }).id;
    this.inputs.delete(id);
    if (!call.awaiting || this.byClientId.get(call.clientId) !== call) return;
    if (isJSONRPCErrorResponse(message)) {
      this.forget(call);
      this.deliverError(call.clientId, `the client refused the upstream's request for input (${message.error.code}: ${String(message.error.message).slice(0, 200)}); ${call.request.method} was stopped`);
      return;
    }
    call.awaiting.set(key, (message as { result: unknown }).result);
    if ([...call.awaiting.values()].every((v) => v !== undefined)) void this.retry(call);
  }

  /** The retry the revision asks for: the original request, a fresh id, the answers, the state echoed byte for byte. */
  private async retry(call: ModernCall): Promise<void> {
    const responses = Object.fromEntries(call.awaiting ?? []);
    call.awaiting = undefined;
    this.calls.delete(call.upstreamId);
    call.upstreamId = `gatehouse-retry-${randomUUID()}`;
    this.calls.set(call.upstreamId, call);
    const params = { ...(call.request.params ?? {}), ...(Object.keys(responses).length ? { inputResponses: responses } : {}), ...(call.requestState !== undefined ? { requestState: call.requestState } : {}) };
    await this.sendModern(call, { ...call.request, id: call.upstreamId, params }).catch((error: unknown) => {
      this.deliverError(call.clientId, `the upstream MCP server of target ${this.options.target} could not be reached: ${(error as Error).message}`);
    });
  }

  /**
   * A 2025 session's request to an HTTP upstream answered 404 (it no longer knows the session) or
   * 400 (it no longer takes the session's requests): redeployed, maybe in the other era, or
   * restarted. Either way the upstream session is over, so this session ends too (eraChanged).
   */
  private async sendLegacy(message: JSONRPCMessage): Promise<void> {
    try {
      await this.inner.send(message);
    } catch (error) {
      if (this.era === 'legacy' && isJSONRPCRequest(message) && message.method !== 'initialize' && error instanceof UpstreamHttpError && (error.status === 404 || error.status === 400)) {
        this.eraChanged();
        throw new Error(`${error.message}; ${ERA_CHANGED}`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * The upstream answered like a server of another era than the session opened it in (or no longer
   * knows the session): what is remembered of its era is dropped and, once the answer that said so
   * has reached the client, the upstream connection closes, which ends the session (a 2025 client
   * then starts a new one, and its initialize asks the upstream again). A session kept on an
   * upstream that changed would fail every call until its grant ends.
   */
  private eraChanged(): void {
    this.forgetEra();
    if (this.ending) return;
    this.endedBecause = `the upstream MCP server of target ${this.options.target} changed under the session (redeployed in another MCP era, or it no longer knows the session); a new session asks it again`;
    this.ending = setTimeout(() => void this.inner.close().catch(() => undefined), END_AFTER_CHANGE_MS);
    this.ending.unref();
  }

  /** The next session of the target probes its upstream again. */
  private forgetEra(): void {
    if (this.options.config) (this.options.eras ?? upstreamEras).forget(this.options.config);
  }

  private forget(call: ModernCall): void {
    this.calls.delete(call.upstreamId);
    if (this.byClientId.get(call.clientId) === call) this.byClientId.delete(call.clientId);
    for (const [id, input] of this.inputs) if (input.call === call) this.inputs.delete(id);
  }

  private deliverError(id: RequestId, message: string, code: number = GatewayErrorCode.UpstreamFailed): void {
    this.onmessage?.({ jsonrpc: '2.0', id, error: { code, message } } as JSONRPCMessage);
  }
}

/**
 * Sends `server/discover` on `transport` and reads the era from what comes back. The caller routes
 * the answer: `expect` gets the probe's id and the function to call with the verdict. A 4xx
 * without a modern error is legacy (a 2025 server refusing a request outside a session); 401/403,
 * 5xx and unreachable are never era evidence. Silence: legacy on stdio, an outage on HTTP.
 */
export function probeEra(transport: Transport, envelope: RequestEnvelope, options: Pick<UpstreamSessionOptions, 'transport' | 'probeTimeoutMs'>, expect: (probe: { id: string; settle(verdict: ProbeVerdict): void }) => void): Promise<ProbeVerdict> {
  const id = `gatehouse-discover-${randomUUID()}`;
  const timeoutMs = options.probeTimeoutMs ?? 10_000;
  return new Promise<ProbeVerdict>((resolve) => {
    let done = false;
    const settle = (verdict: ProbeVerdict) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(verdict);
    };
    const timer = setTimeout(() => settle(options.transport === 'stdio'
      ? { era: 'legacy', evidence: `no answer to server/discover within ${timeoutMs} ms` }
      : { era: 'unusable', reason: `it did not answer server/discover within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
    expect({ id, settle });
    transport.send(discoverRequest(id, envelope)).catch((error: unknown) => {
      if (error instanceof UpstreamHttpError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403) {
        settle({ era: 'legacy', evidence: `server/discover answered HTTP ${error.status}` });
      } else {
        settle({ era: 'unusable', reason: `server/discover failed: ${(error as Error).message.slice(0, 300)}` });
      }
    });
  });
}

/** A modern server's capabilities as a 2025-era session may rely on them: nothing the gateway does not carry. */
export function legacyCapabilities(capabilities: Record<string, unknown>): Record<string, unknown> {
  const out: [string, Record<string, unknown>][] = [];
  for (const [name, value] of Object.entries(capabilities)) {
    if (name === 'extensions' || !isPlainObject(value)) continue;
    const { listChanged: _listChanged, subscribe: _subscribe, ...rest } = value;
    out.push([name, rest]);
  }
  // fromEntries defines each member: a capability the upstream named `__proto__`, assigned, became the
  // copy's prototype (its members, flags and extensions included, then read as inherited capabilities).
  return Object.fromEntries(out);
}

/** A complete modern result without what only the 2026-07-28 wire carries (resultType, cache hints, the server's stamp). */
export function legacyResult(result: Record<string, unknown>): Record<string, unknown> {
  const { resultType: _type, ttlMs: _ttl, cacheScope: _scope, ...rest } = result;
  if (isPlainObject(rest._meta)) {
    const { [SERVER_INFO_META_KEY]: _server, ...meta } = rest._meta;
    if (Object.keys(meta).length) rest._meta = meta;
    else delete rest._meta;
  }
  return rest;
}
