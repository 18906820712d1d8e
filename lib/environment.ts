/**
 * The environment each Gatehouse service reads: one registry, written from the code that reads
 * it (lib/secrets.ts, lib/temporal.ts, lib/redis.ts, lib/logger.ts, policy/load-config.ts,
 * worker/main.ts, activities/notify/slack-notifier.ts, activities/credentials/snowflake/,
 * audit/settings.ts, api/settings.ts, api/routes/audit.ts, slack-app/run.ts, proxy/run.ts,
 * lib/state.ts). docker-compose.yml, docs/deployment.md and the tests use it:
 * test/deploy/environment.test.ts fails when code in a service's folders reads a GATEHOUSE_,
 * SLACK_, TEMPORAL_ or REDIS_ variable this file does not list, and test/deploy/compose.test.ts
 * checks docker-compose.yml against it.
 *
 * `required`: a deployment must set it. The process refuses to start without it, or (the archive
 * signing key) falls back to a development-only default that must never serve production.
 * `secret`: key material or a credential. It comes from a secret store or an env file through
 * variable substitution, never as a literal in a committed file, and never in gatehouse.yaml.
 */

export type ServiceName = 'worker' | 'api' | 'slack-app' | 'gateway';

export interface EnvVariable {
  name: string;
  required: boolean;
  secret: boolean;
  description: string;
  /** The value the code uses when the variable is unset. */
  default?: string;
  /**
   * Read by a library, through a name held elsewhere (the AWS SDK's chain, gatehouse.yaml's
   * `brokerPrivateKeyEnv`) or outside the service's folders (lib/state.ts, for the gateway), so no
   * `env.NAME` for it appears in the service's `sources`.
   */
  indirect?: boolean;
}

export interface ServiceEnvironment {
  service: ServiceName;
  /** The `gatehouse` subcommand that runs it. */
  command: string;
  description: string;
  variables: readonly EnvVariable[];
  /** Alternatives: at least one variable of each group must be set. */
  requiredOneOf: readonly (readonly string[])[];
  /** The shared components it connects to (through TEMPORAL_ADDRESS, REDIS_URL). */
  uses: readonly ('temporal' | 'redis')[];
  /** Where it listens: the command's option, then the variable, then the default. */
  listens?: { portOption: string; portVariable?: string; hostOption?: string; hostVariable?: string; defaultPort?: number; defaultHost: string; healthPath: string };
  /** Folders (and files) whose sources make up the service, for the test that greps them. */
  sources: readonly string[];
}

const v = (name: string, description: string, extra: Partial<Omit<EnvVariable, 'name' | 'description'>> = {}): EnvVariable => ({
  name, required: false, secret: false, description, ...extra,
});

// ---- shared by several services ----------------------------------------------------------

const CONFIG = v('GATEHOUSE_CONFIG', 'Path of gatehouse.yaml (targets, policy, masking). Holds no secrets.', { default: './gatehouse.yaml' });
const LOG_LEVEL = v('LOG_LEVEL', 'pino log level (fatal, error, warn, info, debug, trace).', { default: 'info' });
const LOG_FORMAT = v('GATEHOUSE_LOG_FORMAT', 'json (one JSON object per line, for log shippers) or pretty (one readable line; the dev stack uses it).', { default: 'json' });
const TEMPORAL = [
  v('TEMPORAL_ADDRESS', 'Temporal frontend host:port.', { default: '127.0.0.1:7233' }),
  v('TEMPORAL_NAMESPACE', 'Temporal namespace; the Gatehouse search attributes must be registered in it.', { default: 'default' }),
  v('TEMPORAL_TASK_QUEUE', 'Task queue of the access workflow; the same value for every service of one deployment.', { default: 'gatehouse-access' }),
  // lib/temporal.ts: TLS and API keys towards a Temporal cluster or Temporal Cloud (the names the Temporal CLI and SDKs use).
  v('TEMPORAL_TLS', '`true` connects with TLS (system CAs unless a CA file is given); implied by any TEMPORAL_TLS_* file or TEMPORAL_API_KEY.', { default: 'false' }),
  v('TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'PEM file of the CA that signed the Temporal frontend\'s certificate (a private CA); unset: the system CAs.'),
  v('TEMPORAL_TLS_SERVER_NAME', 'The name the frontend\'s certificate carries, when it differs from the host of TEMPORAL_ADDRESS.'),
  v('TEMPORAL_TLS_CLIENT_CERT_PATH', 'mTLS: PEM file of this service\'s client certificate (checked at start: readable, not expired, matching its key).'),
  v('TEMPORAL_TLS_CLIENT_KEY_PATH', 'mTLS: PEM file of the client certificate\'s private key (a mounted secret).'),
  v('TEMPORAL_API_KEY', 'API key (Temporal Cloud), sent as authorization: Bearer on every call; turns TLS on.', { secret: true }),
  // lib/payload-codec.ts: client-side encryption of every workflow payload.
  v('GATEHOUSE_PAYLOAD_KEYS', 'keyId:base64key[,keyId:base64key...]: AES-256-GCM keys of the Temporal payload codec (32 bytes each). The first encrypts; the others only decrypt (rotation: put a new key first, keep the old ones while histories written with them are kept). The same value in every service and for `gatehouse audit`. Required unless GATEHOUSE_PAYLOAD_ENCRYPTION=off.', {
    secret: true,
  }),
  v('GATEHOUSE_PAYLOAD_ENCRYPTION', '`off` stores workflow payloads in plaintext (only for a Temporal inside your compliance boundary); then GATEHOUSE_PAYLOAD_KEYS must be unset.', { default: 'on' }),
];
/** Payload encryption is on unless an operator turns it off explicitly: keys, or `off`. */
const PAYLOAD_KEYS_OR_OFF = ['GATEHOUSE_PAYLOAD_KEYS', 'GATEHOUSE_PAYLOAD_ENCRYPTION'] as const;
const REDIS_URL = v('REDIS_URL', 'Redis URL (grants, encrypted credentials, revocation events, session recordings); may carry the password (redis://:password@host:6379), so it is treated as a secret.', {
  secret: true, default: 'redis://127.0.0.1:6379',
});
const ENCRYPTION_KEY = v('GATEHOUSE_ENCRYPTION_KEY', '32 random bytes in base64: encrypts issued credentials in the Redis vault (AES-256-GCM) and derives the gateway\'s masking-token key. The same value in the worker, the gateway and the API.', {
  required: true, secret: true,
});
const GRANT_TOKEN_KEY = v('GATEHOUSE_GRANT_TOKEN_KEY', '32 random bytes in base64: derives the opaque grant tokens (HMAC-SHA256; only their hashes are stored). The same value in the worker, the gateway and the API.', {
  required: true, secret: true,
});
const STATE_DIR = v('GATEHOUSE_STATE_DIR', 'Writable folder for local state: the default archive folder (archives/) and the development signing key (keys/). Created at start even when the archive store is S3.', {
  default: '<project>/.gatehouse', indirect: true,
});

/** audit/settings.ts: where archives go and with which keys (the worker writes, the API reads). */
const ARCHIVE_STORE = [
  v('GATEHOUSE_ARCHIVE_STORE', '`folder` or `s3`.', { default: 'folder' }),
  v('GATEHOUSE_ARCHIVE_DIR', 'Folder store root; shared by every worker and the API when the store is a folder.', { default: '<state folder>/archives' }),
  v('GATEHOUSE_ARCHIVE_S3_BUCKET', 'Bucket of the archives; required when the store is s3.'),
  v('GATEHOUSE_ARCHIVE_S3_ENDPOINT', 'An S3-compatible endpoint (MinIO, Ceph ...); unset for AWS.'),
  v('GATEHOUSE_ARCHIVE_S3_REGION', 'Region of the bucket.', { default: 'AWS_REGION or us-east-1' }),
  v('GATEHOUSE_ARCHIVE_S3_PREFIX', 'Object key prefix.', { default: 'gatehouse/archives/' }),
  v('GATEHOUSE_ARCHIVE_S3_FORCE_PATH_STYLE', '`true` for path-style bucket URLs.', { default: 'true when an endpoint is set' }),
  v('GATEHOUSE_ARCHIVE_S3_OBJECT_LOCK', 'Object Lock mode for new archives: compliance, governance or off.', { default: 'compliance' }),
  v('GATEHOUSE_ARCHIVE_RETENTION', 'How long archives are kept (e.g. 6y, 2192d).', { default: '6y' }),
  v('AWS_REGION', 'Region for the S3 client when GATEHOUSE_ARCHIVE_S3_REGION is unset.'),
  v('AWS_ACCESS_KEY_ID', 'S3 credentials (AWS SDK default chain); prefer an instance or task role.', { secret: true, indirect: true }),
  v('AWS_SECRET_ACCESS_KEY', 'S3 credentials (AWS SDK default chain); prefer an instance or task role.', { secret: true, indirect: true }),
  v('AWS_SESSION_TOKEN', 'S3 temporary credentials (AWS SDK default chain).', { secret: true, indirect: true }),
];
const CATALOG_NAMESPACE = v('GATEHOUSE_CATALOG_NAMESPACE', 'Redis key prefix of the stored PHI catalogs and their change log (the worker writes them, the gateway and the API read them); the same value in all three.', { default: 'gatehouse' });
const SIGNING_KEY = v('GATEHOUSE_ARCHIVE_SIGNING_KEY', 'Ed25519 private key that signs archive manifests (PKCS#8 PEM, or the 32-byte seed in base64 or hex). Only the worker needs it.', { secret: true });
const SIGNING_KEY_FILE = v('GATEHOUSE_ARCHIVE_SIGNING_KEY_FILE', 'A file holding GATEHOUSE_ARCHIVE_SIGNING_KEY (e.g. a mounted secret).');
const PUBLIC_KEY = v('GATEHOUSE_ARCHIVE_PUBLIC_KEY', 'The published Ed25519 public key archives are verified against (SPKI PEM or 32 raw bytes in base64/hex).');
const PUBLIC_KEY_FILE = v('GATEHOUSE_ARCHIVE_PUBLIC_KEY_FILE', 'A file holding GATEHOUSE_ARCHIVE_PUBLIC_KEY.');

// ---- the services ------------------------------------------------------------------------

const worker: ServiceEnvironment = {
  service: 'worker',
  command: 'worker',
  description: 'Temporal worker: the access workflow and every side effect (Slack thread, Snowflake users, grants, archives).',
  variables: [
    CONFIG, ...TEMPORAL, REDIS_URL, ENCRYPTION_KEY, GRANT_TOKEN_KEY, LOG_LEVEL, LOG_FORMAT, STATE_DIR,
    v('SLACK_BOT_TOKEN', 'Bot token (xoxb-...) the notifier posts approval threads with; without it the worker refuses to start.', { required: true, secret: true }),
    v('SLACK_API_URL', 'Web API base ending in a slash, only for a local Slack (devstack/slack); unset for real Slack.'),
    v('GATEHOUSE_SNOWFLAKE_BROKER_KEY', 'PEM (PKCS#8) private key of the Snowflake broker user. This is the default name; each snowflake target\'s credentials.settings.brokerPrivateKeyEnv may name another variable, which the worker then needs instead.', {
      required: true, secret: true, indirect: true,
    }),
    v('SNOWFLAKE_DISABLE_PLATFORM_DETECTION', '`true` stops snowflake-sdk from probing cloud metadata endpoints for telemetry when it loads (the image sets it).', { indirect: true }),
    v('GATEHOUSE_RECONCILE_EVERY', 'Interval of the credential reconciliation schedule (drops Snowflake users whose revocation was lost).', { default: '5m' }),
    v('GATEHOUSE_CATALOG_REFRESH_EVERY', 'Interval of the PHI catalog refresh schedule (re-discovers every target; never lowers a column\'s protection without a pin).', { default: '6h' }),
    v('GATEHOUSE_WORKER_ACTIVITY_SLOTS', 'Activity tasks the worker runs at once (Temporal\'s maxConcurrentActivityTaskExecutions), 1-10000; unset keeps the SDK\'s default. 10 was tried on a loaded 2-core dev stack (bench/README.md, grants, thirteenth session): fewer timed-out workflow tasks in two runs of three, not shown.', { default: '100' }),
    v('GATEHOUSE_WORKER_WORKFLOW_TASK_SLOTS', 'Workflow tasks the worker runs at once (Temporal\'s maxConcurrentWorkflowTaskExecutions), 2-10000; unset keeps the SDK\'s default.', { default: '40' }),
    v('GATEHOUSE_WORKER_METRICS_ADDRESS', 'host:port where the worker serves the Temporal SDK\'s Prometheus metrics (GET /metrics: workflow tasks, activities by type, sticky cache hits and misses, slots); unset serves none. bench:grants reads it to count the worker\'s work per grant.'),
    v('GATEHOUSE_WORKER_BUNDLE', 'Path of a prebuilt workflow bundle to run instead of bundling this build\'s workflows: for benchmarks only (bench:grants --before runs an earlier revision\'s workflows with it). Unset in production.'),
    CATALOG_NAMESPACE,
    ...ARCHIVE_STORE, SIGNING_KEY, SIGNING_KEY_FILE,
    // Read by the shared audit settings (archiveVerifyKey) but not by the worker's archiver, which
    // verifies each archive with the public half of its own signing key.
    { ...PUBLIC_KEY, description: `Not needed by the worker (it verifies with the public half of its signing key). ${PUBLIC_KEY.description}` },
    { ...PUBLIC_KEY_FILE, description: `Not needed by the worker. ${PUBLIC_KEY_FILE.description}` },
  ],
  requiredOneOf: [['GATEHOUSE_ARCHIVE_SIGNING_KEY', 'GATEHOUSE_ARCHIVE_SIGNING_KEY_FILE'], PAYLOAD_KEYS_OR_OFF],
  uses: ['temporal', 'redis'],
  // `--health-port` only, on 127.0.0.1: a probe inside the container (or pod), never published.
  listens: { portOption: '--health-port', defaultHost: '127.0.0.1', healthPath: '/healthz' },
  sources: ['worker', 'workflows', 'activities', 'audit', 'policy', 'phi', 'lib', 'cli/commands/worker.ts'],
};

const api: ServiceEnvironment = {
  service: 'api',
  command: 'api',
  description: 'REST API for agents and ops (OIDC bearer tokens), the audit routes and the audit console (/console).',
  variables: [
    CONFIG, ...TEMPORAL, ENCRYPTION_KEY, GRANT_TOKEN_KEY, LOG_LEVEL, LOG_FORMAT, STATE_DIR,
    v('REDIS_URL', 'Grants: a revoke cuts the grant here at once, before the workflow revokes the rest.', { secret: true, default: 'redis://127.0.0.1:6379' }),
    v('GATEHOUSE_OIDC_ISSUER', 'Issuer of the OIDC provider; discovery at <issuer>/.well-known/openid-configuration (https except on loopback).', { required: true }),
    v('GATEHOUSE_OIDC_AUDIENCE', 'The `aud` every bearer token must carry (the API\'s resource identifier).', { required: true }),
    v('GATEHOUSE_OIDC_ALGORITHMS', 'JWS allow-list; none and HS* are refused.', { default: 'RS256,PS256,ES256,EdDSA' }),
    v('GATEHOUSE_OIDC_TOKEN_TYPE', 'Required JOSE typ (RFC 9068); `none` when the provider sets no typ.', { default: 'at+jwt' }),
    v('GATEHOUSE_OIDC_SUBJECT_CLAIM', 'The claim policy sees as the identity.', { default: 'sub' }),
    v('GATEHOUSE_OIDC_INTROSPECTION_CLIENT_ID', 'Client id for token introspection of opaque tokens (set with the secret, or neither).'),
    v('GATEHOUSE_OIDC_INTROSPECTION_CLIENT_SECRET', 'Client secret for token introspection.', { secret: true }),
    v('GATEHOUSE_API_HOST', 'Listen address; 0.0.0.0 in a container.', { default: '127.0.0.1' }),
    v('GATEHOUSE_API_PORT', 'Listen port.', { default: '8080' }),
    v('GATEHOUSE_API_PUBLIC_URL', 'The URL clients use to reach the API (servers[0] of the OpenAPI document).'),
    v('GATEHOUSE_GATEWAY_URL', 'The gateway\'s public base URL; a target\'s MCP endpoint is <url>/mcp/<target>.', { default: 'http://127.0.0.1:8788' }),
    v('GATEHOUSE_API_TLS_CERT_FILE', 'PEM certificate (chain) for HTTPS on the API\'s own listener, with HSTS; unset behind a TLS-terminating load balancer.'),
    v('GATEHOUSE_API_TLS_KEY_FILE', 'PEM private key of GATEHOUSE_API_TLS_CERT_FILE (a mounted secret).'),
    CATALOG_NAMESPACE,
    v('GATEHOUSE_CONSOLE_CLIENT_ID', 'The audit console\'s client id at the OpenID provider (authorization code + PKCE); unset: no console.'),
    v('GATEHOUSE_CONSOLE_CLIENT_SECRET', 'The audit console\'s client secret.', { secret: true }),
    v('GATEHOUSE_CONSOLE_ISSUER', 'The OpenID provider auditors sign in at.', { default: 'GATEHOUSE_OIDC_ISSUER' }),
    v('GATEHOUSE_CONSOLE_PUBLIC_URL', 'The origin browsers reach the API at; the provider returns people to <url>/console/callback (https except on loopback).', { default: 'GATEHOUSE_API_PUBLIC_URL' }),
    v('GATEHOUSE_CONSOLE_SUBJECT_CLAIM', 'The ID token claim that names the person (email must be verified).', { default: 'email' }),
    v('GATEHOUSE_CONSOLE_GROUPS_CLAIM', 'The ID token claim listing the person\'s groups (matched against idp-group: entries of audit.readers).', { default: 'groups' }),
    v('GATEHOUSE_CONSOLE_SCOPES', 'Scopes asked at sign-in.', { default: 'openid email profile groups' }),
    v('GATEHOUSE_CONSOLE_SESSION_TTL', 'A console session ends this long after sign-in (1m to 7d).', { default: '8h' }),
    v('GATEHOUSE_CONSOLE_IDLE_TIMEOUT', 'A console session also ends after this long without a page read (1m up to the session TTL).', { default: '30m' }),
    v('GATEHOUSE_CODEC_CORS_ORIGINS', 'Origins of the Temporal UI allowed to call the codec server (/codec/decode) from a browser, comma separated (https://temporal-ui.example.org).'),
    ...ARCHIVE_STORE,
    v('GATEHOUSE_ARCHIVE_SIGNING_KEY', 'Optional here: when set, the API signs evidence exports with it. Prefer giving the API only the public key.', { secret: true }),
    SIGNING_KEY_FILE, PUBLIC_KEY, PUBLIC_KEY_FILE,
  ],
  requiredOneOf: [['GATEHOUSE_ARCHIVE_PUBLIC_KEY', 'GATEHOUSE_ARCHIVE_PUBLIC_KEY_FILE', 'GATEHOUSE_ARCHIVE_SIGNING_KEY', 'GATEHOUSE_ARCHIVE_SIGNING_KEY_FILE'], PAYLOAD_KEYS_OR_OFF],
  uses: ['temporal', 'redis'],
  listens: { portOption: '--port', portVariable: 'GATEHOUSE_API_PORT', hostVariable: 'GATEHOUSE_API_HOST', defaultPort: 8080, defaultHost: '127.0.0.1', healthPath: '/healthz' },
  sources: ['api', 'access', 'audit', 'policy', 'phi', 'lib', 'cli/commands/api.ts'],
};

const slackApp: ServiceEnvironment = {
  service: 'slack-app',
  command: 'slack-app',
  description: 'Slack app (Bolt): /access, the approval buttons and modals; HTTP receiver on /slack/events or Socket Mode.',
  variables: [
    CONFIG, ...TEMPORAL, LOG_LEVEL, LOG_FORMAT,
    v('SLACK_BOT_TOKEN', 'Bot token (xoxb-...).', { required: true, secret: true }),
    v('SLACK_SIGNING_SECRET', 'Verifies Slack\'s requests to the HTTP receiver (Basic Information -> Signing Secret).', { secret: true }),
    v('SLACK_APP_TOKEN', 'App-level token (xapp-..., connections:write): Socket Mode instead of the HTTP receiver.', { secret: true }),
    v('SLACK_API_URL', 'Web API base, only for a local Slack (devstack/slack).'),
    v('SLACK_APP_HOST', 'HTTP receiver address; 0.0.0.0 in a container.', { default: '127.0.0.1' }),
    v('SLACK_APP_PORT', 'HTTP receiver port.', { default: '3000' }),
    v('REDIS_URL', 'Grants: "Revoke now" and /access revoke cut the grant here at once, before the workflow revokes the rest. Nothing else.', { secret: true, default: 'redis://127.0.0.1:6379' }),
    v('SLACK_APP_TLS_CERT_FILE', 'PEM certificate (chain) for HTTPS on the HTTP receiver itself, with HSTS; unset behind a TLS-terminating load balancer or in Socket Mode.'),
    v('SLACK_APP_TLS_KEY_FILE', 'PEM private key of SLACK_APP_TLS_CERT_FILE (a mounted secret).'),
  ],
  requiredOneOf: [['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'], PAYLOAD_KEYS_OR_OFF],
  uses: ['temporal', 'redis'],
  listens: { portOption: '--port', portVariable: 'SLACK_APP_PORT', hostOption: '--host', hostVariable: 'SLACK_APP_HOST', defaultPort: 3000, defaultHost: '127.0.0.1', healthPath: '/healthz' },
  // Of lib/ only what it imports: it holds no gateway key; its Redis connection only cuts revoked grants.
  sources: ['slack-app', 'policy', 'activities/notify', 'lib/temporal.ts', 'lib/redis.ts', 'lib/grant-store.ts', 'lib/listener-tls.ts', 'access', 'lib/logger.ts', 'lib/ids.ts', 'lib/duration.ts', 'cli/commands/slack-app.ts'],
};

const gateway: ServiceEnvironment = {
  service: 'gateway',
  command: 'gateway',
  description: 'MCP gateway: /mcp/<target> on Streamable HTTP; grant check, policy, approval hold, masking, recording.',
  variables: [
    CONFIG, ...TEMPORAL, REDIS_URL, ENCRYPTION_KEY, GRANT_TOKEN_KEY, LOG_LEVEL, LOG_FORMAT,
    v('GATEHOUSE_GATEWAY_HOST', 'Listen address; 0.0.0.0 in a container.', { default: '127.0.0.1' }),
    v('GATEHOUSE_GATEWAY_PORT', 'Listen port.', { default: '8788' }),
    v('GATEHOUSE_GATEWAY_PUBLIC_URL', 'Base URL clients use (RFC 9728 protected-resource metadata); default from the Host header. Set it behind a load balancer.'),
    v('GATEHOUSE_GATEWAY_TLS_CERT_FILE', 'PEM certificate (chain) for HTTPS on the gateway\'s own listener, with HSTS; unset behind a TLS-terminating load balancer.'),
    v('GATEHOUSE_GATEWAY_TLS_KEY_FILE', 'PEM private key of GATEHOUSE_GATEWAY_TLS_CERT_FILE (a mounted secret).'),
    v('GATEHOUSE_AUTHORIZATION_SERVERS', 'Refused (the gateway does not start): it accepts only its own grant tokens, so it advertises only its own authorization server (GATEHOUSE_OAUTH_ISSUER).'),
    v('GATEHOUSE_ACCESS_REQUEST_URL', 'Where a client without a grant is told to ask for one (401 answers).'),
    // proxy/oauth: the gateway's own OAuth authorization server (sign-in from any MCP client).
    v('GATEHOUSE_OAUTH_ISSUER', 'OpenID provider where people sign in to MCP clients; set, it turns the gateway\'s authorization server on (then GATEHOUSE_GATEWAY_PUBLIC_URL is required).'),
    v('GATEHOUSE_OAUTH_CLIENT_ID', 'The gateway\'s client at that provider (redirect URI <public url>/oauth/callback).'),
    v('GATEHOUSE_OAUTH_CLIENT_SECRET', 'That client\'s secret.', { secret: true }),
    v('GATEHOUSE_OAUTH_SUBJECT_CLAIM', 'Claim that names the person to policy (email must then be verified).', { default: 'email' }),
    v('GATEHOUSE_OAUTH_DEVELOPMENT', '`true` (dev stack only): http issuer, client metadata documents on loopback, issuer from the Host header.', { default: 'false' }),
    CATALOG_NAMESPACE,
    v('GATEHOUSE_TRUST_PROXY', '`true` behind a load balancer: X-Forwarded-For counts for the registration rate limit.', { default: 'false' }),
  ],
  requiredOneOf: [PAYLOAD_KEYS_OR_OFF],
  uses: ['temporal', 'redis'],
  listens: { portOption: '--port', portVariable: 'GATEHOUSE_GATEWAY_PORT', hostOption: '--host', hostVariable: 'GATEHOUSE_GATEWAY_HOST', defaultPort: 8788, defaultHost: '127.0.0.1', healthPath: '/healthz' },
  // Of audit/ only the session recorder: the gateway writes recordings, never archives. Of lib/
  // all but the state folder (lib/state.ts), which only the archive and the dev stack use.
  sources: [
    'proxy', 'policy', 'phi', 'access', 'lib/crypto.ts', 'lib/duration.ts', 'lib/grant-store.ts', 'lib/ids.ts', 'lib/logger.ts', 'lib/redis.ts',
    'lib/secrets.ts', 'lib/temporal.ts', 'lib/listener-tls.ts', 'lib/vault.ts', 'lib/catalog-store.ts', 'audit/recording.ts', 'audit/secret-guard.ts', 'audit/canonical.ts', 'cli/commands/gateway.ts',
  ],
};

/** Every Gatehouse service, by name. */
export const SERVICE_ENVIRONMENT: Readonly<Record<ServiceName, ServiceEnvironment>> = {
  worker, api, 'slack-app': slackApp, gateway,
};

/** The variables a service accepts (undefined for an unknown name). */
export function serviceVariable(service: ServiceName, name: string): EnvVariable | undefined {
  return SERVICE_ENVIRONMENT[service].variables.find((variable) => variable.name === name);
}

/** What a service's environment lacks: required variables unset, and alternative groups with none set. */
export function missingEnvironment(service: ServiceName, env: Readonly<Record<string, string | undefined>>): string[] {
  const spec = SERVICE_ENVIRONMENT[service];
  const isSet = (name: string) => Boolean(env[name]);
  return [
    ...spec.variables.filter((variable) => variable.required && !isSet(variable.name)).map((variable) => variable.name),
    ...spec.requiredOneOf.filter((group) => !group.some(isSet)).map((group) => group.join(' or ')),
  ];
}
