/**
 * Which tool arguments carry SQL. SQL classification (hold, deny) and lineage masking run only on
 * arguments a target declares as SQL:
 *
 * ```yaml
 * commands:
 *   sqlTools:                      # per tool: the arguments that carry SQL ([] = declared not SQL)
 *     run_snowflake_query: [statement]
 *     search_docs: []
 *   sqlArguments: [statement]      # optional: these arguments of every tool not under sqlTools
 * ```
 *
 * The safe default differs by target type. A Snowflake target (credentials provider `snowflake`)
 * runs SQL by nature, so a tool it does not declare is assumed to carry SQL in any argument named
 * `statement`, `query` or `sql` (fail closed: an undeclared tool that runs SQL is still classified).
 * Any other target classifies only what it declares (a search tool's `query` is not SQL).
 */

/** The arguments an undeclared tool of a Snowflake target is assumed to carry SQL in. */
export const SNOWFLAKE_SQL_ARGUMENTS: readonly string[] = ['statement', 'query', 'sql'];

/** The parts of a target that decide where its SQL is (a full TargetConfig has them). */
export interface SqlDeclaringTarget {
  commands?: { sqlTools?: Readonly<Record<string, readonly string[]>>; sqlArguments?: readonly string[] | undefined };
  credentials?: unknown;
}

/**
 * Whether the target is a Snowflake target. A target whose credentials are not known here (a
 * partial config) counts as one: unknown means protected.
 */
export function isSnowflakeTarget(target: SqlDeclaringTarget): boolean {
  const c = target.credentials;
  if (c === undefined) return true;
  return typeof c === 'object' && c !== null && (c as { provider?: unknown }).provider === 'snowflake';
}

/** The argument names of `tool` that carry SQL on this target (empty: the tool carries none). */
export function sqlArgumentsFor(target: SqlDeclaringTarget, tool: string | undefined): readonly string[] {
  const declared = tool !== undefined && target.commands?.sqlTools && Object.hasOwn(target.commands.sqlTools, tool) ? target.commands.sqlTools[tool] : undefined;
  if (declared) return declared;
  if (target.commands?.sqlArguments) return target.commands.sqlArguments;
  return isSnowflakeTarget(target) ? SNOWFLAKE_SQL_ARGUMENTS : [];
}
