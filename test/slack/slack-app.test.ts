import { SlackActions } from '../../lib/slack';
import { blocksToLines, renderChannel, waitForEphemeral, waitForMessage, waitForResponses, type SlackMessage } from '../../devstack/slack';
import { GRANT_TOKEN_PREFIX, GrantRevocations, newCommandId } from '../../lib';
import { Inputs, Views } from '../../slack-app';
import type { AccessStatus, RequestState } from '../../workflows';
import { everythingSlackSaw, SIGNING_SECRET, startSlackStack, type SlackStack } from './stack';
import { eventually } from '../support/eventually';

/**
 * The Slack app end to end: real Bolt over signed HTTP from the local Slack's driver, the real
 * access workflow on the test Temporal server, the Slack notifier posting to the local Slack.
 */
describe('the Slack app and the Slack notifier, end to end', () => {
  let stack: SlackStack;
  const ws = () => stack.slack.workspace;
  const id = (name: string) => ws().requireUser(name).id;

  beforeAll(async () => {
    stack = await startSlackStack();
  });
  afterAll(async () => {
    // SLACK_TEST_PRINT=1 shows what the approvers saw.
    if (process.env.SLACK_TEST_PRINT && stack) process.stdout.write(renderChannel(ws(), 'phi-approvers', { ephemerals: true }));
    await stack?.close();
  });

  const keyOf = (m: SlackMessage) => m.metadata?.event_payload.idempotency_key;
  const parentOf = (requestId: string) => waitForMessage(ws(), 'phi-approvers', (m) => keyOf(m) === `gatehouse:${requestId}:requested`);
  const thread = (parent: SlackMessage) => ws().thread(parent.channel, parent.ts).slice(1);
  const lines = (m: SlackMessage) => blocksToLines(m.blocks ?? []).join('\n');
  const buttons = (m: SlackMessage) => (m.blocks ?? []).filter((b) => (b as { type?: string }).type === 'actions').length;

  async function waitForState(requestId: string, states: RequestState[] | ((s: AccessStatus) => boolean)): Promise<AccessStatus> {
    const done = typeof states === 'function' ? states : (s: AccessStatus) => states.includes(s.state);
    let last: AccessStatus | undefined;
    return eventually(async () => {
      last = await stack.access.status(requestId);
      return done(last) && last;
    }, () => `${requestId} to reach the awaited state; it is ${last?.state}, timeline ${JSON.stringify(last?.timeline)}`);
  }

  /** `/access …` as `user`; answers the request id from the app's ephemeral answer. */
  async function ask(user: string, text: string): Promise<string> {
    const delivery = await stack.driver.command({ user, channel: 'general', text });
    expect(delivery.status).toBe(200);
    expect(delivery.ackWithinLimit).toBe(true);
    const [answer] = await waitForResponses(delivery, 1, 15_000);
    const found = /req_[a-z0-9]{20}/.exec(String(answer?.body.text));
    if (!found) throw new Error(`no request started: ${JSON.stringify(answer?.body)}`);
    return found[0];
  }

  function click(user: string, message: SlackMessage, actionId: string, value?: string) {
    const channel = ws().channels.get(message.channel)!.name;
    return stack.driver.clickButton({ user, channel, messageTs: message.ts, actionId, ...(value ? { value } : {}) });
  }

  test('Slack answering 429 (Retry-After) to the approval post still yields exactly one request message', async () => {
    stack.slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const requestId = await ask('carol', 'clinical 10s rate limit check');
    const parent = await parentOf(requestId);
    const limited = ws().calls.filter((c) => c.method === 'chat.postMessage' && c.injected === 'rate_limited');
    expect(limited).toHaveLength(1);
    expect(String(limited[0]?.args.metadata)).toContain(`gatehouse:${requestId}:requested`);
    expect(ws().allMessages(parent.channel).filter((m) => keyOf(m) === `gatehouse:${requestId}:requested`)).toHaveLength(1);
    await stack.access.revoke(requestId, 'carol@example.org', 'test over');
  });

  test('slash command → approval in the thread → active grant → held command → revoke now → archive, every step in the thread', async () => {
    const carol = id('carol');
    const requestId = await ask('carol', 'clinical 30s investigate claim 4411 <!channel> ticket:INC-9');
    const parent = await parentOf(requestId);

    // The approval request: requester, target, scope, duration, reason, ticket, risk, and the buttons.
    const shown = lines(parent);
    expect(shown).toContain(`<@${carol}>`);
    expect(shown).toContain('*clinical*');
    expect(shown).toContain('role CLINICAL_READ on CLINICAL.PHI.PATIENTS, CLINICAL.PHI.ENCOUNTERS');
    expect(shown).toContain('30 seconds');
    expect(shown).toContain('INC-9');
    expect(shown).toMatch(/\*Risk\*\nPHI \(allowed: read; held for approval: write; denied: ddl, privilege, export; at most 200 rows\)/);
    // No mention smuggled in through the reason: it is plain_text, which Slack does not parse, shown as typed.
    expect(parent.blocks).toContainEqual({ type: 'section', text: { type: 'plain_text', text: 'investigate claim 4411 <!channel>', emoji: false } });
    expect(shown).toContain('[Approve → gatehouse_approve (primary)] [Deny → gatehouse_deny (danger)]');

    // The requester's DM links to the thread.
    const dm = await eventually(() => {
      const im = [...ws().channels.values()].find((c) => c.kind === 'im' && c.imUser === carol);
      return im ? ws().allMessages(im.id).find((m) => m.text.includes(requestId)) : undefined;
    }, "the requester's DM");
    expect(dm.text).toContain(`${stack.slack.url}/archives/${parent.channel}/p${parent.ts.replace('.', '')}`);

    // An approver approves in the thread.
    const approved = await click('bob', parent, SlackActions.approve);
    expect(approved.status).toBe(200);
    expect(approved.ackWithinLimit).toBe(true);
    await waitForMessage(ws(), 'phi-approvers', 'Access is active until', { threadTs: parent.ts });
    const active = await waitForState(requestId, ['ACTIVE']);
    expect(active.decision).toMatchObject({ approved: true, by: 'bob@example.org' });
    // The reply comes first, then the parent is refreshed (replyAndRefresh): wait for the refresh too.
    const liveParent = await waitForMessage(ws(), 'phi-approvers', (m) => m.ts === parent.ts && lines(m).includes('Active until'));
    expect(lines(liveParent)).toContain('[Revoke now → gatehouse_revoke (danger)]');
    expect(lines(liveParent)).not.toContain('gatehouse_approve');

    // The gateway opens a session on the grant and says so; the thread hears of it.
    await stack.access.sessionStarted(requestId, { sessionId: 'mcp-7f3a', client: 'claude-code 1.2' });
    await waitForMessage(ws(), 'phi-approvers', `<@${carol}> started an MCP session through the gateway: \`mcp-7f3a (claude-code 1.2)\``, { threadTs: parent.ts });

    // The gateway holds a write; an approver approves it from its own message in the thread.
    const commandId = newCommandId();
    const review = stack.access.reviewCommand(requestId, {
      commandId, tool: 'run_snowflake_query', summary: "UPDATE PATIENTS SET PHONE = '***' WHERE MRN = '***'", classes: ['write'], risk: 'high',
    });
    const held = await waitForMessage(ws(), 'phi-approvers', (m) => keyOf(m) === `gatehouse:${requestId}:command:${commandId}`, { threadTs: parent.ts });
    expect(lines(held)).toContain("```\nUPDATE PATIENTS SET PHONE = '***' WHERE MRN = '***'\n```");
    expect(lines(held)).toContain('[Approve command → gatehouse_command_approve (primary)] [Deny command → gatehouse_command_deny (danger)]');
    const selfDecision = await click('carol', held, SlackActions.approveCommand);
    expect(selfDecision.status).toBe(200);
    await waitForEphemeral(ws(), 'carol', /cannot decide on held commands/);
    await click('bob', held, SlackActions.approveCommand);
    await expect(review).resolves.toMatchObject({ commandId, approved: true, decidedBy: 'bob@example.org' });
    await waitForMessage(ws(), 'phi-approvers', (m) => m.ts === held.ts && buttons(m) === 0, { threadTs: parent.ts });
    expect(lines(ws().message(held.channel, held.ts)!)).toContain(`Approved by <@${id('bob')}>`);

    // The requester revokes now; everything is closed and archived.
    const revocations = new GrantRevocations(stack.redis);
    expect(await revocations.grantOf(requestId)).not.toBeNull();
    const revoke = await click('carol', ws().message(parent.channel, parent.ts)!, SlackActions.revoke);
    expect(revoke.status).toBe(200);
    // By order: the answer "Revoking ..." is sent once the revoke returned, and by then the grant is gone from Redis.
    await waitForEphemeral(ws(), 'carol', new RegExp(`^Revoking \`${requestId}\``));
    expect(await revocations.grantOf(requestId)).toBeNull();
    const archived = await waitForState(requestId, ['ARCHIVED']);
    expect(archived.revocation).toMatchObject({ by: 'carol@example.org' });
    await waitForMessage(ws(), 'phi-approvers', 'Audit archive written', { threadTs: parent.ts });
    await waitForMessage(ws(), 'phi-approvers', (m) => m.ts === parent.ts && buttons(m) === 0 && lines(m).includes('audit archive'));

    const story = thread(parent).map((m) => m.text);
    const order = ['Approved by', 'Credential issued', 'Access is active', 'started an MCP session', 'Held command', 'Approved by', 'Access revoked by', 'Audit archive written'];
    let at = 0;
    for (const step of order) {
      const found = story.findIndex((t, i) => i >= at && t.includes(step));
      if (found < 0) throw new Error(`the thread lacks "${step}" after reply ${at}:\n${renderChannel(ws(), 'phi-approvers', { onlyThread: parent.ts })}`);
      at = found + 1;
    }
    expect(story.filter((t) => t === `:white_check_mark: Approved by <@${id('bob')}>.`)).toHaveLength(1);
    expect(story.join('\n')).toContain(`sha256:${archived.archive!.digest}`);
    const finalParent = lines(ws().message(parent.channel, parent.ts)!);
    expect(finalParent).toContain(`Revoked by <@${carol}>: Revoke now, clicked in Slack`);

    // Nothing secret reached Slack: no token, signing secret, key material or grant token.
    const seen = everythingSlackSaw(stack.slack);
    expect(seen).not.toContain(stack.botToken);
    expect(seen).not.toContain(stack.slack.botToken);
    expect(seen).not.toContain(SIGNING_SECRET);
    expect(seen).not.toContain('PRIVATE KEY');
    for (const secret of stack.provider.secrets) expect(seen).not.toContain(secret);
    expect(seen).not.toContain(GRANT_TOKEN_PREFIX);
  });

  test('auto-approved by policy: no buttons to press; the grant runs out by itself and the thread says so', async () => {
    const delivery = await stack.driver.command({ user: 'eve', channel: 'general', text: 'clinical 3s nightly check' });
    const [answer] = await waitForResponses(delivery, 1, 15_000);
    expect(answer?.body.text).toMatch(/^Request `req_[a-z0-9]{20}` for clinical \(3 seconds\) is approved by policy; the credential is being issued\./);
    const requestId = /req_[a-z0-9]{20}/.exec(String(answer?.body.text))![0];
    const parent = await parentOf(requestId);
    expect(lines(parent)).not.toContain('gatehouse_approve');
    await waitForMessage(ws(), 'phi-approvers', 'Audit archive written', { threadTs: parent.ts });
    const story = thread(parent).map((m) => m.text).join('\n');
    expect(story).toContain(':white_check_mark: Approved automatically by policy.');
    expect(story).toContain('Access revoked by Gatehouse (the grant reached its end).');
  });

  test('the modal: targets limited to what the person may request, errors shown in the form, then a request', async () => {
    const opened = await stack.driver.command({ user: 'carol', channel: 'general', text: '' });
    expect(opened.status).toBe(200);
    expect(opened.ackWithinLimit).toBe(true);
    const view = await eventually(() => ws().latestView(id('carol')), "carol's modal");
    expect(view.callbackId).toBe(Views.request);
    const blocks = view.definition.blocks as Array<{ block_id?: string; element?: { options?: Array<{ value: string }> } }>;
    expect(blocks.find((b) => b.block_id === Inputs.target)?.element?.options?.map((o) => o.value)).toEqual(['clinical']);

    const wrong = await stack.driver.submitView({ user: 'carol', values: { target: 'clinical', duration: '2h', reason: '' } });
    expect(wrong.json).toEqual({
      response_action: 'errors',
      errors: { duration: 'clinical allows at most 40 seconds.', reason: 'A reason is required; the approvers read it.' },
    });
    const submitted = await stack.driver.submitView({ user: 'carol', values: { target: 'clinical', duration: '20s', reason: 'monthly audit sample', ticket: 'AUD-7' } });
    expect(submitted.status).toBe(200);
    expect(ws().views.get(view.id)?.closed).toBe(true);
    const answer = await waitForEphemeral(ws(), 'carol', /Request `req_[a-z0-9]{20}` for clinical \(20 seconds\)/);
    const requestId = /req_[a-z0-9]{20}/.exec(answer.text)![0];
    const parent = await parentOf(requestId);
    expect(lines(parent)).toContain('monthly audit sample');
    expect(lines(parent)).toContain('AUD-7');
    await stack.access.revoke(requestId, 'carol@example.org', 'test over');
  });

  test('deny asks for a reason; the thread and the parent show it; a late click on the closed request is explained', async () => {
    const requestId = await ask('carol', 'clinical 20s look at encounter 77');
    const parent = await parentOf(requestId);
    const pendingBlocks = parent.blocks;

    const deny = await click('bob', parent, SlackActions.deny);
    expect(deny.ackWithinLimit).toBe(true);
    const modal = await eventually(() => ws().latestView(id('bob')), "bob's modal");
    expect(modal.callbackId).toBe(Views.deny);
    const empty = await stack.driver.submitView({ user: 'bob', viewId: modal.id, values: { reason: '  ' } });
    expect(empty.json).toEqual({ response_action: 'errors', errors: { reason: 'A reason is required.' } });
    await stack.driver.submitView({ user: 'bob', viewId: modal.id, values: { reason: 'use the de-identified mart instead' } });

    const denied = await waitForMessage(ws(), 'phi-approvers', `:no_entry: Denied by <@${id('bob')}>.`, { threadTs: parent.ts });
    // The reason is the approver's words: shown as plain text under Gatehouse's decision line.
    expect(denied.blocks).toContainEqual({ type: 'section', text: { type: 'plain_text', text: 'use the de-identified mart instead', emoji: false } });
    expect((await waitForState(requestId, (s) => !!s.archive)).decision).toMatchObject({ approved: false, reason: 'use the de-identified mart instead' });
    const closed = await waitForMessage(ws(), 'phi-approvers', (m) => m.ts === parent.ts && lines(m).includes('audit archive'));
    expect(buttons(closed)).toBe(0);
    expect(lines(closed)).toContain(`Denied by <@${id('bob')}>: use the de-identified mart instead`);

    // Someone whose Slack still shows the old buttons clicks Approve.
    ws().message(parent.channel, parent.ts)!.blocks = pendingBlocks;
    const late = await click('alice', ws().message(parent.channel, parent.ts)!, SlackActions.approve);
    expect(late.status).toBe(200);
    await waitForEphemeral(ws(), 'alice', `${requestId} was already denied by bob@example.org. Nothing was changed.`);
    expect((await stack.access.status(requestId)).decision?.approved).toBe(false);
  });

  test('no self-approval and only approvers decide, in the app and again in the workflow; a double click is harmless', async () => {
    const requestId = await ask('alice', 'clinical 30s reconcile claims');
    const parent = await parentOf(requestId);

    await click('alice', parent, SlackActions.approve);
    await waitForEphemeral(ws(), 'alice', 'You asked for this access, so you cannot approve it yourself: another approver of clinical must decide.');
    await click('carol', parent, SlackActions.approve);
    await waitForEphemeral(ws(), 'carol', 'Only the approvers of clinical decide on its requests, and carol@example.org is not one of them.');
    const refusals = () => ws().ephemerals.filter((e) => e.user === id('carol') && e.text.includes('Only the approvers of clinical')).length;
    const before = refusals();
    const carolsDeny = await click('carol', parent, SlackActions.deny);
    expect(carolsDeny.status).toBe(200);
    await eventually(() => refusals() > before, "carol's refusal");
    expect(ws().latestView(id('carol'))?.callbackId).not.toBe(Views.deny);
    // The workflow refuses the same, whoever calls it.
    await expect(stack.access.approve(requestId, 'alice@example.org')).rejects.toThrow('you cannot approve your own request');
    await expect(stack.access.approve(requestId, 'carol@example.org')).rejects.toThrow('carol@example.org is not an approver of clinical');
    expect((await stack.access.status(requestId)).state).toBe('PENDING_APPROVAL');

    const [first, second] = await Promise.all([click('bob', parent, SlackActions.approve), click('bob', parent, SlackActions.approve)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await waitForState(requestId, ['ACTIVE']);
    await waitForMessage(ws(), 'phi-approvers', 'Access is active until', { threadTs: parent.ts });
    expect(thread(parent).filter((m) => m.text.includes('Approved by'))).toHaveLength(1);

    // `/access revoke` by the requester.
    const revoke = await stack.driver.command({ user: 'alice', channel: 'general', text: `revoke ${requestId} done early` });
    const [answer] = await waitForResponses(revoke, 1, 15_000);
    expect(answer?.body.text).toContain(`Revoking \`${requestId}\``);
    const revoked = await waitForMessage(ws(), 'phi-approvers', `Access revoked by <@${id('alice')}>.`, { threadTs: parent.ts });
    expect(lines(revoked)).toContain('done early');
  });

  test('a forged signature and a timestamp older than five minutes are refused; nothing starts', async () => {
    const before = stack.notices.notices.length;
    const forged = await stack.driver.command({ user: 'carol', channel: 'general', text: 'clinical 10s forged' }, { forgeSignature: true });
    expect(forged.status).toBe(401);
    const stale = await stack.driver.command({ user: 'carol', channel: 'general', text: 'clinical 10s replayed' }, { ageSec: 301 });
    expect(stale.status).toBe(401);
    const unsigned = await stack.driver.command({ user: 'carol', channel: 'general', text: 'clinical 10s unsigned' }, { unsigned: true });
    expect(unsigned.status).toBe(401);
    // The same request, signed now, is answered: the refusals above were the signatures'.
    const fine = await stack.driver.command({ user: 'carol', channel: 'general', text: 'help' });
    expect(fine.status).toBe(200);
    expect([...forged.responses(), ...stale.responses(), ...unsigned.responses()]).toEqual([]);
    expect(stack.notices.notices.slice(before).filter((n) => /forged|replayed|unsigned/.test(n.status.reason))).toEqual([]);
  });

  test('unknown people are refused: no verified email, no email, not in the policy', async () => {
    const answers: Record<string, string> = {};
    for (const [user, text] of [['mallory', 'clinical 10s hello'], ['noemail', 'clinical 10s hello'], ['zed', 'clinical 10s hello'], ['zed', '']] as const) {
      const delivery = await stack.driver.command({ user, channel: 'general', text });
      expect(delivery.ackWithinLimit).toBe(true);
      const [answer] = await waitForResponses(delivery, 1, 10_000);
      answers[`${user}:${text}`] = String(answer?.body.text);
    }
    expect(answers['mallory:clinical 10s hello']).toBe('Your workspace email (mallory@example.org) is not verified, and Gatehouse acts only on verified emails. Confirm it in Slack, then try again. Gatehouse did nothing.');
    expect(answers['noemail:clinical 10s hello']).toContain('Gatehouse knows people by their verified workspace email');
    expect(answers['zed:clinical 10s hello']).toBe('zed@example.org may not request access to clinical.');
    expect(answers['zed:']).toBe('You (zed@example.org) may not request any target. Ask the Gatehouse owners to add you to a target\'s requesters.');
  });

  test('when Slack cannot say who someone is (users.info failing), they are told, and nothing starts', async () => {
    stack.slack.failNext('users.info', { status: 500, times: 3 });
    const delivery = await stack.driver.command({ user: 'dave', channel: 'general', text: 'billing 10m month end' });
    expect(delivery.ackWithinLimit).toBe(true);
    const [answer] = await waitForResponses(delivery, 1, 15_000);
    expect(answer?.body.text).toBe('Gatehouse could not look up your Slack account just now (users.info failed). Nothing was changed; try again in a minute.');
  });

  test('every bad /access form is answered with what was wrong and the right form', async () => {
    const cases: Array<[string, string]> = [
      ['clinical', 'Say for how long you need clinical, and why.\nUse: `/access <target> <duration> <reason…> [ticket:ABC-123]'],
      ['clinical forever because', '"forever" is not a duration; write it like 30m, 2h or 1d.\nUse: `/access <target>'],
      ['clinical 2h', 'Say why you need clinical: a reason is required and the approvers read it.'],
      ['clinical 10s why ticket:A ticket:B', 'Give at most one ticket.'],
      ['Clinical! 1h x', '"Clinical!" is neither a command (help, status, revoke) nor a target name'],
      ['status nope', '"nope" is not a request id (they look like req_ followed by 20 letters and digits).\nUse: `/access status [request id]`'],
      ['revoke', 'Say which request to revoke.\nUse: `/access revoke <request id> [reason…]`'],
      ['nosuch 1h reason', 'There is no target "nosuch". You may request: clinical.'],
      ['clinical 2h reason', '2 hours is longer than clinical allows (at most 40 seconds).'],
      ['billing 10m reason', 'carol@example.org may not request access to billing.'],
      ['status req_aaaaaaaaaaaaaaaaaaaa', 'No access request req_aaaaaaaaaaaaaaaaaaaa.'],
      ['help', '`/access <target> <duration> <reason…> [ticket:ABC-123]'],
    ];
    for (const [text, expected] of cases) {
      const delivery = await stack.driver.command({ user: 'carol', channel: 'general', text });
      expect(delivery.status).toBe(200);
      expect(delivery.ackWithinLimit).toBe(true);
      // Malformed text is answered in the ack itself; policy refusals come after it.
      const said = delivery.json ? String((delivery.json as { text?: string }).text) : String((await waitForResponses(delivery, 1, 10_000))[0]?.body.text);
      if (!said.includes(expected)) throw new Error(`/access ${text}\n  answered: ${said}\n  expected: ${expected}`);
    }
  });

  test('/access status lists the person\'s requests and shows one of them only to its requester and approvers', async () => {
    const requestId = await ask('eve', 'clinical 10s status check');
    const list = await stack.driver.command({ user: 'eve', channel: 'general', text: 'status' });
    const [listed] = await waitForResponses(list, 1, 10_000);
    expect(listed?.body.text).toContain('*Your recent requests*');
    const one = await stack.driver.command({ user: 'bob', channel: 'general', text: `status ${requestId}` });
    const [shown] = await waitForResponses(one, 1, 10_000);
    expect(shown?.body.text).toContain(`*${requestId}*: clinical for 10 seconds, asked by eve@example.org`);
    const other = await stack.driver.command({ user: 'carol', channel: 'general', text: `status ${requestId}` });
    const [refused] = await waitForResponses(other, 1, 10_000);
    expect(refused?.body.text).toBe(`${requestId} is not yours: only its requester and the approvers of clinical can see it.`);
    await stack.access.revoke(requestId, 'eve@example.org', 'test over');
  });

  test('expiring soon offers Extend; the requester asks, an approver approves in the thread', async () => {
    const requestId = await ask('eve', 'clinical 12s long query');
    const parent = await parentOf(requestId);
    await click('bob', parent, SlackActions.approve);
    const warning = await waitForMessage(ws(), 'phi-approvers', (m) => String(keyOf(m)).startsWith(`gatehouse:${requestId}:expiring:`), { threadTs: parent.ts });
    expect(lines(warning)).toContain('[Extend → gatehouse_extend]');

    await click('bob', warning, SlackActions.extend);
    await waitForEphemeral(ws(), 'bob', `Only the requester (eve@example.org) can ask to extend ${requestId}.`);
    await click('eve', warning, SlackActions.extend);
    const modal = await eventually(() => (ws().latestView(id('eve'))?.callbackId === Views.extend ? ws().latestView(id('eve')) : undefined), "eve's extend modal");
    await stack.driver.submitView({ user: 'eve', viewId: modal.id, values: { duration: '10s', reason: 'the query is still running' } });
    const asked = await waitForMessage(ws(), 'phi-approvers', (m) => keyOf(m) === `gatehouse:${requestId}:extension:0`, { threadTs: parent.ts });
    expect(lines(asked)).toContain('asks for *10 seconds* more.');
    expect(lines(asked)).toContain('the query is still running');
    await click('alice', asked, SlackActions.approveExtension);
    await waitForMessage(ws(), 'phi-approvers', 'Extension approved by', { threadTs: parent.ts });
    const s = await stack.access.status(requestId);
    expect(s.extensions[0]).toMatchObject({ outcome: 'approved', decidedBy: 'alice@example.org' });
    expect(buttons(ws().message(asked.channel, asked.ts)!)).toBe(0);
    await click('bob', ws().message(parent.channel, parent.ts)!, SlackActions.revoke);
    await waitForMessage(ws(), 'phi-approvers', `Access revoked by <@${id('bob')}>`, { threadTs: parent.ts });
  });
});
