import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Catalog, NetworkPolicyRecord, PatRecord, UserRecord } from './catalog';
import { column, type Cell, type RowType } from './encode';
import { SnowflakeError } from './errors';
import type { TokenCursor } from './parser';

/**
 * Programmatic access tokens (PATs) and the network policies Snowflake requires for them, as
 * https://docs.snowflake.com/en/user-guide/programmatic-access-tokens describes:
 *
 *   CREATE NETWORK POLICY [IF NOT EXISTS] n ALLOWED_IP_LIST = ('ip' | 'cidr', ...) [BLOCKED_IP_LIST = (...)] [COMMENT = '...']
 *   DROP NETWORK POLICY [IF EXISTS] n                      (refused while a user is subject to it)
 *   GRANT OWNERSHIP ON NETWORK POLICY n TO ROLE r [COPY CURRENT GRANTS]
 *   SHOW NETWORK POLICIES
 *   CREATE USER / ALTER USER ... SET NETWORK_POLICY = n  (the session's role must own n)
 *   ALTER USER [IF EXISTS] u ADD { PROGRAMMATIC ACCESS TOKEN | PAT } [IF NOT EXISTS] t
 *       [ROLE_RESTRICTION = 'role'] [DAYS_TO_EXPIRY = d] [MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT = m] [COMMENT = '...']
 *     -> one row: token_name, token_secret (the secret is shown this once; only its SHA-256 is kept)
 *   ALTER USER [IF EXISTS] u REMOVE { PROGRAMMATIC ACCESS TOKEN | PAT } t
 *   SHOW USER { PROGRAMMATIC ACCESS TOKENS | PATS } [FOR USER u]
 *
 * Rules kept: a SERVICE user needs ROLE_RESTRICTION, and a network policy to be given a token or to
 * log in with one (ENFORCED_REQUIRED, Snowflake's default; there are no authentication policies
 * here to relax it); the restricted role must be granted to the user, at creation and at every
 * login; the login comes from an address the user's policy allows; a disabled user's tokens are
 * disabled and stay so; a dropped user's tokens go with it. Error codes that Snowflake's pages do
 * not give (394xxx) are this stand-in's own.
 */

const DAY_MS = 86_400_000;

/** What these statements need of account.ts's context (kept structural: account.ts imports this file). */
interface AccountContext {
  catalog: Catalog;
  roles: Set<string>;
  session: { user: string; role: string };
}

interface StatementResult {
  rowtype: RowType[];
  rowset: Cell[][];
  statementTypeId: number;
}

function table(columns: string[], rows: Cell[][]): StatementResult {
  return { rowtype: columns.map((c) => column(c, 'text')), rowset: rows, statementTypeId: 0x4000 };
}

function ok(message = 'Statement executed successfully.'): StatementResult {
  return { rowtype: [column('status', 'text')], rowset: [[message]], statementTypeId: 0x6000 };
}

export function sha256(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function ownsPolicy(ctx: AccountContext, policy: NetworkPolicyRecord): boolean {
  return ctx.catalog.isAdmin(ctx.roles) || ctx.roles.has(policy.owner);
}

function ipList(c: TokenCursor): string[] {
  c.expectPunct('=');
  c.expectPunct('(');
  const list: string[] = [];
  if (!c.acceptPunct(')')) {
    do {
      const entry = c.string('an IP address or CIDR range');
      const [address, bits] = entry.split('/');
      if (isIP(address ?? '') !== 4 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= 32))) c.fail(`invalid IPv4 address or range '${entry}'`);
      list.push(entry);
    } while (c.acceptPunct(','));
    c.expectPunct(')');
  }
  return list;
}

/** CREATE NETWORK POLICY (after CREATE [OR REPLACE] NETWORK POLICY). Needs SECURITYADMIN or CREATE NETWORK POLICY. */
export function createNetworkPolicy(ctx: AccountContext, c: TokenCursor, orReplace: boolean): StatementResult {
  const notExists = c.acceptWords('IF', 'NOT', 'EXISTS');
  const name = c.identifier('network policy name');
  let allowedIps: string[] = [];
  let blockedIps: string[] = [];
  let comment: string | undefined;
  while (!c.done) {
    if (c.acceptWords('ALLOWED_IP_LIST')) allowedIps = ipList(c);
    else if (c.acceptWords('BLOCKED_IP_LIST')) blockedIps = ipList(c);
    else if (c.acceptWords('COMMENT')) {
      c.expectPunct('=');
      comment = c.string();
    } else c.fail('expected ALLOWED_IP_LIST, BLOCKED_IP_LIST or COMMENT');
  }
  const { catalog } = ctx;
  if (!catalog.isAdmin(ctx.roles) && !ctx.roles.has('SECURITYADMIN') && !catalog.has(ctx.roles, 'CREATE NETWORK POLICY', 'ACCOUNT', '')) {
    throw SnowflakeError.insufficientPrivileges('account');
  }
  const existing = catalog.networkPolicy(name);
  if (existing) {
    if (notExists) return ok(`${name} already exists, statement succeeded.`);
    if (!orReplace) throw SnowflakeError.alreadyExists('Network policy', name);
    if (usersSubjectTo(catalog, name).length) throw new SnowflakeError('394501', `Network policy ${name} cannot be replaced because it is attached to a user.`, '42601');
  }
  catalog.putNetworkPolicy({ name, allowedIps, blockedIps, owner: ctx.session.role, comment, createdOn: new Date().toISOString() });
  return ok(`Network policy ${name} successfully created.`);
}

function usersSubjectTo(catalog: Catalog, policy: string): UserRecord[] {
  return catalog.users().filter((u) => u.networkPolicy === policy);
}

/** DROP NETWORK POLICY (after DROP NETWORK POLICY). */
export function dropNetworkPolicy(ctx: AccountContext, c: TokenCursor): StatementResult {
  const exists = c.acceptWords('IF', 'EXISTS');
  const name = c.identifier('network policy name');
  c.end();
  const policy = ctx.catalog.networkPolicy(name);
  if (!policy) {
    if (exists) return ok(`Drop statement executed successfully (${name} already dropped).`);
    throw SnowflakeError.notFound('Network policy', name);
  }
  if (!ownsPolicy(ctx, policy)) throw SnowflakeError.insufficientPrivileges(`network policy '${name}'`);
  if (usersSubjectTo(ctx.catalog, name).length) throw new SnowflakeError('394501', `Network policy ${name} cannot be dropped because it is attached to a user.`, '42601');
  ctx.catalog.dropNetworkPolicy(name);
  return ok(`${name} successfully dropped.`);
}

/** GRANT OWNERSHIP ON NETWORK POLICY n TO ROLE r (after GRANT OWNERSHIP ON NETWORK POLICY). */
export function grantNetworkPolicyOwnership(ctx: AccountContext, c: TokenCursor): StatementResult {
  const name = c.identifier('network policy name');
  c.expectWords('TO', 'ROLE');
  const to = c.identifier('role name');
  if (!c.acceptWords('COPY', 'CURRENT', 'GRANTS')) c.acceptWords('REVOKE', 'CURRENT', 'GRANTS');
  c.end();
  const policy = ctx.catalog.networkPolicy(name);
  if (!policy) throw SnowflakeError.notFound('Network policy', name);
  if (!ctx.catalog.role(to)) throw SnowflakeError.notFound('Role', to);
  if (!ownsPolicy(ctx, policy) && !ctx.catalog.has(ctx.roles, 'MANAGE GRANTS', 'ACCOUNT', '')) throw SnowflakeError.insufficientPrivileges(`network policy '${name}'`);
  ctx.catalog.putNetworkPolicy({ ...policy, owner: to });
  return ok();
}

export function showNetworkPolicies(ctx: AccountContext, c: TokenCursor): StatementResult {
  c.end();
  const rows = ctx.catalog.networkPolicies()
    .filter((p) => ownsPolicy(ctx, p) || ctx.roles.has('SECURITYADMIN'))
    .map((p): Cell[] => [p.createdOn, p.name, p.comment ?? null, String(p.allowedIps.length), String(p.blockedIps.length), p.owner]);
  return table(['created_on', 'name', 'comment', 'entries_in_allowed_ip_list', 'entries_in_blocked_ip_list', 'owner'], rows);
}

/**
 * The NETWORK_POLICY property of CREATE USER / ALTER USER SET: the policy must exist and the
 * session's role own it (Snowflake's rule since the bundle that closed setting unknown policies).
 */
export function checkNetworkPolicyProperty(ctx: AccountContext, name: string): void {
  const policy = ctx.catalog.networkPolicy(name);
  if (!policy) throw SnowflakeError.notFound('Network policy', name);
  if (!ownsPolicy(ctx, policy)) throw SnowflakeError.insufficientPrivileges(`network policy '${name}'`);
}

function tokenKeyword(c: TokenCursor): void {
  if (!c.acceptWords('PROGRAMMATIC', 'ACCESS', 'TOKEN') && !c.acceptWords('PAT')) c.fail('expected PROGRAMMATIC ACCESS TOKEN or PAT');
}

/** ALTER USER u ADD PAT ... (the cursor after ADD; the caller checked that the session's role owns u). */
export function addPat(ctx: AccountContext, c: TokenCursor, user: UserRecord): StatementResult {
  tokenKeyword(c);
  const notExists = c.acceptWords('IF', 'NOT', 'EXISTS');
  const name = c.identifier('token name');
  let roleRestriction: string | undefined;
  let days = 15;
  let bypassMinutes = 0;
  let comment: string | undefined;
  while (!c.done) {
    const key = c.identifier('token property');
    c.expectPunct('=');
    const value = c.value();
    if (key === 'ROLE_RESTRICTION') roleRestriction = String(value).toUpperCase();
    else if (key === 'DAYS_TO_EXPIRY') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 365) c.fail('DAYS_TO_EXPIRY must be an integer from 1 to 365');
      days = value;
    } else if (key === 'MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) c.fail('MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT must be a non-negative integer');
      bypassMinutes = value;
    } else if (key === 'COMMENT') comment = String(value);
    else c.fail(`unknown token property ${key}`);
  }
  const existing = user.pats?.find((p) => p.name === name);
  if (existing) {
    if (notExists) return table(['token_name', 'token_secret'], []);
    throw SnowflakeError.alreadyExists('Programmatic access token', name);
  }
  if (user.type === 'SERVICE' && !roleRestriction) {
    throw new SnowflakeError('394502', `ROLE_RESTRICTION is required to create a programmatic access token for user ${user.name} of TYPE SERVICE.`, '42601');
  }
  if (roleRestriction && (!ctx.catalog.role(roleRestriction) || !ctx.catalog.userHasRole(user.name, roleRestriction))) {
    throw new SnowflakeError('394503', `Role '${roleRestriction}' in ROLE_RESTRICTION is not granted to user ${user.name}.`, '42601');
  }
  if (user.type === 'SERVICE' && !subjectToPolicy(ctx.catalog, user) && bypassMinutes === 0) {
    throw new SnowflakeError('394504', `Programmatic access tokens cannot be generated for user ${user.name}: the user must be subject to a network policy.`, '42601');
  }
  const secret = randomBytes(48).toString('base64url');
  const record: PatRecord = {
    name, secretSha256: sha256(secret), ...(roleRestriction ? { roleRestriction } : {}), expiresAtMs: Date.now() + days * DAY_MS,
    disabled: false, ...(comment !== undefined ? { comment } : {}), createdOn: new Date().toISOString(), createdBy: ctx.session.user,
  };
  ctx.catalog.updateUser(user.name, { pats: [...(user.pats ?? []), record] });
  return table(['token_name', 'token_secret'], [[name, secret]]);
}

/** ALTER USER u REMOVE PAT t (the cursor after REMOVE). */
export function removePat(ctx: AccountContext, c: TokenCursor, user: UserRecord): StatementResult {
  tokenKeyword(c);
  const name = c.identifier('token name');
  c.end();
  if (!user.pats?.some((p) => p.name === name)) throw SnowflakeError.notFound('Programmatic access token', name);
  ctx.catalog.updateUser(user.name, { pats: user.pats.filter((p) => p.name !== name) });
  return ok();
}

/** SHOW USER PATS [FOR USER u] (the cursor after SHOW USER). */
export function showPats(ctx: AccountContext, c: TokenCursor, owns: (user: UserRecord) => boolean): StatementResult {
  tokenKeyword2(c);
  let name = ctx.session.user;
  if (c.acceptWords('FOR', 'USER')) name = c.identifier('user name');
  c.end();
  const user = ctx.catalog.user(name);
  if (!user) throw SnowflakeError.notFound('User', name);
  if (name !== ctx.session.user && !owns(user)) throw SnowflakeError.insufficientPrivileges(`user '${name}'`);
  const rows = (user.pats ?? []).map((p): Cell[] => [
    p.name, user.name, p.roleRestriction ?? null, new Date(p.expiresAtMs).toISOString(), patStatus(p, user), p.comment ?? null, p.createdOn, p.createdBy, '0',
  ]);
  return table(['name', 'user_name', 'role_restriction', 'expires_at', 'status', 'comment', 'created_on', 'created_by', 'mins_to_bypass_network_policy_requirement'], rows);
}

function tokenKeyword2(c: TokenCursor): void {
  if (!c.acceptWords('PROGRAMMATIC', 'ACCESS', 'TOKENS') && !c.acceptWords('PATS')) c.fail('expected PROGRAMMATIC ACCESS TOKENS or PATS');
}

function patStatus(p: PatRecord, user: UserRecord, now = Date.now()): string {
  if (p.disabled || user.disabled) return 'DISABLED';
  return p.expiresAtMs <= now ? 'EXPIRED' : 'ACTIVE';
}

/** A disabled user's tokens are disabled, and stay disabled when the user is enabled again. */
export function disableTokens(catalog: Catalog, user: UserRecord): void {
  if (user.pats?.some((p) => !p.disabled)) catalog.updateUser(user.name, { pats: user.pats.map((p) => ({ ...p, disabled: true })) });
}

function subjectToPolicy(catalog: Catalog, user: UserRecord): NetworkPolicyRecord | undefined {
  return user.networkPolicy ? catalog.networkPolicy(user.networkPolicy) : undefined;
}

function inRange(address: string, entry: string): boolean {
  const [base, bitsText] = entry.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const toInt = (ip: string) => ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  if (isIP(address) !== 4) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((toInt(address) & mask) >>> 0) === ((toInt(base!) & mask) >>> 0);
}

export interface PatLogin {
  user: UserRecord;
  /** The role the session gets: the token's ROLE_RESTRICTION (none: the usual default role). */
  role?: string;
}

/**
 * Checks a login by PAT (authenticator PROGRAMMATIC_ACCESS_TOKEN, the secret in data.TOKEN) from
 * `clientAddress`: the token must be one of the named user's (or, without a name, of any user),
 * active, unexpired, its restricted role still granted, and the user subject to a network policy
 * that allows the address. Returns the login or Snowflake's error.
 */
export function checkPatLogin(catalog: Catalog, loginName: string, secret: unknown, clientAddress: string): PatLogin | SnowflakeError {
  const invalid = new SnowflakeError('394400', 'Programmatic access token is invalid.', '08004');
  if (typeof secret !== 'string' || secret.length < 16) return invalid;
  const digest = Buffer.from(sha256(secret), 'hex');
  const named = loginName ? catalog.user(loginName) ?? catalog.user(loginName.toUpperCase()) : undefined;
  const candidates = loginName ? (named ? [named] : []) : catalog.users();
  for (const user of candidates) {
    const token = user.pats?.find((p) => timingSafeEqual(Buffer.from(p.secretSha256, 'hex'), digest));
    if (!token) continue;
    // A disabled or expired user is refused by the login's own check, with Snowflake's code for it.
    if (user.disabled) return { user };
    if (patStatus(token, user) !== 'ACTIVE') return new SnowflakeError('394401', `Programmatic access token ${token.name} is ${patStatus(token, user).toLowerCase()}.`, '08004');
    if (token.roleRestriction && !catalog.userHasRole(user.name, token.roleRestriction)) return invalid;
    const policy = subjectToPolicy(catalog, user);
    const address = clientAddress.replace(/^::ffff:/, '');
    if (!policy) return new SnowflakeError('394402', `User ${user.name} must be subject to a network policy to authenticate with a programmatic access token.`, '08004');
    if (!policy.allowedIps.some((entry) => inRange(address, entry)) || policy.blockedIps.some((entry) => inRange(address, entry))) {
      return new SnowflakeError('390422', `IP ${address} is not allowed to access Snowflake.  Contact your local security administrator or please create a case with Snowflake Support or reach us on our support line.`, '08004');
    }
    return { user, ...(token.roleRestriction ? { role: token.roleRestriction } : {}) };
  }
  return invalid;
}
