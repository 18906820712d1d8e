import snowflake from 'snowflake-sdk';
import type { SnowflakeSettings } from './settings';

/** A query result as the tools return it: column names and rows of JSON-safe cells. */
export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  rowLimit: number;
}

export interface SqlRunner {
  /** `signal` aborts when the client cancels the call: the running statement is cancelled in Snowflake. */
  run(sql: string, signal?: AbortSignal): Promise<QueryResult>;
  close(): Promise<void>;
}

/** An error Snowflake answered with, carrying its code and SQL state. */
export class SnowflakeQueryError extends Error {
  constructor(message: string, readonly code?: string, readonly sqlState?: string) {
    super(message);
    this.name = 'SnowflakeQueryError';
  }
}

snowflake.configure({ logLevel: 'OFF' } as Parameters<typeof snowflake.configure>[0]);

/** Cells as JSON can carry them: dates as ISO text, binary as hex, big numbers as text. */
export function jsonCell(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') return (value as { toJSON(): unknown }).toJSON();
  return value;
}

/**
 * The real thing: one snowflake-sdk connection per server process (token or key-pair auth), opened on
 * the first call. Rows are streamed and the stream stops at the row limit.
 */
export class SnowflakeRunner implements SqlRunner {
  private connection?: Promise<snowflake.Connection>;

  constructor(private readonly settings: SnowflakeSettings) {}

  private connect(): Promise<snowflake.Connection> {
    this.connection ??= new Promise<snowflake.Connection>((resolve, reject) => {
      const s = this.settings;
      const connection = snowflake.createConnection({
        account: s.account,
        ...(s.accessUrl ? { accessUrl: s.accessUrl } : {}),
        username: s.user,
        ...(s.token ? { authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: s.token } : { authenticator: 'SNOWFLAKE_JWT', privateKey: s.privateKey }),
        ...(s.role ? { role: s.role } : {}),
        ...(s.warehouse ? { warehouse: s.warehouse } : {}),
        ...(s.database ? { database: s.database } : {}),
        ...(s.schema ? { schema: s.schema } : {}),
        application: 'Gatehouse_MCP',
      } as snowflake.ConnectionOptions);
      connection.connect((error) => {
        if (error) {
          this.connection = undefined;
          reject(new SnowflakeQueryError(`could not log in to Snowflake as ${s.user}: ${error.message}`, String((error as { code?: unknown }).code ?? '')));
        } else resolve(connection);
      });
    });
    return this.connection;
  }

  async run(sql: string, signal?: AbortSignal): Promise<QueryResult> {
    const connection = await this.connect();
    const limit = this.settings.rowLimit;
    if (signal?.aborted) throw new SnowflakeQueryError('the client cancelled the call before the statement started');
    return new Promise<QueryResult>((resolve, reject) => {
      const statement = connection.execute({
        sqlText: sql,
        streamResult: true,
        parameters: { STATEMENT_TIMEOUT_IN_SECONDS: this.settings.statementTimeoutSeconds },
        complete: (error, statement) => {
          if (error) {
            const e = error as { code?: unknown; sqlState?: unknown };
            reject(new SnowflakeQueryError(error.message, e.code === undefined ? undefined : String(e.code), e.sqlState === undefined ? undefined : String(e.sqlState)));
            return;
          }
          const columns = (statement.getColumns() ?? []).map((c) => c.getName());
          const total = statement.getNumRows() ?? 0;
          const rows: unknown[][] = [];
          if (total === 0 || columns.length === 0) {
            resolve({ columns, rows, rowCount: 0, truncated: false, rowLimit: limit });
            return;
          }
          statement.streamRows({ start: 0, end: Math.min(total, limit) - 1 })
            .on('data', (row: Record<string, unknown>) => rows.push(columns.map((c) => jsonCell(row[c]))))
            .on('error', (e: Error) => reject(new SnowflakeQueryError(e.message)))
            .on('end', () => resolve({ columns, rows, rowCount: total, truncated: total > limit, rowLimit: limit }));
        },
      });
      // A cancelled call stops the statement in Snowflake, not only the wait for it.
      signal?.addEventListener('abort', () => {
        statement.cancel(() => undefined);
        reject(new SnowflakeQueryError('the client cancelled the call; the statement was cancelled'));
      }, { once: true });
    });
  }

  async close(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    if (!pending) return;
    const connection = await pending.catch(() => undefined);
    if (connection) await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  }
}
