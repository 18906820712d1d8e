import { z } from 'zod';
import { entityTypes, type EntityType } from '../types';
import { typeFromColumnName } from '../structured/column-names';

/** What one source column holds: a PHI type, free text that may hold PHI (scan it), or proven harmless. */
export type ColumnClass = EntityType | 'text' | 'none';

/** Where a column's class came from, strongest first. */
export type ClassSource = 'config' | 'snowflake-tag' | 'discovered-name' | 'discovered-sample' | 'discovered-type' | 'unknown-column';

export interface CatalogColumn {
  name: string;
  class: ColumnClass;
  source: ClassSource;
  /** The Snowflake data type, when discovery read it. */
  dataType?: string;
}

export interface CatalogTable {
  database: string;
  schema: string;
  name: string;
  /** In the table's column order (what `*` expands to). */
  columns: CatalogColumn[];
  /** Only some columns are known (tags in gatehouse.yaml for a table discovery has not read): `*` is not expanded. */
  partial?: boolean;
}

/** The PHI catalog of one target: every object in its scope, each column classified. */
export interface PhiCatalog {
  target: string;
  /** When discovery last ran (ISO), absent for a catalog built from gatehouse.yaml alone. */
  discoveredAt?: string;
  tables: CatalogTable[];
}

/**
 * Direct identifiers first: when one column is derived from several PHI types, or the analysis
 * cannot tell, the first of these in scope decides the label and operator.
 */
export const STRICTNESS: readonly EntityType[] = [
  'SSN', 'MRN', 'HEALTH_PLAN_ID', 'CARD_NUMBER', 'ACCOUNT_NUMBER', 'NAME', 'EMAIL', 'PHONE', 'FAX', 'STREET_ADDRESS',
  'LICENSE_NUMBER', 'DEA_NUMBER', 'NPI', 'VIN', 'LICENSE_PLATE', 'DEVICE_ID', 'URL', 'IP_ADDRESS', 'OTHER_ID',
  'DATE', 'CITY', 'ZIP', 'AGE',
];

export function strictest(types: Iterable<EntityType>): EntityType | undefined {
  let best: EntityType | undefined;
  for (const t of types) if (best === undefined || STRICTNESS.indexOf(t) < STRICTNESS.indexOf(best)) best = t;
  return best;
}

export const isPhi = (c: ColumnClass): c is EntityType => c !== 'text' && c !== 'none';

/** Snowflake folds unquoted identifiers to upper case; the catalog compares that way. */
export const norm = (identifier: string): string => identifier.replace(/^"|"$/g, '').toUpperCase();

export const qualified = (t: Pick<CatalogTable, 'database' | 'schema' | 'name'>, column?: string): string =>
  [t.database, t.schema, t.name, ...(column === undefined ? [] : [column])].map(norm).join('.');

/** A column the catalog does not list: what its name announces, else free text (never `none`). */
export function unknownColumnClass(column: string): ColumnClass {
  return typeFromColumnName(column) ?? 'text';
}

/** Tables matching a possibly partial name (unqualified names match in every schema: USE can move the session). */
export function findTables(catalog: PhiCatalog, ref: { database?: string; schema?: string; name: string }): CatalogTable[] {
  const name = norm(ref.name);
  const schema = ref.schema === undefined ? undefined : norm(ref.schema);
  const database = ref.database === undefined ? undefined : norm(ref.database);
  return catalog.tables.filter((t) => norm(t.name) === name && (schema === undefined || norm(t.schema) === schema) && (database === undefined || norm(t.database) === database));
}

/** The strictest PHI type of the whole catalog; SSN when it lists none (nothing known = the strictest). */
export function strictestInScope(catalog: PhiCatalog): EntityType {
  const types = catalog.tables.flatMap((t) => t.columns.map((c) => c.class)).filter(isPhi);
  return strictest(types) ?? 'SSN';
}

/**
 * Applies the explicit tags of gatehouse.yaml (`DB.SCHEMA.TABLE.COLUMN: TYPE`) over a catalog:
 * a tagged column takes the tag; a tagged column of a table the catalog lacks adds that table
 * (its column order then unknown beyond the tags, so `*` on it is not expanded from tags alone).
 */
export function applyConfigTags(catalog: PhiCatalog, tags: Record<string, ColumnClass>): PhiCatalog {
  const tables = catalog.tables.map((t) => ({ ...t, columns: t.columns.map((c) => ({ ...c })) }));
  for (const [key, cls] of Object.entries(tags)) {
    const parts = key.split('.');
    if (parts.length !== 4) continue; // the schema refuses these; defensive
    const [database, schema, name, column] = parts.map(norm) as [string, string, string, string];
    let table = tables.find((t) => qualified(t) === `${database}.${schema}.${name}`);
    if (!table) {
      table = { database, schema, name, columns: [], partial: true };
      tables.push(table);
    }
    const existing = table.columns.find((c) => norm(c.name) === column);
    if (existing) {
      existing.class = cls;
      existing.source = 'config';
    } else table.columns.push({ name: column, class: cls, source: 'config' });
  }
  return { ...catalog, tables };
}

/** What changed between two catalogs, column by column (for `gatehouse catalog diff`). */
export function diffCatalogs(before: PhiCatalog, after: PhiCatalog): { column: string; before?: ColumnClass; after?: ColumnClass }[] {
  const index = (c: PhiCatalog) => new Map(c.tables.flatMap((t) => t.columns.map((col) => [qualified(t, col.name), col.class] as const)));
  const a = index(before);
  const b = index(after);
  const out: { column: string; before?: ColumnClass; after?: ColumnClass }[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) out.push({ column: k, before: v, ...(b.has(k) ? { after: b.get(k)! } : {}) });
  for (const [k, v] of b) if (!a.has(k)) out.push({ column: k, after: v });
  return out.sort((x, y) => x.column.localeCompare(y.column));
}

const classSchema = z.union([z.enum(entityTypes), z.literal('text'), z.literal('none')]);
/** A stored catalog (the gateway's cache, `gatehouse catalog show`): validated on every read; a bad one is not used. */
export const phiCatalogSchema = z.strictObject({
  target: z.string().min(1),
  discoveredAt: z.string().optional(),
  tables: z.array(z.strictObject({
    database: z.string().min(1),
    schema: z.string().min(1),
    name: z.string().min(1),
    partial: z.boolean().optional(),
    columns: z.array(z.strictObject({
      name: z.string().min(1),
      class: classSchema,
      source: z.enum(['config', 'snowflake-tag', 'discovered-name', 'discovered-sample', 'discovered-type', 'unknown-column']),
      dataType: z.string().optional(),
    })),
  })),
});
