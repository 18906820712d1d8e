import { norm, phiCatalogSchema, qualified, STRICTNESS, type CatalogColumn, type CatalogTable, type ColumnClass, type PhiCatalog } from './catalog';

/** One column's change in a refresh: what was stored, what discovery found, and what now applies. */
export interface CatalogChange {
  column: string;
  before?: ColumnClass;
  /** What discovery found (absent: the column is gone). */
  discovered?: ColumnClass;
  /** What the stored catalog now says (absent: the column is gone). */
  applied?: ColumnClass;
  /** Set when discovery was not applied: a reviewer must pin the weaker class in gatehouse.yaml. */
  held?: string;
}

/** How much protection a class gives: none < text < PHI types, stricter types higher. */
export function protection(cls: ColumnClass): number {
  if (cls === 'none') return 0;
  if (cls === 'text') return 1;
  return 2 + (STRICTNESS.length - STRICTNESS.indexOf(cls));
}

const REVIEW = 'pin the column in the target\'s masking.catalog in gatehouse.yaml to accept it';

/**
 * Merges a fresh discovery into the stored catalog without ever lowering protection silently.
 * A renamed column or an unset tag is exactly how an insider would declassify PHI, so:
 * - a column whose discovered class is weaker than the stored one keeps the stored class (held);
 * - a new column of a known table, in a refresh where columns of that table disappeared (a
 *   possible rename), gets at least the strictest class among the disappeared ones (held);
 * - any other new column of a known table discovered as `none` is stored as `text` (held):
 *   a column appearing later is unknown until reviewed, and unknown is `text` at best;
 * - stronger classes, new tables and the first discovery of a target apply as discovered.
 * Pins in gatehouse.yaml still win over all of it (applyConfigTags at read time).
 */
export function mergeDiscovery(stored: PhiCatalog | undefined, fresh: PhiCatalog): { catalog: PhiCatalog; changes: CatalogChange[] } {
  if (!stored) {
    const changes = fresh.tables.flatMap((t) => t.columns.map((c) => ({ column: qualified(t, c.name), discovered: c.class, applied: c.class })));
    return { catalog: fresh, changes };
  }
  const changes: CatalogChange[] = [];
  const storedTables = new Map(stored.tables.filter((t) => !t.partial).map((t) => [qualified(t), t] as const));
  const tables: CatalogTable[] = fresh.tables.map((table) => {
    const before = storedTables.get(qualified(table));
    if (!before) {
      for (const c of table.columns) changes.push({ column: qualified(table, c.name), discovered: c.class, applied: c.class });
      return table;
    }
    const freshNames = new Set(table.columns.map((c) => norm(c.name)));
    const gone = before.columns.filter((c) => !freshNames.has(norm(c.name)));
    for (const c of gone) changes.push({ column: qualified(before, c.name), before: c.class });
    const goneFloor = gone.map((c) => c.class).sort((a, b) => protection(b) - protection(a))[0];
    const columns: CatalogColumn[] = table.columns.map((c) => {
      const column = qualified(table, c.name);
      const old = before.columns.find((o) => norm(o.name) === norm(c.name));
      if (old) {
        if (old.class === c.class) return c;
        if (protection(c.class) < protection(old.class)) {
          changes.push({ column, before: old.class, discovered: c.class, applied: old.class, held: `discovery lowered ${old.class} to ${c.class}; kept ${old.class} until reviewed: ${REVIEW}` });
          return { ...c, class: old.class, source: old.source };
        }
        changes.push({ column, before: old.class, discovered: c.class, applied: c.class });
        return c;
      }
      if (goneFloor !== undefined && protection(c.class) < protection(goneFloor)) {
        changes.push({ column, discovered: c.class, applied: goneFloor,
          held: `new column while ${gone.map((g) => g.name).join(', ')} disappeared (a rename?); given ${goneFloor} until reviewed: ${REVIEW}` });
        return { ...c, class: goneFloor };
      }
      if (c.class === 'none') {
        changes.push({ column, discovered: 'none', applied: 'text', held: `new column discovered as none; scanned as text until reviewed: ${REVIEW}` });
        return { ...c, class: 'text' };
      }
      changes.push({ column, discovered: c.class, applied: c.class });
      return c;
    });
    return { ...table, columns };
  });
  // A table discovery no longer sees (dropped, or its grant revoked) leaves the catalog: queries on it fail in Snowflake.
  for (const t of stored.tables) {
    if (t.partial || fresh.tables.some((f) => qualified(f) === qualified(t))) continue;
    for (const c of t.columns) changes.push({ column: qualified(t, c.name), before: c.class });
  }
  return { catalog: { ...fresh, tables }, changes: changes.sort((a, b) => a.column.localeCompare(b.column)) };
}

/** A stored catalog as read back from a cache: validated, or undefined (then every table is unknown). */
export function parseStoredCatalog(raw: unknown): PhiCatalog | undefined {
  const parsed = phiCatalogSchema.safeParse(raw);
  return parsed.success ? (parsed.data as PhiCatalog) : undefined;
}

export const weakens = (change: CatalogChange): boolean =>
  change.before !== undefined && change.applied !== undefined && protection(change.applied) < protection(change.before);
