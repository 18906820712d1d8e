import { identifierReadsAsPhi, phiInValue, withNeutralNames } from '../identifiers';
import { ReportBuilder } from '../report';
import { maskRowsInto } from '../structured/rows';
import { applyOperator, redact, type OperatorContext } from '../operators';
import type { MaskingPolicy } from '../policy';
import { entityTypes, type EntityType, type MaskReport, type OperatorName } from '../types';
import { literalForm, wholeValueOperator, type ColumnPlan, type ConstantGuard, type ConstantMask, type MaskingPlan } from './plan';

/** What lineage masking did to one result, safe to record: per column its action, sources and rule; never a value. */
export interface LineageReport {
  counts: Partial<Record<EntityType, number>>;
  total: number;
  plan: 'columns' | 'whole';
  columns: Omit<ColumnPlan, 'index'>[];
  /** Set when the plan was for another column count than the result had (then every column was masked). */
  mismatch?: string;
}

export interface MaskedTable {
  rows: unknown[][];
  report: LineageReport;
  /** The appearance layer's report for the columns it scanned. */
  scan?: MaskReport;
}

function maskCell(value: unknown, type: EntityType, operator: OperatorName, keepNull: boolean, context: OperatorContext): unknown {
  if (value === null || value === undefined) return keepNull ? value : redact(type);
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return applyOperator(operator, type, text, context);
}

/**
 * Whether a cell of a column the agent's literals reach is to be masked whole, and as what: it
 * holds the form of a literal that reads as PHI, or (computed from literals only) it reads as PHI
 * itself (phiInValue). Undefined: the cell stays as the scan left it.
 */
function constantHit(cell: unknown, guard: ConstantGuard, policy: MaskingPolicy): ConstantMask | undefined {
  if (cell === null || cell === undefined) return undefined;
  const text = typeof cell === 'string' ? cell : typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
  if (guard.literals.length) {
    const form = literalForm(text);
    const held = guard.literals.find((l) => form.includes(l.form));
    if (held) return held;
  }
  if (!guard.onlyConstants) return undefined;
  // An array or object is read as its values (`["Jane","Doe"]` as Jane Doe).
  const verdict = phiInValue(typeof cell === 'object' ? text.replace(/["[\]{},:]+/g, ' ').trim() : text);
  if (!verdict) return undefined;
  if (!(entityTypes as readonly string[]).includes(verdict)) return guard.fallback;
  return { type: verdict as EntityType, operator: wholeValueOperator(verdict as EntityType, policy) };
}

/** The policy without its `none` tags, made once per policy object (the same object each call, so what keys on it stays warm). */
const scanPolicies = new WeakMap<MaskingPolicy, MaskingPolicy>();
function scanPolicyOf(policy: MaskingPolicy): MaskingPolicy {
  let derived = scanPolicies.get(policy);
  if (!derived) {
    derived = { ...policy, columns: Object.fromEntries(Object.entries(policy.columns).filter(([, v]) => v !== 'none')) };
    scanPolicies.set(policy, derived);
  }
  return derived;
}

/**
 * Masks a SQL result by its plan. Positional: column i of the result is output column i of the
 * statement the gateway forwarded (the names are the client's to choose). A result whose column
 * count differs from the plan is masked whole.
 */
export function maskTableByPlan(columns: readonly string[], rows: readonly (readonly unknown[])[], plan: Exclude<MaskingPlan, { kind: 'metadata' }>, policy: MaskingPolicy, options: { tokenKey?: string | Uint8Array } = {}): MaskedTable {
  const context: OperatorContext = { ...options, tokenMemo: new Map() };
  const counts: Partial<Record<EntityType, number>> = {};
  let total = 0;
  const count = (type: EntityType, n: number) => {
    if (n) {
      counts[type] = (counts[type] ?? 0) + n;
      total += n;
    }
  };
  let columnPlans: ColumnPlan[] | undefined = plan.kind === 'columns' ? plan.columns : undefined;
  let mismatch: string | undefined;
  if (columnPlans && columnPlans.length !== columns.length) {
    mismatch = `the statement has ${columnPlans.length} output columns but the result has ${columns.length}`;
    columnPlans = undefined;
  }
  // A row with more cells than the columns: which output column its extra cells are is unknown.
  const width = columnPlans?.length ?? 0;
  const wide = columnPlans ? rows.find((r) => r.length > width) : undefined;
  if (wide) {
    mismatch = `a row has ${wide.length} cells for ${width} columns`;
    columnPlans = undefined;
  }
  if (!columnPlans) {
    const type = plan.kind === 'whole' ? plan.type : (plan.columns.find((c) => c.type)?.type ?? 'SSN');
    const operator = plan.kind === 'whole' ? plan.operator : 'redact';
    const reason = plan.kind === 'whole' ? plan.reason : `every column masked as ${type}: ${mismatch}`;
    const masked = rows.map((row) => row.map((cell) => maskCell(cell, type, operator, false, context)));
    count(type, rows.reduce((n, r) => n + r.length, 0));
    return {
      rows: masked,
      report: { counts, total, plan: 'whole', columns: columns.map((name) => ({ name, action: 'mask', type, operator, rule: 'unresolved', sources: [], reason })), ...(mismatch ? { mismatch } : {}) },
    };
  }
  const scanIndexes = columnPlans.filter((c) => c.action === 'scan').map((c) => c.index);
  let scanned: { rows: unknown[][]; report: MaskReport } | undefined;
  if (scanIndexes.length) {
    // The second layer: appearance-based detection on free text. Output names are the client's,
    // so a `none` tag on a name must not let free text through unscanned.
    const builder = new ReportBuilder();
    const scannedRows = maskRowsInto(scanIndexes.map((i) => columns[i]!), rows.map((r) => scanIndexes.map((i) => r[i])), scanPolicyOf(policy), context, builder);
    scanned = { rows: scannedRows, report: builder.build() };
  }
  // Rows are copied only when a cell changes: `pass` columns cost nothing, a `mask` column is
  // masked by its type without detection, and a scan that found nothing leaves the rows as they came.
  const plans = columnPlans;
  const scanAt = plans.map((p) => (p.action === 'scan' ? scanIndexes.indexOf(p.index) : -1));
  // Columns the agent's literals reach (plan.ts guardConstants): a cell found holding one is masked whole.
  const guards = plan.kind === 'columns' && plan.constants?.length ? new Map(plan.constants.filter((g) => plans[g.index]?.action === 'scan').map((g) => [g.index, g])) : undefined;
  const hits = guards?.size ? rows.map((row) => row.map((cell, c) => {
    const guard = guards.get(c);
    return guard ? constantHit(cell, guard, policy) : undefined;
  })) : undefined;
  const changes = plans.some((p) => p.action === 'mask') || (scanned !== undefined && scanned.rows.some((out, r) => out.some((cell, k) => cell !== rows[r]![scanIndexes[k]!])))
    || (hits?.some((row) => row.some((h) => h !== undefined)) ?? false);
  const masked = !changes ? rows as unknown[][] : rows.map((row, r) => row.map((cell, c) => {
    const p = plans[c]!;
    if (p.action === 'pass') return cell;
    const hit = hits?.[r]?.[c];
    if (hit) return maskCell(cell, hit.type, hit.operator, false, context);
    if (p.action === 'scan') return scanned!.rows[r]![scanAt[c]!];
    return maskCell(cell, p.type!, p.operator!, p.rule === 'phi-source', context);
  }));
  for (const row of hits ?? []) for (const hit of row) if (hit) count(hit.type, 1);
  for (const p of columnPlans) {
    if (p.action === 'mask') count(p.type!, rows.filter((r) => p.rule !== 'phi-source' || (r[p.index] !== null && r[p.index] !== undefined)).length);
  }
  if (scanned) for (const [type, n] of Object.entries(scanned.report.counts)) count(type as EntityType, n ?? 0);
  return {
    rows: masked,
    report: { counts, total, plan: 'columns', columns: columnPlans.map(({ index: _index, ...rest }) => rest) },
    ...(scanned ? { scan: scanned.report } : {}),
  };
}

/**
 * The column names a client may see, and the record keeps. A resolved plan's names come from the
 * statement and the catalog. An unresolved one may name columns after the data (Snowflake's
 * PIVOT ... IN (ANY) makes one column per distinct value), so there a name the statement's text
 * does not contain is replaced by its position. And any name that reads as PHI (an agent's
 * `AS "078-05-1120"`, an unaliased expression's header holding its literal; phi/identifiers.ts)
 * is replaced by a neutral one, `COLUMN_<position>`, unique among the result's names.
 */
export function visibleColumnNames(columns: readonly string[], plan: LineageReport['plan'], sql: readonly string[]): string[] {
  if (plan !== 'whole') return withNeutralNames(columns);
  const squeeze = (s: string) => s.replace(/[\s"]+/g, '').toUpperCase();
  const texts = sql.map(squeeze);
  const inStatement = (name: string) => {
    const key = typeof name === 'string' ? squeeze(name) : '';
    return key !== '' && texts.some((t) => t.includes(key));
  };
  return withNeutralNames(columns, (name) => !inStatement(name) || identifierReadsAsPhi(name));
}
