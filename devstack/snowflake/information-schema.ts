import type { DuckDBConnection } from '@duckdb/node-api';
import type { Token } from './lexer';
import { duckName, snowflakeName } from './identifiers';

/**
 * INFORMATION_SCHEMA.TABLES, COLUMNS, SCHEMATA and VIEWS of a database, qualified
 * (DB.INFORMATION_SCHEMA.TABLES) or not (INFORMATION_SCHEMA.TABLES, the current database).
 * Each query gets them as temporary tables built from DuckDB's catalog and filtered to the
 * objects the session's role has a privilege on, as Snowflake does:
 * https://docs.snowflake.com/en/sql-reference/info-schema ("the output ... depends on the
 * privileges granted to the user's current role").
 */
export interface InformationSchemaRef {
  /** Token range [from, to) of the reference in the statement. */
  from: number;
  to: number;
  database: string;
  view: 'TABLES' | 'COLUMNS' | 'SCHEMATA' | 'VIEWS';
}

const VIEWS = new Set(['TABLES', 'COLUMNS', 'SCHEMATA', 'VIEWS']);

export function findInformationSchema(tokens: Token[], currentDatabase: string | undefined): InformationSchemaRef[] {
  const refs: InformationSchemaRef[] = [];
  const isName = (t: Token | undefined) => !!t && (t.kind === 'word' || t.kind === 'quoted');
  for (let k = 0; k + 2 < tokens.length; k++) {
    const t = tokens[k]!;
    if (!(isName(t) && t.value === 'INFORMATION_SCHEMA' && tokens[k + 1]?.value === '.' && isName(tokens[k + 2]))) continue;
    const view = tokens[k + 2]!.value;
    if (!VIEWS.has(view)) continue;
    const qualified = k >= 2 && tokens[k - 1]?.value === '.' && isName(tokens[k - 2]);
    const database = qualified ? tokens[k - 2]!.value : currentDatabase;
    if (!database) continue;
    refs.push({ from: qualified ? k - 2 : k, to: k + 3, database, view: view as InformationSchemaRef['view'] });
  }
  return refs;
}

type Value = string | number | boolean | null;

const COLUMNS_OF: Record<InformationSchemaRef['view'], [string, string][]> = {
  TABLES: [
    ['TABLE_CATALOG', 'VARCHAR'], ['TABLE_SCHEMA', 'VARCHAR'], ['TABLE_NAME', 'VARCHAR'], ['TABLE_OWNER', 'VARCHAR'], ['TABLE_TYPE', 'VARCHAR'],
    ['IS_TRANSIENT', 'VARCHAR'], ['CLUSTERING_KEY', 'VARCHAR'], ['ROW_COUNT', 'BIGINT'], ['BYTES', 'BIGINT'], ['RETENTION_TIME', 'BIGINT'],
    ['CREATED', 'TIMESTAMPTZ'], ['LAST_ALTERED', 'TIMESTAMPTZ'], ['AUTO_CLUSTERING_ON', 'VARCHAR'], ['COMMENT', 'VARCHAR'],
  ],
  COLUMNS: [
    ['TABLE_CATALOG', 'VARCHAR'], ['TABLE_SCHEMA', 'VARCHAR'], ['TABLE_NAME', 'VARCHAR'], ['COLUMN_NAME', 'VARCHAR'], ['ORDINAL_POSITION', 'BIGINT'],
    ['COLUMN_DEFAULT', 'VARCHAR'], ['IS_NULLABLE', 'VARCHAR'], ['DATA_TYPE', 'VARCHAR'], ['CHARACTER_MAXIMUM_LENGTH', 'BIGINT'],
    ['CHARACTER_OCTET_LENGTH', 'BIGINT'], ['NUMERIC_PRECISION', 'BIGINT'], ['NUMERIC_PRECISION_RADIX', 'BIGINT'], ['NUMERIC_SCALE', 'BIGINT'],
    ['DATETIME_PRECISION', 'BIGINT'], ['IS_IDENTITY', 'VARCHAR'], ['COMMENT', 'VARCHAR'],
  ],
  SCHEMATA: [
    ['CATALOG_NAME', 'VARCHAR'], ['SCHEMA_NAME', 'VARCHAR'], ['SCHEMA_OWNER', 'VARCHAR'], ['IS_TRANSIENT', 'VARCHAR'], ['IS_MANAGED_ACCESS', 'VARCHAR'],
    ['RETENTION_TIME', 'BIGINT'], ['CREATED', 'TIMESTAMPTZ'], ['LAST_ALTERED', 'TIMESTAMPTZ'], ['COMMENT', 'VARCHAR'],
  ],
  VIEWS: [
    ['TABLE_CATALOG', 'VARCHAR'], ['TABLE_SCHEMA', 'VARCHAR'], ['TABLE_NAME', 'VARCHAR'], ['TABLE_OWNER', 'VARCHAR'], ['VIEW_DEFINITION', 'VARCHAR'],
    ['IS_SECURE', 'VARCHAR'], ['CREATED', 'TIMESTAMPTZ'], ['LAST_ALTERED', 'TIMESTAMPTZ'], ['COMMENT', 'VARCHAR'],
  ],
};

/** A DuckDB column type as Snowflake's INFORMATION_SCHEMA.COLUMNS describes it. */
export function snowflakeColumnType(duck: string): { dataType: string; length: number | null; precision: number | null; scale: number | null; datetime: number | null } {
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duck);
  if (decimal) return { dataType: 'NUMBER', length: null, precision: Number(decimal[1]), scale: Number(decimal[2]), datetime: null };
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/.test(duck)) return { dataType: 'NUMBER', length: null, precision: 38, scale: 0, datetime: null };
  if (duck === 'VARCHAR') return { dataType: 'TEXT', length: 16_777_216, precision: null, scale: null, datetime: null };
  if (duck === 'DOUBLE' || duck === 'FLOAT') return { dataType: 'FLOAT', length: null, precision: null, scale: null, datetime: null };
  if (duck === 'TIMESTAMP') return { dataType: 'TIMESTAMP_NTZ', length: null, precision: null, scale: null, datetime: 9 };
  if (duck === 'TIMESTAMP WITH TIME ZONE') return { dataType: 'TIMESTAMP_LTZ', length: null, precision: null, scale: null, datetime: 9 };
  if (duck === 'TIME') return { dataType: 'TIME', length: null, precision: null, scale: null, datetime: 9 };
  if (duck === 'JSON') return { dataType: 'VARIANT', length: null, precision: null, scale: null, datetime: null };
  if (duck === 'BLOB') return { dataType: 'BINARY', length: 8_388_608, precision: null, scale: null, datetime: null };
  return { dataType: duck, length: null, precision: null, scale: null, datetime: null };
}

export interface Visibility {
  /** The role may see this schema (USAGE or ownership, or the admin). */
  schema(database: string, schema: string): boolean;
  /** The role holds some privilege on this table or view. */
  table(database: string, schema: string, name: string): boolean;
  owner(type: 'TABLE' | 'SCHEMA', name: string): string | null;
}

const literal = (v: Value): string => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? String(v) : `'${v.replace(/'/g, "''")}'`);

/** Fills temp.main.<name> in the session's connection with the view's rows for the database. */
export async function materialize(ref: InformationSchemaRef, name: string, internal: DuckDBConnection, session: DuckDBConnection, can: Visibility): Promise<void> {
  await fillTemporaryTable(session, name, COLUMNS_OF[ref.view], await rowsOf(ref, internal, can));
}

/** temp.main.<name> in the session's connection, (re)created with these columns and rows. */
export async function fillTemporaryTable(session: DuckDBConnection, name: string, columns: [string, string][], rows: Value[][]): Promise<void> {
  await session.run(`CREATE OR REPLACE TEMP TABLE "${name}" (${columns.map(([c, t]) => `"${c}" ${t}`).join(', ')})`);
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await session.run(`INSERT INTO "${name}" VALUES ${chunk.map((r) => `(${r.map(literal).join(', ')})`).join(', ')}`);
  }
}

async function rowsOf(ref: InformationSchemaRef, internal: DuckDBConnection, can: Visibility): Promise<Value[][]> {
  const db = ref.database;
  // Names come back in Snowflake's spelling (identifiers.ts).
  const names = (row: unknown[], ...at: number[]) => row.map((v, i) => (at.includes(i) && v !== null ? snowflakeName(String(v)) : v));
  if (ref.view === 'SCHEMATA') {
    const reader = await internal.runAndReadAll(`SELECT schema_name FROM duckdb_schemas() WHERE database_name = $1 AND NOT internal ORDER BY 1`, [duckName(db)]);
    const schemas = reader.getRows().map((r) => snowflakeName(String(r[0]))).filter((s) => can.schema(db, s));
    return [...schemas, 'INFORMATION_SCHEMA'].map((s) => [db, s, s === 'INFORMATION_SCHEMA' ? null : can.owner('SCHEMA', `${db}.${s}`), 'NO', 'NO', 1, null, null, s === 'INFORMATION_SCHEMA' ? 'Views describing the contents of schemas in this database' : null]);
  }
  if (ref.view === 'COLUMNS') {
    const reader = await internal.runAndReadAll(
      `SELECT schema_name, table_name, column_name, column_index, column_default, is_nullable, data_type, comment FROM duckdb_columns() WHERE database_name = $1 AND NOT internal ORDER BY 1, 2, 4`,
      [duckName(db)],
    );
    return reader
      .getRows()
      .map((r) => names(r, 0, 1, 2))
      .filter((r) => can.table(db, String(r[0]), String(r[1])))
      .map((r) => {
        const type = snowflakeColumnType(String(r[6]));
        return [db, String(r[0]), String(r[1]), String(r[2]), Number(r[3]), r[4] === null ? null : String(r[4]), r[5] ? 'YES' : 'NO', type.dataType, type.length, type.length === null ? null : type.length * (type.dataType === 'TEXT' ? 4 : 1), type.precision, type.precision === null ? null : 10, type.scale, type.datetime, 'NO', r[7] === null ? null : String(r[7])];
      });
  }
  const reader = await internal.runAndReadAll(
    `SELECT schema_name, table_name, 'BASE TABLE' AS kind, estimated_size, comment, NULL AS sql FROM duckdb_tables() WHERE database_name = $1 AND NOT internal
     UNION ALL SELECT schema_name, view_name, 'VIEW', NULL, comment, sql FROM duckdb_views() WHERE database_name = $1 AND NOT internal ORDER BY 1, 2`,
    [duckName(db)],
  );
  const visible = reader.getRows().map((r) => names(r, 0, 1)).filter((r) => can.table(db, String(r[0]), String(r[1])));
  if (ref.view === 'VIEWS') {
    return visible.filter((r) => r[2] === 'VIEW').map((r) => [db, String(r[0]), String(r[1]), can.owner('TABLE', `${db}.${r[0]}.${r[1]}`), r[5] === null ? null : String(r[5]), 'NO', null, null, r[4] === null ? null : String(r[4])]);
  }
  return visible.map((r) => [db, String(r[0]), String(r[1]), can.owner('TABLE', `${db}.${r[0]}.${r[1]}`), String(r[2]), 'NO', null, r[3] === null ? null : Number(r[3]), null, 1, null, null, 'NO', r[4] === null ? null : String(r[4])]);
}
