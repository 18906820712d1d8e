// Test support for the gateway: real Redis, real grant store and vault, a real MCP client over
// loopback HTTP. The masker and the recorder are test doubles built from the gateway's own
// interfaces (phi/ and audit/ provide the real ones).
import { randomBytes } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { FetchLike } from '../support/https-fetch';
import { fetchWithOwnSignal } from '../../devstack';
import { connectRedis, GrantStore, newGrantId, newRequestId, RedisSecretVault, type GrantRecord, type ListenerTls, type Logger, type Redis } from '../../lib';
import { parseConfig, type GatehouseConfig, type TargetConfig } from '../../policy';
import {
  Gateway, type CommandReviewer, type DecisionBoard, type GatewayLimits, type GatewayRecorder, type MaskContext, type MaskOutcome, type ResponseMasker,
} from '../../proxy';

export const everythingServer = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

export const GATEWAY_TEST_CONFIG = `
version: 1
defaults: { commandApprovalTimeout: 3s }
groups:
  approvers: [alice@example.org, bob@example.org]
targets:
  - name: everything
    description: server-everything, all tools
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
  - name: sql-echo
    description: echo's message treated as SQL, to exercise the SQL policy without Snowflake
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
      tools: [echo, get-sum]
      sqlArguments: [message]
      sql: { read: allow, write: hold, ddl: deny, privilege: deny, export: deny, multi_statement: hold, unparseable: hold }
      rowLimit: 5
`;

/** Masks SSNs and MRNs in every string; throws on a marker in a result, to prove the gateway fails closed. */
export class TestMasker implements ResponseMasker {
  static readonly FAIL_MARKER = 'PLEASE-FAIL-MASKING';
  calls = 0;
  mask<T>(value: T, context: MaskContext): MaskOutcome<T> {
    this.calls += 1;
    const counts: Record<string, number> = {};
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') {
        if (context.part === 'result' && v.includes(TestMasker.FAIL_MARKER)) throw new Error('the masking engine failed');
        return v
          .replace(/\b\d{3}-\d{2}-\d{4}\b/g, () => { counts.SSN = (counts.SSN ?? 0) + 1; return '[SSN]'; })
          .replace(/\bMRN-\d{6,}\b/g, () => { counts.MRN = (counts.MRN ?? 0) + 1; return '[MRN]'; });
      }
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    const masked = walk(value) as T;
    return { masked, report: { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) } };
  }
}

export interface RecordedEntry { requestId: string; type: 'session_start' | 'request' | 'response' | 'session_end' | 'refusals' | 'masking_plan'; [k: string]: unknown }

/** Keeps entries in memory; `failing` makes every write reject (the recording is down). */
export class MemoryRecorder implements GatewayRecorder {
  readonly entries: RecordedEntry[] = [];
  failing = false;
  private add(requestId: string, type: RecordedEntry['type'], entry: object): Promise<string> {
    if (this.failing) return Promise.reject(new Error('RECORDING_UNAVAILABLE: the recording is down'));
    this.entries.push({ requestId, type, at: new Date().toISOString(), ...entry });
    return Promise.resolve(String(this.entries.length));
  }
  sessionStart(requestId: string, entry: object) { return this.add(requestId, 'session_start', entry); }
  request(requestId: string, entry: object) { return this.add(requestId, 'request', entry); }
  /** With a plan entry: that entry first, then the response, both or neither (as the real recorder writes them in one step). */
  async response(requestId: string, entry: object, plan?: object) {
    if (plan && !this.failing) await this.add(requestId, 'masking_plan', plan);
    return this.add(requestId, 'response', entry);
  }
  sessionEnd(requestId: string, entry: object) { return this.add(requestId, 'session_end', entry); }
  refusals(requestId: string, entry: object) { return this.add(requestId, 'refusals', entry); }
  of(requestId: string): RecordedEntry[] { return this.entries.filter((e) => e.requestId === requestId); }
}

export function testRedisUrl(): string {
  const url = process.env.GATEHOUSE_TEST_REDIS_URL;
  if (!url) throw new Error('GATEHOUSE_TEST_REDIS_URL is not set: run through jest (its global setup starts Redis)');
  return url;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  config: GatehouseConfig;
  grants: GrantStore;
  vault: RedisSecretVault;
  redis: Redis;
  masker: TestMasker;
  recorder: MemoryRecorder;
  /** Activates a grant and stores its credential; returns the token a client would be given. */
  grant(target: string, options?: { ttlMs?: number; requestId?: string; credential?: string }): Promise<{ token: string; grant: GrantRecord; credential: string }>;
  close(): Promise<void>;
}

export async function startTestGateway(options: {
  config?: string; redisUrl?: string; reviewer?: CommandReviewer; masker?: (target: TargetConfig) => ResponseMasker; recorder?: GatewayRecorder; log?: Logger; limits?: Partial<GatewayLimits>; grants?: GrantStore; vault?: RedisSecretVault;
  tls?: ListenerTls;
} = {}): Promise<TestGateway> {
  const config = parseConfig(options.config ?? GATEWAY_TEST_CONFIG, 'gateway-test.yaml');
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const redis = connectRedis(redisUrl);
  const subscriber = connectRedis(redisUrl);
  for (const r of [redis, subscriber]) r.on('error', () => {});
  await Promise.all([redis, subscriber].map((r) => new Promise<void>((resolve) => (r.status === 'ready' ? resolve() : r.once('ready', () => resolve())))));
  const grants = options.grants ?? new GrantStore(redis, randomBytes(32));
  const vault = options.vault ?? new RedisSecretVault(redis, randomBytes(32));
  const masker = new TestMasker();
  const recorder = new MemoryRecorder();
  const gateway = new Gateway({
    config, grants, vault, revocations: subscriber, masker: options.masker ?? (() => masker), recorder: options.recorder ?? recorder,
    ...(options.reviewer ? { reviewer: options.reviewer } : {}),
    commands: grants.commandBoard() as DecisionBoard,
    state: redis,
    limits: { holdProgressIntervalMs: 200, ...options.limits },
    accessRequestUrl: 'https://gatehouse.example.org/requests',
    ...(options.log ? { log: options.log } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  const { url } = await gateway.listen(0);
  return {
    gateway, url, config, grants, vault, redis, masker, recorder,
    async grant(target, o = {}) {
      const grantId = newGrantId();
      const requestId = o.requestId ?? newRequestId();
      const credential = o.credential ?? `-----BEGIN PRIVATE KEY-----${randomBytes(24).toString('base64')}-----END PRIVATE KEY-----`;
      const now = Date.now();
      const grant: GrantRecord = {
        grantId, requestId, target, subject: 'carol@example.org', principal: `GH_${requestId.toUpperCase()}`,
        credentialRef: `cred_${requestId}`, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + (o.ttlMs ?? 60_000)).toISOString(),
      };
      await vault.put(grant.credentialRef, credential, (o.ttlMs ?? 60_000) + 60_000);
      await grants.activate(grant);
      return { token: grants.tokenFor(grantId), grant, credential };
    },
    async close() {
      await gateway.close();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}

/**
 * The official MCP client (the v2 TypeScript SDK) in 2025 mode, over Streamable HTTP, with a grant
 * token (`fetch`: another fetch underneath, e.g. one trusting a private CA). The era is pinned to
 * 'legacy' (initialize, a session): these tests exercise the session era; modern-support.ts
 * connects the same client at 2026-07-28.
 */
export async function connectClient(url: string, target: string, token: string | undefined, name = 'gateway-test', fetch?: FetchLike): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp/${target}`), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
    // Each exchange on its own AbortSignal: the SDK's one signal would collect a listener per call.
    fetch: fetchWithOwnSignal(fetch),
  });
  const client = new Client({ name, version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: {}, roots: {} }, versionNegotiation: { mode: 'legacy' } });
  await client.connect(transport);
  return { client, transport };
}

/** A raw HTTP call to the gateway, for the bad-input cases the official client never makes. */
export async function rawPost(url: string, target: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const res = await fetch(`${url}/mcp/${target}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, json, text };
}

export const initializeBody = (id: number | string = 1) => ({
  jsonrpc: '2.0', id, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
});

export { eventually } from '../support/eventually';

/**
 * A client failure as one line, "<code> <message>": the v2 client raises a JSON-RPC error as a
 * ProtocolError whose message no longer starts with "MCP error <code>:" (v1 did), and an HTTP
 * refusal as an SdkHttpError; the gateway's codes are matched the same way for either.
 */
export function failureText(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return `${typeof e?.code === 'number' ? `${e.code} ` : ''}${String(e?.message ?? error)}`;
}

/** How `call` failed, as failureText; fails the test if it succeeded. */
export async function failureOf(call: Promise<unknown>): Promise<string> {
  return call.then(() => { throw new Error('expected the call to fail, it succeeded'); }, failureText);
}

/** Ends the session at the gateway (DELETE), then closes the client; a bare close() leaves the session to time out. */
export async function endSession(c: { client: Client; transport: StreamableHTTPClientTransport }): Promise<void> {
  await c.transport.terminateSession().catch(() => undefined);
  await c.client.close();
}

/** Whether a process (e.g. an upstream the gateway spawned) is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One line a capturing logger was given: its level and its arguments (pino style: fields, message). */
export type LoggedLine = { level: string; args: unknown[] };

/** A Logger that keeps every call in `lines` (children log into the same list). */
export function capturingLogger(lines: LoggedLine[]): Logger {
  const logger: Logger = new Proxy({} as Logger, {
    get: (_target, level) => (...args: unknown[]) => {
      if (level === 'child') return logger;
      lines.push({ level: String(level), args });
      return undefined;
    },
  });
  return logger;
}
