import { createHash, createPublicKey, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnowflakeError } from './errors';

/**
 * The account's users, roles and grants: Snowflake's access-control model, kept in a JSON file
 * in the data folder (written atomically on every change). Table data lives in DuckDB.
 */
export type UserType = 'PERSON' | 'SERVICE' | 'LEGACY_SERVICE';

export interface UserRecord {
  name: string;
  type: UserType;
  passwordHash?: string;
  rsaPublicKey?: string;
  rsaPublicKeyFp?: string;
  rsaPublicKey2?: string;
  rsaPublicKey2Fp?: string;
  defaultRole?: string;
  defaultWarehouse?: string;
  defaultNamespace?: string;
  disabled: boolean;
  daysToExpiry?: number;
  /** Epoch ms after which the user cannot log in (from DAYS_TO_EXPIRY). */
  expiresAtMs?: number;
  comment?: string;
  owner: string;
  createdOn: string;
  /** Session parameters set on the user (ALTER USER ... SET STATEMENT_TIMEOUT_IN_SECONDS = n). */
  parameters?: Record<string, string | number | boolean>;
  /** The network policy the user is subject to (NETWORK_POLICY = name; see pats.ts). */
  networkPolicy?: string;
  /** The user's programmatic access tokens (ALTER USER ... ADD PAT); only a hash of each secret is kept. */
  pats?: PatRecord[];
}

/** A programmatic access token: its secret is shown once, when it is added; the catalog keeps its SHA-256. */
export interface PatRecord {
  name: string;
  secretSha256: string;
  roleRestriction?: string;
  expiresAtMs: number;
  disabled: boolean;
  comment?: string;
  createdOn: string;
  createdBy: string;
}

/** A network policy (CREATE NETWORK POLICY ... ALLOWED_IP_LIST); an account-level object with an owner. */
export interface NetworkPolicyRecord {
  name: string;
  allowedIps: string[];
  blockedIps: string[];
  owner: string;
  comment?: string;
  createdOn: string;
}

export interface RoleRecord {
  name: string;
  owner: string;
  comment?: string;
  createdOn: string;
}

export interface RoleGrant {
  role: string;
  granteeType: 'USER' | 'ROLE';
  grantee: string;
  grantedBy: string;
  createdOn: string;
}

export type ObjectType = 'ACCOUNT' | 'DATABASE' | 'SCHEMA' | 'TABLE' | 'VIEW' | 'WAREHOUSE' | 'TAG';

/** A tag: a schema-level object (https://docs.snowflake.com/en/user-guide/object-tagging/introduction). */
export interface TagRecord {
  /** DB.SCHEMA.NAME */
  name: string;
  allowedValues?: string[];
  comment?: string;
  createdOn: string;
}

/** A tag set on a table (or view) or on one of its columns, with its value. */
export interface TagReference {
  /** DB.SCHEMA.NAME of the tag. */
  tag: string;
  /** DB.SCHEMA.TABLE the tag is on, or whose column it is on. */
  object: string;
  column?: string;
  value: string;
}

export interface PrivilegeGrant {
  privilege: string;
  objectType: ObjectType;
  /** Fully qualified, upper case; '' for the account. */
  objectName: string;
  grantee: string;
  grantedBy: string;
  createdOn: string;
}

interface CatalogState {
  version: 1;
  account: string;
  users: UserRecord[];
  roles: RoleRecord[];
  roleGrants: RoleGrant[];
  privileges: PrivilegeGrant[];
  databases: string[];
  warehouses: string[];
  seeded?: { seed: number; patients: number };
  /** Account-level parameters (ALTER ACCOUNT SET ...). */
  parameters?: Record<string, string | number | boolean>;
  tags?: TagRecord[];
  tagReferences?: TagReference[];
  networkPolicies?: NetworkPolicyRecord[];
}

export const SYSTEM_ROLES = ['ACCOUNTADMIN', 'SECURITYADMIN', 'USERADMIN', 'SYSADMIN', 'PUBLIC'] as const;

const DAY_MS = 86_400_000;

export function publicKeyFingerprint(base64Der: string): string {
  const der = Buffer.from(base64Der, 'base64');
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/** Accepts what Snowflake accepts for RSA_PUBLIC_KEY: the base64 body of a PEM SPKI key. */
export function normalizePublicKey(value: string): string {
  const body = value.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  try {
    const key = createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw new SnowflakeError('002029', 'SQL compilation error:\nInvalid RSA public key.', '42601');
  }
  return body;
}

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

function checkPassword(password: string, stored: string | undefined): boolean {
  if (!stored) return false;
  const [, salt, hash] = stored.split('$');
  if (!salt || !hash) return false;
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), 32);
  return timingSafeEqual(actual, Buffer.from(hash, 'base64'));
}

export class Catalog {
  private state: CatalogState;
  private readonly file: string;

  constructor(dataDir: string, account: string) {
    this.file = join(dataDir, 'catalog.json');
    if (existsSync(this.file)) {
      this.state = JSON.parse(readFileSync(this.file, 'utf8')) as CatalogState;
    } else {
      const now = new Date().toISOString();
      this.state = {
        version: 1,
        account: account.toUpperCase(),
        users: [],
        roles: SYSTEM_ROLES.map((name) => ({ name, owner: name === 'ACCOUNTADMIN' ? '' : 'ACCOUNTADMIN', createdOn: now })),
        roleGrants: [
          { role: 'SECURITYADMIN', granteeType: 'ROLE', grantee: 'ACCOUNTADMIN', grantedBy: '', createdOn: now },
          { role: 'SYSADMIN', granteeType: 'ROLE', grantee: 'ACCOUNTADMIN', grantedBy: '', createdOn: now },
          { role: 'USERADMIN', granteeType: 'ROLE', grantee: 'SECURITYADMIN', grantedBy: '', createdOn: now },
        ],
        privileges: [
          { privilege: 'CREATE USER', objectType: 'ACCOUNT', objectName: '', grantee: 'USERADMIN', grantedBy: '', createdOn: now },
          { privilege: 'CREATE ROLE', objectType: 'ACCOUNT', objectName: '', grantee: 'USERADMIN', grantedBy: '', createdOn: now },
          { privilege: 'MANAGE GRANTS', objectType: 'ACCOUNT', objectName: '', grantee: 'SECURITYADMIN', grantedBy: '', createdOn: now },
          { privilege: 'CREATE DATABASE', objectType: 'ACCOUNT', objectName: '', grantee: 'SYSADMIN', grantedBy: '', createdOn: now },
          { privilege: 'CREATE WAREHOUSE', objectType: 'ACCOUNT', objectName: '', grantee: 'SYSADMIN', grantedBy: '', createdOn: now },
        ],
        databases: [],
        warehouses: [],
      };
      this.save();
    }
  }

  get account(): string {
    return this.state.account;
  }

  get databases(): readonly string[] {
    return this.state.databases;
  }

  get seeded() {
    return this.state.seeded;
  }

  get accountParameters(): Readonly<Record<string, string | number | boolean>> {
    return this.state.parameters ?? {};
  }

  setAccountParameter(name: string, value: string | number | boolean | undefined): void {
    const parameters = { ...this.state.parameters };
    if (value === undefined) delete parameters[name];
    else parameters[name] = value;
    this.state.parameters = parameters;
    this.save();
  }

  setUserParameter(user: string, name: string, value: string | number | boolean | undefined): void {
    const record = this.user(user);
    if (!record) throw SnowflakeError.notFound('User', user);
    const parameters = { ...record.parameters };
    if (value === undefined) delete parameters[name];
    else parameters[name] = value;
    record.parameters = parameters;
    this.save();
  }

  markSeeded(seed: number, patients: number): void {
    this.state.seeded = { seed, patients };
    this.save();
  }

  save(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 1), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  // ---- users ----

  user(name: string): UserRecord | undefined {
    return this.state.users.find((u) => u.name === name);
  }

  users(): readonly UserRecord[] {
    return this.state.users;
  }

  createUser(user: Omit<UserRecord, 'createdOn' | 'disabled'> & { disabled?: boolean; password?: string }): void {
    const { password, ...rest } = user;
    const record: UserRecord = { ...rest, disabled: user.disabled ?? false, createdOn: new Date().toISOString() };
    if (password) record.passwordHash = hashPassword(password);
    this.applyKeys(record);
    this.applyExpiry(record);
    this.state.users.push(record);
    this.save();
  }

  updateUser(name: string, change: Partial<UserRecord> & { password?: string }, unset: string[] = []): void {
    const user = this.user(name);
    if (!user) throw SnowflakeError.notFound('User', name);
    const { password, ...rest } = change;
    Object.assign(user, rest);
    if (password) user.passwordHash = hashPassword(password);
    for (const field of unset) delete (user as unknown as Record<string, unknown>)[field];
    this.applyKeys(user);
    if ('daysToExpiry' in change || unset.includes('daysToExpiry')) this.applyExpiry(user);
    this.save();
  }

  private applyKeys(user: UserRecord): void {
    user.rsaPublicKeyFp = user.rsaPublicKey ? publicKeyFingerprint(user.rsaPublicKey) : undefined;
    user.rsaPublicKey2Fp = user.rsaPublicKey2 ? publicKeyFingerprint(user.rsaPublicKey2) : undefined;
  }

  private applyExpiry(user: UserRecord): void {
    user.expiresAtMs = user.daysToExpiry !== undefined ? Date.now() + user.daysToExpiry * DAY_MS : undefined;
  }

  dropUser(name: string): void {
    this.state.users = this.state.users.filter((u) => u.name !== name);
    this.state.roleGrants = this.state.roleGrants.filter((g) => !(g.granteeType === 'USER' && g.grantee === name));
    this.save();
  }

  checkPassword(user: UserRecord, password: string): boolean {
    return checkPassword(password, user.passwordHash);
  }

  /** Why a user may not log in now, or undefined when they may. */
  loginBlock(user: UserRecord, now = Date.now()): string | undefined {
    if (user.disabled) return 'disabled';
    if (user.expiresAtMs !== undefined && user.expiresAtMs <= now) return 'expired';
    return undefined;
  }

  // ---- network policies ----

  networkPolicy(name: string): NetworkPolicyRecord | undefined {
    return this.state.networkPolicies?.find((p) => p.name === name);
  }

  networkPolicies(): readonly NetworkPolicyRecord[] {
    return this.state.networkPolicies ?? [];
  }

  putNetworkPolicy(policy: NetworkPolicyRecord): void {
    this.state.networkPolicies = [...this.networkPolicies().filter((p) => p.name !== policy.name), policy];
    this.save();
  }

  dropNetworkPolicy(name: string): void {
    this.state.networkPolicies = this.networkPolicies().filter((p) => p.name !== name);
    this.save();
  }

  // ---- roles ----

  role(name: string): RoleRecord | undefined {
    return this.state.roles.find((r) => r.name === name);
  }

  roles(): readonly RoleRecord[] {
    return this.state.roles;
  }

  createRole(name: string, owner: string, comment?: string): void {
    this.state.roles.push({ name, owner, comment, createdOn: new Date().toISOString() });
    this.save();
  }

  dropRole(name: string): void {
    this.state.roles = this.state.roles.filter((r) => r.name !== name);
    this.state.roleGrants = this.state.roleGrants.filter((g) => g.role !== name && !(g.granteeType === 'ROLE' && g.grantee === name));
    this.state.privileges = this.state.privileges.filter((p) => p.grantee !== name);
    for (const user of this.state.users) if (user.owner === name) user.owner = '';
    for (const role of this.state.roles) if (role.owner === name) role.owner = '';
    this.save();
  }

  setRoleOwner(name: string, owner: string): void {
    const role = this.role(name);
    if (!role) throw SnowflakeError.notFound('Role', name);
    role.owner = owner;
    this.save();
  }

  roleGrants(): readonly RoleGrant[] {
    return this.state.roleGrants;
  }

  grantRole(role: string, granteeType: 'USER' | 'ROLE', grantee: string, grantedBy: string): void {
    if (this.state.roleGrants.some((g) => g.role === role && g.granteeType === granteeType && g.grantee === grantee)) return;
    if (granteeType === 'ROLE' && (role === grantee || this.inheritedRoles(role).has(grantee))) {
      throw new SnowflakeError('003013', `SQL execution error:\nGranting role '${role}' to role '${grantee}' would create a cycle.`, '42000');
    }
    this.state.roleGrants.push({ role, granteeType, grantee, grantedBy, createdOn: new Date().toISOString() });
    this.save();
  }

  revokeRole(role: string, granteeType: 'USER' | 'ROLE', grantee: string): void {
    this.state.roleGrants = this.state.roleGrants.filter((g) => !(g.role === role && g.granteeType === granteeType && g.grantee === grantee));
    this.save();
  }

  /** The role itself and every role granted to it, transitively (PUBLIC always). */
  inheritedRoles(role: string): Set<string> {
    const seen = new Set<string>(['PUBLIC']);
    const stack = [role];
    while (stack.length) {
      const current = stack.pop()!;
      if (seen.has(current) && current !== role) continue;
      seen.add(current);
      for (const g of this.state.roleGrants) {
        if (g.granteeType === 'ROLE' && g.grantee === current && !seen.has(g.role)) stack.push(g.role);
      }
    }
    return seen;
  }

  userHasRole(user: string, role: string): boolean {
    if (role === 'PUBLIC') return true;
    return this.state.roleGrants.some((g) => g.granteeType === 'USER' && g.grantee === user && (g.role === role || this.inheritedRoles(g.role).has(role)));
  }

  // ---- privileges ----

  privileges(): readonly PrivilegeGrant[] {
    return this.state.privileges;
  }

  grantPrivilege(privilege: string, objectType: ObjectType, objectName: string, grantee: string, grantedBy: string): void {
    if (this.state.privileges.some((p) => p.privilege === privilege && p.objectType === objectType && p.objectName === objectName && p.grantee === grantee)) return;
    this.state.privileges.push({ privilege, objectType, objectName, grantee, grantedBy, createdOn: new Date().toISOString() });
    this.save();
  }

  revokePrivilege(privilege: string, objectType: ObjectType, objectName: string, grantee: string): void {
    this.state.privileges = this.state.privileges.filter((p) => !(p.privilege === privilege && p.objectType === objectType && p.objectName === objectName && p.grantee === grantee));
    this.save();
  }

  tag(name: string): TagRecord | undefined {
    return this.state.tags?.find((t) => t.name === name);
  }

  tags(): readonly TagRecord[] {
    return this.state.tags ?? [];
  }

  /** Creates (or replaces: its references go) a tag; the caller owns it. */
  createTag(tag: Omit<TagRecord, 'createdOn'>, owner: string): void {
    this.dropTag(tag.name);
    (this.state.tags ??= []).push({ ...tag, createdOn: new Date().toISOString() });
    this.grantPrivilege('OWNERSHIP', 'TAG', tag.name, owner, owner);
  }

  updateTag(name: string, change: Partial<Pick<TagRecord, 'allowedValues' | 'comment'>>): void {
    const tag = this.tag(name);
    if (!tag) return;
    Object.assign(tag, change);
    if (change.allowedValues === undefined && 'allowedValues' in change) delete tag.allowedValues;
    this.save();
  }

  dropTag(name: string): void {
    if (!this.tag(name)) return;
    this.state.tags = this.tags().filter((t) => t.name !== name);
    this.state.tagReferences = this.tagReferences().filter((r) => r.tag !== name);
    this.dropObject('TAG', name);
  }

  tagReferences(): readonly TagReference[] {
    return this.state.tagReferences ?? [];
  }

  /** Sets a tag's value on a table or column (replacing the value it had there). */
  setTag(tag: string, object: string, column: string | undefined, value: string): void {
    this.state.tagReferences = this.tagReferences().filter((r) => !(r.tag === tag && r.object === object && r.column === column));
    this.state.tagReferences.push({ tag, object, ...(column === undefined ? {} : { column }), value });
    this.save();
  }

  unsetTag(tag: string, object: string, column: string | undefined): void {
    this.state.tagReferences = this.tagReferences().filter((r) => !(r.tag === tag && r.object === object && r.column === column));
    this.save();
  }

  /** A replaced table is a new table: the old one's tags do not carry over (CREATE OR REPLACE). */
  dropTagReferencesOf(objectName: string): void {
    this.state.tagReferences = this.tagReferences().filter((r) => r.object !== objectName);
    this.save();
  }

  dropObject(objectType: ObjectType, objectName: string): void {
    const prefix = `${objectName}.`;
    if (objectType === 'TABLE' || objectType === 'VIEW') this.state.tagReferences = this.tagReferences().filter((r) => r.object !== objectName);
    if (objectType === 'DATABASE' || objectType === 'SCHEMA') {
      this.state.tags = this.tags().filter((t) => !t.name.startsWith(prefix));
      this.state.tagReferences = this.tagReferences().filter((r) => !r.object.startsWith(prefix) && !r.tag.startsWith(prefix));
    }
    this.state.privileges = this.state.privileges.filter((p) => !(p.objectName === objectName || (objectType !== 'TABLE' && objectType !== 'VIEW' && p.objectName.startsWith(prefix))));
    if (objectType === 'DATABASE') this.state.databases = this.state.databases.filter((d) => d !== objectName);
    if (objectType === 'WAREHOUSE') this.state.warehouses = this.state.warehouses.filter((w) => w !== objectName);
    this.save();
  }

  addDatabase(name: string): void {
    if (!this.state.databases.includes(name)) this.state.databases.push(name);
    this.save();
  }

  hasWarehouse(name: string): boolean {
    return this.state.warehouses.includes(name);
  }

  addWarehouse(name: string): void {
    if (!this.state.warehouses.includes(name)) this.state.warehouses.push(name);
    this.save();
  }

  /** ACCOUNTADMIN holds every privilege, as in Snowflake. */
  isAdmin(roles: Set<string>): boolean {
    return roles.has('ACCOUNTADMIN');
  }

  has(roles: Set<string>, privilege: string, objectType: ObjectType, objectName: string): boolean {
    if (this.isAdmin(roles)) return true;
    return this.state.privileges.some(
      (p) => roles.has(p.grantee) && p.objectType === objectType && p.objectName === objectName && (p.privilege === privilege || p.privilege === 'OWNERSHIP'),
    );
  }

  hasAny(roles: Set<string>, objectType: ObjectType, objectName: string): boolean {
    if (this.isAdmin(roles)) return true;
    return this.state.privileges.some((p) => roles.has(p.grantee) && p.objectType === objectType && p.objectName === objectName);
  }

  ownerOf(objectType: ObjectType, objectName: string): string | undefined {
    return this.state.privileges.find((p) => p.privilege === 'OWNERSHIP' && p.objectType === objectType && p.objectName === objectName)?.grantee;
  }
}
