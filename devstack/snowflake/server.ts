import { createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { StatementResult } from './account';
import type { UserRecord } from './catalog';
import { Engine, type Binding, type EngineSession } from './engine';
import type { RunningStatement } from './control';
import { column } from './encode';
import { SnowflakeError, TOKEN_ERRORS } from './errors';
import type { HistoryLog } from './history-log';
import { splitStatements } from './lexer';
import { checkPatLogin } from './pats';

/**
 * The Snowflake REST protocol the unmodified snowflake-sdk speaks, on loopback HTTP:
 * login (password and key-pair JWT), queries with JSON rowsets, bindings, session token
 * renewal, heartbeat, telemetry, session delete, async query status and results.
 * User errors are always HTTP 200 with `success: false` (the driver retries 5xx for minutes).
 */
export interface SnowflakeEndpointOptions {
  /** The engine (data folder) to serve. */
  engine: Engine;
  port?: number;
  host?: string;
  /** Session token lifetime; short values let tests exercise renewal. */
  sessionTokenValiditySeconds?: number;
  masterTokenValiditySeconds?: number;
  /** Where logins and statements are recorded as they happen (./history-log.ts). */
  history?: HistoryLog;
}

export interface SnowflakeEndpoint {
  /** http://127.0.0.1:PORT, the driver's accessUrl. */
  url: string;
  port: number;
  account: string;
  engine: Engine;
  /** Live sessions (for tests): user name of each. */
  sessionUsers(): string[];
  /** Counters for tests and the benchmark. */
  readonly stats: { logins: number; renewals: number; queries: number };
  close(): Promise<void>;
}

interface LiveSession {
  id: number;
  engine: EngineSession;
  sessionToken: string;
  sessionExpiresAt: number;
  masterToken: string;
  masterExpiresAt: number;
}

interface StoredResult {
  /** The answer, or the error the statement failed with (getQueryStatus reports it). */
  result: StatementResult | SnowflakeError;
  session: EngineSession;
  finishedAt: number;
}

const SERVER_VERSION = '9.10.0';

/** The session parameters every response carries; the driver needs the formats to decode values. */
function formatParameters(session: EngineSession): { name: string; value: string | number | boolean }[] {
  const defaults: Record<string, string | number | boolean> = {
    TIMEZONE: 'UTC',
    TIMESTAMP_OUTPUT_FORMAT: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM',
    TIMESTAMP_NTZ_OUTPUT_FORMAT: 'YYYY-MM-DD HH24:MI:SS.FF3',
    TIMESTAMP_LTZ_OUTPUT_FORMAT: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM',
    TIMESTAMP_TZ_OUTPUT_FORMAT: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM',
    DATE_OUTPUT_FORMAT: 'YYYY-MM-DD',
    TIME_OUTPUT_FORMAT: 'HH24:MI:SS',
    BINARY_OUTPUT_FORMAT: 'HEX',
    CLIENT_RESULT_CHUNK_SIZE: 160,
    CLIENT_SESSION_KEEP_ALIVE: false,
    CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY: 3600,
    JS_TREAT_INTEGER_AS_BIGINT: false,
    QUERY_CONTEXT_CACHE_SIZE: 5,
  };
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(session.params)) if (key in defaults) merged[key] = value;
  return Object.entries(merged).map(([name, value]) => ({ name, value }));
}

function base64urlJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Seconds or milliseconds (the Node driver sends milliseconds) to milliseconds. */
function claimMs(value: unknown): number {
  const n = typeof value === 'number' ? value : NaN;
  return n > 100_000_000_000 ? n : n * 1000;
}

/**
 * Verifies a SNOWFLAKE_JWT login token: RS256 only, issuer ACCOUNT.USER.SHA256:<fingerprint of
 * one of the user's registered keys>, subject ACCOUNT.USER, issued no later than now (a minute
 * of skew) and not expired, at most an hour long.
 */
export function verifyLoginJwt(token: string, account: string, user: UserRecord, now = Date.now()): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  try {
    const header = base64urlJson(parts[0]!);
    if (header.alg !== 'RS256') return false;
    const claims = base64urlJson(parts[1]!);
    const expected = `${account}.${user.name.toUpperCase()}`;
    if (claims.sub !== expected || typeof claims.iss !== 'string') return false;
    const marker = '.SHA256:';
    const at = claims.iss.lastIndexOf(marker);
    if (at < 0 || claims.iss.slice(0, at) !== expected) return false;
    const fingerprint = claims.iss.slice(at + 1);
    const key = [
      [user.rsaPublicKey, user.rsaPublicKeyFp],
      [user.rsaPublicKey2, user.rsaPublicKey2Fp],
    ].find(([k, fp]) => k && fp === fingerprint)?.[0];
    if (!key) return false;
    const iat = claimMs(claims.iat);
    const exp = claimMs(claims.exp);
    if (!(iat <= now + 60_000) || !(exp > now) || exp - iat > 3_600_000 + 60_000) return false;
    const publicKey = createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' });
    return verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2]!, 'base64url'));
  } catch {
    return false;
  }
}

function unquote(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  return name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name.toUpperCase();
}

export async function startSnowflakeEndpoint(options: SnowflakeEndpointOptions): Promise<SnowflakeEndpoint> {
  const { engine } = options;
  const catalog = engine.catalog;
  const sessionValidity = options.sessionTokenValiditySeconds ?? 3600;
  const masterValidity = options.masterTokenValiditySeconds ?? 4 * 3600;
  const bySessionToken = new Map<string, LiveSession>();
  const byMasterToken = new Map<string, LiveSession>();
  const results = new Map<string, StoredResult>();
  let nextSessionId = 1;
  const stats = { logins: 0, renewals: 0, queries: 0 };

  const fail = (error: { code: string; message: string; sqlState?: string }, data: Record<string, unknown> = {}) => ({
    success: false,
    code: error.code,
    message: error.message,
    data: { ...data, errorCode: error.code, sqlState: error.sqlState ?? '08001', internalError: false },
    headers: null,
  });

  const endSession = (live: LiveSession) => {
    bySessionToken.delete(live.sessionToken);
    byMasterToken.delete(live.masterToken);
    void engine.closeSession(live.engine);
  };

  const issueTokens = (live: Pick<LiveSession, 'sessionToken' | 'masterToken' | 'sessionExpiresAt' | 'masterExpiresAt'>) => {
    live.sessionToken = `ver:1-hint:${randomBytes(24).toString('base64url')}`;
    live.masterToken = `ver:1-hint:${randomBytes(24).toString('base64url')}`;
    live.sessionExpiresAt = Date.now() + sessionValidity * 1000;
    live.masterExpiresAt = Date.now() + masterValidity * 1000;
  };

  async function login(body: Record<string, unknown>, query: URLSearchParams, clientAddress: string) {
    const data = (body.data ?? {}) as Record<string, unknown>;
    const accountName = String(data.ACCOUNT_NAME ?? '').toUpperCase();
    if (accountName !== catalog.account) {
      return fail({ code: '390201', message: `The requested account ${accountName || '(none)'} does not exist on this endpoint (it serves ${catalog.account}).`, sqlState: '08004' });
    }
    const loginName = String(data.LOGIN_NAME ?? '');
    let user = catalog.user(loginName) ?? catalog.user(loginName.toUpperCase());
    const authenticator = String(data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
    let restrictedRole: string | undefined;
    if (authenticator === 'PROGRAMMATIC_ACCESS_TOKEN') {
      const checked = checkPatLogin(catalog, loginName, data.TOKEN, clientAddress);
      if (checked instanceof SnowflakeError) return fail(checked);
      user = checked.user;
      restrictedRole = checked.role;
    } else if (authenticator === 'SNOWFLAKE_JWT') {
      if (!user || typeof data.TOKEN !== 'string' || !verifyLoginJwt(data.TOKEN, catalog.account, user)) return fail(SnowflakeError.invalidJwt());
    } else if (authenticator === 'SNOWFLAKE') {
      if (!user || user.type === 'SERVICE' || typeof data.PASSWORD !== 'string' || !catalog.checkPassword(user, data.PASSWORD)) return fail(SnowflakeError.badCredentials());
    } else {
      return fail({ code: '390100', message: `Authenticator ${authenticator} is not supported by the local endpoint; use SNOWFLAKE, SNOWFLAKE_JWT or PROGRAMMATIC_ACCESS_TOKEN.`, sqlState: '08004' });
    }
    const blocked = catalog.loginBlock(user);
    if (blocked) return fail({ code: '390102', message: `User access ${blocked}. Contact your local system administrator.`, sqlState: '08004' });

    const askedRole = unquote(query.get('roleName'));
    let role = 'PUBLIC';
    if (restrictedRole) {
      // A token with ROLE_RESTRICTION evaluates privileges with that role only.
      if (askedRole && askedRole !== restrictedRole) {
        return fail({ code: '390189', message: `Role '${askedRole}' specified in the connect string does not match the role restriction of the programmatic access token.`, sqlState: '08004' });
      }
      role = restrictedRole;
    } else if (askedRole) {
      if (!catalog.role(askedRole) || !catalog.userHasRole(user.name, askedRole)) {
        return fail({ code: '390189', message: `Role '${askedRole}' specified in the connect string is not granted to this user. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`, sqlState: '08004' });
      }
      role = askedRole;
    } else if (user.defaultRole && catalog.role(user.defaultRole) && catalog.userHasRole(user.name, user.defaultRole)) {
      role = user.defaultRole;
    }
    options.history?.({ kind: 'login', at: new Date().toISOString(), user: user.name, role });
    const engineSession = await engine.openSession({ user: user.name, role, params: {} });
    const roles = catalog.inheritedRoles(role);
    const [nsDb, nsSchema] = (user.defaultNamespace ?? '').split('.');
    const database = unquote(query.get('databaseName')) ?? (nsDb || undefined);
    const schema = unquote(query.get('schemaName')) ?? (nsSchema || undefined);
    const warehouse = unquote(query.get('warehouse')) ?? user.defaultWarehouse;
    // Like Snowflake, an unusable database, schema or warehouse in the connect string leaves it unset.
    const use = async (sql: string) => engine.execute(engineSession, sql).then(() => true, () => false);
    if (warehouse && catalog.hasWarehouse(warehouse) && catalog.hasAny(roles, 'WAREHOUSE', warehouse)) engineSession.warehouse = warehouse;
    if (database && (await use(`USE DATABASE "${database.replace(/"/g, '""')}"`)) && schema) await use(`USE SCHEMA "${schema.replace(/"/g, '""')}"`);
    const live: LiveSession = { id: nextSessionId++, engine: engineSession, sessionToken: '', masterToken: '', sessionExpiresAt: 0, masterExpiresAt: 0 };
    issueTokens(live);
    bySessionToken.set(live.sessionToken, live);
    byMasterToken.set(live.masterToken, live);
    stats.logins++;
    return {
      success: true,
      code: null,
      message: null,
      data: {
        token: live.sessionToken,
        validityInSeconds: sessionValidity,
        masterToken: live.masterToken,
        masterValidityInSeconds: masterValidity,
        displayUserName: user.name,
        serverVersion: SERVER_VERSION,
        firstLogin: false,
        remMeToken: null,
        remMeValidityInSeconds: 0,
        healthCheckInterval: 45,
        newClientForUpgrade: null,
        sessionId: live.id,
        parameters: formatParameters(engineSession),
        sessionInfo: {
          databaseName: engineSession.database ?? null,
          schemaName: engineSession.schema ?? null,
          warehouseName: engineSession.warehouse ?? null,
          roleName: engineSession.role,
        },
        idToken: null,
        idTokenValidityInSeconds: 0,
        responseData: null,
        mfaToken: null,
        mfaTokenValidityInSeconds: 0,
      },
    };
  }

  /** The session behind `Authorization: Snowflake Token="..."`, or the error to answer. */
  function authenticate(req: IncomingMessage, master = false): LiveSession | ReturnType<typeof fail> {
    const match = /Snowflake Token="([^"]+)"/.exec(req.headers.authorization ?? '');
    const live = match ? (master ? byMasterToken : bySessionToken).get(match[1]!) : undefined;
    if (!live) return fail(TOKEN_ERRORS.sessionInvalid);
    const user = catalog.user(live.engine.user);
    if (!user || catalog.loginBlock(user)) {
      // Dropped, disabled or expired users lose their sessions at once, as in Snowflake.
      endSession(live);
      return fail(TOKEN_ERRORS.sessionInvalid);
    }
    if (master ? live.masterExpiresAt <= Date.now() : live.sessionExpiresAt <= Date.now()) {
      return fail(master ? TOKEN_ERRORS.masterExpired : TOKEN_ERRORS.sessionExpired);
    }
    return live;
  }

  function resultData(queryId: string, live: LiveSession, result: StatementResult) {
    const s = live.engine;
    return {
      parameters: formatParameters(s),
      rowtype: result.rowtype,
      rowset: result.rowset,
      total: result.rowset.length,
      returned: result.rowset.length,
      queryId,
      databaseProvider: null,
      finalDatabaseName: s.database ?? null,
      finalSchemaName: s.schema ?? null,
      finalWarehouseName: s.warehouse ?? null,
      finalRoleName: s.role,
      numberOfBinds: 0,
      arrayBindSupported: false,
      statementTypeId: result.statementTypeId,
      version: 1,
      sendResultTime: Date.now(),
      queryResultFormat: 'json',
      queryContext: { entries: [] },
    };
  }

  /** Statements still running, by query id (for /queries/{id}/abort-request). */
  const runningByQueryId = new Map<string, { live: LiveSession; statement: RunningStatement }>();

  const remember = (queryId: string, stored: StoredResult) => {
    results.set(queryId, stored);
    if (results.size > 200) results.delete(results.keys().next().value!);
  };

  async function query(live: LiveSession, body: Record<string, unknown>, requestId: string | undefined, onQueued: (statement: RunningStatement) => void) {
    const queryId = randomUUID();
    stats.queries++;
    const sqlText = typeof body.sqlText === 'string' ? body.sqlText : '';
    options.history?.({ kind: 'query', at: new Date().toISOString(), user: live.engine.user, role: live.engine.role, queryId, sqlText });
    const parameters = body.parameters && typeof body.parameters === 'object' ? (body.parameters as Record<string, string | number | boolean>) : undefined;
    try {
      // describeOnly must not change anything: only queries run (their rows dropped), nothing else does.
      if (body.describeOnly === true && !/^\s*(\(|select\b|with\b|values\b|show\b|desc)/i.test(sqlText)) {
        return { success: true, code: null, message: null, data: resultData(queryId, live, { rowtype: [], rowset: [], statementTypeId: 0x6000 }) };
      }
      const multi = multiStatements(sqlText, parameters?.MULTI_STATEMENT_COUNT ?? live.engine.params.MULTI_STATEMENT_COUNT);
      if (multi) {
        // https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-execute#executing-a-batch-of-sql-statements-multi-statement-support
        // Each statement runs in order with its own query id; the answer lists them (resultIds)
        // and the driver fetches each result by id (statement.hasNext() / NextResult()).
        const ids: string[] = [];
        for (const statement of multi) {
          const id = randomUUID();
          const result = await engine.execute(live.engine, statement, undefined, { requestId, parameters, onQueued });
          remember(id, { result, session: live.engine, finishedAt: Date.now() });
          ids.push(id);
        }
        const summary = { rowtype: [column('multiple statement execution', 'text')], rowset: [['Multiple statements executed successfully.']], statementTypeId: 0x1000 };
        remember(queryId, { result: summary, session: live.engine, finishedAt: Date.now() });
        return { success: true, code: null, message: null, data: { ...resultData(queryId, live, summary), resultIds: ids.join(','), resultTypes: ids.map(() => '4096').join(',') } };
      }
      const result = await engine.execute(live.engine, sqlText, body.bindings as Record<string, Binding> | undefined, {
        requestId,
        parameters,
        onQueued: (statement) => {
          runningByQueryId.set(queryId, { live, statement });
          onQueued(statement);
        },
      }).finally(() => runningByQueryId.delete(queryId));
      const shown = body.describeOnly === true ? { ...result, rowset: [] } : result;
      remember(queryId, { result: shown, session: live.engine, finishedAt: Date.now() });
      if (body.asyncExec === true) {
        return { success: true, code: '333334', message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.', data: { queryId, getResultUrl: `/queries/${queryId}/result` } };
      }
      return { success: true, code: null, message: null, data: resultData(queryId, live, shown) };
    } catch (error) {
      if (error instanceof SnowflakeError) {
        remember(queryId, { result: error, session: live.engine, finishedAt: Date.now() });
        return fail(error, { queryId });
      }
      throw error;
    }
  }

  async function route(req: IncomingMessage, url: URL, body: Record<string, unknown>, onQueued: (statement: RunningStatement) => void): Promise<unknown> {
    const path = url.pathname;
    if (req.method === 'POST' && path === '/session/v1/login-request') return login(body, url.searchParams, req.socket.remoteAddress ?? '');
    if (req.method === 'POST' && path === '/session/token-request') {
      const live = authenticate(req, true);
      if (!('engine' in live)) return live;
      if (body.requestType !== 'RENEW') return fail({ code: '390100', message: `token-request type ${String(body.requestType)} is not supported` });
      bySessionToken.delete(live.sessionToken);
      byMasterToken.delete(live.masterToken);
      issueTokens(live);
      bySessionToken.set(live.sessionToken, live);
      byMasterToken.set(live.masterToken, live);
      stats.renewals++;
      return {
        success: true, code: null, message: null,
        data: { sessionToken: live.sessionToken, validityInSecondsST: sessionValidity, masterToken: live.masterToken, validityInSecondsMT: masterValidity, sessionId: live.id },
      };
    }
    if (req.method === 'POST' && path === '/session' && url.searchParams.get('delete') === 'true') {
      const match = /Snowflake Token="([^"]+)"/.exec(req.headers.authorization ?? '');
      const live = match ? bySessionToken.get(match[1]!) : undefined;
      if (live) endSession(live);
      return { success: true, code: null, message: null, data: null };
    }
    const live = authenticate(req);
    if (!('engine' in live)) return live;
    if (req.method === 'POST' && path === '/session/heartbeat') return { success: true, code: null, message: null, data: null };
    if (req.method === 'POST' && path === '/telemetry/send') return { success: true, code: null, message: null, data: 'Log Received' };
    if (req.method === 'POST' && path === '/queries/v1/query-request') return query(live, body, url.searchParams.get('requestId') ?? undefined, onQueued);
    if (req.method === 'POST' && path === '/queries/v1/abort-request') {
      // statement.cancel() before the query id is known names the statement by its requestId.
      if (typeof body.requestId === 'string' && body.requestId) engine.cancel(live.engine, body.requestId);
      return { success: true, code: null, message: null, data: null };
    }
    const abortMatch = /^\/queries\/([^/]+)\/abort-request$/.exec(path);
    if (req.method === 'POST' && abortMatch) {
      const running = runningByQueryId.get(abortMatch[1]!);
      if (running && running.live === live) running.statement.stop('cancel');
      return { success: true, code: null, message: null, data: null };
    }
    const resultMatch = /^\/queries\/([0-9a-f-]{36})\/result$/.exec(path);
    if (req.method === 'GET' && resultMatch) {
      const stored = results.get(resultMatch[1]!);
      if (!stored || stored.session !== live.engine) return fail({ code: '000709', message: `Statement ${resultMatch[1]} not found`, sqlState: '02000' });
      if (stored.result instanceof SnowflakeError) return fail(stored.result, { queryId: resultMatch[1] });
      return { success: true, code: null, message: null, data: resultData(resultMatch[1]!, live, stored.result) };
    }
    const monitorMatch = /^\/monitoring\/queries\/([0-9a-f-]{36})$/.exec(path);
    if (req.method === 'GET' && monitorMatch) {
      const stored = results.get(monitorMatch[1]!);
      // getQueryStatus() reads status; a failed statement reports FAILED_WITH_ERROR and its error.
      const failed = stored?.result instanceof SnowflakeError ? stored.result : undefined;
      const queries =
        stored && stored.session === live.engine
          ? [{ id: monitorMatch[1], status: failed ? (failed.code === '000604' || failed.code === '000630' ? 'ABORTED' : 'FAILED_WITH_ERROR') : 'SUCCESS', state: failed ? 'FAILED' : 'SUCCEEDED', errorCode: failed ? Number(failed.code) : null, errorMessage: failed?.message ?? null, endTime: stored.finishedAt }]
          : [];
      return { success: true, code: null, message: null, data: { queries } };
    }
    return undefined;
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const send = (status: number, payload: unknown) => {
          const text = JSON.stringify(payload);
          res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.end(text);
        };
        try {
          const url = new URL(req.url ?? '/', 'http://localhost');
          let raw = Buffer.concat(chunks);
          if (/gzip/i.test(String(req.headers['content-encoding'] ?? '')) || (raw[0] === 0x1f && raw[1] === 0x8b)) raw = gunzipSync(raw);
          let body: Record<string, unknown> = {};
          if (raw.length) {
            try {
              body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
            } catch {
              send(200, fail({ code: '390400', message: 'The request body is not valid JSON.', sqlState: '08P01' }));
              return;
            }
          }
          // A client that goes away (destroyed connection, killed process) stops its running statement.
          let statement: RunningStatement | undefined;
          const onClose = () => {
            if (!res.writableEnded) statement?.stop('cancel');
          };
          res.once('close', onClose);
          const answer = await route(req, url, body, (s) => {
            statement = s;
          });
          res.off('close', onClose);
          if (answer === undefined) send(404, { success: false, code: '404', message: `no route for ${req.method} ${url.pathname}`, data: null });
          else send(200, answer);
        } catch (error) {
          // Only our own bugs end here; say so plainly rather than have the driver retry a 5xx.
          send(200, fail({ code: '000603', message: `local endpoint internal error: ${(error as Error).message}`, sqlState: 'XX000' }));
        }
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // Sessions whose client vanished without deleting them end when their master token expires.
  const sweeper = setInterval(() => {
    for (const live of [...bySessionToken.values()]) if (live.masterExpiresAt <= Date.now()) endSession(live);
  }, 30_000);
  sweeper.unref();
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    account: catalog.account,
    engine,
    sessionUsers: () => [...bySessionToken.values()].map((s) => s.engine.user),
    stats,
    async close() {
      clearInterval(sweeper);
      for (const live of [...bySessionToken.values()]) endSession(live);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The statements of a multi-statement request, when MULTI_STATEMENT_COUNT allows more than one
 * (0 = any number, n = exactly n, else 000008); undefined for an ordinary single statement.
 */
function multiStatements(sqlText: string, count: string | number | boolean | undefined): string[] | undefined {
  if (count === undefined || Number(count) === 1) return undefined;
  let statements: string[];
  try {
    statements = splitStatements(sqlText);
  } catch {
    return undefined;
  }
  if (Number(count) !== 0 && Number(count) !== statements.length) {
    throw new SnowflakeError('000008', `Actual statement count ${statements.length} did not match the desired statement count ${Number(count)}.`, '0A000');
  }
  return statements.length > 1 ? statements : undefined;
}
