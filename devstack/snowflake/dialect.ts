import { SnowflakeError } from './errors';
import { tokenize, type Token } from './lexer';
import { FUNCTION_RULES, type Call } from './functions';
import { duckId } from './identifiers';

/**
 * Snowflake SQL to DuckDB SQL, token by token, keeping the text between tokens as written.
 * Function calls with a rule in functions.ts are rebuilt from their (already translated)
 * arguments; the rest is done here: `:1`/`?` binds, type names, `v:a.b[0]` paths, SELECT TOP n,
 * TABLE(GENERATOR(...)), TABLE(FLATTEN(...)) and LATERAL FLATTEN(...), FROM VALUES with COLUMN1
 * names, WITHIN GROUP (ORDER BY ...), the RLIKE operator and a division by zero that fails.
 * Constructs with no DuckDB equivalent fail with Snowflake's unsupported-feature error.
 */
export function translate(sql: string): string {
  const tokens = tokenize(sql);
  return new Rewriter(sql, tokens).range(0, tokens.length);
}

// https://docs.snowflake.com/en/sql-reference/intro-summary-data-types
// NUMBER/DECIMAL/NUMERIC default to (38,0); INT and friends are NUMBER(38,0); FLOAT, DOUBLE, REAL
// and FLOAT4/FLOAT8 are all 64-bit floating point.
const TYPE_NAMES: Record<string, string> = {
  TIMESTAMP_NTZ: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMPTZ',
  TIMESTAMP_TZ: 'TIMESTAMPTZ',
  NUMBER: 'DECIMAL',
  NUMERIC: 'DECIMAL',
  DECIMAL: 'DECIMAL',
  INT: 'BIGINT',
  INTEGER: 'BIGINT',
  SMALLINT: 'BIGINT',
  TINYINT: 'BIGINT',
  BYTEINT: 'BIGINT',
  FLOAT: 'DOUBLE',
  FLOAT4: 'DOUBLE',
  FLOAT8: 'DOUBLE',
  REAL: 'DOUBLE',
  VARIANT: 'JSON',
  OBJECT: 'JSON',
  ARRAY: 'JSON',
  BINARY: 'BLOB',
  VARBINARY: 'BLOB',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  CHAR: 'VARCHAR',
  CHARACTER: 'VARCHAR',
  NCHAR: 'VARCHAR',
  NVARCHAR: 'VARCHAR',
  NVARCHAR2: 'VARCHAR',
  CHAR_VARYING: 'VARCHAR',
};
const STRING_TYPES = ['STRING', 'VARCHAR', 'TEXT', 'CHAR'];
const DECIMAL_TYPES = new Set(['NUMBER', 'NUMERIC', 'DECIMAL']);
const LENGTH_ONLY = new Set(['VARCHAR', 'STRING', 'TEXT', 'CHAR', 'CHARACTER', 'NCHAR', 'NVARCHAR', 'NVARCHAR2', 'BINARY', 'VARBINARY', 'TIMESTAMP_NTZ', 'TIMESTAMP_LTZ', 'TIMESTAMP_TZ', 'TIMESTAMP', 'DATETIME', 'TIME']);

/** Words after which a `(`-group or name is not an expression operand's end. */
const CLAUSE_WORDS = new Set([
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'ON', 'BY', 'HAVING', 'WHEN', 'THEN', 'ELSE', 'CASE', 'IN', 'AS', 'JOIN',
  'UNION', 'ALL', 'DISTINCT', 'LIMIT', 'QUALIFY', 'IS', 'LIKE', 'ILIKE', 'RLIKE', 'BETWEEN', 'SET', 'VALUES', 'USING', 'WITH',
]);

export class Rewriter {
  private positional = 0;
  private readonly match: number[];

  constructor(readonly sql: string, readonly tokens: Token[]) {
    this.match = matchParens(tokens);
  }

  private is(k: number, kind: Token['kind'], ...values: string[]): boolean {
    const t = this.tokens[k];
    return !!t && t.kind === kind && (values.length === 0 || values.includes(t.value));
  }

  private word(k: number, ...values: string[]): boolean {
    return this.is(k, 'word', ...values);
  }

  private punct(k: number, ...values: string[]): boolean {
    return this.is(k, 'punct', ...values);
  }

  /** The closing parenthesis of the `(` at k. */
  close(k: number): number {
    const c = this.match[k];
    if (c === undefined || c < 0) throw SnowflakeError.syntax(`line 1 at position ${this.tokens[k]?.start ?? 0} unexpected '('.`);
    return c;
  }

  /** Translated text of tokens [from, to), spacing kept. */
  range(from: number, to: number): string {
    let out = '';
    let k = from;
    while (k < to) {
      const gap = k > from ? this.sql.slice(this.tokens[k - 1]!.end, this.tokens[k]!.start) : '';
      const [text, next] = this.step(k, to);
      out += gap + text;
      k = next;
    }
    return out;
  }

  /** Raw source text of tokens [from, to). */
  source(from: number, to: number): string {
    if (from >= to) return '';
    return this.sql.slice(this.tokens[from]!.start, this.tokens[to - 1]!.end);
  }

  /** Top-level comma-separated arguments of the call whose `(` is at open. */
  args(open: number): Call['args'] {
    const close = this.close(open);
    const out: Call['args'] = [];
    let start = open + 1;
    for (let k = open + 1; k <= close; k++) {
      if (this.punct(k, '(')) {
        k = this.close(k);
        continue;
      }
      if (k === close || this.punct(k, ',')) {
        if (k > start) {
          let from = start;
          let name: string | undefined;
          if ((this.is(from, 'word') || this.is(from, 'quoted')) && this.punct(from + 1, '=>')) {
            name = this.tokens[from]!.value.toUpperCase();
            from += 2;
          }
          out.push({ name, text: this.range(from, k), raw: this.source(from, k), tokens: this.tokens.slice(from, k) });
        }
        start = k + 1;
      }
    }
    return out;
  }

  private step(k: number, to: number): [string, number] {
    const t = this.tokens[k]!;
    const prev = this.tokens[k - 1];
    if (t.kind === 'bind') return [`$${t.value || ++this.positional}`, k + 1];
    if (t.kind === 'word') {
      const typed = this.typeName(k);
      if (typed) return typed;
      if (t.value === 'TABLE' && this.punct(k + 1, '(') && !(prev?.kind === 'word' && ['CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'TEMP', 'TEMPORARY', 'TRANSIENT', 'REPLACE', 'DESC', 'DESCRIBE', 'ON', 'LOCAL', 'GLOBAL', 'VOLATILE'].includes(prev.value))) {
        return this.tableFunction(k);
      }
      if (t.value === 'LATERAL' && this.word(k + 1, 'FLATTEN') && this.punct(k + 2, '(')) {
        const close = this.close(k + 2);
        return [`LATERAL ${this.flatten(k + 2)}`, close + 1];
      }
      if (t.value === 'TOP' && prev?.kind === 'word' && (prev.value === 'SELECT' || prev.value === 'DISTINCT') && this.is(k + 1, 'number')) return this.top(k, to);
      if (t.value === 'VALUES' && prev?.kind === 'word' && (prev.value === 'FROM' || prev.value === 'JOIN') && this.punct(k + 1, '(')) return this.fromValues(k);
      if ((t.value === 'RLIKE' || (t.value === 'REGEXP' && prev && prev.kind !== 'punct')) && !this.punct(k + 1, '(')) return this.rlike(k, to);
      if (this.punct(k + 1, '(') && !(prev?.kind === 'punct' && prev.value === '.')) {
        const call = this.call(k);
        if (call) return this.postfix(call, to);
      }
    }
    if (t.kind === 'punct' && t.value === '/' && !this.punct(k + 1, '/')) return this.division(k, to);
    if (!(prev?.kind === 'punct' && prev.value === '.')) {
      // A primary followed by a `:` path or `::TIMESTAMP_TZ`: name chain, literal, call or (group).
      let end = -1;
      if (t.kind === 'word' || t.kind === 'quoted') {
        end = k + 1;
        while (this.punct(end, '.') && (this.is(end + 1, 'word') || this.is(end + 1, 'quoted'))) end += 2;
        if (this.punct(end, '(')) end = this.close(end) + 1;
      } else if (t.kind === 'string' || t.kind === 'number') end = k + 1;
      else if (t.kind === 'punct' && t.value === '(') end = this.close(k) + 1;
      if (end > k && end < to && this.hasPostfix(end)) return this.postfix([this.range(k, end), end], to);
    }
    // Unquoted identifiers resolve upper-case in Snowflake; DuckDB keeps what it is given (and is
    // case-insensitive for keywords and functions), so upper-casing every word is safe.
    // Quoted identifiers keep their case: stored under a name DuckDB cannot confuse with another case (identifiers.ts).
    return [t.kind === 'word' ? t.value : t.kind === 'quoted' ? duckId(t.value) : t.text, k + 1];
  }

  private hasPostfix(k: number): boolean {
    return (this.punct(k, ':') && this.isPathStart(k)) || (this.punct(k, '::') && this.word(k + 1, 'TIMESTAMP_TZ', ...STRING_TYPES));
  }

  /** Applies `:` paths and `::TIMESTAMP_TZ` casts that follow an operand. */
  private postfix([text, k]: [string, number], to: number): [string, number] {
    let out = text;
    let j = k;
    while (j < to && this.hasPostfix(j)) {
      if (this.punct(j, '::')) {
        // A VARIANT cast to a string reads the string itself, not its JSON text (sf_varchar in engine.ts).
        out = this.word(j + 1, 'TIMESTAMP_TZ') ? `to_timestamp_tz(${out})` : `sf_varchar(${out})`;
        j += 2;
        if (this.punct(j, '(')) j = this.close(j) + 1;
      } else {
        [out, j] = this.path(out, j, to);
      }
    }
    return [out, j];
  }

  /** A Snowflake type name where a type goes: after `::`, in CAST(... AS type), in a column definition. */
  private typeName(k: number): [string, number] | undefined {
    const t = this.tokens[k]!;
    const mapped = TYPE_NAMES[t.value];
    if (mapped === undefined && !(t.value === 'DOUBLE' && this.word(k + 1, 'PRECISION'))) return undefined;
    const prev = this.tokens[k - 1];
    const next = this.tokens[k + 1];
    const inTypePosition =
      (prev?.kind === 'punct' && prev.value === '::') ||
      (prev?.kind === 'word' && prev.value === 'AS' && next?.kind === 'punct' && (next.value === ')' || next.value === '(')) ||
      ((prev?.kind === 'word' || prev?.kind === 'quoted') && (next === undefined || (next.kind === 'punct' && [',', ')', '('].includes(next.value)) || (next.kind === 'word' && ['NOT', 'NULL', 'DEFAULT', 'PRIMARY', 'UNIQUE', 'COMMENT', 'REFERENCES', 'COLLATE', 'PRECISION'].includes(next.value))) && !['SELECT', 'BY', 'AS', 'FROM', 'WHERE', 'AND', 'OR', 'THEN', 'ELSE', 'WHEN', 'ON', 'JOIN'].includes(prev.value));
    if (!inTypePosition) return undefined;
    if (t.value === 'DOUBLE') return ['DOUBLE', k + 2];
    if (DECIMAL_TYPES.has(t.value)) {
      if (!this.punct(k + 1, '(')) return ['DECIMAL(38,0)', k + 1];
      const close = this.close(k + 1);
      const parts = this.args(k + 1).map((a) => a.raw);
      return [`DECIMAL(${parts[0] ?? 38},${parts[1] ?? 0})`, close + 1];
    }
    if (t.value === 'TIMESTAMP_TZ' && prev?.kind === 'punct' && prev.value === '::') return undefined; // handled by the cast rule
    if (LENGTH_ONLY.has(t.value) && this.punct(k + 1, '(')) return [mapped ?? t.value, this.close(k + 1) + 1];
    return [mapped!, k + 1];
  }

  /** NAME(args) with a rule in functions.ts. */
  private call(k: number): [string, number] | undefined {
    const name = this.tokens[k]!.value;
    const rule = FUNCTION_RULES[name];
    if (!rule) return undefined;
    const open = k + 1;
    const close = this.close(open);
    let end = close + 1;
    let orderBy: string | undefined;
    // LISTAGG / ARRAY_AGG ... WITHIN GROUP (ORDER BY ...): DuckDB takes the ORDER BY inside the call.
    if (this.word(end, 'WITHIN') && this.word(end + 1, 'GROUP') && this.punct(end + 2, '(')) {
      const groupClose = this.close(end + 2);
      orderBy = this.range(end + 3, groupClose);
      end = groupClose + 1;
    }
    const text = rule({ name, args: this.args(open), orderBy, distinct: this.word(open + 1, 'DISTINCT'), over: this.word(end, 'OVER') });
    if (text === undefined) return undefined;
    return [text, end];
  }

  /** TABLE(GENERATOR(ROWCOUNT => n)) and TABLE(FLATTEN(...)); other table functions are refused. */
  private tableFunction(k: number): [string, number] {
    const open = k + 1;
    const close = this.close(open);
    if (this.word(open + 1, 'GENERATOR') && this.punct(open + 2, '(')) {
      // https://docs.snowflake.com/en/sql-reference/functions/generator : ROWCOUNT => n rows (TIMELIMIT unsupported here).
      const args = this.args(open + 2);
      const rowcount = args.find((a) => a.name === 'ROWCOUNT');
      if (!rowcount || args.some((a) => a.name === 'TIMELIMIT')) throw SnowflakeError.unsupported('GENERATOR without ROWCOUNT');
      return [`range(CAST(${rowcount.text} AS BIGINT))`, close + 1];
    }
    if (this.word(open + 1, 'FLATTEN') && this.punct(open + 2, '(')) return [this.flatten(open + 2), close + 1];
    const name = this.tokens[open + 1]?.value ?? '';
    throw new SnowflakeError('002140', `SQL compilation error:\nUnknown function ${name}`, '42601');
  }

  /**
   * FLATTEN(INPUT => v [, PATH => 'p'] [, OUTER => TRUE]) as a subquery over json_each with
   * Snowflake's output columns SEQ, KEY, PATH, INDEX, VALUE, THIS
   * (https://docs.snowflake.com/en/sql-reference/functions/flatten).
   */
  private flatten(open: number): string {
    const args = this.args(open);
    const input = args.find((a) => a.name === 'INPUT') ?? (args[0] && !args[0].name ? args[0] : undefined);
    if (!input) throw SnowflakeError.syntax('FLATTEN needs INPUT =>');
    const path = args.find((a) => a.name === 'PATH');
    const outer = args.find((a) => a.name === 'OUTER');
    if (args.some((a) => a.name === 'RECURSIVE' && /TRUE/i.test(a.raw)) || args.some((a) => a.name === 'MODE')) throw SnowflakeError.unsupported('FLATTEN with RECURSIVE or MODE');
    const value = path ? `json_extract(CAST(${input.text} AS JSON), '$.' || ${path.text})` : `CAST(${input.text} AS JSON)`;
    const body = `SELECT 1 AS SEQ, CASE WHEN json_type(__this) = 'OBJECT' THEN __e.key END AS "KEY", __e.fullkey AS "PATH", CASE WHEN json_type(__this) = 'ARRAY' THEN CAST(__e.key AS BIGINT) END AS "INDEX", CAST(__e.value AS JSON) AS "VALUE", __this AS THIS FROM (SELECT ${value} AS __this) __t, json_each(__t.__this) __e`;
    if (outer && /TRUE/i.test(outer.raw)) {
      return `(SELECT * FROM (${body}) UNION ALL SELECT 1, NULL, NULL, NULL, NULL, ${value} WHERE coalesce(json_array_length(${value}), 0) = 0 AND json_type(${value}) IS DISTINCT FROM 'OBJECT')`;
    }
    return `(${body})`;
  }

  /** SELECT [DISTINCT] TOP n ...  ->  SELECT [DISTINCT] ... LIMIT n (at the end of that query block). */
  private top(k: number, to: number): [string, number] {
    const n = this.tokens[k + 1]!.text;
    let end = to;
    for (let j = k + 2; j < to; j++) {
      if (this.punct(j, '(')) {
        j = this.close(j);
        continue;
      }
      if (this.punct(j, ')') || this.punct(j, ';') || this.word(j, 'UNION', 'EXCEPT', 'INTERSECT', 'MINUS')) {
        end = j;
        break;
      }
    }
    const rest = this.range(k + 2, end);
    return [`${rest} LIMIT ${n}`, end];
  }

  /** FROM VALUES (..), (..) [AS] [t] -> FROM (VALUES ...) AS t(COLUMN1, ...) as Snowflake names them. */
  private fromValues(k: number): [string, number] {
    let j = k + 1;
    const rows: string[] = [];
    let width = 0;
    while (this.punct(j, '(')) {
      const close = this.close(j);
      width = Math.max(width, this.args(j).length);
      rows.push(this.range(j, close + 1));
      j = close + 1;
      if (!this.punct(j, ',')) break;
      j++;
    }
    let alias = '__values';
    let columns = Array.from({ length: width }, (_, i) => `COLUMN${i + 1}`);
    if (this.word(j, 'AS')) j++;
    if ((this.is(j, 'word') && !CLAUSE_WORDS.has(this.tokens[j]!.value) && !['WHERE', 'GROUP', 'ORDER', 'LEFT', 'RIGHT', 'INNER', 'CROSS', 'FULL', 'NATURAL', 'LATERAL'].includes(this.tokens[j]!.value)) || this.is(j, 'quoted')) {
      alias = this.tokens[j]!.kind === 'word' ? this.tokens[j]!.value : duckId(this.tokens[j]!.value);
      j++;
      if (this.punct(j, '(')) {
        columns = this.args(j).map((a) => a.text);
        j = this.close(j) + 1;
      }
    }
    return [`(VALUES ${rows.join(', ')}) AS ${alias}(${columns.join(', ')})`, j];
  }

  /** x RLIKE 'p' / x REGEXP 'p' (whole-string match, as REGEXP_LIKE). */
  private rlike(k: number, to: number): [string, number] {
    // The operand after the operator; the one before is already emitted, so wrap the pattern instead.
    const end = this.operandEnd(k + 1, to);
    return [`SIMILAR TO ${this.range(k + 1, end)}`, end];
  }

  private isPathStart(k: number): boolean {
    const prev = this.tokens[k - 1];
    const next = this.tokens[k + 1];
    if (!prev || !next) return false;
    const prevOk = prev.kind === 'word' || prev.kind === 'quoted' || (prev.kind === 'punct' && (prev.value === ')' || prev.value === ']'));
    const nextOk = next.kind === 'word' || next.kind === 'quoted';
    return prevOk && nextOk && next.start === this.tokens[k]!.end;
  }

  /**
   * The `:` path on VARIANT (https://docs.snowflake.com/en/user-guide/querying-semistructured):
   * v:a.b[0] -> json_extract(v, '$.a.b[0]'); a following ::STRING/VARCHAR/TEXT reads the string
   * itself (json_extract_string), as Snowflake's cast of a VARIANT string does.
   */
  private path(base: string, k: number, to: number): [string, number] {
    let j = k + 1;
    let path = '$';
    for (;;) {
      const t = this.tokens[j];
      if (!t) break;
      if (t.kind === 'word' || t.kind === 'quoted') {
        path += `.${t.kind === 'quoted' ? `"${t.value}"` : t.text}`;
        j++;
      } else if (t.kind === 'punct' && t.value === '[' && this.is(j + 1, 'number') && this.punct(j + 2, ']')) {
        path += `[${this.tokens[j + 1]!.text}]`;
        j += 3;
      } else if (t.kind === 'punct' && t.value === '[' && this.is(j + 1, 'string') && this.punct(j + 2, ']')) {
        path += `."${this.tokens[j + 1]!.value}"`;
        j += 3;
      } else break;
      if (this.punct(j, '.') && (this.is(j + 1, 'word') || this.is(j + 1, 'quoted'))) {
        j++;
        continue;
      }
      if (this.punct(j, '[')) continue;
      break;
    }
    const literal = `'${path.replace(/'/g, "''")}'`;
    if (this.punct(j, '::') && this.word(j + 1, 'STRING', 'VARCHAR', 'TEXT', 'CHAR')) {
      let after = j + 2;
      if (this.punct(after, '(')) after = this.close(after) + 1;
      return [`json_extract_string(CAST(${base} AS JSON), ${literal})`, Math.min(after, to)];
    }
    return [`json_extract(CAST(${base} AS JSON), ${literal})`, j];
  }

  /** a / b -> a / sf_nonzero(b): Snowflake fails a division by zero (100051) where DuckDB gives NULL. */
  private division(k: number, to: number): [string, number] {
    const end = this.operandEnd(k + 1, to);
    if (end <= k + 1) return ['/', k + 1];
    return [`/ sf_nonzero(${this.range(k + 1, end)})`, end];
  }

  /** The end of the operand starting at k: unary sign, a primary, and postfix casts/paths. */
  private operandEnd(k: number, to: number): number {
    let j = k;
    while (this.punct(j, '-', '+')) j++;
    const t = this.tokens[j];
    if (!t || j >= to) return k;
    if (t.kind === 'punct' && t.value === '(') j = this.close(j) + 1;
    else if (t.kind === 'word' && t.value === 'CASE') {
      let depth = 0;
      for (; j < to; j++) {
        if (this.word(j, 'CASE')) depth++;
        else if (this.word(j, 'END') && --depth === 0) break;
        else if (this.punct(j, '(')) j = this.close(j);
      }
      j++;
    } else if (t.kind === 'word' || t.kind === 'quoted') {
      j++;
      while (this.punct(j, '.') && (this.is(j + 1, 'word') || this.is(j + 1, 'quoted'))) j += 2;
      if (this.punct(j, '(')) j = this.close(j) + 1;
    } else if (t.kind === 'number' || t.kind === 'string' || t.kind === 'bind') j++;
    else return k;
    for (;;) {
      if (this.punct(j, '::') && this.is(j + 1, 'word')) {
        j += 2;
        if (this.punct(j, '(')) j = this.close(j) + 1;
      } else if (this.punct(j, ':') && this.isPathStart(j)) {
        j += 2;
        while (this.punct(j, '.') || this.punct(j, '[')) j += this.punct(j, '[') ? 3 : 2;
      } else break;
    }
    return Math.min(j, to);
  }
}

function matchParens(tokens: Token[]): number[] {
  const match: number[] = new Array<number>(tokens.length).fill(-1);
  const stack: number[] = [];
  tokens.forEach((t, k) => {
    if (t.kind !== 'punct') return;
    if (t.value === '(' || t.value === '[') stack.push(k);
    else if (t.value === ')' || t.value === ']') {
      const open = stack.pop();
      if (open !== undefined) {
        match[open] = k;
        match[k] = open;
      }
    }
  });
  return match;
}
