// The audit console end to end in headless Chromium: a request made through the real access
// workflow, the real gateway (server-everything's echo declared SQL) recording through the real
// SessionRecorder, archived by the real archiver; the API with the console; a real OpenID
// provider (oidc-provider) on loopback where people sign in on its login page.
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AuditArchiver } from '../../activities';
import { createApiApp, createOidcVerifier, listen, type RunningApi } from '../../api';
import { createConsoleRouter, consoleSettings } from '../../api/console';
import { auditRoutes } from '../../api/routes/audit';
import { AuditReader, canonicalJson, FolderArchiveStore, generateArchiveKeys, RecordingLog, RequestIndex, SessionRecorder, TemporalHistory } from '../../audit';
import { newRequestId, type Redis } from '../../lib';
import { requesterKey, stateKey, targetKey } from '../../workflows';
import { startOidcProvider, type TestOidcProvider } from '../../devstack/oidc';
import { oidcSettings } from '../api/fixture';
import { signInAtProvider } from '../oauth/client';
import { connectClient, endSession, everythingServer, startTestGateway, type TestGateway } from '../proxy/support';
import { eventually } from '../support/eventually';
import { startHarness, testConfig, waitForState, waitForStatus, type Harness } from '../support/harness';

const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';
const keys = generateArchiveKeys();
const SSN = '536-22-1847';
const HOSTILE_REASON = '<script>window.__pwned = "reason"</script><img src=x onerror="window.__pwned=1"> readmission review';
const HOSTILE_SQL = "SELECT '<script>window.__pwned = \"sql\"</script>' AS note FROM clinical.phi.patients";
const upstream = `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }`;
const CONFIG = `
version: 1
defaults: { maxDuration: 1h, approvalTimeout: 30s, commandApprovalTimeout: 60s, expiringSoonWarning: 1s }
groups:
  approvers: [alice@example.org, bob@example.org]
  auditors: [priya@example.org]
targets:
  - name: clinical
    description: echo's message is SQL here
    upstream: ${upstream}
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    maxDuration: 10m
    commands:
      tools: [echo]
      sqlArguments: [message]
      sql: { read: allow, write: hold, ddl: deny, privilege: deny, export: deny, multi_statement: hold, unparseable: hold }
      approvalTimeout: 60s
audit:
  readers: [group:auditors, idp-group:security-audit]
`;
const CONSOLE_RP = { clientId: 'gatehouse-console', clientSecret: 'console-secret-0123456789abcdef0123' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Run in the page (a string: this project's TypeScript has no DOM library).
const OUTLINE_SCRIPT = `(() => {
  const out = [];
  const labelOf = (el) => {
    const label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
    return ((label && label.textContent) || el.getAttribute('aria-label') || '').trim();
  };
  for (const el of document.querySelectorAll('header, nav, main, form, fieldset > legend, h1, h2, h3, table, input:not([type=hidden]), select, button, #verification-badge')) {
    const tag = el.tagName.toLowerCase();
    if (/^h\\d$/.test(tag)) out.push(tag + ' ' + el.textContent.replace(/\\s+/g, ' ').replace(/req_[a-z0-9]{20}/g, 'req_…').replace(/\\(\\d+\\)/, '(n)').trim());
    else if (tag === 'legend') out.push('legend ' + el.textContent.trim());
    else if (tag === 'table') out.push('table#' + el.id + ' [' + Array.from(el.querySelectorAll('thead th')).map((th) => th.textContent.trim()).join(' | ') + ']');
    else if (tag === 'input' || tag === 'select') out.push(tag + '[' + (el.getAttribute('type') || '') + '] "' + labelOf(el) + '"');
    else if (tag === 'button') out.push('button "' + el.textContent.trim() + '"');
    else if (el.id === 'verification-badge') out.push('badge "' + el.textContent.trim() + '"');
    else out.push(tag + (el.getAttribute('aria-label') ? ' "' + el.getAttribute('aria-label') + '"' : ''));
  }
  return out;
})()`;
const UNLABELLED_SCRIPT = `Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
  .filter((el) => !(el.id && document.querySelector('label[for="' + el.id + '"]')) && !el.getAttribute('aria-label')).map((el) => el.outerHTML)`;

/** The page as structure: landmarks, headings, labelled controls, table columns, buttons (no pixels, no data). */
const outline = (page: Page) => page.evaluate(OUTLINE_SCRIPT) as Promise<string[]>;
/** A downloaded zip, unpacked by the system's unzip: its one folder's name and files. */
async function unzipped(file: string): Promise<{ folder: string; files: Record<string, string> }> {
  const out = await mkdtemp(path.join(tmpdir(), 'gatehouse-console-zip-'));
  try {
    await promisify(execFile)('unzip', ['-q', file, '-d', out]);
    const [folder, ...others] = await readdir(out);
    expect(others).toEqual([]);
    const names = await readdir(path.join(out, folder!));
    return { folder: folder!, files: Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(path.join(out, folder!, n), 'utf8')] as const))) };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Form controls no label names (each must have one). */
const unlabelled = (page: Page) => page.evaluate(UNLABELLED_SCRIPT) as Promise<string[]>;

describe('the audit console in headless Chromium', () => {
  let h: Harness;
  let gw: TestGateway;
  let oidc: TestOidcProvider;
  let api: RunningApi;
  let root: string;
  let browser: Browser;
  let requestId: string;
  let tamperedId: string;
  let unreadableId: string;
  const logs: string[] = [];
  let skewMs = 0;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gatehouse-console-'));
    const store = new FolderArchiveStore(root);
    const config = testConfig(CONFIG);
    h = await startHarness({
      config,
      archiver: (redis: Redis) => new AuditArchiver({ store, recordings: new RecordingLog(redis), signingKey: createPrivateKey(keys.privateKeyPem), retentionMs: 86_400_000 }),
    });
    gw = await startTestGateway({ config: CONFIG, reviewer: h.access, grants: h.grants, vault: h.vault, recorder: new SessionRecorder(h.redis) });

    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    oidc = await startOidcProvider({
      clients: [{ clientId: 'auditor-bot', clientSecret: 'auditor-bot-secret-0123456789', scope: 'audit:read' }],
      people: [
        { email: 'priya@example.org', name: 'Priya <b>Auditor</b>' },
        { email: 'zed@example.org', groups: ['security-audit'] },
        { email: 'carol@example.org', groups: ['analysts'] },
      ],
      relyingParties: [{ ...CONSOLE_RP, redirectUris: [`${apiUrl}/console/callback`], postLogoutRedirectUris: [`${apiUrl}/console/signed-out`] }],
    });
    const log = pino({ level: 'info' }, new Writable({ write(chunk, _e, done) { logs.push(String(chunk)); done(); } }));
    const reader = new AuditReader({ history: new TemporalHistory(h.client), store, verifyKey: () => createPublicKey(keys.publicKeyPem) });
    const settings = consoleSettings({ GATEHOUSE_CONSOLE_CLIENT_ID: CONSOLE_RP.clientId, GATEHOUSE_CONSOLE_CLIENT_SECRET: CONSOLE_RP.clientSecret }, { issuer: oidc.issuer, publicUrl: apiUrl })!;
    const app = createApiApp({
      verifier: createOidcVerifier(oidcSettings(oidc)), log, issuer: oidc.issuer,
      routes: [auditRoutes({ reader, publicKey: () => createPublicKey(keys.publicKeyPem) })],
      middleware: [createConsoleRouter({
        settings, redis: h.redis, config, reader, index: new RequestIndex(h.client), log, pageSize: 2,
        signingKey: () => createPrivateKey(keys.privateKeyPem), now: () => Date.now() + skewMs,
      })],
    });
    api = await listen(app, '127.0.0.1', port);

    // The request an auditor will read: carol's agent, approved by bob, through the gateway.
    ({ requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 5 * 60_000, reason: HOSTILE_REASON, ticket: 'AUD-21' }));
    await h.access.approve(requestId, 'bob@example.org');
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    const c = await connectClient(gw.url, 'clinical', h.grants.tokenFor(active.grantId!), 'console-e2e');
    await c.client.callTool({ name: 'echo', arguments: { message: `SELECT name FROM clinical.phi.patients WHERE ssn = '${SSN}'` } });
    await c.client.callTool({ name: 'echo', arguments: { message: HOSTILE_SQL } });
    await expect(c.client.callTool({ name: 'echo', arguments: { message: 'COPY INTO @outside FROM clinical.phi.patients' } })).rejects.toThrow(/export is denied/);
    const write = { message: "UPDATE clinical.phi.patients SET city = 'Boston' WHERE id = 7" };
    const held = await c.client.callTool({ name: 'echo', arguments: write });
    expect(JSON.stringify(held.content)).toMatch(/Held for approval/);
    const pending = await waitForStatus(h.access, requestId, (s) => s.commands.some((x) => x.outcome === 'pending'));
    // Findable by "had held commands" while the grant is still live.
    const index = new RequestIndex(h.client);
    await eventually(async () => (await index.find({ requester: 'carol@example.org', findings: ['held'] })).rows.some((r) => r.requestId === requestId && r.state === 'ACTIVE'), 'the live request under had held commands');
    await h.access.decideCommand(requestId, pending.commands[0]!.commandId, 'alice@example.org', true, 'ticket CHG-7');
    await eventually(async () => !(JSON.stringify((await c.client.callTool({ name: 'echo', arguments: write })).content).includes('held')), 'the approved write to run');
    await endSession(c);
    await h.access.revoke(requestId, 'carol@example.org', 'review done');
    await waitForState(h.access, requestId, 'ARCHIVED');

    // A second request whose archive someone edits afterwards.
    ({ requestId: tamperedId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 60_000, reason: 'second look' }));
    await h.access.approve(tamperedId, 'alice@example.org');
    await waitForState(h.access, tamperedId, 'ACTIVE');
    await h.access.revoke(tamperedId, 'carol@example.org', 'done');
    await waitForState(h.access, tamperedId, 'ARCHIVED');
    const records = path.join(root, tamperedId, 'records.jsonl');
    await chmod(records, 0o644);
    await writeFile(records, (await readFile(records, 'utf8')).replace('second look', 'first look'));

    // A request no worker will ever answer for (its task queue has no poller): its status cannot be read.
    unreadableId = newRequestId();
    await h.client.workflow.start('accessRequest', {
      taskQueue: 'gatehouse-console-nobody-polls', workflowId: unreadableId, args: [],
      typedSearchAttributes: [{ key: requesterKey, value: 'mallory@example.org' }, { key: targetKey, value: 'clinical' }, { key: stateKey, value: 'ACTIVE' }],
    });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  }, 240_000);

  afterAll(async () => {
    if (unreadableId) await h.client.workflow.getHandle(unreadableId).terminate('test over').catch(() => undefined);
    await browser?.close();
    await api?.close();
    await oidc?.close();
    await gw?.close();
    await h?.close();
    await rm(root, { recursive: true, force: true });
  });

  /** A fresh browser profile signed in as `login` (the console sends it to the provider first). */
  async function signedIn(login: string, start = '/console'): Promise<{ context: BrowserContext; page: Page; dialogs: string[]; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}${start}`);
    expect(page.url().startsWith(oidc.issuer)).toBe(true);
    await signInAtProvider(page, login);
    await page.waitForURL((url) => url.href.startsWith(`${api.url}/console`));
    return { context, page, dialogs, errors };
  }

  test('an auditor signs in, filters, opens the request, sees its commands and the verified badge, replays and downloads evidence', async () => {
    const { context, page, dialogs, errors } = await signedIn('priya@example.org', `/console?target=clinical&requester=carol%40example.org&held=1`);
    // Back where she asked to go, filters kept.
    expect(new URL(page.url()).search).toBe('?target=clinical&requester=carol%40example.org&held=1');
    expect(await page.textContent('#signed-in-as')).toBe('Priya <b>Auditor</b> (priya@example.org)');
    expect(await unlabelled(page)).toEqual([]);
    // Visibility is eventually consistent: the findings are indexed when the request is archived.
    await eventually(async () => {
      await page.reload();
      return (await page.locator(`#requests tr[data-request="${requestId}"]`).count()) === 1;
    }, 'the request in the filtered list');
    const row = page.locator(`#requests tr[data-request="${requestId}"]`);
    expect((await row.innerText()).replace(/\s+/g, ' ')).toMatch(/carol@example\.org clinical ARCHIVED bob@example\.org held denied masked/);
    expect(await page.locator(`#requests tr[data-request="${tamperedId}"]`).count()).toBe(0);

    // Filter with the keyboard alone: the approver field, a checkbox, Enter.
    await page.goto(`${api.url}/console`);
    await page.locator('#f-approver').focus();
    await page.keyboard.type('bob@example.org');
    await page.locator('#f-denied').focus();
    await page.keyboard.press('Space');
    await page.locator('#f-approver').press('Enter');
    await page.waitForURL(/approver=bob%40example\.org/);
    expect(new URL(page.url()).searchParams.get('denied')).toBe('1');
    expect(await page.locator(`#requests tr[data-request="${requestId}"]`).count()).toBe(1);
    // A denied request never had a grant, so never a held command: nothing can match.
    await page.goto(`${api.url}/console?state=DENIED&requester=carol%40example.org&held=1`);
    expect(await page.locator('#no-results').count()).toBe(1);

    expect(await outline(page)).toEqual([
      'header', 'nav "Console"', 'form "Sign out"', 'button "Sign out"', 'main', 'h1 Find requests', 'form "Find requests"',
      'legend Who and what', 'input[text] "Requester"', 'input[text] "Approver"', 'select[] "Target"', 'select[] "State"',
      'legend When the request started', 'input[date] "From"', 'input[date] "To"',
      'legend What its session held', 'input[checkbox] "had held commands"', 'input[checkbox] "had denials"', 'input[checkbox] "had masking"',
      'button "Find"', 'h2 Requests', 'nav "Pages"',
    ]);

    // Open it from the list (narrowed: in the whole suite other tests' requests by carol share the Temporal namespace).
    await page.goto(`${api.url}/console?requester=carol%40example.org&target=clinical&approver=bob%40example.org&held=1&denied=1`);
    await page.locator(`a[href="/console/requests/${requestId}"]`).click();
    await page.waitForURL(`${api.url}/console/requests/${requestId}`);
    expect(await page.textContent('#verification-badge')).toBe('Archive verified');
    for (const check of ['#check-chain', '#check-signature', '#check-head']) expect(await page.getAttribute(check, 'class')).toBe('pass');
    expect(await page.textContent('#decision')).toContain('approved by bob@example.org');
    const commands = (await page.locator('#commands tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    expect(commands).toEqual(expect.arrayContaining([
      expect.stringMatching(/echo read SELECT name FROM clinical\.phi\.patients WHERE ssn = '\[SSN\]' allow ok 2 SSN/),
      expect.stringMatching(/COPY INTO .* deny SQL classified as export; export is denied .* denied/),
      expect.stringMatching(/UPDATE .* hold SQL classified as write.* held: approved by alice@example\.org at .* \(ticket CHG-7\) ok/),
    ]));
    expect(await page.textContent('#commands')).not.toContain(SSN);

    // The hostile agent's reason and SQL are text, never markup: no script ran, one script element (the console's).
    expect(await page.textContent('#reason')).toContain('<script>window.__pwned = "reason"</script>');
    expect(await page.textContent('#commands')).toContain('<script>window.__pwned = "sql"</script>');
    expect(await page.evaluate('({ pwned: window.__pwned, scripts: document.scripts.length, imgs: document.images.length })')).toEqual({ scripts: 1, imgs: 0 });

    // Replay, step by step with the keyboard, then played to the end.
    const total = await page.locator('#replay li').count();
    expect(total).toBeGreaterThan(8);
    expect(await page.textContent('#replay-position')).toBe(`0 / ${total}`);
    await page.locator('#replay-step').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await page.locator('#replay li.shown').count()).toBe(2);
    await page.click('#replay-back');
    expect(await page.textContent('#replay-position')).toBe(`1 / ${total}`);
    await page.click('#replay-play');
    await page.waitForSelector(`body[data-replay="${total}"]`);
    expect(await page.textContent('#replay')).toContain('tools/call echo');

    // The only refusal this session may show: under load the SDK client can reopen its GET stream
    // with the old session id between its DELETE and its close; the gateway answers 404, and
    // records it in the grant's refusal window. Any other refusal fails here, by name.
    const refused = await page.locator('#refusals li').allInnerTexts();
    expect(refused.filter((r) => !/^\d+ refused \S+ \.\. \S+: \d+ session_not_found \(404\/-?\d+\)$/.test(r))).toEqual([]);
    expect((await outline(page)).filter((line) => !(refused.length && line === 'h3 Refusals'))).toEqual([
      'header', 'nav "Console"', 'form "Sign out"', 'button "Sign out"', 'main', 'h1 Request req_…', 'h2 Archive verified',
      'badge "Archive verified"', 'h2 Commands (n)',
      'table#commands [When | Tool | SQL (literals masked) | Verdict | Outcome | Rows | Masked]',
      'h2 Timeline', 'table#timeline [When | What | Who | Detail]', 'h2 Replay',
      'button "Start over"', 'button "Previous step"', 'button "Next step"', 'button "Play"',
    ]);

    // The request's evidence pack, signed, as a zip.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#evidence-download')]);
    expect(download.suggestedFilename()).toBe(`gatehouse-evidence-${requestId}.zip`);
    const one = await unzipped((await download.path())!);
    expect(one.folder).toBe(`gatehouse-evidence-${requestId}`);
    expect(JSON.parse(one.files['verification.json']!).summary).toMatchObject({ requests: 1, verified: 1, unreadable: 0 });
    expect(one.files['commands.csv']).toContain(',echo,,export,deny,');
    const signed = JSON.parse(one.files['manifest.json']!);
    expect(verify(null, Buffer.from(canonicalJson(signed.manifest)), createPublicKey(keys.publicKeyPem), Buffer.from(signed.signature, 'base64'))).toBe(true);

    // A period's pack from the export page: never refused whole for a request no worker answers for.
    await page.click('nav a:has-text("Export evidence")');
    const today = new Date().toISOString().slice(0, 10);
    await page.fill('#e-from', today);
    await page.fill('#e-to', today);
    expect(await unlabelled(page)).toEqual([]);
    // In the whole suite today's period holds every other suite's requests too: give the pack time.
    const [exported] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.click('#export-download')]);
    expect(exported.suggestedFilename()).toBe(`gatehouse-evidence-${today}-to-${today}.zip`);
    const period = await unzipped((await exported.path())!);
    const summary = JSON.parse(period.files['verification.json']!).summary as { requests: number; failed: number; unreadable: number };
    expect(period.files['requests.csv']).toContain(requestId);
    expect(period.files['verification.json']).toContain(tamperedId);
    expect(summary.failed).toBeGreaterThanOrEqual(1);
    // The unreadable request is named, marked, and counted in the signed manifest.
    expect(period.files['requests.csv']!.split('\r\n').find((l) => l.startsWith(`${unreadableId},`))).toMatch(/mallory@example\.org,,clinical,.*UNREADABLE: cannot read the status/);
    expect(period.files['unreadable.csv']).toContain(`${unreadableId},`);
    expect(summary.unreadable).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(period.files['manifest.json']!).manifest).toMatchObject({ requests: summary.requests, unreadable: summary.unreadable });

    // Its own page says plainly that it cannot be read, with what visibility holds.
    const alone = await page.goto(`${api.url}/console/requests/${unreadableId}`);
    expect(alone?.status()).toBe(503);
    expect(await page.textContent('main')).toMatch(/cannot be read now[\s\S]*requester mallory@example\.org, target clinical, state ACTIVE/);

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 360_000);

  test('a tampered archive shows as failed verification', async () => {
    const { context, page } = await signedIn('priya@example.org', `/console/requests/${tamperedId}`);
    expect(page.url()).toBe(`${api.url}/console/requests/${tamperedId}`);
    expect(await page.textContent('#verification-badge')).toBe('Verification FAILED');
    expect(await page.getAttribute('#check-chain', 'class')).toBe('fail');
    expect(await page.textContent('#verification-problems')).toMatch(/altered/);
    await context.close();
  });

  test('a person who is not an auditor is refused with a clear page; a provider group can make one', async () => {
    const carol = await signedIn('carol@example.org', `/console/requests/${requestId}`);
    expect(await carol.page.textContent('h1')).toBe('Not an auditor');
    expect(await carol.page.textContent('#refused')).toMatch(/signed in as carol@example\.org, but you may not read audit evidence.*audit\.readers/s);
    expect(await carol.page.textContent('body')).not.toContain(HOSTILE_REASON.slice(0, 20));
    const refused = await carol.page.goto(`${api.url}/console/export/pack?from=2026-01-01&to=2026-01-02`);
    expect(refused?.status()).toBe(403);
    await carol.context.close();

    const zed = await signedIn('zed@example.org', '/console');
    expect(await zed.page.textContent('h1')).toBe('Find requests');
    await zed.context.close();
  });

  test('sign-out needs the page\'s CSRF token and ends the provider\'s session too; sessions end after 30 idle minutes and after 8 hours', async () => {
    const { context, page } = await signedIn('priya@example.org');
    const forged = await context.request.post(`${api.url}/console/sign-out`, { form: { csrf: 'guessed-token-0123456789' } });
    expect(forged.status()).toBe(403);
    const elsewhere = await context.request.post(`${api.url}/console/sign-out`, { form: { csrf: await page.inputValue('input[name="csrf"]') }, headers: { origin: 'https://evil.example' } });
    expect(elsewhere.status()).toBe(403);
    expect((await page.goto(`${api.url}/console`))?.url()).toBe(`${api.url}/console`);

    const sessionCookie = async () => (await context.cookies(api.url)).find((c) => c.name === 'gatehouse-console');
    const before = await sessionCookie();
    expect(before).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    // Which pages the browser went through.
    const visited: string[] = [];
    page.on('request', (r) => {
      if (r.isNavigationRequest()) visited.push(r.url());
    });
    const signInAgain = async () => {
      visited.length = 0;
      await page.goto(`${api.url}/console`);
      await page.waitForURL(`${api.url}/console`);
      return visited.some((u) => u.startsWith(`${oidc.issuer}/auth`));
    };

    // Activity keeps the session: 20 minutes idle, then 25 more after a page read, is never 30 in a row.
    try {
      skewMs = 20 * 60_000;
      expect(await signInAgain()).toBe(false);
      skewMs = 45 * 60_000;
      expect(await signInAgain()).toBe(false);
      // 31 minutes without a page read: the console asks the provider again (which still knows her: single sign-on).
      skewMs = 76 * 60_000;
      expect(await signInAgain()).toBe(true);
      expect((await sessionCookie())?.value).not.toBe(before?.value);
      // And 8 hours after sign-in, whatever the activity: a page every 25 minutes until then.
      const signedInAt = skewMs;
      for (let t = signedInAt + 25 * 60_000; ; t += 25 * 60_000) {
        skewMs = t;
        const asked = await signInAgain();
        if (t - signedInAt >= 8 * 3600_000) {
          expect({ after: t - signedInAt, asked }).toEqual({ after: t - signedInAt, asked: true });
          break;
        }
        expect({ after: t - signedInAt, asked }).toEqual({ after: t - signedInAt, asked: false });
      }
    } finally {
      skewMs = 0;
    }
    expect(await signInAgain()).toBe(false);

    // Sign-out ends the console's session, then the provider's (RP-initiated logout), which asks her to confirm.
    visited.length = 0;
    await page.click('button:has-text("Sign out")');
    await page.waitForURL((url) => url.href.startsWith(`${oidc.issuer}/session/end`));
    expect(await sessionCookie()).toBeUndefined();
    const endSession = new URL(visited.find((u) => u.startsWith(`${oidc.issuer}/session/end`))!);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${api.url}/console/signed-out`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey/);
    await page.click('button:has-text("Yes, sign me out")');
    await page.waitForURL(`${api.url}/console/signed-out`);
    expect(await page.textContent('main')).toContain('You are signed out');
    // The provider no longer knows her: the console's sign-in now stops at the provider's login page.
    await page.goto(`${api.url}/console`);
    await page.waitForURL((url) => url.href.startsWith(oidc.issuer));
    await page.waitForSelector('input[name="login"]');
    expect(page.url().startsWith(`${api.url}/console`)).toBe(false);
    await signInAtProvider(page, 'priya@example.org');
    await page.waitForURL(`${api.url}/console`);
    expect(await page.textContent('#signed-in-as')).toContain('priya@example.org');

    // A hostile page cannot steer sign-out: a GET (an image, a link) signs nobody out, and fields
    // added to the form cannot choose where the browser goes afterwards.
    expect((await context.request.get(`${api.url}/console/sign-out`, { maxRedirects: 0 })).status()).toBe(404);
    expect(await signInAgain()).toBe(false);
    const planted = await context.request.post(`${api.url}/console/sign-out`, {
      form: { csrf: await page.inputValue('input[name="csrf"]'), post_logout_redirect_uri: 'https://evil.example/', return: '//evil.example/' }, maxRedirects: 0,
    });
    expect(planted.status()).toBe(303);
    const sentTo = new URL(planted.headers().location!);
    expect(`${sentTo.origin}${sentTo.pathname}`).toBe(`${oidc.issuer}/session/end`);
    expect(sentTo.searchParams.getAll('post_logout_redirect_uri')).toEqual([`${api.url}/console/signed-out`]);
    // And the provider returns nobody to an address the console did not register, whatever a crafted link asks.
    const crafted = new URL(sentTo);
    crafted.searchParams.set('post_logout_redirect_uri', 'https://evil.example/');
    const refused = await fetch(crafted, { redirect: 'manual' });
    expect({ status: refused.status, location: refused.headers.get('location') }).toEqual({ status: 400, location: null });

    // Nothing of the ID token in the log.
    expect(logs.join('')).not.toContain(endSession.searchParams.get('id_token_hint')!);
    await context.close();
  });

  test('bad input gets a clear page, headers forbid anything but this origin, and nothing secret is logged', async () => {
    const { context, page } = await signedIn('priya@example.org');
    const bad = await page.goto(`${api.url}/console?state=HACKED&requester=${encodeURIComponent("x' OR 'a'='a")}`);
    expect(bad?.status()).toBe(400);
    expect(await page.textContent('#filter-problems')).toMatch(/"requester" must be a subject[\s\S]*"state" must be one of/);
    // The provider's origin is allowed as a form target only: the sign-out form's answer redirects there.
    expect(bad?.headers()['content-security-policy']).toBe(`default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self' ${new URL(oidc.issuer).origin}; frame-ancestors 'none'; base-uri 'none'`);
    expect(bad?.headers()['x-frame-options']).toBe('DENY');
    const token = await page.goto(`${api.url}/console?page=${'A'.repeat(40)}`);
    const failed = logs.filter((l) => l.includes('page failed'));
    expect({ status: token?.status(), failed }).toEqual({ status: 400, failed: [] });
    expect(await page.textContent('#filter-problems')).toMatch(/page link/);
    expect((await page.goto(`${api.url}/console/requests/nope`))?.status()).toBe(400);
    expect((await page.goto(`${api.url}/console/requests/req_aaaaaaaaaaaaaaaaaaaa`))?.status()).toBe(404);
    expect((await page.goto(`${api.url}/console/export/pack?from=2026-02-01&to=2025-01-01`))?.status()).toBe(400);
    expect(await page.textContent('#export-problems')).toMatch(/"to" must be on or after "from"/);
    // A period's export behind a link on another site (a page, a message an agent wrote) is not run
    // when an auditor follows it: the form comes filled in, and she decides.
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    const linked = `${api.url}/console/export/pack?from=2025-01-01&to=2025-12-31`;
    await page.goto(`${oidc.issuer}/.well-known/openid-configuration`);
    await page.evaluate(`location.href = ${JSON.stringify(linked)}`);
    await page.waitForURL(linked);
    expect(await page.textContent('#export-notice')).toMatch(/asked for by a link from another site, so it was not started/);
    expect([await page.inputValue('#e-from'), await page.inputValue('#e-to'), downloads]).toEqual(['2025-01-01', '2025-12-31', []]);
    expect(logs.some((l) => l.includes('export link followed from another site was not run'))).toBe(true);
    expect((await page.goto(`${api.url}/console/nothing-here`))?.status()).toBe(404);
    // A callback this browser did not start is refused.
    expect((await page.goto(`${api.url}/console/callback?code=abc&state=forged-state-0123456789`))?.status()).toBe(400);
    expect(await page.textContent('h1')).toBe('Sign-in expired');
    // The old token-pasting page is gone.
    await page.goto(`${api.url}/audit`);
    expect(page.url()).toBe(`${api.url}/console`);
    await context.close();

    // An open redirect through the return path lands on the console.
    const away = await signedIn('priya@example.org', `/console/sign-in?return=${encodeURIComponent('//evil.example/console')}`);
    expect(away.page.url()).toBe(`${api.url}/console`);
    await away.context.close();

    const text = logs.join('');
    expect(text).toContain('console: signed in');
    for (const secret of [CONSOLE_RP.clientSecret, SSN, 'code=']) expect(text).not.toContain(secret);
  });
});
