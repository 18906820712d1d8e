// Long-polls wait on the worker's change events (Redis), not on repeated workflow queries; the
// acceptance time is the API's; an error names the component that did not answer.
import { createServer, type Server, type Socket } from 'node:net';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { AccessClient } from '../../access';
import { accessRoutes, createApiApp, createOidcVerifier, listen, type RunningApi } from '../../api';
import { freePort } from '../../devstack';
import { AcceptedStatusKeeper, ACCEPTED_STATUS_VERSION, createLogger, openRequestStatus, REQUEST_CHANGE_CHANNEL, REQUEST_STATUS_PREFIX, temporalDataConverter, temporalSettings } from '../../lib';
import { MemoryArchiver } from '../support/doubles';
import { eventually } from '../support/eventually';
import { GATEWAY_URL, oidcSettings, startApiFixture, type ApiFixture } from './fixture';

let f: ApiFixture;
/** Requests whose archive waits until the test lets it go. */
const heldArchives = new Map<string, Promise<void>>();
beforeAll(async () => {
  const archives = new MemoryArchiver();
  // Safety checks every 300 ms instead of 5 s: a long-poll here makes several while it waits.
  f = await startApiFixture(undefined, {
    safetyReadMs: 300,
    archiver: () => ({
      async archive(status) {
        await heldArchives.get(status.requestId);
        return archives.archive(status);
      },
    }),
  });
});
afterAll(async () => {
  await f?.close();
});

const ask = (overrides: Record<string, unknown> = {}) => ({ target: 'clinical', duration: '15s', reason: 'claims reconciliation', ...overrides });

/**
 * Revokes with the request's archive held back, then starts a long-poll from REVOKED and returns
 * once it waits on the change feed: `release` lets the archive (and so ARCHIVED) happen.
 */
async function revokedWithArchiveHeld(id: string, carol: string) {
  let release!: () => void;
  heldArchives.set(id, new Promise<void>((resolve) => {
    release = resolve;
  }));
  await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: carol, body: { reason: 'withdrawn' } });
  await eventually(async () => (await f.harness.access.status(id)).state === 'REVOKED', 'the request to be revoked');
  let answered = false;
  const waiting = f.call('GET', `/v1/access-requests/${id}?wait=30&since=REVOKED`, { token: carol }).finally(() => {
    answered = true;
  });
  await eventually(() => f.changes.waiting > 0, 'the long-poll to wait on the change feed');
  return { waiting, answered: () => answered, release };
}

async function pending(): Promise<{ id: string; carol: string }> {
  const carol = await f.token('carol@example.org');
  const created = await f.call('POST', '/v1/access-requests', { token: carol, body: ask() });
  expect(created.status).toBe(202);
  // The approvers were asked (their thread is known): a long-poll's safety checks then need no query.
  await eventually(async () => (await f.harness.access.status(created.body.id)).thread !== undefined, 'the approvers to be asked');
  return { id: created.body.id, carol };
}

describe('a long-poll waits on change events, not on queries', () => {
  it('sends no status query from the start to the answer: the change event carries the status', async () => {
    const { id, carol } = await pending();
    const before = f.queries();
    const waiting = f.call('GET', `/v1/access-requests/${id}?wait=30&since=PENDING_APPROVAL`, { token: carol });
    await eventually(() => f.changes.waiting > 0, 'the long-poll to wait on the change feed');
    // The safety checks (every 300 ms here) read Temporal's copy of the state, which no worker answers.
    const describes = f.describes();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(f.queries()).toBe(before);
    expect(f.describes()).toBeGreaterThan(describes);

    const approved = await f.call('POST', `/v1/access-requests/${id}/approve`, { token: await f.token('alice@example.org'), body: {} });
    expect(approved.status).toBe(200);
    const changed = await waiting;
    expect(changed.status).toBe(200);
    expect(changed.body.state).not.toBe('PENDING_APPROVAL');
    expect(changed.body.decision).toMatchObject({ approved: true, by: 'alice@example.org' });
    expect(changed.body.timeline.map((e: { type: string }) => e.type)).toContain('approved');
    // Answered from the pushed status: no query at all (the old long-poll read the status to answer).
    expect(f.queries()).toBe(before);
    expect(f.changes.waiting).toBe(0);

    // Followed to ACTIVE the way an agent does, from the state each answer showed: still no query, and the grant comes with it.
    let view = changed.body;
    while (view.state !== 'ACTIVE') view = (await f.call('GET', `/v1/access-requests/${id}?wait=30&since=${view.state}`, { token: carol })).body;
    expect(view.grant.token).toEqual(expect.any(String));
    expect(f.queries()).toBe(before);
    await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: carol, body: { reason: 'test over' } });
  });

  it('a replayed older status (anyone who can PUBLISH in Redis) is not taken for the answer', async () => {
    const { id, carol } = await pending();
    await f.call('POST', `/v1/access-requests/${id}/approve`, { token: await f.token('alice@example.org'), body: {} });
    await eventually(async () => (await f.harness.access.status(id)).state === 'ACTIVE', 'the grant to be active');
    const kept = `${REQUEST_STATUS_PREFIX}${id}`;
    const keptState = async () => (openRequestStatus(f.harness.statusKey, id, await f.harness.redis.hget(kept, 's'))?.status as { state?: string } | undefined)?.state;
    await eventually(async () => (await keptState()) === 'ACTIVE', 'the ACTIVE status to be kept');
    const whenActive = (await f.harness.redis.hget(kept, 's'))!;
    const { waiting, answered, release } = await revokedWithArchiveHeld(id, carol);
    // The real, sealed ACTIVE status (with the grant) sent again: older than what the long-poll holds.
    await f.harness.redis.publish(REQUEST_CHANGE_CHANNEL, JSON.stringify({ requestId: id, state: 'ACTIVE', kind: 'state', sealed: whenActive }));
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(answered()).toBe(false);
    release();
    const answer = await waiting;
    expect(answer.body.state).toBe('ARCHIVED');
    expect(answer.body.grant).toBeUndefined();
  });

  it('is not fooled by a forged change event: it reads the real state and keeps waiting', async () => {
    const { id, carol } = await pending();
    let answered = false;
    const waiting = f.call('GET', `/v1/access-requests/${id}?wait=30`, { token: carol }).finally(() => {
      answered = true;
    });
    await eventually(() => f.changes.waiting > 0, 'the long-poll to wait on the change feed');
    const whileWaiting = f.queries();
    // Anyone who can PUBLISH in Redis claims the request is active.
    await f.harness.redis.publish(REQUEST_CHANGE_CHANNEL, JSON.stringify({ requestId: id, state: 'ACTIVE', kind: 'state' }));
    await f.harness.redis.publish(REQUEST_CHANGE_CHANNEL, '{not json');
    await eventually(() => f.queries() > whileWaiting, 'the forged event to cause one read');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    expect(f.changes.waiting).toBeGreaterThan(0);

    await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: carol, body: { reason: 'withdrawn' } });
    const answer = await waiting;
    expect(answer.body.state).toBe('REVOKED');
    expect(answer.body.grant).toBeUndefined();
  });

  it('answers at its limit with the unchanged state when nothing happens, without a query per interval', async () => {
    const { id, carol } = await pending();
    const before = f.queries();
    const describes = f.describes();
    const answer = await f.call('GET', `/v1/access-requests/${id}?wait=2`, { token: carol });
    expect(answer.body.state).toBe('PENDING_APPROVAL');
    // The status kept at acceptance, which Temporal's copy of the state confirms, is the answer: no query at all.
    expect(f.queries() - before).toBe(0);
    // Its safety checks ran (a lost event is still noticed), as describes, not queries.
    expect(f.describes() - describes).toBeGreaterThan(1);
    expect(f.changes.waiting).toBe(0);
    await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: carol, body: { reason: 'test over' } });
  });

  it('a requester waiting from the state it saw sends no query until there is news; anyone else is refused by the status', async () => {
    const { id, carol } = await pending();
    const approved = await f.call('POST', `/v1/access-requests/${id}/approve`, { token: await f.token('alice@example.org'), body: {} });
    expect(approved.status).toBe(200);
    await eventually(async () => (await f.harness.access.status(id)).state === 'ACTIVE', 'the grant to be active');
    const before = f.queries();
    const waiting = f.call('GET', `/v1/access-requests/${id}?wait=30&since=ACTIVE`, { token: carol });
    await eventually(() => f.changes.waiting > 0, 'the long-poll to wait on the change feed');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(f.queries()).toBe(before);
    // Another agent naming the same request and state is refused at once by the read that decides who may see it.
    const mallory = await f.call('GET', `/v1/access-requests/${id}?wait=30&since=ACTIVE`, { token: await f.token('mallory@example.org') });
    expect(mallory.status).toBe(404);
    // Decided by the pushed status: mallory cannot make the worker answer a query either.
    expect(f.queries()).toBe(before);
    const other = await f.call('GET', `/v1/access-requests/req_00000000000000000000?wait=30&since=ACTIVE`, { token: carol });
    expect(other.status).toBe(404);

    await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: carol, body: { reason: 'test over' } });
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body.state).not.toBe('ACTIVE');
    expect(answer.body.requester).toBe('carol@example.org');
  });

  it('waits from REVOKED until the archive is written (ARCHIVED follows), instead of answering at once', async () => {
    const { id, carol } = await pending();
    const { waiting, answered, release } = await revokedWithArchiveHeld(id, carol);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(answered()).toBe(false);
    release();
    const answer = await waiting;
    expect(answer.body.state).toBe('ARCHIVED');
  });

  it('stops waiting when the client goes away', async () => {
    const { id, carol } = await pending();
    const controller = new AbortController();
    const call = fetch(`${f.api.url}/v1/access-requests/${id}?wait=30`, { headers: { authorization: `Bearer ${carol}` }, signal: controller.signal }).catch(() => undefined);
    await eventually(() => f.changes.waiting > 0, 'the long-poll to wait on the change feed');
    controller.abort();
    await call;
    await eventually(() => f.changes.waiting === 0, 'the waiter to be dropped');
    await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: carol, body: { reason: 'test over' } });
  });
});

describe('a fresh request\'s status is kept from its acceptance', () => {
  let nobodyApi: RunningApi;
  let nobody: AccessClient;
  let asked = { queries: 0, describes: 0 };
  const started: string[] = [];
  beforeAll(async () => {
    const settings = temporalSettings();
    // Its requests go to a task queue no worker polls: their workflows never run (a worker far behind), so nothing but the API keeps a status.
    const counter: WorkflowClientInterceptor = {
      query(input, next) {
        asked.queries += 1;
        return next(input);
      },
      describe(input, next) {
        asked.describes += 1;
        return next(input);
      },
    };
    const client = new Client({ connection: f.harness.client.connection, namespace: settings.namespace, dataConverter: temporalDataConverter(settings), interceptors: { workflow: [counter] } });
    nobody = new AccessClient(client, f.harness.config, `${f.harness.taskQueue}-nobody-yet`, { keptStatus: new AcceptedStatusKeeper(f.harness.redis, f.harness.statusKey) });
    nobodyApi = await listen(createApiApp({
      verifier: createOidcVerifier(oidcSettings(f.oidc)), log: createLogger('long-poll-test', 'silent'), issuer: f.oidc.issuer,
      // The default safety checks (every 5 s): a wait shorter than that makes none.
      routes: [accessRoutes({ access: nobody, grants: f.harness.grants, gatewayUrl: GATEWAY_URL, changes: f.changes })],
    }), '127.0.0.1', 0);
  });
  afterAll(async () => {
    await nobodyApi?.close();
    for (const id of started) await f.harness.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  });

  it('a long-poll on a request whose workflow has not run yet asks Temporal nothing: it waits from the status kept at acceptance', async () => {
    const carol = await f.token('carol@example.org');
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const r = await fetch(`${nobodyApi.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(30_000) });
      return { status: r.status, body: await r.json() as Record<string, unknown> & { timeline?: { type: string; at: string; actor?: string }[] } };
    };
    const sent = Date.now();
    const created = await call('POST', '/v1/access-requests', carol, ask());
    const answered = Date.now();
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    started.push(id);
    asked = { queries: 0, describes: 0 };
    const waited = await call('GET', `/v1/access-requests/${id}?wait=2&since=PENDING_APPROVAL`, carol);
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({ id, state: 'PENDING_APPROVAL', requester: 'carol@example.org', target: 'clinical', reason: 'claims reconciliation' });
    expect(Date.parse(waited.body.requestedAt as string)).toBeGreaterThanOrEqual(sent - 5);
    expect(Date.parse(waited.body.requestedAt as string)).toBeLessThanOrEqual(answered);
    expect(waited.body.timeline).toEqual([{ type: 'requested', at: waited.body.requestedAt, actor: 'carol@example.org', detail: 'claims reconciliation' }]);
    // Neither the workflow's status query (which no worker would answer) nor Temporal's describe.
    expect(asked).toEqual({ queries: 0, describes: 0 });
    // Someone else naming it is refused by the kept status, still without asking Temporal.
    const mallory = await call('GET', `/v1/access-requests/${id}?wait=2&since=PENDING_APPROVAL`, await f.token('mallory@example.org'));
    expect(mallory.status).toBe(404);
    expect(asked).toEqual({ queries: 0, describes: 0 });
  });

  it('is what the workflow shows before its first change, and never replaces a status the workflow pushed', async () => {
    const carol = await f.token('carol@example.org');
    const created = await f.call('POST', '/v1/access-requests', { token: carol, body: ask() });
    const id = created.body.id as string;
    const kept = await f.changes.latest!(id);
    expect(kept?.version).toBe(ACCEPTED_STATUS_VERSION);
    await eventually(async () => (await f.harness.access.status(id)).thread !== undefined, 'the approvers to be asked');
    const shown = await f.harness.access.status(id);
    const { startedAt, thread, ...rest } = shown;
    expect(startedAt).toEqual(expect.any(String));
    expect(thread).toBeDefined();
    expect(kept!.status).toEqual({ ...rest, timeline: rest.timeline.filter((e) => e.type !== 'started') });

    await f.call('POST', `/v1/access-requests/${id}/approve`, { token: await f.token('alice@example.org'), body: {} });
    await eventually(async () => ((await f.changes.latest!(id))?.status as { state?: string } | undefined)?.state === 'ACTIVE', 'the kept status to show ACTIVE');
    // A late write of the accepted status (a slow API, a retried POST) is refused: ACTIVE stays.
    const keeper = new AcceptedStatusKeeper(f.harness.redis, f.harness.statusKey);
    expect(await keeper.keep(id, kept!.status as { requestId: string })).toBe(false);
    const after = await f.changes.latest!(id);
    expect((after?.status as { state?: string }).state).toBe('ACTIVE');
    expect(after!.version).toBeGreaterThan(ACCEPTED_STATUS_VERSION);
    await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: carol, body: { reason: 'test over' } });
  });
});

describe('the acceptance time is the API\'s', () => {
  it('is requestedAt, between the POST and its 202', async () => {
    const carol = await f.token('carol@example.org');
    const sent = Date.now();
    const created = await f.call('POST', '/v1/access-requests', { token: carol, body: ask() });
    const answered = Date.now();
    const { body } = await f.call('GET', `/v1/access-requests/${created.body.id}`, { token: carol });
    expect(Date.parse(body.requestedAt)).toBeGreaterThanOrEqual(sent - 5);
    expect(Date.parse(body.requestedAt)).toBeLessThanOrEqual(answered);
    expect(Date.parse(body.startedAt)).toBeGreaterThanOrEqual(Date.parse(body.requestedAt));
    expect(body.timeline[0]).toMatchObject({ type: 'requested', at: body.requestedAt, actor: 'carol@example.org' });
    await f.call('POST', `/v1/access-requests/${created.body.id}/revoke`, { token: carol, body: { reason: 'test over' } });
  });

  it('cannot be set by the client: the field is refused and starts nothing', async () => {
    const carol = await f.token('carol@example.org');
    for (const field of ['acceptedAt', 'requestedAt', 'startedAt']) {
      const refused = await f.call('POST', '/v1/access-requests', { token: carol, body: ask({ [field]: '2020-01-01T00:00:00.000Z' }) });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(new RegExp(`unknown field\\(s\\): ${field}`));
    }
    // Nor through a header that looks like one.
    const sneaky = await f.call('POST', '/v1/access-requests', { token: carol, body: ask(), headers: { 'X-Accepted-At': '2020-01-01T00:00:00Z', Date: 'Wed, 01 Jan 2020 00:00:00 GMT' } });
    expect(sneaky.status).toBe(202);
    const { body } = await f.call('GET', `/v1/access-requests/${sneaky.body.id}`, { token: carol });
    expect(Date.parse(body.requestedAt)).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
    await f.call('POST', `/v1/access-requests/${sneaky.body.id}/revoke`, { token: carol, body: { reason: 'test over' } });
  });
});

describe('an error names the component that did not answer', () => {
  let idleApi: RunningApi;
  let deadApi: RunningApi;
  let deadConnection: Connection;
  let stuckId: string;
  // A Temporal that takes connections and never answers (as a cluster too loaded to answer in time).
  let silentApi: RunningApi;
  let silentConnection: Connection;
  let blackHole: Server;
  const swallowed = new Set<Socket>();

  beforeAll(async () => {
    const settings = temporalSettings();
    const dataConverter = temporalDataConverter(settings);
    // A request on a task queue no worker polls: Temporal is up and holds it, no worker answers its queries.
    const idle = new AccessClient(f.harness.client, f.harness.config, `${f.harness.taskQueue}-nobody`);
    stuckId = (await idle.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 5_000, reason: 'nobody works this queue' })).requestId;
    // A Temporal address nothing listens on.
    deadConnection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const dead = new AccessClient(new Client({ connection: deadConnection, namespace: settings.namespace, dataConverter }), f.harness.config, f.harness.taskQueue);
    const app = (access: AccessClient) => createApiApp({
      verifier: createOidcVerifier(oidcSettings(f.oidc)), log: createLogger('long-poll-test', 'silent'), issuer: f.oidc.issuer,
      routes: [accessRoutes({ access, grants: f.harness.grants, gatewayUrl: GATEWAY_URL, changes: f.changes })],
    });
    idleApi = await listen(app(idle), '127.0.0.1', 0);
    deadApi = await listen(app(dead), '127.0.0.1', 0);
    blackHole = createServer((socket) => {
      swallowed.add(socket);
      socket.on('close', () => swallowed.delete(socket));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as { port: number };
    silentConnection = Connection.lazy({ address: `127.0.0.1:${port}` });
    const silent = new AccessClient(new Client({ connection: silentConnection, namespace: settings.namespace, dataConverter }), f.harness.config, f.harness.taskQueue);
    silentApi = await listen(app(silent), '127.0.0.1', 0);
  });
  afterAll(async () => {
    await idleApi?.close();
    await deadApi?.close();
    await silentApi?.close();
    await deadConnection?.close().catch(() => undefined);
    for (const socket of swallowed) socket.destroy();
    await new Promise((resolve) => blackHole?.close(resolve));
    await silentConnection?.close().catch(() => undefined);
    await f.harness.client.workflow.getHandle(stuckId).terminate('test over').catch(() => undefined);
  });

  it('says the worker did not answer when Temporal is up, and Temporal when it is not', async () => {
    const carol = await f.token('carol@example.org');
    const get = (api: RunningApi) => fetch(`${api.url}/v1/access-requests/${stuckId}`, { headers: { authorization: `Bearer ${carol}` } })
      .then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() as { type: string; detail: string } }));
    const [busy, down] = await Promise.all([get(idleApi), get(deadApi)]);
    expect(busy.status).toBe(503);
    expect(busy.retryAfter).toBe('5');
    expect(busy.body.type).toMatch(/\/worker-unavailable$/);
    expect(busy.body.detail).toMatch(/the Gatehouse worker did not answer a status query about req_\w+ in time \(Temporal is up/);
    expect(busy.body.detail).not.toMatch(/Temporal\) did not answer/);
    expect(down.status).toBe(503);
    expect(down.body.type).toMatch(/\/workflow-service-unavailable$/);
    expect(down.body.detail).toMatch(/the workflow service \(Temporal\) did not answer/);
  });

  it('a long-poll answers by its wait even when Temporal does not answer: from the kept status when it shows the state waited from, else a 503 naming Temporal', async () => {
    const carol = await f.token('carol@example.org');
    const alice = await f.token('alice@example.org');
    const created = await f.call('POST', '/v1/access-requests', { token: carol, body: ask() });
    const id = created.body.id as string;
    await f.call('POST', `/v1/access-requests/${id}/approve`, { token: alice, body: {} });
    // The worker keeps the status it pushed with each state change (Redis): ACTIVE, once it is there.
    await eventually(async () => ((await f.changes.latest?.(id))?.status as { state?: string } | undefined)?.state === 'ACTIVE', 'the kept status to show ACTIVE');
    // Each answer must come by its wait plus the grace (7 s); 60 s without one is a hang.
    const get = async (query: string) => {
      const r = await fetch(`${silentApi.url}/v1/access-requests/${id}${query}`, { headers: { authorization: `Bearer ${carol}` }, signal: AbortSignal.timeout(60_000) });
      return { status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() as { state?: string; type?: string; detail?: string } };
    };
    // Nothing changed since ACTIVE, which the kept status shows: answered at the wait, Temporal never needed.
    const unchanged = await get('?wait=2&since=ACTIVE');
    expect(unchanged.status).toBe(200);
    expect(unchanged.body.state).toBe('ACTIVE');
    // From a state the kept status does not show, only Temporal can say: a 503 by wait + grace, naming it.
    const unsure = await get('?wait=2&since=APPROVED');
    expect(unsure.status).toBe(503);
    expect(unsure.retryAfter).toBe('5');
    expect(unsure.body.type).toMatch(/\/workflow-service-unavailable$/);
    expect(unsure.body.detail).toMatch(new RegExp(`the workflow service \\(Temporal\\) did not answer the reads of ${id} within 7 s`));
    await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: carol, body: { reason: 'test over' } });
  });
});
