import { startLocalSlackProcess } from '../../devstack/slack';
import { webClient } from './support';

describe('the local Slack as its own process', () => {
  test('starts, answers the official client, takes failure injection over HTTP, stops', async () => {
    const slack = await startLocalSlackProcess();
    try {
      expect(slack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = webClient(slack.botToken, slack.apiUrl);
      expect((await client.auth.test()).user).toBe('gatehouse');
      const general = (await (await fetch(slack.url)).json()) as { channels: Array<{ id: string; name: string }> };
      const channel = general.channels.find((c) => c.name === 'general')?.id as string;

      const inject = await fetch(`${slack.url}/_local/failures`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'chat.postMessage', status: 429, retryAfterSec: 4 }),
      });
      expect(await inject.json()).toEqual({ ok: true });
      await expect(client.chat.postMessage({ channel, text: 'x' })).rejects.toMatchObject({ retryAfter: 4 });
      await client.chat.postMessage({ channel, text: 'hello from another process' });
      expect(await (await fetch(`${slack.url}/channels/general`)).text()).toContain('@gatehouse: hello from another process');

      const bad = await fetch(`${slack.url}/_local/failures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'chat.scheduleMessage', status: 500 }) });
      expect(bad.status).toBe(400);
    } finally {
      await slack.stop();
    }
    expect(slack.process.child.exitCode !== null || slack.process.child.signalCode !== null).toBe(true);
  });
});
