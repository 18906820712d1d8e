import { decidePredicates, type PhiCatalog } from '../phi';
import type { TargetConfig } from '../policy';
import type { ToolCallRuling } from './command-policy';

/** A policy ruling with what its SQL's predicates do with PHI (for the approvers' message). */
export type PhiAwareRuling = ToolCallRuling & {
  /** The PHI columns the predicates touch, with the clause ("CLINICAL.PHI.PATIENTS.SSN (SSN) in WHERE"); never a value. */
  phiColumns?: string[];
};

const severity = { allow: 0, hold: 1, deny: 2 } as const;

/**
 * Decisions are a pure function of the SQL text, the catalog and the target's masking policy:
 * kept per catalog object and policy object (a refreshed catalog or a reloaded policy is a new
 * object and starts empty), per exact SQL text, at most 256 each (an agent sending endless
 * distinct SQL only evicts entries).
 */
const decided = new WeakMap<PhiCatalog, WeakMap<object, Map<string, ReturnType<typeof decidePredicates>>>>();
function decide(sql: string, catalog: PhiCatalog, masking: TargetConfig['masking']): ReturnType<typeof decidePredicates> {
  let byPolicy = decided.get(catalog);
  if (!byPolicy) decided.set(catalog, (byPolicy = new WeakMap()));
  let bySql = byPolicy.get(masking);
  if (!bySql) byPolicy.set(masking, (bySql = new Map()));
  let decision = bySql.get(sql);
  if (!decision) {
    decision = decidePredicates(sql, catalog, masking);
    if (bySql.size >= 256) bySql.delete(bySql.keys().next().value!);
    bySql.set(sql, decision);
  }
  return decision;
}

/**
 * Raises a ruling by the target's `masking.phiPredicates`: a query that filters, joins, groups,
 * sorts or qualifies on PHI can leak it through a count or an order even when no PHI column is
 * returned (`SELECT COUNT(*) ... WHERE SSN LIKE '12%'`). Pure; a ruling already denied stays so.
 */
export function withPhiPredicates(ruling: ToolCallRuling, target: Pick<TargetConfig, 'name' | 'masking'>, catalog: PhiCatalog): PhiAwareRuling {
  if (ruling.verdict === 'deny' || ruling.sql.length === 0) return ruling;
  const decisions = ruling.sql.map((sql) => decide(sql, catalog, target.masking));
  const touched = decisions.flatMap((d) => d.touched.filter((t) => t.verdict !== 'allow'));
  if (touched.length === 0) return ruling;
  const phiColumns = [...new Set(touched.map((t) => (t.type === 'unresolved' ? `${t.column} (unresolved) in ${t.clause}` : `${t.column} (${t.type}) in ${t.clause}`)))];
  const worst = touched.reduce((v, t) => (severity[t.verdict] > severity[v] ? t.verdict : v), 'allow' as keyof typeof severity);
  const verdict = severity[worst] > severity[ruling.verdict] ? worst : ruling.verdict;
  const words = worst === 'deny' ? 'denied' : 'held for approval';
  return {
    ...ruling, verdict, risk: 'high', phiColumns,
    reason: `${ruling.reason}; PHI in its predicates is ${words} on target ${target.name}: ${phiColumns.slice(0, 6).join(', ')}${phiColumns.length > 6 ? ` and ${phiColumns.length - 6} more` : ''}`,
  };
}
