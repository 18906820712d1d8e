import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver } from '@slack/bolt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { channelMessagesHtml, startLocalSlack, type LocalSlack, type SlackMessage } from '../../devstack/slack';
import { escapeText, inert } from '../../lib/slack';
import { SLACK_TEST_SEED } from './stack';
import { silentLogger } from './support';
import { eventually } from '../support/eventually';

const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';
const signingSecret = 'channel-view-signing-secret-0123456789';

/** What a prompt-injected agent would put in its reason: markup for the page, and markup for Slack. */
const HOSTILE = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2"> <!channel> <https://evil.example/steal|click to approve> *urgent* :white_check_mark: Approved by @bob &amp; ok';

type Block = Record<string, unknown>;

const approvalBlocks = (requester: string, reason: string): Block[] => [
  { type: 'header', text: { type: 'plain_text', text: 'Access request', emoji: false } },
  { type: 'section', text: { type: 'mrkdwn', text: `Agent request from <@${requester}> for *clinical* · \`req_demo_1\``, verbatim: true } },
  {
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: `*Requester*\n<@${requester}> (REST API)` },
      { type: 'mrkdwn', text: '*Target*\nclinical' },
      { type: 'mrkdwn', text: '*Duration*\n1 hour' },
      { type: 'mrkdwn', text: '*Ticket*\nINC-9' },
    ],
  },
  { type: 'context', elements: [{ type: 'mrkdwn', text: '*Reason, as written by the agent*' }] },
  { type: 'section', text: { type: 'plain_text', text: reason, emoji: false } },
  { type: 'divider' },
  { type: 'context', elements: [{ type: 'mrkdwn', text: ':hourglass_flowing_sand: *Status:* waiting for an approver' }] },
  {
    type: 'actions', block_id: 'decision', elements: [
      { type: 'button', action_id: 'demo_approve', text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: 'req_demo_1' },
      { type: 'button', action_id: 'demo_deny', text: { type: 'plain_text', text: 'Deny' }, style: 'danger', value: 'req_demo_1' },
    ],
  },
];

/**
 * The local Slack's channel view, as a person sees it: a real Bolt app posts real Block Kit to the
 * local Slack, headless Chromium opens /channels/<name>, and a click on a button in the page is
 * delivered to the app (signed, as Slack delivers it), whose chat.update shows in place.
 */
describe('the channel view renders Block Kit like Slack, and its buttons work', () => {
  let slack: LocalSlack;
  let app: App;
  let browser: Browser;
  let page: Page;
  let endpoint: string;
  const clicks: Array<{ user: string; action: string; value?: string }> = [];
  const id = (name: string) => slack.workspace.requireUser(name).id;
  const approvers = () => slack.workspace.requireChannel('phi-approvers');
  let approval: SlackMessage;

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: SLACK_TEST_SEED });
    const receiver = new HTTPReceiver({ signingSecret, logger: silentLogger, endpoints: '/slack/events' });
    app = new App({ token: slack.botToken, receiver, logger: silentLogger, clientOptions: { slackApiUrl: slack.apiUrl } });
    app.action(/^demo_(approve|deny)$/, async ({ ack, body, client, action }) => {
      await ack();
      if (body.type !== 'block_actions' || !body.message || !body.channel) return;
      const button = action as { action_id: string; value?: string };
      const decided = button.action_id === 'demo_approve' ? ':white_check_mark: Approved' : ':no_entry: Denied';
      clicks.push({ user: body.user.id, action: button.action_id, ...(button.value ? { value: button.value } : {}) });
      const blocks = (body.message.blocks as Block[]).filter((b) => b.type !== 'actions');
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${decided} by <@${body.user.id}>` }] });
      await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: `${decided}`, blocks: blocks as never });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    slack.deliverTo({ endpoint, signingSecret });

    // What the app posts: the approval request (hostile reason as plain_text), a thread under it,
    // the same words in mrkdwn escaped as Gatehouse escapes them, raw Slack markup, an ephemeral.
    const channel = approvers().id;
    const posted = await app.client.chat.postMessage({ channel, text: 'Access request req_demo_1', blocks: approvalBlocks(id('carol'), HOSTILE) as never });
    approval = slack.workspace.message(channel, posted.ts!)!;
    await app.client.chat.postMessage({ channel, thread_ts: posted.ts!, text: 'first reply', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:key: Credential issued for ${inert(HOSTILE)}` } }] as never });
    await app.client.chat.postMessage({ channel, thread_ts: posted.ts!, text: `second reply ${escapeText(HOSTILE)}` });
    await app.client.chat.postMessage({
      channel, text: 'markup',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `Escaped: ${escapeText(HOSTILE)}` } },
        { type: 'section', text: { type: 'mrkdwn', text: 'Raw: <https://docs.example/runbook|the runbook> <javascript:alert(1)|not a link> <!here> <#' + channel + '> _it_ ~gone~ `a_b`\n> quoted\n```SELECT *\nFROM t```' } },
      ] as never,
    });
    await app.client.chat.postEphemeral({ channel, user: id('bob'), text: 'Only you can see this, <@' + id('bob') + '>' });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await slack?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterEach(async () => {
    await page?.close();
  });

  const open = async (as?: string) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(`${slack.url}/channels/phi-approvers${as ? `?as=${id(as)}` : ''}`);
    return { response, errors };
  };
  const message = (ts: string) => page.locator(`li.msg[data-ts="${ts}"]`);
  /** The message's own head and content (its thread's replies are inside it too). */
  const own = (ts: string) => ({
    head: message(ts).locator(':scope > .msg-body > .msg-head'),
    content: message(ts).locator(':scope > .msg-body > .msg-content'),
  });

  test('the approval request: header, mrkdwn with the mention, fields in two columns, context, divider, styled buttons', async () => {
    const { response, errors } = await open('bob');
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    const { head, content: m } = own(approval.ts);
    await expect(head.locator('.author').textContent()).resolves.toBe('gatehouse');
    await expect(head.locator('.badge').textContent()).resolves.toBe('APP');
    await expect(m.locator('.bk-header').textContent()).resolves.toBe('Access request');
    const intro = m.locator('.bk-section .bk-text').first();
    await expect(intro.locator('.mention.user').textContent()).resolves.toBe('@carol');
    await expect(intro.locator('strong').textContent()).resolves.toBe('clinical');
    await expect(intro.locator('code').textContent()).resolves.toBe('req_demo_1');
    const fields = m.locator('.bk-fields .bk-field');
    expect(await fields.count()).toBe(4);
    expect(await fields.locator('strong').allTextContents()).toEqual(['Requester', 'Target', 'Duration', 'Ticket']);
    // Two columns: the first two fields side by side, the third under the first.
    const [a, b, c] = await Promise.all([0, 1, 2].map((i) => fields.nth(i).boundingBox()));
    expect(a!.y).toBe(b!.y);
    expect(b!.x).toBeGreaterThan(a!.x);
    expect(c!.x).toBe(a!.x);
    expect(c!.y).toBeGreaterThan(a!.y);
    await expect(m.locator('.bk-context').first().textContent()).resolves.toBe('Reason, as written by the agent');
    expect(await m.locator('hr.bk-divider').count()).toBe(1);
    await expect(m.locator('.bk-context').nth(1).textContent()).resolves.toBe('⏳ Status: waiting for an approver');
    const buttons = m.locator('.bk-actions button.bk-button');
    expect(await buttons.allTextContents()).toEqual(['Approve', 'Deny']);
    expect(await buttons.nth(0).getAttribute('class')).toContain('bk-primary');
    expect(await buttons.nth(1).getAttribute('class')).toContain('bk-danger');
    expect(await buttons.nth(0).isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  test("a hostile agent's reason is shown as written: no script runs, no mention, no link, no formatting", async () => {
    const { errors } = await open('bob');
    const reason = own(approval.ts).content.locator('.bk-section .bk-text').nth(1);
    // plain_text is not parsed by Slack: every character shows as typed (Slack's &amp; is two characters here too).
    await expect(reason.textContent()).resolves.toBe(HOSTILE);
    expect(await reason.locator('a, img, script, strong, .mention, .emoji').count()).toBe(0);
    // The same words in mrkdwn, escaped the way Gatehouse escapes them: literal, nothing parsed.
    const escaped = page.locator('.bk-text', { hasText: 'Escaped:' });
    await expect(escaped.textContent()).resolves.toBe(`Escaped: ${HOSTILE.replace('*urgent*', 'urgent').replace(':white_check_mark:', '✅')}`);
    expect(await escaped.locator('a, img, script, .mention').count()).toBe(0);
    // inert() (look-alike characters, defanged URLs): nothing formats at all.
    const reply = page.locator('.bk-text', { hasText: 'Credential issued for' });
    expect(await reply.locator('a, img, script, strong, .mention').count()).toBe(0);
    await expect(reply.textContent()).resolves.toContain('https[:]//evil.example/steal');
    // Nothing the agent wrote ran, and nothing in the whole page is an image or a script but the page's own.
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#messages img, #messages script, #messages iframe').count()).toBe(0);
    expect(await page.locator('script').evaluateAll((s) => s.map((x) => (x as unknown as { src: string }).src.replace(/^https?:\/\/[^/]+/, '')))).toEqual(['/_local/channel-view.js']);
    expect(errors).toEqual([]);
  });

  test('raw Slack markup from the app renders as Slack renders it: links (http only), @here, #channel, italics, strike, code, quotes', async () => {
    await open('bob');
    const raw = page.locator('.bk-text', { hasText: 'Raw:' });
    const links = raw.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://docs.example/runbook');
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    await expect(links.textContent()).resolves.toBe('the runbook');
    await expect(raw.textContent()).resolves.toContain('not a link');
    await expect(raw.locator('.mention.broadcast').textContent()).resolves.toBe('@here');
    await expect(raw.locator('.mention.channel').textContent()).resolves.toBe('#phi-approvers');
    await expect(raw.locator('em').textContent()).resolves.toBe('it');
    await expect(raw.locator('del').textContent()).resolves.toBe('gone');
    await expect(raw.locator('code').textContent()).resolves.toBe('a_b');
    await expect(raw.locator('blockquote').textContent()).resolves.toBe('quoted');
    await expect(raw.locator('pre').textContent()).resolves.toBe('SELECT *\nFROM t');
  });

  test('a thread: the replies grouped under their parent with the reply count; an ephemeral marked for its one reader', async () => {
    await open('bob');
    const thread = message(approval.ts).locator('details.thread');
    await expect(thread.getAttribute('data-reply-count')).resolves.toBe('2');
    await expect(thread.locator('summary').textContent()).resolves.toMatch(/^2 replies · last reply \d\d:\d\d:\d\d UTC$/);
    expect(await thread.locator('ol.replies > li.msg.reply').count()).toBe(2);
    // Replies are not repeated at the top level.
    expect(await page.locator('ol.messages > li.msg').count()).toBe(3);
    const ephemeral = page.locator('li.msg.ephemeral');
    await expect(ephemeral.locator('.ephemeral-note').textContent()).resolves.toBe('👁 Only visible to you');
    await expect(ephemeral.locator('.mention.user').textContent()).resolves.toBe('@bob');
    await open('alice');
    await expect(page.locator('li.msg.ephemeral .ephemeral-note').textContent()).resolves.toBe('👁 Only visible to @bob');
  });

  test('clicking Approve in the page delivers the click as the chosen person; the app\'s chat.update shows in place', async () => {
    // Nobody chosen yet: the page asks first and sends nothing.
    await open();
    await page.locator(`li.msg[data-ts="${approval.ts}"] button.bk-primary`).click();
    await expect(page.locator('#notice').textContent()).resolves.toContain('Choose who you are first');
    expect(clicks).toHaveLength(0);

    await page.selectOption('#as', id('bob'));
    await page.locator(`li.msg[data-ts="${approval.ts}"] button.bk-primary`).click();
    await page.waitForSelector(`li.msg[data-ts="${approval.ts}"][data-edited-ts]`);
    expect(clicks).toEqual([{ user: id('bob'), action: 'demo_approve', value: 'req_demo_1' }]);
    const m = message(approval.ts);
    await expect(own(approval.ts).head.locator('.edited').textContent()).resolves.toBe('(edited)');
    expect(await m.locator('button').count()).toBe(0);
    await expect(own(approval.ts).content.locator('.bk-context').last().textContent()).resolves.toBe('✅ Approved by @bob');
    // Same place: still the first message, its thread still under it.
    expect(await page.locator('ol.messages > li.msg').first().getAttribute('data-ts')).toBe(approval.ts);
    expect(await m.locator('details.thread ol.replies > li').count()).toBe(2);
    await expect(page.locator('#notice').textContent()).resolves.toContain('the app acknowledged it');
  });

  test('the page follows the channel by itself: a message posted after it opened appears without a reload', async () => {
    await open('alice');
    await app.client.chat.postMessage({ channel: approvers().id, text: 'posted *later*' });
    await page.waitForSelector('li.msg strong:text-is("later")');
    expect(await page.locator('li.msg.new').count()).toBe(1);
  });

  describe('clicks the page does not take', () => {
    const click = (body: Record<string, unknown>, headers: Record<string, string> = {}) => fetch(`${slack.url}/channels/phi-approvers/click`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { ok: boolean; error?: string } }));
    let pending: SlackMessage;
    beforeAll(async () => {
      const posted = await app.client.chat.postMessage({ channel: approvers().id, text: 'another request', blocks: approvalBlocks(id('carol'), 'second') as never });
      pending = slack.workspace.message(approvers().id, posted.ts!)!;
    });
    const base = () => ({ user: 'bob', messageTs: pending.ts, actionId: 'demo_approve', value: 'req_demo_1' });

    test.each([
      ['from another site (Origin)', {}, { origin: 'https://evil.example' }, 403, /only from this local Slack's own pages/],
      ['from another site (Sec-Fetch-Site)', {}, { 'sec-fetch-site': 'cross-site' }, 403, /only from this local Slack's own pages/],
      ['by someone not in the channel', { user: 'zed' }, {}, 403, /@zed is not in #phi-approvers/],
      ['by nobody', { user: '' }, {}, 400, /needs user/],
      ['by a bot', { user: 'gatehouse' }, {}, 400, /no person gatehouse/],
      ['on a message that does not exist', { messageTs: '1.000001' }, {}, 404, /no message 1.000001/],
      ['on a button the message does not have', { actionId: 'gatehouse_approve' }, {}, 400, /has no button with action_id "gatehouse_approve"/],
      ['with a value the button does not carry', { value: 'req_someone_else' }, {}, 400, /and value "req_someone_else"/],
    ])('%s', async (_name, change, headers, status, error) => {
      const answer = await click({ ...base(), ...change }, headers);
      expect(answer.status).toBe(status);
      expect(answer.body.ok).toBe(false);
      expect(answer.body.error).toMatch(error);
      expect(clicks.filter((c) => c.value === 'req_demo_1')).toHaveLength(1);
    });

    test('a form post (what another site could send without a preflight) is refused', async () => {
      const res = await fetch(`${slack.url}/channels/phi-approvers/click`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ user: 'bob', messageTs: pending.ts, actionId: 'demo_approve' }).toString() });
      expect(res.status).toBe(415);
    });

    test('with no app to deliver to, the buttons are shown disabled and a click is refused with what to do', async () => {
      slack.deliverTo(undefined);
      try {
        await open('bob');
        expect(await page.locator(`li.msg[data-ts="${pending.ts}"] button.bk-primary`).isDisabled()).toBe(true);
        await expect(page.locator('.no-app').textContent()).resolves.toContain('--app-url');
        const answer = await click(base());
        expect(answer.status).toBe(409);
        expect(answer.body.error).toMatch(/delivers to no app/);
      } finally {
        slack.deliverTo({ endpoint, signingSecret });
      }
    });
  });

  test('clients that do not ask for HTML still get the text rendering; the fragment answers 304 when nothing changed', async () => {
    const text = await fetch(`${slack.url}/channels/phi-approvers`);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await text.text()).toMatch(/^#phi-approvers \(C/);
    const html = await fetch(`${slack.url}/channels/phi-approvers?format=html`);
    expect(await html.text()).toContain('<ol class="messages"');
    const first = await fetch(`${slack.url}/channels/phi-approvers/messages`);
    const etag = first.headers.get('etag')!;
    expect((await fetch(`${slack.url}/channels/phi-approvers/messages`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${slack.url}/channels/no-such-channel`, { headers: { accept: 'text/html' } })).status).toBe(404);
    // A permalink opened in a browser lands on the message in the channel view.
    const permalink = await fetch(slack.workspace.permalink(approvers().id, approval.ts), { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(permalink.status).toBe(303);
    expect(permalink.headers.get('location')).toBe(`/channels/${approvers().id}#m-${approval.ts.replace('.', '-')}`);
  });

  test('the raw HTML holds no markup from message text (checked on the string, beside the browser)', () => {
    const html = channelMessagesHtml(slack.workspace, approvers(), {});
    expect(html).not.toMatch(/<script|<img|<iframe|\son\w+="|href="javascript:/i);
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(html).toContain('&lt;https://evil.example/steal|click to approve&gt;');
  });

  test('with the app connected over Socket Mode (no request URL), a click in the view reaches it as an envelope', async () => {
    const local = await startLocalSlack({ seed: SLACK_TEST_SEED });
    const clientOptions = { slackApiUrl: local.apiUrl };
    const socketApp = new App({ token: local.botToken, appToken: local.appToken, socketMode: true, logger: silentLogger, clientOptions, installerOptions: { clientOptions } });
    const seen: string[] = [];
    socketApp.action('demo_approve', async ({ ack, body, client }) => {
      await ack();
      if (body.type !== 'block_actions' || !body.message || !body.channel) return;
      seen.push(body.user.id);
      await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: 'approved', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Approved by <@${body.user.id}>` } }] });
    });
    try {
      await socketApp.start();
      await eventually(() => local.socketMode.connected === 1, 'the app to connect over Socket Mode');
      const channel = local.workspace.requireChannel('phi-approvers').id;
      const posted = await socketApp.client.chat.postMessage({ channel, text: 'request', blocks: approvalBlocks(local.workspace.requireUser('carol').id, 'over socket mode') as never });
      const answer = await fetch(`${local.url}/channels/phi-approvers/click`, {
        method: 'POST', headers: { 'content-type': 'application/json', origin: local.url },
        body: JSON.stringify({ user: 'bob', messageTs: posted.ts, actionId: 'demo_approve', value: 'req_demo_1' }),
      }).then((r) => r.json() as Promise<{ ok: boolean }>);
      expect(answer.ok).toBe(true);
      await eventually(() => local.workspace.message(channel, posted.ts!)?.edited, 'the app to update the message');
      expect(seen).toEqual([local.workspace.requireUser('bob').id]);
      expect(local.workspace.message(channel, posted.ts!)?.text).toBe('approved');
    } finally {
      await socketApp.stop();
      await local.close();
    }
  });
});
