import { SnowflakeError } from './errors';
import { tokenize } from './lexer';
import { snowflakeName } from './identifiers';

/**
 * DuckDB's errors in Snowflake's codes, SQL states and wording, so a client (or an agent)
 * reading the message reacts as it would to Snowflake. `sql` is the statement as the client
 * wrote it: positions are reported in it, as Snowflake does ("line L at position P", 0-based).
 * https://docs.snowflake.com/en/developer-guide/sql-api/handling-errors and the messages
 * Snowflake returns for these cases (002003 42S02, 000904 invalid identifier, 100038 ...).
 */
export function translateDuckError(error: Error, sql: string, position?: number): SnowflakeError {
  // Names in DuckDB's messages are stored names (identifiers.ts): shown as the client spelled them.
  const message = snowflakeName(error.message);
  const firstLine = message.split('\n')[0] ?? message;
  const body = firstLine.replace(/^[A-Za-z ]+ Error: /, '');
  if (/^INTERRUPT Error/.test(message)) return new SnowflakeError('000604', 'SQL execution canceled', '57014');
  if (/^Parser Error/.test(message)) {
    const near = /at or near "([^"]*)"/.exec(body)?.[1];
    if (near === undefined) return SnowflakeError.syntax(`line ${lineCount(sql)} at position ${lastLineLength(sql)} unexpected '<EOF>'.`);
    return SnowflakeError.syntax(`${position === undefined ? where(sql, near) : at(sql, position)} unexpected '${near}'.`);
  }
  if (/^Catalog Error/.test(message)) {
    const fn = /(?:Scalar|Aggregate|Table|Macro) Function with name "?([^"!\s]+)"? does not exist/.exec(body)?.[1];
    // https://docs.snowflake.com/en/sql-reference/functions-all : an unknown name is "Unknown function", never an access error.
    if (fn) return new SnowflakeError('002140', `SQL compilation error:\nUnknown function ${fn.toUpperCase()}`, '42601');
    const exists = /with name "?([^"!]+?)"? already exists/.exec(body)?.[1];
    if (exists) return new SnowflakeError('002002', `SQL compilation error:\nObject '${exists}' already exists.`, '42710');
    const missing = /with name "?([^"!]+?)"? does not exist/.exec(body)?.[1];
    if (missing) return new SnowflakeError('002003', `SQL compilation error:\nObject '${missing}' does not exist or not authorized.`, '42S02');
    return new SnowflakeError('002003', `SQL compilation error:\n${body}`, '42S02');
  }
  if (/^Binder Error/.test(message)) {
    const column = /Referenced column "([^"]+)" (?:not found|was not found)/.exec(body)?.[1] ?? /does not have a column named "([^"]+)"/.exec(body)?.[1];
    // Snowflake shows a name that is not all upper-case in its quotes: invalid identifier '"abc"'.
    if (column) return new SnowflakeError('000904', `SQL compilation error: error ${where(sql, column)}\ninvalid identifier '${column === column.toUpperCase() ? column : `"${column}"`}'`, '42000');
    if (/Could not choose a best candidate function|No function matches/.test(body)) {
      const fn = /function call "([^"(]+)\(/.exec(body)?.[1] ?? /function "([^"(]+)\(/.exec(body)?.[1] ?? '';
      return new SnowflakeError('001044', `SQL compilation error: error line 1 at position 0\nInvalid argument types for function '${fn.toUpperCase()}'`, '22023');
    }
    return new SnowflakeError('000904', `SQL compilation error: ${body}`, '42000');
  }
  if (/^Conversion Error/.test(message)) {
    // https://docs.snowflake.com/en/sql-reference/functions/to_decimal : "Numeric value 'abc' is not recognized" (100038)
    const value = /string ["']([^"']*)["'] to (?:INT|DECIMAL|DOUBLE|FLOAT|UINT|HUGEINT)/.exec(body)?.[1];
    if (value !== undefined) return new SnowflakeError('100038', `Numeric value '${value}' is not recognized`, '22018');
    const date = /invalid date field format: "([^"]*)"/.exec(body)?.[1] ?? /date field value out of range: "([^"]*)"/.exec(body)?.[1];
    if (date !== undefined) return new SnowflakeError('100040', `Date '${date}' is not recognized`, '22007');
    const timestamp = /invalid timestamp field format: "([^"]*)"/.exec(body)?.[1];
    if (timestamp !== undefined) return new SnowflakeError('100035', `Timestamp '${timestamp}' is not recognized`, '22007');
    const boolean = /string ["']([^"']*)["'] to BOOL/.exec(body)?.[1];
    if (boolean !== undefined) return new SnowflakeError('100037', `Boolean value '${boolean}' is not recognized`, '22018');
    return new SnowflakeError('100038', body, '22018');
  }
  if (/^Constraint Error/.test(message)) {
    if (/NOT NULL constraint/.test(body)) return new SnowflakeError('100072', 'NULL result in a non-nullable column', '22000');
    return new SnowflakeError('100072', body, '22000');
  }
  if (/^Invalid Input Error/.test(message)) {
    // https://docs.snowflake.com/en/sql-reference/operators-arithmetic : division by zero fails with 100051.
    if (/^Division by zero/.test(body)) return new SnowflakeError('100051', 'Division by zero', '22012');
    if (/Malformed JSON/i.test(body)) return new SnowflakeError('100069', `Error parsing JSON: ${body}`, '22000');
    return new SnowflakeError('100069', body, '22000');
  }
  if (/^Out of Range Error/.test(message)) return new SnowflakeError('100046', 'Number out of representable range', '22003');
  if (/^Not implemented Error/.test(message)) return SnowflakeError.unsupported(body);
  if (/^(Permission|IO) Error/.test(message)) return SnowflakeError.insufficientPrivileges('the requested resource');
  return new SnowflakeError('100000', `SQL execution error: ${body}`, '22000');
}

function at(sql: string, offset: number): string {
  const before = sql.slice(0, Math.min(offset, sql.length));
  return `line ${before.split('\n').length} at position ${offset - (before.lastIndexOf('\n') + 1)}`;
}

/** "line L at position P" of the first token spelled `text` (case-insensitive), as Snowflake reports it. */
function where(sql: string, text: string): string {
  let tokens: ReturnType<typeof tokenize> = [];
  try {
    tokens = tokenize(sql);
  } catch {
    // unreadable text: position 0
  }
  const hit = tokens.find((t) => t.value.toUpperCase() === text.toUpperCase() || t.text.toUpperCase() === text.toUpperCase());
  const offset = hit?.start ?? 0;
  const before = sql.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line} at position ${offset - (before.lastIndexOf('\n') + 1)}`;
}

const lineCount = (sql: string) => sql.split('\n').length;
const lastLineLength = (sql: string) => sql.length - (sql.lastIndexOf('\n') + 1);
