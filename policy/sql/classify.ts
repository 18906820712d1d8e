import { Parser } from 'node-sql-parser';
import { splitStatements, tokenize, type Token } from './tokenize';

export type SqlClass = 'read' | 'write' | 'ddl' | 'privilege' | 'export' | 'multi_statement' | 'unparseable';

export interface SqlClassification {
  classes: SqlClass[];
  statements: number;
  risk: 'low' | 'high';
  tables: string[];
  reason?: string;
}

const READ = new Set(['SELECT', 'SHOW', 'DESCRIBE', 'DESC', 'LIST', 'LS', 'VALUES']);
const WRITE = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'TRUNCATE']);
const DDL = new Set(['CREATE', 'ALTER', 'DROP', 'UNDROP', 'COMMENT', 'RENAME']);
const PRIVILEGE_OBJECTS = new Set(['USER', 'ROLE', 'DATABASE ROLE', 'NETWORK POLICY', 'SECURITY INTEGRATION']);
const EXPORT_OBJECTS = new Set(['STAGE', 'EXTERNAL', 'API', 'STORAGE', 'NOTIFICATION', 'PIPE', 'SHARE']);
/** Session-level statements that do not touch data. */
const SESSION = new Set(['USE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SET', 'UNSET']);

/**
 * Session parameters that only change how values are shown or read in: an `ALTER SESSION` that
 * sets or unsets nothing else is session housekeeping. Any other parameter (a statement timeout,
 * rows per result set, a query tag, identifier case rules the masking's lineage relies on) would
 * lift a limit Gatehouse put on the issued user, so it is judged like a grant (docs.snowflake.com
 * sql-reference/parameters: STATEMENT_TIMEOUT_IN_SECONDS may be set per session).
 */
const DISPLAY_PARAMETERS = new Set([
  'TIMEZONE', 'DATE_OUTPUT_FORMAT', 'DATE_INPUT_FORMAT', 'TIME_OUTPUT_FORMAT', 'TIME_INPUT_FORMAT', 'TIMESTAMP_OUTPUT_FORMAT',
  'TIMESTAMP_INPUT_FORMAT', 'TIMESTAMP_LTZ_OUTPUT_FORMAT', 'TIMESTAMP_NTZ_OUTPUT_FORMAT', 'TIMESTAMP_TZ_OUTPUT_FORMAT', 'TIMESTAMP_TYPE_MAPPING',
  'BINARY_INPUT_FORMAT', 'BINARY_OUTPUT_FORMAT', 'WEEK_START', 'WEEK_OF_YEAR_POLICY', 'JSON_INDENT', 'GEOGRAPHY_OUTPUT_FORMAT', 'GEOMETRY_OUTPUT_FORMAT',
]);

const SMUGGLED = new Set(['DROP', 'DELETE', 'INSERT', 'UPDATE', 'MERGE', 'TRUNCATE', 'GRANT', 'REVOKE', 'ALTER', 'CREATE']);
const MAX_SQL_LENGTH = 1_000_000;
/** No analyst query nests this deep; beyond it a text is refused the same way on every machine. */
const MAX_NESTING = 200;
const parser = new Parser();

function mainKeyword(stmt: Token[]): { word: string; index: number } | undefined {
  // Skip a leading WITH clause: `WITH a AS (...), b AS (...) <main statement>`.
  let i = 0;
  while (stmt[i]?.text === '(') i += 1; // `(SELECT ...)`
  const first = stmt[i];
  if (first?.text !== 'WITH') return first?.kind === 'word' ? { word: first.text, index: i } : undefined;
  for (let j = i + 1; j < stmt.length; j += 1) {
    const t = stmt[j];
    if (t && t.depth === 0 && t.kind === 'word' && (READ.has(t.text) || WRITE.has(t.text))) {
      const prev = stmt[j - 1];
      if (prev && prev.text === ')') return { word: t.text, index: j };
    }
  }
  return undefined;
}

function objectAfter(stmt: Token[], index: number): string {
  // CREATE [OR REPLACE] [TEMPORARY|TRANSIENT|SECURE ...] <object>
  const skip = new Set(['OR', 'REPLACE', 'IF', 'NOT', 'EXISTS', 'TEMPORARY', 'TEMP', 'TRANSIENT', 'SECURE', 'VOLATILE', 'LOCAL', 'GLOBAL', 'RECURSIVE', 'MATERIALIZED']);
  let j = index + 1;
  while (j < stmt.length && skip.has(stmt[j]?.text ?? '')) j += 1;
  const a = stmt[j]?.text ?? '';
  const b = stmt[j + 1]?.text ?? '';
  if (a === 'DATABASE' && b === 'ROLE') return 'DATABASE ROLE';
  if ((a === 'NETWORK' && b === 'POLICY') || (a === 'SECURITY' && b === 'INTEGRATION')) return `${a} ${b}`;
  return a;
}

function has(stmt: Token[], ...seq: string[]): boolean {
  outer: for (let i = 0; i + seq.length <= stmt.length; i += 1) {
    for (let k = 0; k < seq.length; k += 1) {
      const t = stmt[i + k];
      if (t?.kind !== 'word' || t.text !== seq[k]) continue outer;
    }
    return true;
  }
  return false;
}

interface StatementResult { classes: Set<SqlClass>; reason?: string; parseable: boolean }

export interface ClassifyOptions {
  /** SYSTEM$ functions known to be harmless (e.g. SYSTEM$TYPEOF); every other one is held. */
  systemFunctions?: readonly string[];
}

/** Words EXPLAIN may carry before the statement it explains. */
const EXPLAIN_OPTIONS = new Set(['USING', 'TEXT', 'JSON', 'TABULAR', 'ANALYZE', 'VERBOSE']);

/**
 * What every statement is checked for, whatever its kind: a stage reference (`@~`, `@%table`,
 * `@name`) reads or writes files outside the warehouse's access control (export); a SYSTEM$
 * function can cancel queries, end sessions or send mail (held, unless allow-listed).
 */
function checkEverywhere(stmt: Token[], options: ClassifyOptions): { classes: SqlClass[]; reasons: string[] } {
  const classes: SqlClass[] = [];
  const reasons: string[] = [];
  if (stmt.some((t, i) => t.kind === 'punct' && t.text === '@' && stmt[i - 1]?.text !== ':')) {
    classes.push('export');
    reasons.push('references a stage (@...)');
  }
  const allowed = new Set((options.systemFunctions ?? []).map((f) => f.toUpperCase()));
  const system = [...new Set(stmt.filter((t) => t.kind === 'word' && t.text.startsWith('SYSTEM$') && !allowed.has(t.text)).map((t) => t.text))];
  if (system.length) {
    classes.push('write');
    reasons.push(`calls ${system.join(', ')}: a system function whose effect the gateway cannot bound`);
  }
  return { classes, reasons };
}

function classifyStatement(stmt: Token[], options: ClassifyOptions = {}): StatementResult {
  const own = classifyStatementKind(stmt, options);
  const everywhere = checkEverywhere(stmt, options);
  if (everywhere.classes.length === 0) return own;
  const reason = [own.reason, ...everywhere.reasons].filter(Boolean).join('; ');
  return { classes: new Set([...own.classes, ...everywhere.classes]), reason, parseable: own.parseable };
}

function classifyStatementKind(stmt: Token[], options: ClassifyOptions): StatementResult {
  const classes = new Set<SqlClass>();
  const main = mainKeyword(stmt);
  if (!main) return { classes: new Set(['unparseable']), reason: 'no recognizable statement keyword', parseable: false };
  const { word, index } = main;
  const next = stmt[index + 1]?.text ?? '';
  if (word === 'EXPLAIN') {
    // EXPLAIN [USING fmt] [ANALYZE] <statement>: judged as what it explains; anything but a plain SELECT is held.
    let k = index + 1;
    while (k < stmt.length && EXPLAIN_OPTIONS.has(stmt[k]?.text ?? '')) k += 1;
    const inner = stmt.slice(k);
    const explained = classifyStatementKind(inner, options);
    const innerWord = mainKeyword(inner)?.word;
    if (innerWord === 'SELECT' && explained.classes.size === 1 && explained.classes.has('read')) return explained;
    const out = new Set(explained.classes);
    if (!out.has('unparseable')) out.add('write');
    out.delete('read');
    return { classes: out, reason: [`EXPLAIN of ${innerWord ? `a ${innerWord}` : 'an unknown'} statement`, explained.reason].filter(Boolean).join('; '), parseable: explained.parseable };
  }
  if (word === 'COPY' || word === 'PUT' || word === 'GET' || word === 'UNLOAD') {
    classes.add('export');
    // COPY INTO <table> loads (a write too); COPY INTO @stage or 's3://...' unloads.
    const target = stmt[index + 2];
    if (word === 'COPY' && next === 'INTO' && target && target.text !== '@' && target.kind !== 'string') classes.add('write');
  } else if (word === 'GRANT' || word === 'REVOKE') classes.add('privilege');
  else if (word === 'USE') classes.add(next === 'ROLE' || next === 'SECONDARY' ? 'privilege' : 'read');
  else if (DDL.has(word)) {
    const object = objectAfter(stmt, index);
    // Tags carry the data classification the gateway's PHI catalog reads (SYSTEM$GET_TAG, TAG_REFERENCES):
    // creating, changing or removing one is a governance change, judged like a grant.
    if (object === 'TAG' || has(stmt, 'SET', 'TAG') || has(stmt, 'UNSET', 'TAG')) {
      return { classes: new Set(['privilege']), reason: 'changes object tags (the data classification PHI masking reads)', parseable: true };
    }
    if (word === 'ALTER' && object === 'SESSION') return classifyAlterSession(stmt, index);
    if (PRIVILEGE_OBJECTS.has(object)) classes.add('privilege');
    else if (EXPORT_OBJECTS.has(object) || has(stmt, 'EXTERNAL', 'FUNCTION')) classes.add('export');
    else classes.add('ddl');
  } else if (WRITE.has(word)) classes.add('write');
  else if (READ.has(word)) classes.add('read');
  else if ((word === 'BEGIN' || word === 'START') && next !== '' && !['TRANSACTION', 'WORK', 'NAME'].includes(next)) {
    // A Snowflake Scripting block (BEGIN ... END) can hold any statement.
    return { classes: new Set(['unparseable']), reason: 'scripting blocks are not classified', parseable: false };
  } else if (SESSION.has(word)) classes.add('read');
  else if (word === 'CALL' || word === 'EXECUTE') {
    classes.add('write');
    return { classes, reason: `${word} runs code whose effect cannot be known`, parseable: true };
  } else return { classes: new Set(['unparseable']), reason: `unknown statement ${word}`, parseable: false };

  if (classes.has('read') && word === 'SELECT') {
    // SELECT ... INTO <table|variable> writes.
    if (stmt.some((t, i) => i > index && t.depth === 0 && t.text === 'INTO')) classes.add('write');
  }
  if (word === 'SELECT') {
    // Reserved statement words have no business inside a SELECT (Snowflake reserves them); a
    // parser quirk (e.g. around comments) must not turn `... DROP TABLE x` into a read.
    const stray = stmt.find((t, i) => i > index && t.kind === 'word' && SMUGGLED.has(t.text));
    if (stray) return { classes: new Set([...classes, 'unparseable']), reason: `unexpected ${stray.text} inside a SELECT`, parseable: false };
  }
  return { classes, parseable: true };
}

/** `ALTER SESSION SET p = v [, ...]` / `UNSET p [, ...]`: housekeeping when every p only changes display. */
function classifyAlterSession(stmt: Token[], index: number): StatementResult {
  const verb = stmt[index + 2]?.text;
  const names: string[] = [];
  for (let i = index + 3; i < stmt.length; i += 1) {
    const t = stmt[i];
    const before = stmt[i - 1]?.text;
    if (!t || (i !== index + 3 && before !== ',')) continue;
    // A quoted or otherwise odd name is never taken for a display parameter.
    names.push(t.kind === 'word' && t.depth === 0 ? t.text : `unrecognised name ${t.text}`);
  }
  const lifted = names.filter((n) => !DISPLAY_PARAMETERS.has(n));
  if ((verb === 'SET' || verb === 'UNSET') && names.length > 0 && lifted.length === 0) return { classes: new Set(['read']), parseable: true };
  const what = lifted.length > 0 ? lifted.join(', ') : 'an unrecognised session change';
  return { classes: new Set(['privilege']), reason: `ALTER SESSION changes ${what}, which can lift a limit set on the issued user`, parseable: true };
}

function tablesOf(sql: string): string[] | undefined {
  try {
    const list = parser.tableList(sql, { database: 'snowflake' });
    return list.map((entry) => entry.split('::').slice(1).filter((p) => p !== 'null').join('.'));
  } catch {
    return undefined;
  }
}

function fallbackTables(stmt: Token[]): string[] {
  const out: string[] = [];
  const after = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE']);
  for (let i = 0; i < stmt.length - 1; i += 1) {
    const t = stmt[i];
    if (!t || !after.has(t.text) || t.kind !== 'word') continue;
    const parts: string[] = [];
    let j = i + 1;
    for (let p = stmt[j]; p && (p.kind === 'word' || p.kind === 'quoted'); p = stmt[j]) {
      parts.push(p.text);
      if (stmt[j + 1]?.text !== '.') break;
      j += 2;
    }
    if (parts[0] !== undefined && !['SELECT', 'IF'].includes(parts[0])) out.push(parts.join('.'));
  }
  return out;
}

/**
 * Classifies a SQL text in Snowflake's dialect. Never throws; anything it cannot read is
 * `unparseable` and high risk, as are several statements in one text.
 */
export function classifySql(sql: string, options: ClassifyOptions = {}): SqlClassification {
  if (typeof sql !== 'string' || sql.length > MAX_SQL_LENGTH) {
    return { classes: ['unparseable'], statements: 0, risk: 'high', tables: [], reason: `SQL text missing or longer than ${MAX_SQL_LENGTH} characters` };
  }
  const lexed = tokenize(sql);
  if (lexed.error) return { classes: ['unparseable'], statements: 0, risk: 'high', tables: [], reason: lexed.error };
  // Whether the parser reads a deeply nested text would otherwise depend on the stack it runs on.
  if (lexed.maxDepth > MAX_NESTING) {
    return { classes: ['unparseable'], statements: 0, risk: 'high', tables: [], reason: `parentheses nested deeper than ${MAX_NESTING} levels` };
  }
  const statements = splitStatements(lexed.tokens);
  if (statements.length === 0) return { classes: ['unparseable'], statements: 0, risk: 'high', tables: [], reason: 'empty SQL' };
  const classes = new Set<SqlClass>();
  const reasons: string[] = [];
  const tables = new Set<string>();
  for (const stmt of statements) {
    const r = classifyStatement(stmt, options);
    r.classes.forEach((c) => classes.add(c));
    if (r.reason) reasons.push(r.reason);
    fallbackTables(stmt).forEach((t) => tables.add(t));
  }
  if (statements.length > 1) {
    classes.add('multi_statement');
    reasons.push(`${statements.length} statements in one text`);
  } else if (classes.size === 1 && classes.has('read') && statements[0] !== undefined && mainKeywordOf(statements[0]) === 'SELECT') {
    // Cross-check ordinary SELECTs with the real parser; a disagreement fails closed.
    const parsed = tablesOf(sql);
    if (parsed === undefined) {
      classes.add('unparseable');
      reasons.push('the SQL parser could not read this SELECT');
    } else {
      // The lexer already named tables Snowflake-style (unquoted upper-cased); add only what it missed.
      const known = new Set([...tables].map((t) => t.toUpperCase()));
      parsed.forEach((t) => { if (t && !known.has(t.toUpperCase())) tables.add(t.toUpperCase()); });
    }
  }
  const order: SqlClass[] = ['read', 'write', 'ddl', 'privilege', 'export', 'multi_statement', 'unparseable'];
  const list = order.filter((c) => classes.has(c));
  const risk = list.length === 1 && list[0] === 'read' ? 'low' : 'high';
  return { classes: list, statements: statements.length, risk, tables: [...tables], ...(reasons.length ? { reason: reasons.join('; ') } : {}) };
}

function mainKeywordOf(stmt: Token[]): string | undefined {
  return mainKeyword(stmt)?.word;
}

/** True when the (single) statement limits its rows at top level: LIMIT, FETCH FIRST or TOP. */
export function hasRowLimit(sql: string): boolean {
  const lexed = tokenize(sql);
  if (lexed.error) return false;
  const statements = splitStatements(lexed.tokens);
  if (statements.length !== 1 || !statements[0]) return false;
  return statements[0].some((t) => t.depth === 0 && t.kind === 'word' && (t.text === 'LIMIT' || t.text === 'FETCH' || t.text === 'TOP'));
}

/** Keeps at most `limit` rows; says whether any were dropped. */
export function applyRowLimit<T>(rows: readonly T[], limit: number): { rows: T[]; truncated: boolean } {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`row limit must be a non-negative integer, got ${limit}`);
  return { rows: rows.slice(0, limit), truncated: rows.length > limit };
}
