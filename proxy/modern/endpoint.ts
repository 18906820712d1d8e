import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCRequest } from '@modelcontextprotocol/server';
import type { GrantRecord, Logger, Redis } from '../../lib';
import type { TargetConfig } from '../../policy';
import { GatewayError, GatewayErrorCode } from '../errors';
import type { CommandReviewer, DecisionBoard } from '../held-commands';
import type { ResponseMasker } from '../masking';
import type { GatewayRecorder } from '../recording';
import { ROUND_TTL_MS } from '../upstream-caller';
import { AnswerStream, type RequestStream } from './answer-stream';
import type { Era } from './era';
import { planBounds, RecordedPlans } from '../masking-plans';
import { ModernExchange } from './exchange';
import { GrantState } from './grant-state';
import { GrantUpstreams } from './grant-upstreams';
import { RemoteCancels, type RemoteCancel } from './remote-cancels';
import { RelayedAnswer, RemoteRounds, type RelayedRetry, type RelayReply } from './remote-rounds';
import { retryOf } from './wire';

export interface ModernEndpointOptions {
  /** Shared state (Redis) every replica reads: without it 2026-era requests are refused (fail closed). */
  state?: Redis;
  masker(target: TargetConfig): ResponseMasker;
  recorder: GatewayRecorder;
  vault: { get(credentialRef: string): Promise<string | null> };
  reviewer?: CommandReviewer;
  board?: DecisionBoard;
  limits: { upstreamTimeoutMs: number; messagesPerSecond: number; messageBurst: number; maskingPlansPerSession?: number; maskingPlanBytesPerSession?: number };
  log: Logger;
  onRefused?(grant: GrantRecord, code: number, message: string): void;
  /** The grant of a token hash (a retry relayed from another replica is checked again here). Without it, relayed retries are refused. */
  lookupGrant?(tokenHash: string): Promise<GrantRecord | null>;
  /** The gateway's target of that name. */
  targetNamed?(name: string): TargetConfig | undefined;
}

/**
 * The gateway's door for 2026-07-28 clients on /mcp/<target>: every POST is one request,
 * authenticated and authorised on its own by the gateway before it gets here, answered with one
 * JSON body. What outlives a request is in Redis (GrantState) or is the grant's upstream link in
 * this process, so replicas behind a plain load balancer need no sticky routing.
 */
export class ModernEndpoint {
  private readonly state?: GrantState;
  private readonly upstreams: GrantUpstreams;
  /** Masking plans each grant's recording session already holds (masking-plans.ts): one session per grant, across requests. */
  private readonly plans: RecordedPlans;
  /** Open subscriptions/listen streams of this process, by grant: revocation, expiry and shutdown end them. */
  private readonly listens = new Map<string, Set<AbortController>>();
  /** The token hash each listening grant was presented with (the sweep looks the grant up by it). */
  private readonly listenTokens = new Map<string, string>();
  /** Requests running in this process, by grant and the client's id: what a `notifications/cancelled` can reach. */
  private readonly running = new Map<string, Set<RequestStream>>();
  /** Cancels between replicas: a client's cancel may land on one that does not run its request (remote-cancels.ts). */
  private readonly remote?: RemoteCancels;
  /** Input rounds between replicas: a retry may land on one that does not hold its round (remote-rounds.ts). */
  private readonly rounds?: RemoteRounds;

  constructor(private readonly options: ModernEndpointOptions) {
    this.plans = new RecordedPlans(planBounds(options.limits));
    if (options.state) {
      this.state = new GrantState(options.state);
      this.remote = new RemoteCancels(options.state, options.log, (cancel) => this.cancelHere(cancel));
      this.rounds = new RemoteRounds(options.state, options.log, this.remote.replica, (retry, reply, cancelled) => this.serveRelayed(retry, reply, cancelled));
    }
    this.upstreams = new GrantUpstreams(options.log, options.limits.upstreamTimeoutMs);
  }

  async handle(req: IncomingMessage, res: ServerResponse, target: TargetConfig, grant: GrantRecord, era: Exclude<Era, { kind: 'legacy' }>, tokenHash?: string): Promise<void> {
    const state = this.state;
    if (!state) {
      throw new GatewayError(GatewayErrorCode.Unavailable, 'this gateway has no shared state store (Redis) for 2026-07-28 requests, so it does not serve them; use the 2025 revision (initialize) or ask an operator', 503, {}, era.kind === 'modern' ? era.message.id : null);
    }
    const wait = await state.takeRate(grant.grantId, this.options.limits.messagesPerSecond, this.options.limits.messageBurst).catch(() => {
      throw new GatewayError(GatewayErrorCode.Unavailable, 'the gateway\'s shared state (Redis) did not answer; access is refused until it does', 503, { 'retry-after': '5' });
    });
    if (wait > 0) {
      throw new GatewayError(GatewayErrorCode.RateLimited, `too many messages for grant ${grant.grantId}: at most ${this.options.limits.messagesPerSecond} per second (burst ${this.options.limits.messageBurst}); retry in ${wait} s`, 429, { 'retry-after': String(wait) });
    }
    // A notification asks for nothing. `notifications/cancelled` reaches the grant's own running
    // request of that id, on this replica or another (closing the stream is the revision's way; this is the other).
    if (era.kind === 'modern-notification') {
      if (era.message.method === 'notifications/cancelled') await this.cancel(grant, era.message.params);
      res.writeHead(202).end();
      return;
    }
    const stream = new AnswerStream(res, AnswerStream.accepts(req));
    // A retry of an input round another replica holds is answered there (remote-rounds.ts).
    const owner = await this.roundOwner(grant, era.message);
    if (owner && tokenHash) return this.relay(owner, target, grant, tokenHash, era.message, stream);
    const listening = era.message.method === 'subscriptions/listen' ? this.openListen(grant, tokenHash) : undefined;
    await this.run(target, grant, era.message, stream, listening);
  }

  /** One request through the checkpoint, answered through `stream` (the client's HTTP answer, or a relayed retry's way back). */
  private async run(target: TargetConfig, grant: GrantRecord, message: JSONRPCRequest, stream: RequestStream, listening?: { signal: AbortSignal; close(): void }, via?: string): Promise<void> {
    const state = this.state!;
    const key = runningKey(grant.grantId, message.id);
    const running = this.running.get(key) ?? new Set<RequestStream>();
    running.add(stream);
    this.running.set(key, running);
    // Reachable by a cancel sent to another replica: this one follows those cancels, and notes the
    // request in Redis for as long as it may run (a listen stream ends by its client closing it).
    let noted: (() => Promise<void>) | undefined;
    if (this.remote && !listening) {
      await this.remote.listen();
      noted = await this.remote.running(grant.grantId, message.id, this.options.limits.upstreamTimeoutMs + NOTE_MARGIN_MS);
    }
    // Input rounds started here can be answered through any replica: this one follows retries relayed to it.
    await this.rounds?.listen();
    const exchange = new ModernExchange({
      target, grant, state,
      masker: this.options.masker(target),
      recorder: this.options.recorder,
      plans: this.plans,
      upstream: () => this.upstreams.get(target, grant, () => this.credential(target, grant)),
      ...(this.options.reviewer ? { reviewer: this.options.reviewer } : {}),
      ...(this.options.board ? { board: this.options.board } : {}),
      upstreamTimeoutMs: this.options.limits.upstreamTimeoutMs,
      log: this.options.log,
      onRefused: (code, text) => this.options.onRefused?.(grant, code, text),
      stream,
      ...(listening ? { ended: listening.signal } : {}),
      ...(this.rounds ? { rounds: { replica: this.rounds.replica, note: (requestState: string) => this.rounds!.note(grant.grantId, requestState, Math.min(ROUND_TTL_MS, Date.parse(grant.expiresAt) - Date.now())) } } : {}),
      ...(via ? { via } : {}),
    });
    try {
      stream.finish(await exchange.answer(message));
    } catch (error) {
      // Refused after the stream began: the refusal is its last event (the HTTP status is sent already).
      if (error instanceof GatewayError && stream.fail(error, message.id)) return;
      // The gateway failed on it after the stream began (with the upstream's notifications): the stream
      // still ends with an answer, never cut short (a client reads that as 'terminated without response').
      if (!(error instanceof GatewayError) && stream.fail(new GatewayError(GatewayErrorCode.Withheld, `the response was withheld: the gateway failed on this request (${(error as Error).message})`, 500), message.id)) {
        this.options.log.error({ err: (error as Error).message, method: message.method }, 'the gateway failed on a 2026-07-28 request; its answer is the error');
        return;
      }
      throw error;
    } finally {
      listening?.close();
      running.delete(stream);
      if (!running.size && this.running.get(key) === running) this.running.delete(key);
      await noted?.();
    }
  }

  /**
   * The replica that holds the input round a retry answers, when it is another one. Only the
   * grant the retry's own token was checked for is looked in, so another grant's state finds
   * nothing here (and is refused where it landed). A lookup that fails leaves the retry here:
   * this replica answers it if the round is its own, and refuses it otherwise.
   */
  private async roundOwner(grant: GrantRecord, message: JSONRPCRequest): Promise<string | undefined> {
    const requestState = retryOf(message).requestState;
    if (!this.rounds || requestState === undefined || GrantState.isHoldState(requestState)) return undefined;
    try {
      const owner = await this.rounds.owner(grant.grantId, requestState);
      return owner === this.rounds.replica ? undefined : owner;
    } catch (error) {
      this.options.log.warn({ grantId: grant.grantId, err: (error as Error).message }, 'could not look up which gateway replica holds an input round; answering here');
      return undefined;
    }
  }

  /**
   * A retry whose input round another replica holds: that replica runs it (decides, forwards,
   * masks, records) and its answer, notifications first, is written here. An owner that is gone
   * answers with why the round cannot be resumed, recorded in the grant's recording.
   */
  private async relay(owner: string, target: TargetConfig, grant: GrantRecord, tokenHash: string, message: JSONRPCRequest, stream: AnswerStream): Promise<void> {
    const outcome = await this.rounds!.relay(owner, { grantId: grant.grantId, tokenHash, target: target.name, request: message, acceptsStream: stream.open }, {
      onNotification: (notification) => stream.notify(notification),
      signal: stream.cancelled,
      timeoutMs: this.options.limits.upstreamTimeoutMs + NOTE_MARGIN_MS,
    }).catch((error: unknown) => {
      throw new GatewayError(GatewayErrorCode.Unavailable, `the gateway's shared state (Redis) did not take the retry for the replica that holds its input round; nothing was forwarded (${(error as Error).message})`, 503, { 'retry-after': '5' }, message.id);
    });
    if ('answer' in outcome) return stream.finish(outcome.answer);
    if ('failed' in outcome) {
      const { code, message: text, httpStatus, headers, data } = outcome.failed;
      const error = new GatewayError(code as GatewayErrorCode, text, httpStatus, headers, message.id, data);
      if (stream.fail(error, message.id)) return;
      throw error;
    }
    const here = this.rounds!.replica;
    const text = 'gone' in outcome
      ? `the input round this requestState answers is held by another gateway replica, where the upstream call waits for the answer, and ${outcome.gone}; the round cannot be resumed${outcome.taken ? ' (that replica had taken the retry, so the upstream may have heard the answer)' : ' and nothing was forwarded'}. Send the request again without requestState`
      : `gateway replica ${owner}, which holds the input round this requestState answers, did not answer the retry within ${this.options.limits.upstreamTimeoutMs + NOTE_MARGIN_MS} ms; send the request again without requestState`;
    if ('gone' in outcome) await this.rounds!.forget(grant.grantId, retryOf(message).requestState!, owner).catch(() => undefined);
    // Nothing answered it elsewhere, so this replica records the request and its refusal (once: the owner recorded nothing, or what it took).
    const sessionId = GrantState.recordingSession(grant.grantId);
    const reason = `received by gateway replica ${here} for the input round held by replica ${owner}: ${text}`;
    if (!('gone' in outcome && outcome.taken)) {
      await this.options.recorder.request(grant.requestId, { sessionId, messageId: message.id, method: message.method, verdict: 'deny', reason, masked: [] })
        .catch((error: unknown) => this.options.log.error({ err: (error as Error).message }, 'could not record a retry whose round is gone'));
    }
    await this.options.recorder.response(grant.requestId, { sessionId, messageId: message.id, outcome: 'error', error: { code: GatewayErrorCode.UpstreamFailed, message: text }, masked: [], durationMs: 0 })
      .catch((error: unknown) => this.options.log.error({ err: (error as Error).message }, 'could not record a retry whose round is gone'));
    stream.finish({ jsonrpc: '2.0', id: message.id, error: { code: GatewayErrorCode.UpstreamFailed, message: text } });
  }

  /**
   * A retry another replica relayed here, the owner of its input round: the token is checked
   * again (by its hash: still active, same grant, same target), then it runs as if the client had
   * called this replica, its answer going back to the one it called.
   */
  private async serveRelayed(retry: RelayedRetry, reply: (message: RelayReply) => void, cancelled: AbortSignal): Promise<void> {
    const stream = new RelayedAnswer(reply, retry.acceptsStream, cancelled);
    let grant: GrantRecord | null;
    try {
      grant = await this.options.lookupGrant?.(retry.tokenHash) ?? null;
    } catch {
      stream.fail(new GatewayError(GatewayErrorCode.Unavailable, 'the grant store (Redis) did not answer, so the grant cannot be checked; access is refused until it does', 503, { 'retry-after': '5' }));
      return;
    }
    const target = grant ? this.options.targetNamed?.(grant.target) : undefined;
    if (!grant || !target || grant.grantId !== retry.grantId || grant.target !== retry.target) {
      stream.fail(new GatewayError(GatewayErrorCode.GrantInactive, 'the grant token is not active: it is unknown, expired or revoked; request access again', 401));
      return;
    }
    await this.run(target, grant, retry.request, stream, undefined, retry.via);
  }

  /**
   * A client's `notifications/cancelled`: the grant's own request of that id is cancelled where it
   * runs, here or on another replica (through Redis). The grant is the one the cancel's token was
   * checked for, so a cancel never reaches another grant's request, whatever id it names. The
   * grant's recording holds the cancel and what it reached (its reason, the client's words, is
   * not kept: it could carry PHI).
   */
  private async cancel(grant: GrantRecord, params: unknown): Promise<void> {
    const requestId = (params as { requestId?: unknown } | undefined)?.requestId;
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return;
    const here = this.cancelHere({ grantId: grant.grantId, requestId, subject: grant.subject, via: this.remote?.replica ?? 'this gateway', replica: this.remote?.replica ?? 'this gateway' });
    let reached: string | undefined = here ? `cancels request ${String(requestId)}, running on this replica (${this.remote?.replica ?? 'this gateway'})` : undefined;
    if (!here && this.remote) {
      try {
        const replica = await this.remote.send({ grantId: grant.grantId, requestId, subject: grant.subject });
        if (replica) reached = `cancels request ${String(requestId)}, sent from replica ${this.remote.replica} to replica ${replica}, which runs it`;
      } catch (error) {
        this.options.log.warn({ grantId: grant.grantId, err: (error as Error).message }, 'could not pass a cancel to other gateway replicas');
      }
    }
    const reason = reached ?? `no request ${String(requestId)} of grant ${grant.grantId} runs on any gateway replica; ignored (a cancel reaches only its own grant's requests)`;
    await this.options.recorder.request(grant.requestId, {
      sessionId: GrantState.recordingSession(grant.grantId), messageId: `cancel:${String(requestId)}`, method: 'notifications/cancelled', verdict: reached ? 'allow' : 'deny', reason, masked: [],
    }).catch((error: unknown) => this.options.log.error({ err: (error as Error).message }, 'could not record a cancel'));
  }

  /** Cancels the grant's requests of that id running in this process; false when none runs here. */
  private cancelHere(cancel: RemoteCancel): boolean {
    const streams = this.running.get(runningKey(cancel.grantId, cancel.requestId));
    if (!streams?.size) return false;
    const where = cancel.via === cancel.replica ? `this gateway replica (${cancel.replica})` : `gateway replica ${cancel.via}, which passed it to this one (${cancel.replica}) that runs the request`;
    for (const stream of streams) stream.cancel(`the client (${cancel.subject}) sent notifications/cancelled to ${where}`);
    return true;
  }

  /** The grant ended (revoked or expired): its listen streams end now (fail closed), then its upstream link closes. */
  async revoke(grantId: string): Promise<void> {
    for (const listen of this.listens.get(grantId) ?? []) listen.abort(new Error(`grant ${grantId} was revoked`));
    await this.upstreams.close(grantId);
  }

  /**
   * A listen stream's end signal, aborted on revocation (revoke), at the grant's expiry, or when
   * the gateway stops; at most MAX_LISTENS per grant in this process (a client cannot pile up streams).
   */
  private openListen(grant: GrantRecord, tokenHash: string | undefined): { signal: AbortSignal; close(): void } {
    const open = this.listens.get(grant.grantId) ?? new Set<AbortController>();
    if (open.size >= MAX_LISTENS) {
      throw new GatewayError(GatewayErrorCode.TooManySessions, `grant ${grant.grantId} already has ${open.size} subscriptions/listen streams open on this gateway (at most ${MAX_LISTENS}); close one, or use one stream with a wider filter`, 429);
    }
    const controller = new AbortController();
    open.add(controller);
    this.listens.set(grant.grantId, open);
    if (tokenHash) this.listenTokens.set(grant.grantId, tokenHash);
    const expiry = setTimeout(() => controller.abort(new Error(`grant ${grant.grantId} expired at ${grant.expiresAt}`)), Math.min(Math.max(0, Date.parse(grant.expiresAt) - Date.now()), 2_147_483_647));
    expiry.unref();
    return {
      signal: controller.signal,
      close: () => {
        clearTimeout(expiry);
        open.delete(controller);
        if (!open.size && this.listens.get(grant.grantId) === open) {
          this.listens.delete(grant.grantId);
          this.listenTokens.delete(grant.grantId);
        }
      },
    };
  }

  /**
   * Re-checks the grant of every open listen stream (the gateway's sweep): one whose grant is gone
   * ends now, as on a revocation event. A lookup that fails leaves the stream (like a 2025 session);
   * the revocation event and the expiry timer still end it.
   */
  async sweepListens(lookupByHash: (tokenHash: string) => Promise<GrantRecord | null>): Promise<void> {
    for (const [grantId, hash] of [...this.listenTokens]) {
      let grant: GrantRecord | null;
      try {
        grant = await lookupByHash(hash);
      } catch {
        return;
      }
      if (grant) continue;
      for (const listen of this.listens.get(grantId) ?? []) listen.abort(new Error(`grant ${grantId} is no longer active (revoked or expired)`));
    }
  }

  async closeIdle(idleMs: number): Promise<void> {
    // A grant listening for changes keeps its upstream link: the stream needs it.
    await this.upstreams.closeIdle(idleMs, (grantId) => this.listens.has(grantId));
  }

  async close(): Promise<void> {
    await this.remote?.close();
    await this.rounds?.close();
    for (const listen of [...this.listens.values()].flatMap((set) => [...set])) listen.abort(new Error('the gateway is shutting down'));
    await this.upstreams.closeAll();
  }

  /** Upstream processes this gateway keeps for 2026-era clients, per grant (ops, tests). */
  upstreamPids(): Promise<{ grantId: string; pid: number | null }[]> {
    return this.upstreams.pids();
  }

  private async credential(target: TargetConfig, grant: GrantRecord): Promise<string | undefined> {
    // credentials: none — nothing was minted, so nothing is fetched and nothing is delivered.
    if (target.credentials.provider === 'none') return undefined;
    const credential = await this.options.vault.get(grant.credentialRef).catch(() => {
      throw new GatewayError(GatewayErrorCode.Unavailable, 'the credential store (Redis) did not answer; access is refused until it does', 503);
    });
    if (credential === null || credential === '') {
      throw new GatewayError(GatewayErrorCode.GrantInactive, `the credential of grant ${grant.grantId} is no longer available (revoked or expired); request access again`, 401);
    }
    return credential;
  }
}

/** How much longer than the upstream timeout a running request stays noted for remote cancels (deciding, masking, recording). */
const NOTE_MARGIN_MS = 30_000;

/** Listen streams one grant may hold open on one gateway process. */
const MAX_LISTENS = 4;

function runningKey(grantId: string, id: string | number): string {
  return `${grantId}\u0000${typeof id}:${String(id)}`;
}
