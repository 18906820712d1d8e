// Optional TLS on the Slack app's HTTP receiver (SLACK_APP_TLS_CERT_FILE / _KEY_FILE), for
// deployments without a TLS-terminating load balancer: a signed slash command over HTTPS reaches
// Bolt and starts a request; a forged one is refused; plain HTTP is not served.
import { request } from 'node:https';
import { signSlackRequest } from '../../devstack/slack';
import { listenerTls, MissingSecretError } from '../../lib';
import { slackAppSettings } from '../../slack-app';
import { eventually } from '../support/eventually';
import { certificateAuthority, writePems, type Authority } from '../temporal/certificates';
import { SIGNING_SECRET, startSlackStack, type SlackStack } from './stack';

interface Answer { status?: number; hsts?: string; body: string }

function post(url: string, ca: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, hsts: res.headers['strict-transport-security'] as string | undefined, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the Slack app\'s receiver over TLS', () => {
  let ca: Authority;
  let stack: SlackStack;

  beforeAll(async () => {
    ca = await certificateAuthority('Gatehouse Test Slack CA');
    const server = await ca.issue({ name: 'slack-app', ips: ['127.0.0.1'], usage: 'server' });
    const files = writePems({ 'slack.pem': server.cert, 'slack.key': server.key });
    stack = await startSlackStack({ tls: listenerTls('SLACK_APP_TLS', files['slack.pem'], files['slack.key']) });
  });
  afterAll(async () => { await stack?.close(); });

  /** `/access <text>` typed by a person, as Slack sends it: form-encoded, signed with the signing secret. */
  function slashCommand(user: string, text: string): { body: string; answers: () => string[] } {
    const ws = stack.slack.workspace;
    const person = ws.requireUser(user);
    const channel = ws.requireChannel('general');
    const responseUrl = ws.issueResponseUrl('command', channel.id, person.id);
    const body = new URLSearchParams({
      token: 'local-verification-token', team_id: ws.team.id, team_domain: ws.team.domain, channel_id: channel.id, channel_name: channel.name,
      user_id: person.id, user_name: person.name, command: '/access', text, api_app_id: ws.app.id, is_enterprise_install: 'false',
      response_url: responseUrl, trigger_id: ws.issueTrigger(person.id),
    }).toString();
    // What the app told the person through the command's response_url.
    return { body, answers: () => ws.responses.filter((r) => r.url === responseUrl).map((r) => JSON.stringify(r.body)) };
  }

  test('a signed slash command over HTTPS reaches Bolt and starts the request; every answer carries HSTS', async () => {
    expect(stack.app.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/slack\/events$/);
    const reason = `tls receiver check ${Date.now()}`;
    const { body, answers } = slashCommand('carol', `clinical 30s ${reason}`);
    const answer = await post(stack.app.url!, ca.cert, body, { ...signSlackRequest(SIGNING_SECRET, body) });
    expect(answer).toMatchObject({ status: 200, hsts: 'max-age=31536000' });
    const requestId = await eventually(() => answers().map((text) => /req_[a-z0-9]+/.exec(text)?.[0]).find(Boolean), 'the app\'s answer naming the request it started');
    expect(await stack.access.status(requestId)).toMatchObject({ requester: 'carol@example.org', target: 'clinical', reason });
  });

  test('a forged signature over HTTPS is refused (401) and starts nothing', async () => {
    const { body, answers } = slashCommand('eve', 'clinical 3s forged over tls');
    const answer = await post(stack.app.url!, ca.cert, body, { ...signSlackRequest('not-the-signing-secret', body) });
    expect(answer).toMatchObject({ status: 401, hsts: 'max-age=31536000' });
    // Bolt refuses a bad signature before any listener runs (the 401): nothing was answered to the person.
    expect(answers()).toEqual([]);
  });

  test('plain HTTP to the TLS port is not served, and a client without the CA refuses the certificate', async () => {
    const { body } = slashCommand('carol', 'help');
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SIGNING_SECRET, body) };
    await expect(fetch(stack.app.url!.replace('https:', 'http:'), { method: 'POST', headers, body })).rejects.toThrow();
    await expect(fetch(stack.app.url!, { method: 'POST', headers, body })).rejects.toThrow();
  });
});

describe('SLACK_APP_TLS_CERT_FILE and SLACK_APP_TLS_KEY_FILE in the settings', () => {
  const secrets = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'test-secret' };

  test('read and checked with the settings; bad files and Socket Mode are refused with the variable named', async () => {
    const ca = await certificateAuthority('Gatehouse Test Slack CA');
    const server = await ca.issue({ name: 'slack-app', ips: ['127.0.0.1'], usage: 'server' });
    const other = await ca.issue({ name: 'other', usage: 'server' });
    const files = writePems({ 'slack.pem': server.cert, 'slack.key': server.key, 'other.key': other.key });
    const tls = { SLACK_APP_TLS_CERT_FILE: files['slack.pem']!, SLACK_APP_TLS_KEY_FILE: files['slack.key']! };
    expect(slackAppSettings({ ...secrets, ...tls }).tls?.cert.toString()).toBe(server.cert);
    expect(slackAppSettings(secrets).tls).toBeUndefined();
    expect(() => slackAppSettings({ ...secrets, SLACK_APP_TLS_KEY_FILE: files['slack.key'] })).toThrow('SLACK_APP_TLS_CERT_FILE and SLACK_APP_TLS_KEY_FILE go together');
    expect(() => slackAppSettings({ ...secrets, ...tls, SLACK_APP_TLS_KEY_FILE: '/nonexistent.key' })).toThrow('SLACK_APP_TLS_KEY_FILE: cannot read /nonexistent.key (no such file)');
    expect(() => slackAppSettings({ ...secrets, ...tls, SLACK_APP_TLS_KEY_FILE: files['other.key'] })).toThrow(/SLACK_APP_TLS_KEY_FILE: the key in .*other\.key does not belong to the certificate/);
    const socketMode = () => slackAppSettings({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-test', ...tls });
    expect(socketMode).toThrow(MissingSecretError);
    expect(socketMode).toThrow('Socket Mode (SLACK_APP_TOKEN) opens no listener');
  });
});
