/**
 * A Snowflake-aware lexer: enough to split statements and read their leading keywords without
 * being fooled by comments, quoted identifiers or string literals ('..', '' and \' escapes,
 * $$..$$). Linear in the input; never backtracks.
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'semicolon';

export interface Token {
  kind: TokenKind;
  /** Upper-cased for words; raw text otherwise. */
  text: string;
  depth: number;
}

export interface Tokenized {
  tokens: Token[];
  /** The deepest parenthesis nesting seen. */
  maxDepth: number;
  /** Set when the input ends inside a string, quoted identifier or block comment. */
  error?: string;
}

const isWordStart = (c: string): boolean => /[\p{L}_]/u.test(c);
const isWordPart = (c: string): boolean => /[\p{L}\p{N}_$]/u.test(c);

export function tokenize(sql: string): Tokenized {
  const tokens: Token[] = [];
  let depth = 0;
  let maxDepth = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charAt(i);
    const next = sql.charAt(i + 1);
    if (/\s/u.test(c)) { i += 1; continue; }
    if ((c === '-' && next === '-') || (c === '/' && next === '/')) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) return { tokens, maxDepth, error: 'unterminated block comment' };
      i = end + 2;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      for (;;) {
        if (j >= n) return { tokens, maxDepth, error: 'unterminated string literal' };
        if (sql.charAt(j) === '\\') { j += 2; continue; }
        if (sql.charAt(j) === "'") {
          if (sql.charAt(j + 1) === "'") { j += 2; continue; }
          break;
        }
        j += 1;
      }
      tokens.push({ kind: 'string', text: sql.slice(i, j + 1), depth });
      i = j + 1;
      continue;
    }
    if (c === '$' && next === '$') {
      const end = sql.indexOf('$$', i + 2);
      if (end === -1) return { tokens, maxDepth, error: 'unterminated $$ string' };
      tokens.push({ kind: 'string', text: sql.slice(i, end + 2), depth });
      i = end + 2;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= n) return { tokens, maxDepth, error: 'unterminated quoted identifier' };
        if (sql.charAt(j) === '"') {
          if (sql.charAt(j + 1) === '"') { j += 2; continue; }
          break;
        }
        j += 1;
      }
      tokens.push({ kind: 'quoted', text: sql.slice(i + 1, j).replace(/""/g, '"'), depth });
      i = j + 1;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(sql.charAt(j))) j += 1;
      tokens.push({ kind: 'word', text: sql.slice(i, j).toUpperCase(), depth });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9.eE]/.test(sql.charAt(j))) j += 1;
      tokens.push({ kind: 'number', text: sql.slice(i, j), depth });
      i = j;
      continue;
    }
    if (c === ';') { tokens.push({ kind: 'semicolon', text: ';', depth }); i += 1; continue; }
    // Snowflake's pipe operator chains whole statements (`SHOW TABLES ->> DELETE FROM t`): a separator like `;`.
    if (c === '-' && next === '>' && sql.charAt(i + 2) === '>') { tokens.push({ kind: 'semicolon', text: '->>', depth }); i += 3; continue; }
    if (c === '(') { tokens.push({ kind: 'punct', text: c, depth }); depth += 1; maxDepth = Math.max(maxDepth, depth); i += 1; continue; }
    if (c === ')') { depth = Math.max(0, depth - 1); tokens.push({ kind: 'punct', text: c, depth }); i += 1; continue; }
    tokens.push({ kind: 'punct', text: c, depth });
    i += 1;
  }
  return { tokens, maxDepth };
}

/** Splits tokens into statements on semicolons and pipe operators (->>); empty statements are dropped. */
export function splitStatements(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let current: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'semicolon') {
      if (current.length > 0) out.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.length > 0) out.push(current);
  return out;
}
