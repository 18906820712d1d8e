import { identifierReadsAsPhi, phiInIdentifier, withNeutralNames } from '../identifiers';
import { maskSqlText } from '../sql-text';
import type { ColumnLineage, QueryLineage, Use } from './lineage-types';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The statement's quoted identifiers that read as PHI, as a pattern matching every way the
 * analysis may write them (as meant, with doubled quotes as the parser keeps them, upper-cased as
 * Snowflake folds them), each with its placeholder. Undefined when there is none.
 */
function phiIdentifiersOf(sql: string): { pattern: RegExp; placeholder: Map<string, string> } | undefined {
  if (!sql.includes('"') && !sql.includes('`')) return undefined;
  const { identifiers } = maskSqlText(sql);
  if (!identifiers.length) return undefined;
  const placeholder = new Map<string, string>();
  for (const id of identifiers) {
    const label = `[${phiInIdentifier(id) ?? 'TEXT'}]`;
    for (const form of [id, id.replaceAll('"', '""'), id.replaceAll('`', '``')]) {
      placeholder.set(form, label);
      placeholder.set(form.toUpperCase(), label);
    }
  }
  const forms = [...placeholder.keys()].filter((f) => f !== '').sort((a, b) => b.length - a.length);
  return { pattern: new RegExp(forms.map(escape).join('|'), 'giu'), placeholder };
}

/**
 * The lineage with no name in it that reads as PHI. An output column named so (`AS "078-05-1120"`,
 * `AS "Jane Doe"`, through CTEs and subqueries too) is `COLUMN_<position>`; a quoted identifier
 * that reads as PHI is its placeholder wherever the analysis quotes it (sources, unresolved
 * parts, reasons). Everything built from the lineage (the masking plan, its report kept six years,
 * `_meta`, a predicate ruling shown to approvers) then carries none of it. Done after the analysis:
 * inside it, names resolve outer references to subquery columns.
 */
export function withoutPhiNames(lineage: QueryLineage, sql: string): QueryLineage {
  if (lineage.kind === 'metadata') return lineage;
  const found = phiIdentifiersOf(sql);
  const clean = (text: string): string => (found ? text.replace(found.pattern, (m) => found.placeholder.get(m) ?? found.placeholder.get(m.toUpperCase()) ?? '[TEXT]') : text);
  if (lineage.kind === 'unanalysable') return found ? { ...lineage, reason: clean(lineage.reason) } : lineage;
  const cleanUse = <U extends Use>(use: U): U => {
    if (!found) return use;
    const out = { ...use };
    if (use.source) out.source = { ...use.source, column: clean(use.source.column) };
    if (use.unresolved !== undefined) out.unresolved = clean(use.unresolved);
    return out;
  };
  let columns: ColumnLineage[] | undefined;
  if (lineage.columns) {
    const names = withNeutralNames(lineage.columns.map((c) => c.name), (name) => identifierReadsAsPhi(name) || clean(name) !== name);
    columns = lineage.columns.map((c, i) => ({ ...c, name: names[i]!, uses: found ? c.uses.map(cleanUse) : c.uses }));
  }
  return {
    ...lineage,
    ...(columns ? { columns } : {}),
    ...(lineage.columnsUnknown !== undefined ? { columnsUnknown: clean(lineage.columnsUnknown) } : {}),
    predicates: found ? lineage.predicates.map(cleanUse) : lineage.predicates,
  };
}
