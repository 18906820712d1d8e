import { reducedMessage, requestMessage, SlackNotifier, SlackTransport } from '../../activities/notify';
import { blocksToLines, startLocalSlack, type LocalSlack } from '../../devstack/slack';
import { createLogger } from '../../lib';
import { parseConfig } from '../../policy';
import { statusText } from '../../slack-app';
import type { AccessStatus } from '../../workflows';
import { AMPERSANDS, edgeConfigYaml, edgeStatus, FORGED_APPROVAL, MARKERS } from './edges';
import { SLACK_TEST_SEED } from './stack';

/**
 * Issue 23: when Slack refuses a step's reply (and its reduced form), the request message still
 * loses the buttons that no longer apply; and where the reduced message sends approvers to read
 * the request, they can.
 */
describe('a refused reply never leaves live buttons; the reduced message points somewhere real', () => {
  let slack: LocalSlack;
  let notifier: SlackNotifier;
  const config = parseConfig(edgeConfigYaml({ objects: 3 }), 'refused-reply.yaml');
  const now = () => new Date().toISOString();

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: SLACK_TEST_SEED });
    const logger = createLogger('refused-reply', 'silent');
    notifier = new SlackNotifier({ transport: new SlackTransport({ token: slack.botToken, apiUrl: slack.apiUrl, baseDelayMs: 10, settleMs: 50, logger }), config, logger, attempt: () => 1 });
  });
  afterEach(() => slack.clearFailures());
  afterAll(() => slack.close());

  const buttonsOf = (s: AccessStatus) => (slack.workspace.message(s.thread!.channel, s.thread!.ts)!.blocks ?? [])
    .filter((b) => (b as { type?: string }).type === 'actions')
    .flatMap((b) => ((b as { elements: Array<{ action_id: string }> }).elements).map((e) => e.action_id));

  test('a denial whose reply Slack refuses twice: the notice fails with Slack\'s code, and the parent shows denied without Approve/Deny', async () => {
    let s = edgeStatus({ reason: 'quarterly audit' });
    s = { ...s, thread: (await notifier.notify({ kind: 'requested', status: s })).thread };
    expect(buttonsOf(s)).toEqual(['gatehouse_approve', 'gatehouse_deny']);

    slack.failNext('chat.postMessage', { status: 200, error: 'invalid_blocks', times: 2 });
    const denied: AccessStatus = { ...s, state: 'DENIED', decision: { approved: false, by: 'bob@example.org', at: now(), reason: `${AMPERSANDS}<<<` } };
    await expect(notifier.notify({ kind: 'decided', status: denied })).rejects.toMatchObject({
      type: 'slack_invalid_blocks', nonRetryable: true,
      message: 'Slack refused the decided message (invalid_blocks) and its reduced form (invalid_blocks)',
    });
    expect(buttonsOf(s)).toEqual([]);
    expect(blocksToLines(slack.workspace.message(s.thread!.channel, s.thread!.ts)!.blocks ?? []).join('\n')).toMatch(/Status:\* Denied by/);
  });

  test('a revocation whose reply is refused: "Revoke now" goes away all the same', async () => {
    let s = edgeStatus({ reason: 'on call' });
    s = { ...s, thread: (await notifier.notify({ kind: 'requested', status: s })).thread };
    const active: AccessStatus = { ...s, state: 'ACTIVE', decision: { approved: true, by: 'bob@example.org', at: now() }, expiresAt: now(), activeSince: now(), principal: 'GH_1' };
    await notifier.notify({ kind: 'active', status: active });
    expect(buttonsOf(s)).toEqual(['gatehouse_revoke']);
    slack.failNext('chat.postMessage', { status: 200, error: 'msg_too_long', times: 2 });
    await expect(notifier.notify({ kind: 'revoked', status: { ...active, state: 'REVOKED', revocation: { by: 'carol@example.org', at: now(), reason: 'done' } } }))
      .rejects.toMatchObject({ type: 'slack_msg_too_long' });
    expect(buttonsOf(s)).toEqual([]);
  });

  test('the reduced message names ways to read the request that exist: /access status, gatehouse status, the API path', () => {
    const s = edgeStatus();
    const reduced = reducedMessage(requestMessage(s, (x) => x), s.requestId, 'invalid_blocks');
    const text = blocksToLines(reduced.blocks).join('\n');
    expect(text).toContain(`\`/access status ${s.requestId}\`, \`gatehouse status ${s.requestId}\` or the REST API (\`GET /v1/access-requests/${s.requestId}\`)`);
  });

  test('/access status shows the reason (inert, clipped) so an approver can read what the reduced message left out', () => {
    const who = (x: string) => x;
    const shown = statusText(edgeStatus({ reason: FORGED_APPROVAL, ticket: 'INC-9' }), who);
    expect(shown).toContain('Reason (INC-9): routine check');
    for (const m of MARKERS) expect(shown).not.toContain(m);
    expect(shown).not.toMatch(/https?:\/\//);
    const long = statusText(edgeStatus({ reason: 'x'.repeat(5000) }), who);
    expect(long).toMatch(/Reason \(INC-4411\): x+… \(\d+ more characters\)$/);
    expect(long.length).toBeLessThan(3500);
  });
});
