import { DEMO_SEED, startLocalSlack, type LocalSlack } from '../../devstack/slack';
import { slackError, webClient } from './support';
import { eventually } from '../support/eventually';

describe('local Slack failure injection', () => {
  let slack: LocalSlack;
  let channel: string;

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: DEMO_SEED });
    channel = slack.workspace.requireChannel('general').id;
  });
  afterEach(() => slack.clearFailures());
  afterAll(() => slack.close());

  const post = (text: string) =>
    fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel, text }),
    });

  test('the next N calls answer 429 with Retry-After and do nothing; then the method works again', async () => {
    slack.failNext('chat.postMessage', { status: 429, times: 2, retryAfterSec: 7 });
    const first = await post('one');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(await first.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect((await post('two')).status).toBe(429);
    const third = await post('three');
    expect(third.status).toBe(200);
    expect(slack.workspace.history(channel).map((m) => m.text)).toEqual(['three']);
    expect(slack.workspace.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.injected ?? c.status)).toEqual(['rate_limited', 'rate_limited', 200]);
  });

  test('the official client sees a 429 as a rate-limited error carrying retryAfter', async () => {
    slack.failNext('users.info', { status: 429, retryAfterSec: 3 });
    const client = webClient(slack.botToken, slack.apiUrl);
    const alice = slack.workspace.requireUser('alice').id;
    await expect(client.users.info({ user: alice })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 3 });
    expect((await client.users.info({ user: alice })).user?.name).toBe('alice');
  });

  test('a 500 by default has no effect; afterApply does the work and still answers 500', async () => {
    const client = webClient(slack.botToken, slack.apiUrl);
    slack.failNext('chat.postMessage', { status: 500 });
    expect(await slackError(client.chat.postMessage({ channel, text: 'lost' }))).toBe('slack_webapi_http_error');
    slack.failNext('chat.postMessage', { status: 503, afterApply: true });
    await expect(client.chat.postMessage({ channel, text: 'applied' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    const texts = slack.workspace.history(channel).map((m) => m.text);
    expect(texts).toContain('applied');
    expect(texts).not.toContain('lost');
  });

  test('applyAfterMs answers 5xx at once and applies the call later', async () => {
    const client = webClient(slack.botToken, slack.apiUrl);
    slack.failNext('chat.postMessage', { status: 502, applyAfterMs: 100 });
    await expect(client.chat.postMessage({ channel, text: 'late' })).rejects.toMatchObject({ statusCode: 502 });
    expect(slack.workspace.history(channel).map((m) => m.text)).not.toContain('late');
    await eventually(() => slack.workspace.history(channel).some((m) => m.text === 'late'), 'the late post to be applied');
  });

  test('failures are per method and queue in order', async () => {
    slack.failNext('chat.update', { status: 500 });
    slack.failNext('chat.update', { status: 429, retryAfterSec: 1 });
    const client = webClient(slack.botToken, slack.apiUrl);
    const posted = await client.chat.postMessage({ channel, text: 'x' });
    await expect(client.chat.update({ channel, ts: posted.ts as string, text: 'y' })).rejects.toMatchObject({ statusCode: 500 });
    await expect(client.chat.update({ channel, ts: posted.ts as string, text: 'y' })).rejects.toMatchObject({ retryAfter: 1 });
    expect((await client.chat.update({ channel, ts: posted.ts as string, text: 'y' })).ok).toBe(true);
  });

  test('matching: only calls with an argument containing the text fail; the others pass and leave the failure queued', async () => {
    slack.failNext('chat.postMessage', { status: 200, error: 'invalid_blocks', matching: 'the one' });
    expect((await post('another post')).status).toBe(200);
    expect(await (await post('the one to refuse')).json()).toEqual({ ok: false, error: 'invalid_blocks' });
    expect(await (await post('the one again')).json()).toMatchObject({ ok: true });
    expect(slack.workspace.history(channel).map((m) => m.text)).toEqual(expect.arrayContaining(['another post', 'the one again']));
    expect(slack.workspace.history(channel).map((m) => m.text)).not.toContain('the one to refuse');
  });

  test('injecting for a method the local Slack lacks is a clear error', () => {
    expect(() => slack.failNext('chat.scheduleMessage', { status: 500 })).toThrow(/does not implement chat\.scheduleMessage/);
  });
});
