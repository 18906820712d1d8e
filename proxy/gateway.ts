import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readLimitedBody } from './http-body';
import { isInitializeRequest, isJSONRPCRequest, type JSONRPCRequest } from '@modelcontextprotocol/server';
import { createLogger, GrantStore, GRANT_TOKEN_PREFIX, HSTS, REVOCATION_CHANNEL, type GrantRecord, type ListenerTls, type Logger, type Redis, type RevocationEvent } from '../lib';
import type { GatehouseConfig, TargetConfig } from '../policy';
import { GatewayError, GatewayErrorCode, jsonRpcError } from './errors';
import type { ResponseMasker } from './masking';
import type { GatewayRecorder } from './recording';
import { DecisionWaiter, type CommandReviewer, type DecisionBoard } from './held-commands';
import { RefusalTally, type RefusedGrant } from './refusals';
import { GatewaySession } from './session';
import { MASKING_PLAN_BYTES_PER_SESSION, MASKING_PLANS_PER_SESSION } from './masking-plans';
import { seconds, sessionToEvict } from './session-room';
import { RedisEventStore } from './event-store';
import { corsFor, foreignOrigin, originRules, type OriginRules } from './request-origin';
import { classifyEra, ModernEndpoint } from './modern';
import { SessionDirectory, type SessionRecord } from './session-directory';
import { initializeParams, resumedStart } from './session-resume';
import { GrantCache } from './grant-cache';

export interface GatewayLimits {
  /** Largest POST body accepted, in bytes. */
  maxBodyBytes: number;
  /** Sustained JSON-RPC messages per second per grant, and the burst above it. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Live sessions one grant may hold at once (a target's `sessions.perGrant` overrides it). */
  maxSessionsPerGrant: number;
  /** At the limit, a new session evicts the grant's least recently used one idle this long (`sessions.evictIdleAfter`). */
  evictIdleAfterMs: number;
  /** At the limit, a session with no HTTP request open and nothing pending this long was abandoned and makes way at once (proxy/session-room.ts). */
  evictAbandonedAfterMs: number;
  upstreamTimeoutMs: number;
  holdProgressIntervalMs: number;
  /** How often live sessions are re-checked against Redis (a backstop to the revocation event). */
  sweepIntervalMs: number;
  /** A session with no HTTP request for this long is ended (clients that vanish without DELETE; `sessions.idleTimeout`). */
  sessionIdleMs: number;
  /** Refusals of a grant are counted over this window and recorded as one entry (proxy/refusals.ts). */
  refusalWindowMs: number;
  /** Distinct masking plans one recording session may record; a new one beyond is withheld (proxy/masking-plans.ts). Counted in Redis, across replicas. */
  maskingPlansPerSession: number;
  /** Bytes of masking plan entries one recording session may record; a plan that would pass it is withheld (as maskingPlansPerSession). */
  maskingPlanBytesPerSession: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxBodyBytes: 1024 * 1024,
  messagesPerSecond: 50,
  messageBurst: 100,
  // Desktop clients open a session per launch (mcp-remote two) and rarely DELETE: room for a few
  // restarts, and the least recently used idle session makes way for a new one.
  maxSessionsPerGrant: 8,
  evictIdleAfterMs: 60_000,
  evictAbandonedAfterMs: 2_000,
  upstreamTimeoutMs: 120_000,
  holdProgressIntervalMs: 2_000,
  sweepIntervalMs: 5_000,
  sessionIdleMs: 10 * 60_000,
  refusalWindowMs: 5_000,
  maskingPlansPerSession: MASKING_PLANS_PER_SESSION,
  maskingPlanBytesPerSession: MASKING_PLAN_BYTES_PER_SESSION,
};

/** Where the gateway finds grants and credentials: GrantStore and RedisSecretVault implement these. */
export interface GrantLookup {
  lookup(token: string): Promise<GrantRecord | null>;
  lookupByHash(tokenHash: string): Promise<GrantRecord | null>;
  /** The Redis key that exists exactly while the token's grant is active (GrantStore.activeKey), in the recorder's Redis. */
  activeKey?(tokenHash: string): string;
}
export interface CredentialSource {
  get(credentialRef: string): Promise<string | null>;
}

export interface GatewayOptions {
  config: GatehouseConfig;
  grants: GrantLookup;
  vault: CredentialSource;
  /** A dedicated Redis connection the gateway puts in subscriber mode for revocation events. */
  revocations?: Redis;
  /** Masking for a target's results (phi/). Required: there is no unmasked mode. */
  masker: (target: TargetConfig) => ResponseMasker;
  recorder: GatewayRecorder;
  /** The access workflow, for held commands. Without it (or without `commands`), held commands are refused. */
  reviewer?: CommandReviewer;
  /** Redis for the client-facing SSE event store (Last-Event-ID resume); without it, streams carry no event ids. */
  events?: Redis;
  /** Decisions on held commands (Redis); they arrive on the `revocations` connection's channel. */
  commands?: DecisionBoard;
  /** Redis for 2026-07-28 clients' per-grant state (recording session, rate, holds' requestState), shared by replicas; without it they are refused. */
  state?: Redis;
  limits?: Partial<GatewayLimits>;
  /** The gateway's public base URL (RFC 9728 metadata, Host/Origin checks); else gatehouse.yaml's gateway.publicUrl; else loopback only. */
  publicUrl?: string;
  /**
   * The gateway's own OAuth authorization server (proxy/oauth): answers its paths, and is the only
   * one the protected resource metadata names. The gateway accepts no other tokens than the grant
   * tokens it issues, and MCP 2026-07-28 (RFC 9728) lets a resource advertise only authorization
   * servers whose tokens it accepts: without it the metadata names none.
   */
  authorizationServer?: { handle(req: IncomingMessage, res: ServerResponse, issuer: string): Promise<boolean> };
  /** Where a person or agent asks for a grant (the Gatehouse API or docs). */
  accessRequestUrl?: string;
  /** Serve HTTPS with this certificate (no TLS-terminating load balancer in front), HSTS on every answer; unset: plain HTTP. */
  tls?: ListenerTls;
  log?: Logger;
}

interface Bucket { tokens: number; at: number }

/** A request's grant; `provisional`: from this process's cache, the revocation channel not yet caught up (authenticate). */
interface Authenticated { grant: GrantRecord; tokenHash: string; provisional: boolean }

interface EndedGrant { grantId: string; at: string; reason: string; kind: 'revoked' | 'expired'; requestId?: string }

/** The gateway's word for each refusal it counts against a grant (4xx answers only; 5xx are its own failures). */
const REFUSAL_KINDS: Partial<Record<number, string>> = {
  [GatewayErrorCode.GrantInactive]: 'grant_inactive',
  [GatewayErrorCode.WrongTarget]: 'wrong_target',
  [GatewayErrorCode.SessionMismatch]: 'session_mismatch',
  [GatewayErrorCode.SessionNotFound]: 'session_not_found',
  [GatewayErrorCode.RateLimited]: 'rate_limited',
  [GatewayErrorCode.TooManySessions]: 'too_many_sessions',
  [GatewayErrorCode.BodyTooLarge]: 'body_too_large',
  [GatewayErrorCode.InvalidRequest]: 'invalid_request',
  [GatewayErrorCode.ParseError]: 'parse_error',
  [GatewayErrorCode.TooManyHolds]: 'too_many_holds',
  [GatewayErrorCode.DeniedByPolicy]: 'denied_by_policy',
};

const MCP_PATH = /^\/mcp\/([a-z][a-z0-9-]{0,62})\/?$/;
const METADATA_PATH = /^\/\.well-known\/oauth-protected-resource\/mcp\/([a-z][a-z0-9-]{0,62})\/?$/;
const MEMORY = 10_000;

/**
 * The MCP gateway: one Streamable HTTP endpoint per target (/mcp/<target>). Every HTTP request
 * is authenticated against Redis before anything else happens; sessions are bound to the grant
 * that began them; revocation cuts them.
 */
export class Gateway {
  readonly limits: GatewayLimits;
  private readonly log: Logger;
  private readonly server: Server;
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly starting = new Set<GatewaySession>();
  private readonly buckets = new Map<string, Bucket>();
  /** Grants this gateway saw end, by token hash, so their holders get a precise answer. */
  private readonly endedGrants = new Map<string, EndedGrant>();
  private readonly endedSessions = new Map<string, string>();
  private readonly targets: Map<string, TargetConfig>;
  /** One masker per target, built up front so an invalid masking policy stops the gateway at start. */
  private readonly maskers: Map<string, ResponseMasker>;
  private sweepTimer?: NodeJS.Timeout;
  private readonly waiter?: DecisionWaiter;
  /** Held calls waiting per grant in this gateway (the workflow keeps the cap across gateways too). */
  private readonly holdsWaiting = new Map<string, number>();
  /** The address each session's initialize came from (an unauthenticated DELETE must match it). */
  private readonly startedFrom = new WeakMap<GatewaySession, string>();
  /** HTTP exchanges open per session (POSTs being answered, GET streams): none means its client left. */
  private readonly openRequests = new WeakMap<GatewaySession, number>();
  /** Per grant, places promised to initializes under way (counted against the limit until their session counts itself). */
  private readonly promised = new Map<string, number>();
  /** The Host and Origin values this gateway answers to (DNS-rebinding protection). */
  private readonly origins: OriginRules;
  /** CORS for browser clients on the allowed origins (request-origin.ts); true = it answered a preflight. */
  private readonly cors: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Refusals counted per grant and recorded in windows (a flood writes a few entries, not one each). */
  readonly refusals: RefusalTally;
  /** The grant an HTTP request was made on, once known: its refusal counts against that grant. */
  private readonly grantOfRequest = new WeakMap<IncomingMessage, RefusedGrant>();
  /** 2026-07-28 clients: stateless, per request (proxy/modern). */
  private readonly modern: ModernEndpoint;
  /** 2025-era sessions in Redis, so any gateway sharing it carries a session on after a restart or on another replica (with `events`). */
  private readonly directory?: SessionDirectory;
  /** Resumes under way, by session and token: a client's concurrent requests wait for the same one. */
  private readonly resuming = new Map<string, Promise<GatewaySession | undefined>>();
  /** Grant checks, cached while the revocation channel is followed (grant-cache.ts: fail closed, 1 s bound). */
  private readonly grantCache: GrantCache;
  /** Sessions' request entries are written only while their grant's record exists (recorder.requestWhile). */
  private readonly guardedEntries: boolean;

  constructor(private readonly options: GatewayOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.origins = originRules(options.config.gateway, options.publicUrl);
    this.cors = corsFor(this.origins);
    this.log = options.log ?? createLogger('gateway');
    this.targets = new Map(options.config.targets.map((t) => [t.name, t]));
    this.maskers = new Map(options.config.targets.map((t) => [t.name, options.masker(t)]));
    if (options.commands) this.waiter = new DecisionWaiter(options.commands, this.log);
    this.refusals = new RefusalTally(options.recorder, this.log, this.limits.refusalWindowMs);
    this.modern = new ModernEndpoint({
      ...(options.state ? { state: options.state } : {}),
      masker: (target) => this.maskers.get(target.name)!,
      recorder: options.recorder, vault: options.vault,
      ...(options.reviewer ? { reviewer: options.reviewer } : {}),
      ...(options.commands ? { board: options.commands } : {}),
      limits: this.limits, log: this.log,
      onRefused: (grant, code, message) => this.refusals.note({ grantId: grant.grantId, requestId: grant.requestId }, { status: 200, code, kind: REFUSAL_KINDS[code] ?? `jsonrpc_${-code}`, message }),
      lookupGrant: (tokenHash) => options.grants.lookupByHash(tokenHash),
      targetNamed: (name) => this.targets.get(name),
    });
    if (options.events) this.directory = new SessionDirectory(options.events, randomUUID());
    this.grantCache = new GrantCache(options.grants);
    this.guardedEntries = typeof options.grants.activeKey === 'function' && typeof options.recorder.requestWhile === 'function';
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      if (options.tls) res.setHeader('strict-transport-security', HSTS);
      this.route(req, res).catch((error: unknown) => {
        // A client that gave up (its own timeout) before its request was read: nothing was
        // forwarded and nobody is left to answer; not a gateway failure.
        if (req.aborted || (error as NodeJS.ErrnoException)?.code === 'ECONNRESET') {
          this.log.info({ method: req.method, path: req.url?.split('?')[0] }, 'the client went away before its request was read; nothing was forwarded');
          if (!res.writableEnded) res.destroy();
          return;
        }
        this.log.error({ err: (error as Error).message }, 'unhandled gateway error');
        if (!res.headersSent) this.sendError(res, new GatewayError(GatewayErrorCode.Unavailable, 'the gateway failed on this request; nothing was forwarded', 500));
        else res.end();
      });
    };
    // With TLS the port speaks nothing else: a plain-HTTP client fails its handshake, no answer is sent in clear.
    this.server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, handle) : createServer(handle);
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<{ url: string; port: number }> {
    if (this.options.revocations) await this.subscribe(this.options.revocations);
    if (this.options.revocations && this.waiter) await this.waiter.listen(this.options.revocations);
    // Another gateway took over one of this gateway's sessions (its client came back there): let it go.
    if (this.options.revocations && this.directory) {
      await this.directory.listen(this.options.revocations, ({ sessionId }) => void this.sessions.get(sessionId)?.end('closed', 'the session moved to another gateway (its client came back there)', true));
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.sweepTimer = setInterval(() => void this.sweep(), this.limits.sweepIntervalMs);
    this.sweepTimer.unref();
    return { url: `${this.scheme}://${host.includes(':') ? `[${host}]` : host}:${address.port}`, port: address.port };
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    // Initialized sessions stay resumable on any gateway sharing Redis (session-directory.ts).
    const resumable = (s: GatewaySession) => !!this.directory && !!s.sessionId && this.sessions.has(s.sessionId);
    await Promise.all([...this.sessions.values(), ...this.starting].map((s) => resumable(s)
      ? s.end('closed', 'the gateway is shutting down; the client may resume the session on another gateway', true)
      : s.end('closed', 'the gateway is shutting down')));
    await this.modern.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.refusals.close();
  }

  /** Live sessions, for ops and tests. No secrets. */
  liveSessions(): { sessionId: string; grantId: string; target: string; upstreamPid: number | null }[] {
    return [...this.sessions.values()].map((s) => ({ sessionId: s.sessionId ?? '', grantId: s.grant.grantId, target: s.target, upstreamPid: s.upstreamPid() }));
  }

  /** Sessions whose initialize is still under way (their upstream is already running). */
  startingSessions(): number {
    return this.starting.size;
  }

  /** Cuts every session of a grant (the revocation event calls this). */
  async revoke(event: Pick<RevocationEvent, 'grantId' | 'reason'> & { at?: string; requestId?: string }): Promise<number> {
    const at = event.at ?? new Date().toISOString();
    const cut = [...this.sessions.values(), ...this.starting].filter((s) => s.grant.grantId === event.grantId);
    const requestId = cut[0]?.grant.requestId ?? (typeof event.requestId === 'string' ? event.requestId : undefined);
    this.grantCache.forgetGrant(event.grantId);
    const ended: EndedGrant = { grantId: event.grantId, at, reason: event.reason, kind: 'revoked', ...(requestId ? { requestId } : {}) };
    for (const s of cut) this.remember(this.endedGrants, s.tokenHash, ended);
    // What was refused so far goes into the recording now, before the archiver seals it.
    void this.refusals.flush(event.grantId);
    const revokedHashes = new Set<string>();
    for (const [hash, seen] of this.knownGrants) {
      if (seen === event.grantId) {
        this.remember(this.endedGrants, hash, ended);
        revokedHashes.add(hash);
      }
    }
    // A revoked grant's raw tokens are not kept in memory any longer than needed.
    for (const [token, hash] of this.tokenHashes) if (revokedHashes.has(hash)) this.tokenHashes.delete(token);
    await Promise.all([...cut.map((s) => s.end('revoked', `grant ${event.grantId} was revoked: ${event.reason}`)), this.modern.revoke(event.grantId)]);
    if (cut.length) this.log.info({ grantId: event.grantId, sessions: cut.length }, 'revoked grant: sessions cut');
    return cut.length;
  }

  private readonly knownGrants = new Map<string, string>();
  /**
   * The SHA-256 of the tokens of grants seen lately (GrantStore.hashToken), so a session's requests
   * do not hash the same token on every call, twice when the grant cache was asked (issue 18). Only
   * tokens that named a grant of the target are kept, at most MEMORY, least recently used first out;
   * the hash decides nothing by itself (the grant is looked up by it as before).
   */
  private readonly tokenHashes = new Map<string, string>();

  private async subscribe(redis: Redis): Promise<void> {
    redis.on('message', (channel: string, payload: string) => {
      if (channel !== REVOCATION_CHANNEL) return;
      try {
        const event = JSON.parse(payload) as RevocationEvent;
        if (typeof event.grantId === 'string') void this.revoke(event);
      } catch {
        this.log.warn('ignored a malformed revocation event');
      }
    });
    // After a reconnect, revocations sent meanwhile were missed: check every live session now.
    redis.on('ready', () => void this.sweep());
    await redis.subscribe(REVOCATION_CHANNEL);
    this.grantCache.follow(redis);
  }

  /** Re-checks each live session's grant; ends those whose grant is gone. Redis errors leave them (requests still fail closed). */
  private async sweep(): Promise<void> {
    const byHash = new Map<string, GatewaySession[]>();
    const now = Date.now();
    await this.modern.closeIdle(this.limits.sessionIdleMs);
    // Listen streams whose grant is gone (a revocation event missed, e.g. across a Redis reconnect) end now.
    await this.modern.sweepListens((hash) => this.options.grants.lookupByHash(hash));
    for (const s of [...this.sessions.values()]) {
      const idleMs = this.sessionLimits(this.targets.get(s.target)).idleMs;
      if (now - s.lastActivity > idleMs) {
        await s.end('closed', `no request for ${Math.round(idleMs / 1000)} s`);
        continue;
      }
      byHash.set(s.tokenHash, [...(byHash.get(s.tokenHash) ?? []), s]);
    }
    for (const [hash, list] of byHash) {
      try {
        const grant = await this.options.grants.lookupByHash(hash);
        // An extended grant moves the end of its sessions, even of those only listening on GET.
        if (grant) list.forEach((s) => s.refreshGrant(grant));
        if (!grant) {
          const first = list[0]!;
          this.grantCache.forgetGrant(first.grant.grantId);
          const expired = Date.parse(first.grant.expiresAt) <= Date.now();
          this.remember(this.endedGrants, hash, { grantId: first.grant.grantId, at: new Date().toISOString(), reason: expired ? 'its time ran out' : 'the grant record is gone', kind: expired ? 'expired' : 'revoked' });
          await Promise.all(list.map((s) => s.end(expired ? 'expired' : 'revoked', `grant ${first.grant.grantId} is no longer active`)));
        }
      } catch {
        return;
      }
    }
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    // An MCP endpoint's path as clients send it is its own pathname (no query, dot segment or escape to resolve): parsed as a URL only otherwise.
    const url = { pathname: MCP_PATH.test(raw) ? raw : new URL(raw, 'http://gateway').pathname };
    // Before anything else (tokens, metadata, sign-in): a Host or Origin that is not the gateway's.
    const foreign = url.pathname === '/healthz' ? undefined : foreignOrigin(req.headers, this.origins);
    if (foreign) {
      this.log.warn({ path: url.pathname }, 'refused a request for a foreign Host or Origin');
      this.sendError(res, new GatewayError(GatewayErrorCode.ForeignOrigin, foreign, 403));
      return;
    }
    if (await this.cors(req, res)) return;
    if (await this.options.authorizationServer?.handle(req, res, this.baseUrl(req))) return;
    const metadata = METADATA_PATH.exec(url.pathname);
    if (metadata && req.method === 'GET') return this.protectedResourceMetadata(req, res, metadata[1]!);
    if (url.pathname === '/healthz' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, sessions: this.sessions.size }));
      return;
    }
    const match = MCP_PATH.exec(url.pathname);
    if (!match) {
      this.sendError(res, new GatewayError(GatewayErrorCode.InvalidRequest, `nothing at ${url.pathname}: MCP endpoints are /mcp/<target> (targets: ${[...this.targets.keys()].join(', ')})`, 404));
      return;
    }
    const target = this.targets.get(match[1]!);
    if (!target) {
      this.sendError(res, new GatewayError(GatewayErrorCode.InvalidRequest, `no target "${match[1]}" (targets: ${[...this.targets.keys()].join(', ')})`, 404));
      return;
    }
    try {
      await this.handleMcp(req, res, target);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      this.countRefusal(req, error);
      // A 401 decided elsewhere (a replica that checked a relayed retry's grant again) carries no
      // challenge: every 401 tells the client where to sign in (RFC 6750, RFC 9728).
      if (error.httpStatus === 401 && !error.headers['www-authenticate']) {
        Object.assign(error.headers, this.challenge(req, target, 'invalid_token', error.message));
      }
      this.sendError(res, error);
    }
  }

  private async handleMcp(req: IncomingMessage, res: ServerResponse, target: TargetConfig): Promise<void> {
    if (!['POST', 'GET', 'DELETE'].includes(req.method ?? '')) {
      throw new GatewayError(GatewayErrorCode.InvalidRequest, `method ${req.method} is not allowed: use POST to send, GET to listen, DELETE to end a session`, 405, { allow: 'GET, POST, DELETE' });
    }
    if (req.method === 'DELETE' && !req.headers.authorization && await this.endWithoutToken(req, res, target)) return;
    const sessionHeader = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(sessionHeader) ? sessionHeader[0] : sessionHeader;
    // The grant is checked before the body is even read: an unauthenticated caller gets nothing parsed.
    // A POST to a session of this process may go on with a cached grant without waiting for the
    // revocation channel (provisional): confirmed below unless the body is one request, whose
    // entry is written only while the grant is active (grantKey) and comes before anything it does.
    let auth: Authenticated;
    try {
      auth = await this.authenticate(req, target, this.guardedEntries && req.method === 'POST' && sessionId !== undefined && this.sessions.has(sessionId));
    } catch (error) {
      req.resume();
      throw error;
    }
    const body = req.method === 'POST' ? await this.readBody(req) : undefined;
    // A 2026-07-28 request (its `_meta` envelope says so) is served on its own, without a session.
    const era = classifyEra(req.method ?? '', req.headers, body);
    if (auth.provisional && !(era.kind === 'legacy' && isJSONRPCRequest(body) && body.method !== 'initialize' && this.sessions.has(sessionId!))) {
      auth = await this.authenticate(req, target, false);
    }
    const { grant, tokenHash } = auth;
    if (era.kind !== 'legacy') return this.modern.handle(req, res, target, grant, era, tokenHash);

    if (sessionId) {
      const session = this.sessions.get(sessionId) ?? await this.resume(req, sessionId, target, grant, tokenHash);
      if (!session) {
        const ended = this.endedSessions.get(sessionId);
        throw new GatewayError(GatewayErrorCode.SessionNotFound, ended
          ? `session ${sessionId} has ended (${ended}); start a new session`
          : `no session ${sessionId} on this gateway (it ended, or never existed); start a new session with initialize`, 404);
      }
      if (session.tokenHash !== tokenHash) {
        throw new GatewayError(GatewayErrorCode.SessionMismatch, `session ${sessionId} was started with another grant; a grant token is bound to the sessions it began`, 403);
      }
      if (session.target !== target.name) {
        throw new GatewayError(GatewayErrorCode.SessionMismatch, `session ${sessionId} belongs to target ${session.target}, not ${target.name}`, 403);
      }
      session.refreshGrant(grant);
      this.directory?.touch(sessionId, this.sessionLimits(target).idleMs);
      session.lastActivity = Date.now();
      if (body !== undefined) this.takeRate(grant.grantId, Array.isArray(body) ? body.length : 1);
      const requests = requestsIn(body);
      const ids = requests.map((r) => r.id);
      const taken = session.claimIds(ids);
      if (taken !== undefined) {
        // Its refusal writes an entry of its own: a revoked grant gets its 401 first.
        if (auth.provisional) await this.authenticate(req, target, false);
        // Refused before the transport sees it, so the pending request keeps its id (and its answer).
        const refusal = await session.refuseReusedId(requests.find((r) => r.id === taken)!);
        throw new GatewayError(refusal.code as GatewayErrorCode, refusal.message, 409, {}, taken);
      }
      try {
        this.holdOpen(session, res);
        await session.transport.handleRequest(req, res, body);
      } finally {
        session.releaseIds(ids);
      }
      return;
    }
    if (req.method !== 'POST' || !(isInitializeRequest(body) || (Array.isArray(body) && body.some(isInitializeRequest)))) {
      const id = isJSONRPCRequest(body) ? body.id : null;
      throw new GatewayError(GatewayErrorCode.InvalidRequest, 'Mcp-Session-Id header is required: start a session with an initialize request first', 400, {}, id);
    }
    this.takeRate(grant.grantId, 1);
    const counted = await this.makeRoom(grant, target);
    try {
      await this.startSession(req, res, target, grant, tokenHash, body, counted);
    } finally {
      counted();
    }
  }

  /**
   * Some clients (mcp-go) send DELETE without the Authorization header. Ending a session grants
   * nothing, so it is honoured without the token, but the session id alone is not enough: the
   * DELETE must come from the address that started the session. Anything else gets the usual 401.
   */
  private async endWithoutToken(req: IncomingMessage, res: ServerResponse, target: TargetConfig): Promise<boolean> {
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!session || session.target !== target.name) return false;
    const from = req.socket.remoteAddress;
    if (!from || this.startedFrom.get(session) !== from) return false;
    req.resume();
    await session.end('closed', 'the client ended the session (DELETE without a grant token, from the address that started it)');
    res.writeHead(200).end();
    return true;
  }

  /** Per-target session limits over the gateway's defaults. */
  private sessionLimits(target: TargetConfig | undefined): { perGrant: number; idleMs: number; evictAfterMs: number } {
    return {
      perGrant: target?.sessions?.perGrant ?? this.limits.maxSessionsPerGrant,
      idleMs: target?.sessions?.idleTimeout ?? this.limits.sessionIdleMs,
      evictAfterMs: target?.sessions?.evictIdleAfter ?? this.limits.evictIdleAfterMs,
    };
  }

  /**
   * A grant at its session limit: an abandoned session (nothing open, nothing pending) or one idle
   * for long enough makes way (clients end or restart without DELETE; session-room.ts); otherwise
   * 429 with when to retry.
   */
  private async makeRoom(grant: GrantRecord, target: TargetConfig): Promise<() => void> {
    const limits = this.sessionLimits(target);
    // Counted without an await in between, so concurrent initializes cannot all pass the same check:
    // live sessions, ones starting, and the places already promised to initializes under way.
    const mine = (s: GatewaySession) => s.grant.grantId === grant.grantId && !s.ended;
    const live = [...this.sessions.values(), ...this.starting].filter(mine);
    const promised = this.promised.get(grant.grantId) ?? 0;
    const promise = () => {
      this.promised.set(grant.grantId, (this.promised.get(grant.grantId) ?? 0) + 1);
      let kept = false;
      return () => {
        if (kept) return;
        kept = true;
        const n = (this.promised.get(grant.grantId) ?? 1) - 1;
        if (n <= 0) this.promised.delete(grant.grantId);
        else this.promised.set(grant.grantId, n);
      };
    };
    if (live.length + promised < limits.perGrant) return promise();
    const now = Date.now();
    const candidates = [...this.sessions.values()].filter(mine)
      .map((session) => ({ session, lastActivity: session.lastActivity, openRequests: this.openRequests.get(session) ?? 0, pendingCalls: session.pendingCalls }));
    const rules = { evictAbandonedAfterMs: this.limits.evictAbandonedAfterMs, evictIdleAfterMs: limits.evictAfterMs };
    const eviction = sessionToEvict(candidates, rules, now);
    if (eviction) {
      const { session, why, idleMs } = eviction;
      const counted = promise();
      this.log.info({ grantId: grant.grantId, sessionId: session.session.sessionId, idleMs, why }, 'a new session takes the place of an unused one');
      await session.session.end('closed', why === 'abandoned'
        ? `evicted: grant ${grant.grantId} reached ${limits.perGrant} sessions and this one was abandoned (no request open, nothing pending, last used ${seconds(idleMs)} s ago, no DELETE came)`
        : `evicted: grant ${grant.grantId} reached ${limits.perGrant} sessions and this one was the least recently used (idle ${Math.round(idleMs / 1000)} s)`);
      return counted;
    }
    // When the first of them may make way, if nothing is sent on it meanwhile.
    const waits = candidates.filter((c) => c.pendingCalls === 0).map((c) => (c.openRequests ? limits.evictAfterMs : this.limits.evictAbandonedAfterMs) - (now - c.lastActivity));
    const retry = Math.max(1, Math.ceil((waits.length ? Math.min(...waits) : limits.evictAfterMs) / 1000));
    throw new GatewayError(GatewayErrorCode.TooManySessions,
      `grant ${grant.grantId} already has ${live.length + promised} live sessions (at most ${limits.perGrant}) on ${target.name}, all in use: a session makes way once nothing is open or pending on it for ${seconds(this.limits.evictAbandonedAfterMs)} s, or once it has sent no request for ${seconds(limits.evictAfterMs)} s; end one (DELETE) or retry in ${retry} s`,
      429, { 'retry-after': String(retry) });
  }

  /** Counts an HTTP exchange open on a session until its response ends: a session with none was left by its client. */
  private holdOpen(session: GatewaySession, res: ServerResponse): void {
    this.openRequests.set(session, (this.openRequests.get(session) ?? 0) + 1);
    res.once('close', () => this.openRequests.set(session, Math.max(0, (this.openRequests.get(session) ?? 1) - 1)));
  }

  /**
   * A session this gateway does not hold, found in the directory: carried on here when the token
   * is the one that began it (the grant itself was checked already, as on every request) and the
   * target is the same. The upstream is re-opened and re-initialized; the client's Last-Event-ID
   * then replays from the session's event store. Undefined when no gateway knows the session.
   */
  private async resume(req: IncomingMessage, sessionId: string, target: TargetConfig, grant: GrantRecord, tokenHash: string): Promise<GatewaySession | undefined> {
    const directory = this.directory;
    if (!directory || !SessionDirectory.isSessionId(sessionId)) return undefined;
    const key = `${sessionId} ${tokenHash}`;
    const under = this.resuming.get(key);
    if (under) return under;
    const resuming = (async () => {
      const found = await directory.find(sessionId).catch(() => {
        throw new GatewayError(GatewayErrorCode.Unavailable, 'the session directory (Redis) did not answer; retry', 503, { 'retry-after': '5' });
      });
      if (!found) return undefined;
      // Checked before the session is taken: a stolen id with another token must not disturb its holder.
      if (found.tokenHash !== tokenHash || found.grantId !== grant.grantId || found.subject !== grant.subject) {
        throw new GatewayError(GatewayErrorCode.SessionMismatch, `session ${sessionId} was started with another grant; a grant token is bound to the sessions it began`, 403);
      }
      if (found.target !== target.name) {
        throw new GatewayError(GatewayErrorCode.SessionMismatch, `session ${sessionId} belongs to target ${found.target}, not ${target.name}`, 403);
      }
      const counted = await this.makeRoom(grant, target);
      try {
        const record = await directory.claim(sessionId, this.sessionLimits(target).idleMs).catch(() => {
          throw new GatewayError(GatewayErrorCode.Unavailable, 'the session directory (Redis) did not answer; retry', 503, { 'retry-after': '5' });
        });
        if (!record) return undefined;
        const session = await this.openSession(req, target, grant, tokenHash, counted, record.initialize, record);
        this.log.info({ sessionId, grantId: grant.grantId, target: target.name }, 'resumed a session another gateway began');
        return session;
      } finally {
        counted();
      }
    })();
    this.resuming.set(key, resuming);
    try {
      return await resuming;
    } finally {
      this.resuming.delete(key);
    }
  }

  private async startSession(req: IncomingMessage, res: ServerResponse, target: TargetConfig, grant: GrantRecord, tokenHash: string, body: unknown, counted: () => void): Promise<void> {
    const session = await this.openSession(req, target, grant, tokenHash, counted, initializeParams(body));
    this.holdOpen(session, res);
    await session.transport.handleRequest(req, res, body);
    // The transport answered without starting a session (e.g. a wrong Accept header): stop the upstream.
    if (!session.sessionId) await session.end('error', 'the initialize request was rejected');
  }

  /** A session with its upstream running: a new one (the client's initialize comes next), or one `resumed` from the directory. */
  private async openSession(req: IncomingMessage, target: TargetConfig, grant: GrantRecord, tokenHash: string, counted: () => void, initialize: Record<string, unknown>, resumed?: SessionRecord): Promise<GatewaySession> {
    // credentials: none — nothing was minted, so nothing is fetched and nothing is delivered.
    const credential = target.credentials.provider === 'none' ? undefined : await this.options.vault.get(grant.credentialRef).catch(() => {
      throw new GatewayError(GatewayErrorCode.Unavailable, 'the credential store (Redis) did not answer; access is refused until it does', 503);
    });
    if (credential === null || credential === '') {
      throw new GatewayError(GatewayErrorCode.GrantInactive, `the credential of grant ${grant.grantId} is no longer available (revoked or expired); request access again`, 401);
    }
    const { events: eventsRedis, recorder } = this.options;
    const events = eventsRedis ? new RedisEventStore(eventsRedis, this.sessionLimits(target).idleMs, resumed?.events, recorder.entriesKeyIn?.(eventsRedis, grant.requestId)) : undefined;
    const session: GatewaySession = new GatewaySession({
      target, grant, tokenHash,
      masker: this.maskers.get(target.name)!,
      recorder: this.options.recorder,
      ...(this.guardedEntries ? { grantKey: this.options.grants.activeKey!(tokenHash) } : {}),
      ...(this.options.reviewer ? { reviewer: this.options.reviewer } : {}),
      ...(this.options.commands && this.waiter ? { decisions: { board: this.options.commands, waiter: this.waiter } } : {}),
      holdSlots: {
        take: (grantId, max) => {
          const n = this.holdsWaiting.get(grantId) ?? 0;
          if (n >= max) return false;
          this.holdsWaiting.set(grantId, n + 1);
          return true;
        },
        release: (grantId) => {
          const n = (this.holdsWaiting.get(grantId) ?? 1) - 1;
          if (n <= 0) this.holdsWaiting.delete(grantId);
          else this.holdsWaiting.set(grantId, n);
        },
      },
      limits: this.limits,
      log: this.log,
      ...(events ? { eventStore: events } : {}),
      ...(resumed ? { resumed: { sessionId: resumed.sessionId, initialize: resumed.initialize } } : {}),
      // Refused inside the session (a JSON-RPC error on a 200: policy, too many holds, id in use): counted too.
      onRefused: (code, message, kind) => this.refusals.note(
        { grantId: grant.grantId, requestId: grant.requestId },
        { status: 200, code, kind: kind ?? REFUSAL_KINDS[code] ?? `jsonrpc_${-code}`, message },
      ),
      onInitialized: (s) => {
        this.starting.delete(s);
        if (s.sessionId) {
          this.sessions.set(s.sessionId, s);
          const record: SessionRecord = {
            sessionId: s.sessionId, target: target.name, grantId: grant.grantId, requestId: grant.requestId, tokenHash, subject: grant.subject,
            initialize, ...(events ? { events: events.tag } : {}), startedAt: new Date(s.createdAt).toISOString(),
          };
          // Best effort: without it the session still works here, it only cannot be resumed elsewhere.
          this.directory?.save(record, this.sessionLimits(target).idleMs).catch((error: Error) => {
            this.log.warn({ sessionId: s.sessionId, err: error.message }, 'could not keep the session resumable in Redis');
          });
          // Best effort: the thread's "session started" reply must not hold up or fail the session.
          this.options.reviewer?.sessionStarted?.(s.grant.requestId, { sessionId: s.sessionId }).catch((error: Error) => {
            this.log.warn({ requestId: s.grant.requestId, err: error.message }, 'could not tell the request that a session started');
          });
        }
      },
      onEnded: (s) => {
        this.starting.delete(s);
        if (s.ended?.reason === 'expired') {
          this.remember(this.endedGrants, s.tokenHash, { grantId: s.grant.grantId, at: s.grant.expiresAt, reason: 'its time ran out', kind: 'expired' });
        }
        if (s.sessionId) {
          if (this.sessions.get(s.sessionId) === s) this.sessions.delete(s.sessionId);
          if (s.ended?.resumable) this.directory?.release(s.sessionId);
          else this.directory?.forget(s.sessionId).catch((error: Error) => this.log.warn({ sessionId: s.sessionId, err: error.message }, 'could not remove an ended session from Redis'));
          this.remember(this.endedSessions, s.sessionId, `${s.ended?.reason}: ${s.ended?.detail}`);
        }
      },
    });
    this.starting.add(session);
    counted(); // the session now counts itself
    // The address that began (or resumed) the session: an unauthenticated DELETE must come from it.
    if (req.socket.remoteAddress) this.startedFrom.set(session, req.socket.remoteAddress);
    if (resumed) {
      // Recorded before the upstream hears anything: the same recording, marked as carried on here.
      await this.options.recorder.sessionStart(grant.requestId, resumedStart(resumed)).catch(async (error: Error) => {
        await session.end('error', 'the resumed session could not be recorded');
        throw new GatewayError(GatewayErrorCode.Unavailable, `session ${resumed.sessionId} cannot be resumed: the session recording did not take it (${error.message}), and nothing is forwarded without a record`, 503);
      });
    }
    try {
      await session.startUpstream(credential);
    } catch (error) {
      await session.end('error', 'the upstream MCP server could not be started');
      this.log.error({ target: target.name, err: (error as Error).message }, 'upstream did not start');
      throw new GatewayError(GatewayErrorCode.UpstreamFailed, `the upstream MCP server for ${target.name} could not be started; try again or tell an operator`, 502);
    }
    if (resumed) {
      this.starting.delete(session);
      this.sessions.set(resumed.sessionId, session);
    }
    return session;
  }

  /** A refusal on a known grant is counted against it (and recorded in its window); 5xx are not refusals. */
  private countRefusal(req: IncomingMessage, error: GatewayError): void {
    const grant = this.grantOfRequest.get(req);
    if (!grant || error.httpStatus < 400 || error.httpStatus >= 500) return;
    const kind = REFUSAL_KINDS[error.code] ?? `http_${error.httpStatus}`;
    this.refusals.note(grant, { status: error.httpStatus, code: error.code, kind: error.httpStatus === 409 ? 'id_in_use' : kind, message: error.message });
  }

  /**
   * The grant check every HTTP request goes through, against Redis, before anything else.
   * `provisional`: a grant cached by this process may be returned before the revocation channel
   * has caught up (GrantCache.peekByHash); the caller confirms it unless the request's own entry
   * checks the grant (handleMcp).
   */
  private async authenticate(req: IncomingMessage, target: TargetConfig, provisional: boolean): Promise<Authenticated> {
    const challenge = (error?: string, description?: string) => this.challenge(req, target, error, description);
    const header = req.headers.authorization;
    if (!header) {
      throw new GatewayError(GatewayErrorCode.GrantRequired, `Authorization: Bearer <grant token> is required for ${target.name}; request access (${this.options.accessRequestUrl ?? 'gatehouse request, or /access in Slack'}) to get one`, 401, challenge());
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) {
      throw new GatewayError(GatewayErrorCode.GrantRequired, 'the Authorization header must be "Bearer <grant token>"', 401, challenge('invalid_request', 'malformed Authorization header'));
    }
    const token = m[1]!;
    const tokenHash = this.tokenHashes.get(token) ?? GrantStore.hashToken(token);
    let grant: GrantRecord | null | undefined = provisional ? this.grantCache.peekByHash(tokenHash) : undefined;
    const unconfirmed = grant !== undefined;
    try {
      grant ??= token.startsWith(GRANT_TOKEN_PREFIX) ? await this.grantCache.lookupByHash(tokenHash) : null;
    } catch {
      throw new GatewayError(GatewayErrorCode.Unavailable, 'the grant store (Redis) did not answer, so the grant cannot be checked; access is refused until it does', 503, { 'retry-after': '5' });
    }
    if (!grant) {
      this.tokenHashes.delete(token); // expired (or removed) since it was remembered: not kept any longer
      const ended = this.endedGrants.get(tokenHash);
      // A grant this gateway saw end: its holder's attempts still count against it (best effort: the recording may be sealed).
      if (ended?.requestId) this.grantOfRequest.set(req, { grantId: ended.grantId, requestId: ended.requestId });
      const description = ended
        ? `grant ${ended.grantId} was ${ended.kind} at ${ended.at} (${ended.reason}); request access again`
        : 'the grant token is not active: it is unknown, expired or revoked; request access again';
      throw new GatewayError(GatewayErrorCode.GrantInactive, description, 401, challenge('invalid_token', description));
    }
    this.grantOfRequest.set(req, { grantId: grant.grantId, requestId: grant.requestId });
    if (grant.target !== target.name) {
      // A token for another resource fails validation here (401 invalid_token, this target's metadata):
      // the client then asks for a grant for this target; a 403 would send it round a step-up loop
      // for a scope that does not exist (docs/grant-on-another-target.md).
      throw new GatewayError(GatewayErrorCode.WrongTarget, `this grant is for target ${grant.target}, not ${target.name}; use /mcp/${grant.target} or request access to ${target.name}`, 401,
        challenge('invalid_token', `grant is for ${grant.target}`));
    }
    this.remember(this.knownGrants, tokenHash, grant.grantId);
    this.remember(this.tokenHashes, token, tokenHash);
    return { grant, tokenHash, provisional: unconfirmed };
  }

  private takeRate(grantId: string, messages: number): void {
    const now = Date.now();
    const bucket = this.buckets.get(grantId) ?? { tokens: this.limits.messageBurst, at: now };
    bucket.tokens = Math.min(this.limits.messageBurst, bucket.tokens + ((now - bucket.at) / 1000) * this.limits.messagesPerSecond);
    bucket.at = now;
    if (bucket.tokens < messages) {
      this.remember(this.buckets, grantId, bucket);
      const wait = Math.ceil((messages - bucket.tokens) / this.limits.messagesPerSecond);
      throw new GatewayError(GatewayErrorCode.RateLimited, `too many messages for grant ${grantId}: at most ${this.limits.messagesPerSecond} per second (burst ${this.limits.messageBurst}); retry in ${wait} s`, 429, { 'retry-after': String(wait) });
    }
    bucket.tokens -= messages;
    this.remember(this.buckets, grantId, bucket);
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const max = this.limits.maxBodyBytes;
    const tooLarge = () => new GatewayError(GatewayErrorCode.BodyTooLarge, `the request body is larger than ${max} bytes; send smaller messages`, 413);
    const text = await readLimitedBody(req, max, tooLarge);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new GatewayError(GatewayErrorCode.ParseError, `the body is not valid JSON: ${(error as Error).message}`, 400);
    }
  }

  private get scheme(): 'http' | 'https' {
    return this.options.tls ? 'https' : 'http';
  }

  private baseUrl(req: IncomingMessage): string {
    // Without a public URL only loopback Hosts get this far (request-origin.ts): nothing foreign is reflected.
    return (this.origins.publicUrl ?? `${this.scheme}://${req.headers.host ?? 'localhost'}`).replace(/\/$/, '');
  }

  /** The WWW-Authenticate header of a 401: where this target's protected resource metadata is, and why. */
  private challenge(req: IncomingMessage, target: TargetConfig, error?: string, description?: string): Record<string, string> {
    return {
      'www-authenticate': `Bearer realm="gatehouse", resource_metadata="${this.metadataUrl(req, target.name)}"` +
        (error ? `, error="${error}", error_description="${description?.replace(/"/g, "'")}"` : ''),
    };
  }

  private metadataUrl(req: IncomingMessage, target: string): string {
    return `${this.baseUrl(req)}/.well-known/oauth-protected-resource/mcp/${target}`;
  }

  /** RFC 9728 protected resource metadata, at the path-inserted well-known location. */
  private protectedResourceMetadata(req: IncomingMessage, res: ServerResponse, name: string): void {
    const target = this.targets.get(name);
    if (!target) {
      this.sendError(res, new GatewayError(GatewayErrorCode.InvalidRequest, `no target "${name}"`, 404));
      return;
    }
    const doc = {
      resource: `${this.baseUrl(req)}/mcp/${target.name}`,
      ...(this.options.authorizationServer ? { authorization_servers: [this.baseUrl(req)] } : {}),
      bearer_methods_supported: ['header'],
      resource_name: `Gatehouse: ${target.description || target.name}`,
      ...(this.options.accessRequestUrl ? { resource_documentation: this.options.accessRequestUrl } : {}),
    };
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(JSON.stringify(doc));
  }

  private sendError(res: ServerResponse, error: GatewayError): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(error.httpStatus, { 'content-type': 'application/json', ...error.headers });
    res.end(JSON.stringify(jsonRpcError(error.id ?? null, error.code, error.message, error.data)));
  }

  private remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MEMORY) map.delete(map.keys().next().value as K);
  }
}

/** The JSON-RPC requests in a POST body (one message or a batch). */
function requestsIn(body: unknown): JSONRPCRequest[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.filter((m): m is JSONRPCRequest => isJSONRPCRequest(m));
}
