import { DEMO_SEED, blocksToLines, renderChannel, startLocalSlack, type LocalSlack } from '../../devstack/slack';
import { slackError, webClient } from './support';
import { clockPasses } from '../support/eventually';

type WebClient = ReturnType<typeof webClient>;


describe('local Slack Web API (official @slack/web-api client)', () => {
  let slack: LocalSlack;
  let client: WebClient;
  let approvers: string;
  let general: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: DEMO_SEED });
    client = webClient(slack.botToken, slack.apiUrl);
    const ws = slack.workspace;
    approvers = ws.requireChannel('phi-approvers').id;
    general = ws.requireChannel('general').id;
    alice = ws.requireUser('alice').id;
    bob = ws.requireUser('bob').id;
  });
  afterAll(() => slack.close());

  test('listens on loopback and reports the workspace', async () => {
    expect(slack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(slack.apiUrl).toBe(`${slack.url}/api/`);
    const index = (await (await fetch(slack.url)).json()) as { team: { id: string }; users: Array<{ name: string }> };
    expect(index.team.id).toBe(slack.workspace.team.id);
    expect(index.users.map((u) => u.name)).toEqual(expect.arrayContaining(['gatehouse', 'alice', 'bob']));
    expect(alice).toMatch(/^U[0-9A-Z]{10}$/);
    expect(approvers).toMatch(/^C[0-9A-Z]{10}$/);
  });

  test('auth.test answers for the bot and refuses missing, unknown and revoked tokens', async () => {
    const me = await client.auth.test();
    expect(me).toMatchObject({ ok: true, team_id: slack.workspace.team.id, user_id: slack.workspace.app.botUserId, bot_id: slack.workspace.app.botId, user: 'gatehouse' });

    expect(await slackError(webClient(undefined, slack.apiUrl).auth.test())).toBe('not_authed');
    expect(await slackError(webClient('xoxb-nope', slack.apiUrl).auth.test())).toBe('invalid_auth');
    const revoked = slack.workspace.createToken(['chat:write']);
    slack.workspace.revokeToken(revoked);
    expect(await slackError(webClient(revoked, slack.apiUrl).auth.test())).toBe('token_revoked');
  });

  test('form-encoded bodies with a token field, JSON bodies with a bearer header, JSON without one is not_authed', async () => {
    const form = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: slack.botToken, channel: general, text: 'form body', blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: '*form*' } }]) }),
    });
    expect(await form.json()).toMatchObject({ ok: true, channel: general, message: { text: 'form body', blocks: [{ type: 'section' }] } });

    const json = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${slack.botToken}` },
      body: JSON.stringify({ channel: general, text: 'json body', blocks: [{ type: 'divider' }] }),
    });
    expect(await json.json()).toMatchObject({ ok: true, message: { text: 'json body', blocks: [{ type: 'divider' }] } });

    const tokenInJson = await fetch(`${slack.apiUrl}auth.test`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: slack.botToken }),
    });
    expect(await tokenInJson.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(await (await fetch(`${slack.apiUrl}chat.nope`, { method: 'POST' })).json()).toMatchObject({ ok: false, error: 'unknown_method' });
  });

  test('missing_scope names the scope needed', async () => {
    const narrow = webClient(slack.workspace.createToken(['users:read']), slack.apiUrl);
    try {
      await narrow.chat.postMessage({ channel: general, text: 'x' });
      throw new Error('expected missing_scope');
    } catch (error) {
      expect((error as { data: unknown }).data).toMatchObject({ ok: false, error: 'missing_scope', needed: 'chat:write' });
    }
    // users.info without users:read.email leaves the email out.
    const info = await narrow.users.info({ user: alice });
    expect(info.user?.profile?.email).toBeUndefined();
    expect(await slackError(narrow.users.lookupByEmail({ email: 'alice@example.com' }))).toBe('missing_scope');
  });

  test('chat.postMessage: channel by id or name, errors as Slack gives them, every message recorded', async () => {
    const posted = await client.chat.postMessage({ channel: approvers, text: 'Access request from alice' });
    expect(posted).toMatchObject({ ok: true, channel: approvers, message: { type: 'message', text: 'Access request from alice', bot_id: slack.workspace.app.botId, user: slack.workspace.app.botUserId } });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    const byName = await client.chat.postMessage({ channel: '#phi-approvers', text: 'by name' });
    expect(byName.channel).toBe(approvers);
    expect(Number(byName.ts)).toBeGreaterThan(Number(posted.ts));

    expect(await slackError(client.chat.postMessage({ channel: 'C000NOPE', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel: approvers, text: '' }))).toBe('no_text');
    expect(await slackError(client.chat.postMessage({ channel: approvers, text: 'x', thread_ts: '1.000001' }))).toBe('thread_not_found');
    const hidden = slack.workspace.addChannel({ name: 'secret-room', private: true, members: ['alice'], withoutBot: true });
    expect(await slackError(client.chat.postMessage({ channel: hidden.id, text: 'x' }))).toBe('channel_not_found');
    const publicNoBot = slack.workspace.addChannel({ name: 'lobby', members: ['alice'], withoutBot: true });
    const noPublic = webClient(slack.workspace.createToken(['chat:write']), slack.apiUrl);
    expect(await slackError(noPublic.chat.postMessage({ channel: publicNoBot.id, text: 'x' }))).toBe('not_in_channel');
    expect((await client.chat.postMessage({ channel: publicNoBot.id, text: 'with chat:write.public' })).ok).toBe(true);

    const recorded = slack.workspace.history(approvers).map((m) => m.text);
    expect(recorded).toEqual(expect.arrayContaining(['Access request from alice', 'by name']));
    expect(slack.workspace.calls.filter((c) => c.method === 'chat.postMessage' && !c.ok).map((c) => c.error)).toEqual(
      expect.arrayContaining(['channel_not_found', 'no_text', 'thread_not_found', 'not_in_channel']),
    );
    expect(JSON.stringify(slack.workspace.calls)).not.toContain(slack.botToken);
  });

  test('threads: replies keep reply_count, reply_users and latest_reply; history shows only the parent', async () => {
    const parent = await client.chat.postMessage({ channel: approvers, text: 'Request REQ-T1' });
    const r1 = await client.chat.postMessage({ channel: approvers, thread_ts: parent.ts, text: 'Approved by bob' });
    const r2 = await client.chat.postMessage({ channel: approvers, thread_ts: parent.ts, text: 'Credential issued' });
    // Replying to a reply threads under the parent, as in Slack.
    const r3 = await client.chat.postMessage({ channel: approvers, thread_ts: r1.ts, text: 'Session started' });
    expect(r3.message).toMatchObject({ thread_ts: parent.ts, parent_user_id: slack.workspace.app.botUserId });

    const replies = await client.conversations.replies({ channel: approvers, ts: parent.ts as string });
    expect(replies.messages?.map((m) => m.text)).toEqual(['Request REQ-T1', 'Approved by bob', 'Credential issued', 'Session started']);
    expect(replies.messages?.[0]).toMatchObject({ ts: parent.ts, thread_ts: parent.ts, reply_count: 3, reply_users_count: 1, reply_users: [slack.workspace.app.botUserId], latest_reply: r3.ts });
    expect(replies.messages?.[1]).toMatchObject({ ts: r1.ts, thread_ts: parent.ts });
    // Asking with a reply's ts returns the whole thread.
    expect((await client.conversations.replies({ channel: approvers, ts: r2.ts as string })).messages?.[0]?.ts).toBe(parent.ts);
    expect(await slackError(client.conversations.replies({ channel: approvers, ts: '1.000001' }))).toBe('thread_not_found');

    const history = await client.conversations.history({ channel: approvers, limit: 100 });
    const texts = history.messages?.map((m) => m.text) ?? [];
    expect(texts).toContain('Request REQ-T1');
    expect(texts).not.toContain('Approved by bob');
    expect(history.messages?.[0]?.text).toBe('Request REQ-T1'); // newest first
    expect(history.messages?.find((m) => m.ts === parent.ts)).toMatchObject({ reply_count: 3, latest_reply: r3.ts });

    const broadcast = await client.chat.postMessage({ channel: approvers, thread_ts: parent.ts as string, text: 'Revoked by bob', reply_broadcast: true });
    const after = await client.conversations.history({ channel: approvers, limit: 1 });
    expect(after.messages?.[0]).toMatchObject({ ts: broadcast.ts, subtype: 'thread_broadcast', thread_ts: parent.ts });
  });

  test('conversations.history pages with cursors and filters by oldest/latest; metadata only when asked', async () => {
    const room = slack.workspace.addChannel({ name: 'paging', members: ['alice'] });
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await client.chat.postMessage({ channel: room.id, text: `m${i}`, metadata: { event_type: 'gatehouse_notice', event_payload: { idempotency_key: `k${i}` } } });
      posted.push(m.ts as string);
    }
    const first = await client.conversations.history({ channel: room.id, limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(first.has_more).toBe(true);
    expect(first.messages?.[0]?.metadata).toBeUndefined();
    const second = await client.conversations.history({ channel: room.id, limit: 2, cursor: first.response_metadata?.next_cursor, include_all_metadata: true });
    expect(second.messages?.map((m) => m.text)).toEqual(['m2', 'm1']);
    expect(second.messages?.[0]?.metadata).toEqual({ event_type: 'gatehouse_notice', event_payload: { idempotency_key: 'k2' } });
    const ranged = await client.conversations.history({ channel: room.id, oldest: posted[1], latest: posted[3], inclusive: true });
    expect(ranged.messages?.map((m) => m.text)).toEqual(['m3', 'm2', 'm1']);
    const exclusive = await client.conversations.history({ channel: room.id, oldest: posted[1], latest: posted[3] });
    expect(exclusive.messages?.map((m) => m.text)).toEqual(['m2']);
  });

  test('chat.update edits in place and is recorded; unknown ts and foreign messages are refused', async () => {
    const posted = await client.chat.postMessage({ channel: approvers, text: 'pending', blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'approve' }] }] });
    const updated = await client.chat.update({ channel: approvers, ts: posted.ts as string, text: 'approved', blocks: [] });
    expect(updated).toMatchObject({ ok: true, channel: approvers, ts: posted.ts, text: 'approved' });
    const stored = slack.workspace.message(approvers, posted.ts as string);
    expect(stored).toMatchObject({ text: 'approved', blocks: [] });
    expect(stored?.edited?.user).toBe(slack.workspace.app.botUserId);
    expect(slack.workspace.updates.at(-1)).toMatchObject({ channel: approvers, ts: posted.ts, before: { text: 'pending' }, after: { text: 'approved' }, via: 'api' });

    expect(await slackError(client.chat.update({ channel: approvers, ts: '1.000001', text: 'x' }))).toBe('message_not_found');
    const human = slack.workspace.addMessage({ channel: general, user: alice, text: 'hello', via: 'seed' });
    expect(await slackError(client.chat.update({ channel: general, ts: human.ts, text: 'x' }))).toBe('cant_update_message');
  });

  test('chat.delete removes the bot\'s own messages (and a reply from its thread)', async () => {
    const parent = await client.chat.postMessage({ channel: general, text: 'to keep' });
    const reply = await client.chat.postMessage({ channel: general, thread_ts: parent.ts as string, text: 'to delete' });
    expect(await client.chat.delete({ channel: general, ts: reply.ts as string })).toMatchObject({ ok: true, channel: general, ts: reply.ts });
    expect(slack.workspace.message(general, reply.ts as string)).toBeUndefined();
    expect((await client.conversations.replies({ channel: general, ts: parent.ts as string })).messages?.[0]).toMatchObject({ reply_count: 0 });
    expect(await slackError(client.chat.delete({ channel: general, ts: reply.ts as string }))).toBe('message_not_found');
    const human = slack.workspace.addMessage({ channel: general, user: alice, text: 'mine', via: 'seed' });
    expect(await slackError(client.chat.delete({ channel: general, ts: human.ts }))).toBe('cant_delete_message');
  });

  test('chat.postEphemeral is recorded for one person and never shows in history', async () => {
    const res = await client.chat.postEphemeral({ channel: general, user: alice, text: 'Only you can see this' });
    expect(res.ok).toBe(true);
    expect(res.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.workspace.ephemerals.at(-1)).toMatchObject({ channel: general, user: alice, text: 'Only you can see this', via: 'api' });
    const history = await client.conversations.history({ channel: general });
    expect(history.messages?.map((m) => m.text)).not.toContain('Only you can see this');
    expect(await slackError(client.chat.postEphemeral({ channel: approvers, user: alice, text: 'x' }))).toBe('user_not_in_channel');
    expect(await slackError(client.chat.postEphemeral({ channel: general, user: 'U000NOPE', text: 'x' }))).toBe('user_not_found');
  });

  test('chat.getPermalink points at the message (and its thread) and the link resolves', async () => {
    const parent = await client.chat.postMessage({ channel: approvers, text: 'Request REQ-P1' });
    const reply = await client.chat.postMessage({ channel: approvers, thread_ts: parent.ts, text: 'Approved' });
    const link = await client.chat.getPermalink({ channel: approvers, message_ts: parent.ts as string });
    expect(link.permalink).toBe(`${slack.url}/archives/${approvers}/p${(parent.ts as string).replace('.', '')}`);
    const replyLink = await client.chat.getPermalink({ channel: approvers, message_ts: reply.ts as string });
    expect(replyLink.permalink).toContain(`?thread_ts=${parent.ts}&cid=${approvers}`);
    const page = await (await fetch(replyLink.permalink as string)).text();
    expect(page).toContain('Request REQ-P1');
    expect(page).toContain('└ @gatehouse: Approved');
    expect(await slackError(client.chat.getPermalink({ channel: approvers, message_ts: '1.000001' }))).toBe('message_not_found');
  });

  test('users.info and users.lookupByEmail carry verified emails; unknown people are refused', async () => {
    const info = await client.users.info({ user: alice });
    expect(info.user).toMatchObject({ id: alice, name: 'alice', is_bot: false, deleted: false, is_email_confirmed: true, profile: { email: 'alice@example.com', display_name: 'Alice Analyst' } });
    const mallory = slack.workspace.requireUser('mallory');
    expect((await client.users.info({ user: mallory.id })).user?.is_email_confirmed).toBe(false);
    const byEmail = await client.users.lookupByEmail({ email: 'BOB@example.com' });
    expect(byEmail.user?.id).toBe(bob);
    expect(await slackError(client.users.info({ user: 'U000NOPE' }))).toBe('user_not_found');
    expect(await slackError(client.users.lookupByEmail({ email: 'eve@example.com' }))).toBe('users_not_found');
  });

  test('conversations.open makes one DM per person (D…), chat.postMessage to a user id lands there', async () => {
    const opened = await client.conversations.open({ users: alice });
    expect(opened.channel?.id).toMatch(/^D[0-9A-Z]{10}$/);
    const again = await client.conversations.open({ users: alice, return_im: true });
    expect(again).toMatchObject({ ok: true, already_open: true, channel: { id: opened.channel?.id, is_im: true, user: alice } });
    await client.chat.postMessage({ channel: opened.channel?.id as string, text: 'Your request was posted: <link>' });
    await client.chat.postMessage({ channel: alice, text: 'by user id' });
    expect(slack.workspace.history(opened.channel?.id as string).map((m) => m.text)).toEqual(['Your request was posted: <link>', 'by user id']);
    expect(renderChannel(slack.workspace, opened.channel?.id as string)).toContain('DM with @alice');
    expect(await slackError(client.conversations.open({ users: 'U000NOPE' }))).toBe('user_not_found');
    expect(await slackError(client.conversations.open({} as never))).toBe('users_list_not_supplied');
  });

  test('views.open spends a trigger once for the person it was issued to; views.update honours hash', async () => {
    const trigger = slack.workspace.issueTrigger(alice);
    const view = { type: 'modal' as const, callback_id: 'request_modal', title: { type: 'plain_text' as const, text: 'Request access' }, submit: { type: 'plain_text' as const, text: 'Request' }, private_metadata: 'C1', blocks: [{ type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Reason' }, element: { type: 'plain_text_input', action_id: 'value' } }] };
    const opened = await client.views.open({ trigger_id: trigger, view });
    expect(opened.view).toMatchObject({ type: 'modal', callback_id: 'request_modal', private_metadata: 'C1', app_id: slack.workspace.app.id, bot_id: slack.workspace.app.botId });
    expect(opened.view?.id).toMatch(/^V/);
    expect(slack.workspace.views.get(opened.view?.id as string)?.userId).toBe(alice);
    expect(await slackError(client.views.open({ trigger_id: trigger, view }))).toBe('exchanged_trigger_id');
    expect(await slackError(client.views.open({ trigger_id: '123.456.abc', view }))).toBe('invalid_trigger_id');
    expect(await slackError(client.views.open({ trigger_id: slack.workspace.issueTrigger(alice), view: { ...view, title: undefined } as never }))).toBe('invalid_arguments');

    const updated = await client.views.update({ view_id: opened.view?.id as string, hash: opened.view?.hash, view: { ...view, private_metadata: 'C2' } });
    expect(updated.view?.private_metadata).toBe('C2');
    expect(await slackError(client.views.update({ view_id: opened.view?.id as string, hash: opened.view?.hash, view }))).toBe('hash_conflict');
    expect(await slackError(client.views.update({ view_id: 'V000NOPE', view }))).toBe('not_found');
  });

  test('a trigger_id expires after triggerTtlMs', async () => {
    const ws = slack.workspace;
    const ttl = ws.triggerTtlMs;
    ws.triggerTtlMs = 10;
    const trigger = ws.issueTrigger(alice);
    await clockPasses(Date.now() + ws.triggerTtlMs);
    try {
      expect(await slackError(client.views.open({ trigger_id: trigger, view: { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] } }))).toBe('expired_trigger_id');
    } finally {
      ws.triggerTtlMs = ttl;
    }
  });

  test('renderChannel prints a channel with its threads, buttons and (optionally) ephemerals', async () => {
    const room = slack.workspace.addChannel({ name: 'render', members: ['alice', 'bob'] });
    const parent = await client.chat.postMessage({
      channel: room.id, text: 'Access request',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Access request REQ-9' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*alice* wants *analytics* for 1h' }, fields: [{ type: 'mrkdwn', text: 'Ticket: SEC-1' }, { type: 'mrkdwn', text: 'Risk: low' }] },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'approve', style: 'primary' }, { type: 'button', text: { type: 'plain_text', text: 'Deny' }, action_id: 'deny', style: 'danger' }] },
      ],
    });
    await client.chat.postMessage({ channel: room.id, thread_ts: parent.ts, text: 'Approved by @bob' });
    await client.chat.postEphemeral({ channel: room.id, user: alice, thread_ts: parent.ts, text: 'You cannot approve your own request.' });
    await client.chat.update({ channel: room.id, ts: parent.ts as string, text: 'Access request (approved)', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'REQ-9 approved' } }] });
    await client.chat.postMessage({ channel: room.id, text: 'second\nline' });

    expect(renderChannel(slack.workspace, room.id)).toBe(
      [
        `#render (${room.id})`,
        '  @gatehouse: REQ-9 approved (edited)',
        '    └ @gatehouse: Approved by @bob',
        '  @gatehouse: second',
        '    line',
        '',
      ].join('\n'),
    );
    expect(renderChannel(slack.workspace, 'render', { ephemerals: true })).toContain('    └ (only @alice sees) @gatehouse: You cannot approve your own request.');
    const before = slack.workspace.updates.at(-1)?.before.blocks ?? [];
    expect(blocksToLines(before)).toEqual([
      '# Access request REQ-9',
      '*alice* wants *analytics* for 1h',
      'Ticket: SEC-1 | Risk: low',
      '[Approve → approve (primary)] [Deny → deny (danger)]',
    ]);
    expect(await (await fetch(`${slack.url}/channels/render`)).text()).toContain('(only @alice sees)');
  });
});
