import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GrantRecord, Logger, Redis } from '../../lib';
import type { TargetConfig } from '../../policy';
import { GatewayError, GatewayErrorCode } from '../errors';
import type { CommandReviewer, DecisionBoard } from '../held-commands';
import type { ResponseMasker } from '../masking';
import type { GatewayRecorder } from '../recording';
import { AnswerStream } from './answer-stream';
import type { Era } from './era';
import { ModernExchange } from './exchange';
import { GrantState } from './grant-state';
import { GrantUpstreams } from './grant-upstreams';
import { RemoteCancels, type RemoteCancel } from './remote-cancels';

export interface ModernEndpointOptions {
  /** Shared state (Redis) every replica reads: without it 2026-era requests are refused (fail closed). */
  state?: Redis;
  masker(target: TargetConfig): ResponseMasker;
  recorder: GatewayRecorder;
  vault: { get(credentialRef: string): Promise<string | null> };
  reviewer?: CommandReviewer;
  board?: DecisionBoard;
  limits: { upstreamTimeoutMs: number; messagesPerSecond: number; messageBurst: number };
  log: Logger;
  onRefused?(grant: GrantRecord, code: number, message: string): void;
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
  /** Open subscriptions/listen streams of this process, by grant: revocation, expiry and shutdown end them. */
  private readonly listens = new Map<string, Set<AbortController>>();
  /** The token hash each listening grant was presented with (the sweep looks the grant up by it). */
  private readonly listenTokens = new Map<string, string>();
  /** Requests running in this process, by grant and the client's id: what a `notifications/cancelled` can reach. */
  private readonly running = new Map<string, Set<AnswerStream>>();
  /** Cancels between replicas: a client's cancel may land on one that does not run its request (remote-cancels.ts). */
  private readonly remote?: RemoteCancels;

  constructor(private readonly options: ModernEndpointOptions) {
    if (options.state) {
      this.state = new GrantState(options.state);
      this.remote = new RemoteCancels(options.state, options.log, (cancel) => this.cancelHere(cancel));
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
    const listening = era.message.method === 'subscriptions/listen' ? this.openListen(grant, tokenHash) : undefined;
    const key = runningKey(grant.grantId, era.message.id);
    const running = this.running.get(key) ?? new Set<AnswerStream>();
    running.add(stream);
    this.running.set(key, running);
    // Reachable by a cancel sent to another replica: this one follows those cancels, and notes the
    // request in Redis for as long as it may run (a listen stream ends by its client closing it).
    let noted: (() => Promise<void>) | undefined;
    if (this.remote && !listening) {
      await this.remote.listen();
      noted = await this.remote.running(grant.grantId, era.message.id, this.options.limits.upstreamTimeoutMs + NOTE_MARGIN_MS);
    }
    const exchange = new ModernExchange({
      target, grant, state,
      masker: this.options.masker(target),
      recorder: this.options.recorder,
      upstream: () => this.upstreams.get(target, grant, () => this.credential(target, grant)),
      ...(this.options.reviewer ? { reviewer: this.options.reviewer } : {}),
      ...(this.options.board ? { board: this.options.board } : {}),
      upstreamTimeoutMs: this.options.limits.upstreamTimeoutMs,
      log: this.options.log,
      onRefused: (code, message) => this.options.onRefused?.(grant, code, message),
      stream,
      ...(listening ? { ended: listening.signal } : {}),
    });
    try {
      stream.finish(await exchange.answer(era.message));
    } catch (error) {
      // Refused after the stream began: the refusal is its last event (the HTTP status is sent already).
      if (error instanceof GatewayError && stream.fail(error, era.message.id)) return;
      throw error;
    } finally {
      listening?.close();
      running.delete(stream);
      if (!running.size && this.running.get(key) === running) this.running.delete(key);
      await noted?.();
    }
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
