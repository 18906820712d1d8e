import { SnowflakeError } from './errors';

/**
 * A small Snowflake lexer. Hand-written because no parser on npm understands Snowflake's
 * account statements (CREATE USER ... RSA_PUBLIC_KEY = '...', GRANT OWNERSHIP ON ROLE ...);
 * SELECT and DML are parsed by DuckDB itself (see access.ts). The lexer is only used to
 * route statements, parse the account statements, split scripts on `;` and map the few
 * dialect differences (`:1` binds, Snowflake type names) outside string literals.
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'bind';

export interface Token {
  kind: TokenKind;
  /** Words upper-cased (Snowflake resolves unquoted identifiers upper-case), others as written. */
  value: string;
  /** The exact source text. */
  text: string;
  start: number;
  end: number;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number) => tokens.push({ kind, value, text: sql.slice(start, i), start, end: i });
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '/') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw SnowflakeError.syntax('unterminated comment');
      i = close + 2;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw SnowflakeError.syntax('unterminated string literal');
        const ch = sql[i]!;
        if (ch === "'" && sql[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (ch === "'") {
          i++;
          break;
        } else if (ch === '\\' && i + 1 < sql.length) {
          value += sql[i + 1];
          i += 2;
        } else {
          value += ch;
          i++;
        }
      }
      push('string', value, start);
    } else if (c === '$' && sql[i + 1] === '$') {
      const close = sql.indexOf('$$', i + 2);
      if (close < 0) throw SnowflakeError.syntax('unterminated $$ string');
      const value = sql.slice(i + 2, close);
      i = close + 2;
      push('string', value, start);
    } else if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw SnowflakeError.syntax('unterminated quoted identifier');
        if (sql[i] === '"' && sql[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (sql[i] === '"') {
          i++;
          break;
        } else {
          value += sql[i++];
        }
      }
      push('quoted', value, start);
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i]!)) i++;
      push('word', sql.slice(start, i).toUpperCase(), start);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < sql.length && /[0-9.eE]/.test(sql[i]!)) {
        if ((sql[i] === 'e' || sql[i] === 'E') && (sql[i + 1] === '-' || sql[i + 1] === '+')) i++;
        i++;
      }
      push('number', sql.slice(start, i), start);
    } else if (c === ':' && /[0-9]/.test(sql[i + 1] ?? '') && sql[i - 1] !== ':') {
      i++;
      while (i < sql.length && /[0-9]/.test(sql[i]!)) i++;
      push('bind', sql.slice(start + 1, i), start);
    } else if (c === '?') {
      i++;
      push('bind', '', start);
    } else {
      const two = sql.slice(i, i + 2);
      i += ['::', '<=', '>=', '<>', '!=', '||', '=>', '->'].includes(two) ? 2 : 1;
      push('punct', sql.slice(start, i), start);
    }
  }
  return tokens;
}

/** Splits a script into statements on top-level `;` (never inside strings or comments). */
export function splitStatements(sql: string): string[] {
  const tokens = tokenize(sql);
  const out: string[] = [];
  let from = 0;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.value === ';') {
      const text = sql.slice(from, token.start).trim();
      if (text) out.push(text);
      from = token.end;
    }
  }
  const rest = sql.slice(from).trim();
  if (rest && tokenize(rest).length > 0) out.push(rest);
  return out;
}

/** Snowflake type names DuckDB spells differently. */
const TYPE_NAMES: Record<string, string> = {
  TIMESTAMP_NTZ: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMPTZ',
  TIMESTAMP_TZ: 'TIMESTAMPTZ',
  NUMBER: 'DECIMAL',
  VARIANT: 'JSON',
  OBJECT: 'JSON',
  ARRAY: 'JSON',
  BINARY: 'BLOB',
  VARBINARY: 'BLOB',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
};

/**
 * Rewrites the Snowflake dialect DuckDB does not share: `:1` binds become `$1`, and type names
 * after `::`, `CAST(... AS` and in column definitions become their DuckDB equivalents. `?`
 * binds are numbered so they can be mixed with nothing else.
 */
export function toDuckDbDialect(sql: string): string {
  const tokens = tokenize(sql);
  let out = '';
  let last = 0;
  let positional = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    let replacement: string | undefined;
    if (t.kind === 'bind') replacement = `$${t.value || ++positional}`;
    else if (t.kind === 'word' && TYPE_NAMES[t.value] !== undefined) {
      const prev = tokens[k - 1];
      const next = tokens[k + 1];
      const inTypePosition =
        (prev?.kind === 'punct' && prev.value === '::') ||
        (prev?.kind === 'word' && prev.value === 'AS' && next?.kind === 'punct' && (next.value === ')' || next.value === '(')) ||
        (prev?.kind === 'word' && next?.kind === 'punct' && [',', ')', '('].includes(next.value) && !['SELECT', 'BY', 'AS', 'FROM'].includes(prev.value));
      if (inTypePosition) replacement = TYPE_NAMES[t.value];
    }
    if (replacement !== undefined) {
      out += sql.slice(last, t.start) + replacement;
      last = t.end;
    }
  }
  return out + sql.slice(last);
}
