import { Writable } from 'node:stream';
import pino from 'pino';
import { requestMessage, SlackNotifier, SlackTransport } from '../../activities/notify';
import { blocksToLines, messageBlockProblems, startLocalSlack, viewProblems, type LocalSlack, type SlackMessage } from '../../devstack/slack';
import { parseConfig } from '../../policy';
import { denyModal, extendModal, requestModal } from '../../slack-app';
import type { AccessStatus, NoticeKind } from '../../workflows';
import {
  AMPERSANDS, BACKTICK_TOOL, edgeConfigYaml, edgeStatus, EMOJI_DESCRIPTION, FORGED_APPROVAL, formattingFromUserText, heldCommand, HTML_INSERT, scopeObjects,
} from './edges';
import { SLACK_TEST_SEED } from './stack';
import { webClient } from './support';

/**
 * Every notice kind and both modals through the strict local Slack, at the edges of issue 23:
 * none refused, and whatever was clipped is in the thread in full.
 */
describe('notices and modals at the edges, through the strict local Slack', () => {
  let slack: LocalSlack;
  let notifier: SlackNotifier;
  const logLines: Array<Record<string, unknown>> = [];
  const config = parseConfig(edgeConfigYaml({ objects: 85, extraTargets: 140 }), 'edges.yaml');

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: SLACK_TEST_SEED });
    const sink = new Writable({ write(chunk, _enc, done) { logLines.push(JSON.parse(String(chunk)) as Record<string, unknown>); done(); } });
    const logger = pino({ level: 'info' }, sink);
    const transport = new SlackTransport({ token: slack.botToken, apiUrl: slack.apiUrl, baseDelayMs: 10, settleMs: 50, logger });
    notifier = new SlackNotifier({ transport, config, logger, attempt: () => 1 });
  });
  afterEach(() => slack.clearFailures());
  afterAll(() => slack.close());

  const refusals = () => slack.workspace.calls.filter((c) => !c.ok && c.injected !== 'refused');
  const channel = () => slack.workspace.requireChannel('phi-approvers').id;
  const thread = (ts: string) => slack.workspace.thread(channel(), ts);
  const text = (m: SlackMessage) => blocksToLines(m.blocks ?? []).join('\n');
  const now = () => new Date().toISOString();
  /** The content of the one file shared in the thread by a message starting with `intro`. */
  const sharedFile = (ts: string, intro: string) => {
    const shares = thread(ts).filter((m) => m.text.startsWith(intro));
    expect(shares.map((m) => m.files?.length)).toEqual([1]);
    return slack.workspace.files.get(shares[0]!.files![0]!.id)!.content!.toString('utf8');
  };

  test('a whole lifecycle at the edges: every notice kind posted, none refused, clipped texts in full in the thread', async () => {
    let s: AccessStatus = edgeStatus({ reason: AMPERSANDS });
    const send = async (kind: NoticeKind, commandId?: string) => {
      const result = await notifier.notify({ kind, status: s, ...(commandId ? { commandId } : {}) });
      if (result.thread) s = { ...s, thread: result.thread };
    };
    await send('requested');
    const parent = thread(s.thread!.ts)[0]!;
    expect(messageBlockProblems(parent.blocks)).toEqual([]);
    expect(formattingFromUserText(parent)).toEqual([]);
    // The 85-object scope (3,080 characters) and the 1,000 `&` (5,000 characters as Slack stores plain_text) are clipped in the parent...
    expect(text(parent)).toMatch(/… \(\d+ more characters\)/);
    // ...and readable in full in the thread.
    // A file per clipped text, as written (Slack does not parse a file): the approver reads `&`, not `&amp;`.
    expect(sharedFile(s.thread!.ts, 'The full reason')).toBe(AMPERSANDS);
    expect(sharedFile(s.thread!.ts, 'The full scope')).toBe(`role CLINICAL_READ on ${scopeObjects(85).join(', ')}`);
    // The 2,200-character description no longer sits in a 2,000-character field: it is shown whole.
    expect(text(parent)).toContain('read-only views of encounters; '.repeat(70).trim());

    const bob = 'bob@example.org';
    s = { ...s, state: 'ACTIVE', decision: { approved: true, by: bob, at: now() }, principal: 'GH_EDGE_1', expiresAt: now(), activeSince: now() };
    await send('decided');
    await send('issued');
    await send('active');
    s = { ...s, timeline: [...s.timeline, { at: now(), type: 'session_started', detail: `mcp-session-1 ${BACKTICK_TOOL}` }] };
    await send('session_started');
    s = { ...s, commands: [heldCommand()] };
    await send('command_held', 'cmd_edge0001');
    s = { ...s, commands: [heldCommand({ outcome: 'denied', decidedBy: bob, decidedAt: now(), reason: `${AMPERSANDS}<<<` })] };
    await send('command_decided', 'cmd_edge0001');
    await send('expiring_soon');
    s = { ...s, extensions: [{ requestedBy: 'carol@example.org', requestedAt: now(), durationMs: 10_000, reason: FORGED_APPROVAL.repeat(20), outcome: 'pending' }] };
    await send('extension_requested');
    s = { ...s, extensions: [{ ...s.extensions[0]!, outcome: 'denied', decidedBy: bob, decidedAt: now() }] };
    await send('extension_decided');
    s = { ...s, state: 'REVOKED', revocation: { by: bob, at: now(), reason: AMPERSANDS } as never };
    await send('revoked');
    s = { ...s, state: 'ARCHIVED', archive: { digest: 'a'.repeat(64), location: `s3://archive/${'&'.repeat(900)}` } };
    await send('archived');
    s = { ...s, state: 'FAILED', failure: `<!channel> ${AMPERSANDS}` };
    await send('failed');
    const pending = edgeStatus({ reason: FORGED_APPROVAL });
    await notifier.notify({ kind: 'requested', status: pending });
    await notifier.notify({ kind: 'expired_unapproved', status: { ...pending, state: 'EXPIRED_UNAPPROVED' } });

    expect(refusals()).toEqual([]);
    expect(logLines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    // The held INSERT: clipped in its message after escaping, whole in the thread as code.
    const held = thread(s.thread!.ts).find((m) => m.text.startsWith('Held command cmd_edge0001'))!;
    expect(text(held)).toMatch(/more characters/);
    expect(sharedFile(s.thread!.ts, 'The full command cmd_edge0001')).toBe(HTML_INSERT);
    for (const m of thread(s.thread!.ts)) expect({ text: m.text, problems: formattingFromUserText(m) }).toEqual({ text: m.text, problems: [] });
  });

  test('the /access modal with 141 targets: an external select, nothing dropped, valid for Slack', async () => {
    const carol = slack.workspace.requireUser('carol').id;
    const view = requestModal(config.targets, config, { channel: 'C1' });
    expect(viewProblems(view)).toEqual([]);
    const element = ((view.blocks as Array<Record<string, unknown>>)[0]!.element) as Record<string, unknown>;
    expect(element.type).toBe('external_select');
    await webClient(slack.botToken, slack.apiUrl).views.open({ trigger_id: slack.workspace.issueTrigger(carol), view: view as never });
  });

  test('up to 100 targets a static select whose descriptions are cut between whole characters (emoji at the cut)', () => {
    const few = parseConfig(edgeConfigYaml({ description: EMOJI_DESCRIPTION, extraTargets: 99 }), 'few.yaml');
    const view = requestModal(few.targets, few, { channel: 'C1' });
    expect(viewProblems(view)).toEqual([]);
    const options = (((view.blocks as Array<Record<string, unknown>>)[0]!.element) as { options: Array<{ description: { text: string } }> }).options;
    expect(options).toHaveLength(100);
    for (const o of options) {
      expect(o.description.text.length).toBeLessThanOrEqual(75);
      expect(o.description.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  test('the deny and extend modals with a very long subject and target are valid and show them as data', async () => {
    const s = edgeStatus({ requester: `agent:${'*x*_<!channel>'.repeat(200)}`, state: 'ACTIVE', expiresAt: now(), activeSince: now() });
    for (const view of [denyModal(s, { channel: 'C1' }), extendModal(s, { channel: 'C1' })]) {
      expect(viewProblems(view)).toEqual([]);
      expect(formattingFromUserText(view)).toEqual([]);
      const bob = slack.workspace.requireUser('bob').id;
      await webClient(slack.botToken, slack.apiUrl).views.open({ trigger_id: slack.workspace.issueTrigger(bob), view: view as never });
    }
  });

  test('Slack refuses the request message: the reduced one (essentials, buttons, where to read the rest) is posted instead', async () => {
    slack.failNext('chat.postMessage', { status: 200, error: 'invalid_blocks' });
    const s = edgeStatus();
    const { thread: where } = await notifier.notify({ kind: 'requested', status: s });
    const parent = slack.workspace.message(where!.channel, where!.ts)!;
    expect(text(parent)).toContain('Slack refused the full message (`invalid_blocks`)');
    expect(text(parent)).toContain(`/access status ${s.requestId}`);
    expect((parent.blocks ?? []).some((b) => (b as { type: string }).type === 'actions')).toBe(true);
    expect(requestMessage(s, (x) => x).text).toBe(parent.text);
  });

  test('Slack refuses twice: the notice fails with Slack\'s error, logged at error level, and the requester gets a DM', async () => {
    slack.failNext('chat.postMessage', { status: 200, error: 'invalid_blocks', times: 2 });
    const s = edgeStatus();
    await expect(notifier.notify({ kind: 'requested', status: s })).rejects.toMatchObject({ type: 'slack_invalid_blocks', nonRetryable: true });
    const error = logLines.find((l) => Number(l.level) === 50 && l.requestId === s.requestId);
    expect(error).toMatchObject({ code: 'invalid_blocks', step: 'requested' });
    const carol = slack.workspace.requireUser('carol').id;
    const dm = [...slack.workspace.channels.values()].find((c) => c.kind === 'im' && c.imUser === carol);
    const told = slack.workspace.history(dm!.id).find((m) => m.text.includes(s.requestId) && m.text.includes('could not be posted to its approvers'));
    expect(told?.text).toContain('`invalid_blocks`');
  });
});
