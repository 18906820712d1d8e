// Deterministic workflow code only: this file is the worker's workflow bundle entry.
export { accessRequest } from './access-request';
export * from './messages';
export * from './search-attributes';
export * from './types';
export { credentialReconciliation } from './reconcile';
export { catalogRefresh, type CatalogRefreshRequest } from './catalog-refresh';
export type { RequestChangeSinks } from './request-changes';
export type { StatusSnapshotSinks } from './status-snapshots';
