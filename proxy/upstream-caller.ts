import { randomBytes } from 'node:crypto';
import {
  isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResultResponse, SUBSCRIPTION_ID_META_KEY,
  type JSONRPCMessage, type JSONRPCNotification, type JSONRPCRequest, type RequestId,
} from '@modelcontextprotocol/client';
import type { GrantRecord } from '../lib';
import type { TargetConfig } from '../policy';
import { GatewayErrorCode } from './errors';
import { openChannel } from './upstream';
import { UpstreamHttpError } from './http-upstream';
import {
  decideEra, isPlainObject, rememberLegacy, JSONRPC_ERRORS, LEGACY_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSION, readProbeAnswer, suggestsEraChange, upstreamEras, withEnvelope,
  type DiscoverAdvertisement, type EraTarget, type ProbeVerdict, type RequestEnvelope, type UpstreamEra, type UpstreamEraCache,
} from './upstream-era';
import { legacyResult, probeEra } from './upstream-session';

/** The input a call needs before it can finish: the 2026-07-28 revision's `input_required`, keys and state opaque. */
export interface InputRequired {
  inputRequests?: Record<string, { method: string; params?: Record<string, unknown> }>;
  requestState?: string;
}

/** What one call through the upstream came to. */
export type UpstreamAnswer =
  | { result: Record<string, unknown> }
  | { error: { code: number; message: string; data?: unknown } }
  | { inputRequired: InputRequired };

export interface UpstreamCallOptions {
  timeoutMs: number;
  /** What the stateless client said about itself on this request: a modern upstream hears it (a legacy one heard the gateway's at initialize). */
  envelope?: RequestEnvelope;
  /** The client's retry after an `inputRequired` answer: the state exactly as it was given, and its answers. */
  retry?: { requestState: string; inputResponses?: Record<string, unknown> };
  /** Notifications the upstream sends while this call runs (progress, log messages). */
  onNotification?(notification: JSONRPCNotification): void;
  /**
   * The client gave up on the call (closed its stream, or said so): the upstream is sent
   * `notifications/cancelled` and the call answers at once with an error (REQUEST_CANCELLED).
   */
  signal?: AbortSignal;
}

/** What a server says when something changed, outside any request: a `subscriptions/listen` stream carries them. */
export const CHANGE_NOTIFICATIONS: ReadonlySet<string> = new Set(['notifications/tools/list_changed', 'notifications/prompts/list_changed', 'notifications/resources/list_changed', 'notifications/resources/updated']);

/** Someone listening for the upstream's change notifications (a client's `subscriptions/listen`). */
export interface ChangeWatcher {
  onChange(notification: JSONRPCNotification): void;
  /** The upstream went away: nothing more will come. */
  onGone?(why: string): void;
}

/** The error a call cancelled by its client answers with (the gateway's record only; the client left). */
export const REQUEST_CANCELLED = -32800;

/** The gateway as a client of the upstream, for 2026-07-28 clients; who the client is, and its grant, the gateway already checked. */
export const GATEWAY_CLIENT_INFO = { name: 'gatehouse-gateway', version: '1' };
/** What a legacy upstream is told the gateway can answer: each is carried to the stateless client as an input round. */
const GATEWAY_CAPABILITIES = { elicitation: {}, sampling: {}, roots: {} };
/**
 * The requests whose 2026-07-28 result can ask the client for input (`input_required`); an
 * upstream's question during any other (tools/list, completion/complete, ...) cannot reach the client.
 */
const INPUT_ROUND_METHODS: ReadonlySet<string> = new Set(['tools/call', 'prompts/get', 'resources/read']);
/** A parked input round waits this long for the client's retry, then the upstream's request is refused. */
export const ROUND_TTL_MS = 10 * 60_000;

interface Waiting {
  method: string;
  name?: string;
  resolve?(answer: UpstreamAnswer): void;
  /** The upstream answered while the client was away answering an input round. */
  settled?: UpstreamAnswer;
  onNotification?(notification: JSONRPCNotification): void;
  /** The client's progressToken: the upstream was given the call's own id instead, and its progress is mapped back. */
  progressToken?: string | number;
  /** What the call's client said it can answer (its request envelope); absent when it said nothing. */
  clientCapabilities?: Record<string, unknown>;
  timer?: NodeJS.Timeout;
}

interface Round {
  callId: string;
  upstreamRequestId: RequestId;
  key: string;
  /** The upstream's request, as the client is asked it. */
  request: { method: string; params?: Record<string, unknown> };
  expiry: NodeJS.Timeout;
}

/**
 * A target's upstream for stateless (2026-07-28) clients, of either era, behind one `call`:
 *
 * - a **modern** upstream is called statelessly: each request carries the client's envelope, an
 *   `input_required` answer is handed back as it came (the client answers the upstream itself);
 * - a **legacy** (2025) upstream keeps its session here, initialized by the gateway; message ids
 *   toward it are the gateway's. When it asks for input in the middle of a call
 *   (`elicitation/create`, `sampling/createMessage`, `roots/list`) the call answers `inputRequired`
 *   with that request under a random handle (the `requestState`); the client's retry with the
 *   handle answers the upstream's request and waits on the same call, so the upstream ran it once.
 *   A handle is good once, for the same method and name, within 10 minutes, in this process (a
 *   retry reaching another gateway replica is relayed here: modern/remote-rounds.ts).
 *
 * What comes back is the upstream's, unmasked: the gateway masks and records it (an input request
 * is shown to a person: mask it like any message a server sends).
 */
export class UpstreamCaller {
  /** A 2025-style description of the upstream (protocolVersion, capabilities, serverInfo, instructions). */
  initialized: Record<string, unknown> = {};
  era: UpstreamEra = 'legacy';
  discover?: DiscoverAdvertisement;
  private next = 0;
  private readonly waiting = new Map<string, Waiting>();
  private readonly rounds = new Map<string, Round>();
  private readonly watchers = new Set<ChangeWatcher>();
  /** This link's own subscriptions/listen streams on a 2026-07-28 upstream, by the gateway's request id. */
  private readonly subscriptions = new Map<string, { acknowledged(honoured: Record<string, unknown>): void; watcher: ChangeWatcher }>();
  private probe?: { id: string; settle(verdict: ProbeVerdict): void };
  private initializeId?: string;
  private closed = false;
  private closedBecause = 'closed by the gateway';

  private readonly target: string;
  /** The era came from the cache: an answer that suggests the upstream changed drops it. */
  private remembered = false;

  private constructor(private readonly channel: ReturnType<typeof openChannel>, private readonly config: EraTarget, private readonly eras: UpstreamEraCache) {
    this.target = config.name;
  }

  /**
   * Opens the target's upstream with the grant's credential and learns its era: `upstream.era`,
   * else a remembered probe, else `server/discover` (then initialize for a 2025 server). When a
   * remembered era turns out wrong (the upstream changed), it is forgotten and the upstream opened
   * once more with a fresh probe.
   */
  static async open(target: TargetConfig, grant: GrantRecord, credential: string | undefined, options: { timeoutMs: number; onStderr?(chunk: string): void; onGone?(why: string): void; onTransportError?(error: Error): void; eras?: UpstreamEraCache }): Promise<UpstreamCaller> {
    const eras = options.eras ?? upstreamEras;
    for (let attempt = 1; ; attempt += 1) {
      const caller = new UpstreamCaller(openChannel(target, grant, credential, options.onStderr), target, eras);
      caller.onGone = options.onGone;
      caller.onTransportError = options.onTransportError;
      try {
        await caller.start(target.upstream.type, options.timeoutMs);
        return caller;
      } catch (error) {
        await caller.close();
        if (!caller.remembered || attempt > 1) throw error;
        eras.forget(target);
      }
    }
  }

  private onGone?: (why: string) => void;
  private onTransportError?: (error: Error) => void;

  private async start(transport: 'stdio' | 'http', timeoutMs: number): Promise<void> {
    const t = this.channel.transport;
    t.onmessage = (message) => this.fromUpstream(message);
    t.onclose = () => this.gone(this.channel.endedBecause?.() ?? 'the upstream MCP server closed the connection');
    t.onerror = (error) => this.onTransportError?.(error);
    await t.start();
    const verdict = await decideEra(this.config, () => probeEra(t, { clientInfo: GATEWAY_CLIENT_INFO, clientCapabilities: GATEWAY_CAPABILITIES }, { transport, probeTimeoutMs: Math.min(timeoutMs, 10_000) }, (probe) => {
      this.probe = probe;
    }), this.eras);
    this.probe = undefined;
    this.remembered = verdict.remembered === true;
    if (verdict.era === 'unusable') throw new Error(`the upstream MCP server of target ${this.target} cannot be used: ${verdict.reason}`);
    if (verdict.era === 'modern') {
      this.era = 'modern';
      this.discover = verdict.discover;
      this.initialized = {
        protocolVersion: MODERN_PROTOCOL_VERSION, capabilities: verdict.discover.capabilities,
        serverInfo: verdict.discover.serverInfo ?? { name: this.target, version: 'unknown' },
        ...(verdict.discover.instructions ? { instructions: verdict.discover.instructions } : {}),
      };
      return;
    }
    const id = this.nextId();
    this.initializeId = id;
    const answer = await this.exchange(id, { jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: LEGACY_PROTOCOL_VERSIONS[0]!, capabilities: GATEWAY_CAPABILITIES, clientInfo: GATEWAY_CLIENT_INFO } }, { method: 'initialize' }, timeoutMs);
    this.initializeId = undefined;
    const result = 'result' in answer ? answer.result : undefined;
    if (!result || typeof result.protocolVersion !== 'string' || !isPlainObject(result.capabilities)) {
      const said = 'error' in answer ? `${answer.error.code}: ${answer.error.message.slice(0, 200)}` : 'a result that is not an InitializeResult';
      if (this.config.upstream.era === '2025') throw new Error(`the upstream MCP server of target ${this.target} is pinned to the 2025 era (upstream.era), but initialize answered ${said}; set upstream.era to auto or 2026-07-28 if it speaks the modern revision`);
      throw new Error(`the upstream MCP server of target ${this.target} speaks neither MCP era: it did not answer server/discover (2026-07-28), and initialize (2025) answered ${said}`);
    }
    this.initialized = result;
    rememberLegacy(this.config, verdict, this.eras);
    await t.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  async call(method: string, params: Record<string, unknown> | undefined, options: UpstreamCallOptions): Promise<UpstreamAnswer> {
    if (this.closed) return { error: { code: GatewayErrorCode.UpstreamFailed, message: `the upstream MCP server of target ${this.target} is gone (${this.closedBecause}); try again` } };
    const { _meta, inputResponses: _responses, requestState: _state, ...rest } = params ?? {};
    const meta = isPlainObject(_meta) ? Object.fromEntries(Object.entries(_meta).filter(([k]) => !k.startsWith('io.modelcontextprotocol/'))) : {};
    // The client's progress token never reaches the upstream: the call's own id stands in for it,
    // so progress finds its call even when several of the grant's calls share the link.
    const token = meta.progressToken;
    const progressToken = typeof token === 'string' || typeof token === 'number' ? token : undefined;
    delete meta.progressToken;
    const bodyFor = (id: string): Record<string, unknown> => {
      const m = progressToken !== undefined ? { ...meta, progressToken: id } : meta;
      return { ...rest, ...(Object.keys(m).length ? { _meta: m } : {}) };
    };
    const name = typeof rest.name === 'string' ? rest.name : typeof rest.uri === 'string' ? rest.uri : undefined;
    const waiting = (): Waiting => ({
      method, ...(name !== undefined ? { name } : {}),
      ...(options.onNotification ? { onNotification: options.onNotification } : {}),
      ...(progressToken !== undefined ? { progressToken } : {}),
      ...(options.envelope?.clientCapabilities ? { clientCapabilities: options.envelope.clientCapabilities } : {}),
    });
    if (this.era === 'modern') {
      const id = this.nextId();
      const retried = options.retry ? { ...(options.retry.inputResponses ? { inputResponses: options.retry.inputResponses } : {}), requestState: options.retry.requestState } : {};
      const request = withEnvelope({ jsonrpc: '2.0', id, method, params: { ...bodyFor(id), ...retried } } as JSONRPCRequest, { clientInfo: GATEWAY_CLIENT_INFO, ...options.envelope });
      return this.exchange(id, request, waiting(), options.timeoutMs, options.signal);
    }
    if (options.retry) return this.resume(method, name, options, progressToken);
    const id = this.nextId();
    return this.exchange(id, { jsonrpc: '2.0', id, method, params: bodyFor(id) } as JSONRPCRequest, waiting(), options.timeoutMs, options.signal);
  }

  /**
   * Hears the upstream's change notifications (list_changed, resources/updated) until the returned
   * function is called. A 2025-era upstream sends them unasked (resources/updated after
   * resources/subscribe); they are never handed to a running call.
   */
  watch(watcher: ChangeWatcher): () => void {
    if (this.closed) {
      queueMicrotask(() => watcher.onGone?.(this.closedBecause));
      return () => undefined;
    }
    this.watchers.add(watcher);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  /**
   * A 2026-07-28 upstream's own `subscriptions/listen` stream for `filter`: resolves with what it
   * acknowledged and a close() (notifications/cancelled), or with why not (a 2025-era upstream
   * sends changes unasked: use watch()). Its notifications, their subscription id taken off, go to
   * the watcher; its end (the upstream's listen result or error, the upstream gone) to onGone.
   */
  subscribe(filter: Record<string, unknown>, watcher: ChangeWatcher, timeoutMs: number): Promise<{ honoured: Record<string, unknown>; close(): void } | { error: string }> {
    if (this.era !== 'modern') return Promise.resolve({ error: 'a 2025-era upstream has no subscriptions/listen; its changes come unasked (watch)' });
    if (this.closed) return Promise.resolve({ error: `the upstream MCP server of target ${this.target} is gone (${this.closedBecause})` });
    const id = this.nextId();
    const close = () => {
      if (this.subscriptions.delete(id)) void this.channel.transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'the client closed its subscription' } }).catch(() => undefined);
    };
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        close();
        resolve({ error: `the upstream MCP server of target ${this.target} did not acknowledge subscriptions/listen within ${timeoutMs} ms` });
      }, timeoutMs);
      timer.unref();
      this.subscriptions.set(id, {
        acknowledged: (honoured) => {
          clearTimeout(timer);
          resolve({ honoured, close });
        },
        watcher: {
          onChange: watcher.onChange,
          onGone: (why) => {
            clearTimeout(timer);
            this.subscriptions.delete(id);
            resolve({ error: why });
            watcher.onGone?.(why);
          },
        },
      });
      const request = withEnvelope({ jsonrpc: '2.0', id, method: 'subscriptions/listen', params: { notifications: filter } } as JSONRPCRequest, { clientInfo: GATEWAY_CLIENT_INFO, clientCapabilities: {} });
      this.channel.transport.send(request).catch((error: Error) => this.subscriptions.get(id)?.watcher.onGone?.(`the upstream could not be reached: ${error.message}`));
    });
  }

  /** Whether a legacy upstream's input round of that handle waits here for the client's answer. */
  hasRound(handle: string): boolean {
    return this.rounds.has(handle);
  }

  pid(): number | null {
    return this.channel.pid();
  }

  async close(why = 'closed by the gateway'): Promise<void> {
    const pid = this.channel.pid();
    this.gone(why);
    await this.channel.transport.close().catch(() => undefined);
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }

  // ---- calls ----------------------------------------------------------------------------------

  private nextId(): string {
    this.next += 1;
    return `gh-${this.next}`;
  }

  /** Sends one request and waits for its answer (or an input round of a legacy upstream). */
  private exchange(id: string, request: JSONRPCRequest, waiting: Waiting, timeoutMs: number, signal?: AbortSignal): Promise<UpstreamAnswer> {
    // Cancelled before it was sent: the upstream never hears of it.
    if (signal?.aborted) return Promise.resolve(cancelledAnswer(signal));
    return new Promise<UpstreamAnswer>((resolve) => {
      this.waiting.set(id, waiting);
      this.wait(id, waiting, resolve, timeoutMs, request.method, signal);
      this.channel.transport.send(request).catch((error: Error) => {
        const changed = error instanceof UpstreamHttpError && suggestsEraChange({ httpStatus: error.status });
        this.finish(id, { error: { code: GatewayErrorCode.UpstreamFailed, message: `the upstream MCP server of target ${this.target} could not be reached: ${error.message}` } });
        if (changed) this.eraChanged();
      });
    });
  }

  private wait(id: string, waiting: Waiting, resolve: (answer: UpstreamAnswer) => void, timeoutMs: number, method: string, signal?: AbortSignal): void {
    waiting.resolve = resolve;
    if (signal) {
      const cancel = () => {
        if (this.waiting.get(id) !== waiting || waiting.resolve !== resolve) return;
        this.waiting.delete(id);
        if (waiting.timer) clearTimeout(waiting.timer);
        this.dropRounds(id);
        void this.channel.transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'the client cancelled the request' } }).catch(() => undefined);
        resolve(cancelledAnswer(signal));
      };
      if (signal.aborted) queueMicrotask(cancel);
      else signal.addEventListener('abort', cancel, { once: true });
    }
    if (waiting.timer) clearTimeout(waiting.timer);
    waiting.timer = setTimeout(() => {
      if (this.waiting.get(id) !== waiting || waiting.resolve !== resolve) return;
      this.waiting.delete(id);
      this.dropRounds(id);
      void this.channel.transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'gateway timeout' } }).catch(() => undefined);
      resolve({ error: { code: GatewayErrorCode.UpstreamTimeout, message: `the upstream MCP server of target ${this.target} did not answer ${method} within ${timeoutMs} ms` } });
    }, timeoutMs);
    waiting.timer.unref();
  }

  /** The client's retry of a legacy upstream's input round: its answer goes to the parked request; the call is waited on again. */
  private resume(method: string, name: string | undefined, options: UpstreamCallOptions, progressToken?: string | number): Promise<UpstreamAnswer> | UpstreamAnswer {
    const handle = options.retry!.requestState;
    const round = this.rounds.get(handle);
    const waiting = round ? this.waiting.get(round.callId) : undefined;
    if (!round || !waiting || waiting.method !== method || waiting.name !== name) {
      return { error: { code: JSONRPC_ERRORS.InvalidParams, message: 'requestState names no input round of this call here: it expired, was used already, belongs to another request, or was answered by another gateway process; send the request again without it' } };
    }
    const response = options.retry!.inputResponses?.[round.key];
    if (response === undefined || !isPlainObject(response)) {
      // The answer is missing: ask again with the same handle (the revision says so).
      return { inputRequired: { inputRequests: { [round.key]: round.request }, requestState: handle } };
    }
    clearTimeout(round.expiry);
    this.rounds.delete(handle);
    void this.channel.transport.send({ jsonrpc: '2.0', id: round.upstreamRequestId, result: response } as JSONRPCMessage).catch(() => undefined);
    if (options.onNotification) waiting.onNotification = options.onNotification;
    // The retry is the client's request now: its progress goes under the retry's token.
    if (progressToken !== undefined) waiting.progressToken = progressToken;
    else delete waiting.progressToken;
    if (waiting.settled) {
      this.waiting.delete(round.callId);
      return waiting.settled;
    }
    return new Promise<UpstreamAnswer>((resolve) => this.wait(round.callId, waiting, resolve, options.timeoutMs, method, options.signal));
  }

  private finish(id: string, answer: UpstreamAnswer): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    if (!waiting.resolve) {
      waiting.settled = answer; // the client is answering an input round; its retry takes this
      return;
    }
    this.waiting.delete(id);
    if (waiting.timer) clearTimeout(waiting.timer);
    waiting.resolve(answer);
  }

  private fromUpstream(message: JSONRPCMessage): void {
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      const id = message.id;
      if (this.probe && id === this.probe.id) {
        this.probe.settle(readProbeAnswer(message));
        return;
      }
      if (typeof id !== 'string') return;
      const subscription = this.subscriptions.get(id);
      if (subscription) {
        // A listen stream's answer is its end (graceful result, or an error).
        subscription.watcher.onGone?.(isJSONRPCErrorResponse(message) ? `the upstream refused or ended the subscription: ${message.error.message.slice(0, 200)}` : 'the upstream ended the subscription');
        return;
      }
      if (isJSONRPCErrorResponse(message)) {
        this.finish(id, { error: message.error });
        if (this.era === 'modern' && suggestsEraChange({ code: message.error.code })) this.eraChanged();
        return;
      }
      const result = message.result as Record<string, unknown>;
      if (this.era !== 'modern' || id === this.initializeId) {
        this.finish(id, { result });
        return;
      }
      if (result.resultType === 'complete') {
        this.finish(id, { result: legacyResult(result) });
      } else if (result.resultType === 'input_required') {
        const { inputRequests, requestState } = result;
        const valid = (inputRequests === undefined || isPlainObject(inputRequests)) && (requestState === undefined || typeof requestState === 'string') && (inputRequests !== undefined || requestState !== undefined);
        this.finish(id, valid
          ? { inputRequired: { ...(inputRequests ? { inputRequests: inputRequests as InputRequired['inputRequests'] } : {}), ...(requestState !== undefined ? { requestState: requestState as string } : {}) } }
          : { error: { code: GatewayErrorCode.UpstreamFailed, message: `the upstream MCP server of target ${this.target} asked for input in a form the 2026-07-28 revision does not define; the call was stopped` } });
      } else {
        this.finish(id, { error: { code: GatewayErrorCode.UpstreamFailed, message: `the upstream MCP server of target ${this.target} answered with ${result.resultType === undefined ? 'no resultType' : `resultType ${JSON.stringify(result.resultType).slice(0, 40)}`}, which the 2026-07-28 revision does not define; the answer was withheld` } });
        if (suggestsEraChange(result)) this.eraChanged();
      }
      return;
    }
    if (isJSONRPCRequest(message)) {
      this.serverRequest(message);
      return;
    }
    if (isJSONRPCNotification(message)) {
      const params = isPlainObject(message.params) ? message.params : {};
      const meta = isPlainObject(params._meta) ? params._meta : {};
      const subscription = typeof meta[SUBSCRIPTION_ID_META_KEY] === 'string' ? this.subscriptions.get(meta[SUBSCRIPTION_ID_META_KEY]) : undefined;
      if (subscription) {
        // The upstream's stamp names the gateway's request; the client's stream gets its own.
        const { [SUBSCRIPTION_ID_META_KEY]: _ours, ...rest } = meta;
        const unstamped = { ...params, ...(Object.keys(rest).length ? { _meta: rest } : {}) };
        if (!Object.keys(rest).length) delete unstamped._meta;
        if (message.method === 'notifications/subscriptions/acknowledged') subscription.acknowledged(isPlainObject(params.notifications) ? params.notifications : {});
        else subscription.watcher.onChange({ ...message, params: unstamped });
        return;
      }
      if (message.method === 'notifications/progress') {
        // Progress names its call by the token the gateway gave (the call's id); the client hears its own token.
        const params = isPlainObject(message.params) ? message.params : {};
        const call = typeof params.progressToken === 'string' ? this.waiting.get(params.progressToken) : undefined;
        if (call?.resolve && call.progressToken !== undefined) call.onNotification?.({ ...message, params: { ...params, progressToken: call.progressToken } });
        return;
      }
      if (CHANGE_NOTIFICATIONS.has(message.method)) {
        for (const watcher of [...this.watchers]) watcher.onChange(message);
        return;
      }
      // Other request-related notifications (log lines): to the one call running, if exactly one (the link is per grant).
      const running = [...this.waiting.values()].filter((w) => w.resolve);
      if (running.length === 1) running[0]!.onNotification?.(message);
    }
  }

  /** A legacy upstream asks for input during a call: the call answers with an input round under a fresh handle. */
  private serverRequest(request: JSONRPCRequest): void {
    const refuse = (why: string) => void this.channel.transport.send({ jsonrpc: '2.0', id: request.id, error: { code: JSONRPC_ERRORS.MethodNotFound, message: why } } as JSONRPCMessage).catch(() => undefined);
    if (request.method === 'ping') {
      void this.channel.transport.send({ jsonrpc: '2.0', id: request.id, result: {} } as JSONRPCMessage).catch(() => undefined);
      return;
    }
    if (this.era === 'modern') return refuse('the 2026-07-28 revision has no server-to-client requests');
    if (!['elicitation/create', 'sampling/createMessage', 'roots/list'].includes(request.method)) return refuse(`${request.method} is not something the gateway asks its clients`);
    // The call it belongs to: the only one running (stdio carries no other link between them).
    const running = [...this.waiting].filter(([, w]) => w.resolve && w.method !== 'initialize');
    if (running.length !== 1) return refuse(running.length === 0 ? 'no call of this client is running' : 'the gateway cannot tell which of several running calls this request belongs to, so it asks nobody');
    const [callId, waiting] = running[0]!;
    // A question that lands in a call whose result cannot ask for input (server-everything's unprompted
    // roots/list during a tools/list): the upstream is told no and the call runs on, as for a client that
    // did not declare it; the client's tools/list would otherwise come back as an input round it cannot take.
    if (!INPUT_ROUND_METHODS.has(waiting.method)) return refuse(`the client cannot be asked ${request.method} during ${waiting.method}: in the 2026-07-28 revision only ${[...INPUT_ROUND_METHODS].join(', ')} can ask it for input`);
    const key = request.method === 'elicitation/create' ? 'elicitation' : request.method === 'sampling/createMessage' ? 'sampling' : 'roots';
    // A legacy server may ask unprompted (server-everything asks roots/list once it starts): a
    // client that declared it cannot answer is not turned into an input round it would fail; the
    // upstream hears what such a client would say, and the call runs on.
    if (waiting.clientCapabilities && !isPlainObject(waiting.clientCapabilities[key])) return refuse(`the client of the running call did not declare ${key}`);
    const handle = randomBytes(24).toString('base64url');
    const expiry = setTimeout(() => {
      if (!this.rounds.delete(handle)) return;
      refuse('the client did not answer in time');
    }, ROUND_TTL_MS);
    expiry.unref();
    const round: Round = { callId, upstreamRequestId: request.id, key, expiry, request: { method: request.method, ...(request.params ? { params: request.params as Record<string, unknown> } : {}) } };
    this.rounds.set(handle, round);
    const resolve = waiting.resolve!;
    waiting.resolve = undefined;
    if (waiting.timer) clearTimeout(waiting.timer);
    resolve({ inputRequired: { inputRequests: { [key]: round.request }, requestState: handle } });
  }

  /**
   * The upstream answered like a server of another era than it spoke when this link opened (a
   * redeployed HTTP server, a changed command): what is remembered of it is dropped and the link
   * closed, so the grant's next request opens a new one, probed again.
   */
  private eraChanged(): void {
    this.eras.forget(this.config);
    void this.close(`it answered like a server of another MCP era than it spoke when the gateway opened it; the next request asks it again`);
  }

  private dropRounds(callId: string): void {
    for (const [handle, round] of this.rounds) {
      if (round.callId !== callId) continue;
      clearTimeout(round.expiry);
      this.rounds.delete(handle);
    }
  }

  private gone(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedBecause = why;
    this.probe?.settle({ era: 'unusable', reason: why });
    for (const [id] of this.waiting) this.finish(id, { error: { code: GatewayErrorCode.UpstreamFailed, message: `the upstream MCP server of target ${this.target} went away before answering (${why})` } });
    for (const [, w] of this.waiting) w.settled ??= { error: { code: GatewayErrorCode.UpstreamFailed, message: why } };
    this.rounds.forEach((r) => clearTimeout(r.expiry));
    this.rounds.clear();
    for (const watcher of [...this.watchers]) watcher.onGone?.(why);
    this.watchers.clear();
    for (const subscription of [...this.subscriptions.values()]) subscription.watcher.onGone?.(why);
    this.subscriptions.clear();
    this.onGone?.(why);
  }
}

function cancelledAnswer(signal: AbortSignal): UpstreamAnswer {
  const why = signal.reason instanceof Error ? signal.reason.message : 'the client cancelled the request';
  return { error: { code: REQUEST_CANCELLED, message: `cancelled: ${why}` } };
}
