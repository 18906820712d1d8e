import type { TargetConfig } from './config-schema';

/**
 * What PHI catalog discovery reads for a target: its scope objects that name a schema or a
 * table (DATABASE.SCHEMA[.TABLE]), else its credentials' database and schema; empty when it
 * names neither (discovery then has nothing to read and says so).
 */
export function catalogScopeOf(target: TargetConfig): string[] {
  const objects = (target.scope?.objects ?? []).filter((o) => /^[^.]+\.[^.]+(\.[^.]+)?$/.test(o));
  if (objects.length) return objects;
  const s = (target.credentials.settings ?? {}) as Record<string, unknown>;
  return typeof s.database === 'string' && typeof s.schema === 'string' ? [`${s.database}.${s.schema}`] : [];
}
