import { randomUUID } from 'node:crypto';
import type { JSONRPCMessage, JSONRPCNotification, JSONRPCRequest, RequestId } from '@modelcontextprotocol/server';
import { newCommandId, type GrantRecord, type HeldCall, type Logger } from '../lib';
import type { TargetConfig } from '../policy';
import type { ToolCallRuling } from './command-policy';
import { decideRequest, decideResponse, maskContextFor, shapeResult, type ForwardedCall, type RequestFacts } from './decisions';
import { GatewayErrorCode, jsonRpcError } from './errors';
import { maskOrWithhold, maskedEntries, type MaskContext, type MaskingPlanReport, type MaskSummary, type ResponseMasker } from './masking';
import { MaskingPlanLimitError, planBounds, RecordedPlans } from './masking-plans';
import { heldCallOf, recallHeld, submitHold, useDecision, withdrawHold } from './held-calls';
import { deniedResult, deniedText, heldResult, type AnnouncedDecision, type CommandReviewer, type DecisionBoard, type DecisionWaiter } from './held-commands';
import type { RedisEventStore } from './event-store';
import type { MaskingPlanBound } from '../audit';
import type { GatewayRecorder, MaskingPlanEntry, RequestEntry, ResponseEntry, SessionEndEntry } from './recording';
import { openUpstream, type UpstreamHandle } from './upstream';
import { upstreamTransportErrors } from './upstream-answer-bound';
import { reinitializeUpstream, type ResumedSession } from './session-resume';
import { ClientTransport } from './client-transport';
import { isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResultResponse } from './message-text';

export interface SessionLimits {
  /** How long the gateway waits for the upstream's answer before it answers with an error. */
  upstreamTimeoutMs: number;
  /** How often a held command tells the client it is still waiting. */
  holdProgressIntervalMs: number;
  /** Distinct masking plans the session may record (masking-plans.ts; default MASKING_PLANS_PER_SESSION). */
  maskingPlansPerSession?: number;
  /** Bytes of masking plans the session may record (default MASKING_PLAN_BYTES_PER_SESSION). */
  maskingPlanBytesPerSession?: number;
}

export interface SessionDeps {
  target: TargetConfig;
  grant: GrantRecord;
  tokenHash: string;
  masker: ResponseMasker;
  recorder: GatewayRecorder;
  /**
   * The grant record's Redis key (GrantStore.activeKey): when set, every client request's entry is
   * written only while it exists (`recorder.requestWhile`), so the entry before forwarding is itself
   * a grant check that no revocation can slip past.
   */
  grantKey?: string;
  reviewer?: CommandReviewer;
  /** Where decisions on held commands arrive (Redis); without it, held commands are refused. */
  decisions?: { board: DecisionBoard; waiter: DecisionWaiter };
  /** Held calls of one grant waiting in this gateway: take a slot before holding (false = at the limit). */
  holdSlots: { take(grantId: string, max: number): boolean; release(grantId: string): void };
  limits: SessionLimits;
  log: Logger;
  onInitialized(session: GatewaySession): void;
  onEnded(session: GatewaySession): void;
  /** Where the client-facing SSE events are kept for Last-Event-ID (Redis); without it, streams carry no ids. */
  eventStore?: RedisEventStore;
  /** A request this session refused (policy, too many holds, id in use), for the grant's refusal count. */
  onRefused?(code: number, message: string, kind?: 'id_in_use'): void;
  /** A session another gateway process began, carried on here (session-resume.ts): no initialize comes from the client. */
  resumed?: ResumedSession;
}

/** A request id the session has taken: being decided, held for an approver, or forwarded. */
interface Pending {
  state: 'deciding' | 'held' | 'forwarded';
  startedAt: number;
  /** What the gateway forwarded (or will, once approved): fixed, the client cannot change it. */
  call?: ForwardedCall;
  commandId?: string;
  timer?: NodeJS.Timeout;
  /** A held call the client waits on: aborting withdraws it. */
  withdraw?: AbortController;
}

type EndReason = SessionEndEntry['reason'];

/**
 * One client session through the gateway: the client side is a Streamable HTTP transport, the
 * upstream side a stdio or HTTP client transport. Messages pass between them through the
 * checkpoint: policy on requests, row limits and masking on results, a recording of both.
 * Message ids pass through unchanged: client and upstream ids live in separate directions.
 */
export class GatewaySession {
  readonly transport: ClientTransport;
  readonly grant: GrantRecord;
  readonly tokenHash: string;
  readonly createdAt = Date.now();
  /** When the client last sent an HTTP request on this session (the gateway ends idle sessions). */
  lastActivity = Date.now();
  /** `resumable`: this gateway let the session go (it stopped, or another took the session over); its events stay for the next holder. */
  ended?: { reason: EndReason; detail: string; at: string; resumable?: boolean };
  private upstream?: UpstreamHandle;
  private readonly pending = new Map<RequestId, Pending>();
  /** Ids the gateway let through for a POST the transport is delivering. */
  private readonly claimed = new Set<RequestId>();
  private readonly progressOwners = new Map<string | number, RequestId>();
  private readonly holds = new Set<NodeJS.Timeout>();
  /** Requests the upstream asked of the client (elicitation, sampling, roots) still unanswered: their answers are recorded. */
  private readonly asked = new Set<RequestId>();
  /** Masking plans this session's recording already holds (masking-plans.ts). */
  private readonly plans: RecordedPlans;
  private expiryTimer?: NodeJS.Timeout;
  private started = false;

  constructor(private readonly deps: SessionDeps) {
    this.grant = { ...deps.grant };
    this.tokenHash = deps.tokenHash;
    this.plans = new RecordedPlans({ sessions: 1, ...planBounds(deps.limits) });
    this.transport = new ClientTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: () => deps.onInitialized(this),
      onsessionclosed: () => this.end('closed', 'the client ended the session (DELETE)'),
      ...(deps.eventStore ? { eventStore: deps.eventStore } : {}),
    });
    this.transport.onmessage = (message) => this.fromClient(message);
    this.transport.onerror = (error) => deps.log.debug({ err: error.message }, 'client transport error');
    if (deps.resumed) this.transport.adopt(deps.resumed.sessionId);
    this.scheduleExpiry(deps.grant.expiresAt);
  }

  get sessionId(): string | undefined {
    return this.transport.sessionId;
  }

  get target(): string {
    return this.deps.target.name;
  }

  /** Client requests not answered yet (forwarded, or held for an approver). */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Process id of a stdio upstream; null for HTTP upstreams or before start. */
  upstreamPid(): number | null {
    return this.upstream?.pid() ?? null;
  }

  /** Starts the upstream with the grant's credential; it is held nowhere else in the session. */
  async startUpstream(credential: string | undefined): Promise<void> {
    const handle = openUpstream(this.deps.target, this.grant, credential, (chunk) => this.deps.log.debug({ target: this.target, bytes: chunk.length }, 'upstream stderr'));
    this.upstream = handle;
    handle.transport.onerror = upstreamTransportErrors(this.deps.log, this.target);
    handle.transport.onclose = () => {
      if (!this.ended) void this.end('error', handle.endedBecause?.() ?? 'the upstream MCP server closed the connection');
    };
    // The reconnection delay an HTTP upstream asks for (SSE retry:) is what this session's client is asked for too.
    handle.onRetry((ms) => (this.transport.retryInterval = ms));
    if (this.deps.resumed) {
      // A re-opened upstream learns the session as the client began it, before any message of the client's reaches it.
      await handle.transport.start();
      await reinitializeUpstream(handle.transport, this.deps.resumed.initialize, this.deps.limits.upstreamTimeoutMs);
      handle.transport.onmessage = (message) => this.fromUpstream(message);
    } else {
      handle.transport.onmessage = (message) => this.fromUpstream(message);
      await handle.transport.start();
    }
    this.started = true;
  }

  /** Keeps the session's end in step with the grant (extensions move it). */
  refreshGrant(grant: GrantRecord): void {
    if (grant.expiresAt !== this.grant.expiresAt) {
      this.grant.expiresAt = grant.expiresAt;
      this.scheduleExpiry(grant.expiresAt);
    }
  }

  /**
   * Ends the session: pending calls are answered, the recording is closed, the upstream is stopped. Idempotent.
   * `resumable`: only this gateway's part ends (it stops, or another gateway took the session over); the
   * session's events stay in Redis, and the client may carry on elsewhere.
   */
  async end(reason: EndReason, detail: string, resumable = false): Promise<void> {
    if (this.ended) return;
    this.ended = { reason, detail, at: new Date().toISOString(), ...(resumable ? { resumable } : {}) };
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.holds.forEach((t) => clearInterval(t));
    const code = reason === 'closed' ? GatewayErrorCode.SessionEnded : reason === 'error' ? GatewayErrorCode.UpstreamFailed : GatewayErrorCode.SessionEnded;
    const pending = [...this.pending.entries()];
    this.pending.clear();
    // Held calls nobody will wait for any more: the workflow (and so Slack) hears of it before the
    // session is gone. A revoked or expired grant's workflow refuses its holds itself.
    const withdrawals = pending.filter(([, p]) => p.withdraw && p.commandId)
      .map(([, p]) => (reason === 'closed' || reason === 'error' ? this.withdraw(p, `withdrawn by the client: ${detail}`) : (p.withdraw!.abort(new Error(detail)), Promise.resolve())));
    await Promise.all(pending.map(async ([id, p]) => {
      if (p.timer) clearTimeout(p.timer);
      await this.sendToClient(jsonRpcError(id, code, `the session ended before the answer came: ${detail}`)).catch(() => undefined);
    }));
    this.killUpstream();
    if (!resumable) void this.deps.eventStore?.drop().catch(() => undefined);
    const sessionId = this.sessionId;
    const closing = [
      ...withdrawals,
      this.transport.close().catch(() => undefined),
      this.upstream?.transport.close().catch(() => undefined),
    ];
    if (sessionId) {
      closing.push(this.deps.recorder.sessionEnd(this.grant.requestId, { sessionId, reason, detail }).then(
        () => undefined,
        (error: unknown) => {
          // A session that outlives its request (revoked or expired, recording sealed for the
          // archive) has no end to record: the archive's request end covers it. Not a failure.
          if ((error as { code?: unknown }).code === 'RECORDING_SEALED') this.deps.log.warn({ sessionId, reason }, 'the end of a session came after its request\'s recording was closed; not recorded');
          else this.deps.log.error({ sessionId, err: (error as Error).message }, 'could not record the end of a session');
        },
      ));
    }
    this.deps.onEnded(this);
    await Promise.all(closing);
  }

  private killUpstream(): void {
    const pid = this.upstream?.pid();
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }

  private scheduleExpiry(expiresAt: string): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const ms = Math.max(0, Date.parse(expiresAt) - Date.now());
    this.expiryTimer = setTimeout(() => void this.end('expired', `the grant ended at ${expiresAt}`), Math.min(ms, 2_147_483_647));
    this.expiryTimer.unref();
  }

  // ---- client -> upstream -------------------------------------------------------------------

  /**
   * Claims request ids for a POST before the transport sees it (synchronously, so two POSTs
   * racing with one id cannot both pass). Returns the first id already taken, claiming nothing then.
   */
  claimIds(ids: RequestId[]): RequestId | undefined {
    const taken = ids.find((id, i) => this.pending.has(id) || this.claimed.has(id) || ids.indexOf(id) !== i);
    if (taken !== undefined) return taken;
    ids.forEach((id) => this.claimed.add(id));
    return undefined;
  }

  /** Releases claims the transport never delivered (it refused the POST). */
  releaseIds(ids: RequestId[]): void {
    ids.forEach((id) => this.claimed.delete(id));
  }

  /** Records a request refused because its id is taken (the gateway refuses it before the transport). */
  async refuseReusedId(request: JSONRPCRequest): Promise<{ code: number; message: string }> {
    const startedAt = performance.now();
    const outcome = decideRequest({ target: this.deps.target, sessionId: this.sessionId ?? '', request, idInUse: true, commandId: '', startedAt });
    const refusal = outcome.kind === 'refuse' ? outcome.refusal : { code: GatewayErrorCode.InvalidRequest, message: 'request id in use' };
    await this.deps.recorder.request(this.grant.requestId, outcome.entry).catch((error: unknown) => this.deps.log.error({ err: (error as Error).message }, 'could not record a refused request'));
    await this.recordRefusal(request.id, startedAt, refusal.code, refusal.message, 'denied', 'no');
    return refusal;
  }

  private fromClient(message: JSONRPCMessage): void {
    if (this.ended) return;
    this.lastActivity = Date.now();
    if (isJSONRPCRequest(message)) {
      const startedAt = performance.now();
      // Decided now, in the same tick the message arrived: a second request with the same id can
      // never replace this one's entry (and with it the masking policy of its answer).
      const idInUse = !this.claimed.delete(message.id) && this.pending.has(message.id);
      if (!idInUse) this.pending.set(message.id, { state: 'deciding', startedAt });
      this.handleRequest(message, idInUse, startedAt).catch((error: unknown) => {
        this.deps.log.error({ err: (error as Error).message, method: message.method }, 'request failed in the gateway');
        if (!idInUse) this.forget(message.id);
        void this.sendToClient(jsonRpcError(message.id, GatewayErrorCode.Unavailable, 'the gateway could not process this request; nothing was forwarded'));
      });
      return;
    }
    // Notifications (initialized, cancelled, progress) and answers to the upstream's own requests.
    if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      const p = id !== undefined ? this.pending.get(id) : undefined;
      if (p?.withdraw) {
        // Held, never forwarded: the upstream has nothing to cancel; the workflow and Slack hear of it.
        this.forget(id!);
        void this.withdraw(p, 'withdrawn by the client (it cancelled the call)');
        return;
      }
      if (id !== undefined) this.forget(id);
    }
    if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id !== undefined && this.asked.delete(message.id)) {
      void this.answerUpstream(message);
      return;
    }
    void this.sendUpstream(message);
  }

  /**
   * The client's answer to what the upstream asked it (a person's elicitation answer, a sampling
   * result): recorded, masked, before it goes to the upstream; no record, no answer (the upstream
   * hears the gateway refused it).
   */
  private async answerUpstream(message: JSONRPCMessage & { id?: RequestId }): Promise<void> {
    const id = message.id!;
    const error = isJSONRPCErrorResponse(message) ? { code: message.error.code, message: String(message.error.message) } : undefined;
    const masked = error ? undefined : await this.mask((message as { result: unknown }).result, { target: this.target, part: 'arguments', method: 'response' });
    try {
      if (!error && !masked) throw new Error('the answer could not be masked for the recording');
      await this.deps.recorder.response(this.grant.requestId, {
        sessionId: this.sessionId ?? '', messageId: upstreamMessageId(id), outcome: error ? 'error' : 'ok',
        ...(error ? { error } : { result: masked!.masked }), masked: masked ? maskedEntries(masked.report) : [],
      });
    } catch (cause) {
      this.deps.log.error({ err: (cause as Error).message }, 'could not record the client\'s answer to the upstream; not sent');
      await this.sendUpstream(jsonRpcError(id, GatewayErrorCode.Unavailable, 'the gateway could not record the client\'s answer, so it was not passed on'));
      return;
    }
    await this.sendUpstream(message);
  }

  private async handleRequest(request: JSONRPCRequest, idInUse: boolean, startedAt: number): Promise<void> {
    const sessionId = this.sessionId ?? '';
    const params = (request.params ?? {}) as Record<string, unknown>;
    if (request.method === 'initialize' && !idInUse) {
      const clientInfo = params.clientInfo as { name?: unknown; version?: unknown } | undefined;
      const ok = await this.record(request.id, () => this.deps.recorder.sessionStart(this.grant.requestId, {
        sessionId, grantId: this.grant.grantId, subject: this.grant.subject, target: this.target, transport: 'streamable-http',
        ...(clientInfo && typeof clientInfo.name === 'string'
          ? { client: { name: clientInfo.name, ...(typeof clientInfo.version === 'string' ? { version: clientInfo.version } : {}) } }
          : {}),
      }));
      if (!ok) return;
    }
    let maskedArguments: RequestFacts['maskedArguments'];
    if (!idInUse && request.method === 'tools/call' && params.arguments && typeof params.arguments === 'object' && !Array.isArray(params.arguments)) {
      const masked = await this.mask(params.arguments as Record<string, unknown>, { target: this.target, part: 'arguments', method: request.method, ...(typeof params.name === 'string' ? { tool: params.name } : {}) });
      maskedArguments = masked ? { value: masked.masked, report: masked.report } : 'failed';
    }
    // The catalog lineage masking uses also judges PHI in predicates (a Redis read: it fails closed like masking).
    const phiCatalog = request.method === 'tools/call' && !idInUse ? await this.deps.masker.phiCatalog?.() : undefined;
    const outcome = decideRequest({
      target: this.deps.target, sessionId, request, idInUse, commandId: newCommandId, startedAt,
      ...(maskedArguments !== undefined ? { maskedArguments } : {}),
      ...(phiCatalog ? { phiCatalog } : {}),
    });
    let plan: HoldPlan | undefined;
    if (outcome.kind === 'hold') {
      plan = await this.planHold(outcome.call, outcome.commandId);
      outcome.entry.commandId = plan.commandId;
      if (plan.kind !== 'new') outcome.entry.reason = `${outcome.entry.reason ?? ''}; the same call is held as ${plan.commandId} (${plan.kind === 'run' ? `approved by ${plan.decision.decidedBy}` : plan.kind === 'denied' ? `denied by ${plan.decision.decidedBy}` : 'still waiting'})`;
    }
    const recorded = await this.record(request.id, () => this.recordRequest(outcome.entry), undefined, undefined, !idInUse);
    if (!recorded) return;
    if (outcome.kind === 'refuse') {
      if (idInUse) {
        // The id belongs to the request already pending: answer this one without touching that one.
        await this.recordRefusal(request.id, startedAt, outcome.refusal.code, outcome.refusal.message, outcome.outcome, 'id_in_use');
        await this.sendToClient(jsonRpcError(request.id, outcome.refusal.code, outcome.refusal.message));
        return;
      }
      await this.refuse(request.id, startedAt, outcome.refusal.code, outcome.refusal.message, outcome.outcome);
      return;
    }
    if (outcome.kind === 'hold' && plan) {
      const go = await this.hold(request, outcome.call, outcome.ruling, plan);
      if (!go) return;
    }
    this.forward(request, outcome.call);
  }

  /**
   * Whether this exact call (grant, tool, arguments) is held already: approved and unused (it
   * runs now, once), denied (answered with who and why), still waiting (no second hold), or new.
   */
  private async planHold(call: ForwardedCall, commandId: string): Promise<HoldPlan> {
    const board = this.deps.decisions?.board;
    if (!board) return { kind: 'new', commandId };
    const recalled = await recallHeld(board, this.heldCall(call));
    if (recalled.kind === 'new') return { kind: 'new', commandId };
    if (recalled.kind === 'waiting') return { kind: 'attach', commandId: recalled.commandId };
    return recalled;
  }

  private heldCall(call: ForwardedCall): HeldCall {
    return heldCallOf(this.grant.grantId, call);
  }

  /**
   * Carries out a hold. Without a progress token the client cannot wait: it is answered at once
   * with a tool result saying where and by when the command is decided. With one, it waits for
   * the decision (announced through Redis) with progress notifications. True = run it now.
   */
  private async hold(request: JSONRPCRequest, call: ForwardedCall, ruling: ToolCallRuling, plan: HoldPlan): Promise<boolean> {
    const startedAt = call.startedAt;
    const { commandId } = plan;
    if (plan.kind === 'run') return true;
    if (plan.kind === 'denied') {
      if (call.progressToken === undefined) {
        await this.answerWith(request.id, startedAt, deniedResult(plan.decision));
      } else {
        await this.refuse(request.id, startedAt, GatewayErrorCode.DeniedByApprover, deniedText(plan.decision));
      }
      return false;
    }
    const reviewer = this.deps.reviewer;
    const decisions = this.deps.decisions;
    if (!reviewer || !decisions) {
      await this.refuse(request.id, startedAt, GatewayErrorCode.DeniedByPolicy, `held for approval (${ruling.reason}), but this gateway has no connection to the access workflow; ask an operator to configure TEMPORAL_ADDRESS`);
      return false;
    }
    const max = this.deps.target.commands.maxHeld ?? 3;
    if (!this.deps.holdSlots.take(this.grant.grantId, max)) {
      await this.refuse(request.id, startedAt, GatewayErrorCode.TooManyHolds,
        `grant ${this.grant.grantId} already has ${max} held commands waiting for an approver (at most ${max} on ${this.target}); wait for a decision, or cancel a waiting call, before sending another command that needs approval`);
      return false;
    }
    let waiting: Pending | undefined;
    try {
      const heldCall = this.heldCall(call);
      const submitted = await submitHold({
        reviewer, board: decisions.board, grant: this.grant, call: heldCall, ruling, commandId,
        maskSummary: async (text) => {
          const summary = await this.mask(text, maskContextFor(this.target, call, 'summary'));
          return summary ? String(summary.masked) : undefined;
        },
      });
      if ('refusal' in submitted) {
        await this.refuse(request.id, startedAt, submitted.refusal.code, submitted.refusal.message);
        return false;
      }
      const { held } = submitted;
      if (call.progressToken === undefined) {
        await this.answerWith(request.id, startedAt, heldResult({ held, tool: ruling.tool, classes: ruling.classes, target: this.target, again: plan.kind === 'attach' }));
        return false;
      }
      if (this.ended || this.pending.get(request.id)?.state !== 'deciding') return false;
      waiting = { state: 'held', startedAt, call, commandId, withdraw: new AbortController() };
      this.pending.set(request.id, waiting);
      const decision = await this.waitForDecision(request, call, ruling, waiting);
      if (!decision || this.ended || this.pending.get(request.id) !== waiting) return false;
      const used = await useDecision(decisions.board, heldCall, commandId, decision);
      if (used === 'run') return true;
      if (used === 'used') {
        await this.refuse(request.id, startedAt, GatewayErrorCode.DeniedByApprover, `command ${commandId} was approved, but that approval was already used by an identical call; it runs once`);
        return false;
      }
      if (used === 'expired') {
        await this.refuse(request.id, startedAt, GatewayErrorCode.DeniedByApprover, `command ${commandId} was approved by ${decision.decidedBy}, but the approval was valid until ${decision.validUntil}; it was not run. Send the command again to have it held anew`);
        return false;
      }
      const [code, text] = refusalOf(decision);
      await this.refuse(request.id, startedAt, code, text);
      return false;
    } finally {
      this.deps.holdSlots.release(this.grant.grantId);
    }
  }

  /** Progress notifications until the decision arrives; undefined when the client withdrew. */
  private async waitForDecision(request: JSONRPCRequest, call: ForwardedCall, ruling: ToolCallRuling, waiting: Pending): Promise<AnnouncedDecision | undefined> {
    const progressToken = call.progressToken!;
    let tick = 0;
    const notify = () => {
      tick += 1;
      const waited = Math.round((performance.now() - call.startedAt) / 1000);
      const text = `held for approval (${ruling.classes.join(', ')}): waiting for an approver in the request's Slack thread, ${waited}s so far (command ${waiting.commandId})`;
      const note: JSONRPCNotification = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, progress: tick, message: text } };
      void this.transport.send(note, { relatedRequestId: request.id }).catch(() => undefined);
    };
    notify();
    const timer = setInterval(notify, this.deps.limits.holdProgressIntervalMs);
    this.holds.add(timer);
    try {
      return await this.deps.decisions!.waiter.wait(waiting.commandId!, waiting.withdraw!.signal);
    } catch {
      return undefined;
    } finally {
      clearInterval(timer);
      this.holds.delete(timer);
    }
  }

  /** The client gave up on a held call (cancel, DELETE): the workflow records it, Slack says so. */
  private async withdraw(p: Pending, reason: string): Promise<void> {
    if (!p.withdraw || !p.commandId || p.withdraw.signal.aborted) return;
    p.withdraw.abort(new Error(reason));
    await withdrawHold(this.deps.reviewer, this.deps.decisions?.board, this.grant, p.call ? this.heldCall(p.call) : undefined, p.commandId, reason).catch((error: unknown) => {
      this.deps.log.warn({ commandId: p.commandId, err: (error as Error).message }, 'could not withdraw a held command');
    });
  }

  /** Answers a request with a tool result the gateway made (a held or denied call), recorded first. */
  private async answerWith(id: RequestId, startedAt: number, result: Record<string, unknown>): Promise<void> {
    this.forget(id);
    await this.recorder().response(this.grant.requestId, {
      sessionId: this.sessionId ?? '', messageId: id, outcome: 'denied', result, masked: [], durationMs: Math.max(0, performance.now() - startedAt),
    }).catch((error: unknown) => this.deps.log.error({ err: (error as Error).message }, 'could not record a held answer'));
    await this.sendToClient({ jsonrpc: '2.0', id, result } as JSONRPCMessage);
  }

  private recorder(): GatewayRecorder {
    return this.deps.recorder;
  }

  private forward(request: JSONRPCRequest, call: ForwardedCall): void {
    const pending: Pending = { state: 'forwarded', startedAt: call.startedAt, call };
    pending.timer = setTimeout(() => {
      if (this.pending.get(request.id) !== pending) return;
      this.forget(request.id);
      void this.sendUpstream({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: request.id, reason: 'gateway timeout' } });
      void this.refuse(request.id, call.startedAt, GatewayErrorCode.UpstreamTimeout,
        `the upstream MCP server did not answer ${request.method} within ${this.deps.limits.upstreamTimeoutMs} ms`, 'error');
    }, this.deps.limits.upstreamTimeoutMs);
    pending.timer.unref();
    this.pending.set(request.id, pending);
    if (call.progressToken !== undefined) this.progressOwners.set(call.progressToken, request.id);
    void this.sendUpstream(request);
  }

  private forget(id: RequestId): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (p.timer) clearTimeout(p.timer);
    if (p.call?.progressToken !== undefined) this.progressOwners.delete(p.call.progressToken);
    this.pending.delete(id);
  }

  // ---- upstream -> client -------------------------------------------------------------------

  private fromUpstream(message: JSONRPCMessage): void {
    if (this.ended) return;
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      const id = message.id;
      if (id === undefined) return;
      const pending = this.pending.get(id);
      // Only an answer to what the gateway forwarded counts; anything else (answered already,
      // timed out, cancelled, still being decided) is dropped.
      if (!pending || pending.state !== 'forwarded' || !pending.call) return;
      const call = pending.call;
      this.forget(id);
      this.answer(message, call).catch((error: unknown) => {
        this.deps.log.error({ err: (error as Error).message }, 'could not return a response');
        void this.sendToClient(jsonRpcError(id, GatewayErrorCode.Withheld, 'the response was withheld: the gateway could not process it'));
      });
      return;
    }
    this.relay(message).catch((error: unknown) => this.deps.log.error({ err: (error as Error).message }, 'could not relay an upstream message'));
  }

  private async answer(message: JSONRPCMessage, call: ForwardedCall): Promise<void> {
    const sessionId = this.sessionId ?? '';
    const id = call.id;
    this.lastActivity = Date.now();
    const durationMs = Math.max(0, performance.now() - call.startedAt);
    if (isJSONRPCErrorResponse(message)) {
      const masked = await this.mask(message.error, maskContextFor(this.target, call, 'result', sessionId));
      const error = masked?.masked ?? message.error;
      const outcome = decideResponse({ sessionId, call, durationMs, answer: { error }, masked: masked ? masked.report : 'failed' });
      if (outcome.kind === 'withhold') {
        await this.refuse(id, call.startedAt, outcome.refusal.code, outcome.refusal.message, 'withheld');
        return;
      }
      await this.recordAndSend(id, outcome.entry, { jsonrpc: '2.0', id, error }, call.startedAt);
      // A session whose initialize failed is of no use to anyone: stop its upstream now.
      if (call.method === 'initialize') await this.end('error', `the upstream refused initialize: ${error.message}`);
      return;
    }
    if (!isJSONRPCResultResponse(message)) return;
    const shaped = shapeResult(this.deps.target, call, message.result as Record<string, unknown>);
    let result = shaped.result;
    // Every result is masked (listings and initialize too: mcp-structure.ts keeps their structure).
    const masked = await this.mask(result, maskContextFor(this.target, call, 'result', sessionId));
    if (masked) result = masked.masked;
    const report: MaskSummary | 'failed' = masked ? masked.report : 'failed';
    const outcome = decideResponse({ sessionId, call, durationMs, answer: { result, ...(shaped.rows !== undefined ? { rows: shaped.rows } : {}) }, masked: report });
    if (outcome.kind === 'withhold') {
      await this.refuse(id, call.startedAt, outcome.refusal.code, outcome.refusal.message, 'withheld');
      return;
    }
    // The answer names its masking plan; the first answer of a plan in this session carries the
    // plan's entry, written just before it in the same step (masking-plans.ts).
    const plan = masked?.plan;
    const entry = plan ? { ...outcome.entry, maskingPlan: plan.digest } : outcome.entry;
    const reply = { jsonrpc: '2.0', id, result } as JSONRPCMessage;
    try {
      await this.plans.record(this.grant.requestId, sessionId, plan, (planEntry, bound) => this.recordAndSend(id, entry, reply, call.startedAt, planEntry, bound));
    } catch (error) {
      if (!(error instanceof MaskingPlanLimitError)) throw error;
      this.deps.log.warn({ bound: error.reached.kind, limit: error.limit, used: error.reached.used }, 'a session reached its limit of masking plans; the answer is withheld');
      await this.refuse(id, call.startedAt, GatewayErrorCode.Withheld, `the response was withheld: ${error.message}`, 'withheld');
    }
  }

  /**
   * Records a response, then sends it: no record, no answer (it is withheld, and that refusal is
   * recorded if the recording takes it). With an event store the record and the SSE event that
   * carries the response are one atomic Redis write, made when the transport stores the event,
   * before it writes anything to the client.
   */
  private async recordAndSend(id: RequestId, entry: ResponseEntry, message: JSONRPCMessage, startedAt: number, plan?: MaskingPlanEntry, bound?: MaskingPlanBound): Promise<boolean> {
    const { recorder, eventStore, log } = this.deps;
    const requestId = this.grant.requestId;
    if (!eventStore || !recorder.responseWith) {
      const ok = await this.record(id, () => recorder.response(requestId, entry, plan, bound), WITHHELD_UNRECORDED, startedAt);
      if (ok) await this.sendToClient(message);
      return ok;
    }
    const late = (what: string) => recorder.response(requestId, entry, plan, bound).then(() => true, (cause: unknown) => {
      log.error({ err: (cause as Error).message }, what);
      return false;
    });
    let recording: Promise<unknown> | undefined;
    eventStore.carry(message, (event) => (recording = event ? recorder.responseWith!(requestId, entry, event, plan, bound) : recorder.response(requestId, entry, plan, bound)));
    try {
      await this.transport.send(message);
    } catch (error) {
      // Refused before any event was stored (the client's stream is gone): nothing was sent; the record stays complete.
      if (eventStore.release(message)) return late('could not record a response the client did not take');
      const failed = await recording!.then(() => undefined, (cause: unknown) => cause as Error);
      // A plan past the session's bound: nothing was written or sent; masking-plans.ts makes it the refusal that says so.
      if (isPlanLimit(failed)) throw failed;
      if (failed) {
        log.error({ err: failed.message }, 'recording failed; refusing');
        await this.refuse(id, startedAt, GatewayErrorCode.Unavailable, `${WITHHELD_UNRECORDED} (${failed.message})`, 'withheld');
        return false;
      }
      log.debug({ err: (error as Error).message }, 'client went away before the answer');
      return true;
    }
    // The transport stores every response's event before writing it; should one ever skip that, the record still comes (late) and says so.
    if (eventStore.release(message)) {
      log.error({ id }, 'a response left without passing the event store; recording it after the fact');
      return late('could not record a response');
    }
    return true;
  }

  /** Notifications and requests the upstream starts: masked where they can carry data. */
  private async relay(message: JSONRPCMessage): Promise<void> {
    let out = message;
    let relatedRequestId: RequestId | undefined;
    if (isJSONRPCNotification(message)) {
      if (message.method === 'notifications/progress') {
        const token = (message.params as { progressToken?: string | number } | undefined)?.progressToken;
        if (token !== undefined) relatedRequestId = this.progressOwners.get(token);
      }
      // Every notification's params: the masker knows which of their fields are structure.
      if (message.params) {
        const masked = await this.mask(message.params, { target: this.target, part: 'notification', method: message.method });
        if (!masked) return; // cannot mask: the notification is dropped, never passed through
        out = { ...message, params: masked.masked };
      }
    } else if (isJSONRPCRequest(message)) {
      // sampling, elicitation, roots: shown to the client (and its human), so masked too.
      let report: MaskSummary | undefined;
      if (message.params) {
        const masked = await this.mask(message.params, { target: this.target, part: 'notification', method: message.method });
        if (!masked) {
          await this.sendUpstream(jsonRpcError(message.id, GatewayErrorCode.Withheld, 'the gateway could not mask this request; it was not shown to the client'));
          return;
        }
        out = { ...message, params: masked.masked };
        report = masked.report;
      }
      const forwarded = [...this.pending.entries()].filter(([, p]) => p.state === 'forwarded');
      if (forwarded.length === 1) relatedRequestId = forwarded[0]![0];
      // Recorded before the client sees it, as what it is: the upstream asking (a hostile one may
      // ask a person for what the grant does not cover); its id is the upstream's, so marked apart.
      try {
        await this.deps.recorder.request(this.grant.requestId, {
          sessionId: this.sessionId ?? '', messageId: upstreamMessageId(message.id), method: message.method, verdict: 'allow',
          reason: `asked of the client by the upstream MCP server${relatedRequestId !== undefined ? ` during request ${String(relatedRequestId)}` : ''}`,
          ...((out as JSONRPCRequest).params ? { arguments: (out as JSONRPCRequest).params as Record<string, unknown> } : {}),
          masked: report ? maskedEntries(report) : [],
        });
      } catch (error) {
        this.deps.log.error({ err: (error as Error).message }, 'could not record a request of the upstream; not shown');
        await this.sendUpstream(jsonRpcError(message.id, GatewayErrorCode.Unavailable, 'the gateway could not record this request, so it was not shown to the client'));
        return;
      }
      this.asked.add(message.id);
    }
    await this.transport.send(out, relatedRequestId !== undefined ? { relatedRequestId } : undefined);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private mask<T>(value: T, context: MaskContext): Promise<{ masked: T; report: MaskSummary; plan?: MaskingPlanReport } | undefined> {
    return maskOrWithhold(this.deps.masker, this.deps.log, value, context);
  }

  /**
   * Runs a recording write; on failure answers the client with an error and returns false. A
   * response that could not be recorded is withheld, and that (without the payload) is recorded
   * if the recording will take it. `owned`: the id is this request's own pending entry (false for
   * a request refused because its id was taken: the other request's entry stays).
   */
  private async record(id: RequestId, write: () => Promise<unknown>, refusal = 'the request was refused: the session recording did not take it, and nothing is forwarded without a record', startedAt?: number, owned = true): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      // A masking plan past its session's bound: masking-plans.ts makes it the refusal that says so.
      if (isPlanLimit(error)) throw error;
      if ((error as { code?: unknown }).code === 'RECORDING_CONDITION_UNMET') {
        await this.refuseEndedGrant(id, owned);
        return false;
      }
      this.deps.log.error({ err: (error as Error).message }, 'recording failed; refusing');
      const message = `${refusal} (${(error as Error).message})`;
      if (startedAt !== undefined) {
        await this.refuse(id, startedAt, GatewayErrorCode.Unavailable, message, 'withheld');
      } else {
        if (owned) this.forget(id);
        await this.sendToClient(jsonRpcError(id, GatewayErrorCode.Unavailable, message));
      }
      return false;
    }
  }

  /** A client request's entry: with `grantKey`, written only while the grant is active (in the same atomic step). */
  private recordRequest(entry: RequestEntry): Promise<unknown> {
    const { recorder, grantKey } = this.deps;
    return grantKey && recorder.requestWhile ? recorder.requestWhile(this.grant.requestId, entry, grantKey) : recorder.request(this.grant.requestId, entry);
  }

  /**
   * The grant ended between the HTTP request's grant check and the request's entry: nothing was
   * written and nothing is forwarded. The client is told as a 401 would have told it (the answer
   * stream is already open); the refusal is counted against the grant like that 401, in its
   * refusals entry (there is no request entry for it to answer).
   */
  private async refuseEndedGrant(id: RequestId, owned: boolean): Promise<void> {
    if (owned) this.forget(id);
    const message = `grant ${this.grant.grantId} is no longer active (revoked or expired) and this request was not forwarded; request access again`;
    this.deps.onRefused?.(GatewayErrorCode.GrantInactive, message);
    await this.sendToClient(jsonRpcError(id, GatewayErrorCode.GrantInactive, message));
  }

  /** Answers a request with an error and records that answer (best effort: it carries no data). */
  private async refuse(id: RequestId, startedAt: number, code: number, message: string, outcome: 'denied' | 'error' | 'withheld' = 'denied'): Promise<void> {
    this.forget(id);
    await this.recordRefusal(id, startedAt, code, message, outcome);
    await this.sendToClient(jsonRpcError(id, code, message));
  }

  /** `counted`: 'no' where the gateway counts the refusal itself (the 409 of a reused id). */
  private async recordRefusal(id: RequestId, startedAt: number, code: number, message: string, outcome: 'denied' | 'error' | 'withheld', counted: 'yes' | 'no' | 'id_in_use' = 'yes'): Promise<void> {
    if (outcome === 'denied' && counted !== 'no') this.deps.onRefused?.(code, message, counted === 'id_in_use' ? counted : undefined);
    await this.deps.recorder.response(this.grant.requestId, {
      sessionId: this.sessionId ?? '', messageId: id, outcome, error: { code, message }, masked: [],
      durationMs: Math.max(0, performance.now() - startedAt),
    }).catch((error: unknown) => this.deps.log.error({ err: (error as Error).message }, 'could not record a refusal'));
  }

  private async sendToClient(message: JSONRPCMessage): Promise<void> {
    try {
      await this.transport.send(message);
    } catch (error) {
      this.deps.log.debug({ err: (error as Error).message }, 'client went away before the answer');
    }
  }

  private async sendUpstream(message: JSONRPCMessage): Promise<void> {
    if (!this.upstream || !this.started) return;
    try {
      await this.upstream.transport.send(message);
    } catch (error) {
      const id = isJSONRPCRequest(message) ? message.id : undefined;
      if (id !== undefined && this.pending.has(id)) {
        const p = this.pending.get(id)!;
        await this.refuse(id, p.startedAt, GatewayErrorCode.UpstreamFailed, `the upstream MCP server could not be reached: ${(error as Error).message}`, 'error');
      }
    }
  }
}

const WITHHELD_UNRECORDED = 'the response was withheld: it could not be recorded';

/** The recording refused a masking plan past its session's bound (nothing written). */
function isPlanLimit(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'RECORDING_PLAN_LIMIT';
}

/** In the recording, the id of a request the upstream sent (it may equal one of the client's). */
function upstreamMessageId(id: RequestId): string {
  return `upstream:${String(id)}`;
}

type HoldPlan =
  | { kind: 'new' | 'attach'; commandId: string }
  | { kind: 'run' | 'denied'; commandId: string; decision: AnnouncedDecision };

function refusalOf(decision: AnnouncedDecision): [number, string] {
  const who = `${decision.decidedBy} at ${decision.decidedAt}${decision.reason ? `: ${decision.reason}` : ''}`;
  switch (decision.outcome) {
    case 'timed_out':
      return [GatewayErrorCode.ApprovalTimedOut, `no approver decided in time on command ${decision.commandId}; it was not run. Ask in the request's Slack thread and try again`];
    case 'withdrawn':
      return [GatewayErrorCode.DeniedByApprover, `command ${decision.commandId} was withdrawn (${who}); it was not run`];
    default:
      return [GatewayErrorCode.DeniedByApprover, `denied by ${who} (command ${decision.commandId})`];
  }
}
