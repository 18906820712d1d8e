import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { accessRoutes, createApiApp, createOidcVerifier, listen, type RunningApi } from '../../api';
import { waitForEphemeral, waitForResponses, type SlackMessage } from '../../devstack/slack';
import { createLogger, GrantStore } from '../../lib';
import { oidcSettings } from '../api/fixture';
import { eventually } from '../support/eventually';
import { startOidcProvider, type OidcClient, type TestOidcProvider } from '../support/oidc';
import { SLACK_TEST_CONFIG, startSlackStack, type SlackStack } from './stack';

/**
 * Issue 23: a refused notification is never silent. Everything real: the local Slack (strict
 * Block Kit, here told to refuse), the Bolt app over signed HTTP, the workflow on Temporal with
 * the Slack notifier, the REST API behind a real OpenID provider, and the `gatehouse` command.
 * Slack refuses the approval request and its reduced form; the requester learns it by DM, from
 * `/access status`, from the API and from the CLI, and the workflow's timeline keeps Slack's answer.
 */

const BIN = resolve(__dirname, '../../bin/gatehouse.js');
/** The approval request's idempotency key ends so in its metadata (the requester's DM is `:requested-dm`). */
const APPROVAL_REQUEST = ':requested"';
const CAROL: OidcClient = { clientId: 'carol@example.org', clientSecret: `carol-${randomBytes(12).toString('hex')}`, scope: 'access:request' };

describe('Slack refuses the approval request: the request and its requester know', () => {
  let stack: SlackStack;
  let oidc: TestOidcProvider;
  let api: RunningApi;

  beforeAll(async () => {
    // Time to withdraw the request before it would expire (8 s in the shared test policy), on a loaded machine too.
    stack = await startSlackStack({ configYaml: SLACK_TEST_CONFIG.replace('approvalTimeout: 8s', 'approvalTimeout: 3m') });
    oidc = await startOidcProvider({ clients: [CAROL] });
    const app = createApiApp({
      verifier: createOidcVerifier(oidcSettings(oidc)),
      log: createLogger('refused-post-api', 'silent'),
      issuer: oidc.issuer,
      routes: [accessRoutes({ access: stack.access, grants: new GrantStore(stack.redis, randomBytes(32)), gatewayUrl: 'http://127.0.0.1:8999', pollIntervalMs: 100 })],
    });
    api = await listen(app, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await api?.close();
    await oidc?.close();
    await stack?.close();
  });

  const ws = () => stack.slack.workspace;
  const keyOf = (m: SlackMessage) => m.metadata?.event_payload.idempotency_key;

  function gatehouse(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_') || name === 'GATEHOUSE_PAYLOAD_KEYS'));
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        ...base, GATEHOUSE_API_URL: api.url, LOG_LEVEL: 'warn',
        GATEHOUSE_OIDC_ISSUER: oidc.issuer, GATEHOUSE_OIDC_CLIENT_ID: CAROL.clientId, GATEHOUSE_OIDC_CLIENT_SECRET: CAROL.clientSecret, GATEHOUSE_OIDC_RESOURCE: oidc.audience,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
  }

  test('the request message and its reduced form refused (invalid_blocks): timeline, API, CLI, /access status and a DM say so', async () => {
    // Slack refuses the next two approval-request posts (the full one, then the reduced one); other posts pass.
    stack.slack.failNext('chat.postMessage', { status: 200, error: 'invalid_blocks', times: 2, matching: APPROVAL_REQUEST });
    const delivery = await stack.driver.command({ user: 'carol', channel: 'general', text: 'clinical 20s quarterly readmission audit' });
    expect(delivery.status).toBe(200);
    const [answer] = await waitForResponses(delivery, 1);
    const requestId = /req_[a-z0-9]{20}/.exec(String(answer?.body.text))![0];

    // The workflow records Slack's answer; the request waits (it may still be withdrawn or expire).
    const status = await eventually(async () => {
      const s = await stack.access.status(requestId);
      return s.timeline.some((e) => e.type === 'notification_failed') && s;
    }, `${requestId} to record the refused notice`);
    const refused = status.timeline.find((e) => e.type === 'notification_failed')!;
    expect(refused.detail).toMatch(/^requested: the approvers were not asked in Slack: Slack refused the requested message \(invalid_blocks\) and its reduced form \(invalid_blocks\); the requester was told by DM$/);
    expect(status.thread).toBeUndefined();
    const posts = ws().calls.filter((c) => c.method === 'chat.postMessage' && String(c.args.metadata).includes(`gatehouse:${requestId}:requested"`));
    expect(posts.map((c) => c.injected)).toEqual(['refused', 'refused']);
    expect(ws().allMessages(ws().requireChannel('phi-approvers').id).filter((m) => keyOf(m) === `gatehouse:${requestId}:requested`)).toEqual([]);

    // The requester's DM: what happened, and what to do.
    const carol = ws().requireUser('carol').id;
    const dm = await eventually(() => {
      const im = [...ws().channels.values()].find((c) => c.kind === 'im' && c.imUser === carol);
      return im ? ws().allMessages(im.id).find((m) => m.text.includes(requestId)) : undefined;
    }, "carol's DM about the refused request");
    expect(dm.text).toContain('could not be posted to its approvers: Slack refused it (`invalid_blocks`)');
    expect(dm.text).toContain(`/access revoke ${requestId}`);

    // `/access status <id>` in Slack.
    await stack.driver.command({ user: 'carol', channel: 'general', text: `status ${requestId}` });
    const shown = await waitForEphemeral(ws(), 'carol', (e) => e.text.includes(requestId) && e.text.includes('approvers were not asked'));
    expect(shown.text).toContain(':warning: The approvers were not asked in Slack: `Slack refused the requested message (invalid_blocks) and its reduced form (invalid_blocks); the requester was told by DM`.');
    expect(shown.text).toContain(`\`/access revoke ${requestId}\``);

    // The REST API (what an agent or a script reads).
    const token = await oidc.token(CAROL.clientId);
    const response = await fetch(`${api.url}/v1/access-requests/${requestId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const view = await response.json() as { state: string; approversNotAsked?: { at: string; reason: string }; timeline: Array<{ type: string; detail?: string }> };
    expect(view.state).toBe('PENDING_APPROVAL');
    expect(view.approversNotAsked).toEqual({ at: refused.at, reason: 'Slack refused the requested message (invalid_blocks) and its reduced form (invalid_blocks); the requester was told by DM' });
    expect(view.timeline).toContainEqual(expect.objectContaining({ type: 'notification_failed', detail: refused.detail }));

    // The CLI.
    const cli = await gatehouse(['status', requestId]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`warning       the approvers were not asked in Slack: ${view.approversNotAsked!.reason}`);
    expect(cli.stdout).toContain(`notification_failed — ${refused.detail}`);

    // Carol withdraws it as the DM says; nothing was ever granted.
    await stack.driver.command({ user: 'carol', channel: 'general', text: `revoke ${requestId} asking again with a shorter reason` });
    const closed = await eventually(async () => {
      const s = await stack.access.status(requestId);
      return ['REVOKED', 'ARCHIVED'].includes(s.state) && s;
    }, `${requestId} to be withdrawn`);
    expect(closed.decision).toBeUndefined();
    expect(closed.grantId).toBeUndefined();
  });

  test('`gatehouse request --wait`: when Slack refuses the approval request the command stops waiting and says what to do (exit 1)', async () => {
    stack.slack.failNext('chat.postMessage', { status: 200, error: 'invalid_blocks', times: 2, matching: APPROVAL_REQUEST });
    const run = await gatehouse(['request', '--target', 'clinical', '--duration', '20s', '--reason', 'nightly reconciliation', '--wait', '--timeout', '5m']);
    expect(run.code).toBe(1);
    const id = /(req_[a-z0-9]{20}): the approvers were not asked in Slack/.exec(run.stderr)?.[1];
    expect(id).toBeDefined();
    expect(run.stderr).toContain(`${id}: the approvers were not asked in Slack (Slack refused the requested message (invalid_blocks) and its reduced form (invalid_blocks); the requester was told by DM), so nobody can approve it; withdraw it with: gatehouse revoke ${id}`);
    // Withdrawn as told: nothing was ever granted.
    const withdrawn = await gatehouse(['revoke', id!, '--reason', 'asking again with a shorter reason']);
    expect(withdrawn.code).toBe(0);
    const closed = await eventually(async () => {
      const s = await stack.access.status(id!);
      return ['REVOKED', 'ARCHIVED'].includes(s.state) && s;
    }, `${id} to be withdrawn`);
    expect(closed.decision).toBeUndefined();
    expect(closed.grantId).toBeUndefined();
  });
});
