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
