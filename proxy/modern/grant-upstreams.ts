import { LATEST_PROTOCOL_VERSION, isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { GrantRecord, Logger } from '../../lib';
import type { TargetConfig } from '../../policy';
import { GatewayError, GatewayErrorCode, jsonRpcError } from '../errors';
import { openUpstream, type UpstreamHandle } from '../upstream';
import { GATEWAY_INFO } from './wire';

/** What an upstream answered: a result, a JSON-RPC error, or (its own multi-round-trip) input it needs first. */
export type UpstreamAnswer =
  | { result: Record<string, unknown> }
  | { error: { code: number; message: string; data?: unknown } }
  | { inputRequired: { inputRequests?: Record<string, { method: string; params?: Record<string, unknown> }>; requestState?: string } };

export interface UpstreamCallOptions {
  timeoutMs: number;
  /** The client's retry of an input round the upstream asked for (its state exactly as given, and the answers). */
  retry?: { requestState: string; inputResponses?: Record<string, unknown> };
}

/**
 * How the modern path reaches a target's MCP server for one grant: the shape of the upstream
 * side's stateless caller (proxy/upstream-caller.ts, issue 24's upstream half), which any
 * link here satisfies, so either can serve.
 */
export interface UpstreamLink {
  /** The upstream's initialize result (capabilities, serverInfo, instructions), 2025-style. */
  readonly initialized: Record<string, unknown>;
  call(method: string, params: Record<string, unknown> | undefined, options: UpstreamCallOptions): Promise<UpstreamAnswer>;
  pid(): number | null;
  close(): Promise<void>;
}

/**
 * A 2025-era upstream keeps its session inside the gateway: one per grant per gateway process,
 * opened on the grant's first 2026-era request with the grant's credential and initialized by
 * the gateway. Message ids toward it are the gateway's own (clients' ids never reach it), so the
 * requests of many stateless clients of one grant share it without colliding.
 */
class LegacyUpstreamLink implements UpstreamLink {
  initialized: Record<string, unknown> = {};
  private next = 0;
  private readonly waiting = new Map<string, (answer: UpstreamAnswer) => void>();
  private closed = false;

  constructor(private readonly handle: UpstreamHandle, private readonly log: Logger, readonly onGone: () => void) {
    handle.transport.onmessage = (message) => this.fromUpstream(message);
    handle.transport.onerror = (error) => log.debug({ err: error.message }, 'upstream transport error');
    handle.transport.onclose = () => this.gone('the upstream MCP server closed the connection');
  }

  async open(timeoutMs: number): Promise<void> {
    await this.handle.transport.start();
    const answer = await this.call('initialize', { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: GATEWAY_INFO }, { timeoutMs });
    if (!('result' in answer)) throw new Error(`the upstream refused initialize: ${'error' in answer ? answer.error.message : 'it asked for input'}`);
    this.initialized = answer.result;
    await this.handle.transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  call(method: string, params: Record<string, unknown> | undefined, { timeoutMs, retry }: UpstreamCallOptions): Promise<UpstreamAnswer> {
    if (this.closed) return Promise.reject(new GatewayError(GatewayErrorCode.UpstreamFailed, 'the upstream MCP server is gone; try again', 502));
    // This link asks its upstream nothing mid-call (it refuses the upstream's own requests), so it hands out no input rounds.
    if (retry) return Promise.resolve({ error: { code: GatewayErrorCode.InvalidParams, message: 'requestState names no input round of this gateway; send the request again without it' } });
    const id = `gh-${++this.next}`;
    return new Promise<UpstreamAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        void this.handle.transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'gateway timeout' } }).catch(() => undefined);
        reject(new GatewayError(GatewayErrorCode.UpstreamTimeout, `the upstream MCP server did not answer ${method} within ${timeoutMs} ms`, 504));
      }, timeoutMs);
      timer.unref();
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.handle.transport.send({ jsonrpc: '2.0', id, method, ...(params !== undefined ? { params } : {}) }).catch((error: Error) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        reject(new GatewayError(GatewayErrorCode.UpstreamFailed, `the upstream MCP server could not be reached: ${error.message}`, 502));
      });
    });
  }

  pid(): number | null {
    return this.handle.pid();
  }

  async close(): Promise<void> {
    this.gone('closed by the gateway');
    const pid = this.handle.pid();
    await this.handle.transport.close().catch(() => undefined);
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }

  private gone(why: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const resolve of this.waiting.values()) resolve({ error: { code: GatewayErrorCode.UpstreamFailed, message: `the upstream MCP server went away before answering (${why})` } });
    this.waiting.clear();
    this.onGone();
  }

  private fromUpstream(message: JSONRPCMessage): void {
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      const resolve = message.id !== undefined ? this.waiting.get(String(message.id)) : undefined;
      if (!resolve) return;
      this.waiting.delete(String(message.id));
      resolve(isJSONRPCResultResponse(message) ? { result: message.result as Record<string, unknown> } : { error: message.error });
      return;
    }
    if (isJSONRPCRequest(message)) {
      // Sampling, elicitation, roots: a stateless client cannot be asked in the middle of a call
      // (translating them into multi-round-trip requests is not built yet), so the upstream hears no.
      const answer = message.method === 'ping'
        ? { jsonrpc: '2.0' as const, id: message.id, result: {} }
        : jsonRpcError(message.id, GatewayErrorCode.MethodNotFound, `${message.method} is not available: this gateway's client speaks the stateless 2026-07-28 revision and is not asked mid-call`);
      void this.handle.transport.send(answer).catch(() => undefined);
    }
    // Notifications (progress, logging, list changes) have no stream to go to in JSON answers: dropped.
  }
}

/** The upstream links of this gateway process, one per grant; closed when the grant ends, idles or the gateway stops. */
export class GrantUpstreams {
  private readonly links = new Map<string, { link: Promise<UpstreamLink>; lastUsed: number; expiry: NodeJS.Timeout }>();

  constructor(private readonly log: Logger, private readonly startTimeoutMs: number) {}

  /** The grant's link, opened with its credential on first use. */
  get(target: TargetConfig, grant: GrantRecord, credential: () => Promise<string | undefined>): Promise<UpstreamLink> {
    const known = this.links.get(grant.grantId);
    if (known) {
      known.lastUsed = Date.now();
      return known.link;
    }
    const link = (async () => {
      const handle = openUpstream(target, grant, await credential(), (chunk) => this.log.debug({ target: target.name, bytes: chunk.length }, 'upstream stderr'));
      const opened = new LegacyUpstreamLink(handle, this.log, () => {
        if (this.links.get(grant.grantId)?.link === link) this.forget(grant.grantId);
      });
      try {
        await opened.open(this.startTimeoutMs);
      } catch (error) {
        await opened.close();
        throw error;
      }
      return opened;
    })();
    const expiry = setTimeout(() => void this.close(grant.grantId), Math.min(Math.max(0, Date.parse(grant.expiresAt) - Date.now()), 2_147_483_647));
    expiry.unref();
    this.links.set(grant.grantId, { link, lastUsed: Date.now(), expiry });
    link.catch(() => this.forget(grant.grantId));
    return link;
  }

  /** Process ids of the links' stdio upstreams, for ops and tests. */
  async pids(): Promise<{ grantId: string; pid: number | null }[]> {
    return Promise.all([...this.links].map(async ([grantId, l]) => ({ grantId, pid: await l.link.then((x) => x.pid(), () => null) })));
  }

  async close(grantId: string): Promise<void> {
    const known = this.links.get(grantId);
    if (!known) return;
    this.forget(grantId);
    await known.link.then((l) => l.close(), () => undefined);
  }

  /** Closes links unused for `idleMs`. */
  async closeIdle(idleMs: number): Promise<void> {
    const now = Date.now();
    await Promise.all([...this.links].filter(([, l]) => now - l.lastUsed > idleMs).map(([grantId]) => this.close(grantId)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.links.keys()].map((grantId) => this.close(grantId)));
  }

  private forget(grantId: string): void {
    const known = this.links.get(grantId);
    if (known) clearTimeout(known.expiry);
    this.links.delete(grantId);
  }
}
