import { createConnection, createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SlackTransport } from '../../activities/notify';
import { DEMO_SEED, startLocalSlack, type LocalSlack } from '../../devstack/slack';

/**
 * The worker's Slack calls reuse one connection to the local Slack, as they do to slack.com. The
 * local Slack used to announce `Keep-Alive: timeout=1`; the fetch client (undici) stops reusing a
 * socket 2 s before the announced timeout, so every call opened a new TCP connection: the grants
 * bench measured a connect and a close per Slack call that production does not pay.
 */
describe('local Slack: keep-alive connections for the worker', () => {
  let slack: LocalSlack;
  let proxy: Server;
  let accepted = 0;

  beforeAll(async () => {
    slack = await startLocalSlack({ seed: DEMO_SEED });
    const target = new URL(slack.apiUrl);
    // Counts the TCP connections the client opens, passing the bytes through unchanged.
    proxy = createServer((client) => {
      accepted += 1;
      const upstream = createConnection(Number(target.port), target.hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
    await slack.close();
  });

  test('five calls in a row, a moment apart, go over one connection', async () => {
    const { port } = proxy.address() as AddressInfo;
    const apiUrl = slack.apiUrl.replace(/:\d+/, `:${port}`);
    const transport = new SlackTransport({ token: slack.botToken, apiUrl });
    const channel = slack.workspace.requireChannel('phi-approvers').id;
    const posted = await transport.postMessage({ channel, text: 'Access request REQ-KEEP', idempotencyKey: 'REQ-KEEP:request' });
    for (let i = 0; i < 4; i++) {
      // as notices come: a reply, then the parent's refresh, with the workflow's work in between
      await new Promise((resolve) => setTimeout(resolve, 200));
      await transport.update({ channel, ts: posted.ts, text: `Access request REQ-KEEP (${i})` });
    }
    expect(accepted).toBe(1);
  });
});
