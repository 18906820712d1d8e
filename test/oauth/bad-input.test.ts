import { createHash, randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eventually } from '../proxy/support';
import { waitForMessage } from '../../devstack/slack';
import { waitForState } from '../support/harness';
import { activeAccessButton, signInAtProvider, startMetadataDocumentServer, startRedirectReceiver } from './client';
import { startOAuthStack, type OAuthStack } from './stack';

const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';
const verifier = () => randomBytes(32).toString('base64url');
const challengeOf = (v: string) => createHash('sha256').update(v).digest('base64url');

/**
 * Every way a hostile or broken client can get the flow wrong ends with a precise OAuth error
 * and nothing issued: codes, verifiers, resources, redirect URIs, client metadata documents,
 * registrations, requests that are denied or expire, forms from elsewhere.
 */
describe('the authorization server refuses bad input precisely and issues nothing', () => {
  let stack: OAuthStack;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startRedirectReceiver>>;
  let docs: Awaited<ReturnType<typeof startMetadataDocumentServer>>;
  let clientId: string;
  let carolRequest: string;
  const contexts: BrowserContext[] = [];
  let base: string;
  let resource: string;

  beforeAll(async () => {
    receiver = await startRedirectReceiver();
    docs = await startMetadataDocumentServer(() => [receiver.url]);
    stack = await startOAuthStack({ as: { metadataFetch: { ca: [docs.ca], timeoutMs: 1_000 }, clients: [{ clientId: 'desktop-app', name: 'Desktop app', redirectUris: [receiver.url] }] } });
    base = stack.gatewayUrl;
    resource = `${base}/mcp/everything`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const registered = await post('/oauth/register', { client_name: 'bad-input client', redirect_uris: [receiver.url] });
    expect(registered.status).toBe(201);
    clientId = registered.body.client_id;
    // Carol holds an active grant on "everything", so a sign-in can reuse it (no approval needed per code).
    ({ requestId: carolRequest } = await stack.access.request({ requester: 'carol@example.org', origin: 'api', target: 'everything', durationMs: 20 * 60_000, reason: 'bad input tests' }));
    await stack.access.approve(carolRequest, 'alice@example.org');
    await waitForState(stack.access, carolRequest, 'ACTIVE');
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.access.revoke(carolRequest, 'carol@example.org', 'tests over').catch(() => undefined);
    await stack?.close();
    await docs?.close();
    await receiver?.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are checked field by field
  async function post(path: string, body: unknown, form = false): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => undefined), headers: res.headers };
  }

  function authorizeUrl(params: Record<string, string | undefined>): string {
    const url = new URL(`${base}/oauth/authorize`);
    const all: Record<string, string | undefined> = { response_type: 'code', client_id: clientId, redirect_uri: receiver.url, code_challenge: challengeOf(verifier()), code_challenge_method: 'S256', state: 'st-1', resource, ...params };
    for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
    return url.href;
  }

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  }

  /** A real code: carol signs in and reuses her active grant. */
  async function codeFor(params: Record<string, string | undefined>): Promise<string> {
    const seen = receiver.received.length;
    const page = await newPage();
    await page.goto(authorizeUrl(params), { waitUntil: 'domcontentloaded' });
    await signInAtProvider(page, 'carol@example.org');
    // Temporal visibility is shared with other suites: pick this suite's own request.
    await (await activeAccessButton(page, carolRequest)).click();
    const answer = await eventually(() => receiver.received[seen]!, 'the redirect with a code');
    expect(answer.get('error')).toBeNull();
    return answer.get('code')!;
  }

  const token = (params: Record<string, string>) => post('/oauth/token', { grant_type: 'authorization_code', client_id: clientId, redirect_uri: receiver.url, resource, ...params }, true);
  const noTokenIn = (body: unknown) => expect(JSON.stringify(body)).not.toContain('ghg_');

  test('metadata: RFC 8414 and RFC 9728 say where everything is; the resource names its authorization server', async () => {
    const as = await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json();
    expect(as).toMatchObject({
      issuer: base, authorization_endpoint: `${base}/oauth/authorize`, token_endpoint: `${base}/oauth/token`, registration_endpoint: `${base}/oauth/register`,
      code_challenge_methods_supported: ['S256'], client_id_metadata_document_supported: true, response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'], token_endpoint_auth_methods_supported: ['none'], authorization_response_iss_parameter_supported: true,
    });
    const prm = await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp/everything`)).json();
    expect(prm).toMatchObject({ resource, authorization_servers: [base] });
    const challenge = (await fetch(resource, { method: 'POST', body: '{}' })).headers.get('www-authenticate');
    expect(challenge).toContain(`resource_metadata="${base}/.well-known/oauth-protected-resource/mcp/everything"`);
  });

  test('a pre-registered client (gatehouse.yaml oauth.clients) is known first, with its own redirect URIs', async () => {
    const v = verifier();
    const code = await codeFor({ client_id: 'desktop-app', code_challenge: challengeOf(v) });
    const answer = await token({ code, code_verifier: v, client_id: 'desktop-app' });
    expect(answer).toMatchObject({ status: 200, body: { token_type: 'Bearer', access_token: expect.stringMatching(/^ghg_/) } });
    const elsewhere = await fetch(authorizeUrl({ client_id: 'desktop-app', redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    expect(elsewhere.status).toBe(400);
    expect((await stack.as.trailOf(carolRequest)).some((e) => e.type === 'oauth_token_issued' && e.client === 'desktop-app' && e.actor === 'carol@example.org')).toBe(true);
    expect((await stack.as.trailOf(carolRequest)).some((e) => e.type === 'oauth_client_identified' && e.client === 'desktop-app' && e.detail?.includes('"Desktop app" (verified name)'))).toBe(true);
  });

  test('wrong PKCE verifier: invalid_grant, and the code is burnt (the right verifier cannot follow)', async () => {
    const v = verifier();
    const code = await codeFor({ code_challenge: challengeOf(v) });
    const wrong = await token({ code, code_verifier: verifier() });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('code_verifier does not match') } });
    noTokenIn(wrong.body);
    const right = await token({ code, code_verifier: v });
    expect(right).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('already used') } });
    noTokenIn(right.body);
  });

  test('a reused code: the second exchange is invalid_grant', async () => {
    const v = verifier();
    const code = await codeFor({ code_challenge: challengeOf(v) });
    const first = await token({ code, code_verifier: v });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', access_token: stack.grants.tokenFor((await stack.access.status(carolRequest)).grantId!) });
    expect(first.body.refresh_token).toMatch(/^ghr_/);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const replays = async () => (await stack.as.trailOf(carolRequest)).filter((e) => e.type === 'oauth_token_refused' && e.detail?.includes('presented again') && e.detail.includes('(replay)')).length;
    const before = await replays();
    const again = await token({ code, code_verifier: v });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('already used') } });
    noTokenIn(again.body);
    // The replay is on the request's record, for its approvers and auditors.
    const recorded = await eventually(async () => ((await replays()) > before ? replays() : undefined), 'the replay on the record');
    expect(recorded).toBe(before + 1);
    // A flood of replays of the same code is answered, but recorded once: it cannot grow the workflow's history.
    for (let i = 0; i < 5; i++) expect((await token({ code, code_verifier: v })).body.error).toBe('invalid_grant');
    await stack.access.status(carolRequest);
    expect(await replays()).toBe(recorded);
    expect(await token({ code: 'made-up-code', code_verifier: v })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('unknown or expired') } });
  });

  test('refresh tokens rotate, never outlive the grant, and a replayed or stolen one ends the chain, on the record', async () => {
    const v = verifier();
    const first = await token({ code: await codeFor({ code_challenge: challengeOf(v) }), code_verifier: v });
    expect(first.status).toBe(200);
    const rt1 = first.body.refresh_token as string;
    const refresh = (refreshToken: string, extra: Record<string, string> = {}) => token({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
    const second = await refresh(rt1);
    expect(second).toMatchObject({ status: 200, body: { token_type: 'Bearer', access_token: first.body.access_token, refresh_token: expect.stringMatching(/^ghr_/) } });
    expect(second.body.refresh_token).not.toBe(rt1);
    expect(second.body.expires_in).toBeLessThanOrEqual(first.body.expires_in);
    expect(second.headers.get('cache-control')).toBe('no-store');
    const rt2 = second.body.refresh_token as string;
    // Too soon: refused, and the token is not spent.
    expect(await refresh(rt2)).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringContaining('at most once every 10 seconds') } });
    // The used rt1 again (a stolen copy): refused, and the whole chain ends — rt2 no longer works either.
    const replay = await refresh(rt1);
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('already used') } });
    noTokenIn(replay.body);
    expect(await refresh(rt2)).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('chain was ended') } });
    const trail = await eventually(async () => {
      const steps = await stack.as.trailOf(carolRequest);
      return steps.some((e) => e.type === 'oauth_token_refused' && e.detail?.includes('replay or theft')) ? steps : undefined;
    }, 'the replayed refresh token on the record');
    expect(trail.some((e) => e.type === 'oauth_token_refreshed' && e.client === clientId && e.detail?.startsWith('refresh 1 of at most 20'))).toBe(true);

    // A refresh token presented by another client: refused, the chain ended.
    const v2 = verifier();
    const other = await token({ code: await codeFor({ code_challenge: challengeOf(v2) }), code_verifier: v2 });
    const otherClient = (await post('/oauth/register', { redirect_uris: [receiver.url] })).body.client_id as string;
    expect(await refresh(other.body.refresh_token, { client_id: otherClient })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('another client') } });
    expect(await refresh(other.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // For another resource: refused.
    const v3 = verifier();
    const third = await token({ code: await codeFor({ code_challenge: challengeOf(v3) }), code_verifier: v3 });
    expect(await refresh(third.body.refresh_token, { resource: `${base}/mcp/other` })).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  });

  test('a code for one target cannot be exchanged for another, and the token works only on its own target', async () => {
    const v = verifier();
    const code = await codeFor({ code_challenge: challengeOf(v) });
    const other = await token({ code, code_verifier: v, resource: `${base}/mcp/other` });
    expect(other).toMatchObject({ status: 400, body: { error: 'invalid_target', error_description: expect.stringContaining(`issued for ${resource}`) } });
    noTokenIn(other.body);
    const v2 = verifier();
    const good = await token({ code: await codeFor({ code_challenge: challengeOf(v2) }), code_verifier: v2 });
    const onOther = await fetch(`${base}/mcp/other`, { method: 'POST', headers: { authorization: `Bearer ${good.body.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(onOther.status).toBe(401);
    expect(onOther.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  test('a code for another client, a different redirect_uri, a missing resource, a refresh grant: precise errors', async () => {
    const v = verifier();
    const code = await codeFor({ code_challenge: challengeOf(v) });
    const otherClient = (await post('/oauth/register', { redirect_uris: [receiver.url] })).body.client_id as string;
    expect(await token({ code, code_verifier: v, client_id: otherClient })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('another client') } });
    const v2 = verifier();
    const code2 = await codeFor({ code_challenge: challengeOf(v2) });
    // A swapped redirect_uri (an attacker's listener that caught the code): refused, the code burnt, the attempt on the record.
    const swapped = await token({ code: code2, code_verifier: v2, redirect_uri: `${receiver.url}?x=1` });
    expect(swapped).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('redirect_uri') } });
    noTokenIn(swapped.body);
    expect(await token({ code: code2, code_verifier: v2 })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('already used') } });
    await eventually(async () => (await stack.as.trailOf(carolRequest)).some((e) => e.type === 'oauth_token_refused' && e.detail?.includes('redirect_uri does not match')) || undefined, 'the swapped redirect_uri on the record');
    const v3 = verifier();
    const code3 = await codeFor({ code_challenge: challengeOf(v3) });
    const noResource = await post('/oauth/token', { grant_type: 'authorization_code', client_id: clientId, redirect_uri: receiver.url, code: code3, code_verifier: v3 }, true);
    expect(noResource).toMatchObject({ status: 400, body: { error: 'invalid_target', error_description: expect.stringContaining('resource is required') } });
    expect(await token({ grant_type: 'refresh_token', refresh_token: 'x' })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('unknown or expired') } });
    expect(await token({ grant_type: 'client_credentials' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await token({ code: 'x', code_verifier: v, client_id: 'nobody' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await post('/oauth/token', { grant_type: 'authorization_code' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  test('/authorize: a wrong or missing resource, plain PKCE, no PKCE, another response type are sent back as errors with state and iss', async () => {
    const back = async (params: Record<string, string | undefined>) => {
      const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(receiver.url);
      expect(location.searchParams.get('state')).toBe('st-1');
      expect(location.searchParams.get('iss')).toBe(base);
      expect(location.searchParams.get('code')).toBeNull();
      return { error: location.searchParams.get('error'), description: location.searchParams.get('error_description') };
    };
    expect(await back({ resource: 'https://evil.example/mcp/everything' })).toMatchObject({ error: 'invalid_target' });
    expect(await back({ resource: `${base}/mcp/nope` })).toMatchObject({ error: 'invalid_target' });
    expect(await back({ resource: undefined })).toMatchObject({ error: 'invalid_target', description: expect.stringContaining('resource is required') });
    expect(await back({ code_challenge_method: 'plain' })).toMatchObject({ error: 'invalid_request', description: expect.stringContaining('S256') });
    expect(await back({ code_challenge: undefined, code_challenge_method: undefined })).toMatchObject({ error: 'invalid_request', description: expect.stringContaining('PKCE') });
    expect(await back({ response_type: 'token' })).toMatchObject({ error: 'unsupported_response_type' });
  });

  test('an unregistered redirect URI or an unknown client is shown an error page, never redirected to (no open redirect)', async () => {
    for (const params of [{ redirect_uri: 'https://evil.example/callback' }, { redirect_uri: `${receiver.url}/../evil` }, { redirect_uri: undefined }, { client_id: 'ghc_unknown' }, { client_id: undefined }]) {
      const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    const page = await (await fetch(authorizeUrl({ redirect_uri: 'https://evil.example/callback' }))).text();
    expect(page).toContain('is not a redirect URI registered for');
    // A loopback redirect may change its port (RFC 8252 §7.3), nothing else.
    const otherPort = receiver.url.replace(/:\d+\//, ':1/');
    expect((await fetch(authorizeUrl({ redirect_uri: otherPort }), { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(authorizeUrl({ redirect_uri: receiver.url.replace('127.0.0.1', 'localhost') }), { redirect: 'manual' })).status).toBe(400);
  });

  test('client metadata documents that are slow, huge, redirect or name another client: invalid_client, nothing issued', async () => {
    const refused = async (path: string, expected: string) => {
      const res = await fetch(authorizeUrl({ client_id: docs.url(path), redirect_uri: receiver.url }), { redirect: 'manual' });
      const body = await res.text();
      expect({ status: res.status, location: res.headers.get('location'), says: body.includes(expected) ? expected : body }).toEqual({ status: 400, location: null, says: expected });
    };
    await refused('/slow/client.json', 'did not arrive within 1000 ms');
    await refused('/huge/client.json', 'is larger than 5120 bytes');
    await refused('/moved/client.json', 'answered with a redirect (HTTP 302)');
    await refused('/other-id/client.json', 'names client_id');
    const res = await fetch(authorizeUrl({ client_id: docs.url('/good/client.json') }), { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`^${stack.oidc.issuer}`));
  });

  test('dynamic registration: bad redirect URIs and metadata are refused with RFC 7591 errors', async () => {
    const cases: [unknown, string][] = [
      [{ redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://app.example/cb#frag'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: [] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://app.example/cb'], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
      [{ redirect_uris: ['https://app.example/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
      ['not an object', 'invalid_client_metadata'],
      // A right-to-left override makes "Desktop app\u202Egnp.exe" read differently from what it is.
      [{ redirect_uris: ['https://app.example/cb'], client_name: 'Desktop app\u202Egnp.exe' }, 'invalid_client_metadata'],
      [{ redirect_uris: ['https://app.example/cb'], client_name: 'ghg_notatoken_x' }, 'invalid_client_metadata'],
    ];
    for (const [body, error] of cases) expect({ body, answer: (await post('/oauth/register', body)).body?.error }).toEqual({ body, answer: error });
    const ok = await post('/oauth/register', { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'client_secret_basic' });
    expect(ok).toMatchObject({ status: 201, body: { token_endpoint_auth_method: 'none' } });
    expect(ok.body.client_secret).toBeUndefined();
  });

  test('a denied request and an expired request end at the client with access_denied and the reason', async () => {
    const runUntilDecided = async (login: string, decide: (requestId: string) => Promise<unknown>) => {
      const seen = receiver.received.length;
      const page = await newPage();
      await page.goto(authorizeUrl({ resource: login === 'eve@example.org' ? resource : `${base}/mcp/other` }), { waitUntil: 'domcontentloaded' });
      await signInAtProvider(page, login);
      await page.locator('#reason').fill('please');
      await page.locator('button', { hasText: 'Request access' }).click();
      const requestId = (await page.locator('main strong').innerText()).trim();
      await decide(requestId);
      const answer = await eventually(() => receiver.received[seen]!, 'the redirect with the error', 40_000);
      expect(answer.get('code')).toBeNull();
      expect(answer.get('state')).toBe('st-1');
      return { error: answer.get('error'), description: answer.get('error_description'), requestId };
    };
    const denied = await runUntilDecided('carol@example.org', (id) => stack.access.deny(id, 'bob@example.org', 'use the de-identified mart'));
    expect(denied).toMatchObject({ error: 'access_denied', description: expect.stringContaining('denied by bob@example.org: use the de-identified mart') });
    // Nobody decides within the approval timeout (12 s in the test policy).
    const expired = await runUntilDecided('eve@example.org', async () => undefined);
    expect(expired).toMatchObject({ error: 'access_denied', description: expect.stringContaining('expired: nobody approved it') });
    // The sign-in's steps are in the request's timeline, to the refusal the client was sent: the workflow waits for it before archiving.
    for (const { requestId, state } of [{ requestId: denied.requestId, state: 'DENIED' }, { requestId: expired.requestId, state: 'EXPIRED_UNAPPROVED' }]) {
      const final = await stack.access.result(requestId);
      expect(final.origin).toBe('oauth');
      const types = final.timeline.map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['oauth_signed_in', 'oauth_request_started', 'requested', 'oauth_refused', 'archived']));
      expect(types.indexOf('oauth_refused')).toBeLessThan(types.indexOf('archived'));
      expect(final.timeline.find((e) => e.type === 'state' && e.detail === state)).toBeDefined();
    }
  });

  test('a client that registers the name of a pre-registered client: the approver sees the name is claimed and looks like another client', async () => {
    // "Desktop app" is pre-registered; this one registers itself as "Desktоp  App" (a Cyrillic о, another space and case).
    const lookalike = await post('/oauth/register', { client_name: 'Desktоp  App', redirect_uris: [receiver.url] });
    expect(lookalike.status).toBe(201);
    const page = await newPage();
    await page.goto(authorizeUrl({ client_id: lookalike.body.client_id }), { waitUntil: 'domcontentloaded' });
    await signInAtProvider(page, 'carol@example.org');
    // The person is warned on the page too.
    await page.locator('#reason').waitFor();
    expect(await page.locator('main').innerText()).toContain('looks like Desktop app (pre-registered client desktop-app), but it is not that application');
    await page.locator('#reason').fill('lookalike check');
    await page.locator('button', { hasText: 'Request access' }).click();
    const requestId = (await page.locator('main strong').innerText()).trim();
    try {
      const status = await stack.access.status(requestId);
      expect(status.client).toMatchObject({ clientId: lookalike.body.client_id, kind: 'dynamic', name: 'Desktоp  App', nameVerified: false, impersonates: 'Desktop app (pre-registered client desktop-app)' });
      expect(status.client?.verified).toContain('nothing: registered itself dynamically from');
      const message = await waitForMessage(stack.slack.workspace, 'phi-approvers', (m) => m.metadata?.event_payload.idempotency_key === `gatehouse:${requestId}:requested`, { timeoutMs: 20_000 });
      const shown = JSON.stringify(message.blocks);
      expect(shown).toContain('Name (claimed by the client, not verified)');
      expect(shown).toContain('The claimed name looks like Desktop app (pre-registered client desktop-app), but this is not that client.');
      expect(shown).toContain('nothing: registered itself dynamically');
      // The pre-registered client itself is shown verified, with no warning.
      const real = await fetch(authorizeUrl({ client_id: 'desktop-app' }), { redirect: 'manual' });
      expect(real.status).toBe(303);
    } finally {
      await stack.access.revoke(requestId, 'carol@example.org', 'lookalike test over').catch(() => undefined);
      // The page still waits on this request and, once it ended, sends the client access_denied:
      // let that redirect land now, not in the next test's count of what the receiver got.
      await eventually(() => receiver.received.some((answer) => answer.get('error_description')?.includes(requestId)), 'the lookalike request\'s end at the client').catch(() => undefined);
    }
  });

  test('policy is the same as everywhere: someone who may not ask sees why; an unverified email cannot sign in', async () => {
    const page = await newPage();
    await page.goto(authorizeUrl({}), { waitUntil: 'domcontentloaded' });
    await signInAtProvider(page, 'zed@example.org');
    await page.locator('#reason').fill('curious');
    await page.locator('button', { hasText: 'Request access' }).click();
    expect(await page.locator('[role="alert"]').innerText()).toContain('zed@example.org may not request access to everything');

    const seen = receiver.received.length;
    const mallory = await newPage();
    await mallory.goto(authorizeUrl({}), { waitUntil: 'domcontentloaded' });
    await signInAtProvider(mallory, 'mallory@example.org');
    const answer = await eventually(() => receiver.received[seen]!, 'the redirect with the error');
    expect(answer.get('error')).toBe('access_denied');
    expect(answer.get('error_description')).toContain('not verified');
  });

  test('MCP 2026-07-28 resource indicators: an upper-case scheme names the same resource, the code is bound to the canonical form; a fragment, credentials or another path spelling are refused', async () => {
    const upper = resource.replace(/^http:/, 'HTTP:');
    expect(upper).not.toBe(resource);
    const v = verifier();
    const code = await codeFor({ code_challenge: challengeOf(v), resource: upper });
    // Exchanged with the canonical spelling (or the upper-case one): the same resource.
    const issued = await token({ code, code_verifier: v, resource });
    expect(issued).toMatchObject({ status: 200, body: { token_type: 'Bearer', access_token: expect.stringMatching(/^ghg_/) } });
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: issued.body.refresh_token, resource: upper });
    expect(refreshed).toMatchObject({ status: 200, body: { access_token: issued.body.access_token } });
    const back = async (value: string) => {
      const res = await fetch(authorizeUrl({ resource: value }), { redirect: 'manual' });
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('iss')).toBe(base);
      return { error: location.searchParams.get('error'), description: location.searchParams.get('error_description') };
    };
    expect(await back(`${resource}#frag`)).toMatchObject({ error: 'invalid_target', description: expect.stringContaining('not a resource indicator') });
    expect(await back(resource.replace('://', '://carol@'))).toMatchObject({ error: 'invalid_target', description: expect.stringContaining('not a resource indicator') });
    expect(await back(resource.replace('/mcp/', '/MCP/'))).toMatchObject({ error: 'invalid_target', description: expect.stringContaining('is not an MCP endpoint of this gateway') });
    expect(await back(resource.replace('/mcp/', '/x/../mcp/'))).toMatchObject({ error: 'invalid_target' });
  });

  test('MCP 2026-07-28 / RFC 9728: the metadata names only the gateway\'s own authorization server, under the exact issuer its RFC 8414 metadata states; challenges point at the metadata; a token in the query string is no token', async () => {
    const prm = await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp/everything`)).json() as { resource: string; authorization_servers: string[] };
    expect(prm.resource).toBe(resource);
    expect(prm.authorization_servers).toEqual([base]);
    for (const server of prm.authorization_servers) {
      const metadata = await (await fetch(`${server}/.well-known/oauth-authorization-server`)).json() as { issuer: string };
      expect(metadata.issuer).toBe(server); // byte for byte: clients compare it so (RFC 8414 §3.3)
    }
    const metadataUrl = `resource_metadata="${base}/.well-known/oauth-protected-resource/mcp/everything"`;
    const mcp = (headers: Record<string, string>, url = resource) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    const none = await mcp({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain(metadataUrl);
    const stale = await mcp({ authorization: 'Bearer ghg_not-a-grant' });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(stale.headers.get('www-authenticate')).toContain(metadataUrl);
    // Tokens travel in the Authorization header only (OAuth 2.1 §5.1.1): one in the URL is ignored, so the request has none.
    const v = verifier();
    const good = await token({ code: await codeFor({ code_challenge: challengeOf(v) }), code_verifier: v });
    const inQuery = await mcp({}, `${resource}?access_token=${encodeURIComponent(good.body.access_token)}`);
    expect(inQuery.status).toBe(401);
    // A grant for another target: a token not valid here (401 invalid_token, never 403
    // insufficient_scope: there is no scope to step up to), naming that target's metadata.
    const elsewhere = await mcp({ authorization: `Bearer ${good.body.access_token}` }, `${base}/mcp/other`);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(elsewhere.headers.get('www-authenticate')).not.toMatch(/insufficient_scope/);
    expect(elsewhere.headers.get('www-authenticate')).toContain(`resource_metadata="${base}/.well-known/oauth-protected-resource/mcp/other"`);
  });

  test('forms from elsewhere, without the browser cookie or the CSRF token, are refused', async () => {
    const page = await newPage();
    await page.goto(authorizeUrl({}), { waitUntil: 'domcontentloaded' });
    await signInAtProvider(page, 'carol@example.org');
    await page.locator('#reason').waitFor();
    const action = new URL(page.url()).pathname;
    const cookie = (await page.context().cookies()).find((c) => c.name.startsWith('gh_oauth_'))!;
    const send = (headers: Record<string, string>, body: string) => fetch(base + action, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    expect((await send({}, 'action=request&reason=x&duration=30m')).status).toBe(403);
    expect((await send({ cookie: `${cookie.name}=${cookie.value}` }, 'action=request&reason=x&duration=30m&csrf=wrong')).status).toBe(403);
    expect((await send({ cookie: `${cookie.name}=${cookie.value}`, origin: 'https://evil.example' }, 'action=request&reason=x&duration=30m')).status).toBe(403);
    // Another browser cannot pick up the page either.
    expect((await fetch(base + action)).status).toBe(403);
  });
});
