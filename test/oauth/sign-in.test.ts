import type { CallToolResult } from '@modelcontextprotocol/client';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { waitForMessage, type SlackMessage } from '../../devstack/slack';
import { GRANT_TOKEN_PREFIX } from '../../lib';
import { eventually } from '../proxy/support';
import { historyText } from '../support/history';
import { activeAccessButton, askWithKeyboard, connectWithOAuth, finishSignIn, signInAtProvider, startMetadataDocumentServer, startRedirectReceiver, TestOAuthProvider, type McpConnection } from './client';
import { RP, startOAuthStack, type OAuthStack } from './stack';

const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The official MCP TypeScript SDK client, with its OAuth client provider, connects to
 * /mcp/<target> knowing only the URL: discovery, registration, sign-in at the OpenID provider in
 * a headless browser, the request approved in the Slack thread, tools, a masked result; then
 * revocation makes the next call fail and a fresh authorization starts a new request.
 */
describe('sign in from an MCP client with nothing but the URL', () => {
  let stack: OAuthStack;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startRedirectReceiver>>;
  let docs: Awaited<ReturnType<typeof startMetadataDocumentServer>>;
  const contexts: BrowserContext[] = [];
  const connections: McpConnection[] = [];
  let mcpUrl: string;
  /** Carol's active request after the first test (the second test reuses it). */
  let activeRequest = '';

  beforeAll(async () => {
    receiver = await startRedirectReceiver();
    docs = await startMetadataDocumentServer(() => [receiver.url]);
    stack = await startOAuthStack({ as: { metadataFetch: { ca: [docs.ca], timeoutMs: 1_500 } } });
    mcpUrl = `${stack.gatewayUrl}/mcp/everything`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    for (const c of connections) await c.transport.close().catch(() => undefined);
    // Leave no active grant behind for other suites' pages to offer.
    if (activeRequest) await stack?.access.revoke(activeRequest, 'carol@example.org', 'tests over').catch(() => undefined);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.close();
    await docs?.close();
    await receiver?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  }

  /** Follows an authorization URL in a fresh browser until the redirect receiver is reached. */
  async function untilRedirected(page: Page, seen: number): Promise<URLSearchParams> {
    await page.waitForURL((u) => u.href.startsWith(receiver.url), { timeout: 30_000 });
    return eventually(() => receiver.received[seen]!, 'the redirect back to the client');
  }

  /** The person's part: sign in, ask for access with the keyboard, wait for the approval in Slack. */
  async function authorize(authorizationUrl: URL, ask: { login: string; reason: string; ticket?: string; approver?: string }): Promise<{ params: URLSearchParams; requestId: string; page: Page; approvalMessage: SlackMessage }> {
    const seen = receiver.received.length;
    const page = await newPage();
    await page.goto(authorizationUrl.href, { waitUntil: 'domcontentloaded' });
    await signInAtProvider(page, ask.login);
    await page.locator('h1', { hasText: 'Access to everything' }).waitFor();
    expect(await page.locator('main').innerText()).toContain(`Signed in as\n${ask.login}`);
    await askWithKeyboard(page, { duration: '30m', reason: ask.reason, ...(ask.ticket ? { ticket: ask.ticket } : {}) });
    const requestId = (await page.locator('main strong').innerText({ timeout: 15_000 }).catch(async (error: Error) => {
      const errors = stack.logs.filter((l) => /"level":50/.test(l)).join('\n');
      throw new Error(`no request started; the page says: ${await page.locator('body').innerText().catch(() => '?')} (${error.message}); errors logged: ${errors}`);
    })).trim();
    expect(requestId).toMatch(/^req_[a-z0-9]{20}$/);
    // The page says what is happening, live.
    await page.locator('#steps', { hasText: 'Waiting for approval in #phi-approvers' }).waitFor();
    const approvalMessage = await stack.approveInSlack(requestId, ask.approver ?? 'bob');
    const params = await untilRedirected(page, seen);
    return { params, requestId, page, approvalMessage };
  }

  const text = (r: CallToolResult) => JSON.stringify(r.content);

  test('a client ID metadata document client: discovery, sign-in, approval in Slack, tools, masking; revocation ends it; a fresh sign-in is a new request', async () => {
    const metadataUrl = docs.url('/good/desktop-client.json');
    const provider = new TestOAuthProvider(receiver.url, metadataUrl);
    expect(await connectWithOAuth(mcpUrl, provider)).toBe('redirect');

    // Discovery found the gateway's own authorization server, which takes metadata documents.
    expect(provider.info?.client_id).toBe(metadataUrl);
    const asked = provider.authorizationUrl!;
    expect(asked.origin + asked.pathname).toBe(`${stack.gatewayUrl}/oauth/authorize`);
    expect(asked.searchParams.get('resource')).toBe(mcpUrl);
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');

    const { params, requestId, approvalMessage } = await authorize(asked, { login: 'carol@example.org', reason: 'readmission review', ticket: 'CHG-42' });
    expect(params.get('error')).toBeNull();
    expect(params.get('state')).toBe(provider.lastState);
    expect(params.get('iss')).toBe(stack.gatewayUrl);
    expect(docs.fetches).toContain('/good/desktop-client.json');

    const mcp = await finishSignIn(mcpUrl, provider, params);
    connections.push(mcp);
    // The token is the grant's own token: it lasts as long as the grant; the refresh token never outlives it.
    const status = await stack.access.status(requestId);
    expect(status).toMatchObject({ state: 'ACTIVE', requester: 'carol@example.org', target: 'everything', reason: 'readmission review', ticket: 'CHG-42' });
    expect(status.decision).toMatchObject({ approved: true, by: 'bob@example.org' });
    expect(provider.saved?.access_token).toBe(stack.grants.tokenFor(status.grantId!));
    expect(provider.saved?.access_token.startsWith(GRANT_TOKEN_PREFIX)).toBe(true);
    expect(provider.saved?.refresh_token).toMatch(/^ghr_/);
    // expires_in is the grant's remaining time when the token was issued: at most the 30 minutes asked, at least what is left now.
    const remaining = Math.floor((Date.parse(status.expiresAt!) - Date.now()) / 1000);
    expect(provider.saved?.expires_in).toBeLessThanOrEqual(30 * 60);
    expect(provider.saved?.expires_in).toBeGreaterThanOrEqual(remaining);

    const tools = await mcp.client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('echo');
    const echoed = (await mcp.client.callTool({ name: 'echo', arguments: { message: 'patient SSN 123-45-6789' } })) as CallToolResult;
    expect(text(echoed)).toContain('[SSN]');
    expect(text(echoed)).not.toContain('123-45-6789');

    // The request says it came from an OAuth sign-in, with which client, verified apart from claimed.
    expect(status.origin).toBe('oauth');
    expect(status.client).toMatchObject({
      clientId: metadataUrl, kind: 'metadata_document', name: 'Metadata document client', nameVerified: false,
      verified: expect.stringContaining(`fetched from ${new URL(metadataUrl).host}`), redirectOrigin: new URL(receiver.url).origin,
    });
    expect(status.client?.impersonates).toBeUndefined();
    // Every step is in the request's own timeline (the workflow is the record): who signed in, from which client.
    const trail = await stack.as.trailOf(requestId);
    expect(trail.map((e) => e.type)).toEqual(['oauth_client_identified', 'oauth_authorization_started', 'oauth_signed_in', 'oauth_request_started', 'oauth_code_issued', 'oauth_token_issued']);
    expect(trail.every((e) => e.client === metadataUrl)).toBe(true);
    expect(trail.filter((e) => !['oauth_client_identified', 'oauth_authorization_started'].includes(e.type)).every((e) => e.actor === 'carol@example.org')).toBe(true);
    // The sign-in precedes the request, the approval comes between the request and the code.
    const types = status.timeline.map((e) => e.type);
    expect(types.indexOf('oauth_request_started')).toBeLessThan(types.indexOf('requested'));
    expect(types.indexOf('approved')).toBeLessThan(types.indexOf('oauth_code_issued'));
    // The approvers were told in Slack: a sign-in, which client, and that its name is a claim.
    const approval = JSON.stringify(approvalMessage.blocks);
    expect(approval).toContain('signed in at the OpenID provider, from an MCP client');
    expect(approval).toContain('Name (claimed by the client, not verified)');
    expect(approval).toContain(`only that host is verified`);

    // An extension approved in Slack's stead (the API's call): a refresh tells the client the new end, same token.
    await stack.access.extend(requestId, 'carol@example.org', 30 * 60_000, 'the review runs longer');
    await stack.access.decideExtension(requestId, 'alice@example.org', true);
    const extended = await eventually(async () => {
      const s = await stack.access.status(requestId);
      const grant = s.grantId ? await stack.grants.get(s.grantId) : null;
      return grant && Date.parse(grant.expiresAt) - Date.now() > 31 * 60_000 ? grant : undefined;
    }, 'the extension to reach the grant');
    const refreshed = await fetch(`${stack.gatewayUrl}/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: provider.saved!.refresh_token!, client_id: metadataUrl }).toString(),
    });
    const renewed = (await refreshed.json()) as { access_token: string; expires_in: number; refresh_token: string };
    expect(refreshed.status).toBe(200);
    expect(renewed.access_token).toBe(provider.saved!.access_token);
    expect(renewed.expires_in).toBeGreaterThan(31 * 60);
    expect(renewed.expires_in).toBeLessThanOrEqual(Math.ceil((Date.parse(extended.expiresAt) - Date.now()) / 1000) + 1);
    provider.saveTokens({ ...provider.saved!, ...renewed });

    // Nothing secret in the workflow's history: no code, token, verifier, state or the gateway's client secret.
    // (A signal that arrives during a workflow task is written to history when the task ends: wait for the workflow to have it.)
    await eventually(async () => (await stack.as.trailOf(requestId)).some((e) => e.type === 'oauth_token_refreshed') || undefined, 'the refresh on the record');
    const history = historyText(await stack.temporal.workflow.getHandle(requestId).fetchHistory());
    // The sign-in steps reach the workflow as signals (orders to notify and archive carry only ids since cc44b24, not the timeline).
    expect(history).toContain('"type":"token_issued"');
    expect(history).toContain('"type":"token_refreshed"');
    for (const secret of [params.get('code')!, provider.saved!.access_token, provider.saved!.refresh_token!, renewed.refresh_token, provider.verifier, provider.lastState!, RP.clientSecret]) expect(history).not.toContain(secret);

    // Revocation: the next call fails at once with 401, and the client starts a fresh authorization.
    await stack.access.revoke(requestId, 'carol@example.org', 'done for today');
    await eventually(async () => (await fetch(mcpUrl, { method: 'POST', headers: { authorization: `Bearer ${provider.saved!.access_token}`, 'content-type': 'application/json' }, body: '{}' })).status === 401 || undefined, 'the token to be refused');
    // Its refresh token ends with the grant: no new token for a revoked access.
    const late = await fetch(`${stack.gatewayUrl}/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: renewed.refresh_token, client_id: metadataUrl }).toString(),
    });
    expect({ status: late.status, body: await late.json() }).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('has ended') } });
    provider.authorizationUrl = undefined;
    await expect(mcp.client.callTool({ name: 'echo', arguments: { message: 'again' } })).rejects.toThrow();
    // The old connection is done (its stream would start authorizations of its own otherwise).
    await mcp.transport.close();
    provider.authorizationUrl = undefined;
    const again = await connectWithOAuth(mcpUrl, provider);
    expect(again).toBe('redirect');
    const second = await authorize(provider.authorizationUrl!, { login: 'carol@example.org', reason: 'one more look', approver: 'alice' });
    expect(second.requestId).not.toBe(requestId);
    activeRequest = second.requestId;
    const reconnected = await finishSignIn(mcpUrl, provider, second.params);
    connections.push(reconnected);
    expect((await reconnected.client.listTools()).tools.length).toBeGreaterThan(0);
  });

  test('a dynamically registered client (RFC 7591) reuses the active access of the person who signs in', async () => {
    const provider = new TestOAuthProvider(receiver.url, undefined, 'Older MCP client');
    expect(await connectWithOAuth(mcpUrl, provider)).toBe('redirect');
    expect(provider.info?.client_id).toMatch(/^ghc_/);
    const seen = receiver.received.length;
    const page = await newPage();
    await page.goto(provider.authorizationUrl!.href, { waitUntil: 'domcontentloaded' });
    await signInAtProvider(page, 'carol@example.org');
    // Temporal visibility is shared with other suites: pick this suite's own request.
    const reuse = await activeAccessButton(page, activeRequest);
    expect(await page.locator('main').innerText()).toContain('Older MCP client');
    await reuse.focus();
    await page.keyboard.press('Enter');
    const params = await untilRedirected(page, seen);
    const mcp = await finishSignIn(mcpUrl, provider, params);
    connections.push(mcp);
    expect((await mcp.client.listTools()).tools.map((t) => t.name)).toContain('echo');
    // The reused request's timeline now holds this sign-in too, under this client's id.
    const steps = (await stack.as.trailOf(activeRequest)).filter((e) => e.client === provider.info?.client_id);
    expect(steps.map((e) => e.type)).toEqual(['oauth_client_identified', 'oauth_authorization_started', 'oauth_signed_in', 'oauth_grant_reused', 'oauth_code_issued', 'oauth_token_issued']);
    expect(steps[0]?.detail).toContain('"Older MCP client" (name claimed by the client, not verified)');
    // The approvers' thread hears that the live grant went to another client, and which.
    const told = await waitForMessage(stack.slack.workspace, 'phi-approvers', (m) => m.text.includes('reused this access') && m.text.includes(provider.info!.client_id));
    expect(JSON.stringify(told.blocks)).toContain('Older MCP client');
    // Nothing secret in what the gateway and the authorization server logged.
    const logs = stack.logs.join('\n');
    expect(logs).not.toContain(provider.saved!.access_token);
    expect(logs).not.toContain(params.get('code')!);
    expect(logs).not.toContain(RP.clientSecret);
  });
});
