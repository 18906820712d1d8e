import { createPrivateKey, generateKeyPair, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import type { CredentialProvider, CredentialRequest, IdentityRecord, IssuedCredential, ReconcileReport, RevokeRequest, SecretVault } from '../provider';
import type { IssuedCredentialLimits } from '../registry';
import { BrokerSession } from './broker-session';
import { withClient, type Row, type SnowflakeClient, type SnowflakeLogin } from './client';
import { credentialRefFor, loginOf, type SnowflakeCredential } from './credential';
import { KeyPairPool } from './key-pool';
import { asNetworkPolicyFailure, networkPolicyProblem } from './network-policy';
import {
  CATALOG_READER_PREFIX, catalogReaderComment, catalogReaderExpiry, COMMENT_MARKER, commentFor, grantEndFromComment, isCatalogReader, literal, principalFor, requestIdFromComment, requestIdOf,
} from './names';
import type { SnowflakeSettings } from './settings';
import type { CatalogQuery } from '../../../phi';

/**
 * Runs a plain CREATE: true when it made the object, false when the name was taken (Snowflake's
 * 002002 "already exists", SQLSTATE 42710); any other error is thrown.
 */
async function createdNew(client: SnowflakeClient, sql: string): Promise<boolean> {
  try {
    await client.execute(sql);
    return true;
  } catch (error) {
    const { code, sqlState } = error as { code?: unknown; sqlState?: unknown };
    if (String(code) === '002002' || sqlState === '42710') return false;
    throw error;
  }
}

const generateRsaKeyPair = promisify(generateKeyPair);

/** When the target's policy names no statement timeout. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5 * 60_000;

/** A catalog reader outlives its discovery by this much at most: reconciliation drops it after. */
const CATALOG_READER_LIFETIME_MS = 30 * 60_000;

/** How long the gateway's copy of the key outlives the grant (revocation removes it earlier). */
const VAULT_MARGIN_MS = 5 * 60_000;

/** The name of the one programmatic access token an issued user has (credential `pat`). */
export const GRANT_TOKEN_NAME = 'GATEHOUSE_GRANT';

/** Snowflake's "does not exist or not authorized" (002003, SQLSTATE 42S02). */
function isNotFound(error: unknown): boolean {
  const { code, sqlState } = error as { code?: unknown; sqlState?: unknown };
  return String(code) === '002003' || sqlState === '42S02';
}

/**
 * Mints and removes ephemeral Snowflake users for one target, against real Snowflake or the
 * local endpoint with the same statements. Every identifier in a statement comes from the
 * validated settings or from a validated request id; every literal from validated values.
 */
export class SnowflakeCredentialProvider implements CredentialProvider {
  readonly kind = 'snowflake';
  private readonly session: BrokerSession;
  private readonly keys = new KeyPairPool();

  constructor(
    readonly target: string,
    private readonly settings: SnowflakeSettings,
    private readonly brokerKey: string,
    private readonly vault: SecretVault,
    private readonly limits: IssuedCredentialLimits = {},
  ) {
    try {
      createPrivateKey({ key: brokerKey, format: 'pem' });
    } catch {
      throw new Error(`target "${target}": the broker private key in ${settings.brokerPrivateKeyEnv} is not a PEM private key`);
    }
    this.session = new BrokerSession({ account: settings.account, accessUrl: settings.accessUrl, username: settings.brokerUser, privateKey: brokerKey, role: settings.brokerRole });
  }

  /** Runs broker statements on the target's one long-lived broker session. */
  private broker<T>(work: (client: SnowflakeClient) => Promise<T>): Promise<T> {
    return this.session.run(work);
  }

  /** Closes the broker session (worker shutdown, tests). */
  close(): Promise<void> {
    return this.session.close();
  }

  /** What keeps this target's issuances from working (a `pat` target's network policy), for the worker's start. */
  async setupProblems(): Promise<string[]> {
    const problem = await this.broker((client) => networkPolicyProblem(client, this.target, this.settings));
    return problem ? [problem] : [];
  }

  private async findUser(client: SnowflakeClient, principal: string): Promise<Row | undefined> {
    // The name is validated (GH_REQ_ + 20 of A-Z0-9); LIKE's `_` also matches itself, and the
    // exact comparison below drops any other match.
    const rows = await client.execute(`SHOW USERS LIKE ${literal(principal)}`);
    return rows.find((r) => r.name === principal);
  }

  /**
   * Reads the target's catalog as the target's role, with no standing secret for it: the broker
   * (which itself holds no data privilege) mints a SERVICE user GH_CAT_… with a fresh key pair
   * that lives only in this process's memory, grants it the target role, runs `work` as it, then
   * disables and drops it, whatever `work` did. A reader that outlives a crash is dropped by
   * reconciliation once its COMMENT's expiry passed (and by DAYS_TO_EXPIRY in any case).
   */
  async readCatalog<T>(work: (query: CatalogQuery) => Promise<T>): Promise<T> {
    const s = this.settings;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const principal = CATALOG_READER_PREFIX + Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]).join('');
    // A key pair, not a token: a token would work only from the network policy's addresses (the
    // gateway's egress), and this reader logs in from the worker. Made off the event loop.
    const { publicKey, privateKey } = await generateRsaKeyPair('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const comment = catalogReaderComment(this.target, new Date(Date.now() + CATALOG_READER_LIFETIME_MS));
    try {
      await this.broker(async (client) => {
        await client.execute(
          `CREATE USER ${principal} TYPE = SERVICE RSA_PUBLIC_KEY = ${literal(publicKey.toString('base64'))} DEFAULT_ROLE = ${s.targetRole} ` +
            `STATEMENT_TIMEOUT_IN_SECONDS = 300${s.warehouse ? ` DEFAULT_WAREHOUSE = ${s.warehouse}` : ''} DAYS_TO_EXPIRY = 1 COMMENT = ${literal(comment)}`,
        );
        await client.execute(`GRANT ROLE ${s.targetRole} TO USER ${principal}`);
      });
    } catch (error) {
      await this.dropReader(principal).catch(() => undefined);
      throw new Error(`target "${this.target}": the broker ${s.brokerUser} (role ${s.brokerRole}) could not mint a catalog reader with role ${s.targetRole}: ${(error as Error).message}` +
        ' (the broker needs CREATE USER on the account and ownership of the target role; see activities/credentials/snowflake/bootstrap.ts)', { cause: error });
    }
    try {
      return await withClient(
        { account: s.account, accessUrl: s.accessUrl, username: principal, privateKey, role: s.targetRole, warehouse: s.warehouse, database: s.database, schema: s.schema },
        (reader) => work((sql) => reader.table(sql)),
      );
    } finally {
      await this.dropReader(principal);
    }
  }

  private dropReader(principal: string): Promise<void> {
    return this.broker(async (client) => {
      await client.execute(`ALTER USER IF EXISTS ${principal} SET DISABLED = TRUE`);
      await client.execute(`DROP USER IF EXISTS ${principal}`);
    });
  }

  /**
   * Mints the request's user: with a programmatic access token that Snowflake generates
   * (`credential: pat`, the default: three broker statements, no key made here), or with a key
   * pair from the pool (`keyPair`: two statements, one RSA-2048 generation per grant). The
   * secret goes to the vault only; the workflow gets the reference and the user's name.
   */
  async issue(request: CredentialRequest): Promise<IssuedCredential> {
    const secret = this.settings.credential === 'pat' ? await this.issueWithToken(request) : await this.issueWithKeyPair(request);
    const s = this.settings;
    const principal = principalFor(request.requestId);
    const credential = {
      kind: 'snowflake',
      requestId: request.requestId,
      expiresAt: request.expiresAt,
      account: s.account,
      ...(s.accessUrl ? { accessUrl: s.accessUrl } : {}),
      username: principal,
      ...secret,
      role: s.targetRole,
      ...(s.warehouse ? { warehouse: s.warehouse } : {}),
      ...(s.database ? { database: s.database } : {}),
      ...(s.schema ? { schema: s.schema } : {}),
    } as SnowflakeCredential;
    const credentialRef = credentialRefFor(request.requestId);
    const ttl = Math.max(60_000, Date.parse(request.expiresAt) - Date.now() + VAULT_MARGIN_MS);
    await this.vault.put(credentialRef, JSON.stringify(credential), ttl);
    return { credentialRef, principal };
  }

  /** The user's defaults: role, statement timeout, warehouse, namespace. */
  private userDefaults(): string {
    const s = this.settings;
    // A runaway statement (an agent's accidental cross join) ends at the target's statementTimeout (default 5 min).
    const timeoutSeconds = Math.max(1, Math.ceil((this.limits.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS) / 1000));
    return [
      `DEFAULT_ROLE = ${s.targetRole}`,
      `STATEMENT_TIMEOUT_IN_SECONDS = ${timeoutSeconds}`,
      ...(s.warehouse ? [`DEFAULT_WAREHOUSE = ${s.warehouse}`] : []),
      ...(s.database ? [`DEFAULT_NAMESPACE = ${literal(`${s.database}${s.schema ? `.${s.schema}` : ''}`)}`] : []),
    ].join(' ');
  }

  /**
   * A plain CREATE (no IF NOT EXISTS) never takes over a user it did not make: a taken name is
   * checked (a foreign user is refused), created IF NOT EXISTS and `reset` (a retried attempt, or
   * one racing it), so the user ends with the one secret the vault gets. True when it made the user now.
   */
  private async createOrResume(client: SnowflakeClient, requestId: string, create: string, reset: string): Promise<boolean> {
    if (await createdNew(client, create)) return true;
    const principal = principalFor(requestId);
    const existing = await this.findUser(client, principal);
    if (existing && requestIdFromComment(String(existing.comment ?? '')) !== requestId) {
      throw ApplicationFailure.nonRetryable(`Snowflake user ${principal} exists but was not created by Gatehouse for ${requestId}; refusing to take it over`, 'ForeignUser');
    }
    if (!existing) await client.execute(create.replace('CREATE USER ', 'CREATE USER IF NOT EXISTS '));
    await client.execute(reset);
    return false;
  }

  /**
   * Credential `pat`: CREATE USER under the network policy, GRANT ROLE, then ADD PAT restricted
   * to the target role (Snowflake requires ROLE_RESTRICTION for a SERVICE user, and that role
   * granted first). A retry removes the token an earlier attempt may have added: its secret is lost.
   */
  private async issueWithToken(request: CredentialRequest): Promise<{ token: string }> {
    const s = this.settings;
    const principal = principalFor(request.requestId);
    const comment = commentFor(request.requestId, request.target, request.expiresAt);
    const defaults = `${this.userDefaults()} NETWORK_POLICY = ${s.networkPolicy}`;
    const create = `CREATE USER ${principal} TYPE = SERVICE ${defaults} DAYS_TO_EXPIRY = ${s.daysToExpiry} COMMENT = ${literal(comment)}`;
    const issued = this.broker(async (client) => {
      const fresh = await this.createOrResume(client, request.requestId, create, `ALTER USER ${principal} SET ${defaults} COMMENT = ${literal(comment)}`);
      await client.execute(`GRANT ROLE ${s.targetRole} TO USER ${principal}`);
      if (!fresh) await client.execute(`ALTER USER ${principal} REMOVE PROGRAMMATIC ACCESS TOKEN ${GRANT_TOKEN_NAME}`).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      const rows = await client.execute(
        `ALTER USER ${principal} ADD PROGRAMMATIC ACCESS TOKEN ${GRANT_TOKEN_NAME} ROLE_RESTRICTION = ${literal(s.targetRole)} DAYS_TO_EXPIRY = ${s.daysToExpiry} COMMENT = ${literal(comment)}`,
      );
      const token = rows[0]?.token_secret;
      if (typeof token !== 'string' || !token) throw new Error(`Snowflake returned no token_secret for ${principal}'s programmatic access token`);
      return { token };
    });
    return issued.catch((error: unknown) => {
      throw asNetworkPolicyFailure(error, this.target, s);
    });
  }

  /** Credential `keyPair`: CREATE USER with a pooled key pair's public key, then GRANT ROLE. */
  private async issueWithKeyPair(request: CredentialRequest): Promise<{ privateKey: string }> {
    const s = this.settings;
    const principal = principalFor(request.requestId);
    const comment = commentFor(request.requestId, request.target, request.expiresAt);
    const { publicKeyDer, privateKeyPem: privateKey } = await this.keys.take();
    const publicKeyBody = publicKeyDer.toString('base64');
    const defaults = this.userDefaults();
    const create = `CREATE USER ${principal} TYPE = SERVICE RSA_PUBLIC_KEY = ${literal(publicKeyBody)} ${defaults} DAYS_TO_EXPIRY = ${s.daysToExpiry} COMMENT = ${literal(comment)}`;
    await this.broker(async (client) => {
      // The first attempt creates the user with this key: two statements; a retry (re)sets the key.
      await this.createOrResume(client, request.requestId, create, `ALTER USER ${principal} SET RSA_PUBLIC_KEY = ${literal(publicKeyBody)} ${defaults} COMMENT = ${literal(comment)}`);
      await client.execute(`GRANT ROLE ${s.targetRole} TO USER ${principal}`);
    });
    return { privateKey };
  }

  /** Disable (ends live sessions at once), then drop. A user already gone is success. */
  async revoke(request: RevokeRequest): Promise<void> {
    const principal = principalFor(request.requestId);
    await this.broker(async (client) => {
      await client.execute(`ALTER USER IF EXISTS ${principal} SET DISABLED = TRUE`);
      await client.execute(`DROP USER IF EXISTS ${principal}`);
    });
    await this.vault.delete(credentialRefFor(request.requestId));
  }

  /**
   * Revokes every broker-made user whose request is no longer active, so a lost revocation
   * cannot leave a live credential. Users without the marker, or whose name and marker
   * disagree, are left alone (and reported by name only).
   */
  async reconcile(isActive: (requestId: string, identity?: IdentityRecord) => Promise<boolean>): Promise<ReconcileReport> {
    const users = await this.broker((client) => client.execute(`SHOW USERS LIKE 'GH_REQ_%'`));
    const ours = users.filter((u) => {
      const requestId = requestIdOf(String(u.name));
      return requestId !== undefined && String(u.comment ?? '').startsWith(COMMENT_MARKER) && requestIdFromComment(String(u.comment)) === requestId;
    });
    const revoked: string[] = [];
    // Catalog readers left by a crashed discovery: dropped once their COMMENT's expiry passed.
    const readers = await this.broker((client) => client.execute(`SHOW USERS LIKE 'GH_CAT_%'`));
    for (const reader of readers) {
      const name = String(reader.name);
      const expiry = catalogReaderExpiry(String(reader.comment ?? ''));
      if (!isCatalogReader(name) || expiry === undefined || expiry > Date.now()) continue;
      await this.dropReader(name);
      revoked.push(name);
    }
    for (const user of ours) {
      const requestId = requestIdOf(String(user.name))!;
      const grantEndedAt = grantEndFromComment(String(user.comment ?? ''));
      if (await isActive(requestId, grantEndedAt === undefined ? {} : { grantEndedAt })) continue;
      await this.revoke({ requestId, target: this.target });
      revoked.push(String(user.name));
    }
    return { target: this.target, checked: ours.length, revoked };
  }

  /** For the gateway and tests: the login an issued credential gives. */
  static loginOf(credential: SnowflakeCredential): SnowflakeLogin {
    return loginOf(credential);
  }
}
