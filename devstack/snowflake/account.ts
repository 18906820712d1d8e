import type { Catalog, ObjectType, UserRecord, UserType } from './catalog';
import { normalizePublicKey } from './catalog';
import { column, type Cell, type RowType } from './encode';
import { INHERITED_PARAMETERS, STATEMENT_TIMEOUT, timeoutValue } from './control';
import { SnowflakeError } from './errors';
import type { Token } from './lexer';
import { TokenCursor } from './parser';
import {
  addPat, checkNetworkPolicyProperty, createNetworkPolicy, disableTokens, dropNetworkPolicy, grantNetworkPolicyOwnership, removePat, showNetworkPolicies, showPats,
} from './pats';

/**
 * Snowflake's account statements (users, roles, grants, USE, SHOW, databases, schemas,
 * warehouses), executed against the catalog with Snowflake's access-control rules:
 * - CREATE USER / CREATE ROLE need that account privilege; the creating role owns the object.
 * - ALTER/DROP USER and DROP ROLE need ownership (held by the role or a role it inherits).
 * - GRANT/REVOKE ROLE need ownership of the granted role or MANAGE GRANTS.
 * - GRANT/REVOKE privileges need ownership of the object or MANAGE GRANTS.
 * ACCOUNTADMIN holds everything.
 */
export interface AccountSession {
  user: string;
  role: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  params: Record<string, string | number | boolean>;
}

export interface StatementResult {
  rowtype: RowType[];
  rowset: Cell[][];
  statementTypeId: number;
}

export interface AccountContext {
  catalog: Catalog;
  session: AccountSession;
  /** Effective roles of the session (current role and everything it inherits). */
  roles: Set<string>;
  createDatabase(name: string): Promise<void>;
  createSchema(database: string, schema: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  dropSchema(database: string, schema: string): Promise<void>;
  schemaExists(database: string, schema: string): Promise<boolean>;
  /** Tables and views in a schema (upper-case names). */
  listTables(database: string, schema: string): Promise<{ name: string; kind: 'TABLE' | 'VIEW'; rows?: number }[]>;
  applySession(): Promise<void>;
}

const STATEMENT_TYPE = { ddl: 0x6000, use: 0x6000, show: 0x4000 } as const;

export function status(message: string, statementTypeId: number = STATEMENT_TYPE.ddl): StatementResult {
  return { rowtype: [column('status', 'text')], rowset: [[message]], statementTypeId };
}

function table(columns: string[], rows: Cell[][]): StatementResult {
  return { rowtype: columns.map((c) => column(c, 'text')), rowset: rows, statementTypeId: STATEMENT_TYPE.show };
}

const USER_PROPERTIES = new Set([
  'TYPE', 'PASSWORD', 'RSA_PUBLIC_KEY', 'RSA_PUBLIC_KEY_2', 'DEFAULT_ROLE', 'DEFAULT_WAREHOUSE', 'DEFAULT_NAMESPACE',
  'DISABLED', 'DAYS_TO_EXPIRY', 'COMMENT', 'NETWORK_POLICY', 'LOGIN_NAME', 'DISPLAY_NAME', 'EMAIL', 'FIRST_NAME', 'LAST_NAME', 'MUST_CHANGE_PASSWORD',
]);

/** Words that begin an account statement, with the word that must follow (if any). */
export function isAccountStatement(tokens: Token[]): boolean {
  const [a, b, c, d] = tokens.map((t) => (t.kind === 'word' ? t.value : ''));
  const objectWord = (w: string | undefined) => ['USER', 'ROLE', 'DATABASE', 'SCHEMA', 'WAREHOUSE', 'NETWORK'].includes(w ?? '');
  if (a === 'CREATE') return objectWord(b) || (b === 'OR' && c === 'REPLACE' && objectWord(d));
  if (a === 'ALTER') return b === 'USER' || b === 'SESSION' || b === 'WAREHOUSE' || b === 'ACCOUNT';
  if (a === 'DROP') return objectWord(b);
  if (a === 'GRANT' || a === 'REVOKE' || a === 'USE' || a === 'SHOW') return true;
  return false;
}

export async function executeAccountStatement(ctx: AccountContext, tokens: Token[], sql: string): Promise<StatementResult> {
  const c = new TokenCursor(tokens, sql);
  if (c.acceptWords('CREATE')) {
    const orReplace = c.acceptWords('OR', 'REPLACE');
    if (c.acceptWords('USER')) return createUser(ctx, c, orReplace);
    if (c.acceptWords('ROLE')) return createRole(ctx, c, orReplace);
    if (c.acceptWords('DATABASE')) return createDatabase(ctx, c);
    if (c.acceptWords('SCHEMA')) return createSchema(ctx, c);
    if (c.acceptWords('WAREHOUSE')) return createWarehouse(ctx, c);
    if (c.acceptWords('NETWORK', 'POLICY')) return createNetworkPolicy(ctx, c, orReplace);
  }
  if (c.acceptWords('ALTER', 'USER')) return alterUser(ctx, c);
  if (c.acceptWords('ALTER', 'SESSION')) return alterSession(ctx, c);
  if (c.acceptWords('ALTER', 'ACCOUNT')) return alterAccount(ctx, c);
  if (c.acceptWords('ALTER', 'WAREHOUSE')) return status('Statement executed successfully.');
  if (c.acceptWords('DROP', 'NETWORK', 'POLICY')) return dropNetworkPolicy(ctx, c);
  if (c.acceptWords('GRANT', 'OWNERSHIP', 'ON', 'NETWORK', 'POLICY')) return grantNetworkPolicyOwnership(ctx, c);
  if (c.acceptWords('SHOW', 'NETWORK', 'POLICIES')) return showNetworkPolicies(ctx, c);
  if (c.acceptWords('SHOW', 'USER')) return showPats(ctx, c, (user) => ownsUser(ctx, user));
  if (c.acceptWords('DROP')) return drop(ctx, c);
  if (c.acceptWords('GRANT')) return grant(ctx, c, true);
  if (c.acceptWords('REVOKE')) return grant(ctx, c, false);
  if (c.acceptWords('USE')) return use(ctx, c);
  if (c.acceptWords('SHOW')) return show(ctx, c);
  return c.fail('unknown statement');
}

// ---- helpers ----

function needAccountPrivilege(ctx: AccountContext, privilege: string, what: string): void {
  if (!ctx.catalog.has(ctx.roles, privilege, 'ACCOUNT', '')) throw SnowflakeError.insufficientPrivileges(what);
}

function ownsUser(ctx: AccountContext, user: UserRecord): boolean {
  return ctx.catalog.isAdmin(ctx.roles) || ctx.roles.has(user.owner) || ctx.catalog.has(ctx.roles, 'MANAGE GRANTS', 'ACCOUNT', '');
}

function ownsRole(ctx: AccountContext, role: string): boolean {
  const record = ctx.catalog.role(role);
  return ctx.catalog.isAdmin(ctx.roles) || (!!record && ctx.roles.has(record.owner)) || ctx.catalog.has(ctx.roles, 'MANAGE GRANTS', 'ACCOUNT', '');
}

function ownsObject(ctx: AccountContext, type: ObjectType, name: string): boolean {
  const owner = ctx.catalog.ownerOf(type, name);
  return ctx.catalog.isAdmin(ctx.roles) || (!!owner && ctx.roles.has(owner)) || ctx.catalog.has(ctx.roles, 'MANAGE GRANTS', 'ACCOUNT', '');
}

function ifExists(c: TokenCursor): boolean {
  return c.acceptWords('IF', 'EXISTS');
}

function ifNotExists(c: TokenCursor): boolean {
  return c.acceptWords('IF', 'NOT', 'EXISTS');
}

interface UserProps {
  set: Partial<UserRecord> & { password?: string };
}

function parseUserProperties(c: TokenCursor): UserProps['set'] {
  const set: UserProps['set'] = {};
  while (!c.done) {
    const key = c.identifier('property name');
    if (!USER_PROPERTIES.has(key) && !INHERITED_PARAMETERS.has(key)) c.fail(`unknown user property ${key}`);
    c.expectPunct('=');
    const value = c.value();
    if (INHERITED_PARAMETERS.has(key)) {
      set.parameters = { ...set.parameters, [key]: timeoutValue(value) };
      continue;
    }
    switch (key) {
      case 'TYPE': {
        const type = String(value).toUpperCase();
        if (type !== 'PERSON' && type !== 'SERVICE' && type !== 'LEGACY_SERVICE') c.fail(`TYPE must be PERSON, SERVICE or LEGACY_SERVICE`);
        set.type = type as UserType;
        break;
      }
      case 'PASSWORD':
        set.password = String(value);
        break;
      case 'RSA_PUBLIC_KEY':
        set.rsaPublicKey = normalizePublicKey(String(value));
        break;
      case 'RSA_PUBLIC_KEY_2':
        set.rsaPublicKey2 = normalizePublicKey(String(value));
        break;
      case 'DEFAULT_ROLE':
        set.defaultRole = String(value);
        break;
      case 'DEFAULT_WAREHOUSE':
        set.defaultWarehouse = String(value);
        break;
      case 'DEFAULT_NAMESPACE':
        set.defaultNamespace = String(value);
        break;
      case 'DISABLED':
        if (typeof value !== 'boolean' && !/^(true|false)$/i.test(String(value))) c.fail('DISABLED must be TRUE or FALSE');
        set.disabled = value === true || /^true$/i.test(String(value));
        break;
      case 'DAYS_TO_EXPIRY':
        if (typeof value !== 'number' || !(value > 0)) c.fail('DAYS_TO_EXPIRY must be a positive number');
        set.daysToExpiry = value;
        break;
      case 'COMMENT':
        set.comment = String(value);
        break;
      case 'NETWORK_POLICY':
        set.networkPolicy = String(value).toUpperCase();
        break;
      default:
        break; // accepted and ignored: LOGIN_NAME, DISPLAY_NAME, EMAIL, ...
    }
  }
  return set;
}

async function createUser(ctx: AccountContext, c: TokenCursor, orReplace: boolean): Promise<StatementResult> {
  const notExists = ifNotExists(c);
  const name = c.identifier('user name');
  const props = parseUserProperties(c);
  needAccountPrivilege(ctx, 'CREATE USER', 'account');
  const existing = ctx.catalog.user(name);
  if (existing) {
    if (notExists) return status(`${name} already exists, statement succeeded.`);
    if (!orReplace) throw SnowflakeError.alreadyExists('User', name);
    if (!ownsUser(ctx, existing)) throw SnowflakeError.insufficientPrivileges(`user '${name}'`);
    ctx.catalog.dropUser(name);
  }
  if (props.networkPolicy) checkNetworkPolicyProperty(ctx, props.networkPolicy);
  if (props.type === 'SERVICE' && props.password) throw new SnowflakeError('002211', `SQL compilation error:\nProperty 'PASSWORD' is not supported for users of TYPE SERVICE.`);
  ctx.catalog.createUser({ ...props, name, type: props.type ?? 'PERSON', owner: ctx.session.role });
  return status(`User ${name} successfully created.`);
}

async function alterUser(ctx: AccountContext, c: TokenCursor): Promise<StatementResult> {
  const exists = ifExists(c);
  // ALTER USER ADD|REMOVE PAT ... without a name: the session's own user (Snowflake's grammar);
  // a SERVICE user still needs ownership of itself for that, which an issued user never has.
  const ownTokens = ['ADD', 'REMOVE'].some((verb) => c.isWord(verb, 'PAT') || c.isWord(verb, 'PROGRAMMATIC', 'ACCESS', 'TOKEN'));
  const name = ownTokens ? ctx.session.user : c.identifier('user name');
  const user = ctx.catalog.user(name);
  if (!user) {
    if (exists) return status('Statement executed successfully.');
    throw SnowflakeError.notFound('User', name);
  }
  if (!ownsUser(ctx, user)) throw SnowflakeError.insufficientPrivileges(`user '${name}'`);
  if (c.acceptWords('ADD')) return addPat(ctx, c, user);
  if (c.acceptWords('REMOVE')) return removePat(ctx, c, user);
  if (c.acceptWords('SET')) {
    const set = parseUserProperties(c);
    if (set.parameters) set.parameters = { ...user.parameters, ...set.parameters };
    if (set.networkPolicy) checkNetworkPolicyProperty(ctx, set.networkPolicy);
    ctx.catalog.updateUser(name, set);
    if (set.disabled) disableTokens(ctx.catalog, ctx.catalog.user(name)!);
  } else if (c.acceptWords('UNSET')) {
    const fields: string[] = [];
    do {
      const key = c.identifier('property name');
      if (INHERITED_PARAMETERS.has(key)) {
        ctx.catalog.setUserParameter(name, key, undefined);
        continue;
      }
      const field = { RSA_PUBLIC_KEY: 'rsaPublicKey', RSA_PUBLIC_KEY_2: 'rsaPublicKey2', DEFAULT_ROLE: 'defaultRole', DEFAULT_WAREHOUSE: 'defaultWarehouse', DAYS_TO_EXPIRY: 'daysToExpiry', COMMENT: 'comment', PASSWORD: 'passwordHash', NETWORK_POLICY: 'networkPolicy' }[key];
      if (!field) c.fail(`cannot UNSET ${key}`);
      fields.push(field);
    } while (c.acceptPunct(','));
    c.end();
    ctx.catalog.updateUser(name, {}, fields);
  } else {
    c.fail('expected SET or UNSET');
  }
  return status('Statement executed successfully.');
}

async function createRole(ctx: AccountContext, c: TokenCursor, orReplace: boolean): Promise<StatementResult> {
  const notExists = ifNotExists(c);
  const name = c.identifier('role name');
  let comment: string | undefined;
  if (c.acceptWords('COMMENT')) {
    c.expectPunct('=');
    comment = c.string();
  }
  c.end();
  needAccountPrivilege(ctx, 'CREATE ROLE', 'account');
  if (ctx.catalog.role(name)) {
    if (notExists) return status(`${name} already exists, statement succeeded.`);
    if (!orReplace) throw SnowflakeError.alreadyExists('Role', name);
    if (!ownsRole(ctx, name)) throw SnowflakeError.insufficientPrivileges(`role '${name}'`);
    ctx.catalog.dropRole(name);
  }
  ctx.catalog.createRole(name, ctx.session.role, comment);
  return status(`Role ${name} successfully created.`);
}

function qualify(ctx: AccountContext, parts: string[], depth: 2 | 3): string {
  const { database, schema } = ctx.session;
  if (depth === 2) {
    if (parts.length === 2) return parts.join('.');
    if (parts.length === 1 && database) return `${database}.${parts[0]}`;
  } else {
    if (parts.length === 3) return parts.join('.');
    if (parts.length === 2 && database) return `${database}.${parts.join('.')}`;
    if (parts.length === 1 && database && schema) return `${database}.${schema}.${parts[0]}`;
  }
  throw new SnowflakeError('090105', `Cannot perform operation. This session does not have a current ${depth === 2 ? 'database' : 'schema'}. Call 'USE DATABASE', or use a qualified name.`, '22000');
}

async function createDatabase(ctx: AccountContext, c: TokenCursor): Promise<StatementResult> {
  const notExists = ifNotExists(c);
  const name = c.identifier('database name');
  c.end();
  needAccountPrivilege(ctx, 'CREATE DATABASE', 'account');
  if (ctx.catalog.databases.includes(name)) {
    if (notExists) return status(`${name} already exists, statement succeeded.`);
    throw SnowflakeError.alreadyExists('Database', name);
  }
  await ctx.createDatabase(name);
  ctx.catalog.addDatabase(name);
  ctx.catalog.grantPrivilege('OWNERSHIP', 'DATABASE', name, ctx.session.role, ctx.session.role);
  ctx.catalog.grantPrivilege('OWNERSHIP', 'SCHEMA', `${name}.PUBLIC`, ctx.session.role, ctx.session.role);
  ctx.session.database = name;
  ctx.session.schema = 'PUBLIC';
  await ctx.applySession();
  return status(`Database ${name} successfully created.`);
}

async function createSchema(ctx: AccountContext, c: TokenCursor): Promise<StatementResult> {
  const notExists = ifNotExists(c);
  const full = qualify(ctx, c.qualifiedName('schema name'), 2);
  c.end();
  const [database, schema] = full.split('.') as [string, string];
  if (!ctx.catalog.databases.includes(database)) throw SnowflakeError.notFound('Database', database);
  if (!ownsObject(ctx, 'DATABASE', database) && !ctx.catalog.has(ctx.roles, 'CREATE SCHEMA', 'DATABASE', database)) {
    throw SnowflakeError.insufficientPrivileges(`database '${database}'`);
  }
  if (await ctx.schemaExists(database, schema)) {
    if (notExists) return status(`${schema} already exists, statement succeeded.`);
    throw SnowflakeError.alreadyExists('Schema', full);
  }
  await ctx.createSchema(database, schema);
  ctx.catalog.grantPrivilege('OWNERSHIP', 'SCHEMA', full, ctx.session.role, ctx.session.role);
  return status(`Schema ${schema} successfully created.`);
}

async function createWarehouse(ctx: AccountContext, c: TokenCursor): Promise<StatementResult> {
  const notExists = ifNotExists(c);
  const name = c.identifier('warehouse name');
  needAccountPrivilege(ctx, 'CREATE WAREHOUSE', 'account');
  if (ctx.catalog.hasWarehouse(name)) {
    if (notExists) return status(`${name} already exists, statement succeeded.`);
    throw SnowflakeError.alreadyExists('Warehouse', name);
  }
  ctx.catalog.addWarehouse(name);
  ctx.catalog.grantPrivilege('OWNERSHIP', 'WAREHOUSE', name, ctx.session.role, ctx.session.role);
  return status(`Warehouse ${name} successfully created.`);
}

async function drop(ctx: AccountContext, c: TokenCursor): Promise<StatementResult> {
  if (c.acceptWords('USER')) {
    const exists = ifExists(c);
    const name = c.identifier('user name');
    c.end();
    const user = ctx.catalog.user(name);
    if (!user) {
      if (exists) return status('Drop statement executed successfully (' + name + ' already dropped).');
      throw SnowflakeError.notFound('User', name);
    }
    if (!ownsUser(ctx, user)) throw SnowflakeError.insufficientPrivileges(`user '${name}'`);
    ctx.catalog.dropUser(name);
    return status(`${name} successfully dropped.`);
  }
  if (c.acceptWords('ROLE')) {
    const exists = ifExists(c);
    const name = c.identifier('role name');
    c.end();
    if (!ctx.catalog.role(name)) {
      if (exists) return status('Drop statement executed successfully (' + name + ' already dropped).');
      throw SnowflakeError.notFound('Role', name);
    }
    if ((['ACCOUNTADMIN', 'SECURITYADMIN', 'USERADMIN', 'SYSADMIN', 'PUBLIC'] as string[]).includes(name)) {
      throw SnowflakeError.insufficientPrivileges(`role '${name}'`);
    }
    if (!ownsRole(ctx, name)) throw SnowflakeError.insufficientPrivileges(`role '${name}'`);
    ctx.catalog.dropRole(name);
    return status(`${name} successfully dropped.`);
  }
  if (c.acceptWords('DATABASE')) {
    const exists = ifExists(c);
    const name = c.identifier('database name');
    c.end();
    if (!ctx.catalog.databases.includes(name)) {
      if (exists) return status('Drop statement executed successfully.');
      throw SnowflakeError.notFound('Database', name);
    }
    if (!ownsObject(ctx, 'DATABASE', name)) throw SnowflakeError.insufficientPrivileges(`database '${name}'`);
    await ctx.dropDatabase(name);
    ctx.catalog.dropObject('DATABASE', name);
    return status(`${name} successfully dropped.`);
  }
  if (c.acceptWords('SCHEMA')) {
    const exists = ifExists(c);
    const full = qualify(ctx, c.qualifiedName('schema name'), 2);
    c.end();
    const [database, schema] = full.split('.') as [string, string];
    if (!ctx.catalog.databases.includes(database) || !(await ctx.schemaExists(database, schema))) {
      if (exists) return status('Drop statement executed successfully.');
      throw SnowflakeError.notFound('Schema', full);
    }
    if (!ownsObject(ctx, 'SCHEMA', full)) throw SnowflakeError.insufficientPrivileges(`schema '${full}'`);
    await ctx.dropSchema(database, schema);
    ctx.catalog.dropObject('SCHEMA', full);
    return status(`${schema} successfully dropped.`);
  }
  if (c.acceptWords('WAREHOUSE')) {
    const exists = ifExists(c);
    const name = c.identifier('warehouse name');
    c.end();
    if (!ctx.catalog.hasWarehouse(name)) {
      if (exists) return status('Drop statement executed successfully.');
      throw SnowflakeError.notFound('Warehouse', name);
    }
    if (!ownsObject(ctx, 'WAREHOUSE', name)) throw SnowflakeError.insufficientPrivileges(`warehouse '${name}'`);
    ctx.catalog.dropObject('WAREHOUSE', name);
    return status(`${name} successfully dropped.`);
  }
  return c.fail('expected USER, ROLE, DATABASE, SCHEMA or WAREHOUSE');
}

const OBJECT_PRIVILEGES = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'USAGE', 'OWNERSHIP', 'MONITOR', 'OPERATE', 'CREATE TABLE', 'CREATE VIEW', 'CREATE SCHEMA', 'CREATE TAG', 'APPLY', 'ALL']);
const ACCOUNT_PRIVILEGES = new Set(['CREATE USER', 'CREATE ROLE', 'MANAGE GRANTS', 'CREATE DATABASE', 'CREATE WAREHOUSE', 'APPLY TAG']);

async function grant(ctx: AccountContext, c: TokenCursor, granting: boolean): Promise<StatementResult> {
  const toWord = granting ? 'TO' : 'FROM';
  if (c.acceptWords('ROLE')) {
    const role = c.identifier('role name');
    c.expectWords(toWord);
    const granteeType = c.acceptWords('USER') ? 'USER' : (c.expectWords('ROLE'), 'ROLE');
    const grantee = c.identifier(`${granteeType.toLowerCase()} name`);
    c.end();
    if (!ctx.catalog.role(role)) throw SnowflakeError.notFound('Role', role);
    if (granteeType === 'USER' ? !ctx.catalog.user(grantee) : !ctx.catalog.role(grantee)) {
      throw SnowflakeError.notFound(granteeType === 'USER' ? 'User' : 'Role', grantee);
    }
    if (!ownsRole(ctx, role)) throw SnowflakeError.insufficientPrivileges(`role '${role}'`);
    if (granting) ctx.catalog.grantRole(role, granteeType, grantee, ctx.session.role);
    else ctx.catalog.revokeRole(role, granteeType, grantee);
    return status('Statement executed successfully.');
  }

  const privileges: string[] = [];
  do {
    const words: string[] = [];
    while (!c.done && !c.isWord('ON') && c.peek()?.kind === 'word' && !(c.peek()?.kind === 'punct')) {
      words.push(c.identifier());
      if (c.peek()?.kind === 'punct') break;
    }
    let privilege = words.join(' ');
    if (privilege === 'ALL PRIVILEGES') privilege = 'ALL';
    if (!OBJECT_PRIVILEGES.has(privilege) && !ACCOUNT_PRIVILEGES.has(privilege)) c.fail(`unknown privilege ${privilege || '(none)'}`);
    privileges.push(privilege);
  } while (c.acceptPunct(','));
  c.expectWords('ON');

  let objectType: ObjectType;
  let objectNames: string[];
  if (c.acceptWords('ACCOUNT')) {
    objectType = 'ACCOUNT';
    objectNames = [''];
  } else if (c.acceptWords('ALL', 'TABLES', 'IN', 'SCHEMA') || c.acceptWords('ALL', 'VIEWS', 'IN', 'SCHEMA')) {
    const full = qualify(ctx, c.qualifiedName('schema name'), 2);
    const [database, schema] = full.split('.') as [string, string];
    if (!ctx.catalog.databases.includes(database) || !(await ctx.schemaExists(database, schema))) throw SnowflakeError.notFound('Schema', full);
    objectType = 'TABLE';
    objectNames = (await ctx.listTables(database, schema)).map((t) => `${full}.${t.name}`);
  } else if (c.acceptWords('ROLE') || c.acceptWords('USER')) {
    // GRANT OWNERSHIP ON ROLE|USER x TO ROLE y: transfers ownership.
    const isUser = c.peek(-1)?.value === 'USER';
    const name = c.identifier();
    c.expectWords(toWord, 'ROLE');
    const to = c.identifier('role name');
    if (!c.acceptWords('COPY', 'CURRENT', 'GRANTS')) c.acceptWords('REVOKE', 'CURRENT', 'GRANTS');
    c.end();
    if (!granting || privileges.join() !== 'OWNERSHIP') c.fail('only GRANT OWNERSHIP is supported on roles and users');
    if (!ctx.catalog.role(to)) throw SnowflakeError.notFound('Role', to);
    if (isUser) {
      const user = ctx.catalog.user(name);
      if (!user) throw SnowflakeError.notFound('User', name);
      if (!ownsUser(ctx, user)) throw SnowflakeError.insufficientPrivileges(`user '${name}'`);
      ctx.catalog.updateUser(name, { owner: to });
    } else {
      if (!ctx.catalog.role(name)) throw SnowflakeError.notFound('Role', name);
      if (!ownsRole(ctx, name)) throw SnowflakeError.insufficientPrivileges(`role '${name}'`);
      ctx.catalog.setRoleOwner(name, to);
    }
    return status('Statement executed successfully.');
  } else {
    const word = c.identifier('object type');
    if (word === 'DATABASE') {
      objectType = 'DATABASE';
      const name = c.identifier('database name');
      if (!ctx.catalog.databases.includes(name)) throw SnowflakeError.notFound('Database', name);
      objectNames = [name];
    } else if (word === 'SCHEMA') {
      objectType = 'SCHEMA';
      const full = qualify(ctx, c.qualifiedName('schema name'), 2);
      const [database, schema] = full.split('.') as [string, string];
      if (!ctx.catalog.databases.includes(database) || !(await ctx.schemaExists(database, schema))) throw SnowflakeError.notFound('Schema', full);
      objectNames = [full];
    } else if (word === 'TABLE' || word === 'VIEW') {
      objectType = 'TABLE';
      const full = qualify(ctx, c.qualifiedName('table name'), 3);
      const [database, schema, name] = full.split('.') as [string, string, string];
      const exists = ctx.catalog.databases.includes(database) && (await ctx.listTables(database, schema)).some((t) => t.name === name);
      if (!exists) throw SnowflakeError.notFound(word === 'TABLE' ? 'Table' : 'View', full);
      objectNames = [full];
    } else if (word === 'TAG') {
      // https://docs.snowflake.com/en/user-guide/object-tagging/introduction : APPLY on a tag lets a role set it on objects it owns.
      objectType = 'TAG';
      const full = qualify(ctx, c.qualifiedName('tag name'), 3);
      if (!ctx.catalog.tag(full)) throw SnowflakeError.notFound('Tag', full);
      objectNames = [full];
    } else if (word === 'WAREHOUSE') {
      objectType = 'WAREHOUSE';
      const name = c.identifier('warehouse name');
      if (!ctx.catalog.hasWarehouse(name)) throw SnowflakeError.notFound('Warehouse', name);
      objectNames = [name];
    } else {
      return c.fail(`cannot grant on ${word}`);
    }
  }
  c.expectWords(toWord, 'ROLE');
  const grantee = c.identifier('role name');
  c.acceptWords('WITH', 'GRANT', 'OPTION');
  c.end();
  if (!ctx.catalog.role(grantee)) throw SnowflakeError.notFound('Role', grantee);

  for (const objectName of objectNames) {
    const allowed = objectType === 'ACCOUNT' ? ctx.catalog.has(ctx.roles, 'MANAGE GRANTS', 'ACCOUNT', '') : ownsObject(ctx, objectType, objectName);
    if (!allowed) throw SnowflakeError.insufficientPrivileges(objectType === 'ACCOUNT' ? 'account' : `${objectType.toLowerCase()} '${objectName}'`);
  }
  for (const objectName of objectNames) {
    for (const p of privileges) {
      const expanded = p === 'ALL' ? (objectType === 'TABLE' ? ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] : objectType === 'TAG' ? ['APPLY'] : ['USAGE']) : [p];
      for (const privilege of expanded) {
        if (privilege === 'OWNERSHIP' && granting) {
          const previous = ctx.catalog.ownerOf(objectType, objectName);
          if (previous) ctx.catalog.revokePrivilege('OWNERSHIP', objectType, objectName, previous);
        }
        if (granting) ctx.catalog.grantPrivilege(privilege, objectType, objectName, grantee, ctx.session.role);
        else ctx.catalog.revokePrivilege(privilege, objectType, objectName, grantee);
      }
    }
  }
  return status('Statement executed successfully.');
}

async function use(ctx: AccountContext, c: TokenCursor): Promise<StatementResult> {
  const { catalog, session } = ctx;
  if (c.acceptWords('ROLE')) {
    const role = c.identifier('role name');
    c.end();
    if (!catalog.role(role) || !catalog.userHasRole(session.user, role)) {
      throw new SnowflakeError('003013', `SQL compilation error:\nRole '${role}' does not exist or not authorized.`, '42501');
    }
    session.role = role;
    await ctx.applySession();
    return status('Statement executed successfully.', STATEMENT_TYPE.use);
  }
  if (c.acceptWords('WAREHOUSE')) {
    const name = c.identifier('warehouse name');
    c.end();
    if (!catalog.hasWarehouse(name) || !catalog.hasAny(ctx.roles, 'WAREHOUSE', name)) throw SnowflakeError.notFound('Warehouse', name);
    session.warehouse = name;
    return status('Statement executed successfully.', STATEMENT_TYPE.use);
  }
  let parts: string[];
  if (c.acceptWords('SCHEMA')) {
    parts = c.qualifiedName('schema name');
    if (parts.length === 1) {
      if (!session.database) qualify(ctx, parts, 2);
      parts = [session.database!, parts[0]!];
    }
  } else {
    c.acceptWords('DATABASE');
    parts = c.qualifiedName('database name');
  }
  c.end();
  const [database, schema] = parts as [string, string | undefined];
  if (!catalog.databases.includes(database) || !canSeeDatabase(ctx, database)) throw SnowflakeError.notFound('Database', database);
  if (schema !== undefined) {
    if (!(await ctx.schemaExists(database, schema)) || !canSeeSchema(ctx, `${database}.${schema}`)) throw SnowflakeError.notFound('Schema', `${database}.${schema}`);
  }
  session.database = database;
  session.schema = schema ?? 'PUBLIC';
  await ctx.applySession();
  return status('Statement executed successfully.', STATEMENT_TYPE.use);
}

export function canSeeDatabase(ctx: Pick<AccountContext, 'catalog' | 'roles'>, database: string): boolean {
  return ctx.catalog.hasAny(ctx.roles, 'DATABASE', database);
}

export function canSeeSchema(ctx: Pick<AccountContext, 'catalog' | 'roles'>, schema: string): boolean {
  const database = schema.split('.')[0]!;
  return canSeeDatabase(ctx, database) && (ctx.catalog.hasAny(ctx.roles, 'SCHEMA', schema) || ctx.catalog.ownerOf('DATABASE', database) !== undefined && ctx.roles.has(ctx.catalog.ownerOf('DATABASE', database)!));
}

async function alterSession(ctx: AccountContext, c: TokenCursor): Promise<StatementResult> {
  if (c.acceptWords('SET')) {
    do {
      const key = c.identifier('parameter name');
      c.expectPunct('=');
      const value = c.value();
      ctx.session.params[key] = key === STATEMENT_TIMEOUT ? timeoutValue(value) : value;
    } while (c.acceptPunct(',') || (!c.done && c.peek()?.kind === 'word'));
  } else if (c.acceptWords('UNSET')) {
    do delete ctx.session.params[c.identifier('parameter name')];
    while (c.acceptPunct(','));
  } else {
    c.fail('expected SET or UNSET');
  }
  c.end();
  return status('Statement executed successfully.');
}

/** ALTER ACCOUNT SET/UNSET of the parameters a session inherits (ACCOUNTADMIN only, as in Snowflake). */
async function alterAccount(ctx: AccountContext, c: TokenCursor): Promise<StatementResult> {
  if (!ctx.roles.has('ACCOUNTADMIN')) throw SnowflakeError.insufficientPrivileges('account');
  const set = c.acceptWords('SET');
  if (!set && !c.acceptWords('UNSET')) c.fail('expected SET or UNSET');
  do {
    const key = c.identifier('parameter name');
    if (!INHERITED_PARAMETERS.has(key)) c.fail(`parameter ${key} is not supported on the local endpoint`);
    if (set) {
      c.expectPunct('=');
      ctx.catalog.setAccountParameter(key, timeoutValue(c.value()));
    } else {
      ctx.catalog.setAccountParameter(key, undefined);
    }
  } while (c.acceptPunct(','));
  c.end();
  return status('Statement executed successfully.');
}

function likePattern(c: TokenCursor): RegExp | undefined {
  if (!c.acceptWords('LIKE')) return undefined;
  const pattern = c.string('LIKE pattern');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

const bool = (b: boolean) => (b ? 'true' : 'false');

async function show(ctx: AccountContext, c: TokenCursor): Promise<StatementResult> {
  const { catalog } = ctx;
  if (c.acceptWords('USERS')) {
    const like = likePattern(c);
    c.end();
    const seeAll = catalog.isAdmin(ctx.roles) || catalog.has(ctx.roles, 'MANAGE GRANTS', 'ACCOUNT', '');
    const rows = catalog
      .users()
      .filter((u) => (seeAll || ctx.roles.has(u.owner)) && (!like || like.test(u.name)))
      .map((u): Cell[] => [
        u.name, u.createdOn, u.name, u.type, u.comment ?? null, bool(u.disabled), u.defaultWarehouse ?? null, u.defaultNamespace ?? null,
        u.defaultRole ?? null, u.owner, u.daysToExpiry === undefined ? null : String(u.daysToExpiry),
        u.expiresAtMs === undefined ? null : new Date(u.expiresAtMs).toISOString(), bool(!!u.passwordHash), bool(!!u.rsaPublicKey || !!u.rsaPublicKey2),
      ]);
    return table(['name', 'created_on', 'login_name', 'type', 'comment', 'disabled', 'default_warehouse', 'default_namespace', 'default_role', 'owner', 'days_to_expiry', 'expires_at_time', 'has_password', 'has_rsa_public_key'], rows);
  }
  if (c.acceptWords('ROLES')) {
    const like = likePattern(c);
    c.end();
    const rows = catalog
      .roles()
      .filter((r) => !like || like.test(r.name))
      .map((r): Cell[] => [
        r.createdOn, r.name, bool(ctx.session.role === r.name), bool(ctx.roles.has(r.name)),
        String(catalog.roleGrants().filter((g) => g.role === r.name && g.granteeType === 'USER').length),
        String(catalog.roleGrants().filter((g) => g.role === r.name && g.granteeType === 'ROLE').length),
        r.owner, r.comment ?? null,
      ]);
    return table(['created_on', 'name', 'is_current', 'is_inherited', 'assigned_to_users', 'granted_to_roles', 'owner', 'comment'], rows);
  }
  if (c.acceptWords('GRANTS')) {
    if (c.done || c.acceptWords('TO', 'USER')) {
      const user = c.done ? ctx.session.user : c.identifier('user name');
      c.end();
      if (user !== ctx.session.user && !catalog.isAdmin(ctx.roles) && !catalog.has(ctx.roles, 'MANAGE GRANTS', 'ACCOUNT', '')) {
        const record = catalog.user(user);
        if (!record || !ctx.roles.has(record.owner)) throw SnowflakeError.insufficientPrivileges(`user '${user}'`);
      }
      const rows = catalog.roleGrants().filter((g) => g.granteeType === 'USER' && g.grantee === user).map((g): Cell[] => [g.createdOn, g.role, 'USER', g.grantee, g.grantedBy]);
      return table(['created_on', 'role', 'granted_to', 'grantee_name', 'granted_by'], rows);
    }
    if (c.acceptWords('TO', 'ROLE')) {
      const role = c.identifier('role name');
      c.end();
      if (!catalog.role(role)) throw SnowflakeError.notFound('Role', role);
      const rows: Cell[][] = [
        ...catalog.privileges().filter((p) => p.grantee === role).map((p): Cell[] => [p.createdOn, p.privilege, p.objectType, p.objectName || catalog.account, 'ROLE', role, 'false', p.grantedBy]),
        ...catalog.roleGrants().filter((g) => g.granteeType === 'ROLE' && g.grantee === role).map((g): Cell[] => [g.createdOn, 'USAGE', 'ROLE', g.role, 'ROLE', role, 'false', g.grantedBy]),
      ];
      return table(['created_on', 'privilege', 'granted_on', 'name', 'granted_to', 'grantee_name', 'grant_option', 'granted_by'], rows);
    }
    if (c.acceptWords('OF', 'ROLE')) {
      const role = c.identifier('role name');
      c.end();
      if (!catalog.role(role)) throw SnowflakeError.notFound('Role', role);
      const rows = catalog.roleGrants().filter((g) => g.role === role).map((g): Cell[] => [g.createdOn, g.role, g.granteeType, g.grantee, g.grantedBy]);
      return table(['created_on', 'role', 'granted_to', 'grantee_name', 'granted_by'], rows);
    }
    return c.fail('expected TO USER, TO ROLE or OF ROLE');
  }
  if (c.acceptWords('DATABASES')) {
    const like = likePattern(c);
    c.end();
    const rows = catalog.databases.filter((d) => canSeeDatabase(ctx, d) && (!like || like.test(d))).map((d): Cell[] => [d, catalog.ownerOf('DATABASE', d) ?? null]);
    return table(['name', 'owner'], rows);
  }
  if (c.acceptWords('SCHEMAS')) {
    const like = likePattern(c);
    let database = ctx.session.database;
    if (c.acceptWords('IN')) {
      c.acceptWords('DATABASE');
      database = c.identifier('database name');
    }
    c.end();
    if (!database || !catalog.databases.includes(database) || !canSeeDatabase(ctx, database)) throw SnowflakeError.notFound('Database', database ?? '(none)');
    const schemas = catalog.privileges().filter((p) => p.objectType === 'SCHEMA' && p.objectName.startsWith(`${database}.`)).map((p) => p.objectName);
    // https://docs.snowflake.com/en/sql-reference/sql/show-schemas : every database has INFORMATION_SCHEMA.
    const names = [...[...new Set(schemas)].filter((s) => canSeeSchema(ctx, s)).map((s) => s.split('.')[1]!), 'INFORMATION_SCHEMA'].filter((n) => !like || like.test(n));
    const rows = names.map((name): Cell[] => [
      null, name, 'N', name === ctx.session.schema && database === ctx.session.database ? 'Y' : 'N', database!,
      name === 'INFORMATION_SCHEMA' ? '' : (catalog.ownerOf('SCHEMA', `${database}.${name}`) ?? ''),
      name === 'INFORMATION_SCHEMA' ? 'Views describing the contents of schemas in this database' : null, '', '1', name === 'INFORMATION_SCHEMA' ? '' : 'ROLE',
    ]);
    return table(['created_on', 'name', 'is_default', 'is_current', 'database_name', 'owner', 'comment', 'options', 'retention_time', 'owner_role_type'], rows);
  }
  const what = c.isWord('TABLES') ? 'TABLES' : c.isWord('VIEWS') ? 'VIEWS' : 'OBJECTS';
  if (c.acceptWords('TABLES') || c.acceptWords('VIEWS') || c.acceptWords('OBJECTS')) {
    const like = likePattern(c);
    let scope = ctx.session.database && ctx.session.schema ? `${ctx.session.database}.${ctx.session.schema}` : undefined;
    if (c.acceptWords('IN')) {
      c.acceptWords('SCHEMA');
      scope = qualify(ctx, c.qualifiedName('schema name'), 2);
    }
    c.end();
    if (!scope) qualify(ctx, [], 2);
    const [database, schema] = scope!.split('.') as [string, string];
    if (!catalog.databases.includes(database) || !canSeeSchema(ctx, scope!)) throw SnowflakeError.notFound('Schema', scope!);
    const tables = await ctx.listTables(database, schema);
    const visible = tables.filter((t) => catalog.hasAny(ctx.roles, 'TABLE', `${scope}.${t.name}`) && (!like || like.test(t.name)));
    if (what === 'TABLES' || what === 'VIEWS') {
      // https://docs.snowflake.com/en/sql-reference/sql/show-tables (and show-views): Snowflake's columns, in its order.
      const owner = (t: { name: string }) => catalog.ownerOf('TABLE', `${scope}.${t.name}`) ?? '';
      if (what === 'VIEWS') {
        const rows = visible.filter((t) => t.kind === 'VIEW').map((t): Cell[] => [null, t.name, '', database, schema, owner(t), null, null, 'false', 'false', owner(t) ? 'ROLE' : '', 'false']);
        return table(['created_on', 'name', 'reserved', 'database_name', 'schema_name', 'owner', 'comment', 'text', 'is_secure', 'is_materialized', 'owner_role_type', 'change_tracking'], rows);
      }
      const rows = visible.filter((t) => t.kind === 'TABLE').map((t): Cell[] => [
        null, t.name, database, schema, 'TABLE', null, '', t.rows === undefined ? null : String(t.rows), null, owner(t), '1', 'OFF', 'OFF', 'N', null, owner(t) ? 'ROLE' : '', 'N', null, 'N', 'N', 'N',
      ]);
      return table(['created_on', 'name', 'database_name', 'schema_name', 'kind', 'comment', 'cluster_by', 'rows', 'bytes', 'owner', 'retention_time', 'automatic_clustering', 'change_tracking', 'is_external', 'enable_schema_evolution', 'owner_role_type', 'is_event', 'budget', 'is_hybrid', 'is_iceberg', 'is_dynamic'], rows);
    }
    const rows = visible.map((t): Cell[] => [t.name, database, schema, t.kind]);
    return table(['name', 'database_name', 'schema_name', 'kind'], rows);
  }
  if (c.acceptWords('WAREHOUSES')) {
    c.end();
    return table(['name', 'state'], catalog.privileges().filter((p) => p.objectType === 'WAREHOUSE' && p.privilege === 'OWNERSHIP').map((p) => p.objectName).filter((w) => catalog.hasAny(ctx.roles, 'WAREHOUSE', w)).map((w) => [w, 'STARTED']));
  }
  return c.fail('unsupported SHOW');
}
