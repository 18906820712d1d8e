import { z } from 'zod';
import { isSnowflakeTarget } from './sql-tools';
import { parseDuration } from '../lib';
import { maskingPolicySchema } from '../phi';

/** A duration written like "30m" or "8h", turned into milliseconds while validating. */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** A subject ("alice@example.org", "agent:ci-nightly") or a group reference ("group:data-eng"). */
const principalRef = z.string().min(1).regex(/^[^\s]+$/, 'must not contain spaces');

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes, starting with a letter');

export const sqlClasses = ['read', 'write', 'ddl', 'privilege', 'export', 'multi_statement', 'unparseable'] as const;
export type SqlClassName = (typeof sqlClasses)[number];
export const commandVerdicts = ['allow', 'hold', 'deny'] as const;
export type CommandVerdict = (typeof commandVerdicts)[number];

/** The MCP eras an upstream may be pinned to (`upstream.era`); `auto` asks it with `server/discover`. */
export const upstreamEraSettings = ['auto', '2025', '2026-07-28'] as const;
export type UpstreamEraSetting = (typeof upstreamEraSettings)[number];

/**
 * `upstream.era`: `auto` (default) probes the server with `server/discover` and remembers the
 * answer for a while; `2025` opens a session with `initialize` and never probes; `2026-07-28`
 * requires the modern revision and refuses a server that does not speak it. YAML reads `2025` as a
 * number and some writers turn a date into one: both are read as the setting they spell.
 */
const upstreamEraSchema = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value instanceof Date ? value.toISOString().slice(0, 10) : value),
  z.enum(upstreamEraSettings, { error: (issue) => `must be one of auto, 2025 or 2026-07-28 (the MCP era the upstream server speaks; auto asks it), not ${JSON.stringify(issue.input) ?? 'nothing'}` }),
).default('auto');

/** `upstream.maxAnswerSize` when a target does not set it: 8 MB, a few times a 1,000-row result with its text twin. */
export const DEFAULT_MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const MIN_ANSWER_BYTES = 64 * 1024;
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 * 1024, mib: 1024 * 1024 };

/**
 * `upstream.maxAnswerSize`: the most one answer of the upstream may be (a JSON body, one SSE event,
 * one stdio line), in bytes or as "512KB" / "8MB" (KB and MB count 1024). Left out: the gateway's
 * default (DEFAULT_MAX_ANSWER_BYTES, applied by proxy/, so hand-built targets need not name it).
 */
const answerSizeSchema = z.unknown().transform((value, ctx) => {
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value) : undefined;
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  const bytes = typeof value === 'number' ? value : match && unit ? Math.round(Number(match[1]) * unit) : Number.NaN;
  if (!Number.isInteger(bytes) || bytes < MIN_ANSWER_BYTES || bytes > MAX_ANSWER_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must be a size between 64KB and 256MB, in bytes or like 512KB or 8MB (the most one answer of the upstream may be), not ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return bytes;
}).optional();

const upstreamSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    era: upstreamEraSchema,
    maxAnswerSize: answerSizeSchema,
  }),
  z.strictObject({
    type: z.literal('http'),
    url: z.url(),
    era: upstreamEraSchema,
    maxAnswerSize: answerSizeSchema,
    /** Gone: an HTTP upstream gets a credential only as `credentials.delivery` says. */
    credentialHeader: z.never({ error: 'moved: say how the upstream receives its credential with credentials.delivery: { header: <name>, format: "{credential}" }' }).optional(),
  }),
]);

/** Headers the gateway itself sets on the way to an HTTP upstream; a credential never replaces them. */
export const RESERVED_UPSTREAM_HEADERS = ['host', 'content-length', 'content-type', 'accept', 'connection', 'transfer-encoding', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'mcp-method', 'mcp-name'];

/**
 * How the upstream receives the grant's credential, and nothing else is sent:
 * `{ env: NAME }` (stdio: one environment variable) or `{ header: NAME, format: "Bearer {credential}" }` (http).
 */
const deliverySchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }),
  z.preprocess(sendPrivateKeyAsSendCredential, z.strictObject({
    header: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')
      .refine((h) => !RESERVED_UPSTREAM_HEADERS.includes(h.toLowerCase()), 'is a header the gateway sets itself; choose another (e.g. Authorization or X-Api-Key)'),
    format: z.string().default('{credential}')
      .refine((f) => f.split('{credential}').length === 2, 'must contain {credential} exactly once')
      .refine((f) => !/[\r\n\0]/.test(f), 'must be one line'),
    /**
     * The Snowflake provider's credential is a live login (a programmatic access token or a private
     * key): sending it over HTTP needs this, set to true.
     */
    sendCredential: z.boolean().default(false),
    /** Only when it contradicts sendCredential (see sendPrivateKeyAsSendCredential), to say so. */
    sendPrivateKey: z.boolean().optional(),
  }).superRefine((d, ctx) => {
    if (d.sendPrivateKey !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['sendPrivateKey'], message: 'contradicts sendCredential; sendPrivateKey is its old name: keep only sendCredential' });
    }
  })),
]);

/**
 * `sendPrivateKey` is sendCredential's name from before programmatic access tokens (a Snowflake
 * credential was always a private key then): an older config means the same by it. Both given
 * and different: left for the schema to refuse.
 */
function sendPrivateKeyAsSendCredential(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('sendPrivateKey' in value)) return value;
  const { sendPrivateKey, ...rest } = value as Record<string, unknown>;
  if (!('sendCredential' in rest)) return { ...rest, sendCredential: sendPrivateKey };
  return rest.sendCredential === sendPrivateKey ? rest : value;
}

const credentialsObjectSchema = z.strictObject({
  /** Which provider mints the identity ("snowflake"; "none": the upstream needs no credential). Its settings are validated by the provider. */
  provider: z.string().min(1),
  settings: z.record(z.string(), z.unknown()).default({}),
  /** How the upstream receives the credential (default on stdio: the Snowflake connection variables, or GATEHOUSE_CREDENTIAL; on http: nothing, so it must be said). */
  delivery: deliverySchema.optional(),
});
/** `credentials: none` is short for `{ provider: none }`: no identity is minted and nothing is delivered. */
const credentialsSchema = z.preprocess((value) => (value === 'none' ? { provider: 'none' } : value), credentialsObjectSchema);

const autoApproveRuleSchema = z.strictObject({
  requesters: z.array(principalRef).min(1),
  maxDuration: durationSchema,
});

const commandsSchema = z.strictObject({
  /** Tool names a grant may list and call; empty means every tool the upstream offers. */
  tools: z.array(z.string().min(1)).default([]),
  /** Per tool, the arguments that carry SQL ([] declares a tool that carries none); see sql-tools.ts. */
  sqlTools: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
  /** Arguments that carry SQL in every tool not under sqlTools. Unset: none, or statement/query/sql on a Snowflake target. */
  sqlArguments: z.array(z.string().min(1)).optional(),
  sql: z
    .strictObject(Object.fromEntries(sqlClasses.map((c) => [c, z.enum(commandVerdicts).optional()])) as Record<SqlClassName, z.ZodOptional<z.ZodEnum<{ allow: 'allow'; hold: 'hold'; deny: 'deny' }>>>)
    .default({}),
  rowLimit: z.number().int().positive().default(1000),
  approvalTimeout: durationSchema.optional(),
  /** Held commands one grant may have waiting for an approver at once. */
  maxHeld: z.number().int().min(1).max(50).default(3),
  /** Longest one statement of an issued user may run (Snowflake STATEMENT_TIMEOUT_IN_SECONDS). */
  statementTimeout: durationSchema.default(5 * 60_000),
  /** SYSTEM$ functions that are harmless here (they read metadata only); every other SYSTEM$ call is held. */
  systemFunctions: z.array(z.string().regex(/^SYSTEM\$[A-Za-z0-9_]+$/, 'a SYSTEM$ function name, e.g. SYSTEM$TYPEOF')).default(['SYSTEM$TYPEOF']),
});

export const targetSchema = z.strictObject({
  name,
  description: z.string().default(''),
  upstream: upstreamSchema,
  credentials: credentialsSchema,
  scope: z
    .strictObject({
      role: z.string().min(1),
      objects: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  maxDuration: durationSchema.optional(),
  requesters: z.array(principalRef).min(1),
  approvers: z.strictObject({
    channel: z.string().min(1),
    members: z.array(principalRef).min(1),
  }),
  autoApprove: z.array(autoApproveRuleSchema).default([]),
  commands: commandsSchema.default({ tools: [], sqlTools: {}, sql: {}, rowLimit: 1000, maxHeld: 3, systemFunctions: ['SYSTEM$TYPEOF'], statementTimeout: 5 * 60_000 }),
  /** Gateway sessions of one grant: how many at once, when an idle one ends, when a new one may evict it. */
  sessions: z.strictObject({
    perGrant: z.number().int().min(1).max(100).optional(),
    idleTimeout: durationSchema.optional(),
    evictIdleAfter: durationSchema.optional(),
  }).optional(),
  /** Masking policy for this target (see phi/README.md). prefault, not default: zod 4 applies the inner defaults only then. */
  masking: maskingPolicySchema.prefault({}),
});

/** A pre-registered public client (PKCE, no secret); redirect URIs are matched exactly (loopback: any port). */
const oauthClientSchema = z.strictObject({
  clientId: z.string().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, 'use letters, digits and . _ : -').refine((id) => !id.startsWith('ghc_'), 'ghc_ is reserved for dynamic registrations'),
  name: z.string().max(200).optional(),
  redirectUris: z.array(z.string().refine((uri) => {
    try {
      const url = new URL(uri);
      return !url.hash && (url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname)) || /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/i.test(url.protocol));
    } catch {
      return false;
    }
  }, 'must be https, http on loopback, or a private-use scheme (RFC 8252), without a fragment')).min(1),
});

/** An origin as browsers send it: scheme, host and port only. */
const originSchema = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}, 'must be an origin: http(s)://host[:port], without path, query or fragment');

/** Where the gateway is reached, and from where (DNS-rebinding protection, see proxy/request-origin.ts). */
const gatewaySchema = z.strictObject({
  /** The gateway's public base URL; GATEHOUSE_GATEWAY_PUBLIC_URL, when set, must be the same. */
  publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Browser origins besides the public URL's own that may call the gateway. */
  allowedOrigins: z.array(originSchema).default([]),
  /** Host header values besides the public URL's host that the gateway answers to (an internal name). */
  allowedHosts: z.array(z.string().regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i, 'must be host or host:port')).default([]),
  /** Loopback hosts and origins (localhost, 127.0.0.1, [::1]) on any port; default: only when there is no public URL or it is itself on loopback (development). */
  allowLoopback: z.boolean().optional(),
});

export const configSchema = z.strictObject({
  version: z.literal(1),
  defaults: z
    .strictObject({
      maxDuration: durationSchema.default(8 * 3600_000),
      approvalTimeout: durationSchema.default(30 * 60_000),
      commandApprovalTimeout: durationSchema.default(5 * 60_000),
      expiringSoonWarning: durationSchema.default(10 * 60_000),
    })
    .default({ maxDuration: 8 * 3600_000, approvalTimeout: 30 * 60_000, commandApprovalTimeout: 5 * 60_000, expiringSoonWarning: 10 * 60_000 }),
  groups: z.record(name, z.array(principalRef)).default({}),
  targets: z.array(targetSchema).min(1),
  /** MCP clients known in advance to the gateway's OAuth authorization server (proxy/oauth). */
  oauth: z.strictObject({ clients: z.array(oauthClientSchema).default([]) }).optional(),
  gateway: gatewaySchema.prefault({}),
  /** Who may read every request's evidence in the audit console (audit:read). */
  audit: z.strictObject({
    /** Subjects, group:<a group above>, or idp-group:<a value of the OpenID provider's groups claim>. */
    readers: z.array(principalRef).default([]),
  }).prefault({}),
}).superRefine((config, ctx) => {
  config.audit.readers.forEach((ref, index) => {
    if (ref.startsWith('group:') && !(ref.slice(6) in config.groups)) {
      ctx.addIssue({ code: 'custom', path: ['audit', 'readers', index], message: `unknown group "${ref.slice(6)}" (define it under groups, or write idp-group:${ref.slice(6)} for a group of the OpenID provider)` });
    }
    if (ref === '*') ctx.addIssue({ code: 'custom', path: ['audit', 'readers', index], message: '"*" would let anyone who can sign in read every request; name the auditors' });
  });
  const seen = new Set<string>();
  config.targets.forEach((target, index) => {
    if (seen.has(target.name)) {
      ctx.addIssue({ code: 'custom', path: ['targets', index, 'name'], message: `duplicate target name "${target.name}"` });
    }
    seen.add(target.name);
    const refs = [...target.requesters, ...target.approvers.members, ...target.autoApprove.flatMap((r) => r.requesters)];
    for (const ref of refs) {
      if (ref.startsWith('group:') && !(ref.slice(6) in config.groups)) {
        ctx.addIssue({ code: 'custom', path: ['targets', index], message: `unknown group "${ref.slice(6)}" (define it under groups)` });
      }
    }
    for (const tool of Object.keys(target.commands.sqlTools)) {
      if (target.commands.tools.length > 0 && !target.commands.tools.includes(tool)) {
        ctx.addIssue({ code: 'custom', path: ['targets', index, 'commands', 'sqlTools', tool], message: `names tool "${tool}", which commands.tools does not allow (allowed: ${target.commands.tools.join(', ')})` });
      }
    }
    // A Snowflake target runs SQL: switching its classification off entirely is refused (fail closed).
    const declaresSql = Object.values(target.commands.sqlTools).some((args) => args.length > 0) || (target.commands.sqlArguments?.length ?? 0) > 0;
    if (isSnowflakeTarget(target) && target.commands.sqlArguments?.length === 0 && !declaresSql) {
      ctx.addIssue({ code: 'custom', path: ['targets', index, 'commands', 'sqlArguments'], message: 'is empty on a Snowflake target, so none of its SQL would be classified: name the SQL tool and argument under commands.sqlTools (e.g. run_snowflake_query: [statement])' });
    }
    credentialProblems(target).forEach(([path, message]) => ctx.addIssue({ code: 'custom', path: ['targets', index, ...path], message }));
    const max = target.maxDuration ?? config.defaults.maxDuration;
    target.autoApprove.forEach((rule, r) => {
      if (rule.maxDuration > max) {
        ctx.addIssue({ code: 'custom', path: ['targets', index, 'autoApprove', r, 'maxDuration'], message: 'is longer than the target\'s maxDuration' });
      }
    });
  });
});

export type GatehouseConfig = z.output<typeof configSchema>;
export type TargetConfig = z.output<typeof targetSchema>;

/** Where a target's credential would go, checked: each problem as [path under the target, message]. */
function credentialProblems(target: z.output<typeof targetSchema>): [(string | number)[], string][] {
  const { provider, delivery, settings } = target.credentials;
  const upstream = target.upstream;
  if (provider === 'none') {
    const problems: [(string | number)[], string][] = [];
    if (delivery) problems.push([['credentials', 'delivery'], 'a target with credentials: none has no credential to deliver; remove delivery']);
    if (Object.keys(settings).length) problems.push([['credentials', 'settings'], 'a target with credentials: none takes no settings']);
    return problems;
  }
  if (upstream.type === 'stdio') {
    return delivery && 'header' in delivery ? [[['credentials', 'delivery'], 'a stdio upstream receives its credential in its environment: use delivery: { env: NAME }']] : [];
  }
  if (!delivery) {
    return [[['credentials', 'delivery'], `the http upstream would receive no credential, so provider "${provider}" would mint one for nothing: say how it receives it (delivery: { header: Authorization, format: "Bearer {credential}" }) or use credentials: none`]];
  }
  if ('env' in delivery) return [[['credentials', 'delivery'], 'an http upstream has no environment: use delivery: { header: NAME, format: "..." }']];
  const problems: [(string | number)[], string][] = [];
  if (provider === 'snowflake' && !delivery.sendCredential) {
    problems.push([['credentials', 'delivery', 'sendCredential'],
      "the snowflake provider's credential is a live Snowflake login (a programmatic access token or a private key); it goes to an http upstream only when this target says so: sendCredential: true"]);
  }
  const url = new URL(upstream.url);
  if (url.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    problems.push([['upstream', 'url'], 'a credential is sent to this upstream, so it must use https (plain http only on loopback)']);
  }
  return problems;
}
