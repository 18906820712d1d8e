import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type CallToolResult } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { chromium, type Browser } from 'playwright-core';
import { eventually } from '../proxy/support';
import { askWithKeyboard, signInAtProvider } from './client';
import { startOAuthStack, type OAuthStack } from './stack';

/** The desktop app: the v2 client in 2025 mode (initialize over stdio), as desktop apps speak to mcp-remote today. */
const DESKTOP = { versionNegotiation: { mode: 'legacy' as const } };

const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';
const proxyScript = require.resolve('mcp-remote/dist/proxy.js');

/**
 * mcp-remote (npm, pinned), the stdio bridge desktop apps run for remote servers, given nothing
 * but the URL: it discovers the gateway's authorization server, registers, prints the sign-in URL
 * (where a desktop would open a browser, headless Chromium signs in), receives the code on its own
 * loopback port, and the stdio client behind it lists tools and calls one, masked.
 */
describe('mcp-remote signs in through the gateway with nothing but the URL', () => {
  let stack: OAuthStack;
  let browser: Browser;
  let dir: string;
  let client: Client | undefined;
  let requestId = '';

  beforeAll(async () => {
    stack = await startOAuthStack();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-mcp-remote-oauth-'));
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    if (requestId) await stack?.access.revoke(requestId, 'carol@example.org', 'tests over').catch(() => undefined);
    await browser?.close();
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('discovery, registration, sign-in, approval in Slack, then tools through the stdio bridge, masked', async () => {
    const mcpUrl = `${stack.gatewayUrl}/mcp/everything`;
    let stderr = '';
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [proxyScript, mcpUrl, '--transport', 'http-only'],
      // No browser to open here (the person's browser is Chromium, driven below); its own folder for tokens.
      env: { PATH: '/nonexistent', HOME: dir, MCP_REMOTE_CONFIG_DIR: join(dir, 'auth'), BROWSER: 'none' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    client = new Client({ name: 'desktop-app', version: '1.0.0' }, DESKTOP);
    const connected = client.connect(transport).then(() => 'connected', (error: Error) => `failed: ${error.message}`);

    const url = await eventually(() => /Please authorize this client by visiting:\s*(\S+)/.exec(stderr)?.[1], 'mcp-remote to print the sign-in URL', 60_000);
    const asked = new URL(url);
    expect(asked.origin + asked.pathname).toBe(`${stack.gatewayUrl}/oauth/authorize`);
    expect(asked.searchParams.get('resource')).toBe(mcpUrl);
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
    const clientId = asked.searchParams.get('client_id')!;

    const page = await (await browser.newContext()).newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await signInAtProvider(page, 'carol@example.org');
    await page.locator('h1', { hasText: 'Access to everything' }).waitFor();
    await askWithKeyboard(page, { duration: '30m', reason: 'mcp-remote interop check' });
    requestId = (await page.locator('main strong').innerText({ timeout: 15_000 })).trim();
    const approval = await stack.approveInSlack(requestId, 'alice');
    await page.waitForURL((u) => !u.href.startsWith(stack.gatewayUrl), { timeout: 30_000 });

    expect(await connected).toBe('connected');
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo');
    const echoed = (await client.callTool({ name: 'echo', arguments: { message: 'patient SSN 123-45-6789' } })) as CallToolResult;
    expect(JSON.stringify(echoed.content)).toContain('[SSN]');
    expect(JSON.stringify(echoed.content)).not.toContain('123-45-6789');

    const status = await stack.access.status(requestId);
    expect(status).toMatchObject({ state: 'ACTIVE', origin: 'oauth', requester: 'carol@example.org', client: { clientId, nameVerified: false } });
    expect((await stack.as.trailOf(requestId)).map((e) => e.type)).toEqual(expect.arrayContaining(['oauth_signed_in', 'oauth_request_started', 'oauth_code_issued', 'oauth_token_issued']));
    expect(JSON.stringify(approval.blocks)).toContain('Name (claimed by the client, not verified)');
    // mcp-remote's log never carries the token.
    expect(stderr).not.toContain(stack.grants.tokenFor(status.grantId!));
  });
});
