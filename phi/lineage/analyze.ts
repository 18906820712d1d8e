import { Parser } from 'node-sql-parser';
import { findTables, norm, qualified, unknownColumnClass, type CatalogTable, type ColumnClass, type PhiCatalog } from './catalog';
import type { ColumnLineage, PredicateClause, PredicateUse, QueryLineage, Use } from './lineage-types';
import { isKnownFunction, NON_REVEALING_AGGREGATES } from './functions';
import { exactlyNamed, identifierLiteralParts } from './identifier-literal';
import { withoutPhiNames } from './phi-names';

export { predicateClauses, type ColumnLineage, type PredicateClause, type PredicateUse, type QueryLineage, type SourceRef, type Use } from './lineage-types';

const parser = new Parser();
const METADATA = new Set(['SHOW', 'DESCRIBE', 'DESC', 'USE', 'LIST', 'LS', 'EXPLAIN']);
const WRITES = new Set(['insert', 'update', 'delete', 'replace']);
const FLATTEN_COLUMNS = ['SEQ', 'KEY', 'PATH', 'INDEX', 'VALUE', 'THIS'];
/** Table functions whose rows come from their arguments alone; any other (a UDTF, RESULT_SCAN) may filter rows by anything. */
const ROWS_FROM_ARGUMENTS = new Set(['FLATTEN', 'GENERATOR', 'SPLIT_TO_TABLE']);
const MAX_SQL = 200_000;

/* eslint-disable @typescript-eslint/no-explicit-any -- node-sql-parser's AST is loosely typed; every shape is checked where read */
type Node = any;

class Unanalysable extends Error {}

/** What is known about one relation of a FROM clause. */
interface Relation {
  alias: string;
  /** A column by name; `strict` = only columns the relation is known to have. */
  lookup(column: string, strict: boolean): ColumnLineage | undefined;
  /** The columns `*` expands to, in order; a string says why they are unknown. */
  star(): ColumnLineage[] | string;
}

interface Scope {
  relations: Relation[];
  ctes: Map<string, ColumnLineage[] | string>;
  parent?: Scope;
}

interface Context {
  catalog: PhiCatalog;
  predicates: PredicateUse[];
  /** column_ref nodes that are one side of a column = column comparison. */
  equalities: WeakSet<object>;
  depth: number;
  /** Every literal met, as written (in output columns and predicates alike). */
  constants: Set<string>;
}

/** Node types of node-sql-parser's literals that carry a value an agent chose (NULL and TRUE/FALSE carry a bit at most). */
const LITERALS = new Set(['single_quote_string', 'string', 'natural_string', 'hex_string', 'full_hex_string', 'bit_string', 'number', 'date', 'time', 'timestamp', 'datetime']);

/** A finished output column: the literals that reach it apart from its uses (lineage-types.ts). */
function withConstantsApart(column: ColumnLineage): ColumnLineage {
  if (!column.uses.some((u) => u.constant !== undefined || u.varies)) return column;
  const constants = [...new Set(column.uses.flatMap((u) => (u.constant !== undefined ? [u.constant] : [])))];
  const uses = column.uses.filter((u) => u.constant === undefined && !u.varies);
  const only = constants.length > 0 && column.uses.every((u) => u.constant !== undefined);
  const strings = column.uses.flatMap((u) => (u.constant !== undefined && !u.numeric ? [u.constant] : []));
  return {
    ...column, uses, ...(constants.length ? { constants } : {}), ...(strings.length > 1 ? { constantsJoined: [strings.join(''), strings.join(' ')] } : {}), ...(only ? { constantsOnly: true as const } : {}),
  };
}

/** The first keyword after comments and whitespace. */
function firstKeyword(sql: string): string {
  const stripped = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\/[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  return (/^[A-Za-z]+/.exec(stripped)?.[0] ?? '').toUpperCase();
}

/**
 * Why a statement did not parse, in words of the gateway's own: where, never what. The parser's
 * message quotes the statement (`but "J" found`, `Cannot convert value "..."`), and the reason goes
 * into the masking plan kept six years: an agent that puts a patient's SSN or name into a statement
 * that does not parse must not get it into the record that way.
 */
function parseFailure(error: unknown): string {
  const start = (error as { location?: { start?: { line?: unknown; column?: unknown } } } | undefined)?.location?.start;
  const at = Number.isSafeInteger(start?.line) && Number.isSafeInteger(start?.column) ? ` at line ${String(start!.line)}, column ${String(start!.column)}` : '';
  return `the SQL parser (Snowflake dialect) could not parse it${at}`;
}

/**
 * The lineage of every result column of one SQL statement, and every source column its
 * predicates touch. Pure: the catalog is the only knowledge of the warehouse it uses. No name in
 * it reads as PHI (phi-names.ts): an agent's alias is its own choice, and it goes into the record.
 */
export function analyzeSql(sql: string, catalog: PhiCatalog): QueryLineage {
  const lineage = lineageAsWritten(sql, catalog);
  return typeof sql === 'string' ? withoutPhiNames(lineage, sql) : lineage;
}

function lineageAsWritten(sql: string, catalog: PhiCatalog): QueryLineage {
  if (typeof sql !== 'string' || sql.trim() === '') return { kind: 'unanalysable', reason: 'no SQL text' };
  if (sql.length > MAX_SQL) return { kind: 'unanalysable', reason: `the SQL is longer than ${MAX_SQL} characters` };
  // Snowflake's pipe operator chains statements and returns the last one's result (`SHOW TABLES ->> SELECT ...`).
  if (sql.includes('->>')) return { kind: 'unanalysable', reason: 'the pipe operator ->> chains more than one statement' };
  const keyword = firstKeyword(sql);
  if (METADATA.has(keyword)) {
    if (/;\s*\S/.test(sql)) return { kind: 'unanalysable', reason: 'more than one statement' };
    return { kind: 'metadata', statement: keyword };
  }
  let ast: Node;
  try {
    ast = parser.astify(sql, { database: 'snowflake' });
  } catch (error) {
    return { kind: 'unanalysable', reason: parseFailure(error) };
  }
  if (Array.isArray(ast)) {
    if (ast.length !== 1) return { kind: 'unanalysable', reason: 'more than one statement' };
    ast = ast[0];
  }
  if (!ast || typeof ast !== 'object') return { kind: 'unanalysable', reason: 'the parser returned no statement' };
  if (WRITES.has(ast.type)) return { kind: 'metadata', statement: String(ast.type).toUpperCase() };
  if (ast.type !== 'select') return { kind: 'unanalysable', reason: `a ${String(ast.type).toUpperCase()} statement is not a query the analysis understands` };
  const context: Context = { catalog, predicates: [], equalities: new WeakSet(), depth: 0, constants: new Set() };
  try {
    const result = analyzeSetExpression(ast, undefined, context);
    // A literal decides nothing about which source columns a predicate touches.
    const predicates = context.predicates.filter((u) => u.constant === undefined && !u.varies);
    const constants = context.constants.size ? { constants: [...context.constants] } : {};
    if (typeof result === 'string') return { kind: 'query', columnsUnknown: result, predicates, ...constants };
    return { kind: 'query', columns: result.map(withConstantsApart), predicates, ...constants };
  } catch (error) {
    if (error instanceof Unanalysable) return { kind: 'unanalysable', reason: error.message };
    return { kind: 'unanalysable', reason: `the analysis failed: ${(error as Error).message}` };
  }
}

/** A SELECT and the SELECTs chained to it by UNION / INTERSECT / EXCEPT / MINUS. */
function analyzeSetExpression(ast: Node, parent: Scope | undefined, context: Context): ColumnLineage[] | string {
  if (++context.depth > 64) throw new Unanalysable('the query nests deeper than 64 levels');
  try {
    let result = analyzeSelect(ast, parent, context);
    for (let next = ast._next; next; next = next._next) {
      const branch = analyzeSelect(next, parent, context);
      if (typeof result === 'string') continue;
      if (typeof branch === 'string') {
        result = branch;
        continue;
      }
      if (branch.length !== result.length) {
        result = `the branches of ${String(ast.set_op ?? 'a set operation').toUpperCase()} have different column counts`;
        continue;
      }
      result = result.map((c, i) => ({ name: c.name, exact: false, uses: [...c.uses, ...branch[i]!.uses] }));
    }
    return result;
  } finally {
    context.depth--;
  }
}

function identifierOf(value: Node): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    if (typeof value.value === 'string') return value.value;
    if (value.expr && typeof value.expr.value === 'string') return value.expr.value;
    if (value.type === 'column_ref') return identifierOf(value.column);
  }
  return undefined;
}

function catalogRelation(alias: string, tables: CatalogTable[]): Relation {
  const first = tables[0]!;
  const columnOf = (t: CatalogTable, c: { name: string; class: ColumnClass }): ColumnLineage => ({
    name: norm(c.name), exact: true, uses: [{ source: { column: qualified(t, c.name), class: c.class }, path: [], aggregated: false }],
  });
  return {
    alias,
    lookup(column, strict) {
      const name = norm(column);
      const found = tables.flatMap((t) => t.columns.filter((c) => norm(c.name) === name).map((c) => columnOf(t, c)));
      if (found.length === 1) return found[0];
      if (found.length > 1) return { name, exact: false, uses: found.flatMap((f) => f.uses) };
      if (strict) return undefined;
      return columnOf(first, { name, class: unknownColumnClass(name) });
    },
    star() {
      if (tables.some((t) => t.partial || t.columns.length === 0)) return `the PHI catalog does not list every column of ${qualified(first)}`;
      const names = first.columns.map((c) => norm(c.name)).join(',');
      if (tables.some((t) => t.columns.map((c) => norm(c.name)).join(',') !== names)) {
        return `"${first.name}" names several tables with different columns (qualify it as DATABASE.SCHEMA.TABLE)`;
      }
      return first.columns.map((c) => this.lookup(c.name, true)!);
    },
  };
}

function derivedRelation(alias: string, columns: ColumnLineage[] | string): Relation {
  return {
    alias,
    lookup(column) {
      if (typeof columns === 'string') return { name: norm(column), exact: false, uses: [{ unresolved: columns, path: [], aggregated: false }] };
      const name = norm(column);
      const found = columns.filter((c) => norm(c.name) === name);
      if (found.length === 1) return found[0];
      if (found.length > 1) return { name, exact: false, uses: found.flatMap((c) => c.uses) };
      return undefined;
    },
    star: () => columns,
  };
}

function unknownRelation(alias: string, why: string): Relation {
  return {
    alias,
    lookup: (column) => ({ name: norm(column), exact: false, uses: [{ unresolved: why, path: [], aggregated: false }] }),
    star: () => why,
  };
}

function tableRelation(item: Node, scope: Scope, context: Context): Relation {
  const name = String(item.table);
  const hasSchema = item.schema !== undefined && item.schema !== null;
  const database = hasSchema ? item.db ?? undefined : undefined;
  const schema = hasSchema ? item.schema : item.db ?? undefined;
  const alias = norm(item.as ?? name);
  if (!schema && !database) {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const cte = s.ctes.get(norm(name));
      if (cte !== undefined) return derivedRelation(alias, cte);
    }
  }
  const tables = findTables(context.catalog, { name, ...(schema ? { schema } : {}), ...(database ? { database } : {}) });
  const shown = [database, schema, name].filter(Boolean).join('.');
  if (tables.length === 0) return unknownRelation(alias, `${norm(shown)} is not in the PHI catalog (an unknown table or a view whose definition is not known)`);
  return catalogRelation(alias, tables);
}

function flattenRelation(alias: string, args: Node, scope: Scope, context: Context): Relation {
  const uses = walk(args?.input?.value, scope, ['FLATTEN'], false, context);
  const { input: _input, ...options } = args ?? {};
  rowsFrom('FLATTEN', options, scope, context, uses);
  const columns = FLATTEN_COLUMNS.map((name) => ({ name, exact: false, uses }));
  return derivedRelation(alias, columns);
}

/**
 * A table function yields rows per input row from its arguments (FLATTEN of an array built from
 * an SSN digit yields that many rows), so whatever they read is judged like a WHERE; a table
 * function not known to compute its rows from its arguments alone is unresolved.
 */
function rowsFrom(name: string, args: Node, scope: Scope, context: Context, known: Use[] = []): void {
  const uses = [...known, ...walk(args, scope, [name], false, context)];
  if (!ROWS_FROM_ARGUMENTS.has(name)) uses.push({ unresolved: `the table function ${name || 'in FROM'} may choose its rows by anything`, path: [name], aggregated: false });
  context.predicates.push(...uses.map((u) => ({ ...u, clause: 'FROM' as const })));
}

function fromItem(item: Node, scope: Scope, context: Context): Relation {
  // PIVOT ... IN (ANY) names its output columns after the data, and UNPIVOT moves columns into
  // rows: neither is modelled, so the whole statement fails closed rather than being read as plain FROM.
  if (item.operator) throw new Unanalysable(`${String(item.operator.type ?? 'a FROM operator').toUpperCase()} is not analysed (its output columns and values move with the data)`);
  if (typeof item.table === 'string' && !item.expr) return tableRelation(item, scope, context);
  const alias = norm(item.as ?? `#${scope.relations.length}`);
  const expr = item.expr;
  const named = expr?.type === 'function' && /^identifier$/i.test(functionName(expr)) ? identifierRelation(item, expr, scope, context) : undefined;
  if (named) return named;
  if (expr?.ast) return derivedRelation(alias, analyzeSetExpression(expr.ast, scope, context));
  if (expr?.type === 'flatten') return flattenRelation(alias, expr.args, scope, context);
  const wrapped = expr?.type === 'function' && /^table$/i.test(functionName(expr)) && expr.args?.value?.length === 1 ? expr.args.value[0] : undefined;
  if (wrapped?.type === 'flatten') return flattenRelation(alias, wrapped.args, scope, context);
  if (expr?.type === 'generator') rowsFrom('GENERATOR', expr.generators, scope, context);
  else if (wrapped?.type === 'function') rowsFrom(functionName(wrapped).toUpperCase(), wrapped.args, scope, context);
  else if (expr?.type === 'function') rowsFrom(functionName(expr).toUpperCase(), expr.args, scope, context);
  // TABLE('PATIENTS'), TABLE($t), TABLE(:1): the table is named by a value, which the analysis does not look up.
  if (wrapped && wrapped.type !== 'function') return unknownRelation(alias, `TABLE() naming its table by a value (${valueKind(wrapped)}) is not resolved`);
  const what = expr?.type === 'function' ? `table function ${functionName(wrapped ?? expr)}` : `a ${String(expr?.type ?? item.type ?? 'FROM')} source`;
  return unknownRelation(alias, `${what} is not one the analysis understands`);
}

function valueKind(node: Node): string {
  switch (node.type) {
    case 'single_quote_string': return 'a string literal';
    case 'double_quote_string': return 'a quoted name';
    case 'var': return 'a session variable';
    case 'param': return 'a bind variable';
    case 'column_ref': return 'a bare name';
    default: return `a ${String(node.type ?? 'value')}`;
  }
}

/**
 * `IDENTIFIER('CLINICAL.PHI.PATIENTS')` in FROM: a constant string that names a catalogued table
 * exactly is that table. Anything else stays unresolved (undefined; the caller fails closed): a
 * session or bind variable, an expression, a literal Snowflake would unescape, a name the catalog
 * does not hold (quoted parts compared case included), and an unqualified name a CTE of the query
 * also has (which one Snowflake reads is not the gateway's guess to make).
 */
function identifierRelation(item: Node, expr: Node, scope: Scope, context: Context): Relation | undefined {
  const args = expr.args?.value;
  if (!Array.isArray(args) || args.length !== 1 || args[0]?.type !== 'single_quote_string' || typeof args[0].value !== 'string') return undefined;
  const parts = identifierLiteralParts(args[0].value);
  if (!parts) return undefined;
  const [name, schema, database] = [...parts].reverse() as [typeof parts[0], ...(typeof parts[0] | undefined)[]];
  if (!schema) {
    for (let s: Scope | undefined = scope; s; s = s.parent) if (s.ctes.has(norm(name.text))) return undefined;
  }
  const candidates = findTables(context.catalog, { name: name.text, ...(schema ? { schema: schema.text } : {}), ...(database ? { database: database.text } : {}) });
  const tables = exactlyNamed(candidates, parts);
  return tables.length ? catalogRelation(norm(item.as ?? name.text), tables) : undefined;
}

function analyzeSelect(ast: Node, parent: Scope | undefined, context: Context): ColumnLineage[] | string {
  if (!ast || ast.type !== 'select') throw new Unanalysable(`a ${String(ast?.type ?? 'missing')} query block is not understood`);
  const scope: Scope = { relations: [], ctes: new Map(), ...(parent ? { parent } : {}) };
  for (const cte of ast.with ?? []) {
    const name = norm(identifierOf(cte.name) ?? '');
    if (!cte.stmt?.ast) throw new Unanalysable(`the CTE ${name} is not a query the analysis understands`);
    if (cte.recursive) throw new Unanalysable(`the recursive CTE ${name} is not analysed`);
    let columns = analyzeSetExpression(cte.stmt.ast, scope, context);
    const renamed: string[] | undefined = Array.isArray(cte.columns) ? cte.columns.map((c: Node) => norm(identifierOf(c) ?? '')) : undefined;
    if (renamed && typeof columns !== 'string') {
      if (renamed.length !== columns.length) columns = `the CTE ${name} names ${renamed.length} columns for ${columns.length}`;
      else columns = columns.map((c, i) => ({ ...c, name: renamed[i]! }));
    }
    scope.ctes.set(name, columns);
  }
  const joins: { clause: PredicateClause; expr: Node }[] = [];
  for (const item of ast.from ?? []) {
    const relation = fromItem(item, scope, context);
    if (item.on) joins.push({ clause: 'JOIN ON', expr: item.on });
    if (Array.isArray(item.using)) {
      for (const u of item.using) {
        const column = identifierOf(u) ?? '';
        const left = scope.relations.flatMap((r) => r.lookup(column, true)?.uses ?? []);
        const right = relation.lookup(column, false)?.uses ?? [];
        for (const use of [...left, ...right]) context.predicates.push({ ...use, clause: 'JOIN USING', equality: use.path.length === 0 });
      }
    }
    scope.relations.push(relation);
  }
  for (const j of joins) predicate(j.expr, j.clause, scope, undefined, context);

  const columns: ColumnLineage[] = [];
  let unknown: string | undefined;
  (ast.columns ?? []).forEach((item: Node, i: number) => {
    const expr = item.expr ?? item;
    if (expr?.type === 'column_ref' && identifierOf(expr.column) === '*') {
      const expanded = expandStar(expr, scope);
      if (typeof expanded === 'string') unknown ??= expanded;
      else columns.push(...expanded);
      return;
    }
    const uses = walk(expr, scope, [], false, context);
    const exact = isPlainColumn(expr) && uses.length === 1 && !uses[0]!.unresolved && uses[0]!.path.length === 0 && resolvesExactly(expr, scope);
    const name = item.as ? norm(identifierOf(item.as) ?? String(item.as)) : plainName(expr) ?? `COLUMN_${i + 1}`;
    columns.push({ name, exact, uses });
  });
  // GROUP BY, HAVING, ORDER BY and QUALIFY may name an output column by alias or position.
  const aliases = columns;
  if (ast.where) predicate(ast.where, 'WHERE', scope, undefined, context);
  for (const g of ast.groupby?.columns ?? []) predicate(g, 'GROUP BY', scope, aliases, context);
  if (ast.having) predicate(ast.having, 'HAVING', scope, aliases, context);
  if (ast.qualify) predicate(ast.qualify, 'QUALIFY', scope, aliases, context);
  for (const o of ast.orderby ?? []) predicate(o.expr ?? o, 'ORDER BY', scope, aliases, context);
  if (ast.window) predicate(ast.window, 'QUALIFY', scope, aliases, context);
  return unknown ?? columns;
}

function expandStar(expr: Node, scope: Scope): ColumnLineage[] | string {
  const suffix = expr.suffix;
  let exclude: Set<string> | undefined;
  if (suffix) {
    const kind = functionName(suffix).toUpperCase();
    if (kind !== 'EXCLUDE') return `SELECT * ${kind} is not analysed`;
    exclude = new Set((suffix.args?.value ?? []).map((c: Node) => norm(identifierOf(c.column) ?? identifierOf(c) ?? '')));
  }
  let relations = scope.relations;
  if (expr.table) {
    const alias = norm(String(expr.table));
    relations = scope.relations.filter((r) => r.alias === alias);
    if (relations.length === 0) return `${alias}.* names no table of the FROM clause`;
  }
  if (relations.length === 0) return 'SELECT * without a FROM clause';
  const out: ColumnLineage[] = [];
  for (const r of relations) {
    const columns = r.star();
    if (typeof columns === 'string') return columns;
    out.push(...columns.filter((c) => !exclude?.has(norm(c.name))));
  }
  return out;
}

function isPlainColumn(expr: Node): boolean {
  return expr?.type === 'column_ref' || expr?.type === 'double_quote_string';
}

function plainName(expr: Node): string | undefined {
  if (expr?.type === 'column_ref') return norm(identifierOf(expr.column) ?? '');
  if (expr?.type === 'double_quote_string') return norm(String(expr.value));
  return undefined;
}

/** A plain column whose relation column is itself exact (a derived table's computed column is not). */
function resolvesExactly(expr: Node, scope: Scope): boolean {
  const { table, column } = refParts(expr);
  if (column === undefined) return false;
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const candidates = table ? s.relations.filter((r) => r.alias === norm(table)) : s.relations;
    const found = candidates.map((r) => r.lookup(column, !table)).filter((c): c is ColumnLineage => c !== undefined);
    if (found.length) return found.length === 1 && found[0]!.exact;
  }
  return false;
}

function refParts(expr: Node): { table?: string; column?: string; path: boolean } {
  if (expr?.type === 'double_quote_string') return { column: String(expr.value), path: false };
  const column = identifierOf(expr?.column);
  const table = expr?.table ? identifierOf(expr.table) : undefined;
  // `x:field` is column x with a path; the parser reads it as table x, column field.
  if (Array.isArray(expr?.notations) && expr.notations.includes(':')) return { ...(table ? { column: table } : {}), path: true };
  return { ...(table ? { table } : {}), ...(column !== undefined ? { column } : {}), path: false };
}

function functionName(node: Node): string {
  const parts = node?.name?.name;
  if (Array.isArray(parts)) return parts.map((p: Node) => String(p?.value ?? '')).join('.');
  if (typeof node?.name === 'string') return node.name;
  return '';
}

function resolveColumn(expr: Node, scope: Scope, aliases: ColumnLineage[] | undefined): ColumnLineage | string {
  const { table, column, path } = refParts(expr);
  if (column === undefined || column === '*') return 'a column the analysis could not name';
  const name = norm(column);
  const viaAlias = !table && aliases ? aliases.filter((c) => norm(c.name) === name) : [];
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    let found: ColumnLineage[];
    if (table) {
      const relation = s.relations.find((r) => r.alias === norm(table));
      if (!relation) continue;
      const c = relation.lookup(column, false);
      found = c ? [c] : [];
      if (!found.length) return `${norm(table)}.${name} is not a column of ${norm(table)}`;
    } else {
      found = s.relations.map((r) => r.lookup(column, true)).filter((c): c is ColumnLineage => c !== undefined);
      if (!found.length && !viaAlias.length) {
        const unknown = s.relations.find((r) => typeof r.star() === 'string');
        if (unknown) found = [unknown.lookup(column, false)!];
        else if (s.relations.length === 1 && s === scope) found = [s.relations[0]!.lookup(column, false)!].filter(Boolean);
      }
    }
    if (s === scope) found = [...found, ...viaAlias];
    if (found.length) {
      const merged = found.length === 1 ? found[0]! : { name, exact: false, uses: found.flatMap((f) => f.uses) };
      return path ? { ...merged, exact: false, uses: merged.uses.map((u) => ({ ...u, path: ['GET_PATH', ...u.path] })) } : merged;
    }
  }
  if (viaAlias.length) return { name, exact: false, uses: viaAlias.flatMap((a) => a.uses) };
  return `the column ${table ? `${norm(table)}.` : ''}${name} could not be resolved`;
}

const prefixed = (uses: Use[], path: string[], aggregated: boolean, equality: boolean): Use[] =>
  uses.map((u) => ({ ...u, path: [...path, ...u.path], aggregated: u.aggregated || (aggregated && u.path.length === 0), ...(equality ? { equality: true } : {}) }));

/** Every data dependency of an expression. */
function walk(node: Node, scope: Scope, path: string[], aggregated: boolean, context: Context, aliases?: ColumnLineage[]): Use[] {
  if (node === null || node === undefined || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((n) => walk(n, scope, path, aggregated, context, aliases));
  const sub = node.ast ?? (node.type === 'select' ? node : undefined);
  if (sub) {
    const columns = analyzeSetExpression(sub, scope, context);
    if (typeof columns === 'string') return [{ unresolved: columns, path: [...path, 'SUBQUERY'], aggregated: false }];
    return columns.flatMap((c) => prefixed(c.uses, [...path, 'SUBQUERY'], false, false));
  }
  if (LITERALS.has(node.type) && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'bigint')) {
    const text = String(node.value);
    context.constants.add(text);
    return [{ constant: text, ...(node.type.endsWith('string') ? {} : { numeric: true as const }), path, aggregated: false }];
  }
  switch (node.type) {
    case 'column_ref':
    case 'double_quote_string': {
      const resolved = resolveColumn(node, scope, aliases);
      if (typeof resolved === 'string') return [{ unresolved: resolved, path, aggregated: false }];
      return prefixed(resolved.uses, path, aggregated, context.equalities.has(node));
    }
    case 'var':
      return [{ unresolved: `${String(node.prefix ?? '')}${String(node.name ?? '')} (a positional column or variable) is not analysed`, path, aggregated: false }];
    case 'star':
      return [];
    case 'aggr_func':
    case 'window_func':
    case 'function':
    case 'flatten': {
      const name = (node.type === 'flatten' ? 'FLATTEN' : functionName(node)).toUpperCase();
      const args = node.args;
      const out: Use[] = [];
      // An aggregate, a window or a function of no arguments yields a value the statement does not spell out.
      const noArguments = args === undefined || args === null || (args.type === 'expr_list' && Array.isArray(args.value) && args.value.length === 0);
      if (node.type !== 'function' || node.over || noArguments) out.push({ varies: true, path: [...path, name], aggregated: false });
      if (!isKnownFunction(name)) out.push({ unresolved: `${name || 'an unnamed function'} is not a function the analysis knows (UDF, external or new built-in)`, path: [...path, name], aggregated: false });
      const starArgument = JSON.stringify(args ?? null).includes('"column":"*"');
      if (starArgument) out.push({ unresolved: `${name}(*) depends on every column in scope`, path: [...path, name], aggregated: false });
      const countsOnly = NON_REVEALING_AGGREGATES.has(name) && isPlainArgument(node.type === 'aggr_func' ? args?.expr : args) && !node.over;
      out.push(...walk(args, scope, [...path, name], countsOnly, context, aliases));
      out.push(...walk(node.over, scope, [...path, name, 'OVER'], false, context, aliases));
      if (node.type === 'window_func' || node.type === 'aggr_func') {
        for (const key of Object.keys(node)) {
          if (!['type', 'name', 'args', 'over', 'loc'].includes(key)) out.push(...walk(node[key], scope, [...path, name], false, context, aliases));
        }
      }
      return out;
    }
    case 'binary_expr':
    case 'unary_expr':
      if (context.equalities.has(node.left)) return [...walk(node.left, scope, path, false, context, aliases), ...walk(node.right, scope, path, false, context, aliases)];
      return [...walk(node.left, scope, [...path, String(node.operator)], false, context, aliases), ...walk(node.right, scope, [...path, String(node.operator)], false, context, aliases),
        ...walk(node.expr, scope, [...path, String(node.operator)], false, context, aliases)];
    case 'cast':
      return walk(node.expr, scope, [...path, 'CAST'], false, context, aliases);
    case 'case':
      return [...walk(node.expr, scope, [...path, 'CASE'], false, context, aliases), ...walk(node.args, scope, [...path, 'CASE'], false, context, aliases)];
    case 'extract':
      return walk(node.args, scope, [...path, 'EXTRACT'], false, context, aliases);
    default: {
      const label = typeof node.type === 'string' && !['expr', 'expr_list', 'when', 'else'].includes(node.type) ? [String(node.type).toUpperCase()] : [];
      const out: Use[] = [];
      for (const [key, value] of Object.entries(node)) {
        if (key === 'loc' || key === 'type' || value === null || typeof value !== 'object') continue;
        out.push(...walk(value, scope, [...path, ...label], aggregated, context, aliases));
      }
      return out;
    }
  }
}

function isPlainArgument(expr: Node): boolean {
  if (!expr) return false;
  if (expr.type === 'star') return true;
  if (expr.type === 'expr_list') return (expr.value ?? []).every(isPlainArgument);
  return isPlainColumn(expr) && !(Array.isArray(expr.notations) && expr.notations.includes(':'));
}

/**
 * Marks `a = b` between two stored columns as an equality join. Both sides must resolve to stored
 * columns as they are: a derived table's `'123-45-6789' AS s` or a FLATTEN of constants is a
 * literal in disguise, and `p.SSN = x.s` with it is `p.SSN = '123-45-6789'`.
 */
function markEqualities(node: Node, scope: Scope, aliases: ColumnLineage[] | undefined, context: Context): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((n) => markEqualities(n, scope, aliases, context));
    return;
  }
  if (node.ast) return;
  if (node.type === 'binary_expr' && node.operator === '=' && isPlainColumn(node.left) && isPlainColumn(node.right)) {
    const stored = (side: Node) => {
      const resolved = resolveColumn(side, scope, aliases);
      return typeof resolved !== 'string' && resolved.uses.length > 0 && resolved.uses.every((u) => u.source && u.path.length === 0);
    };
    if (stored(node.left) && stored(node.right)) {
      context.equalities.add(node.left);
      context.equalities.add(node.right);
    }
    return;
  }
  if (node.type === 'binary_expr' && (node.operator === 'AND' || node.operator === 'OR')) {
    markEqualities(node.left, scope, aliases, context);
    markEqualities(node.right, scope, aliases, context);
  }
}

function predicate(expr: Node, clause: PredicateClause, scope: Scope, aliases: ColumnLineage[] | undefined, context: Context): void {
  if (expr?.type === 'number' && aliases) {
    const column = aliases[Number(expr.value) - 1];
    const uses = column ? column.uses : [{ unresolved: `${clause} position ${String(expr.value)} is not an output column`, path: [], aggregated: false }];
    context.predicates.push(...uses.map((u) => ({ ...u, clause })));
    return;
  }
  markEqualities(expr, scope, aliases, context);
  context.predicates.push(...walk(expr, scope, [], false, context, aliases).map((u) => ({ ...u, clause })));
}
