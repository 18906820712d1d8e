import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResultResponse,
  type JSONRPCMessage, type JSONRPCNotification, type JSONRPCRequest, type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { newCommandId, type GrantRecord, type Logger } from '../lib';
import type { TargetConfig } from '../policy';
import { decideToolCall, toolAllowed, type CommandDecision } from './command-policy';
import { GatewayErrorCode, jsonRpcError } from './errors';
import { emptyMaskSummary, maskedEntries, mergeSummaries, type MaskContext, type MaskSummary, type ResponseMasker } from './masking';
import type { GatewayRecorder, SessionEndEntry } from './recording';
import { limitRows } from './row-limit';
import { openUpstream, type UpstreamHandle } from './upstream';

/** The access workflow's per-command Update, as the gateway needs it (AccessClient implements it). */
export interface CommandReviewer {
  /** Tells the request's workflow (and so its Slack thread) that an MCP session opened. */
  sessionStarted?(requestId: string, session: { sessionId: string; client?: string }): Promise<void>;
  reviewCommand(requestId: string, review: { commandId: string; tool: string; summary: string; classes: string[]; risk: 'low' | 'high' }):
    Promise<{ commandId: string; approved: boolean; decidedBy: string; decidedAt: string; reason?: string }>;
}

export interface SessionLimits {
  /** How long the gateway waits for the upstream's answer before it answers with an error. */
  upstreamTimeoutMs: number;
  /** How often a held command tells the client it is still waiting. */
  holdProgressIntervalMs: number;
}

export interface SessionDeps {
  target: TargetConfig;
  grant: GrantRecord;
  tokenHash: string;
  masker: ResponseMasker;
  recorder: GatewayRecorder;
  reviewer?: CommandReviewer;
  limits: SessionLimits;
  log: Logger;
  onInitialized(session: GatewaySession): void;
  onEnded(session: GatewaySession): void;
}

/** Responses of these methods carry no data from the warehouse; everything else is masked. */
const UNMASKED_RESULTS = new Set(['initialize', 'ping', 'tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'logging/setLevel']);
/** Upstream notifications whose params can carry data. */
const MASKED_NOTIFICATIONS = new Set(['notifications/message', 'notifications/progress']);
const SUMMARY_LIMIT = 2_000;

interface Pending {
  method: string;
  tool?: string;
  startedAt: number;
  timer?: NodeJS.Timeout;
  progressToken?: string | number;
}

type EndReason = SessionEndEntry['reason'];

/**
 * One client session through the gateway: the client side is a Streamable HTTP transport, the
 * upstream side a stdio or HTTP client transport. Messages pass between them through the
 * checkpoint: policy on requests, row limits and masking on results, a recording of both.
 * Message ids pass through unchanged: client and upstream ids live in separate directions.
 */
export class GatewaySession {
  readonly transport: StreamableHTTPServerTransport;
  readonly grant: GrantRecord;
  readonly tokenHash: string;
  readonly createdAt = Date.now();
  /** When the client last sent an HTTP request on this session (the gateway ends idle sessions). */
  lastActivity = Date.now();
  ended?: { reason: EndReason; detail: string; at: string };
  private upstream?: UpstreamHandle;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly progressOwners = new Map<string | number, RequestId>();
  private readonly holds = new Set<NodeJS.Timeout>();
  private expiryTimer?: NodeJS.Timeout;
  private started = false;

  constructor(private readonly deps: SessionDeps) {
    this.grant = { ...deps.grant };
    this.tokenHash = deps.tokenHash;
    this.transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: () => deps.onInitialized(this),
      onsessionclosed: () => this.end('closed', 'the client ended the session (DELETE)'),
    });
    this.transport.onmessage = (message) => this.fromClient(message);
    this.transport.onerror = (error) => deps.log.debug({ err: error.message }, 'client transport error');
    this.scheduleExpiry(deps.grant.expiresAt);
  }

  get sessionId(): string | undefined {
    return this.transport.sessionId;
  }

  get target(): string {
    return this.deps.target.name;
  }

  /** Process id of a stdio upstream; null for HTTP upstreams or before start. */
  upstreamPid(): number | null {
    return this.upstream?.pid() ?? null;
  }

  /** Starts the upstream with the grant's credential; it is held nowhere else in the session. */
  async startUpstream(credential: string): Promise<void> {
    const handle = openUpstream(this.deps.target, this.grant, credential, (chunk) => this.deps.log.debug({ target: this.target, bytes: chunk.length }, 'upstream stderr'));
    this.upstream = handle;
    handle.transport.onmessage = (message) => this.fromUpstream(message);
    handle.transport.onerror = (error) => this.deps.log.debug({ err: error.message }, 'upstream transport error');
    handle.transport.onclose = () => {
      if (!this.ended) void this.end('error', 'the upstream MCP server closed the connection');
    };
    await handle.transport.start();
    this.started = true;
  }

  /** Keeps the session's end in step with the grant (extensions move it). */
  refreshGrant(grant: GrantRecord): void {
    if (grant.expiresAt !== this.grant.expiresAt) {
      this.grant.expiresAt = grant.expiresAt;
      this.scheduleExpiry(grant.expiresAt);
    }
  }

  /** Ends the session: pending calls are answered, the recording is closed, the upstream is stopped. Idempotent. */
  async end(reason: EndReason, detail: string): Promise<void> {
    if (this.ended) return;
    this.ended = { reason, detail, at: new Date().toISOString() };
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.holds.forEach((t) => clearInterval(t));
    const code = reason === 'closed' ? GatewayErrorCode.SessionEnded : reason === 'error' ? GatewayErrorCode.UpstreamFailed : GatewayErrorCode.SessionEnded;
    const pending = [...this.pending.entries()];
    this.pending.clear();
    await Promise.all(pending.map(async ([id, p]) => {
      if (p.timer) clearTimeout(p.timer);
      await this.sendToClient(jsonRpcError(id, code, `the session ended before the answer came: ${detail}`)).catch(() => undefined);
    }));
    this.killUpstream();
    const sessionId = this.sessionId;
    const closing = [
      this.transport.close().catch(() => undefined),
      this.upstream?.transport.close().catch(() => undefined),
    ];
    if (sessionId) {
      closing.push(this.deps.recorder.sessionEnd(this.grant.requestId, { sessionId, reason, detail }).then(
        () => undefined,
        (error: unknown) => this.deps.log.error({ sessionId, err: (error as Error).message }, 'could not record the end of a session'),
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

  private fromClient(message: JSONRPCMessage): void {
    if (this.ended) return;
    this.lastActivity = Date.now();
    if (isJSONRPCRequest(message)) {
      this.handleRequest(message).catch((error: unknown) => {
        this.deps.log.error({ err: (error as Error).message, method: message.method }, 'request failed in the gateway');
        void this.sendToClient(jsonRpcError(message.id, GatewayErrorCode.Unavailable, 'the gateway could not process this request; nothing was forwarded'));
      });
      return;
    }
    // Notifications (initialized, cancelled, progress) and answers to the upstream's own requests.
    if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (id !== undefined) this.forget(id);
    }
    void this.sendUpstream(message);
  }

  private async handleRequest(request: JSONRPCRequest): Promise<void> {
    const startedAt = performance.now();
    const sessionId = this.sessionId ?? '';
    const params = (request.params ?? {}) as Record<string, unknown>;
    let decision: CommandDecision | undefined;
    let recordedArgs: Record<string, unknown> | undefined;
    let argsReport = emptyMaskSummary();
    if (request.method === 'initialize') {
      const clientInfo = params.clientInfo as { name?: unknown; version?: unknown } | undefined;
      const ok = await this.record(request.id, () => this.deps.recorder.sessionStart(this.grant.requestId, {
        sessionId, grantId: this.grant.grantId, subject: this.grant.subject, target: this.target, transport: 'streamable-http',
        ...(clientInfo && typeof clientInfo.name === 'string'
          ? { client: { name: clientInfo.name, ...(typeof clientInfo.version === 'string' ? { version: clientInfo.version } : {}) } }
          : {}),
      }));
      if (!ok) return;
    }
    if (request.method === 'tools/call') {
      decision = decideToolCall(this.deps.target, params.name, params.arguments);
      if (params.arguments !== undefined) {
        const masked = await this.mask(params.arguments, 'arguments', request.method, decision.tool);
        if (!masked) {
          await this.sendToClient(jsonRpcError(request.id, GatewayErrorCode.Withheld, 'the arguments could not be checked for PHI, so the call was not forwarded'));
          return;
        }
        recordedArgs = (masked.masked && typeof masked.masked === 'object' ? masked.masked : { value: masked.masked }) as Record<string, unknown>;
        argsReport = masked.report;
      }
    }
    const commandId = decision?.verdict === 'hold' ? newCommandId() : undefined;
    const recorded = await this.record(request.id, () => this.deps.recorder.request(this.grant.requestId, {
      sessionId, messageId: request.id, method: request.method,
      ...(decision ? { tool: decision.tool } : {}),
      ...(recordedArgs ? { arguments: recordedArgs } : {}),
      ...(decision && decision.classes.length ? { classes: decision.classes } : {}),
      verdict: decision?.verdict ?? 'allow',
      ...(commandId ? { commandId } : {}),
      ...(decision && decision.verdict !== 'allow' ? { reason: decision.reason } : {}),
      masked: maskedEntries(argsReport),
    }));
    if (!recorded) return;

    if (decision?.verdict === 'deny') {
      await this.refuse(request.id, startedAt, GatewayErrorCode.DeniedByPolicy, `denied by policy: ${decision.reason}`);
      return;
    }
    if (decision?.verdict === 'hold' && commandId) {
      const go = await this.hold(request, decision, commandId, startedAt);
      if (!go) return;
    }
    this.forward(request, decision?.tool, startedAt);
  }

  /** Asks the access workflow; tells the client it is waiting; true when an approver approved. */
  private async hold(request: JSONRPCRequest, decision: CommandDecision, commandId: string, startedAt: number): Promise<boolean> {
    const reviewer = this.deps.reviewer;
    if (!reviewer) {
      await this.refuse(request.id, startedAt, GatewayErrorCode.DeniedByPolicy, `held for approval (${decision.reason}), but this gateway has no connection to the access workflow; ask an operator to configure TEMPORAL_ADDRESS`);
      return false;
    }
    const summaryText = decision.sql.join(';\n').slice(0, SUMMARY_LIMIT);
    const summary = await this.mask(summaryText, 'summary', 'tools/call');
    if (!summary) {
      await this.refuse(request.id, startedAt, GatewayErrorCode.Withheld, 'the held command could not be masked for the approvers, so it was not sent for approval');
      return false;
    }
    const progressToken = ((request.params as { _meta?: { progressToken?: string | number } } | undefined)?._meta)?.progressToken;
    let tick = 0;
    const notify = () => {
      tick += 1;
      const waited = Math.round((performance.now() - startedAt) / 1000);
      const text = `held for approval (${decision.classes.join(', ')}): waiting for an approver in the request's Slack thread, ${waited}s so far (command ${commandId})`;
      const note: JSONRPCNotification = progressToken !== undefined
        ? { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, progress: tick, message: text } }
        : { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', logger: 'gatehouse', data: text } };
      void this.transport.send(note, { relatedRequestId: request.id }).catch(() => undefined);
    };
    notify();
    const timer = setInterval(notify, this.deps.limits.holdProgressIntervalMs);
    this.holds.add(timer);
    this.pending.set(request.id, { method: request.method, tool: decision.tool, startedAt, ...(progressToken !== undefined ? { progressToken } : {}) });
    try {
      const answer = await reviewer.reviewCommand(this.grant.requestId, {
        commandId, tool: decision.tool, summary: String(summary.masked), classes: decision.classes, risk: decision.risk,
      });
      if (this.ended || !this.pending.has(request.id)) return false;
      if (answer.approved) {
        this.pending.delete(request.id);
        return true;
      }
      const timedOut = answer.decidedBy === 'gatehouse' && /in time/.test(answer.reason ?? '');
      if (timedOut) {
        await this.refuse(request.id, startedAt, GatewayErrorCode.ApprovalTimedOut, `no approver decided in time on command ${commandId}; it was not run. Ask in the request's Slack thread and try again`);
      } else {
        await this.refuse(request.id, startedAt, GatewayErrorCode.DeniedByApprover,
          `denied by ${answer.decidedBy} at ${answer.decidedAt}${answer.reason ? `: ${answer.reason}` : ''} (command ${commandId})`);
      }
      return false;
    } catch (error) {
      if (this.ended) return false;
      await this.refuse(request.id, startedAt, GatewayErrorCode.Unavailable, `the command was held for approval but could not be put to an approver: ${(error as Error).message}`);
      return false;
    } finally {
      clearInterval(timer);
      this.holds.delete(timer);
    }
  }

  private forward(request: JSONRPCRequest, tool: string | undefined, startedAt: number): void {
    const progressToken = ((request.params as { _meta?: { progressToken?: string | number } } | undefined)?._meta)?.progressToken;
    const pending: Pending = { method: request.method, ...(tool ? { tool } : {}), startedAt, ...(progressToken !== undefined ? { progressToken } : {}) };
    pending.timer = setTimeout(() => {
      if (this.pending.get(request.id) !== pending) return;
      this.forget(request.id);
      void this.sendUpstream({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: request.id, reason: 'gateway timeout' } });
      void this.refuse(request.id, startedAt, GatewayErrorCode.UpstreamTimeout,
        `the upstream MCP server did not answer ${request.method} within ${this.deps.limits.upstreamTimeoutMs} ms`, 'error');
    }, this.deps.limits.upstreamTimeoutMs);
    pending.timer.unref();
    this.pending.set(request.id, pending);
    if (progressToken !== undefined) this.progressOwners.set(progressToken, request.id);
    void this.sendUpstream(request);
  }

  private forget(id: RequestId): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (p.timer) clearTimeout(p.timer);
    if (p.progressToken !== undefined) this.progressOwners.delete(p.progressToken);
    this.pending.delete(id);
  }

  // ---- upstream -> client -------------------------------------------------------------------

  private fromUpstream(message: JSONRPCMessage): void {
    if (this.ended) return;
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      const id = message.id;
      if (id === undefined) return;
      const pending = this.pending.get(id);
      if (!pending) return; // answered already (timeout, cancellation): drop the late answer
      this.forget(id);
      this.answer(message, id, pending).catch((error: unknown) => {
        this.deps.log.error({ err: (error as Error).message }, 'could not return a response');
        void this.sendToClient(jsonRpcError(id, GatewayErrorCode.Withheld, 'the response was withheld: the gateway could not process it'));
      });
      return;
    }
    this.relay(message).catch((error: unknown) => this.deps.log.error({ err: (error as Error).message }, 'could not relay an upstream message'));
  }

  private async answer(message: JSONRPCMessage, id: RequestId, pending: Pending): Promise<void> {
    const sessionId = this.sessionId ?? '';
    this.lastActivity = Date.now();
    const durationMs = Math.max(0, performance.now() - pending.startedAt);
    if (isJSONRPCErrorResponse(message)) {
      const masked = await this.mask(message.error, 'result', pending.method);
      if (!masked) {
        await this.refuse(id, pending.startedAt, GatewayErrorCode.Withheld, 'the upstream answered with an error that could not be checked for PHI; it was withheld', 'withheld');
        return;
      }
      const error = masked.masked;
      const ok = await this.record(id, () => this.deps.recorder.response(this.grant.requestId, {
        sessionId, messageId: id, outcome: 'error', error: { code: error.code, message: error.message }, masked: maskedEntries(masked.report), durationMs,
      }), 'the response was withheld: it could not be recorded', pending.startedAt);
      if (ok) await this.sendToClient({ jsonrpc: '2.0', id, error });
      // A session whose initialize failed is of no use to anyone: stop its upstream now.
      if (pending.method === 'initialize') await this.end('error', `the upstream refused initialize: ${error.message}`);
      return;
    }
    if (!isJSONRPCResultResponse(message)) return;
    let result = message.result as Record<string, unknown>;
    let rows: number | undefined;
    if (pending.method === 'tools/list' && Array.isArray(result.tools)) {
      result = { ...result, tools: (result.tools as { name?: unknown }[]).filter((t) => typeof t.name === 'string' && toolAllowed(this.deps.target, t.name)) };
    }
    if (pending.method === 'tools/call') {
      const limited = limitRows(result, this.deps.target.commands.rowLimit);
      result = limited.result;
      rows = limited.rows;
    }
    let report: MaskSummary = emptyMaskSummary();
    if (!UNMASKED_RESULTS.has(pending.method)) {
      const masked = await this.mask(result, 'result', pending.method, pending.tool);
      if (!masked) {
        await this.refuse(id, pending.startedAt, GatewayErrorCode.Withheld, 'the response was withheld: PHI masking failed on it (nothing was returned unmasked)', 'withheld');
        return;
      }
      result = masked.masked;
      report = masked.report;
    }
    const ok = await this.record(id, () => this.deps.recorder.response(this.grant.requestId, {
      sessionId, messageId: id, outcome: 'ok', result, masked: maskedEntries(report), ...(rows !== undefined ? { rows } : {}), durationMs,
    }), 'the response was withheld: it could not be recorded', pending.startedAt);
    if (ok) await this.sendToClient({ jsonrpc: '2.0', id, result } as JSONRPCMessage);
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
      if (MASKED_NOTIFICATIONS.has(message.method) && message.params) {
        const masked = await this.mask(message.params, 'notification', message.method);
        if (!masked) return; // cannot mask: the notification is dropped, never passed through
        out = { ...message, params: masked.masked };
      }
    } else if (isJSONRPCRequest(message)) {
      // sampling, elicitation, roots: shown to the client (and its human), so masked too.
      if (message.params) {
        const masked = await this.mask(message.params, 'notification', message.method);
        if (!masked) {
          await this.sendUpstream(jsonRpcError(message.id, GatewayErrorCode.Withheld, 'the gateway could not mask this request; it was not shown to the client'));
          return;
        }
        out = { ...message, params: masked.masked };
      }
      if (this.pending.size === 1) relatedRequestId = [...this.pending.keys()][0];
    }
    await this.transport.send(out, relatedRequestId !== undefined ? { relatedRequestId } : undefined);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async mask<T>(value: T, part: MaskContext['part'], method: string, tool?: string): Promise<{ masked: T; report: MaskSummary } | undefined> {
    try {
      const out = await this.deps.masker.mask(value, { target: this.target, part, method, ...(tool ? { tool } : {}) });
      return { masked: out.masked, report: mergeSummaries(out.report) };
    } catch (error) {
      this.deps.log.error({ err: (error as Error).message, method, part }, 'masking failed; withholding');
      return undefined;
    }
  }

  /**
   * Runs a recording write; on failure answers the client with an error and returns false. A
   * response that could not be recorded is withheld, and that (without the payload) is recorded
   * if the recording will take it.
   */
  private async record(id: RequestId, write: () => Promise<unknown>, refusal = 'the request was refused: the session recording did not take it, and nothing is forwarded without a record', startedAt?: number): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      this.deps.log.error({ err: (error as Error).message }, 'recording failed; refusing');
      const message = `${refusal} (${(error as Error).message})`;
      if (startedAt !== undefined) {
        await this.refuse(id, startedAt, GatewayErrorCode.Unavailable, message, 'withheld');
      } else {
        this.forget(id);
        await this.sendToClient(jsonRpcError(id, GatewayErrorCode.Unavailable, message));
      }
      return false;
    }
  }

  /** Answers a request with an error and records that answer (best effort: it carries no data). */
  private async refuse(id: RequestId, startedAt: number, code: number, message: string, outcome: 'denied' | 'error' | 'withheld' = 'denied'): Promise<void> {
    this.forget(id);
    await this.deps.recorder.response(this.grant.requestId, {
      sessionId: this.sessionId ?? '', messageId: id, outcome, error: { code, message }, masked: [],
      durationMs: Math.max(0, performance.now() - startedAt),
    }).catch((error: unknown) => this.deps.log.error({ err: (error as Error).message }, 'could not record a refusal'));
    await this.sendToClient(jsonRpcError(id, code, message));
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
