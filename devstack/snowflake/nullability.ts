/**
 * Whether each result column of a query can be NULL, as Snowflake reports it in the result's
 * rowType (`nullable`, the driver's `column.isNullable()`; DESCRIBE RESULT's `null?`):
 * https://docs.snowflake.com/en/sql-reference/sql/desc-result . A column read from a table is
 * nullable unless the table declares it NOT NULL (https://docs.snowflake.com/en/sql-reference/sql/create-table#not-null)
 * and no outer join can leave it empty; a literal is nullable only if it is NULL; COUNT and the
 * ranking window functions never are; COALESCE is not when any argument is not; CASE without
 * ELSE, TRY_CAST, aggregates other than COUNT, subqueries and functions this file does not know
 * may be NULL; operators and the null-in-null-out functions below follow their arguments.
 *
 * Works on DuckDB's parse tree of the translated statement (json_serialize_sql), where names
 * are DuckDB's stored names (identifiers.ts) and compare case-insensitively, as DuckDB binds
 * them. Anything it cannot follow (USING or NATURAL joins, table functions under `*`, ...)
 * gives `undefined`, and the caller reports every column nullable, as before.
 */
type Node = Record<string, unknown>;

export interface TableRefNode {
  catalog: string;
  schema: string;
  table: string;
}

/** The columns of a table or view (stored names) and whether each may be NULL; undefined if unknown. */
export type ColumnsOf = (ref: TableRefNode) => { name: string; nullable: boolean }[] | undefined;

interface Col {
  name?: string;
  nullable: boolean;
}

interface Relation {
  alias: string;
  /** undefined: a relation whose columns are not known (table functions). */
  columns: Col[] | undefined;
}

class Unknown extends Error {}

const lower = (s: string) => s.toLowerCase();

// Functions whose result is NULL exactly when an argument is (DuckDB names, after dialect.ts).
const NULL_IN_NULL_OUT = new Set([
  '+', '-', '*', '/', '%', '||', '~~', '!~~', '~~*', '!~~*', 'sf_nonzero', 'sf_varchar', 'upper', 'lower', 'ucase', 'lcase', 'trim', 'ltrim', 'rtrim', 'length',
  'len', 'strlen', 'substring', 'substr', 'replace', 'reverse', 'left', 'right', 'lpad', 'rpad', 'abs', 'round', 'floor', 'ceil', 'ceiling',
  'sign', 'year', 'month', 'day', 'hour', 'minute', 'second', 'quarter', 'week', 'dayofweek', 'dayofyear', 'date_part', 'datepart',
  'date_trunc', 'datetrunc', 'time_bucket', 'sf_dateadd', 'to_days', 'to_months', 'to_years', 'to_weeks', 'to_hours', 'to_minutes', 'to_seconds',
  'strpos', 'starts_with', 'ends_with', 'contains', 'md5', 'sha256', 'hex', 'to_base64', 'ascii', 'chr', 'concat', 'date_diff', 'datediff',
]);
const NEVER_NULL_AGGREGATES = new Set(['count', 'count_star']);
const NEVER_NULL_WINDOWS = new Set(['row_number', 'rank', 'dense_rank', 'ntile', 'percent_rank', 'cume_dist', 'count', 'count_star']);

export function resultNullability(statement: unknown, columnsOf: ColumnsOf): boolean[] | undefined {
  const root = (statement as Node | undefined)?.node;
  if (!root) return undefined;
  try {
    return queryNode(root as Node, new Map(), columnsOf).map((c) => c.nullable);
  } catch {
    // Unknown, or a parse tree of a shape this file does not expect: metadata never fails a query.
    return undefined;
  }
}

function queryNode(n: Node, outer: Map<string, Col[]>, columnsOf: ColumnsOf): Col[] {
  const ctes = new Map(outer);
  for (const entry of ((n.cte_map as Node | undefined)?.map as { key: string; value: Node }[] | undefined) ?? []) {
    const query = ((entry.value.query as Node).node) as Node;
    const columns = renamed(queryNode(query, ctes, columnsOf), (entry.value.aliases as string[] | undefined) ?? []);
    ctes.set(lower(entry.key), columns);
  }
  if (n.type === 'SET_OPERATION_NODE') {
    const left = queryNode(n.left as Node, ctes, columnsOf);
    const right = queryNode(n.right as Node, ctes, columnsOf);
    if (left.length !== right.length) throw new Unknown();
    const op = String(n.setop_type);
    return left.map((c, i) => ({
      name: c.name,
      nullable: op === 'EXCEPT' ? c.nullable : op === 'INTERSECT' ? c.nullable && right[i]!.nullable : c.nullable || right[i]!.nullable,
    }));
  }
  if (n.type !== 'SELECT_NODE') throw new Unknown();
  // ROLLUP, CUBE and GROUPING SETS put NULL in the grouping columns of their subtotal rows.
  if (((n.group_sets as unknown[] | undefined) ?? []).length > 1) throw new Unknown();
  const relations = fromTable(n.from_table as Node, ctes, columnsOf);
  const out: Col[] = [];
  for (const e of n.select_list as Node[]) {
    if (e.class === 'STAR') {
      out.push(...star(e, relations));
      continue;
    }
    const names = e.column_names as string[] | undefined;
    out.push({ name: (e.alias as string) || (e.class === 'COLUMN_REF' ? names?.[names.length - 1] : undefined), nullable: expression(e, relations, ctes, columnsOf) });
  }
  return out;
}

function renamed(columns: Col[], aliases: string[]): Col[] {
  return columns.map((c, i) => ({ ...c, name: aliases[i] ?? c.name }));
}

function star(e: Node, relations: Relation[]): Col[] {
  const has = (key: string) => {
    const v = e[key];
    return Array.isArray(v) ? v.length > 0 : v !== null && v !== false && v !== undefined && v !== '';
  };
  if (has('replace_list') || has('rename_list') || has('qualified_exclude_list') || has('columns') || has('expr')) throw new Unknown();
  const relation = e.relation_name ? lower(String(e.relation_name)) : undefined;
  const excluded = new Set(((e.exclude_list as string[] | undefined) ?? []).map(lower));
  const out: Col[] = [];
  for (const r of relations) {
    if (relation !== undefined && lower(r.alias) !== relation) continue;
    if (!r.columns) throw new Unknown();
    out.push(...r.columns.filter((c) => !(c.name && excluded.has(lower(c.name)))));
  }
  return out;
}

function fromTable(t: Node | null | undefined, ctes: Map<string, Col[]>, columnsOf: ColumnsOf): Relation[] {
  if (!t || t.type === 'EMPTY') return [];
  const aliases = (t.column_name_alias as string[] | undefined) ?? [];
  switch (t.type) {
    case 'BASE_TABLE': {
      const table = String(t.table_name);
      const cte = !t.catalog_name && !t.schema_name ? ctes.get(lower(table)) : undefined;
      const columns = cte ?? columnsOf({ catalog: String(t.catalog_name ?? ''), schema: String(t.schema_name ?? ''), table });
      if (!columns) throw new Unknown();
      return [{ alias: String(t.alias || table), columns: renamed(columns, aliases) }];
    }
    case 'SUBQUERY': {
      const columns = queryNode(((t.subquery as Node).node) as Node, ctes, columnsOf);
      return [{ alias: String(t.alias ?? ''), columns: renamed(columns, aliases) }];
    }
    case 'EXPRESSION_LIST': {
      const rows = t.values as Node[][];
      const width = rows[0]?.length ?? 0;
      const columns = Array.from({ length: width }, (_, i): Col => ({ name: `col${i}`, nullable: rows.some((row) => expression(row[i]!, [], ctes, columnsOf)) }));
      return [{ alias: String(t.alias ?? ''), columns: renamed(columns, aliases) }];
    }
    case 'TABLE_FUNCTION':
      return [{ alias: String(t.alias ?? ''), columns: undefined }];
    case 'JOIN': {
      if (((t.using_columns as string[] | undefined) ?? []).length > 0 || t.ref_type === 'NATURAL') throw new Unknown();
      const left = fromTable(t.left as Node, ctes, columnsOf);
      const right = fromTable(t.right as Node, ctes, columnsOf);
      const type = String(t.join_type);
      if (type === 'SEMI' || type === 'ANTI') return left;
      const orNull = (rs: Relation[]) => rs.map((r) => ({ alias: r.alias, columns: r.columns?.map((c) => ({ ...c, nullable: true })) }));
      return [...(type === 'RIGHT' || type === 'OUTER' ? orNull(left) : left), ...(type === 'LEFT' || type === 'OUTER' ? orNull(right) : right)];
    }
    default:
      throw new Unknown();
  }
}

function column(names: string[], relations: Relation[]): boolean {
  const name = lower(names[names.length - 1]!);
  const qualifier = names.length >= 2 ? lower(names[names.length - 2]!) : undefined;
  for (const r of relations) {
    if (qualifier !== undefined && lower(r.alias) !== qualifier) continue;
    if (!r.columns) return true;
    const hit = r.columns.find((c) => c.name !== undefined && lower(c.name) === name);
    if (hit) return hit.nullable;
  }
  return true;
}

/** Whether an expression may be NULL. */
function expression(e: Node, relations: Relation[], ctes: Map<string, Col[]>, columnsOf: ColumnsOf): boolean {
  const anyOf = (children: unknown) => ((children as Node[] | undefined) ?? []).some((c) => expression(c, relations, ctes, columnsOf));
  switch (e.class) {
    case 'CONSTANT':
      return (e.value as Node).is_null === true;
    case 'COLUMN_REF':
      return column(e.column_names as string[], relations);
    case 'CAST':
      return e.try_cast === true || expression(e.child as Node, relations, ctes, columnsOf);
    case 'COMPARISON':
      return expression(e.left as Node, relations, ctes, columnsOf) || expression(e.right as Node, relations, ctes, columnsOf);
    case 'CONJUNCTION':
      return anyOf(e.children);
    case 'OPERATOR':
      if (e.type === 'OPERATOR_IS_NULL' || e.type === 'OPERATOR_IS_NOT_NULL') return false;
      if (e.type === 'OPERATOR_COALESCE') return !((e.children as Node[]).some((c) => !expression(c, relations, ctes, columnsOf)));
      return anyOf(e.children);
    case 'CASE': {
      const checks = e.case_checks as { then_expr: Node }[];
      return checks.some((c) => expression(c.then_expr, relations, ctes, columnsOf)) || expression(e.else_expr as Node, relations, ctes, columnsOf);
    }
    case 'FUNCTION': {
      const name = lower(String(e.function_name));
      if (NEVER_NULL_AGGREGATES.has(name)) return false;
      if (NULL_IN_NULL_OUT.has(name)) return anyOf(e.children);
      return true;
    }
    case 'WINDOW':
      return !NEVER_NULL_WINDOWS.has(lower(String(e.function_name)));
    default:
      return true;
  }
}
