import { phiInIdentifier } from './identifiers';
import { scanText } from './text/scan';
import type { EntityType } from './types';

/**
 * SQL text as evidence: keywords, identifiers, operators and structure stay readable; every
 * literal a patient's data could hide in is replaced by a placeholder of its kind, and the result
 * still parses. What is replaced:
 *   - string literals ('...', E'...', N'...', $$...$$) → '[NAME]', '[SSN]', '[DATE]' ... (the
 *     type the PHI engine finds in it), else '[TEXT]';
 *   - numbers of three digits or more → 0 followed by a comment naming what was there
 *     (LIMIT 10 and 1 = 1 stay; 123456789 becomes 0 /*[NUMBER]*\/);
 *   - comments: their text is masked as free text;
 *   - quoted identifiers ("CREATED_AT") stay, unless they read as PHI ("[NAME]", "[NUMBER]");
 *     keywords, identifiers, casts and functions stay.
 * A lexer, not a parser: it never fails, so an unparseable statement is still masked.
 */
export interface MaskedSql {
  text: string;
  /** How many literals were replaced. */
  literals: number;
  /** The quoted identifiers that were replaced, as the statement means them ("" read as one quote). */
  identifiers: string[];
}

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isIdentChar = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number) => c >= 48 && c <= 57;

const DATE_SHAPED = /^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const TYPE_ORDER: readonly EntityType[] = ['SSN', 'NAME', 'DATE', 'PHONE', 'EMAIL', 'STREET_ADDRESS', 'MRN'];

const PLACEHOLDER = /^\[[A-Z_]{2,20}\]$/;

/** The placeholder for one string literal's content (a placeholder already there is kept: masking twice changes nothing). */
function stringPlaceholder(content: string): string {
  if (PLACEHOLDER.test(content)) return content.slice(1, -1);
  if (DATE_SHAPED.test(content.trim())) return 'DATE';
  const findings = scanText(content);
  if (findings.length === 0) return 'TEXT';
  const types = new Set(findings.map((f) => f.type));
  return TYPE_ORDER.find((t) => types.has(t)) ?? findings[0]!.type;
}

/** Free text inside a comment, masked with the detectors; the comment markers stay. */
function maskComment(body: string): string {
  const findings = scanText(body);
  if (findings.length === 0) return body;
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += `${body.slice(at, f.start)}[${f.type}]`;
    at = f.end;
  }
  // "*/" cannot appear in a placeholder, so a comment stays closed.
  return out + body.slice(at);
}

export function maskSqlText(sql: string): MaskedSql {
  if (typeof sql !== 'string') throw new TypeError('maskSqlText expects the SQL text as a string');
  const out: string[] = [];
  let literals = 0;
  const identifiers: string[] = [];
  const n = sql.length;
  let i = 0;
  let copyFrom = 0;
  const emit = (from: number, to: number, replacement: string) => {
    out.push(sql.slice(copyFrom, from), replacement);
    copyFrom = to;
  };
  while (i < n) {
    const c = sql.charCodeAt(i);
    // -- line comment
    if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      let j = sql.indexOf('\n', i);
      if (j < 0) j = n;
      emit(i, j, `--${maskComment(sql.slice(i + 2, j))}`);
      i = j;
      continue;
    }
    // /* block comment */ (an unclosed one runs to the end)
    if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const close = sql.indexOf('*/', i + 2);
      const j = close < 0 ? n : close + 2;
      emit(i, j, `/*${maskComment(sql.slice(i + 2, close < 0 ? n : close))}*/`);
      i = j;
      continue;
    }
    // 'string' with '' and \' escapes, optionally prefixed (E'', N'', X'')
    if (c === 39) {
      let j = i + 1;
      while (j < n) {
        const d = sql.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === 39 && sql.charCodeAt(j + 1) === 39) j += 2;
        else if (d === 39) break;
        else j++;
      }
      const content = sql.slice(i + 1, Math.min(j, n));
      literals++;
      emit(i, Math.min(j + 1, n), `'[${stringPlaceholder(content)}]'`);
      i = j + 1;
      continue;
    }
    // $$dollar-quoted$$ (Snowflake, PostgreSQL)
    if (c === 36 && sql.charCodeAt(i + 1) === 36) {
      const close = sql.indexOf('$$', i + 2);
      const j = close < 0 ? n : close + 2;
      literals++;
      emit(i, j, `'[${stringPlaceholder(sql.slice(i + 2, close < 0 ? n : close))}]'`);
      i = j;
      continue;
    }
    // "quoted identifier" and `backticks` ("" inside is one quote): kept, unless what is quoted
    // reads as PHI ("Jane Doe", "123-45-6789", "078""05""1120"; phi/identifiers.ts): an identifier
    // is the agent's choice, so it is no safe place for a value.
    if (c === 34 || c === 96) {
      const quote = sql[i]!;
      let j = i + 1;
      let name = '';
      for (;;) {
        const close = sql.indexOf(quote, j);
        if (close < 0) {
          name += sql.slice(j);
          j = n;
          break;
        }
        name += sql.slice(j, close);
        if (sql[close + 1] === quote) {
          name += quote;
          j = close + 2;
          continue;
        }
        j = close + 1;
        break;
      }
      const kind = phiInIdentifier(name);
      if (kind) {
        literals++;
        identifiers.push(name);
        emit(i, j, `${quote}[${kind}]${quote}`);
      }
      i = j;
      continue;
    }
    // identifiers and keywords (digits inside them are part of the name: T1, COL_2)
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(sql.charCodeAt(j))) j++;
      i = j;
      continue;
    }
    // numbers: 123, 12.5, .5, 1e10; three digits or more are masked
    if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      let j = i;
      let digits = 0;
      while (j < n && (isDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === 46)) {
        if (isDigit(sql.charCodeAt(j))) digits++;
        j++;
      }
      if ((sql.charCodeAt(j) === 101 || sql.charCodeAt(j) === 69) && (isDigit(sql.charCodeAt(j + 1)) || ((sql.charCodeAt(j + 1) === 43 || sql.charCodeAt(j + 1) === 45) && isDigit(sql.charCodeAt(j + 2))))) {
        j += 2;
        while (j < n && isDigit(sql.charCodeAt(j))) j++;
      }
      if (digits >= 3) {
        literals++;
        emit(i, j, '0 /*[NUMBER]*/');
      }
      i = j;
      continue;
    }
    i++;
  }
  out.push(sql.slice(copyFrom));
  return { text: out.join(''), literals, identifiers };
}

/** Statements the recording and the audit trail treat as SQL (after leading comments). */
const SQL_START = /^\s*(?:(?:--[^\n]{0,4000}\n|\/\*[\s\S]{0,4000}?\*\/)\s*){0,8}\(?\s*(?:SELECT|WITH|INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|GRANT|REVOKE|SHOW|DESCRIBE|DESC|USE|CALL|COPY|PUT|GET|LIST|REMOVE|TRUNCATE|EXPLAIN|BEGIN|COMMIT|ROLLBACK|SET|UNSET|EXECUTE|UNDROP|VALUES)\b/i;

export function looksLikeSql(text: string): boolean {
  return SQL_START.test(text.slice(0, 8192));
}
