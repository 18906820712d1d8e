export { analyzeSql, predicateClauses, type QueryLineage, type ColumnLineage, type Use, type SourceRef, type PredicateUse, type PredicateClause } from './analyze';
export {
  applyConfigTags, diffCatalogs, phiCatalogSchema, findTables, strictest, strictestInScope, unknownColumnClass, qualified, isPhi, STRICTNESS,
  type PhiCatalog, type CatalogTable, type CatalogColumn, type ColumnClass, type ClassSource,
} from './catalog';
export { isKnownFunction, NON_REVEALING_AGGREGATES } from './functions';
export { planSql, planFromLineage, planColumn, decidePredicates, DEFAULT_PHI_PREDICATES, type MaskingPlan, type ColumnPlan, type LineageRule, type PredicateDecision, type PredicateVerdict } from './plan';
export { maskTableByPlan, visibleColumnNames, type LineageReport, type MaskedTable } from './apply';
export { discoverCatalog, classFromTag, type CatalogQuery, type DiscoveryOptions, type DiscoveryResult } from './discover';
export { mergeDiscovery, parseStoredCatalog, protection, weakens, type CatalogChange } from './refresh';
