import type { CommandVerdict, SqlClassName, TargetConfig } from '../policy';
import { classifySql, sqlArgumentsFor, type SqlClass, type SqlClassification } from '../policy';

/**
 * Policy's ruling on one tools/call (allow / hold / deny) and why. Pure: no I/O. Not to be
 * confused with the workflow's CommandDecision, which is an approver's decision on a held call.
 */
export interface ToolCallRuling {
  verdict: CommandVerdict;
  tool: string;
  /** SQL classes found in the call's SQL arguments (empty when it carries none). */
  classes: SqlClass[];
  risk: 'low' | 'high';
  /** The SQL texts, in argument order, for the approver's summary. */
  sql: string[];
  reason: string;
}

/**
 * When gatehouse.yaml says nothing about a class: reads pass, changes wait for a human, and what
 * can move data out of Snowflake or widen privileges is refused.
 */
export const DEFAULT_SQL_VERDICTS: Record<SqlClassName, CommandVerdict> = {
  read: 'allow',
  write: 'hold',
  ddl: 'deny',
  privilege: 'deny',
  export: 'deny',
  multi_statement: 'hold',
  unparseable: 'hold',
};

const severity: Record<CommandVerdict, number> = { allow: 0, hold: 1, deny: 2 };

/** Classifications kept per target (see classified). */
const CLASSIFICATION_CACHE_SIZE = 256;
const classifications = new WeakMap<TargetConfig, Map<string, Readonly<SqlClassification>>>();

/**
 * A SQL text's classification on a target. A pure function of the text and the target's
 * system-function allow-list (a config object never changes in place: a reload is a new object),
 * so it is kept per target and exact text: a session repeating a query parses it once. At most
 * CLASSIFICATION_CACHE_SIZE per target, oldest first, so an agent sending endless distinct SQL
 * only evicts entries; what it gets is the same classification either way.
 */
function classified(target: TargetConfig, text: string): Readonly<SqlClassification> {
  let cache = classifications.get(target);
  if (!cache) {
    cache = new Map();
    classifications.set(target, cache);
  }
  let c = cache.get(text);
  if (!c) {
    const fresh = classifySql(text, { systemFunctions: target.commands.systemFunctions ?? [] });
    c = Object.freeze({ ...fresh, classes: Object.freeze([...fresh.classes]) as SqlClass[], tables: Object.freeze([...fresh.tables]) as string[] });
    if (cache.size >= CLASSIFICATION_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(text, c);
  }
  return c;
}

export function toolAllowed(target: TargetConfig, tool: string): boolean {
  return target.commands.tools.length === 0 || target.commands.tools.includes(tool);
}

/** Decides a tools/call: the tool must be allowed, and every SQL class it carries decides. */
export function decideToolCall(target: TargetConfig, tool: unknown, args: unknown): ToolCallRuling {
  if (typeof tool !== 'string' || tool.length === 0) {
    return { verdict: 'deny', tool: String(tool ?? ''), classes: [], risk: 'high', sql: [], reason: 'tools/call needs a tool name (params.name)' };
  }
  if (!toolAllowed(target, tool)) {
    return {
      verdict: 'deny', tool, classes: [], risk: 'high', sql: [],
      reason: `tool "${tool}" is not allowed on target ${target.name} (allowed: ${target.commands.tools.join(', ')})`,
    };
  }
  const argumentsObject = args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  const sql: string[] = [];
  // Only the arguments this target declares as SQL for this tool (policy/sql-tools.ts).
  for (const name of sqlArgumentsFor(target, tool)) {
    const value = argumentsObject[name];
    if (value === undefined) continue;
    // SQL that is not a string cannot be classified: treat it as unparseable (fail closed).
    sql.push(typeof value === 'string' ? value : JSON.stringify(value));
  }
  if (sql.length === 0) return { verdict: 'allow', tool, classes: [], risk: 'low', sql, reason: 'no SQL argument' };
  const classes = new Set<SqlClass>();
  const reasons: string[] = [];
  for (const text of sql) {
    const c = classified(target, text);
    c.classes.forEach((k) => classes.add(k));
    if (c.reason) reasons.push(c.reason);
  }
  const list = [...classes];
  let verdict: CommandVerdict = 'allow';
  const deciding: string[] = [];
  for (const k of list) {
    const v = target.commands.sql[k] ?? DEFAULT_SQL_VERDICTS[k];
    if (severity[v] > severity[verdict]) {
      verdict = v;
      deciding.length = 0;
    }
    if (v === verdict) deciding.push(k);
  }
  const risk = list.length === 1 && list[0] === 'read' ? 'low' : 'high';
  const words = verdict === 'allow' ? 'allowed' : verdict === 'hold' ? 'held for approval' : 'denied';
  const reason = `SQL classified as ${list.join(', ')}; ${deciding.join(', ')} is ${words} on target ${target.name}` + (reasons.length ? ` (${reasons.join('; ')})` : '');
  return { verdict, tool, classes: list, risk, sql, reason };
}
