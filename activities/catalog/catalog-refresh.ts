import { discoverCatalog, mergeDiscovery, type CatalogChange, type PhiCatalog } from '../../phi';
import { catalogScopeOf, type TargetConfig } from '../../policy';
import type { Logger, RedisCatalogRecords } from '../../lib';
import type { CredentialProviders } from '../credentials/registry';

/** What one target's refresh did; column names and classes only, never a value. */
export interface CatalogRefreshReport {
  target: string;
  trigger: string;
  at: string;
  /** Set when the target could not be read: its stored catalog is left as it was. */
  error?: string;
  tables?: number;
  changes: CatalogChange[];
  /** Notes from discovery (a table not readable, tags not readable). */
  notes: string[];
}

export interface CatalogRefreshDeps {
  targets: TargetConfig[];
  providers: CredentialProviders;
  catalogs: RedisCatalogRecords<PhiCatalog>;
  log: Logger;
  /** Sample values to classify columns (default true). */
  sample?: boolean;
}

/**
 * Re-discovers one target's catalog as a reader its credential provider mints with the target's
 * role (no secret beyond the broker's), merges it into the stored one without lowering any
 * column's protection (phi mergeDiscovery), stores it for the gateway and records the change
 * where `gatehouse catalog diff --recorded` shows it. A target that cannot be read keeps its
 * stored catalog; the failure is recorded and logged, and the next run tries again.
 */
export async function refreshTargetCatalog(deps: CatalogRefreshDeps, target: TargetConfig, trigger: string): Promise<CatalogRefreshReport> {
  const at = new Date().toISOString();
  const base = { target: target.name, trigger, at, changes: [] as CatalogChange[], notes: [] as string[] };
  let report: CatalogRefreshReport;
  try {
    const provider = deps.providers.for(target.name);
    if (!provider.readCatalog) throw new Error(`its credential provider (${provider.kind}) cannot mint a catalog reader; discover with gatehouse catalog discover --user/--private-key-file`);
    const scope = catalogScopeOf(target);
    if (!scope.length) throw new Error('it names no DATABASE.SCHEMA[.TABLE] in scope.objects and no database and schema in credentials.settings: nothing to read');
    const { catalog: fresh, notes } = await provider.readCatalog((query) => discoverCatalog(query, { target: target.name, scope, sample: deps.sample !== false }));
    const stored = await deps.catalogs.read(target.name);
    const { catalog, changes } = mergeDiscovery(stored, fresh);
    await deps.catalogs.write(catalog);
    report = { ...base, tables: catalog.tables.length, changes: stored ? changes : changes.filter((c) => c.held), notes };
    if (!stored) report.notes.push(`first discovery: ${changes.length} columns in ${catalog.tables.length} tables stored`);
  } catch (error) {
    report = { ...base, error: `catalog of target "${target.name}" not refreshed: ${(error as Error).message}` };
  }
  await deps.catalogs.record(target.name, report);
  const held = report.changes.filter((c) => c.held);
  if (report.error) deps.log.error({ target: target.name, trigger }, report.error);
  else if (held.length) deps.log.warn({ target: target.name, trigger, held }, 'PHI catalog refresh: discovery would lower protection; kept until reviewed (gatehouse catalog diff --recorded)');
  else deps.log.info({ target: target.name, trigger, changed: report.changes.length }, 'PHI catalog refreshed');
  return report;
}

/** The targets whose catalog a refresh reads: every target with a provider able to mint a reader, or the named ones. */
export function createCatalogActivities(deps: CatalogRefreshDeps): { refreshCatalogs(request: { targets?: string[]; trigger?: string }): Promise<CatalogRefreshReport[]> } {
  return {
    async refreshCatalogs(request) {
      const names = request.targets;
      const unknown = (names ?? []).filter((n) => !deps.targets.some((t) => t.name === n));
      if (unknown.length) throw new Error(`no target ${unknown.map((n) => JSON.stringify(n)).join(', ')} in gatehouse.yaml`);
      const chosen = deps.targets.filter((t) => (names ? names.includes(t.name) : t.credentials.provider !== 'none' && deps.providers.for(t.name).readCatalog !== undefined));
      const reports: CatalogRefreshReport[] = [];
      for (const target of chosen) reports.push(await refreshTargetCatalog(deps, target, request.trigger ?? 'schedule'));
      return reports;
    },
  };
}
