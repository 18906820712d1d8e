import type { JSONRPCNotification, JSONRPCRequest, RequestId } from '@modelcontextprotocol/server';
import { callFingerprint, newCommandId, type GrantRecord, type Logger } from '../../lib';
import type { TargetConfig } from '../../policy';
import { decideRequest, decideResponse, maskContextFor, shapeResult, type ForwardedCall, type RequestFacts } from '../decisions';
import { GatewayError, GatewayErrorCode } from '../errors';
import type { CommandReviewer, DecisionBoard } from '../held-commands';
import { maskedEntries, maskOrWithhold, mergeSummaries, type MaskContext, type MaskingPlanReport, type MaskSummary, type ResponseMasker } from '../masking';
import { MaskingPlanLimitError, type RecordedPlans } from '../masking-plans';
import type { GatewayRecorder } from '../recording';
import { REQUEST_CANCELLED } from '../upstream-caller';
import type { AnswerStream } from './answer-stream';
import { GrantState } from './grant-state';
import type { UpstreamAnswer, UpstreamLink } from './grant-upstreams';
import { planModernHold, type ModernHoldOutcome } from './holds';
import { readFilter, runListen } from './listen';
import { MODERN_PROTOCOL_VERSIONS } from './era';
import { completeResult, envelopeOf, forLegacyUpstream, inputRequiredResult, isObject, retryOf } from './wire';

/** What an upstream may say about a request while it runs that the client hears (on its stream). */
const RELAYED = new Set(['notifications/progress', 'notifications/message']);

/** Methods a 2026-era client may send that the gateway forwards (after policy) to the target's server. */
const FORWARDED = new Set(['tools/list', 'tools/call', 'resources/list', 'resources/templates/list', 'resources/read', 'prompts/list', 'prompts/get', 'completion/complete']);

export interface ExchangeDeps {
  target: TargetConfig;
  grant: GrantRecord;
  masker: ResponseMasker;
  recorder: GatewayRecorder;
  /** Masking plans the grant's recording session already holds, kept by the endpoint across requests (masking-plans.ts). */
  plans: RecordedPlans;
  state: GrantState;
  upstream(): Promise<UpstreamLink>;
  reviewer?: CommandReviewer;
  board?: DecisionBoard;
  upstreamTimeoutMs: number;
  log: Logger;
  /** A refusal the gateway answered in-band (policy, holds), for the grant's refusal count. */
  onRefused?(code: number, message: string): void;
  /** The request's HTTP answer: its notifications go there (masked) while it runs; it says when the client gave up. */
  stream?: Pick<AnswerStream, 'notify' | 'open' | 'cancelled'>;
  /** Aborts when the grant ends or the gateway stops: what ends a `subscriptions/listen` stream. */
  ended?: AbortSignal;
  /** Input rounds of a 2025-era upstream are noted here, so a retry reaching another replica is relayed to this one (remote-rounds.ts). */
  rounds?: { replica: string; note(requestState: string): Promise<void> };
  /** The replica the client called, when it relayed this retry here (this one holds its input round). */
  via?: string;
}

export type JsonRpcAnswer = { jsonrpc: '2.0'; id: RequestId; result: Record<string, unknown> } | { jsonrpc: '2.0'; id: RequestId; error: { code: number; message: string; data?: unknown } };

/**
 * One 2026-era request through the checkpoint, start to answer: the same decisions as a 2025
 * session (decisions.ts: policy, holds, row limits, masking) and the same recording, keyed by
 * grant instead of by session. Nothing is kept in the process between requests but the
 * upstream link; holds and the recording's session are in Redis (GrantState).
 */
export class ModernExchange {
  private readonly sessionId: string;
  /** Notifications on their way to the client, in order; the answer waits for them. */
  private relaying: Promise<void> = Promise.resolve();
  /** What masking found in the notifications relayed so far (it goes into the answer's record). */
  private readonly relayedReports: MaskSummary[] = [];

  constructor(private readonly deps: ExchangeDeps) {
    this.sessionId = GrantState.recordingSession(deps.grant.grantId);
  }

  async answer(raw: JSONRPCRequest): Promise<JsonRpcAnswer> {
    const startedAt = performance.now();
    const envelope = envelopeOf(raw);
    const { grant, target } = this.deps;
    // The recording's one session for this grant, started by whichever replica came first.
    await this.deps.state.startRecordingOnce(grant, () => this.deps.recorder.sessionStart(grant.requestId, {
      sessionId: this.sessionId, grantId: grant.grantId, subject: grant.subject, target: target.name, transport: 'streamable-http',
      ...(envelope.client ? { client: envelope.client } : {}),
    })).catch((error: unknown) => {
      throw new GatewayError(GatewayErrorCode.Unavailable, `the request was refused: the session recording did not take its start, and nothing is forwarded without a record (${(error as Error).message})`, 503, {}, raw.id);
    });
    if (raw.method === 'server/discover') return this.discover(raw, startedAt);
    if (raw.method === 'subscriptions/listen') return this.listen(raw, startedAt);
    if (!FORWARDED.has(raw.method)) {
      const message = `method ${raw.method} is not one the gateway serves in the ${MODERN_PROTOCOL_VERSIONS.join(', ')} revision (server/discover, subscriptions/listen, ${[...FORWARDED].join(', ')})`;
      return this.refuse(raw, startedAt, GatewayErrorCode.MethodNotFound, message, 'denied', true);
    }
    const request = forLegacyUpstream(raw);
    const params = (request.params ?? {}) as Record<string, unknown>;
    let maskedArguments: RequestFacts['maskedArguments'];
    if (request.method === 'tools/call' && isObject(params.arguments)) {
      const masked = await this.mask(params.arguments, { target: target.name, part: 'arguments', method: request.method, ...(typeof params.name === 'string' ? { tool: params.name } : {}) });
      maskedArguments = masked ? { value: masked.masked, report: masked.report } : 'failed';
    }
    const phiCatalog = request.method === 'tools/call' ? await this.deps.masker.phiCatalog?.() : undefined;
    const outcome = decideRequest({
      target, sessionId: this.sessionId, request, idInUse: false, commandId: newCommandId, startedAt,
      ...(maskedArguments !== undefined ? { maskedArguments } : {}),
      ...(phiCatalog ? { phiCatalog } : {}),
    });
    let hold: Awaited<ReturnType<typeof planModernHold>> | undefined;
    if (outcome.kind === 'hold') {
      hold = await planModernHold({
        target, grant, state: this.deps.state,
        ...(this.deps.reviewer ? { reviewer: this.deps.reviewer } : {}),
        ...(this.deps.board ? { board: this.deps.board } : {}),
        maskSummary: async (text) => {
          const masked = await this.mask(text, maskContextFor(target.name, outcome.call, 'summary'));
          return masked ? String(masked.masked) : undefined;
        },
      }, { call: outcome.call, ruling: outcome.ruling, commandId: outcome.commandId, envelope, retry: retryOf(raw) });
      if (hold.commandId) outcome.entry.commandId = hold.commandId;
      if (hold.kind === 'refuse') outcome.entry.verdict = 'deny';
      if (hold.kind !== 'refuse' || hold.commandId) outcome.entry.reason = `${outcome.entry.reason ?? ''}; ${holdNote(hold)}`;
    }
    if (this.deps.via) outcome.entry.reason = `${outcome.entry.reason ? `${outcome.entry.reason}; ` : ''}received by gateway replica ${this.deps.via}, which passed it to this one (${this.deps.rounds?.replica ?? 'this gateway'}) that holds its input round`;
    const unknownRound = outcome.kind === 'forward' ? await this.unknownRound(raw) : undefined;
    if (unknownRound) {
      outcome.entry.verdict = 'deny';
      outcome.entry.reason = unknownRound;
    }
    await this.record(raw.id, () => this.deps.recorder.request(grant.requestId, outcome.entry));
    if (unknownRound) return this.refuse(raw, startedAt, GatewayErrorCode.InvalidParams, unknownRound, 'denied');
    if (outcome.kind === 'refuse') return this.refuse(raw, startedAt, outcome.refusal.code, outcome.refusal.message, outcome.outcome);
    if (hold?.kind === 'refuse') return this.refuse(raw, startedAt, hold.code, hold.message, 'denied');
    if (hold?.kind === 'answer') {
      // Recorded as the approval's answer (denied: nothing ran), its summary masked already (holds.ts).
      return this.respond(raw, outcome.call, { result: hold.result }, undefined, 'denied');
    }
    // An approved command (its run, or the client's answer to its upstream's input round) runs as that command.
    const held = hold?.kind === 'run' ? { commandId: hold.commandId } : hold?.kind === 'continue' ? { commandId: hold.commandId, continues: true, ...(hold.upstreamState !== undefined ? { upstreamState: hold.upstreamState } : {}) } : undefined;
    return this.forward(raw, request, outcome.call, held);
  }

  /**
   * A retry naming an input round of a 2025-era upstream (not one of the gateway's holds) that no
   * call of this grant waits on here: refused before anything is forwarded, as denied. A retry
   * whose round another replica holds was relayed there (endpoint.ts), so this is a state used
   * already, expired, of another grant (each grant has its own upstream link), or made up.
   */
  private async unknownRound(raw: JSONRPCRequest): Promise<string | undefined> {
    const { requestState } = retryOf(raw);
    if (requestState === undefined || GrantState.isHoldState(requestState) || GrantState.isRoundState(requestState)) return undefined;
    let link: UpstreamLink;
    try {
      link = await this.deps.upstream();
    } catch {
      return undefined; // forward() says why the upstream is not there
    }
    if (link.era !== 'legacy' || link.hasRound(requestState)) return undefined;
    return `requestState names no input round of grant ${this.deps.grant.grantId} on any gateway replica (it was answered already, expired, belongs to another grant, or was never handed out); nothing was forwarded. Send the request again without it`;
  }

  /**
   * subscriptions/listen: recorded like a request (its filter masked), then a stream until the
   * client closes it or the grant ends (listen.ts). Only for a client that takes a stream.
   */
  private async listen(raw: JSONRPCRequest, startedAt: number): Promise<JsonRpcAnswer> {
    const filter = readFilter(raw.params);
    if (typeof filter === 'string') return this.refuse(raw, startedAt, GatewayErrorCode.InvalidParams, filter, 'error', true);
    const { stream, ended } = this.deps;
    if (!stream?.open || !ended) {
      return this.refuse(raw, startedAt, GatewayErrorCode.InvalidRequest, 'subscriptions/listen is answered with a stream of notifications: send it with Accept: text/event-stream', 'error', true);
    }
    const masked = await this.mask({ notifications: filter }, { target: this.deps.target.name, part: 'arguments', method: raw.method });
    if (!masked) return this.refuse(raw, startedAt, GatewayErrorCode.Withheld, 'the subscription could not be checked for PHI, so it was not opened', 'withheld', true);
    await this.record(raw.id, () => this.deps.recorder.request(this.deps.grant.requestId, {
      sessionId: this.sessionId, messageId: raw.id, method: raw.method, verdict: 'allow', arguments: masked.masked, masked: maskedEntries(masked.report),
    }));
    let link: UpstreamLink;
    try {
      link = await this.deps.upstream();
    } catch (error) {
      const e = error instanceof GatewayError ? error : new GatewayError(GatewayErrorCode.UpstreamFailed, `the upstream MCP server for ${this.deps.target.name} could not be started; try again or tell an operator`, 502);
      return this.refuse(raw, startedAt, e.code, e.message, 'error');
    }
    return runListen({
      target: this.deps.target, grant: this.deps.grant, recorder: this.deps.recorder, log: this.deps.log, sessionId: this.sessionId,
      link, stream, ended, timeoutMs: this.deps.upstreamTimeoutMs,
      mask: (value, context) => this.mask(value, context),
      since: () => this.since(startedAt),
    }, raw, filter);
  }

  /** server/discover: the gateway's versions, and the upstream's capabilities as far as the gateway serves them. */
  private async discover(request: JSONRPCRequest, startedAt: number): Promise<JsonRpcAnswer> {
    await this.record(request.id, () => this.deps.recorder.request(this.deps.grant.requestId, { sessionId: this.sessionId, messageId: request.id, method: request.method, verdict: 'allow', masked: [] }));
    const link = await this.deps.upstream();
    const call: ForwardedCall = Object.freeze({ id: request.id, method: 'initialize', startedAt });
    // Masked as an initialize result: the server wrote its instructions and names (mcp-structure.ts knows the rest).
    const masked = await this.mask(link.initialized, maskContextFor(this.deps.target.name, call, 'result', this.sessionId));
    if (!masked) return this.refuse(request, startedAt, GatewayErrorCode.Withheld, 'the response was withheld: PHI masking failed on it (nothing was returned unmasked)', 'withheld');
    const upstream = masked.masked;
    const capabilities = isObject(upstream.capabilities) ? upstream.capabilities : {};
    // What subscriptions/listen can carry (listen.ts): the upstream's own change notifications, as it announces them.
    const flag = (k: string, f: string) => (capabilities[k] as Record<string, unknown>)[f] === true;
    const served = Object.fromEntries(['tools', 'resources', 'prompts', 'completions']
      .filter((k) => isObject(capabilities[k]))
      .map((k) => [k, k === 'completions' ? {} : { listChanged: flag(k, 'listChanged'), ...(k === 'resources' ? { subscribe: flag(k, 'subscribe') } : {}) }]));
    const result = {
      supportedVersions: [...MODERN_PROTOCOL_VERSIONS],
      capabilities: served,
      ...(typeof upstream.instructions === 'string' ? { instructions: upstream.instructions } : {}),
    };
    return this.respond(request, { ...call, method: request.method }, { result }, masked.report);
  }

  private async forward(raw: JSONRPCRequest, request: JSONRPCRequest, call: ForwardedCall, held?: { commandId: string; continues?: boolean; upstreamState?: string }): Promise<JsonRpcAnswer> {
    const stream = this.deps.stream;
    let answer: UpstreamAnswer;
    let era: UpstreamLink['era'];
    try {
      const link = await this.deps.upstream();
      era = link.era;
      // The client left while the gateway decided: nothing is forwarded.
      if (stream?.cancelled.aborted) return this.cancelled(raw, call, false);
      // A retry of the upstream's own input round (not a gateway hold: those are answered before) goes back to it.
      const { requestState, inputResponses } = retryOf(raw);
      // An approved command's round carries the upstream's state the gateway kept for it (gh2.); a gateway state never reaches the upstream.
      const upstreamState = held?.continues ? held.upstreamState : requestState;
      const retry = upstreamState !== undefined && !GrantState.isHoldState(upstreamState) && !GrantState.isRoundState(upstreamState) ? { requestState: upstreamState, ...(inputResponses ? { inputResponses } : {}) } : undefined;
      // A 2026 upstream hears what the client said of itself on this request; a 2025 one heard the gateway's at initialize.
      const envelope = envelopeOf(raw);
      // Log lines are asked for only when the client can hear them (it takes a stream and named a level).
      const logLevel = stream?.open ? envelope.logLevel : undefined;
      answer = await link.call(request.method, request.params as Record<string, unknown> | undefined, {
        timeoutMs: this.deps.upstreamTimeoutMs,
        envelope: { clientCapabilities: envelope.capabilities, ...(envelope.client ? { clientInfo: { version: '', ...envelope.client } } : {}), ...(logLevel ? { logLevel } : {}) },
        ...(retry ? { retry } : {}),
        ...(stream ? { signal: stream.cancelled, onNotification: (n: JSONRPCNotification) => this.relay(n) } : {}),
      });
    } catch (error) {
      const e = error instanceof GatewayError ? error : new GatewayError(GatewayErrorCode.UpstreamFailed, `the upstream MCP server for ${this.deps.target.name} could not be started; try again or tell an operator`, 502);
      if (!(error instanceof GatewayError)) this.deps.log.error({ target: this.deps.target.name, err: (error as Error).message }, 'upstream did not start');
      return this.refuse(request, call.startedAt, e.code, e.message, 'error');
    }
    await this.relaying;
    if (stream?.cancelled.aborted && 'error' in answer && answer.error.code === REQUEST_CANCELLED) return this.cancelled(raw, call, true);
    if ('inputRequired' in answer) {
      // The upstream asks the client something (elicitation, sampling, roots): a person reads it, so it is masked and recorded like a result.
      // Entries, then fromEntries: an input request the upstream keyed `__proto__` stays a member (assigned, it set the copy's prototype and was lost).
      const asked: [string, { method: string; params?: Record<string, unknown> }][] = [];
      const reports: MaskSummary[] = [];
      for (const [key, input] of Object.entries(answer.inputRequired.inputRequests ?? {})) {
        // Each as the server request it stands for (mcp-structure.ts knows their fields).
        const masked = input.params ? await this.mask(input.params, { target: this.deps.target.name, part: 'notification', method: input.method }) : { masked: undefined, report: undefined };
        if (!masked) return this.refuse(request, call.startedAt, GatewayErrorCode.Withheld, 'the upstream asked for input that could not be checked for PHI; it was not shown', 'withheld');
        // Always with params: a server may send roots/list without any (2025 allows it), and a client
        // may not decode an input request without them (the Go SDK v1.8 fails the call: 'unexpected end of JSON input').
        asked.push([key, { method: input.method, params: masked.masked ?? {} }]);
        if (masked.report) reports.push(masked.report);
      }
      // An approved command's round is the gateway's to carry on (gh2.: this grant, this exact call, once), so
      // the client's answer continues that run instead of asking for a new approval.
      const state = held
        ? await this.deps.state.putRound({
          grantId: this.deps.grant.grantId, commandId: held.commandId, tool: call.tool ?? '',
          fingerprint: callFingerprint({ grantId: this.deps.grant.grantId, tool: call.tool ?? '', arguments: call.arguments ?? {} }),
          ...(answer.inputRequired.requestState !== undefined ? { upstreamState: answer.inputRequired.requestState } : {}),
        }, this.deps.grant)
        : answer.inputRequired.requestState ?? '';
      // A 2025-era upstream's round waits in this process: noted, so a retry reaching another replica is relayed here.
      if (era === 'legacy' && this.deps.rounds) {
        await this.deps.rounds.note(state).catch((error: unknown) => this.deps.log.warn({ err: (error as Error).message }, 'could not note an input round for other replicas; only this one can take its answer'));
      }
      return this.respond(raw, call, { result: inputRequiredResult(Object.fromEntries(asked), state) }, mergeSummaries(...reports));
    }
    if ('error' in answer) {
      const masked = await this.mask(answer.error, maskContextFor(this.deps.target.name, call, 'result', this.sessionId));
      return this.respond(raw, call, { error: masked?.masked ?? answer.error }, masked ? masked.report : 'failed');
    }
    const shaped = shapeResult(this.deps.target, call, answer.result);
    const masked = await this.mask(shaped.result, maskContextFor(this.deps.target.name, call, 'result', this.sessionId));
    const report: MaskSummary | 'failed' = masked ? mergeSummaries(masked.report, ...this.relayedReports) : 'failed';
    const result = masked ? masked.masked : shaped.result;
    return this.respond(raw, call, { result, ...(shaped.rows !== undefined ? { rows: shaped.rows } : {}) }, report, undefined, masked?.plan);
  }

  /**
   * The one way an answer leaves the exchange, as a 2025 session's does (session.ts recordAndSend):
   * decided from what masking reported (decisions.ts: withheld when masking failed, the masked
   * counts, the duration since the request), recorded, then returned. No record, no answer: the
   * answer is withheld, that withholding recorded if the recording takes it, and the client gets
   * 503 (the revision's HTTP status for "try again"; a 2025 session says it in-band). A 2025
   * session writes the record and its SSE event in one step (recorder.responseWith); a 2026-era
   * answer has no resumable event to write with it (the revision dropped SSE resumption).
   * `as` records a gateway answer that is not the upstream's (a hold's) under its own outcome.
   */
  private async respond(raw: JSONRPCRequest, call: ForwardedCall, answer: { result: Record<string, unknown>; rows?: number } | { error: { code: number; message: string; data?: unknown } }, masked: MaskSummary | 'failed' | undefined, as?: 'denied', plan?: MaskingPlanReport): Promise<JsonRpcAnswer> {
    const outcome = decideResponse({ sessionId: this.sessionId, call, durationMs: this.since(call.startedAt), answer, masked });
    if (outcome.kind === 'withhold') return this.refuse(raw, call.startedAt, outcome.refusal.code, outcome.refusal.message, 'withheld');
    try {
      // The answer names its masking plan; the first answer of a plan in the grant's session carries
      // the plan's entry, written just before it in the same step (masking-plans.ts).
      const named = plan ? { ...outcome.entry, maskingPlan: plan.digest } : outcome.entry;
      const entry = as ? { ...named, outcome: as } : named;
      await this.deps.plans.record(this.deps.grant.requestId, this.sessionId, plan, async (planEntry, bound) => {
        await this.deps.recorder.response(this.deps.grant.requestId, entry, planEntry, bound);
        return true;
      });
    } catch (error) {
      if (error instanceof MaskingPlanLimitError) {
        this.deps.log.warn({ bound: error.reached.kind, limit: error.limit, used: error.reached.used }, 'a grant\'s recording session reached its limit of masking plans; the answer is withheld');
        return this.refuse(raw, call.startedAt, GatewayErrorCode.Withheld, `the response was withheld: ${error.message}`, 'withheld');
      }
      this.deps.log.error({ err: (error as Error).message }, 'recording failed; the response is withheld');
      const message = `${WITHHELD_UNRECORDED} (${(error as Error).message})`;
      await this.refuse(raw, call.startedAt, GatewayErrorCode.Unavailable, message, 'withheld');
      throw new GatewayError(GatewayErrorCode.Unavailable, message, 503, {}, raw.id);
    }
    if ('error' in answer) {
      const { code, message, data } = answer.error;
      return { jsonrpc: '2.0', id: raw.id, error: { code, message, ...(data !== undefined ? { data } : {}) } };
    }
    // A result that asks for input is the revision's own shape already; every other one is complete.
    const result = answer.result.resultType === 'input_required' ? answer.result : completeResult(raw.method, answer.result);
    return { jsonrpc: '2.0', id: raw.id, result };
  }

  /**
   * A notification of the running request (progress, a log line) to the client's stream, masked
   * like a result: a server puts patients in what it says while it works. One that cannot be
   * masked is dropped, never passed on; a client that takes JSON only hears none.
   */
  private relay(notification: JSONRPCNotification): void {
    const stream = this.deps.stream;
    if (!stream?.open || !RELAYED.has(notification.method)) return;
    this.relaying = this.relaying.then(async () => {
      if (!notification.params) {
        stream.notify(notification);
        return;
      }
      const masked = await this.mask(notification.params, { target: this.deps.target.name, part: 'notification', method: notification.method });
      if (!masked) return;
      this.relayedReports.push(masked.report);
      stream.notify({ ...notification, params: masked.masked });
    }).catch((error: unknown) => this.deps.log.error({ err: (error as Error).message }, 'could not relay a notification; dropped'));
  }

  /**
   * The client gave up on the request (closed its stream, or sent notifications/cancelled): the
   * upstream call, if it was sent, was cancelled; the record says so. Nothing reaches the client.
   */
  private async cancelled(raw: JSONRPCRequest, call: ForwardedCall, forwarded: boolean): Promise<JsonRpcAnswer> {
    const reason = this.deps.stream?.cancelled.reason;
    const why = reason instanceof Error ? reason.message : 'the client cancelled the request';
    const message = `cancelled: ${why}; ${forwarded ? 'the upstream MCP server was told to stop (notifications/cancelled)' : 'nothing was forwarded'}`;
    return this.refuse(raw, call.startedAt, REQUEST_CANCELLED, message, 'error');
  }

  private mask<T>(value: T, context: MaskContext): Promise<{ masked: T; report: MaskSummary; plan?: MaskingPlanReport } | undefined> {
    return maskOrWithhold(this.deps.masker, this.deps.log, value, context);
  }

  /** A recording write; when it fails the exchange stops with 503 (nothing forwarded, nothing returned unrecorded). */
  private async record(id: RequestId, write: () => Promise<unknown>, refusal = 'the request was refused: the session recording did not take it, and nothing is forwarded without a record'): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.deps.log.error({ err: (error as Error).message }, 'recording failed; refusing');
      throw new GatewayError(GatewayErrorCode.Unavailable, `${refusal} (${(error as Error).message})`, 503, {}, id);
    }
  }

  /** An in-band JSON-RPC error, recorded (best effort: it carries no data) and counted as a refusal when it is one. */
  private async refuse(request: JSONRPCRequest, startedAt: number, code: number, message: string, outcome: 'denied' | 'error' | 'withheld', recordRequestToo = false): Promise<JsonRpcAnswer> {
    if (recordRequestToo) {
      await this.deps.recorder.request(this.deps.grant.requestId, { sessionId: this.sessionId, messageId: request.id, method: request.method, verdict: 'deny', reason: message, masked: [] }).catch(() => undefined);
    }
    if (outcome === 'denied') this.deps.onRefused?.(code, message);
    await this.deps.recorder.response(this.deps.grant.requestId, { sessionId: this.sessionId, messageId: request.id, outcome, error: { code, message }, masked: [], durationMs: this.since(startedAt) })
      .catch((error: unknown) => this.deps.log.error({ err: (error as Error).message }, 'could not record a refusal'));
    return { jsonrpc: '2.0', id: request.id, error: { code, message } };
  }

  private since(startedAt: number): number {
    return Math.max(0, performance.now() - startedAt);
  }
}

const WITHHELD_UNRECORDED = 'the response was withheld: it could not be recorded';

/** How the recording's request entry names what became of a held call. */
function holdNote(hold: ModernHoldOutcome): string {
  switch (hold.kind) {
    case 'run': return `approved, runs once as ${hold.commandId}`;
    case 'continue': return `approved command ${hold.commandId} goes on with the client's answer to its input round`;
    case 'answer': return `${hold.note} as ${hold.commandId}`;
    case 'refuse': return hold.message;
  }
}
