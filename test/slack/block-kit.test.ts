import { messageBlockProblems, optionsProblems, startLocalSlack, viewProblems, type LocalSlack } from '../../devstack/slack';
import { SLACK_TEST_SEED } from './stack';
import { webClient } from './support';

/** The local Slack refuses what real Slack refuses, and answers the way Slack does. */
describe('the local Slack enforces Block Kit', () => {
  let slack: LocalSlack;
  let channel: string;
  beforeAll(async () => {
    slack = await startLocalSlack({ seed: SLACK_TEST_SEED });
    channel = slack.workspace.requireChannel('general').id;
  });
  afterAll(() => slack.close());

  const post = (args: Record<string, unknown>) => fetch(`${slack.apiUrl}chat.postMessage`, {
    method: 'POST', headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ channel, ...args }),
  }).then((r) => r.json() as Promise<Record<string, unknown>>);
  const section = (text: string, type = 'mrkdwn') => ({ type: 'section', text: { type, text } });

  test('a section over 3,000 characters: invalid_blocks with the json-pointer, nothing posted', async () => {
    const before = slack.workspace.history(channel).length;
    const answer = await post({ text: 'x', blocks: [section('ok'), section('a'.repeat(3001))] });
    expect(answer).toMatchObject({
      ok: false, error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/1/text/text]'],
      response_metadata: { messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]'] },
    });
    expect(slack.workspace.history(channel)).toHaveLength(before);
    expect((await post({ text: 'x', blocks: [section('a'.repeat(3000))] })).ok).toBe(true);
  });

  test('the official client sees invalid_blocks as a platform error carrying the problems', async () => {
    const client = webClient(slack.botToken, slack.apiUrl);
    await expect(client.chat.postMessage({ channel, text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'no' } }] as never }))
      .rejects.toMatchObject({ data: { error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] must be plain_text [json-pointer:/blocks/0/text/type]'] } } });
  });

  test.each([
    ['more than 50 blocks', Array.from({ length: 51 }, () => section('x')), '/blocks', 'no more than 50 items allowed'],
    ['an unknown block type', [{ type: 'banner', text: 'x' }], '/blocks/0/type', 'must be one of'],
    ['an empty text', [section('')], '/blocks/0/text/text', 'must be more than 0 characters'],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }], '/blocks/0/fields', 'no more than 10 items allowed'],
    ['a field over 2,000', [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }], '/blocks/0/fields/0/text', 'must be less than 2001 characters'],
    ['a section with neither text nor fields', [{ type: 'section' }], '/blocks/0', 'must provide text or fields'],
    ['a mrkdwn button', [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'mrkdwn', text: 'x' } }] }], '/blocks/0/elements/0/text/type', 'must be plain_text'],
    ['a button text over 75', [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } }] }], '/blocks/0/elements/0/text/text', 'must be less than 76 characters'],
    ['a button value over 2,000', [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', value: 'v'.repeat(2001), text: { type: 'plain_text', text: 'b' } }] }], '/blocks/0/elements/0/value', 'must be less than 2001 characters'],
    ['a style Slack does not know', [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', style: 'green', text: { type: 'plain_text', text: 'b' } }] }], '/blocks/0/elements/0/style', 'must be one of primary, danger'],
    ['26 actions', [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => ({ type: 'button', action_id: `a${i}`, text: { type: 'plain_text', text: 'b' } })) }], '/blocks/0/elements', 'no more than 25 items allowed'],
    ['two buttons with one action_id', [{ type: 'actions', elements: [0, 1].map(() => ({ type: 'button', action_id: 'same', text: { type: 'plain_text', text: 'b' } })) }], '/blocks/0/elements/1/action_id', 'not unique'],
    ['two blocks with one block_id', [{ ...section('a'), block_id: 'b' }, { ...section('c'), block_id: 'b' }], '/blocks/1/block_id', 'not unique'],
    ['11 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }], '/blocks/0/elements', 'no more than 10 items allowed'],
    ['emoji on mrkdwn', [{ type: 'section', text: { type: 'mrkdwn', text: 'x', emoji: true } }], '/blocks/0/text/emoji', 'only allowed on plain_text'],
    ['verbatim on plain_text', [{ type: 'section', text: { type: 'plain_text', text: 'x', verbatim: true } }], '/blocks/0/text/verbatim', 'only allowed on mrkdwn'],
    ['a header over 150', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], '/blocks/0/text/text', 'must be less than 151 characters'],
  ])('%s', (_name, blocks, pointer, what) => {
    const problems = messageBlockProblems(blocks);
    expect(problems.some((p) => p.includes(what) && p.endsWith(`[json-pointer:${pointer}]`))).toBe(true);
  });

  test('top-level text over 40,000 characters: msg_too_long', async () => {
    expect(await post({ text: 't'.repeat(40_001) })).toEqual({ ok: false, error: 'msg_too_long' });
    expect((await post({ text: 't'.repeat(40_000) })).ok).toBe(true);
  });

  test('chat.update and chat.postEphemeral are checked the same way', async () => {
    const posted = await post({ text: 'x' });
    const update = await fetch(`${slack.apiUrl}chat.update`, {
      method: 'POST', headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel, ts: posted.ts, text: 'y', blocks: [section('z'.repeat(3001))] }),
    }).then((r) => r.json());
    expect(update).toMatchObject({ ok: false, error: 'invalid_blocks' });
    const client = webClient(slack.botToken, slack.apiUrl);
    const user = slack.workspace.requireUser('alice').id;
    await expect(client.chat.postEphemeral({ channel, user, text: 'x', blocks: [section('')] as never })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
  });

  test('views.open: invalid_arguments with the json-pointer (title over 24, static select over 100 options, option text over 75)', async () => {
    const client = webClient(slack.botToken, slack.apiUrl);
    const user = slack.workspace.requireUser('alice').id;
    const modal = (over: Record<string, unknown>) => ({ type: 'modal', title: { type: 'plain_text', text: 'Title' }, submit: { type: 'plain_text', text: 'Go' }, blocks: [], ...over });
    await expect(client.views.open({ trigger_id: slack.workspace.issueTrigger(user), view: modal({ title: { type: 'plain_text', text: 't'.repeat(25) } }) as never }))
      .rejects.toMatchObject({ data: { error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] } } });
    const select = (options: unknown[]) => ({ type: 'input', block_id: 't', label: { type: 'plain_text', text: 'T' }, element: { type: 'static_select', action_id: 'v', options } });
    const option = (text: string, i: number) => ({ text: { type: 'plain_text', text }, value: `v${i}` });
    expect(viewProblems(modal({ blocks: [select(Array.from({ length: 101 }, (_, i) => option('o', i)))] }))).toEqual(['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks/0/element/options]']);
    expect(viewProblems(modal({ blocks: [select([option('o'.repeat(76), 0)])] }))).toEqual(['[ERROR] must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]']);
    expect(viewProblems(modal({ submit: undefined, blocks: [select([option('o', 0)])] }))).toEqual(['[ERROR] submit is required when the view has input blocks [json-pointer:/view]']);
    expect(optionsProblems({ options: Array.from({ length: 101 }, (_, i) => option('o', i)) })).toEqual(['[ERROR] no more than 100 items allowed [json-pointer:/options]']);
  });

  test('a refusal can be injected (status 200 with an error): nothing happens, Slack says why', async () => {
    slack.failNext('chat.postMessage', { status: 200, error: 'invalid_blocks' });
    const before = slack.workspace.history(channel).length;
    expect(await post({ text: 'fine' })).toEqual({ ok: false, error: 'invalid_blocks' });
    expect(slack.workspace.history(channel)).toHaveLength(before);
    expect(() => slack.failNext('chat.postMessage', { status: 200 })).toThrow(/needs the error/);
  });
});
