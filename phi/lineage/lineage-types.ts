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
  /**
   * Inside the analysis only: a literal of the statement (its text) that reaches the value. The
   * finished lineage keeps literals apart (`ColumnLineage.constants`), never among `uses`.
   */
  constant?: string;
  /** With `constant`: a number, date or time literal (not a string). */
  numeric?: true;
  /** Inside the analysis only: a value the statement does not spell out (COUNT(*), an aggregate, CURRENT_DATE()). */
  varies?: true;
}

export interface ColumnLineage {
  name: string;
  /** The expression is exactly one source column (through aliases, subqueries and CTEs). */
  exact: boolean;
  uses: Use[];
  /**
   * The literals of the statement that may reach this column's value (through functions, CASE
   * results, CTEs, subqueries, set operations, FLATTEN), as written; absent when none. The agent's
   * own values: plan.ts reads them and keeps them out of every report.
   */
  constants?: string[];
  /** Its string literals joined in the order written, as they are and with a blank between, when it has more than one (CONCAT('078', '-05-1120'), ARRAY_CONSTRUCT('Jane', 'Doe')). */
  constantsJoined?: [string, string];
  /** Computed from those literals alone: no source column, no aggregate, no function of no arguments. */
  constantsOnly?: true;
}

/** `FROM`: the arguments of FLATTEN or another table function, which decide how many rows it yields per input row. */
export const predicateClauses = ['WHERE', 'JOIN ON', 'JOIN USING', 'GROUP BY', 'HAVING', 'ORDER BY', 'QUALIFY', 'FROM'] as const;
export type PredicateClause = (typeof predicateClauses)[number];
export interface PredicateUse extends Use {
  clause: PredicateClause;
}

export type QueryLineage =
  /** `columns` undefined: the output column list itself is unknown (`*` over an unknown object). */
  | { kind: 'query'; columns?: ColumnLineage[]; columnsUnknown?: string; predicates: PredicateUse[]; /** Every literal the analysis met (columns and predicates), as written. */ constants?: string[] }
  /** SHOW, DESCRIBE, USE, writes: no result column is computed from table data. */
  | { kind: 'metadata'; statement: string }
  | { kind: 'unanalysable'; reason: string };
