import { SnowflakeError } from './errors';
import { snowflakeName } from './identifiers';

/**
 * What a SELECT reads, found by DuckDB's own parser (`json_serialize_sql`), so the tables we
 * check are exactly the tables DuckDB will bind: joins, subqueries, set operations, CTE bodies
 * and lateral joins all appear as BASE_TABLE nodes. A name that refers to a CTE in scope is not
 * a table. Table functions (read_csv, duckdb_tables, ...) would reach past the catalog and are
 * refused outright.
 */
export interface TableRef {
  catalog: string;
  schema: string;
  table: string;
}

type Node = Record<string, unknown>;

const GENERATED_ROW_FUNCTIONS = new Set(['range', 'json_each']);

export function referencedTables(ast: unknown): TableRef[] {
  const out: TableRef[] = [];
  const visit = (node: unknown, ctes: ReadonlySet<string>) => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, ctes);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as Node;
    let scope = ctes;
    const cteMap = (n.cte_map as { map?: { key: string; value: unknown }[] } | undefined)?.map;
    if (cteMap && cteMap.length > 0) {
      scope = new Set([...ctes, ...cteMap.map((e) => e.key)]);
    }
    if (n.type === 'TABLE_FUNCTION') {
      const fn = String((n.function as Node | undefined)?.function_name ?? '');
      // Only what GENERATOR and FLATTEN translate to (dialect.ts): they compute rows from their
      // arguments and read nothing else; a table read inside an argument is still checked below.
      if (!GENERATED_ROW_FUNCTIONS.has(fn.toLowerCase())) {
        throw new SnowflakeError('002140', `SQL compilation error:\nUnknown function ${fn.toUpperCase()}`, '42601');
      }
    }
    if (n.type === 'BASE_TABLE' && typeof n.table_name === 'string') {
      // Names arrive as Snowflake resolves them: unquoted ones were upper-cased by the translation
      // (dialect.ts), quoted ones keep their case ("patients" is not PATIENTS).
      // DuckDB holds them under their stored names (identifiers.ts): back to Snowflake's spelling.
      const ref = { catalog: String(n.catalog_name ?? ''), schema: String(n.schema_name ?? ''), table: n.table_name };
      if (!(ref.catalog === '' && ref.schema === '' && scope.has(ref.table))) out.push({ catalog: snowflakeName(ref.catalog), schema: snowflakeName(ref.schema), table: snowflakeName(ref.table) });
    }
    for (const [key, value] of Object.entries(n)) {
      if (value !== null && typeof value === 'object') visit(value, key === 'cte_map' ? scope : scope);
    }
  };
  visit(ast, new Set());
  return out;
}

/** db.schema.table for a reference, resolved against the session's current database and schema. */
export function resolveTable(ref: TableRef, database: string | undefined, schema: string | undefined): string {
  if (ref.catalog && ref.schema) return `${ref.catalog}.${ref.schema}.${ref.table}`;
  if (ref.schema) {
    if (!database) throw noCurrent('database');
    return `${database}.${ref.schema}.${ref.table}`;
  }
  if (!database || !schema) throw noCurrent(database ? 'schema' : 'database');
  return `${database}.${schema}.${ref.table}`;
}

function noCurrent(what: string): SnowflakeError {
  return new SnowflakeError('090105', `Cannot perform SELECT. This session does not have a current ${what}. Call 'USE ${what.toUpperCase()}', or use a qualified name.`, '22000');
}
