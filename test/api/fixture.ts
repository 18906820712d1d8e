// The API on loopback against a real OpenID provider, a real worker and the Temporal dev server.
import { Writable } from 'node:stream';
import pino from 'pino';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { AccessClient } from '../../access';
import { accessRoutes, createApiApp, createOidcVerifier, DEFAULT_ALGORITHMS, listen, type AccessRoutesOptions, type OidcSettings, type RunningApi } from '../../api';
import { AcceptedStatusKeeper, connectRedis, RequestChangeFeed, temporalDataConverter, temporalSettings, type Redis } from '../../lib';
import { startHarness, testConfig, testRedisUrl, TEST_CONFIG_YAML, type Harness, type HarnessOptions } from '../support/harness';
import { startOidcProvider, type OidcClient, type TestOidcProvider } from '../support/oidc';

export const CLIENTS: OidcClient[] = [
  { clientId: 'carol@example.org', clientSecret: 'carol-secret-0123456789abcdef', scope: 'access:request' },
  { clientId: 'alice@example.org', clientSecret: 'alice-secret-0123456789abcdef', scope: 'access:request access:approve' },
  { clientId: 'bob@example.org', clientSecret: 'bob-secret-0123456789abcdef', scope: 'access:approve' },
  { clientId: 'agent:ci-nightly', clientSecret: 'agent-secret-0123456789abcdef', scope: 'access:request' },
  { clientId: 'auditor@example.org', clientSecret: 'auditor-secret-0123456789abcdef', scope: 'audit:read' },
  { clientId: 'mallory@example.org', clientSecret: 'mallory-secret-0123456789abcdef', scope: 'access:request' },
];

export const GATEWAY_URL = 'http://127.0.0.1:8999';

/** The shared test policy, with time for an approver (a separate process in the CLI tests) to decide. */
export const API_TEST_CONFIG_YAML = TEST_CONFIG_YAML.replace('approvalTimeout: 4s', 'approvalTimeout: 2m');

export interface ApiFixture {
  harness: Harness;
  oidc: TestOidcProvider;
  api: RunningApi;
  /** Every line the API logged. */
  logs: string[];
  tokens: Map<string, string>;
  /** Workflow queries the API has sent so far (status reads), counted by a client interceptor. */
  queries(): number;
  /** Describes the API has sent so far (a long-poll's cheap state checks, which no worker runs). */
  describes(): number;
  /** The feed the API's long-polls wait on (the worker's change events in Redis). */
  changes: RequestChangeFeed;
  token(clientId: string): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are checked field by field
  call(method: string, path: string, options?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; type: string; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export function oidcSettings(oidc: TestOidcProvider, overrides: Partial<OidcSettings> = {}): OidcSettings {
  return {
    issuer: oidc.issuer,
    audience: oidc.audience,
    algorithms: DEFAULT_ALGORITHMS,
    subjectClaim: 'sub',
    tokenType: 'at+jwt',
    clockToleranceSeconds: 5,
    introspection: { clientId: 'gatehouse-api', clientSecret: 'gatehouse-api-secret' },
    allowLoopbackHttp: true,
    ...overrides,
  };
}

export async function startApiFixture(
  yaml = API_TEST_CONFIG_YAML,
  options: Pick<AccessRoutesOptions, 'safetyReadMs'> & Pick<HarnessOptions, 'archiver'> = {},
): Promise<ApiFixture> {
  const { archiver, ...routeOptions } = options;
  const harness = await startHarness({ config: testConfig(yaml), ...(archiver ? { archiver } : {}) });
  // The API's own Temporal client, as in runApi, with every query it sends counted.
  let queries = 0;
  let describes = 0;
  const counter: WorkflowClientInterceptor = {
    query(input, next) {
      queries += 1;
      return next(input);
    },
    describe(input, next) {
      describes += 1;
      return next(input);
    },
  };
  const settings = temporalSettings();
  const apiClient = new Client({ connection: harness.client.connection, namespace: settings.namespace, dataConverter: temporalDataConverter(settings), interceptors: { workflow: [counter] } });
  // As runApi: each request's status as accepted kept in Redis for long-polls.
  const access = new AccessClient(apiClient, harness.config, harness.taskQueue, { revocations: harness.grants.revocations(), keptStatus: new AcceptedStatusKeeper(harness.redis, harness.statusKey) });
  const subscriber: Redis = connectRedis(testRedisUrl());
  const changes = new RequestChangeFeed(subscriber, { statusKey: harness.statusKey, reader: harness.redis });
  await changes.start();
  const oidc = await startOidcProvider({ clients: CLIENTS });
  const logs: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  }));
  const app = createApiApp({
    verifier: createOidcVerifier(oidcSettings(oidc)),
    log,
    issuer: oidc.issuer,
    routes: [accessRoutes({ access, grants: harness.grants, gatewayUrl: GATEWAY_URL, changes, ...routeOptions })],
  });
  const api = await listen(app, '127.0.0.1', 0);
  const tokens = new Map<string, string>();
  const token = async (clientId: string) => {
    if (!tokens.has(clientId)) tokens.set(clientId, await oidc.token(clientId));
    return tokens.get(clientId)!;
  };
  return {
    harness, oidc, api, logs, tokens, token, changes,
    queries: () => queries,
    describes: () => describes,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== null && options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${api.url}${path}`, { method, headers, body });
      const type = response.headers.get('content-type') ?? '';
      const text = await response.text();
      return { status: response.status, type, body: text && /json/.test(type) ? JSON.parse(text) : text, headers: response.headers };
    },
    async close() {
      await api.close();
      subscriber.disconnect();
      await oidc.close();
      await harness.close();
    },
  };
}
