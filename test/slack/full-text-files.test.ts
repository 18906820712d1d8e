import { fullTextFileName, SlackNotifier, SlackTransport } from '../../activities/notify';
import { ALL_BOT_SCOPES, blocksToLines, startLocalSlack, type LocalSlack } from '../../devstack/slack';
import { createLogger } from '../../lib';
import { parseConfig } from '../../policy';
import { AMPERSANDS, edgeConfigYaml, edgeStatus } from './edges';
import { SLACK_TEST_SEED } from './stack';
import { slackError, webClient } from './support';

/**
 * Issue 23: what a message shows clipped is shared whole in the request's thread as a file (Slack
 * shows a file as written), found again rather than shared twice by a retried activity, and posted
 * as plain-text thread replies where the app may not share files (an install without files:write).
 */
describe('the full text of clipped fields, as a file in the thread', () => {
  let slack: LocalSlack;
  const config = parseConfig(edgeConfigYaml({ objects: 3 }), 'full-text.yaml');
  const logger = createLogger('full-text', 'silent');

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: SLACK_TEST_SEED });
  });
  afterAll(() => slack.close());

  const notifier = (token: string, attempt = 1) =>
    new SlackNotifier({ transport: new SlackTransport({ token, apiUrl: slack.apiUrl, baseDelayMs: 10, settleMs: 20, logger }), config, logger, attempt: () => attempt });
  const replies = (channel: string, ts: string) => slack.workspace.thread(channel, ts).slice(1);

  test('one file per clipped text, named for the request and step; a retried activity finds it and shares nothing twice', async () => {
    const s = edgeStatus({ reason: `${AMPERSANDS} <!channel> *bold*` });
    const { thread } = await notifier(slack.botToken).notify({ kind: 'requested', status: s });
    const shares = replies(thread!.channel, thread!.ts).filter((m) => m.files?.length);
    expect(shares).toHaveLength(1);
    const file = slack.workspace.files.get(shares[0]!.files![0]!.id)!;
    expect(file.name).toBe(fullTextFileName(s.requestId, 'requested', { label: 'Reason', text: '' }));
    expect(file.name).toBe(`${s.requestId}-requested-reason.txt`);
    expect(file.content!.toString('utf8')).toBe(s.reason);
    expect(shares[0]!.text).toBe(`The full reason of ${s.requestId}, as written (a message shows at most 3,000 characters of it).`);

    // The activity retried (attempt 2): the request message and the file are found, not posted again.
    const uploadsBefore = slack.workspace.calls.filter((c) => c.method === 'files.getUploadURLExternal').length;
    await notifier(slack.botToken, 2).notify({ kind: 'requested', status: s });
    expect(slack.workspace.calls.filter((c) => c.method === 'files.getUploadURLExternal').length).toBe(uploadsBefore);
    expect(replies(thread!.channel, thread!.ts).filter((m) => m.files?.length)).toHaveLength(1);
  });

  test('Slack shares the file but its answer is lost (503 after applying): found in the thread, not shared again, no fallback replies', async () => {
    const s = edgeStatus({ reason: AMPERSANDS });
    slack.failNext('files.completeUploadExternal', { status: 503, afterApply: true });
    const { thread } = await notifier(slack.botToken).notify({ kind: 'requested', status: s });
    const shown = replies(thread!.channel, thread!.ts);
    expect(shown.filter((m) => m.files?.length)).toHaveLength(1);
    expect(shown.filter((m) => m.text.startsWith(`The full reason of ${s.requestId}`))).toHaveLength(1);
    expect(slack.workspace.calls.filter((c) => c.method === 'files.completeUploadExternal' && String(c.args.files).includes(shown.find((m) => m.files?.length)!.files![0]!.id)).map((c) => c.injected ?? c.status)).toEqual(['server_error']);
    slack.clearFailures();
  });

  test('an install without files:write: the full text comes as plain-text thread replies instead', async () => {
    const token = slack.workspace.createToken(ALL_BOT_SCOPES.filter((x) => x !== 'files:write'));
    const s = edgeStatus({ reason: AMPERSANDS });
    const { thread } = await notifier(token).notify({ kind: 'requested', status: s });
    const shown = replies(thread!.channel, thread!.ts);
    expect(shown.some((m) => m.files?.length)).toBe(false);
    const parts = shown.filter((m) => m.text.startsWith(`The full reason of ${s.requestId}`));
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.map((m) => blocksToLines(m.blocks ?? []).slice(1).join('')).join('')).toBe(AMPERSANDS);
  });

  test('the local Slack checks an upload as Slack does: scope, announced size, finished once, the bot in the channel', async () => {
    const client = webClient(slack.botToken, slack.apiUrl);
    const noFiles = webClient(slack.workspace.createToken(['chat:write']), slack.apiUrl);
    expect(await slackError(noFiles.files.getUploadURLExternal({ filename: 'x.txt', length: 3 }))).toBe('missing_scope');
    const { upload_url: url, file_id: id } = await client.files.getUploadURLExternal({ filename: 'x.txt', length: 3 });
    const channel = slack.workspace.requireChannel('phi-approvers').id;
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: id! }], channel_id: channel }))).toBe('file_upload_size_mismatch');
    expect((await fetch(url!, { method: 'POST', body: 'abcd' })).status).toBe(200);
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: id! }], channel_id: channel }))).toBe('file_upload_size_mismatch');
    expect((await fetch(url!, { method: 'POST', body: 'abc' })).status).toBe(200);
    const general = slack.workspace.requireChannel('general').id;
    slack.workspace.channels.get(general)!.members.delete(slack.workspace.app.botUserId);
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: id! }], channel_id: general }))).toBe('not_in_channel');
    expect((await client.files.completeUploadExternal({ files: [{ id: id!, title: 'three' }], channel_id: channel, initial_comment: 'here' })).ok).toBe(true);
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: id! }], channel_id: channel }))).toBe('file_not_found');
    expect((await fetch(url!, { method: 'POST', body: 'abc' })).status).toBe(404);
  });
});
