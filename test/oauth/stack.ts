// The whole sign-in path, real wherever this issue does not depend on another one: the local
// Slack with the real Bolt app and the Slack notifier, the real access workflow and worker on
// the test Temporal server, Redis, a real OpenID provider (oidc-provider) with a login page, the
// gateway with its authorization server, and server-everything as the upstream MCP server. The
// credential provider, archiver, masker and recorder are the doubles other suites use.
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createAccessActivities, CredentialProviders } from '../../activities';
import { SlackNotifier, SlackTransport } from '../../activities/notify';
import { AccessClient } from '../../access';
import { startOidcProvider, type TestOidcProvider } from '../../devstack/oidc';
import { startLocalSlack, waitForMessage, type LocalSlack, type SlackDriver, type SlackMessage } from '../../devstack/slack';
import { connectRedis, connectTemporalClient, createLogger, GrantStore, RedisSecretVault, temporalSettings, type Redis } from '../../lib';
import { SlackActions } from '../../lib/slack';
import { parseConfig, type GatehouseConfig } from '../../policy';
import { Gateway } from '../../proxy';
import { AuthorizationServer, type AuthorizationServerOptions } from '../../proxy/oauth';
import { startSlackApp, type RunningSlackApp } from '../../slack-app';
import { createAccessWorker } from '../../worker';
import { everythingServer, MemoryRecorder, TestMasker } from '../proxy/support';
import { manifestScopes, SIGNING_SECRET, SLACK_TEST_SEED } from '../slack/stack';
import { FakeCredentialProvider, MemoryArchiver } from '../support/doubles';

const upstream = `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everythingServer)}, stdio] }`;

/** Two targets (to prove a code and a token are for one of them), people from the Slack seed. */
export const OAUTH_TEST_CONFIG = `
version: 1
defaults:
  maxDuration: 1h
  approvalTimeout: 12s
groups:
  phi-approvers: [alice@example.org, bob@example.org]
targets:
  - name: everything
    description: server-everything, all tools
    upstream: ${upstream}
    credentials: { provider: fake }
    maxDuration: 2h
    requesters: [carol@example.org, eve@example.org]
    approvers: { channel: phi-approvers, members: [group:phi-approvers] }
  - name: other
    description: another target
    upstream: ${upstream}
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: phi-approvers, members: [group:phi-approvers] }
`;

export const RP = { clientId: 'gatehouse-gateway', clientSecret: `rp-secret-${randomBytes(12).toString('hex')}` };

export interface OAuthStack {
  gatewayUrl: string;
  gateway: Gateway;
  as: AuthorizationServer;
  oidc: TestOidcProvider;
  slack: LocalSlack;
  driver: SlackDriver;
  access: AccessClient;
  /** The Temporal client (for reading a request's history). */
  temporal: Client;
  grants: GrantStore;
  redis: Redis;
  config: GatehouseConfig;
  masker: TestMasker;
  recorder: MemoryRecorder;
  /** Everything the gateway and the authorization server logged. */
  logs: string[];
  /** Waits for the request's approval message in #phi-approvers and clicks Approve as `approver`. */
  approveInSlack(requestId: string, approver: string): Promise<SlackMessage>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startOAuthStack(options: { as?: Partial<AuthorizationServerOptions> } = {}): Promise<OAuthStack> {
  const config = parseConfig(OAUTH_TEST_CONFIG, 'oauth-test.yaml');
  const slack = await startLocalSlack({ seed: SLACK_TEST_SEED });
  const botToken = slack.workspace.createToken(manifestScopes());
  const redisUrl = process.env.GATEHOUSE_TEST_REDIS_URL;
  if (!redisUrl) throw new Error('GATEHOUSE_TEST_REDIS_URL is not set: run through jest (its global setup starts Redis)');
  const redis = connectRedis(redisUrl);
  const subscriber = connectRedis(redisUrl);
  const vault = new RedisSecretVault(redis, randomBytes(32));
  const grants = new GrantStore(redis, randomBytes(32));
  const quiet = createLogger('oauth-test', 'silent');
  const transport = new SlackTransport({ token: botToken, apiUrl: slack.apiUrl, baseDelayMs: 50, settleMs: 200, logger: quiet });
  const notifier = new SlackNotifier({ transport, config, logger: quiet });
  const taskQueue = `oauth-${randomBytes(6).toString('hex')}`;
  // The test stack's address and payload keys (global-setup.ts), on a queue of its own, as test/support/harness.ts does.
  const temporal = { ...temporalSettings(), taskQueue };
  const { worker, connection } = await createAccessWorker({
    temporal, taskQueue,
    activities: createAccessActivities({ notifier, providers: new CredentialProviders(config.targets, { fake: () => new FakeCredentialProvider(vault) }), grants, vault, archiver: new MemoryArchiver() }),
    workflowBundlePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE,
  });
  const running = (worker as Worker).run();
  const client: Client = await connectTemporalClient(temporal);
  const access = new AccessClient(client, config, taskQueue);
  const app: RunningSlackApp = await startSlackApp({ botToken, apiUrl: slack.apiUrl, access, config, port: 0, signingSecret: SIGNING_SECRET, logger: quiet });
  const driver = slack.driver({ endpoint: app.url!, signingSecret: SIGNING_SECRET });

  const port = await freePort();
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const oidc = await startOidcProvider({
    people: [{ email: 'carol@example.org', name: 'Carol Analyst' }, { email: 'eve@example.org' }, { email: 'mallory@example.org', emailVerified: false }, { email: 'zed@example.org' }],
    relyingParties: [{ ...RP, redirectUris: [`${gatewayUrl}/oauth/callback`] }],
  });
  const logs: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write(chunk, _encoding, done) { logs.push(String(chunk)); done(); } }));
  const as = new AuthorizationServer({
    config, redis, access, grants, development: true, log,
    signIn: { issuer: oidc.issuer, clientId: RP.clientId, clientSecret: RP.clientSecret, allowHttp: true },
    ...options.as,
  });
  const masker = new TestMasker();
  const recorder = new MemoryRecorder();
  const gateway = new Gateway({ config, grants, vault, revocations: subscriber, masker: () => masker, recorder, reviewer: access, authorizationServer: as, log });
  await gateway.listen(port);

  return {
    gatewayUrl, gateway, as, oidc, slack, driver, access, temporal: client, grants, redis, config, masker, recorder, logs,
    async approveInSlack(requestId, approver) {
      const parent = await waitForMessage(slack.workspace, 'phi-approvers', (m) => m.metadata?.event_payload.idempotency_key === `gatehouse:${requestId}:requested`, { timeoutMs: 20_000 });
      const clicked = await driver.clickButton({ user: approver, channel: 'phi-approvers', messageTs: parent.ts, actionId: SlackActions.approve });
      if (clicked.status !== 200) throw new Error(`the approve click answered ${clicked.status}`);
      return parent;
    },
    async close() {
      await gateway.close();
      await oidc.close();
      await app.stop();
      worker.shutdown();
      await running;
      await connection.close();
      await client.connection.close();
      redis.disconnect();
      subscriber.disconnect();
      await slack.close();
    },
  };
}
