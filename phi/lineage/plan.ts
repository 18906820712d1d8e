import { phiInValue, type IdentifierPhi } from '../identifiers';
import type { MaskingPolicy } from '../policy';
import { entityTypes, type EntityType, type OperatorName } from '../types';
import { analyzeSql, type ColumnLineage, type PredicateClause, type QueryLineage, type Use } from './analyze';
import { isPhi, strictest, strictestInScope, type PhiCatalog } from './catalog';
import { APPEARANCE_PRESERVING } from './functions';

/** Why a result column is treated the way it is. */
export type LineageRule =
  | 'all-sources-none'        // passed through: every source is proven harmless
  | 'counted-only'            // PHI only inside COUNT / APPROX_COUNT_DISTINCT of plain columns
  | 'year-of-date'            // YEAR(date) where the policy generalizes dates to their year anyway
  | 'free-text'               // free text as it is stored: scanned by the appearance layer
  | 'phi-source'              // exactly a PHI column
  | 'derived-from-phi'        // computed from PHI: masked whole
  | 'derived-from-free-text'  // free text transformed so the scan could miss it: masked whole
  | 'constants-only'          // computed from the statement's literals only: each cell read as a value the agent chose
  | 'phi-literal'             // a literal that reads as PHI may reach it: a cell holding it is masked whole
  | 'unresolved';             // something the analysis could not resolve: strictest type in scope

export interface ColumnPlan {
  /** Position in the result (masking is positional; names are the client's to choose). */
  index: number;
  name: string;
  action: 'pass' | 'scan' | 'mask';
  type?: EntityType;
  operator?: OperatorName;
  rule: LineageRule;
  /** Fully qualified source columns with how they were reached ("CLINICAL.PHI.PATIENTS.SSN via REPLACE"). */
  sources: string[];
  /** One sentence for the masking report and the recording (never a value). */
  reason: string;
}

/** How a cell is masked when a constant guard finds a value in it. */
export interface ConstantMask { type: EntityType; operator: OperatorName }

/**
 * What guards one result column that the agent's literals may reach (`SELECT '078-05-1120' AS A`,
 * `PATIENT_ID || '078-05-1120'`, a UNION or CTE of constants). Held by the plan only, never by its
 * report: it holds the literals themselves (their forms), which the recording must not keep.
 */
export interface ConstantGuard {
  index: number;
  /** Computed from literals only: each cell is read like a value the agent chose (identifiers.ts phiInValue). */
  onlyConstants: boolean;
  /** Forms (literalForm) of the literals reaching the column that read as PHI: a cell whose form holds one is masked whole. */
  literals: (ConstantMask & { form: string })[];
  /** What a cell that reads as a number or as text is masked as: the strictest PHI type in scope. */
  fallback: ConstantMask;
}

/** A value as a literal guard compares it: NFKC, upper case, letters and digits only ('078-05-1120' and 078051120 alike). */
export const literalForm = (text: string): string => text.normalize('NFKC').toUpperCase().replace(/[^\p{L}\p{Nd}]/gu, '');

/** A literal form shorter than this is not looked for inside cells (it would be found everywhere). */
const MIN_LITERAL_FORM = 4;

export type MaskingPlan =
  | { kind: 'columns'; columns: ColumnPlan[]; touchesPhi: boolean; constants?: ConstantGuard[] }
  /** Every column of the result masked as one type: the output columns could not be told apart. */
  | { kind: 'whole'; type: EntityType; operator: OperatorName; reason: string; touchesPhi: true }
  /** Not a query over table data (SHOW, DESCRIBE, a write's count): the appearance layer decides. */
  | { kind: 'metadata'; statement: string; touchesPhi: false };

const MAX_SOURCES_LISTED = 8;

function describe(use: Use): string {
  const via = use.path.filter((p) => p !== '').join(' > ');
  if (use.source) return `${use.source.column}${via ? ` via ${via}` : ''}`;
  return `unresolved: ${use.unresolved ?? 'unknown'}`;
}

/** The operator for a value masked whole (not a stored column as it is): never `generalize` or `partial`. */
export const wholeValueOperator = (type: EntityType, policy: MaskingPolicy): OperatorName => operatorFor(type, policy, false);

/** The operator for a masked column: `generalize` and `partial` only on the stored value itself. */
function operatorFor(type: EntityType, policy: MaskingPolicy, exact: boolean): OperatorName {
  const chosen = policy.operators[type] ?? policy.defaultOperator;
  if (!exact && (chosen === 'generalize' || chosen === 'partial')) return 'redact';
  return chosen;
}

const listed = (uses: Use[]) => {
  const all = [...new Set(uses.map(describe))];
  return all.length > MAX_SOURCES_LISTED ? [...all.slice(0, MAX_SOURCES_LISTED), `and ${all.length - MAX_SOURCES_LISTED} more`] : all;
};

/** The rule of the issue, for one output column. */
export function planColumn(column: ColumnLineage, index: number, policy: MaskingPolicy, scopeType: EntityType): ColumnPlan {
  const counted = column.uses.filter((u) => u.aggregated);
  const revealing = column.uses.filter((u) => !u.aggregated);
  const unresolved = revealing.filter((u) => !u.source);
  const phi = revealing.filter((u) => u.source && isPhi(u.source.class) && !policy.ignore.includes(u.source.class as EntityType));
  const text = revealing.filter((u) => u.source?.class === 'text');
  const base = { index, name: column.name };
  if (unresolved.length) {
    const type = strictest([scopeType, ...phi.map((u) => u.source!.class as EntityType)])!;
    const sources = listed([...unresolved, ...phi]);
    return { ...base, action: 'mask', type, operator: operatorFor(type, policy, false), rule: 'unresolved', sources, reason: `masked as ${type}, the strictest PHI type in scope: ${unresolved.map(describe)[0]}` };
  }
  // YEAR(d) of a DATE whose policy operator is generalize reveals exactly what generalize shows.
  if (phi.length && !text.length && policy.operators.DATE === 'generalize' && phi.every((u) => u.source!.class === 'DATE' && u.path.length === 1 && u.path[0] === 'YEAR')) {
    const sources = listed(phi);
    return { ...base, action: 'pass', rule: 'year-of-date', sources, reason: `the year of ${sources.join(', ')}: what the policy's generalize operator shows for DATE` };
  }
  if (phi.length) {
    const type = strictest(phi.map((u) => u.source!.class as EntityType))!;
    const exact = column.exact && phi.length === 1 && phi[0]!.path.length === 0 && revealing.length === 1;
    const sources = listed(phi);
    return exact
      ? { ...base, action: 'mask', type, operator: operatorFor(type, policy, true), rule: 'phi-source', sources, reason: `the PHI column ${sources[0]} (${type})` }
      : { ...base, action: 'mask', type, operator: operatorFor(type, policy, false), rule: 'derived-from-phi', sources, reason: `derived from ${sources.join(', ')}; masked whole as ${type}` };
  }
  if (text.length) {
    const hidden = text.filter((u) => u.path.some((p) => !APPEARANCE_PRESERVING.has(p)));
    const sources = listed(text);
    if (hidden.length) {
      return { ...base, action: 'mask', type: scopeType, operator: operatorFor(scopeType, policy, false), rule: 'derived-from-free-text', sources,
        reason: `derived from free text ${listed(hidden).join(', ')} in a way a scan could miss; masked as ${scopeType}, the strictest PHI type in scope` };
    }
    return { ...base, action: 'scan', rule: 'free-text', sources, reason: `free text from ${sources.join(', ')}: scanned for identifiers` };
  }
  if (counted.length) {
    return { ...base, action: 'pass', rule: 'counted-only', sources: listed(counted), reason: 'PHI only counted (COUNT / APPROX_COUNT_DISTINCT of plain columns): no value can come out' };
  }
  return { ...base, action: 'pass', rule: 'all-sources-none', sources: listed(column.uses), reason: column.uses.length ? 'every source column is classified none' : 'computed from constants only' };
}

/** From lineage to what the masker does with each result column. */
export function planFromLineage(lineage: QueryLineage, catalog: PhiCatalog, policy: MaskingPolicy): MaskingPlan {
  const scopeType = strictestInScope(catalog);
  const whole = (reason: string): MaskingPlan => ({ kind: 'whole', type: scopeType, operator: operatorFor(scopeType, policy, false), reason, touchesPhi: true });
  if (lineage.kind === 'metadata') return { kind: 'metadata', statement: lineage.statement, touchesPhi: false };
  if (lineage.kind === 'unanalysable') return whole(`every column masked as ${scopeType}, the strictest PHI type in scope: ${lineage.reason}`);
  if (!lineage.columns) return whole(`every column masked as ${scopeType}, the strictest PHI type in scope: ${lineage.columnsUnknown ?? 'the result columns are unknown'}`);
  const guards: ConstantGuard[] = [];
  const columns = lineage.columns.map((c, i) => {
    const planned = planColumn(c, i, policy, scopeType);
    const guarded = guardConstants(c, planned, policy, scopeType);
    if (guarded.guard) guards.push(guarded.guard);
    return guarded.plan;
  });
  const touches = (u: Use) => !u.source || isPhi(u.source.class) || u.source.class === 'text';
  // A literal that reads as PHI counts as PHI touched: an error echoing it (`Numeric value
  // '078-05-1120' is not recognized`) and keys an upstream adds are then masked whole.
  const touchesPhi = lineage.columns.some((c) => c.uses.some(touches)) || lineage.predicates.some(touches) || (lineage.constants ?? []).some((t) => phiInValue(t) !== undefined);
  return { kind: 'columns', columns, touchesPhi, ...(guards.length ? { constants: guards } : {}) };
}

const isEntityType = (v: IdentifierPhi): v is EntityType => (entityTypes as readonly string[]).includes(v);

/**
 * A column the agent's literals reach is not passed unread: its cells are values the agent chose,
 * and they go into the recording kept six years. A column computed from literals only is scanned
 * and each cell read by phiInValue (masked whole when it reads as PHI); any other column that a
 * literal reading as PHI reaches (or its string literals joined: CONCAT('078', '-05-1120')) is
 * scanned and a cell holding that literal's form is masked whole. Columns masked anyway, and
 * columns whose literals read as nothing (ROUND(COST, 2), COALESCE(STATE, 'n/a')), are as planned.
 */
function guardConstants(column: ColumnLineage, planned: ColumnPlan, policy: MaskingPolicy, scopeType: EntityType): { plan: ColumnPlan; guard?: ConstantGuard } {
  const constants = column.constants ?? [];
  if (planned.action === 'mask' || constants.length === 0) return { plan: planned };
  const onlyConstants = column.constantsOnly === true;
  const masks = (verdict: IdentifierPhi): ConstantMask => {
    const type = isEntityType(verdict) ? verdict : scopeType;
    return { type, operator: wholeValueOperator(type, policy) };
  };
  const literals = new Map<string, ConstantMask & { form: string }>();
  for (const text of [...constants, ...(column.constantsJoined ?? [])]) {
    const verdict = phiInValue(text);
    const form = literalForm(text);
    if (verdict && form.length >= MIN_LITERAL_FORM && !literals.has(form)) literals.set(form, { form, ...masks(verdict) });
  }
  if (!onlyConstants && literals.size === 0) return { plan: planned };
  const guard: ConstantGuard = { index: planned.index, onlyConstants, literals: [...literals.values()], fallback: masks('NUMBER') };
  const held = 'a cell that reads as PHI or holds a literal of the statement that does is masked whole';
  if (planned.action === 'scan') return { plan: { ...planned, reason: `${planned.reason}; ${held}` }, guard };
  return {
    plan: onlyConstants
      ? { ...planned, action: 'scan', rule: 'constants-only', reason: `computed from the statement's literals only: scanned, and ${held}` }
      : { ...planned, action: 'scan', rule: 'phi-literal', reason: `${planned.reason}, but a literal that reads as PHI may reach it: scanned, and ${held}` },
    guard,
  };
}

/** The masking plan of one SQL statement. */
export function planSql(sql: string, catalog: PhiCatalog, policy: MaskingPolicy): MaskingPlan {
  return planFromLineage(analyzeSql(sql, catalog), catalog, policy);
}

export type PredicateVerdict = 'allow' | 'hold' | 'deny';

/** Direct identifiers wait for a human when a query filters, joins, groups or sorts on them; dates and places do not. */
export const DEFAULT_PHI_PREDICATES: Partial<Record<EntityType, PredicateVerdict>> = {
  SSN: 'hold', NAME: 'hold', PHONE: 'hold', FAX: 'hold', EMAIL: 'hold', STREET_ADDRESS: 'hold', MRN: 'hold', HEALTH_PLAN_ID: 'hold',
  ACCOUNT_NUMBER: 'hold', CARD_NUMBER: 'hold', LICENSE_NUMBER: 'hold', DEA_NUMBER: 'hold', NPI: 'hold', VIN: 'hold',
  LICENSE_PLATE: 'hold', DEVICE_ID: 'hold', URL: 'hold', IP_ADDRESS: 'hold', OTHER_ID: 'hold',
  DATE: 'allow', AGE: 'allow', ZIP: 'allow', CITY: 'allow',
};

export interface PredicateDecision {
  verdict: PredicateVerdict;
  /** The PHI columns the predicates touch, with the clause ("CLINICAL.PHI.PATIENTS.SSN in WHERE"); no values. */
  touched: { column: string; type: EntityType | 'unresolved'; clause: PredicateClause; verdict: PredicateVerdict }[];
  reason: string;
}

const severity: Record<PredicateVerdict, number> = { allow: 0, hold: 1, deny: 2 };

/**
 * What a query's predicates (WHERE, JOIN, GROUP BY, HAVING, ORDER BY, QUALIFY) do with PHI,
 * under the target's `phiPredicates`. Equality joins between plain identifier columns pass;
 * PHI only counted passes; anything the analysis cannot resolve is judged as the strictest type.
 */
export function decidePredicates(sql: string, catalog: PhiCatalog, policy: MaskingPolicy): PredicateDecision {
  const lineage = analyzeSql(sql, catalog);
  const settings = { ...DEFAULT_PHI_PREDICATES, ...(policy.phiPredicates ?? {}) };
  const verdictOf = (type: EntityType): PredicateVerdict => policy.phiPredicates?.[type] ?? settings[type] ?? policy.phiPredicates?.default ?? 'hold';
  const scopeType = strictestInScope(catalog);
  if (lineage.kind === 'metadata') return { verdict: 'allow', touched: [], reason: `${lineage.statement} reads no table data` };
  if (lineage.kind === 'unanalysable') {
    const verdict = verdictOf(scopeType);
    return { verdict, touched: [{ column: 'the whole statement', type: 'unresolved', clause: 'WHERE', verdict }], reason: `its predicates could not be analysed (${lineage.reason}); judged as ${scopeType}` };
  }
  const touched: PredicateDecision['touched'] = [];
  for (const use of lineage.predicates) {
    if (use.aggregated) continue;
    if (!use.source) {
      const verdict = verdictOf(scopeType);
      touched.push({ column: use.unresolved ?? 'unresolved', type: 'unresolved', clause: use.clause, verdict });
      continue;
    }
    const cls = use.source.class;
    if (!isPhi(cls) || policy.ignore.includes(cls)) continue;
    const equalityJoin = use.equality === true && use.path.length === 0;
    const verdict = equalityJoin ? 'allow' : verdictOf(cls);
    touched.push({ column: use.source.column, type: cls, clause: use.clause, verdict });
  }
  let verdict: PredicateVerdict = 'allow';
  for (const t of touched) if (severity[t.verdict] > severity[verdict]) verdict = t.verdict;
  const deciding = [...new Set(touched.filter((t) => t.verdict === verdict && verdict !== 'allow').map((t) => `${t.column} (${t.type}) in ${t.clause}`))];
  const reason = verdict === 'allow'
    ? touched.length ? 'its predicates touch PHI only in ways the policy allows (equality joins, dates)' : 'its predicates touch no PHI column'
    : `its predicates touch ${deciding.join(', ')}`;
  return { verdict, touched, reason };
}
