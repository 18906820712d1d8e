import { SnowflakeError } from './errors';

/**
 * Stopping a running statement: cancel (the driver's statement.cancel(), SYSTEM$CANCEL_QUERY,
 * a closed session or a vanished client) and STATEMENT_TIMEOUT_IN_SECONDS. A stopped statement
 * interrupts its DuckDB connection, so the query stops using CPU, and fails with Snowflake's own
 * error for the reason.
 */
export type StopReason = 'cancel' | 'timeout';

// https://docs.snowflake.com/en/sql-reference/parameters#statement-timeout-in-seconds
// "Default: 172800 (2 days)", values 0 (no limit) to 604800 (7 days); set for the account, a
// user or a session, the session's value overriding the user's and the user's the account's.
export const STATEMENT_TIMEOUT = 'STATEMENT_TIMEOUT_IN_SECONDS';
export const DEFAULT_STATEMENT_TIMEOUT_SECONDS = 172_800;
export const MAX_STATEMENT_TIMEOUT_SECONDS = 604_800;

/** Session-level parameters a user or the account may also carry (ALTER USER/ACCOUNT SET). */
export const INHERITED_PARAMETERS = new Set([STATEMENT_TIMEOUT]);

export type Parameters = Record<string, string | number | boolean>;

/** A parameter's value as a whole number of seconds, or a compilation error as Snowflake gives it. */
export function timeoutValue(value: unknown): number {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > MAX_STATEMENT_TIMEOUT_SECONDS) {
    throw new SnowflakeError('002041', `SQL compilation error:\ninvalid value [${String(value)}] for parameter '${STATEMENT_TIMEOUT}'`, '22023');
  }
  return n;
}

/** The timeout in force: statement, then session, then user, then account parameter, then the default. */
export function statementTimeoutSeconds(...levels: (Parameters | undefined)[]): number {
  for (const level of levels) {
    const value = level?.[STATEMENT_TIMEOUT];
    if (value !== undefined) return timeoutValue(value);
  }
  return DEFAULT_STATEMENT_TIMEOUT_SECONDS;
}

export function stoppedError(reason: StopReason, timeoutSeconds: number): SnowflakeError {
  // The codes and texts Snowflake answers (and snowflake-sdk surfaces as err.code / err.message).
  if (reason === 'timeout') {
    return new SnowflakeError('000630', `Statement reached its statement or warehouse timeout of ${timeoutSeconds} second(s) and was canceled.`, '57014');
  }
  return new SnowflakeError('000604', 'SQL execution canceled', '57014');
}

/** One statement from the moment it is queued on its session until it answers. */
export class RunningStatement {
  stopped: StopReason | undefined;
  timeoutSeconds = DEFAULT_STATEMENT_TIMEOUT_SECONDS;
  private timer: NodeJS.Timeout | undefined;
  private interrupt: (() => void) | undefined;

  constructor(readonly requestId: string | undefined) {}

  /** Called when the statement starts on its connection: arms the timeout and the interrupt. */
  start(timeoutSeconds: number, interrupt: () => void): void {
    this.timeoutSeconds = timeoutSeconds;
    this.interrupt = interrupt;
    if (this.stopped) interrupt();
    else if (timeoutSeconds > 0) {
      this.timer = setTimeout(() => this.stop('timeout'), timeoutSeconds * 1000);
      this.timer.unref();
    }
  }

  stop(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = reason;
    clearTimeout(this.timer);
    this.interrupt?.();
  }

  /** Throws the stop error if the statement was stopped (before a step, or after one failed). */
  check(): void {
    if (this.stopped) throw stoppedError(this.stopped, this.timeoutSeconds);
  }

  finish(): void {
    clearTimeout(this.timer);
    this.interrupt = undefined;
  }
}
