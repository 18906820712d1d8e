import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type ClientRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { recordingKey, SessionRecorder } from '../../audit';
import { connectRedis, GrantStore, newGrantId, newRequestId, RedisSecretVault, waitForRedis, type GrantRecord, type Redis } from '../../lib';
import { parseConfig } from '../../policy';
import { freePort, startProcess, waitFor } from '../../devstack';
import { Gateway, startGatewayProcess, type DecisionBoard } from '../../proxy';
import { eventually } from '../support/eventually';
import { GATEWAY_TEST_CONFIG, initializeBody, rawPost, TestMasker, testRedisUrl } from './support';

/**
 * A reverse proxy in front of the gateways, as a load balancer would be: it can cut every client
 * connection, hold new requests, and send them to another gateway.
 */
class Front {
  backend = '';
  private held?: (() => void)[];
  private readonly sockets = new Set<Socket>();
  private readonly upstreams = new Set<ClientRequest>();
  readonly server: Server = createServer((req, res) => {
    const go = () => {
      const up = request(`${this.backend}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      this.upstreams.add(up);
      up.on('error', () => res.destroy());
      up.on('close', () => this.upstreams.delete(up));
      res.on('close', () => up.destroy());
      req.pipe(up);
    };
    if (this.held) this.held.push(go);
    else go();
  });

  constructor() {
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** New requests wait (the client's reconnects queue here) until `release`. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    waiting.forEach((go) => go());
  }

  /** Every open client connection drops (and the gateway sees its requests go). */
  cut(): void {
    this.sockets.forEach((s) => s.destroy());
    this.upstreams.forEach((u) => u.destroy());
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

type Entry = { type: string; sessionId?: string; reason?: string; detail?: string; resumed?: boolean; messageId?: unknown; method?: string; result?: unknown };

describe('gateway: a 2025-era session is carried on by another gateway sharing Redis (restart, replica)', () => {
  const config = parseConfig(GATEWAY_TEST_CONFIG, 'gateway-test.yaml');
  const tokenKey = randomBytes(32);
  const vaultKey = randomBytes(32);
  let redis: Redis;
  const opened: { gateway: Gateway; connections: Redis[] }[] = [];

  /** A gateway process's worth of state: its own connections, maps and session copies; only Redis is shared. */
  async function startGateway(): Promise<{ gateway: Gateway; url: string }> {
    const [main, subscriber] = [connectRedis(testRedisUrl()), connectRedis(testRedisUrl())];
    await Promise.all([waitForRedis(main), waitForRedis(subscriber)]);
    const grants = new GrantStore(main, tokenKey);
    const masker = new TestMasker();
    const gateway = new Gateway({
      config, grants, vault: new RedisSecretVault(main, vaultKey), revocations: subscriber, masker: () => masker,
      recorder: new SessionRecorder(main), events: main, commands: grants.commandBoard() as DecisionBoard,
      limits: { holdProgressIntervalMs: 200 },
    });
    const { url } = await gateway.listen(0);
    opened.push({ gateway, connections: [main, subscriber] });
    return { gateway, url };
  }

  async function grant(subject = 'carol@example.org', ttlMs = 120_000): Promise<{ token: string; grant: GrantRecord }> {
    const grants = new GrantStore(redis, tokenKey);
    const requestId = newRequestId();
    const record: GrantRecord = {
      grantId: newGrantId(), requestId, target: 'everything', subject, principal: 'GH_X', credentialRef: `cred_${requestId}`,
      issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + ttlMs).toISOString(),
    };
    await new RedisSecretVault(redis, vaultKey).put(record.credentialRef, 'not-a-real-key', ttlMs + 60_000);
    await grants.activate(record);
    return { token: grants.tokenFor(record.grantId), grant: record };
  }

  async function recording(requestId: string): Promise<Entry[]> {
    return (await redis.xrange(`gatehouse:recording:${requestId}`, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as Entry);
  }

  /** Opens a session with raw HTTP; returns its id and the headers to use it. */
  async function session(url: string, token: string): Promise<{ id: string; headers: Record<string, string> }> {
    const init = await rawPost(url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(init.status).toBe(200);
    const id = init.headers.get('mcp-session-id')!;
    const headers = { authorization: `Bearer ${token}`, 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' };
    await rawPost(url, 'everything', { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
    return { id, headers };
  }

  const echo = (n: number, message: string) => ({ jsonrpc: '2.0', id: n, method: 'tools/call', params: { name: 'echo', arguments: { message } } });

  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
  });
  afterAll(async () => {
    for (const { gateway, connections } of opened) {
      await gateway.close().catch(() => undefined);
      connections.forEach((c) => c.disconnect());
    }
    redis?.disconnect();
  });

  test('the official client resumes with Last-Event-ID on gateway B after gateway A stopped: the missed events, then new calls; one recording', async () => {
    const a = await startGateway();
    const front = new Front();
    front.backend = a.url;
    const frontUrl = await front.listen();
    const { token, grant: g } = await grant();
    const transport = new StreamableHTTPClientTransport(new URL(`${frontUrl}/mcp/everything`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      // Reconnects queue at the front while the gateways change; a few attempts are plenty.
      reconnectionOptions: { initialReconnectionDelay: 100, maxReconnectionDelay: 1_000, reconnectionDelayGrowFactor: 1.5, maxRetries: 10 },
    });
    // The v2 client in 2025 mode: SSE resumption (Last-Event-ID) belongs to the session era.
    const client = new Client({ name: 'resume-test', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
    try {
      await client.connect(transport);
      const sessionId = transport.sessionId!;
      expect((await client.callTool({ name: 'echo', arguments: { message: 'on A' } })).content).toEqual([{ type: 'text', text: 'Echo: on A' }]);

      // A long call; its connection drops after the first progress event, and A goes on without the client.
      const progress: number[] = [];
      let first: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (first = resolve));
      const long = client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 2, steps: 4 } }, {
        timeout: 120_000, onprogress: (p) => { progress.push(p.progress); first(); },
      });
      long.catch(() => undefined);
      await started;
      front.hold();
      front.cut();
      // A stored the rest of the call's events, the answer last, for a client that comes back.
      const record = await redis.hget(`gatehouse:mcp-session:${sessionId}`, 'record');
      const tag = (JSON.parse(record!) as { events: string }).events;
      // An answer's event refers to its recording entry ('r': the entry's id), written in the same step.
      const stored = async () => {
        const texts: string[] = [];
        for (const [, fields] of await redis.xrange(`gatehouse:sse:${tag}`, '-', '+')) {
          const ref = fields[fields.indexOf('r') + 1];
          texts.push(fields.includes('r') && ref ? JSON.stringify(await redis.xrange(recordingKey(g.requestId), ref, ref)) : JSON.stringify(fields));
        }
        return texts.join('\n');
      };
      await eventually(async () => ((await stored()).includes('Long running operation completed') ? true : undefined), 'A to store the answer the client missed');
      expect(progress).toEqual([1]);

      // A stops; B (its own process state, the same Redis) takes the traffic.
      await a.gateway.close();
      const b = await startGateway();
      front.backend = b.url;
      front.release();

      const result = await long;
      expect(result.content).toEqual([{ type: 'text', text: expect.stringContaining('Long running operation completed') }]);
      expect(progress).toEqual([1, 2, 3, 4]);
      expect(transport.sessionId).toBe(sessionId);
      expect((await client.callTool({ name: 'echo', arguments: { message: 'on B' } })).content).toEqual([{ type: 'text', text: 'Echo: on B' }]);
      expect(b.gateway.liveSessions().map((s) => s.sessionId)).toEqual([sessionId]);
      await transport.terminateSession();

      const entries = await recording(g.requestId);
      expect(entries.every((e) => e.type === 'refusals' || e.sessionId === sessionId)).toBe(true);
      const steps = entries.map((e) => (e.type === 'session_start' && e.resumed ? 'resumed' : e.type === 'session_end' ? `end ${/resume/.test(e.detail ?? '') ? 'resumable' : e.reason}` : e.type));
      expect(steps).toEqual([
        'session_start', 'request', 'response', // initialize
        'request', 'response', // echo on A
        'request', 'response', // the long call, answered on A, delivered by B
        'end resumable', // A stopped
        'resumed', // B carries on
        'request', 'response', // echo on B
        'end closed', // DELETE on B
      ]);
      // Gone when it really ended: no gateway resumes it.
      expect(await redis.exists(`gatehouse:mcp-session:${sessionId}`, `gatehouse:sse:${tag}`)).toBe(0);
    } finally {
      await client.close().catch(() => undefined);
      await front.close();
    }
  }, 180_000);

  test('replicas without sticky routing: a request on B takes the session over from A (A lets it go), and back', async () => {
    const a = await startGateway();
    const b = await startGateway();
    const { token, grant: g } = await grant();
    const s = await session(a.url, token);
    expect((await rawPost(a.url, 'everything', echo(2, 'on A'), s.headers)).status).toBe(200);
    const onB = await rawPost(b.url, 'everything', echo(3, 'on B'), s.headers);
    expect(onB.status).toBe(200);
    expect(onB.text).toContain('Echo: on B');
    await eventually(async () => (a.gateway.liveSessions().length === 0 ? true : undefined), 'A to let the session go');
    const backOnA = await rawPost(a.url, 'everything', echo(4, 'on A again'), s.headers);
    expect(backOnA.text).toContain('Echo: on A again');
    await eventually(async () => (b.gateway.liveSessions().length === 0 ? true : undefined), 'B to let the session go');
    const entries = await recording(g.requestId);
    expect(entries.filter((e) => e.type === 'session_start').map((e) => !!e.resumed)).toEqual([false, true, true]);
    expect(entries.filter((e) => e.type === 'response').length).toBe(4);
    await a.gateway.close();
    await b.gateway.close();
  }, 120_000);

  test('hostile: a session id with another subject\'s token is refused, and its holder keeps it', async () => {
    const a = await startGateway();
    const b = await startGateway();
    const carol = await grant('carol@example.org');
    const mallory = await grant('mallory@example.org');
    const s = await session(a.url, carol.token);
    const stolen = { ...s.headers, authorization: `Bearer ${mallory.token}` };
    for (const url of [b.url, a.url]) {
      const res = await rawPost(url, 'everything', echo(7, 'stolen'), stolen);
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: { code: -31013, message: expect.stringContaining('started with another grant') } });
    }
    expect(b.gateway.liveSessions()).toEqual([]);
    expect(a.gateway.liveSessions().map((x) => x.sessionId)).toEqual([s.id]);
    expect((await rawPost(a.url, 'everything', echo(8, 'still mine'), s.headers)).text).toContain('Echo: still mine');
    // Nothing of mallory's attempt reached carol's recording.
    expect(JSON.stringify(await recording(carol.grant.requestId))).not.toContain('stolen');
    await a.gateway.close();
    await b.gateway.close();
  }, 120_000);

  test('hostile: a revoked or expired grant\'s session cannot be resumed', async () => {
    const a = await startGateway();
    const revoked = await grant();
    // Long enough to outlive the set-up on a loaded machine; the test then waits for the expiry itself.
    const expiring = await grant('carol@example.org', 20_000);
    const r = await session(a.url, revoked.token);
    const e = await session(a.url, expiring.token);
    await a.gateway.close(); // both left resumable
    expect(await redis.exists(`gatehouse:mcp-session:${r.id}`, `gatehouse:mcp-session:${e.id}`)).toBe(2);
    const b = await startGateway();
    await new GrantStore(redis, tokenKey).deactivate({ grantId: revoked.grant.grantId, requestId: revoked.grant.requestId, target: 'everything', reason: 'revoked by dana', at: new Date().toISOString() });
    const afterRevoke = await rawPost(b.url, 'everything', echo(2, 'x'), r.headers);
    expect(afterRevoke.status).toBe(401);
    await eventually(async () => ((await new GrantStore(redis, tokenKey).get(expiring.grant.grantId)) ? undefined : true), 'the short grant to expire');
    const afterExpiry = await fetch(`${b.url}/mcp/everything`, { headers: { ...e.headers, accept: 'text/event-stream', 'last-event-id': 'AAAAAAAAAAAAAAAA_1-0' } });
    expect(afterExpiry.status).toBe(401);
    await afterExpiry.body?.cancel();
    expect(b.gateway.liveSessions()).toEqual([]);
    await b.gateway.close();
  }, 120_000);

  test('hostile: a Last-Event-ID of another session (its stream id) replays nothing of it', async () => {
    const a = await startGateway();
    const { token } = await grant();
    const mine = await session(a.url, token);
    const other = await session(a.url, token);
    // The other session has events: an answer with a marker in it.
    expect((await rawPost(a.url, 'everything', echo(2, 'OTHER-SESSION-SECRET'), other.headers)).text).toContain('OTHER-SESSION-SECRET');
    const otherTag = (JSON.parse((await redis.hget(`gatehouse:mcp-session:${other.id}`, 'record'))!) as { events: string }).events;
    const [first] = await redis.xrange(`gatehouse:sse:${otherTag}`, '-', '+');
    const forged = `${otherTag}_${first![0]}`;
    await a.gateway.close();
    const b = await startGateway();
    for (const headers of [mine.headers, { ...mine.headers, 'mcp-session-id': mine.id }]) {
      const res = await fetch(`${b.url}/mcp/everything`, { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': forged } });
      const body = res.status === 200 ? '' : await res.text();
      if (res.status === 200) await res.body?.cancel();
      expect(res.status).toBe(400);
      expect(body).not.toContain('OTHER-SESSION-SECRET');
    }
    // Its own session was carried on regardless, and works.
    expect((await rawPost(b.url, 'everything', echo(3, 'mine'), mine.headers)).text).toContain('Echo: mine');
    await b.gateway.close();
  }, 120_000);

  test('gateway A is killed (SIGKILL: no goodbye, no session end): `gatehouse gateway` B on the same Redis carries the session on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-resume-'));
    writeFileSync(join(dir, 'gatehouse.yaml'), GATEWAY_TEST_CONFIG);
    const env = {
      ...process.env, GATEHOUSE_ENCRYPTION_KEY: vaultKey.toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: tokenKey.toString('base64'), GATEHOUSE_CONFIG: join(dir, 'gatehouse.yaml'),
      REDIS_URL: testRedisUrl(), TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS!, LOG_LEVEL: 'silent',
    };
    const port = await freePort();
    // Its own process group, so the kill takes its stdio upstreams too, as a crashed container's would go.
    const a = startProcess('gateway A', process.execPath, [join(__dirname, '../../bin/gatehouse.js'), 'gateway', '--port', String(port)], { env, detached: true });
    const aUrl = `http://127.0.0.1:${port}`;
    await waitFor('gateway A to listen', async () => ((await fetch(`${aUrl}/healthz`).catch(() => undefined))?.ok ? true : undefined), 60_000, a);
    const { token, grant: g } = await grant();
    const s = await session(aUrl, token);
    expect((await rawPost(aUrl, 'everything', echo(2, 'on A'), s.headers)).text).toContain('Echo: on A');
    process.kill(-a.child.pid!, 'SIGKILL');
    await a.stop();

    const { GATEHOUSE_CONFIG: _file, ...rest } = env;
    const b = await startGatewayProcess({ env: rest, port: 0, config: parseConfig(GATEWAY_TEST_CONFIG) });
    try {
      expect((await rawPost(b.url, 'everything', echo(3, 'on B'), s.headers)).text).toContain('Echo: on B');
      const steps = (await recording(g.requestId)).map((e) => (e.type === 'session_start' && e.resumed ? 'resumed' : e.type));
      expect(steps).toEqual(['session_start', 'request', 'response', 'request', 'response', 'resumed', 'request', 'response']);
    } finally {
      await b.close();
    }
  }, 120_000);

  test('hostile: initialize params padded past 32 KB make a working session that is not kept for resuming (no big Redis key)', async () => {
    const a = await startGateway();
    const { token } = await grant();
    const padded = { ...initializeBody(), params: { ...initializeBody().params, clientInfo: { name: 'x'.repeat(40_000), version: '1' } } };
    const init = await rawPost(a.url, 'everything', padded, { authorization: `Bearer ${token}` });
    expect(init.status).toBe(200);
    const id = init.headers.get('mcp-session-id')!;
    const headers = { authorization: `Bearer ${token}`, 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' };
    expect((await rawPost(a.url, 'everything', echo(2, 'works here'), headers)).text).toContain('Echo: works here');
    expect(await redis.exists(`gatehouse:mcp-session:${id}`)).toBe(0);
    const b = await startGateway();
    expect((await rawPost(b.url, 'everything', echo(3, 'elsewhere'), headers)).status).toBe(404);
    await a.gateway.close();
    await b.gateway.close();
  }, 60_000);

  test('bad input: a session id that is not one the gateway hands out is never looked up or resumed', async () => {
    const b = await startGateway();
    const { token } = await grant();
    for (const id of ['*', 'gatehouse:mcp-session:*', 'x'.repeat(300), '00000000-0000-0000-0000-000000000000']) {
      const res = await rawPost(b.url, 'everything', echo(2, 'x'), { authorization: `Bearer ${token}`, 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' });
      expect(res.status).toBe(404);
    }
    await b.gateway.close();
  }, 60_000);
});
