import {
  activeReply, commandDecidedReply, issuedReply, commandMessage, decidedReply, extensionMessage, failedReply, fullTextMessages, requestMessage, revokedReply, sessionReply,
  targetFacts, type SlackMessageContent,
} from '../../activities/notify';
import { messageBlockProblems, viewProblems } from '../../devstack/slack';
import { clip, subjectName } from '../../lib/slack';
import { parseConfig, type TargetConfig } from '../../policy';
import { denyModal, extendModal, requestModal, statusText } from '../../slack-app';
import {
  AMPERSANDS, BACKTICK_TOOL, edgeConfigYaml, edgeStatus, FORGED_APPROVAL, formattingFromUserText, heldCommand, hostileText, MARKERS, random, textObjects,
} from './edges';

/** People's and agents' words in every message Gatehouse builds: always valid Block Kit, never formatting. */

const mention = (subject: string) => (subject.includes('@') && !subject.includes(':') ? '<@U0L0C000004>' : subjectName(subject));
const now = () => new Date().toISOString();
const config = parseConfig(edgeConfigYaml({ objects: 3, extraTargets: 0 }), 'user-text.yaml');

/** Every message and view a request can produce, with the user-controlled parts set from `t()`. */
function everything(t: () => string): Array<{ name: string; content: SlackMessageContent | Record<string, unknown>; view?: boolean }> {
  const s = edgeStatus({ reason: t(), ticket: t().slice(0, 64) || undefined, requester: `agent:${t()}`, origin: 'api' });
  const facts = { description: t(), scope: t(), risk: t() };
  const decided = { ...s, state: 'DENIED' as const, decision: { approved: false, by: `agent:${t()}`, at: now(), reason: t() } };
  const active = { ...s, state: 'ACTIVE' as const, decision: { approved: true, by: 'bob@example.org', at: now() }, principal: t(), expiresAt: now(), activeSince: now() };
  const command = heldCommand({ tool: t(), summary: t(), classes: [t(), t()] });
  const decidedCommand = { ...command, outcome: 'denied' as const, decidedBy: t(), reason: t() };
  const extension = { requestedBy: 'carol@example.org', requestedAt: now(), durationMs: 1000, reason: t(), outcome: 'pending' as const };
  const revoked = { ...active, state: 'REVOKED' as const, revocation: { by: t(), at: now(), reason: t() } };
  const failed = { ...s, state: 'FAILED' as const, failure: t() };
  const target = { ...config.targets[0]!, name: 'clinical', description: t() } as TargetConfig;
  const out: Array<{ name: string; content: SlackMessageContent | Record<string, unknown>; view?: boolean }> = [
    { name: 'request', content: requestMessage(s, mention, facts) },
    { name: 'request (denied)', content: requestMessage(decided, mention, targetFacts(target)) },
    { name: 'decided', content: decidedReply(decided, mention) },
    { name: 'active', content: activeReply(active, mention) },
    { name: 'issued', content: issuedReply(active) },
    { name: 'issued (no credential)', content: issuedReply({ ...active, principal: `grant:${t()}` }) },
    { name: 'session', content: sessionReply(active, t(), mention) },
    { name: 'command held', content: commandMessage(active, command, mention) },
    { name: 'command decided', content: commandMessage(active, decidedCommand, mention) },
    { name: 'command decided reply', content: commandDecidedReply(decidedCommand, mention) },
    { name: 'extension', content: extensionMessage(active, 0, extension, mention) },
    { name: 'revoked', content: revokedReply(revoked, mention) },
    { name: 'failed', content: failedReply(failed) },
    { name: 'deny modal', content: denyModal(s, { channel: 'C1' }), view: true },
    { name: 'extend modal', content: extendModal(active, { channel: 'C1' }), view: true },
    { name: 'request modal', content: requestModal([target], config, { channel: 'C1' }), view: true },
  ];
  for (const message of [...out]) {
    for (const full of (message.content as SlackMessageContent).full ?? []) {
      for (const [i, part] of fullTextMessages(s.requestId, full).entries()) out.push({ name: `${message.name}: full ${full.label} ${i}`, content: part });
    }
  }
  return out;
}

test('property: 40 seeds of random hostile text, every message and modal valid for Slack and free of user formatting', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    for (const { name, content, view } of everything(() => hostileText(next))) {
      const where = `seed ${seed}, ${name}`;
      const problems = view ? viewProblems(content as Record<string, unknown>) : messageBlockProblems((content as SlackMessageContent).blocks);
      expect({ where, problems }).toEqual({ where, problems: [] });
      if (!view) expect((content as SlackMessageContent).text.length).toBeLessThanOrEqual(40_000);
      expect({ where, formatting: formattingFromUserText(view ? { blocks: (content as { blocks: unknown[] }).blocks } : content) }).toEqual({ where, formatting: [] });
    }
  }
});

test('clip: escapes first, cuts between whole graphemes, counts what it left out', () => {
  expect(clip(AMPERSANDS, 3000)).toEqual({ text: `${'&amp;'.repeat(595)}… (405 more characters)`, omitted: 405 });
  expect(clip('short & fine', 3000)).toEqual({ text: 'short &amp; fine', omitted: 0 });
  for (let max = 30; max < 80; max++) {
    const { text } = clip(`ab${'👩‍⚕️🇺🇸'.repeat(20)}`, max);
    expect(text.length).toBeLessThanOrEqual(max);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(text.replace(/… \(\d+ more characters\)$/, '')).toMatch(/^ab(👩‍⚕️|🇺🇸)*$/u);
  }
});

test('plain_text carries user words as written; mrkdwn escapes them; lengths fit however Slack counts', () => {
  // https://docs.slack.dev/messaging/formatting-message-text#escaping: & < > are escaped where they
  // would be parsed (mrkdwn); plain_text is not parsed, so an entity there would be shown as typed.
  const message = requestMessage(edgeStatus({ reason: 'fish & chips <3 >_<', target: 'a&b' }), mention);
  const texts = textObjects(message.blocks);
  expect(texts.find((t) => t.type === 'plain_text' && t.text.includes('fish'))?.text).toBe('fish & chips <3 >_<');
  for (const t of texts.filter((x) => x.type === 'mrkdwn')) expect(t.text).not.toMatch(/&(?!amp;|lt;|gt;)|<(?![@#!]|https?:)/);
  expect(texts.filter((t) => t.type === 'mrkdwn').map((t) => t.text).join('')).toContain('a&amp;b');
  // 1,000 `&`: clipped so that even escaped (as Slack stores plain_text) the section holds 3,000.
  const clipped = requestMessage(edgeStatus({ reason: AMPERSANDS }), mention);
  const reason = textObjects(clipped.blocks).find((t) => t.type === 'plain_text' && t.text.startsWith('&'))!;
  expect(reason.text).toMatch(/^&{595}… \(405 more characters\)$/);
  expect(messageBlockProblems(clipped.blocks)).toEqual([]);
  // The local Slack counts plain_text as Slack stores it: 3,000 raw `&` is refused.
  expect(messageBlockProblems([{ type: 'section', text: { type: 'plain_text', text: '&'.repeat(3000) } }])).toEqual([
    '[ERROR] must be less than 3001 characters (plain_text counted as Slack stores it, & < > escaped) [json-pointer:/blocks/0/text/text]',
  ]);
});

describe('injection: the approver\'s message shows user text as data', () => {
  const s = edgeStatus({ reason: FORGED_APPROVAL, origin: 'api', requester: 'agent:ci-bot' });
  const active = { ...s, state: 'ACTIVE' as const, decision: { approved: true, by: 'bob@example.org', at: now() }, expiresAt: now(), activeSince: now() };

  test('a forged "Approved by" reason: no bold, no emoji, no link, and the only decision line is Gatehouse\'s', () => {
    const message = requestMessage(s, mention, { scope: '<!channel> https://evil.example/scope' });
    expect(formattingFromUserText(message)).toEqual([]);
    const texts = textObjects(message.blocks);
    const reason = texts.find((t) => t.text.includes('routine check'))!;
    expect(reason).toMatchObject({ type: 'plain_text', emoji: false });
    expect(reason.text).toContain('https[:]//evil.example/login');
    // No mrkdwn anywhere carries the forged line; nothing in the message says Approved while it is pending.
    for (const t of texts.filter((x) => x.type === 'mrkdwn')) expect(t.text).not.toMatch(/Approved|white_check_mark|evil/);
    expect(message.text).not.toMatch(/Approved|evil|routine/);
    // Once decided, Gatehouse's line is mrkdwn with a real mention and an emoji; user text never is.
    const decided = decidedReply(active, mention);
    expect(textObjects(decided.blocks)).toEqual([{ path: '/0/text', type: 'mrkdwn', text: ':white_check_mark: Approved by <@U0L0C000004>.', verbatim: true, emoji: undefined }]);
  });

  test('a tool name with backticks and <!channel>: stays inside its code, mentions nobody, not in the top-level text', () => {
    const message = commandMessage(active, heldCommand({ tool: BACKTICK_TOOL, summary: 'SELECT 1 -- <!channel> ``` *APPROVED* ```' }), mention);
    expect(formattingFromUserText(message)).toEqual([]);
    const head = textObjects(message.blocks)[0]!.text;
    expect(head.match(/`/g)).toHaveLength(2); // the one pair of Gatehouse's inline code, nothing else
    expect(head).not.toContain('<!channel>');
    expect(head.replace(/`[^`]*`/g, '')).not.toContain('*APPROVED*'); // inside inline code nothing formats
    const code = textObjects(message.blocks)[1]!.text;
    expect(code.startsWith('```\n') && code.endsWith('\n```')).toBe(true);
    expect(code.slice(4, -4)).not.toContain('```');
    expect(code).toContain('&lt;!channel&gt;');
    expect(message.text).toBe(`Held command cmd_edge0001 on ${active.requestId}: pending`);
  });

  test('/access status shows a hostile target and reason inert', () => {
    const shown = statusText({ ...s, target: '*x* <!here> :tada:', state: 'DENIED', decision: { approved: false, by: 'bob@example.org', at: now(), reason: MARKERS.join(' ') } }, mention);
    for (const m of MARKERS) expect(shown).not.toContain(m);
  });
});

test("a target without credentials is not told a key was minted: the reply says no credential was needed", () => {
  const base = edgeStatus({ reason: 'check', origin: 'api' });
  const minted = issuedReply({ ...base, principal: 'GH_REQ_ABC' });
  const none = issuedReply({ ...base, principal: `grant:${base.requestId}` });
  expect(minted.text).toContain('Only the gateway holds its key');
  expect(none.text).toContain('needs no credential, so none was minted');
  expect(none.text).not.toContain('holds its key');
});
