import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { referencedTables, resolveTable } from './access';
import { canSeeDatabase, canSeeSchema, executeAccountStatement, isAccountStatement, status, type AccountContext, type AccountSession, type StatementResult } from './account';
import { Catalog } from './catalog';
import { RunningStatement, statementTimeoutSeconds } from './control';
import { column, encoderFor, type Cell } from './encode';
import { translateDuckError } from './duck-errors';
import { duckId, duckName, resultColumnName, snowflakeName } from './identifiers';
import { SnowflakeError } from './errors';
import { translate } from './dialect';
import { fillTemporaryTable, findInformationSchema, materialize } from './information-schema';
import { executeTagStatement, findTagCalls, getTag, isTagStatement, TAG_REFERENCE_COLUMNS, tagReferenceRows, type TagContext } from './tags';
import { resultNullability, type ColumnsOf } from './nullability';
import { splitStatements, tokenize, type Token } from './lexer';
import { TokenCursor } from './parser';

export type { StatementResult } from './account';

/** One Snowflake session's state and its own DuckDB connection (current catalog, temp macros). */
export interface EngineSession extends AccountSession {
  readonly conn: DuckDBConnection;
  /** Serialises statements on the connection. */
  queue: Promise<unknown>;
  /** Statements queued or running on the session (cancel and timeout stop them). */
  statements: Set<RunningStatement>;
  /** The statement running on the connection now. */
  active?: RunningStatement;
  /** Temporary tables of this session (db.schema.name as they resolve), visible to it alone. */
  temporary: Set<string>;
}

export interface ExecuteOptions {
  /** The driver's requestId (statement.cancel() names the statement by it). */
  requestId?: string;
  /** Statement-level parameters from the request (MULTI_STATEMENT_COUNT, STATEMENT_TIMEOUT_IN_SECONDS). */
  parameters?: Record<string, string | number | boolean>;
  /** Called once the statement is queued, with the handle that stops it. */
  onQueued?: (statement: RunningStatement) => void;
}

/** A bind value as the driver sends it: `{ type: 'FIXED', value: '42' }`; arrays for array binds. */
export interface Binding {
  type: string;
  value: string | null | (string | null)[];
}

const STATEMENT_TYPE = { select: 0x1000, insert: 0x3100, update: 0x3200, delete: 0x3300, merge: 0x3400, ddl: 0x6000, transaction: 0x5000 } as const;

const quoteLit = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The SQL side of the local Snowflake: account statements against the catalog, everything else
 * in DuckDB after the session's role is checked against every table the statement touches.
 * Each Snowflake database is its own DuckDB file in the data folder, attached under its name.
 */
export class Engine {
  private constructor(
    readonly catalog: Catalog,
    private readonly dataDir: string,
    private readonly instance: DuckDBInstance,
    private readonly internal: DuckDBConnection,
  ) {}

  private readonly sessions = new Set<EngineSession>();

  static async open(dataDir: string, account: string): Promise<Engine> {
    mkdirSync(join(dataDir, 'databases'), { recursive: true });
    const catalog = new Catalog(dataDir, account);
    const instance = await DuckDBInstance.create(join(dataDir, 'gatehouse.duckdb'));
    const internal = await instance.connect();
    const engine = new Engine(catalog, dataDir, instance, internal);
    await internal.run(`SET TimeZone = 'UTC'`);
    for (const name of catalog.databases) await engine.attach(name);
    return engine;
  }

  private databaseFile(name: string): string {
    return join(this.dataDir, 'databases', `${Buffer.from(name).toString('hex')}.duckdb`);
  }

  private async attach(name: string): Promise<void> {
    await this.internal.run(`ATTACH IF NOT EXISTS ${quoteLit(this.databaseFile(name))} AS ${duckId(name)}`);
  }

  async close(): Promise<void> {
    // Running statements are interrupted first: a checkpoint would otherwise wait for a runaway query.
    await Promise.all([...this.sessions].map((session) => this.closeSession(session)));
    try {
      await this.internal.run('CHECKPOINT').catch(() => undefined);
      for (const name of this.catalog.databases) await this.internal.run(`CHECKPOINT ${duckId(name)}`).catch(() => undefined);
    } finally {
      this.internal.closeSync();
      this.instance.closeSync();
    }
  }

  async openSession(state: AccountSession): Promise<EngineSession> {
    const conn = await this.instance.connect();
    const session: EngineSession = { ...state, conn, queue: Promise.resolve(), statements: new Set(), temporary: new Set() };
    this.sessions.add(session);
    await conn.run(`SET TimeZone = 'UTC'`);
    // https://docs.snowflake.com/en/sql-reference/constructs/order-by : NULLs sort as the largest
    // values, so they come last ascending and first descending.
    await conn.run(`SET default_null_order = 'nulls_last_on_asc_first_on_desc'`);
    await this.applySession(session);
    return session;
  }

  /** Cancels what runs on the session (DuckDB interrupts it) and closes its connection once it has stopped. */
  closeSession(session: EngineSession): Promise<void> {
    if (!this.sessions.delete(session)) return session.queue.then(() => undefined);
    this.cancel(session);
    session.queue = session.queue.finally(() => session.conn.closeSync());
    return session.queue.then(() => undefined);
  }

  /** Statements queued or running in every session (tests watch a cancel take effect). */
  runningStatements(): number {
    let n = 0;
    for (const session of this.sessions) n += session.statements.size;
    return n;
  }

  /** Stops the session's statement with this requestId (every statement when none is given); false if none matched. */
  cancel(session: EngineSession, requestId?: string): boolean {
    let found = false;
    for (const statement of session.statements) {
      if (requestId === undefined || statement.requestId === requestId) {
        statement.stop('cancel');
        found = true;
      }
    }
    return found;
  }

  /** Mirrors the Snowflake session into its DuckDB connection: current schema and context functions. */
  private async applySession(session: EngineSession): Promise<void> {
    if (session.database) {
      await session.conn.run(`USE ${duckId(session.database)}.${duckId(session.schema ?? 'PUBLIC')}`);
    }
    const macros: [string, string | undefined][] = [
      ['current_user', session.user],
      ['current_role', session.role],
      ['current_database', session.database],
      ['current_schema', session.schema],
      ['current_warehouse', session.warehouse],
      ['current_account', this.catalog.account],
    ];
    const statements = macros.map(([name, value]) => `CREATE OR REPLACE TEMP MACRO ${name}() AS ${value === undefined ? 'NULL::VARCHAR' : quoteLit(value)}`);
    statements.push(
      `CREATE OR REPLACE TEMP MACRO parse_json(x) AS json(x)`,
      `CREATE OR REPLACE TEMP MACRO to_variant(x) AS to_json(x)`,
      // https://docs.snowflake.com/en/sql-reference/operators-arithmetic : division by zero is an error (100051).
      `CREATE OR REPLACE TEMP MACRO sf_nonzero(x) AS CASE WHEN x = 0 THEN error('Division by zero') ELSE x END`,
      // https://docs.snowflake.com/en/sql-reference/data-types-semistructured#casting : a VARIANT string cast to VARCHAR is the string.
      `CREATE OR REPLACE TEMP MACRO sf_varchar(x) AS CASE WHEN typeof(x) = 'JSON' THEN json_extract_string(CAST(x AS JSON), '$') ELSE CAST(x AS VARCHAR) END`,
      // https://docs.snowflake.com/en/sql-reference/functions/dateadd : a date part (day or larger) added to a DATE is a DATE.
      `CREATE OR REPLACE TEMP MACRO sf_dateadd(x DATE, i INTERVAL) AS CAST(x + i AS DATE), (x TIMESTAMP, i INTERVAL) AS x + i, (x TIMESTAMPTZ, i INTERVAL) AS x + i, (x VARCHAR, i INTERVAL) AS CAST(x AS TIMESTAMP) + i`,
      `CREATE OR REPLACE TEMP MACRO try_parse_json(x) AS CASE WHEN json_valid(x) THEN json(x) END`,
      `CREATE OR REPLACE TEMP MACRO current_session() AS ${quoteLit(String(session.user))}`,
      `CREATE OR REPLACE TEMP MACRO current_version() AS '9.10.0'`,
      `CREATE OR REPLACE TEMP MACRO current_region() AS 'LOCAL'`,
      `CREATE OR REPLACE TEMP MACRO current_available_roles() AS ${quoteLit(JSON.stringify([...this.catalog.inheritedRoles(session.role)]))}`,
      // TIMESTAMP_TZ keeps its offset: a struct the encoder recognises (see encode.ts).
      `CREATE OR REPLACE TEMP MACRO to_timestamp_tz(s) AS {'sf_tz_utc': CAST(regexp_replace(CAST(s AS VARCHAR), '\\s+([+-]\\d\\d:?\\d\\d)$', '\\1') AS TIMESTAMPTZ), 'sf_tz_offset': CASE WHEN regexp_matches(CAST(s AS VARCHAR), '[+-]\\d\\d:?\\d\\d$')
         THEN (CASE WHEN regexp_extract(CAST(s AS VARCHAR), '([+-])(\\d\\d):?(\\d\\d)$', 1) = '-' THEN -1 ELSE 1 END)
           * (CAST(regexp_extract(CAST(s AS VARCHAR), '([+-])(\\d\\d):?(\\d\\d)$', 2) AS INTEGER) * 60 + CAST(regexp_extract(CAST(s AS VARCHAR), '([+-])(\\d\\d):?(\\d\\d)$', 3) AS INTEGER))
         ELSE 0 END}`,
    );
    await session.conn.run(statements.join(';\n'));
  }

  /** Runs one request's SQL text in a session, statement by statement in order. */
  execute(session: EngineSession, sqlText: string, bindings?: Record<string, Binding>, options: ExecuteOptions = {}): Promise<StatementResult> {
    const statement = new RunningStatement(options.requestId);
    session.statements.add(statement);
    options.onQueued?.(statement);
    const run = session.queue.then(async () => {
      try {
        statement.check();
        const timeout = statementTimeoutSeconds(options.parameters, session.params, this.catalog.user(session.user)?.parameters, this.catalog.accountParameters);
        statement.start(timeout, () => session.conn.interrupt());
        session.active = statement;
        return await this.executeNow(session, sqlText, bindings);
      } catch (error) {
        statement.check();
        throw error;
      } finally {
        statement.finish();
        session.active = undefined;
        session.statements.delete(statement);
      }
    });
    session.queue = run.catch(() => undefined);
    return run;
  }

  private async executeNow(session: EngineSession, sqlText: string, bindings?: Record<string, Binding>): Promise<StatementResult> {
    const statements = splitStatements(sqlText);
    if (statements.length === 0) throw new SnowflakeError('000900', 'SQL compilation error:\nEmpty SQL statement.', '42000');
    if (statements.length > 1) {
      throw new SnowflakeError('000008', `Actual statement count ${statements.length} did not match the desired statement count 1.`, '0A000');
    }
    const sql = statements[0]!;
    const tokens = tokenize(sql);
    const roles = this.catalog.inheritedRoles(session.role);
    if (isTagStatement(tokens)) return executeTagStatement(this.tagContext(session, roles), tokens, sql);
    if (isAccountStatement(tokens)) return executeAccountStatement(this.accountContext(session, roles), tokens, sql);
    const binds = bindValues(bindings);
    const first = tokens[0]!;
    const word = first.kind === 'word' ? first.value : first.value === '(' ? 'SELECT' : '';
    switch (word) {
      case 'SELECT':
      case 'WITH':
      case 'VALUES':
        return this.select(session, roles, sql, binds);
      case 'DESC':
      case 'DESCRIBE':
        return this.describe(session, roles, tokens, sql);
      case 'INSERT':
      case 'UPDATE':
      case 'DELETE':
      case 'TRUNCATE':
        return this.dml(session, roles, word, tokens, sql, binds);
      case 'CREATE':
      case 'DROP':
      case 'ALTER':
        return this.tableDdl(session, roles, tokens, sql);
      case 'MERGE':
        return this.merge(session, roles, tokens, sql);
      case 'BEGIN':
      case 'COMMIT':
      case 'ROLLBACK':
        await this.duck(session.conn, sql.replace(/\s+(WORK|TRANSACTION)\s*$/i, ''), []);
        return status('Statement executed successfully.', STATEMENT_TYPE.transaction);
      default:
        throw SnowflakeError.syntax(`line 1 at position 0 unexpected '${first.text}'.`);
    }
  }

  private accountContext(session: EngineSession, roles: Set<string>): AccountContext {
    return {
      catalog: this.catalog,
      session,
      roles,
      createDatabase: async (name) => {
        await this.attach(name);
        await this.internal.run(`CREATE SCHEMA IF NOT EXISTS ${duckId(name)}."PUBLIC"`);
      },
      createSchema: async (database, schema) => {
        await this.internal.run(`CREATE SCHEMA ${duckId(database)}.${duckId(schema)}`);
      },
      dropDatabase: async (name) => {
        await this.internal.run(`DETACH ${duckId(name)}`);
        rmSync(this.databaseFile(name), { force: true });
        rmSync(`${this.databaseFile(name)}.wal`, { force: true });
      },
      dropSchema: async (database, schema) => {
        await this.internal.run(`DROP SCHEMA ${duckId(database)}.${duckId(schema)} CASCADE`);
      },
      schemaExists: (database, schema) => this.schemaExists(database, schema),
      listTables: (database, schema) => this.listTables(database, schema),
      applySession: () => this.applySession(session),
    };
  }

  private tagContext(session: EngineSession, roles: Set<string>): TagContext {
    return {
      catalog: this.catalog,
      session,
      roles,
      schemaExists: (database, schema) => this.schemaExists(database, schema),
      columnsOf: async (fq) => {
        const [database, schema, name] = fq.split('.') as [string, string, string];
        const reader = await this.internal.runAndReadAll(
          `SELECT column_name FROM duckdb_columns() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 ORDER BY column_index`,
          [duckName(database), duckName(schema), duckName(name)],
        );
        const columns = reader.getRows().map((r) => snowflakeName(String(r[0])));
        return columns.length ? columns : undefined;
      },
    };
  }

  /**
   * The statement with SYSTEM$GET_TAG(...) replaced by its value and TABLE(INFORMATION_SCHEMA.TAG_REFERENCES...(...))
   * by a temporary table of its rows, worked out from the catalog for this session's role (tags.ts).
   */
  private async withTagCalls(session: EngineSession, roles: Set<string>, sql: string): Promise<string> {
    const tokens = tokenize(sql);
    const calls = findTagCalls(tokens, session);
    if (calls.length === 0) return sql;
    const ctx = this.tagContext(session, roles);
    let out = sql;
    for (let i = calls.length - 1; i >= 0; i--) {
      const call = calls[i]!;
      let replacement: string;
      if (call.kind === 'GET_TAG') {
        const value = await getTag(ctx, call.args[0]!, call.args[1]!, call.args[2]!);
        replacement = value === null ? 'CAST(NULL AS VARCHAR)' : quoteLit(value);
      } else {
        const database = call.database;
        if (!database) throw new SnowflakeError('090105', `Cannot perform SELECT. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.`, '22000');
        if (!this.catalog.databases.includes(database) || !(this.catalog.isAdmin(roles) || canSeeDatabase({ catalog: this.catalog, roles }, database))) throw SnowflakeError.notFound('Database', database);
        const rows = await tagReferenceRows(ctx, call.kind, call.args[0]!, call.args[1]!);
        const name = `SF_${call.kind}_${i}`;
        await fillTemporaryTable(session.conn, name, TAG_REFERENCE_COLUMNS.map((c) => [c, 'VARCHAR']), rows);
        session.temporary.add(`TEMP.MAIN.${name}`);
        replacement = `TEMP.MAIN."${name}"`;
      }
      out = `${out.slice(0, tokens[call.from]!.start)}${replacement}${out.slice(tokens[call.to - 1]!.end)}`;
    }
    return out;
  }

  async schemaExists(database: string, schema: string): Promise<boolean> {
    const reader = await this.internal.runAndReadAll(
      `SELECT 1 FROM duckdb_schemas() WHERE database_name = $1 AND schema_name = $2`,
      [duckName(database), duckName(schema)],
    );
    return reader.currentRowCount > 0;
  }

  async listTables(database: string, schema: string): Promise<{ name: string; kind: 'TABLE' | 'VIEW'; rows?: number }[]> {
    // Names as stored: unquoted names were upper-cased when created, quoted ones keep their case.
    const reader = await this.internal.runAndReadAll(
      `SELECT table_name, 'TABLE', estimated_size FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2
       UNION ALL SELECT view_name, 'VIEW', NULL FROM duckdb_views() WHERE database_name = $1 AND schema_name = $2 AND NOT internal
       ORDER BY 1`,
      [duckName(database), duckName(schema)],
    );
    return reader.getRows().map((r) => ({ name: snowflakeName(String(r[0])), kind: r[1] === 'VIEW' ? 'VIEW' : 'TABLE', rows: r[2] === null ? undefined : Number(r[2]) }));
  }

  /** The tables a SELECT (or any query text) reads, from DuckDB's parser. */
  private async tablesRead(sql: string): Promise<import('./access').TableRef[]> {
    return referencedTables(await this.parse(sql));
  }

  /** DuckDB's parse tree of one statement (json_serialize_sql), or Snowflake's error for it. */
  private async parse(sql: string): Promise<unknown[]> {
    const reader = await this.internal.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    const parsed = JSON.parse(String(reader.getRows()[0]![0])) as { error: boolean; error_type?: string; error_message?: string; position?: string; statements?: unknown[] };
    if (parsed.error) {
      if (parsed.error_type === 'parser') throw translateDuckError(new Error(`Parser Error: ${parsed.error_message ?? ''}`), sql, parsed.position === undefined ? undefined : Number(parsed.position));
      throw SnowflakeError.unsupported(parsed.error_message ?? 'statement');
    }
    if ((parsed.statements?.length ?? 0) !== 1) throw new SnowflakeError('000008', 'Actual statement count did not match the desired statement count 1.', '0A000');
    return parsed.statements!;
  }

  private checkTable(session: EngineSession, roles: Set<string>, fq: string, privilege: string): void {
    if (this.catalog.isAdmin(roles) || session.temporary.has(fq)) return;
    const [database, schema] = fq.split('.') as [string, string];
    const visible = this.catalog.hasAny(roles, 'TABLE', fq) && canSeeSchema({ catalog: this.catalog, roles }, `${database}.${schema}`);
    if (!visible) throw SnowflakeError.notFound('Object', fq);
    if (!this.catalog.has(roles, privilege, 'TABLE', fq)) throw SnowflakeError.insufficientPrivileges(`table '${fq.split('.')[2]}'`);
  }

  private async checkReads(session: EngineSession, roles: Set<string>, duckSql: string, parsed?: unknown[]): Promise<void> {
    for (const ref of parsed ? referencedTables(parsed) : await this.tablesRead(duckSql)) {
      const fq = resolveTable(ref, session.database, session.schema);
      if (session.temporary.has(fq)) continue;
      this.checkTable(session, roles, fq, 'SELECT');
      // DuckDB matches names case-insensitively; Snowflake does not ("patients" is not PATIENTS).
      if (!(await this.objectExists(fq))) throw SnowflakeError.notFound('Object', fq);
    }
  }

  /** The statement with its INFORMATION_SCHEMA views replaced by this session's temporary copies. */
  private async withInformationSchema(session: EngineSession, roles: Set<string>, sql: string): Promise<string> {
    const tokens = tokenize(sql);
    const refs = findInformationSchema(tokens, session.database);
    if (refs.length === 0) return sql;
    const admin = this.catalog.isAdmin(roles);
    const ctx = { catalog: this.catalog, roles };
    const can = {
      schema: (db: string, schema: string) => admin || canSeeSchema(ctx, `${db}.${schema}`),
      table: (db: string, schema: string, name: string) => admin || (this.catalog.hasAny(roles, 'TABLE', `${db}.${schema}.${name}`) && canSeeSchema(ctx, `${db}.${schema}`)),
      owner: (type: 'TABLE' | 'SCHEMA', name: string) => this.catalog.ownerOf(type, name) ?? null,
    };
    let out = sql;
    for (let i = refs.length - 1; i >= 0; i--) {
      const ref = refs[i]!;
      if (!this.catalog.databases.includes(ref.database) || !(admin || canSeeDatabase(ctx, ref.database))) throw SnowflakeError.notFound('Database', ref.database);
      const name = `SF_INFORMATION_SCHEMA_${ref.view}_${i}`;
      await materialize(ref, name, this.internal, session.conn, can);
      session.temporary.add(`TEMP.MAIN.${name}`);
      out = `${out.slice(0, tokens[ref.from]!.start)}TEMP.MAIN."${name}"${out.slice(tokens[ref.to - 1]!.end)}`;
    }
    return out;
  }

  /** Whether a table or view exists under exactly this (case-sensitive) name. */
  private async objectExists(fq: string): Promise<boolean> {
    const [database, schema, name] = fq.split('.') as [string, string, string];
    const reader = await this.internal.runAndReadAll(
      `SELECT 1 FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3
       UNION ALL SELECT 1 FROM duckdb_views() WHERE database_name = $1 AND schema_name = $2 AND view_name = $3`,
      [duckName(database), duckName(schema), duckName(name)],
    );
    return reader.currentRowCount > 0;
  }

  private async select(session: EngineSession, roles: Set<string>, sql: string, binds: DuckDBValue[][]): Promise<StatementResult> {
    const duckSql = translate(await this.withInformationSchema(session, roles, await this.withTagCalls(session, roles, sql)));
    const parsed = await this.parse(duckSql);
    await this.checkReads(session, roles, duckSql, parsed);
    const result = await this.query(session.conn, duckSql, binds[0] ?? [], sql);
    const nullable = resultNullability(parsed[0], await this.columnsOf(session, parsed));
    if (nullable?.length === result.rowtype.length) result.rowtype.forEach((column, i) => (column.nullable = nullable[i]!));
    return result;
  }

  /** The declared columns (and NOT NULL) of every table and view a parsed query reads, by DuckDB name. */
  private async columnsOf(session: EngineSession, parsed: unknown[]): Promise<ColumnsOf> {
    const refs = referencedTables(parsed);
    const names = [...new Set(refs.map((r) => duckName(r.table)))];
    const reader = names.length === 0 ? undefined : await session.conn.runAndReadAll(
      `SELECT database_name, schema_name, table_name, column_name, is_nullable FROM duckdb_columns() WHERE table_name IN (${names.map(quoteLit).join(', ')}) ORDER BY column_index`,
    );
    const byTable = new Map<string, { name: string; nullable: boolean }[]>();
    for (const [db, schema, table, name, nullable] of reader?.getRows() ?? []) {
      const key = db === 'temp' ? `temp:${snowflakeName(String(table))}` : [db, schema, table].map((p) => snowflakeName(String(p))).join('.');
      if (!byTable.has(key)) byTable.set(key, []);
      byTable.get(key)!.push({ name: String(name), nullable: nullable !== false });
    }
    return (ref) => {
      const fq = resolveTable({ catalog: snowflakeName(ref.catalog), schema: snowflakeName(ref.schema), table: snowflakeName(ref.table) }, session.database, session.schema);
      const temp = ref.catalog.toUpperCase() === 'TEMP' || session.temporary.has(fq);
      return byTable.get(temp ? `temp:${fq.split('.')[2]}` : fq);
    };
  }

  private async query(conn: DuckDBConnection, sql: string, values: DuckDBValue[], original = sql): Promise<StatementResult> {
    const reader = await this.duck(conn, sql, values, original);
    const names = reader.columnNames();
    const encoders = reader.columnTypes().map((type, i) => encoderFor(resultName(names[i]!), type));
    const rowset: Cell[][] = reader.getRows().map((row) => row.map((value, i) => (value === null ? null : encoders[i]!.encode(value))));
    return { rowtype: encoders.map((e) => e.rowType), rowset, statementTypeId: STATEMENT_TYPE.select };
  }

  /** Runs SQL on DuckDB, translating its errors into Snowflake's codes. */
  private async duck(conn: DuckDBConnection, sql: string, values: DuckDBValue[], original = sql) {
    for (const session of this.sessions) if (session.conn === conn) session.active?.check();
    try {
      return await conn.runAndReadAll(sql, values.length ? values : undefined);
    } catch (error) {
      throw translateDuckError(error as Error, original);
    }
  }

  private async describe(session: EngineSession, roles: Set<string>, tokens: Token[], sql: string): Promise<StatementResult> {
    const c = new TokenCursor(tokens, sql);
    c.identifier();
    if (!c.acceptWords('TABLE')) c.acceptWords('VIEW');
    const parts = c.qualifiedName('table name');
    c.end();
    const fq = resolveTable({ catalog: parts.length === 3 ? parts[0]! : '', schema: parts.length >= 2 ? parts[parts.length - 2]! : '', table: parts[parts.length - 1]! }, session.database, session.schema);
    if (!this.catalog.isAdmin(roles)) {
      const [database, schema] = fq.split('.') as [string, string];
      if (!this.catalog.hasAny(roles, 'TABLE', fq) || !canSeeSchema({ catalog: this.catalog, roles }, `${database}.${schema}`)) throw SnowflakeError.notFound('Object', fq);
    }
    const reader = await this.duck(this.internal, `DESCRIBE ${fq.split('.').map(duckId).join('.')}`, []);
    const rows = reader.getRows().map((r): Cell[] => [snowflakeName(String(r[0])), snowflakeTypeName(String(r[1])), 'COLUMN', r[2] === 'NO' ? 'N' : 'Y', r[4] === null ? null : String(r[4]), r[3] === 'PRI' ? 'Y' : 'N', 'N']);
    return { rowtype: ['name', 'type', 'kind', 'null?', 'default', 'primary key', 'unique key'].map((n) => column(n, 'text')), rowset: rows, statementTypeId: 0x4000 };
  }

  private async dml(session: EngineSession, roles: Set<string>, word: string, tokens: Token[], sql: string, binds: DuckDBValue[][]): Promise<StatementResult> {
    const c = new TokenCursor(tokens, sql);
    c.identifier();
    let privilege: string;
    let label: string;
    let typeId: number;
    if (word === 'INSERT') {
      c.acceptWords('OVERWRITE');
      c.expectWords('INTO');
      [privilege, label, typeId] = ['INSERT', 'number of rows inserted', STATEMENT_TYPE.insert];
    } else if (word === 'UPDATE') {
      [privilege, label, typeId] = ['UPDATE', 'number of rows updated', STATEMENT_TYPE.update];
    } else if (word === 'DELETE') {
      c.expectWords('FROM');
      [privilege, label, typeId] = ['DELETE', 'number of rows deleted', STATEMENT_TYPE.delete];
    } else {
      c.acceptWords('TABLE');
      [privilege, label, typeId] = ['TRUNCATE', 'status', STATEMENT_TYPE.ddl];
    }
    const parts = c.qualifiedName('table name');
    const fq = resolveTable({ catalog: parts.length === 3 ? parts[0]! : '', schema: parts.length >= 2 ? parts[parts.length - 2]! : '', table: parts[parts.length - 1]! }, session.database, session.schema);
    if (!session.temporary.has(fq)) this.checkTable(session, roles, fq, privilege);
    const duckSql = translate(sql);
    if (!this.catalog.isAdmin(roles)) {
      const restAt = c.peek() ? tokens.indexOf(c.peek()!) : tokens.length;
      if (word === 'INSERT') {
        const nested = tokens.findIndex((t, k) => k >= restAt && t.kind === 'word' && (t.value === 'SELECT' || t.value === 'WITH'));
        if (nested >= 0) await this.checkReads(session, roles, translate(sql.slice(tokens[nested]!.start)));
      } else if (word === 'UPDATE' || word === 'DELETE') {
        // Every other table the statement reads (subqueries, USING/FROM lists) needs SELECT:
        // DuckDB parses an equivalent SELECT and lists them, as for queries.
        const probe = word === 'UPDATE' ? updateProbe(tokens, sql) : deleteProbe(tokens, restAt, sql);
        for (const ref of await this.tablesRead(translate(probe))) {
          const other = resolveTable(ref, session.database, session.schema);
          if (other !== fq) this.checkTable(session, roles, other, 'SELECT');
        }
      }
    }
    if (word === 'TRUNCATE') {
      await this.duck(session.conn, duckSql, []);
      return status(`Statement executed successfully.`, typeId);
    }
    let count = 0n;
    const runs = binds.length ? binds : [[]];
    if (runs.length > 1) await this.duck(session.conn, 'BEGIN TRANSACTION', []);
    try {
      for (const values of runs) {
        const reader = await this.duck(session.conn, duckSql, values);
        const value = reader.getRows()[0]?.[0];
        count += typeof value === 'bigint' ? value : BigInt(Number(value ?? 0));
      }
      if (runs.length > 1) await this.duck(session.conn, 'COMMIT', []);
    } catch (error) {
      if (runs.length > 1) await this.duck(session.conn, 'ROLLBACK', []).catch(() => undefined);
      throw error;
    }
    return { rowtype: [column(label, 'fixed')], rowset: [[count.toString()]], statementTypeId: typeId };
  }

  /** CREATE/DROP/ALTER TABLE and VIEW: the schema's owner (or CREATE TABLE/VIEW on it) only. */
  private async tableDdl(session: EngineSession, roles: Set<string>, tokens: Token[], sql: string): Promise<StatementResult> {
    const c = new TokenCursor(tokens, sql);
    const verb = c.identifier();
    const orReplace = verb === 'CREATE' && c.acceptWords('OR', 'REPLACE');
    if (!c.acceptWords('LOCAL')) c.acceptWords('GLOBAL');
    const temporary = c.acceptWords('TEMP') || c.acceptWords('TEMPORARY') || c.acceptWords('VOLATILE');
    if (temporary) return this.temporaryTable(session, roles, c, tokens, sql, orReplace);
    c.acceptWords('TRANSIENT');
    c.acceptWords('SECURE');
    const kind = c.acceptWords('TABLE') ? 'TABLE' : c.acceptWords('VIEW') ? 'VIEW' : c.fail('expected TABLE or VIEW');
    if (verb === 'CREATE') c.acceptWords('IF', 'NOT', 'EXISTS');
    else if (verb === 'DROP') c.acceptWords('IF', 'EXISTS');
    const parts = c.qualifiedName(`${kind.toLowerCase()} name`);
    const fq = resolveTable({ catalog: parts.length === 3 ? parts[0]! : '', schema: parts.length >= 2 ? parts[parts.length - 2]! : '', table: parts[parts.length - 1]! }, session.database, session.schema);
    if (verb === 'DROP' && session.temporary.has(fq)) {
      await this.duck(session.conn, `DROP TABLE TEMP.MAIN.${duckId(fq.split('.')[2]!)}`, []);
      session.temporary.delete(fq);
      return status(`${parts[parts.length - 1]} successfully dropped.`);
    }
    const [database, schema] = fq.split('.') as [string, string];
    const schemaName = `${database}.${schema}`;
    const admin = this.catalog.isAdmin(roles);
    const schemaOwner = this.catalog.ownerOf('SCHEMA', schemaName);
    if (verb === 'CREATE') {
      const allowed = admin || (!!schemaOwner && roles.has(schemaOwner)) || this.catalog.has(roles, `CREATE ${kind}`, 'SCHEMA', schemaName);
      if (!allowed) {
        if (!canSeeSchema({ catalog: this.catalog, roles }, schemaName)) throw SnowflakeError.notFound('Schema', schemaName);
        throw SnowflakeError.insufficientPrivileges(`schema '${schema}'`);
      }
      const asIndex = tokens.findIndex((t, k) => t.kind === 'word' && (t.value === 'SELECT' || t.value === 'WITH') && tokens[k - 1]?.value === 'AS');
      if (asIndex >= 0 && !admin) await this.checkReads(session, roles, translate(sql.slice(tokens[asIndex]!.start)));
    } else {
      const owner = this.catalog.ownerOf('TABLE', fq);
      if (!admin && !(owner && roles.has(owner))) {
        if (!this.catalog.hasAny(roles, 'TABLE', fq)) {
          if (verb === 'DROP' && tokens.some((t) => t.value === 'EXISTS')) return status('Drop statement executed successfully.');
          throw SnowflakeError.notFound(kind === 'TABLE' ? 'Table' : 'View', fq);
        }
        throw SnowflakeError.insufficientPrivileges(`${kind.toLowerCase()} '${parts[parts.length - 1]}'`);
      }
    }
    await this.duck(session.conn, translate(sql), []);
    if (verb === 'CREATE') {
      const previous = this.catalog.ownerOf('TABLE', fq);
      // https://docs.snowflake.com/en/sql-reference/sql/create-table : OR REPLACE drops the table and creates a new one, without its tags.
      if (previous && orReplace) this.catalog.dropTagReferencesOf(fq);
      if (previous && previous !== session.role) this.catalog.revokePrivilege('OWNERSHIP', 'TABLE', fq, previous);
      this.catalog.grantPrivilege('OWNERSHIP', 'TABLE', fq, session.role, session.role);
      return status(`${kind === 'TABLE' ? 'Table' : 'View'} ${parts[parts.length - 1]} successfully created.`);
    }
    if (verb === 'DROP') {
      this.catalog.dropObject('TABLE', fq);
      return status(`${parts[parts.length - 1]} successfully dropped.`);
    }
    return status('Statement executed successfully.');
  }

  /**
   * CREATE TEMPORARY TABLE: lives in this session only (DuckDB's temp catalog of its connection),
   * found by its unqualified name, dropped with the session.
   * https://docs.snowflake.com/en/user-guide/tables-temp-transient : visible only to the session
   * that created it, and it takes precedence over a permanent table of the same name.
   */
  private async temporaryTable(session: EngineSession, roles: Set<string>, c: TokenCursor, tokens: Token[], sql: string, orReplace: boolean): Promise<StatementResult> {
    c.expectWords('TABLE');
    const ifNotExists = c.acceptWords('IF', 'NOT', 'EXISTS');
    const parts = c.qualifiedName('table name');
    const fq = resolveTable({ catalog: parts.length === 3 ? parts[0]! : '', schema: parts.length >= 2 ? parts[parts.length - 2]! : '', table: parts[parts.length - 1]! }, session.database, session.schema);
    const [database, schema, name] = fq.split('.') as [string, string, string];
    if (!this.catalog.isAdmin(roles) && !canSeeSchema({ catalog: this.catalog, roles }, `${database}.${schema}`)) throw SnowflakeError.notFound('Schema', `${database}.${schema}`);
    const restAt = c.peek() ? tokens.indexOf(c.peek()!) : tokens.length;
    const asIndex = tokens.findIndex((t, k) => k >= restAt && t.kind === 'word' && (t.value === 'SELECT' || t.value === 'WITH'));
    if (asIndex >= 0) await this.checkReads(session, roles, translate(sql.slice(tokens[asIndex]!.start)));
    const rest = restAt < tokens.length ? translate(sql.slice(tokens[restAt]!.start)) : '';
    await this.duck(session.conn, `CREATE ${orReplace ? 'OR REPLACE ' : ''}TEMP TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${duckId(name)} ${rest}`, [], sql);
    session.temporary.add(fq);
    return status(`Table ${name} successfully created.`);
  }

  /**
   * MERGE INTO target USING source ON ... WHEN [NOT] MATCHED THEN UPDATE/DELETE/INSERT
   * (https://docs.snowflake.com/en/sql-reference/sql/merge): the target needs the privilege of
   * every action it names, the source SELECT. Answers Snowflake's per-action row counts.
   */
  private async merge(session: EngineSession, roles: Set<string>, tokens: Token[], sql: string): Promise<StatementResult> {
    const c = new TokenCursor(tokens, sql);
    c.expectWords('MERGE');
    c.expectWords('INTO');
    const parts = c.qualifiedName('table name');
    const fq = resolveTable({ catalog: parts.length === 3 ? parts[0]! : '', schema: parts.length >= 2 ? parts[parts.length - 2]! : '', table: parts[parts.length - 1]! }, session.database, session.schema);
    const using = topLevel(tokens, 0, isWord('USING'))[0];
    const on = topLevel(tokens, 0, isWord('ON'))[0];
    if (using === undefined || on === undefined) throw SnowflakeError.syntax('line 1 at position 0 unexpected end of MERGE (expected USING ... ON ...).');
    const actions = new Set(topLevel(tokens, on, isWord('UPDATE', 'DELETE', 'INSERT')).map((k) => tokens[k]!.value));
    if (!session.temporary.has(fq)) for (const action of actions) this.checkTable(session, roles, fq, action);
    if (!this.catalog.isAdmin(roles)) await this.checkReads(session, roles, translate(`SELECT 1 FROM ${sql.slice(tokens[using]!.end, tokens[on]!.start)}`));
    const reader = await this.duck(session.conn, `${translate(sql)} RETURNING merge_action`, [], sql);
    const counts = { INSERT: 0, UPDATE: 0, DELETE: 0 };
    for (const row of reader.getRows()) {
      const action = String(row[0]) as keyof typeof counts;
      if (action in counts) counts[action]++;
    }
    const labels: [keyof typeof counts, string][] = [['INSERT', 'number of rows inserted'], ['UPDATE', 'number of rows updated'], ['DELETE', 'number of rows deleted']];
    const shown = labels.filter(([action]) => actions.has(action));
    return { rowtype: shown.map(([, label]) => column(label, 'fixed')), rowset: [shown.map(([action]) => String(counts[action]))], statementTypeId: STATEMENT_TYPE.merge };
  }

  /** Runs SQL as ACCOUNTADMIN without a login (seeding, bootstrap). */
  async admin(sql: string[]): Promise<void> {
    const session = await this.openSession({ user: 'SYSTEM', role: 'ACCOUNTADMIN', params: {} });
    try {
      for (const statement of sql) await this.execute(session, statement);
    } finally {
      await this.closeSession(session);
    }
  }

  /** Raw DuckDB access for bulk loading (seed data). */
  get loader(): DuckDBConnection {
    return this.internal;
  }
}

/** Indexes of the top-level (outside parentheses) tokens for which `match` holds. */
function topLevel(tokens: Token[], from: number, match: (t: Token) => boolean): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punct' && t.value === '(') depth++;
    else if (t.kind === 'punct' && t.value === ')') depth--;
    else if (depth === 0 && match(t)) out.push(k);
  }
  return out;
}

const isWord = (...words: string[]) => (t: Token) => t.kind === 'word' && words.includes(t.value);

/** DELETE FROM t [USING a, b] [WHERE c]  ->  SELECT 1 FROM t [, a, b] [WHERE c] */
function deleteProbe(tokens: Token[], restAt: number, sql: string): string {
  const fromToken = tokens[1]!;
  const using = topLevel(tokens, restAt, isWord('USING'))[0];
  if (using === undefined) return `SELECT 1 FROM ${sql.slice(fromToken.end)}`;
  return `SELECT 1 FROM ${sql.slice(fromToken.end, tokens[using]!.start)}, ${sql.slice(tokens[using]!.end)}`;
}

/** UPDATE t SET a = e1, b = e2 [FROM x] [WHERE c]  ->  SELECT (e1), (e2) FROM t [, x] [WHERE c] */
function updateProbe(tokens: Token[], sql: string): string {
  const set = topLevel(tokens, 1, isWord('SET'))[0];
  if (set === undefined) throw SnowflakeError.syntax('expected SET in UPDATE');
  const from = topLevel(tokens, set + 1, isWord('FROM'))[0];
  const where = topLevel(tokens, set + 1, isWord('WHERE'))[0];
  const assignmentsEnd = from ?? where ?? tokens.length;
  const commas = topLevel(tokens, set + 1, (t) => t.kind === 'punct' && t.value === ',').filter((k) => k < assignmentsEnd);
  const bounds = [set, ...commas, assignmentsEnd];
  const expressions: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const eq = topLevel(tokens, bounds[i]! + 1, (t) => t.kind === 'punct' && t.value === '=').find((k) => k < bounds[i + 1]!);
    if (eq === undefined) throw SnowflakeError.syntax('expected column = value in UPDATE ... SET');
    const end = bounds[i + 1]! < tokens.length ? tokens[bounds[i + 1]!]!.start : sql.length;
    expressions.push(`(${sql.slice(tokens[eq]!.end, end)})`);
  }
  const target = sql.slice(tokens[0]!.end, tokens[set]!.start);
  const fromList = from === undefined ? '' : `, ${sql.slice(tokens[from]!.end, where === undefined ? sql.length : tokens[where]!.start)}`;
  const condition = where === undefined ? '' : ` ${sql.slice(tokens[where]!.start)}`;
  return `SELECT ${expressions.join(', ')} FROM ${target}${fromList}${condition}`;
}

function snowflakeTypeName(duck: string): string {
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT)$/.test(duck)) return 'NUMBER(38,0)';
  if (duck.startsWith('DECIMAL')) return duck.replace('DECIMAL', 'NUMBER');
  if (duck === 'VARCHAR') return 'VARCHAR(16777216)';
  if (duck === 'DOUBLE' || duck === 'FLOAT') return 'FLOAT';
  if (duck === 'TIMESTAMP') return 'TIMESTAMP_NTZ(9)';
  if (duck === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMP_LTZ(9)';
  if (duck === 'JSON') return 'VARIANT';
  if (duck === 'BLOB') return 'BINARY(8388608)';
  return duck;
}

function bindValues(bindings: Record<string, Binding> | undefined): DuckDBValue[][] {
  if (!bindings) return [];
  const keys = Object.keys(bindings).sort((a, b) => Number(a) - Number(b));
  if (keys.length === 0) return [];
  if (keys.some((k, i) => Number(k) !== i + 1)) throw new SnowflakeError('002049', 'SQL compilation error: bind variables must be numbered 1..n.', '22000');
  const first = bindings[keys[0]!]!;
  const convert = (type: string, value: string | null): DuckDBValue => {
    if (value === null) return null;
    switch (type) {
      case 'FIXED':
        return /^-?\d+$/.test(value) ? BigInt(value) : Number(value);
      case 'REAL':
        return Number(value);
      case 'BOOLEAN':
        return /^(true|1)$/i.test(value);
      default:
        return value;
    }
  };
  if (Array.isArray(first.value)) {
    const rows = first.value.length;
    return Array.from({ length: rows }, (_, r) => keys.map((k) => convert(bindings[k]!.type, (bindings[k]!.value as (string | null)[])[r] ?? null)));
  }
  return [keys.map((k) => convert(bindings[k]!.type, bindings[k]!.value as string | null))];
}

/** A result column's name as Snowflake gives it (identifiers.ts); DuckDB names COUNT(*) count_star(). */
function resultName(name: string): string {
  if (/^count_star\(\)$/i.test(name)) return 'COUNT(*)';
  return resultColumnName(name);
}
