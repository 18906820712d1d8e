import { generateKeyPair, UnsecuredJWT } from 'jose';
import { eventually } from '../support/eventually';
import { waitForState } from '../support/harness';
import { createOidcVerifier } from '../../api';
import { GATEWAY_URL, oidcSettings, startApiFixture, type ApiFixture } from './fixture';

let f: ApiFixture;
beforeAll(async () => {
  f = await startApiFixture();
});
afterAll(async () => {
  await f?.close();
});

const PROBLEM = 'application/problem+json';
const ask = (overrides: Record<string, unknown> = {}) => ({ target: 'clinical', duration: '15s', reason: 'claims reconciliation', ...overrides });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are checked field by field
function expectProblem(response: { status: number; type: string; body: any }, status: number, detail?: RegExp) {
  expect({ status: response.status, type: response.type.split(';')[0] }).toEqual({ status, type: PROBLEM });
  expect(response.body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
  if (detail) expect(response.body.detail).toMatch(detail);
}

describe('an agent asks, an approver approves through the API, the agent gets its MCP endpoint', () => {
  it('runs the whole lifecycle and shows the grant token only to the requester while active', async () => {
    const carol = await f.token('carol@example.org');
    const alice = await f.token('alice@example.org');

    const created = await f.call('POST', '/v1/access-requests', { token: carol, body: ask({ ticket: 'INC-42' }) });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^req_/), state: 'PENDING_APPROVAL', target: 'clinical' });
    const id: string = created.body.id;
    expect(created.headers.get('location')).toBe(`/v1/access-requests/${id}`);

    // Long-poll from PENDING_APPROVAL: it answers once the approval lands, not at its 30 s limit.
    const waiting = f.call('GET', `/v1/access-requests/${id}?wait=30&since=PENDING_APPROVAL`, { token: carol });
    const approved = await f.call('POST', `/v1/access-requests/${id}/approve`, { token: alice, body: {} });
    expect(approved.status).toBe(200);
    expect(approved.body.detail).toBe('approved by alice@example.org');
    const changed = await waiting;
    expect(changed.status).toBe(200);
    expect(changed.body.state).not.toBe('PENDING_APPROVAL');

    await waitForState(f.harness.access, id, 'ACTIVE');
    const mine = await f.call('GET', `/v1/access-requests/${id}`, { token: carol });
    expect(mine.headers.get('cache-control')).toBe('no-store');
    expect(mine.body).toMatchObject({ state: 'ACTIVE', requester: 'carol@example.org', ticket: 'INC-42', decision: { approved: true, by: 'alice@example.org' } });
    const grant = mine.body.grant;
    expect(grant.mcpUrl).toBe(`${GATEWAY_URL}/mcp/clinical`);
    expect(grant.token).toMatch(/^ghg_/);
    expect(grant.mcpConfig).toEqual({ mcpServers: { 'gatehouse-clinical': { type: 'http', url: grant.mcpUrl, headers: { Authorization: `Bearer ${grant.token}` } } } });
    // The token is the one the gateway accepts: it names this grant in the grant store.
    const record = await f.harness.grants.lookup(grant.token);
    expect(record).toMatchObject({ requestId: id, target: 'clinical', subject: 'carol@example.org' });
    expect(grant.expiresAt).toBe(record!.expiresAt);

    // The approver sees state and timeline, never the token.
    const theirs = await f.call('GET', `/v1/access-requests/${id}`, { token: alice });
    expect(theirs.body.state).toBe('ACTIVE');
    expect(theirs.body.grant).toBeUndefined();
    expect(JSON.stringify(theirs.body)).not.toContain(grant.token);
    // Someone else does not even learn that it exists.
    expectProblem(await f.call('GET', `/v1/access-requests/${id}`, { token: await f.token('mallory@example.org') }), 404);
    // An auditor may read it, without the token.
    const audited = await f.call('GET', `/v1/access-requests/${id}`, { token: await f.token('auditor@example.org') });
    expect(audited.status).toBe(200);
    expect(audited.body.grant).toBeUndefined();

    // Extension: the requester asks, an approver decides; the workflow's rules come back as detail.
    const tooLong = await f.call('POST', `/v1/access-requests/${id}/extend`, { token: carol, body: { duration: '1h', reason: 'more' } });
    expectProblem(tooLong, 409, /allows at most 20s in all/);
    expect((await f.call('POST', `/v1/access-requests/${id}/extend`, { token: carol, body: { duration: '2s', reason: 'one more query' } })).status).toBe(200);
    const decided = await f.call('POST', `/v1/access-requests/${id}/extension-decision`, { token: alice, body: { approved: true } });
    expect(decided.status).toBe(200);
    expect(decided.body.detail).toMatch(/^extended until /);

    const revoked = await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: carol, body: { reason: 'done' } });
    expect(revoked.status).toBe(200);
    // By order, not by time: once the API answered, the token is refused (cut in Redis before the workflow ran).
    expect(await f.harness.grants.lookup(grant.token)).toBeNull();
    await waitForState(f.harness.access, id, 'ARCHIVED');
    expect(await f.harness.grants.lookup(grant.token)).toBeNull();
    const after = await f.call('GET', `/v1/access-requests/${id}`, { token: carol });
    expect(after.body.state).toBe('ARCHIVED');
    expect(after.body.grant).toBeUndefined();
    expect(after.body.revocation).toMatchObject({ by: 'carol@example.org', reason: 'done' });

    // Nothing secret reached the log: neither the grant token nor any bearer token.
    const log = f.logs.join('');
    expect(log).toContain('"path":"/v1/access-requests"');
    expect(log).not.toContain(grant.token);
    for (const bearer of f.tokens.values()) expect(log).not.toContain(bearer);
  });

  it('applies the same rules as Slack: no self-approval, denials need a reason, decisions are final', async () => {
    const alice = await f.token('alice@example.org');
    const bob = await f.token('bob@example.org');
    const { body } = await f.call('POST', '/v1/access-requests', { token: alice, body: ask() });
    // A long-poll with nothing happening answers at its limit, with the unchanged state.
    expect((await f.call('GET', `/v1/access-requests/${body.id}?wait=1`, { token: alice })).body.state).toBe('PENDING_APPROVAL');
    expectProblem(await f.call('POST', `/v1/access-requests/${body.id}/approve`, { token: alice }), 409, /you cannot approve your own request/);
    expectProblem(await f.call('POST', `/v1/access-requests/${body.id}/deny`, { token: bob, body: {} }), 400, /\/body\/reason/);
    const denied = await f.call('POST', `/v1/access-requests/${body.id}/deny`, { token: bob, body: { reason: 'use the de-identified mart' } });
    expect(denied.status).toBe(200);
    expectProblem(await f.call('POST', `/v1/access-requests/${body.id}/approve`, { token: bob }), 409, /already denied by bob@example.org/);
    expect((await f.harness.access.result(body.id)).archive).toBeDefined();
    expectProblem(await f.call('POST', `/v1/access-requests/${body.id}/approve`, { token: bob }), 409, /closed/);
    // Carol's token has no access:approve at all.
    expectProblem(await f.call('POST', `/v1/access-requests/${body.id}/approve`, { token: await f.token('carol@example.org') }), 403, /access:approve/);
  });

  it('answers policy refusals at once with the reason', async () => {
    const carol = await f.token('carol@example.org');
    expectProblem(await f.call('POST', '/v1/access-requests', { token: carol, body: ask({ target: 'billing' }) }), 403, /unknown target "billing" \(known targets: clinical\)/);
    expectProblem(await f.call('POST', '/v1/access-requests', { token: carol, body: ask({ duration: '2h' }) }), 403, /longer than clinical allows/);
    expectProblem(await f.call('POST', '/v1/access-requests', { token: await f.token('mallory@example.org'), body: ask() }), 403, /may not request access to clinical/);
    expectProblem(await f.call('GET', '/v1/access-requests/req_00000000000000000000', { token: carol }), 404, /no access request/);
  });

  it('lists requests through Temporal visibility, each caller only what they may see', async () => {
    const agent = await f.token('agent:ci-nightly');
    const { body } = await f.call('POST', '/v1/access-requests', { token: agent, body: ask({ duration: '3s', reason: 'nightly load' }) });
    // Visibility is eventually consistent: the new request shows in a list after a moment.
    const find = (token: string, query: string) => eventually(async () => {
      const listed = await f.call('GET', `/v1/access-requests?${query}`, { token });
      expect(listed.status).toBe(200);
      const hit = listed.body.items.find((item: { id: string }) => item.id === body.id);
      return hit && { hit, items: listed.body.items };
    }, `${body.id} in the list for ${query}`);
    const own = await find(agent, 'target=clinical');
    expect(own.hit).toMatchObject({ target: 'clinical', requester: 'agent:ci-nightly', links: { self: `/v1/access-requests/${body.id}` } });
    expect(own.items.every((i: { requester: string }) => i.requester === 'agent:ci-nightly')).toBe(true);
    const ops = await find(await f.token('auditor@example.org'), `requester=${encodeURIComponent('agent:ci-nightly')}&from=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`);
    expect(ops.hit).toBeDefined();
    expectProblem(await f.call('GET', '/v1/access-requests?requester=alice@example.org', { token: agent }), 403, /only your own requests/);
    expectProblem(await f.call('GET', '/v1/access-requests?state=SLEEPING', { token: agent }), 400, /\/query\/state/);
    expectProblem(await f.call('GET', '/v1/access-requests?color=blue', { token: agent }), 400, /unknown field\(s\): color/);
    await f.call('POST', `/v1/access-requests/${body.id}/revoke`, { token: agent, body: { reason: 'test over' } });
  });
});

describe('idempotency', () => {
  it('answers the same key and body with the same request, and refuses the key with another body', async () => {
    const carol = await f.token('carol@example.org');
    const headers = { 'Idempotency-Key': `nightly-${Date.now()}` };
    const [a, b] = await Promise.all([
      f.call('POST', '/v1/access-requests', { token: carol, body: ask(), headers }),
      f.call('POST', '/v1/access-requests', { token: carol, body: ask(), headers }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).toBe(b.body.id);
    const again = await f.call('POST', '/v1/access-requests', { token: carol, body: ask(), headers });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(a.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expectProblem(await f.call('POST', '/v1/access-requests', { token: carol, body: ask({ reason: 'something else' }), headers }), 422, /already used for a different request/);
    // The key belongs to its caller: another subject with the same key starts its own request.
    const alices = await f.call('POST', '/v1/access-requests', { token: await f.token('alice@example.org'), body: ask(), headers });
    expect(alices.status).toBe(202);
    expect(alices.body.id).not.toBe(a.body.id);
    for (const id of [a.body.id, alices.body.id]) {
      await f.call('POST', `/v1/access-requests/${id}/revoke`, { token: await f.token('bob@example.org'), body: { reason: 'test over' } });
    }
  });
});

describe('bearer tokens', () => {
  const claims = () => ({ sub: 'carol@example.org', scope: 'access:request', client_id: 'carol@example.org', iat: Math.floor(Date.now() / 1000) });
  const get = (token: string | null) => f.call('GET', '/v1/access-requests', { token });

  it('accepts real tokens from the provider, JWT and (through introspection) opaque', async () => {
    expect((await get(await f.token('carol@example.org'))).status).toBe(200);
    const opaque = await f.oidc.token('carol@example.org', { resource: f.oidc.opaqueAudience });
    expect(opaque.split('.')).toHaveLength(1);
    // An opaque token for another resource is active but not meant for this API.
    expectProblem(await get(opaque), 401, /not meant for this API/);
    // A verifier for that resource accepts it, through the provider's introspection endpoint.
    const opaqueVerifier = createOidcVerifier(oidcSettings(f.oidc, { audience: f.oidc.opaqueAudience }));
    const principal = await opaqueVerifier.verify(opaque);
    expect({ ...principal, scopes: [...principal.scopes] }).toEqual({ subject: 'carol@example.org', scopes: ['access:request'], clientId: 'carol@example.org', tokenKind: 'introspected' });
    // A forged token signed by the provider's own key, but with the right claims, is accepted:
    // the checks below differ from it in one respect each.
    const good = await f.oidc.sign({ ...claims(), iss: f.oidc.issuer, aud: f.oidc.audience, exp: Math.floor(Date.now() / 1000) + 60 });
    expect((await get(good)).status).toBe(200);
  });

  it('rejects expired, wrong audience, wrong issuer, alg none, bad signature, wrong typ and missing scope', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { ...claims(), iss: f.oidc.issuer, aud: f.oidc.audience, exp: now + 60 };
    const expired = await f.oidc.sign({ ...base, iat: now - 600, exp: now - 300 });
    expectProblem(await get(expired), 401, /expired/);
    expectProblem(await get(await f.oidc.sign({ ...base, aud: 'https://someone-else.example/api' })), 401, /not meant for this API/);
    expectProblem(await get(await f.oidc.sign({ ...base, iss: 'https://evil.example' })), 401, /not issued by/);
    const none = new UnsecuredJWT(base).encode();
    expectProblem(await get(none), 401, /signed with "none"/);
    const { privateKey: otherKey } = await generateKeyPair('RS256');
    expectProblem(await get(await f.oidc.sign(base, { key: otherKey })), 401, /signature does not verify/);
    // A subject that poses as Gatehouse itself (system:..., which may revoke anything) is refused.
    expectProblem(await get(await f.oidc.sign({ ...base, sub: ' System:gatehouse' })), 401, /reserves for itself/);
    const real = await f.token('carol@example.org');
    const [h, p, s] = real.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), scope: 'access:request access:approve' })).toString('base64url')}.${s}`;
    expectProblem(await get(tampered), 401, /signature does not verify/);
    expectProblem(await get(await f.oidc.sign(base, { header: { typ: 'JWT' } })), 401, /not an access token/);
    expectProblem(await get(await f.oidc.sign({ ...base, iat: now, nbf: now + 600 })), 401, /not valid yet/);

    const unauthenticated = await get(null);
    expectProblem(unauthenticated, 401, /Authorization: Bearer/);
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer');
    const garbage = await get('not-a-token');
    expectProblem(garbage, 401, /not active/);
    expect(garbage.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expectProblem(await f.call('GET', '/v1/access-requests', { headers: { authorization: 'Basic Y2Fyb2w6cHc=' } }), 401, /must be "Bearer <token>"/);

    // Missing scope: a real token from the provider without access:request.
    const noScope = await f.oidc.token('carol@example.org', { scope: '' });
    const refused = await f.call('POST', '/v1/access-requests', { token: noScope, body: ask() });
    expectProblem(refused, 403, /needs the scope access:request/);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="access:request"');
    expectProblem(await f.call('POST', '/v1/access-requests', { token: await f.token('auditor@example.org'), body: ask() }), 403, /access:request/);
  });
});

describe('every bad request gets problem+json', () => {
  it('rejects malformed, unknown, mistyped, missing, oversized and mis-typed bodies', async () => {
    const carol = await f.token('carol@example.org');
    const post = (options: Parameters<ApiFixture['call']>[2]) => f.call('POST', '/v1/access-requests', { token: carol, ...options });
    expectProblem(await post({ raw: '{"target": "clinical",', headers: { 'content-type': 'application/json' } }), 400, /not valid JSON/);
    const unknown = await post({ body: ask({ role: 'ACCOUNTADMIN' }) });
    expectProblem(unknown, 400, /unknown field\(s\): role/);
    expect(unknown.body.errors).toEqual([{ pointer: '/body', detail: 'unknown field(s): role' }]);
    expectProblem(await post({ body: ask({ duration: 3600 }) }), 400, /\/body\/duration/);
    expectProblem(await post({ body: ask({ duration: 'forever' }) }), 400, /"forever" is not a duration/);
    expectProblem(await post({ body: { target: 'clinical', duration: '1m' } }), 400, /\/body\/reason/);
    expectProblem(await post({ body: ask({ reason: '   ' }) }), 400, /reason must not be empty/);
    expectProblem(await post({ body: ['clinical'] }), 400, /\/body/);
    expectProblem(await post({ raw: 'null', headers: { 'content-type': 'application/json' } }), 400);
    expectProblem(await post({ body: ask({ reason: 'x'.repeat(20_000) }) }), 413, /larger than/);
    expectProblem(await post({ raw: 'target=clinical', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, /application\/json/);
    expectProblem(await post({ body: ask(), headers: { 'Idempotency-Key': 'has spaces in it' } }), 400, /\/headers\/idempotency-key/);
    expectProblem(await f.call('GET', '/v1/access-requests/nope', { token: carol }), 400, /\/params\/id: is not a request id/);
    expectProblem(await f.call('GET', '/v1/access-requests/req_00000000000000000000?wait=600', { token: carol }), 400, /\/query\/wait/);
    expectProblem(await f.call('POST', '/v1/access-requests/req_00000000000000000000/revoke', { token: carol, body: { reason: 'x', extra: true } }), 400, /unknown field/);
    expectProblem(await f.call('DELETE', '/v1/access-requests', { token: carol }), 404, /see \/v1\/openapi.json/);
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document generated from the validating schemas, without a token', async () => {
    const { status, body } = await f.call('GET', '/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(body.components.securitySchemes.oidc).toEqual({ type: 'openIdConnect', openIdConnectUrl: `${f.oidc.issuer}/.well-known/openid-configuration` });
    const create = body.paths['/v1/access-requests'].post;
    expect(create.security).toEqual([{ oidc: ['access:request'] }]);
    expect(create.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object', additionalProperties: false, required: ['target', 'duration', 'reason'],
      properties: { duration: { type: 'string' }, ticket: { type: 'string' } },
    });
    expect(create.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]);
    expect(create.responses['202'].content['application/json'].schema.properties.id).toEqual({ type: 'string' });
    expect(create.responses.default.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    const get = body.paths['/v1/access-requests/{id}'].get;
    expect(get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:wait', 'query:since']);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining([
      '/healthz', '/v1/openapi.json', '/v1/access-requests/{id}/approve', '/v1/access-requests/{id}/deny',
      '/v1/access-requests/{id}/revoke', '/v1/access-requests/{id}/extend', '/v1/access-requests/{id}/extension-decision',
    ]));
    // Every $ref points into this document's components.
    const refs = [...JSON.stringify(body).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => !ref!.startsWith('#/components/schemas/') || !(ref!.split('/').pop()! in body.components.schemas))).toEqual([]);
    expect(body.components.schemas.Problem).toMatchObject({ type: 'object', required: ['type', 'title', 'status', 'detail'] });
    expect((await f.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
  });
});
