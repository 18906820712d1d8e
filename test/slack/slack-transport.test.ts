import { Writable } from 'node:stream';
import pino from 'pino';
import { SlackTransport, SlackTransportError, type SlackTransportOptions } from '../../activities/notify';
import { DEMO_SEED, startLocalSlack, type LocalSlack } from '../../devstack/slack';

describe('SlackTransport: retries without duplicates, against the local Slack', () => {
  let slack: LocalSlack;
  let channel: string;
  let alice: string;
  let logLines: string[];
  let waits: number[];

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: DEMO_SEED });
    channel = slack.workspace.requireChannel('phi-approvers').id;
    alice = slack.workspace.requireUser('alice').id;
  });
  beforeEach(() => {
    logLines = [];
    waits = [];
  });
  afterEach(() => slack.clearFailures());
  afterAll(() => slack.close());

  /** A transport whose waits are recorded (and skipped) so Retry-After is checked without sleeping. */
  function transport(extra: Partial<SlackTransportOptions> = {}): SlackTransport {
    const sink = new Writable({ write: (chunk, _enc, done) => { logLines.push(String(chunk)); done(); } });
    return new SlackTransport({
      token: slack.botToken, apiUrl: slack.apiUrl, baseDelayMs: 10, logger: pino({ level: 'debug' }, sink),
      sleep: async (ms) => { waits.push(ms); },
      ...extra,
    });
  }
  const countWithKey = (key: string, where = channel) =>
    slack.workspace.allMessages(where).filter((m) => m.metadata?.event_payload.idempotency_key === key).length;

  test('429 twice, then success: waits as Retry-After says and posts exactly one message', async () => {
    slack.failNext('chat.postMessage', { status: 429, times: 2, retryAfterSec: 2 });
    const posted = await transport().postMessage({ channel, text: 'Access request REQ-429', idempotencyKey: 'REQ-429:request' });
    expect(posted).toMatchObject({ channel, deduplicated: false, attempts: 3 });
    expect(waits).toEqual([2000, 2000]);
    expect(countWithKey('REQ-429:request')).toBe(1);
    // A 429 is known not to have been applied: no read-back was needed.
    expect(slack.workspace.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(0);
  });

  test('429 with a real wait: honours Retry-After on the clock', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const started = Date.now();
    const posted = await new SlackTransport({ token: slack.botToken, apiUrl: slack.apiUrl, logger: pino({ level: 'silent' }) })
      .postMessage({ channel, text: 'slow', idempotencyKey: 'REQ-SLOW:request' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(posted.attempts).toBe(2);
    expect(countWithKey('REQ-SLOW:request')).toBe(1);
  });

  test('500 that did nothing, then success: one message', async () => {
    slack.failNext('chat.postMessage', { status: 500 });
    const posted = await transport().postMessage({ channel, text: 'Access request REQ-500', idempotencyKey: 'REQ-500:request' });
    expect(posted).toMatchObject({ deduplicated: false, attempts: 2 });
    expect(countWithKey('REQ-500:request')).toBe(1);
    // One backoff, then the settle wait before the duplicate check (the outcome of attempt 1 was unknown).
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBe(2000);
  });

  test('500 after Slack applied the post: the read-back finds it and nothing is posted again', async () => {
    slack.failNext('chat.postMessage', { status: 500, afterApply: true });
    const posted = await transport().postMessage({ channel, text: 'Access request REQ-LOST', idempotencyKey: 'REQ-LOST:request', metadata: { request_id: 'REQ-LOST' } });
    expect(posted.deduplicated).toBe(true);
    expect(countWithKey('REQ-LOST:request')).toBe(1);
    const stored = slack.workspace.message(channel, posted.ts);
    expect(stored?.metadata).toEqual({ event_type: 'gatehouse_notice', event_payload: { request_id: 'REQ-LOST', idempotency_key: 'REQ-LOST:request' } });
    expect(slack.workspace.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel && String(c.args.metadata).includes('REQ-LOST'))).toHaveLength(1);
  });

  test('in a thread, an applied-but-failed reply is found with conversations.replies', async () => {
    const t = transport();
    const parent = await t.postMessage({ channel, text: 'Access request REQ-T', idempotencyKey: 'REQ-T:request' });
    slack.failNext('chat.postMessage', { status: 503, afterApply: true, times: 1 });
    const reply = await t.postMessage({ channel, threadTs: parent.ts, text: 'Approved by bob', idempotencyKey: 'REQ-T:approved' });
    expect(reply.deduplicated).toBe(true);
    expect(slack.workspace.thread(channel, parent.ts).map((m) => m.text)).toEqual(['Access request REQ-T', 'Approved by bob']);
    expect(slack.workspace.calls.some((c) => c.method === 'conversations.replies')).toBe(true);
  });

  test('a slow attempt that lands after the retry posted: the later copy is deleted, the earliest kept', async () => {
    // Attempt 1 answers 500 at once but Slack applies it 150 ms later; the read-back before the
    // retry finds nothing, the retry posts, and the late copy lands during the settle wait.
    slack.failNext('chat.postMessage', { status: 500, applyAfterMs: 150 });
    const t = new SlackTransport({ token: slack.botToken, apiUrl: slack.apiUrl, baseDelayMs: 10, settleMs: 400, logger: pino({ level: 'silent' }) });
    const posted = await t.postMessage({ channel, text: 'Access request REQ-SLOW2', idempotencyKey: 'REQ-SLOW2:request' });
    expect(countWithKey('REQ-SLOW2:request')).toBe(1);
    const [kept] = slack.workspace.allMessages(channel).filter((m) => m.metadata?.event_payload.idempotency_key === 'REQ-SLOW2:request');
    expect(posted.ts).toBe(kept?.ts);
    expect(slack.workspace.deletions.filter((d) => d.text === 'Access request REQ-SLOW2')).toHaveLength(1);
    expect(slack.workspace.calls.filter((c) => c.method === 'chat.delete' && c.ok)).toHaveLength(1);
  });

  test('an activity retry (mayAlreadyExist) finds the message an earlier attempt posted', async () => {
    const first = await transport().postMessage({ channel, text: 'Credential issued', idempotencyKey: 'REQ-R:issued' });
    const again = await transport().postMessage({ channel, text: 'Credential issued', idempotencyKey: 'REQ-R:issued', mayAlreadyExist: true });
    expect(again).toMatchObject({ ts: first.ts, deduplicated: true, attempts: 0 });
    expect(countWithKey('REQ-R:issued')).toBe(1);
    const fresh = await transport().postMessage({ channel, text: 'Session started', idempotencyKey: 'REQ-R:session', mayAlreadyExist: true });
    expect(fresh.deduplicated).toBe(false);
    expect(countWithKey('REQ-R:session')).toBe(1);
  });

  test('a rate-limited read-back is itself retried', async () => {
    slack.failNext('chat.postMessage', { status: 500, afterApply: true });
    slack.failNext('conversations.history', { status: 429, retryAfterSec: 1 });
    const posted = await transport().postMessage({ channel, text: 'x', idempotencyKey: 'REQ-RB:request' });
    expect(posted.deduplicated).toBe(true);
    expect(waits).toContain(1000);
    expect(countWithKey('REQ-RB:request')).toBe(1);
  });

  test('still failing after maxAttempts: a retryable error, and the next activity attempt does not duplicate', async () => {
    // Attempt 1 fails cleanly; the read-back finds nothing; attempt 2 is applied but its answer is lost.
    slack.failNext('chat.postMessage', { status: 500 });
    slack.failNext('chat.postMessage', { status: 502, afterApply: true });
    const t = transport({ maxAttempts: 2 });
    const error = await t.postMessage({ channel, text: 'y', idempotencyKey: 'REQ-X:request' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackTransportError);
    expect(error).toMatchObject({ method: 'chat.postMessage', code: 'outcome_unknown', retryable: true, attempts: 2 });
    expect(countWithKey('REQ-X:request')).toBe(1);
    slack.clearFailures();
    const retried = await t.postMessage({ channel, text: 'y', idempotencyKey: 'REQ-X:request', mayAlreadyExist: true });
    expect(retried.deduplicated).toBe(true);
    expect(countWithKey('REQ-X:request')).toBe(1);
  });

  test('Slack errors that will not change are thrown at once, not retried', async () => {
    const error = await transport().postMessage({ channel: 'C000NOPE', text: 'z', idempotencyKey: 'REQ-N:request' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SlackTransportError', code: 'channel_not_found', retryable: false, attempts: 1 });
    expect(waits).toEqual([]);
    const badToken = new SlackTransport({ token: 'xoxb-wrong', apiUrl: slack.apiUrl, logger: pino({ level: 'silent' }) });
    await expect(badToken.update({ channel, ts: '1.000001', text: 'x' })).rejects.toMatchObject({ code: 'invalid_auth', retryable: false });
  });

  test('a Retry-After longer than maxDelayMs is handed to the caller instead of slept through', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 120 });
    const error = await transport({ maxDelayMs: 30_000 }).postMessage({ channel, text: 'w', idempotencyKey: 'REQ-W:request' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 120_000 });
    expect(waits).toEqual([]);
    expect(countWithKey('REQ-W:request')).toBe(0);
  });

  test('update is retried through 429 and 500 (it is idempotent)', async () => {
    const t = transport();
    const posted = await t.postMessage({ channel, text: 'pending', idempotencyKey: 'REQ-U:request', blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'approve' }] }] });
    slack.failNext('chat.update', { status: 429, retryAfterSec: 1 });
    slack.failNext('chat.update', { status: 500, afterApply: true });
    const updated = await t.update({ channel, ts: posted.ts, text: 'approved' });
    expect(updated).toEqual({ channel, ts: posted.ts });
    expect(slack.workspace.message(channel, posted.ts)).toMatchObject({ text: 'approved', blocks: [] });
    expect(slack.workspace.history(channel).filter((m) => m.text === 'approved')).toHaveLength(1);
  });

  test('postEphemeral is retried through 429; with retryUncertainEphemeral off a 5xx is not retried', async () => {
    const general = slack.workspace.requireChannel('general').id;
    slack.failNext('chat.postEphemeral', { status: 429, retryAfterSec: 1 });
    const before = slack.workspace.ephemerals.length;
    const note = await transport().postEphemeral({ channel: general, user: alice, text: 'That request is closed.' });
    expect(note.messageTs).toMatch(/^\d+\.\d{6}$/);
    expect(slack.workspace.ephemerals.length).toBe(before + 1);

    slack.failNext('chat.postEphemeral', { status: 500, afterApply: true });
    await expect(transport({ retryUncertainEphemeral: false }).postEphemeral({ channel: general, user: alice, text: 'once' }))
      .rejects.toMatchObject({ code: 'outcome_unknown', retryable: false });
    expect(slack.workspace.ephemerals.filter((e) => e.text === 'once')).toHaveLength(1);
  });

  test('errors say what to do next', async () => {
    const narrow = new SlackTransport({ token: slack.workspace.createToken(['users:read']), apiUrl: slack.apiUrl, logger: pino({ level: 'silent' }) });
    const error = (await narrow.postMessage({ channel, text: 'x', idempotencyKey: 'REQ-S:request' }).catch((e: unknown) => e)) as SlackTransportError;
    expect(error).toMatchObject({ code: 'missing_scope', neededScope: 'chat:write', retryable: false });
    expect(error.message).toBe('Slack chat.postMessage failed: missing_scope (needs chat:write) after 1 attempt(s); add the scope to the Slack app and reinstall it');
  });

  test('a DM addressed by user id is deduplicated through the DM channel', async () => {
    slack.failNext('chat.postMessage', { status: 500, afterApply: true });
    const posted = await transport().postMessage({ channel: alice, text: 'Your request REQ-D is waiting', idempotencyKey: 'REQ-D:dm' });
    expect(posted.deduplicated).toBe(true);
    const dm = slack.workspace.openIm(alice).channel.id;
    expect(countWithKey('REQ-D:dm', dm)).toBe(1);
  });

  test('openDm and permalink', async () => {
    const t = transport();
    const dm = await t.openDm(alice);
    expect(dm).toMatch(/^D/);
    const posted = await t.postMessage({ channel: dm, text: 'Your request is waiting for approval', idempotencyKey: 'REQ-DM:dm' });
    expect(await t.permalink(dm, posted.ts)).toContain(`/archives/${dm}/p`);
  });

  test('the token never reaches the log', async () => {
    slack.failNext('chat.postMessage', { status: 500, afterApply: true });
    await transport().postMessage({ channel, text: 'log check', idempotencyKey: 'REQ-LOG:request' });
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(slack.botToken);
  });
});
