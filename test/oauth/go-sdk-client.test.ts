import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser } from 'playwright-core';
import { eventually } from '../proxy/support';
import { historyText } from '../support/history';
import { askWithKeyboard, signInAtProvider } from './client';
import { RP, startOAuthStack, type OAuthStack } from './stack';

const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';
const PROGRAM = join(__dirname, '..', 'interop', 'go-oauth');

/** The Go toolchain: GO, else /usr/local/go/bin/go, else `go` on PATH. */
function goToolchain(): string {
  for (const candidate of [process.env.GO, '/usr/local/go/bin/go', 'go'].filter((c): c is string => Boolean(c))) {
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // the next one
    }
  }
  throw new Error('no Go toolchain (set GO, or install Go at /usr/local/go): this suite builds test/interop/go-oauth with the official Go MCP SDK');
}

/** Builds test/interop/go-oauth (its own go.mod and go.sum) into the cache folder. */
function buildGoOAuthClient(): string {
  const out = join(process.env.GATEHOUSE_CACHE_DIR ?? join(homedir(), '.cache', 'gatehouse'), 'interop');
  mkdirSync(out, { recursive: true });
  const binary = join(out, 'gatehouse-go-oauth-client');
  execFileSync(goToolchain(), ['build', '-o', binary, '.'], { cwd: PROGRAM, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (!existsSync(binary)) throw new Error(`go build wrote no ${binary}`);
  return binary;
}

type GoEvent = { event: string; url?: string; names?: string[]; text?: string; isError?: boolean; message?: string };

/** Runs the Go client; its JSON lines arrive in `events`. */
function runGoClient(binary: string, args: string[]): { child: ChildProcessWithoutNullStreams; events: GoEvent[]; stderr: string[] } {
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: GoEvent[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as GoEvent);
    } catch {
      stderr.push(`stdout: ${line}`);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(String(chunk)));
  return { child, events, stderr };
}

/**
 * A second, independent client: the official Go MCP SDK's OAuth support (auth.AuthorizationCodeHandler)
 * signs in with nothing but the URL — discovery, dynamic registration, PKCE, resource, iss — the
 * person signs in in headless Chromium, the request is approved in the local Slack thread, and the
 * Go client lists tools and calls one, the answer masked.
 */
describe('the Go MCP SDK signs in through the gateway with nothing but the URL', () => {
  let stack: OAuthStack;
  let browser: Browser;
  let binary: string;
  let run: ReturnType<typeof runGoClient> | undefined;
  let requestId = '';

  beforeAll(async () => {
    binary = buildGoOAuthClient();
    stack = await startOAuthStack();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 360_000);
  afterAll(async () => {
    if (run && run.child.exitCode === null) run.child.kill();
    if (requestId) await stack?.access.revoke(requestId, 'carol@example.org', 'tests over').catch(() => undefined);
    await browser?.close();
    await stack?.close();
  });

  test('discovery, registration, sign-in, approval in Slack, tools/list and a masked tools/call', async () => {
    const mcpUrl = `${stack.gatewayUrl}/mcp/everything`;
    run = runGoClient(binary, ['-url', mcpUrl, '-client-name', 'Go SDK interop client', '-message', 'patient SSN 123-45-6789']);
    const { events, stderr } = run;
    const said = () => `the Go client said: ${JSON.stringify(events)} ${stderr.join('')}`;
    const authorize = await eventually(() => events.find((e) => e.event === 'authorize' || e.event === 'error'), 'the Go client to ask for a sign-in', 60_000);
    if (authorize.event === 'error') throw new Error(said());
    const asked = new URL(authorize.url!);
    expect(asked.origin + asked.pathname).toBe(`${stack.gatewayUrl}/oauth/authorize`);
    expect(asked.searchParams.get('resource')).toBe(mcpUrl);
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
    const clientId = asked.searchParams.get('client_id')!;
    expect(clientId).toMatch(/^ghc_/);

    const page = await (await browser.newContext()).newPage();
    await page.goto(asked.href, { waitUntil: 'domcontentloaded' });
    await signInAtProvider(page, 'carol@example.org');
    await page.locator('h1', { hasText: 'Access to everything' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('Go SDK interop client');
    await askWithKeyboard(page, { duration: '30m', reason: 'Go interop check', ticket: 'CHG-77' });
    requestId = (await page.locator('main strong').innerText({ timeout: 15_000 })).trim();
    expect(requestId).toMatch(/^req_[a-z0-9]{20}$/);
    await page.locator('#steps', { hasText: 'Waiting for approval in #phi-approvers' }).waitFor();
    const approval = await stack.approveInSlack(requestId, 'bob');

    const result = await eventually(() => events.find((e) => e.event === 'result' || e.event === 'error'), 'the Go client to call a tool', 60_000);
    if (result.event === 'error') throw new Error(said());
    expect(events.map((e) => e.event)).toEqual(['authorize', 'connected', 'tools', 'result']);
    expect(events.find((e) => e.event === 'tools')?.names).toContain('echo');
    expect(result).toMatchObject({ isError: false });
    expect(result.text).toContain('[SSN]');
    expect(result.text).not.toContain('123-45-6789');
    await eventually(() => (run!.child.exitCode === 0 ? true : undefined), 'the Go client to exit 0');

    // The request is an OAuth sign-in from this client, on the record; the approver saw the client's name as a claim.
    const status = await stack.access.status(requestId);
    expect(status).toMatchObject({ state: 'ACTIVE', origin: 'oauth', requester: 'carol@example.org', decision: { approved: true, by: 'bob@example.org' } });
    expect(status.client).toMatchObject({ clientId, kind: 'dynamic', name: 'Go SDK interop client', nameVerified: false });
    const steps = (await stack.as.trailOf(requestId)).map((e) => e.type);
    expect(steps).toEqual(['oauth_client_identified', 'oauth_authorization_started', 'oauth_signed_in', 'oauth_request_started', 'oauth_code_issued', 'oauth_token_issued']);
    const shown = JSON.stringify(approval.blocks);
    expect(shown).toContain('Go SDK interop client');
    expect(shown).toContain('Name (claimed by the client, not verified)');
    // Nothing secret in the request's history.
    const history = historyText(await stack.temporal.workflow.getHandle(requestId).fetchHistory());
    expect(history).not.toContain(stack.grants.tokenFor(status.grantId!));
    expect(history).not.toContain(RP.clientSecret);
  });
});
