import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GrantRecord, Logger, Redis } from '../../lib';
import type { TargetConfig } from '../../policy';
import { GatewayError, GatewayErrorCode } from '../errors';
import type { CommandReviewer, DecisionBoard } from '../held-commands';
import type { ResponseMasker } from '../masking';
import type { GatewayRecorder } from '../recording';
import type { Era } from './era';
import { ModernExchange } from './exchange';
import { GrantState } from './grant-state';
import { GrantUpstreams } from './grant-upstreams';

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

  constructor(private readonly options: ModernEndpointOptions) {
    if (options.state) this.state = new GrantState(options.state);
    this.upstreams = new GrantUpstreams(options.log, options.limits.upstreamTimeoutMs);
  }

  async handle(req: IncomingMessage, res: ServerResponse, target: TargetConfig, grant: GrantRecord, era: Exclude<Era, { kind: 'legacy' }>): Promise<void> {
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
    // A notification asks for nothing: accepted, and there is nothing to carry it to (no stream in the stateless era).
    if (era.kind === 'modern-notification') {
      res.writeHead(202).end();
      return;
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
    });
    const answer = await exchange.answer(era.message);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(answer));
  }

  /** The grant ended (revoked or expired): its upstream link closes now. */
  async revoke(grantId: string): Promise<void> {
    await this.upstreams.close(grantId);
  }

  async closeIdle(idleMs: number): Promise<void> {
    await this.upstreams.closeIdle(idleMs);
  }

  async close(): Promise<void> {
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
