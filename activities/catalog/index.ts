export { createCatalogActivities, refreshTargetCatalog, type CatalogRefreshDeps, type CatalogRefreshReport } from './catalog-refresh';
export { ensureCatalogRefreshSchedule, CATALOG_REFRESH_SCHEDULE_ID, CATALOG_REFRESH_WORKFLOW, DEFAULT_CATALOG_REFRESH_EVERY, type CatalogScheduleOptions } from './catalog-schedule';
