// The PHI catalog refresh the catalog schedule (and `gatehouse catalog refresh`) runs: one
// activity, retried; its report names columns and classes only, never a value.
import { proxyActivities } from '@temporalio/workflow';

export interface CatalogRefreshRequest {
  /** Only these targets (default: every target whose provider can mint a catalog reader). */
  targets?: string[];
  /** What started it: 'schedule', or who asked on demand. */
  trigger?: string;
}

interface CatalogActivities {
  refreshCatalogs(request: CatalogRefreshRequest): Promise<unknown[]>;
}

const { refreshCatalogs } = proxyActivities<CatalogActivities>({
  startToCloseTimeout: '30m',
  retry: { initialInterval: '10s', maximumInterval: '2m', maximumAttempts: 3 },
});

/** Re-discovers the targets' catalogs; a target that cannot be read keeps its stored catalog. */
export async function catalogRefresh(request: CatalogRefreshRequest = {}): Promise<unknown[]> {
  return refreshCatalogs(request);
}
