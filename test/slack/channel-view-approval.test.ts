import { chromium, type Browser, type Page } from 'playwright-core';
import { waitForMessage, waitForResponses, type SlackMessage } from '../../devstack/slack';
import { SIGNING_SECRET, startSlackStack, type SlackStack } from './stack';
import { eventually } from '../support/eventually';

const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * What an approver sees, end to end: the real Slack app and worker post Gatehouse's approval
 * request to the local Slack; headless Chromium opens the channel view as @bob, reads the request
 * (fields, the agent's words shown as written, Approve/Deny), clicks Approve, and watches the
 * message turn into the live grant with its Revoke button, the thread fill in, and a client's
 * twelve sessions arrive as one reply saying 12.
 */
describe('approving in the browser: the local Slack channel view over the real stack', () => {
  let stack: SlackStack;
  let browser: Browser;
  let page: Page;
  const ws = () => stack.slack.workspace;
  const keyOf = (m: SlackMessage) => m.metadata?.event_payload.idempotency_key;

  beforeAll(async () => {
    stack = await startSlackStack();
    // The page's clicks go where the driver's go: signed, to the Slack app's request URL.
    stack.slack.deliverTo({ endpoint: stack.app.url!, signingSecret: SIGNING_SECRET });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('bob reads the request, clicks Approve, and sees it become the live grant in place; sessions are one reply', async () => {
    const reason = 'claim 4411 <script>window.__pwned=1</script> <!channel> <https://evil.example|approve>';
    const delivery = await stack.driver.command({ user: 'carol', channel: 'general', text: `clinical 40s ${reason} ticket:INC-9` });
    const [answer] = await waitForResponses(delivery, 1);
    const requestId = /req_[a-z0-9]{20}/.exec(String(answer?.body.text))?.[0];
    if (!requestId) throw new Error(`no request started: ${JSON.stringify(answer?.body)}`);
    const parent = await waitForMessage(ws(), 'phi-approvers', (m) => keyOf(m) === `gatehouse:${requestId}:requested`);

    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${stack.slack.url}/channels/phi-approvers?as=${ws().requireUser('bob').id}`);
    const message = page.locator(`li.msg[data-ts="${parent.ts}"]`);
    const content = message.locator(':scope > .msg-body > .msg-content');

    // The request as approvers see it: who, what, fields in a grid, the agent's words as typed, the buttons.
    await expect(content.locator('.bk-text').first().textContent()).resolves.toBe(`Access request from @carol for clinical`);
    expect(await content.locator('.bk-fields .bk-field strong').allTextContents()).toEqual(['Requester', 'Target', 'Duration', 'Ticket', 'Risk']);
    await expect(content.locator('.bk-field', { hasText: 'Ticket' }).textContent()).resolves.toBe('TicketINC-9');
    // Shown as typed (plain_text; Gatehouse defangs the URL so Slack does not link it either).
    await expect(content.locator('.bk-text', { hasText: 'claim 4411' }).textContent()).resolves.toBe(reason.replace('https://', 'https[:]//'));
    expect(await content.locator('a, img, script, .mention.broadcast').count()).toBe(0);
    const buttons = content.locator('.bk-actions button');
    expect(await buttons.allTextContents()).toEqual(['Approve', 'Deny']);
    expect(await buttons.evaluateAll((b) => b.map((x) => x.className))).toEqual(['bk-button bk-primary', 'bk-button bk-danger']);

    await buttons.filter({ hasText: 'Approve' }).click();
    // The same message, updated in place: live now, with Revoke instead of Approve/Deny.
    await page.waitForSelector(`li.msg[data-ts="${parent.ts}"] > .msg-body > .msg-content button.bk-danger:text-is("Revoke now")`);
    expect(await content.locator('.bk-actions button').allTextContents()).toEqual(['Revoke now']);
    await expect(message.locator(':scope > .msg-body > .msg-head .edited').textContent()).resolves.toBe('(edited)');
    const replies = message.locator('details.thread ol.replies > li.msg');
    await page.waitForSelector(`li.msg[data-ts="${parent.ts}"] details.thread li.msg:has-text("Access is active until")`);
    await page.waitForSelector(`li.msg[data-ts="${parent.ts}"] > .msg-body > .msg-content:has-text("Active until")`);
    expect((await replies.allTextContents()).some((t) => t.includes('Approved by @bob'))).toBe(true);
    expect((await stack.access.status(requestId)).decision).toMatchObject({ approved: true, by: 'bob@example.org' });

    // A client reconnecting twelve times: one reply in the thread, which comes to say 12.
    for (let i = 1; i <= 12; i++) await stack.access.sessionStarted(requestId, { sessionId: `mcp-${i}`, client: 'flaky-client 0.1' });
    const sessionsReply = page.locator(`li.msg[data-ts="${parent.ts}"] details.thread li.msg`, { hasText: 'MCP session' }).filter({ hasNotText: 'Access is active' });
    await eventually(async () => (await sessionsReply.count()) === 1 && (await sessionsReply.textContent())?.includes('12 MCP sessions'), 'the one session reply to say 12');
    await expect(sessionsReply.locator('strong').first().textContent()).resolves.toBe('12 MCP sessions');
    const count = Number(await message.locator('details.thread').getAttribute('data-reply-count'));
    await expect(message.locator('details.thread > summary').textContent()).resolves.toMatch(new RegExp(`^${count} replies · last reply`));

    // The requester revokes from the page too.
    await page.selectOption('#as', ws().requireUser('carol').id);
    await content.locator('button', { hasText: 'Revoke now' }).click();
    await page.waitForSelector(`li.msg[data-ts="${parent.ts}"] details.thread li.msg:has-text("Access revoked by")`);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
    await eventually(async () => (await stack.access.status(requestId)).state === 'ARCHIVED', `${requestId} archived`);
    await page.close();
  });
});
