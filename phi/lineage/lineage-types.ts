import type { ColumnClass } from './catalog';

// The shapes of a statement's lineage, apart from the analysis (phi-names.ts reads them too).

/** One source column an output or a predicate depends on. */
export interface SourceRef {
  /** DATABASE.SCHEMA.TABLE.COLUMN */
  column: string;
  class: ColumnClass;
}

/**
 * One way an output column (or a predicate) depends on data: a resolved source column, or
 * something the analysis could not resolve (`unresolved` says what), reached through `path`
 * (functions and operators, outermost first).
 */
export interface Use {
  source?: SourceRef;
  unresolved?: string;
  path: string[];
  /** Only inside an allow-listed aggregate that cannot reveal a value (COUNT of a plain column). */
  aggregated: boolean;
  /** A plain column compared with `=` to another plain column (an equality join). */
  equality?: boolean;
}

export interface ColumnLineage {
  name: string;
  /** The expression is exactly one source column (through aliases, subqueries and CTEs). */
  exact: boolean;
  uses: Use[];
}

/** `FROM`: the arguments of FLATTEN or another table function, which decide how many rows it yields per input row. */
export const predicateClauses = ['WHERE', 'JOIN ON', 'JOIN USING', 'GROUP BY', 'HAVING', 'ORDER BY', 'QUALIFY', 'FROM'] as const;
export type PredicateClause = (typeof predicateClauses)[number];
export interface PredicateUse extends Use {
  clause: PredicateClause;
}

export type QueryLineage =
  /** `columns` undefined: the output column list itself is unknown (`*` over an unknown object). */
  | { kind: 'query'; columns?: ColumnLineage[]; columnsUnknown?: string; predicates: PredicateUse[] }
  /** SHOW, DESCRIBE, USE, writes: no result column is computed from table data. */
  | { kind: 'metadata'; statement: string }
  | { kind: 'unanalysable'; reason: string };
