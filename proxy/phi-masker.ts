import { maskJson, parseMaskingPolicy, type MaskingPolicy } from '../phi';
import type { TargetConfig } from '../policy';
import type { MaskContext, MaskOutcome, ResponseMasker } from './masking';

/** Tools of the reference server whose results are catalog metadata (SHOW / DESCRIBE). */
export const CATALOG_TOOLS = ['list_objects', 'describe_object'];

/** Columns of Snowflake's SHOW and DESCRIBE output that hold object names and properties, not data. */
const CATALOG_COLUMNS = [
  'name', 'database_name', 'schema_name', 'kind', 'owner', 'owner_role_type', 'type', 'null?', 'default', 'primary key', 'unique key',
  'created_on', 'is_default', 'is_current', 'origin', 'retention_time', 'cluster_by', 'budget',
];
// Never "rows", "columns", "content" or "text": those are the keys of the result itself, and
// declaring one harmless would pass a whole table through unscanned (a test guards this).

/**
 * The PHI engine (phi/) behind the gateway's ResponseMasker: every value (MCP results with
 * content text, structuredContent tables, JSON inside text, arguments for the recording) is
 * masked with the target's `masking:` policy. The engine throws when it cannot mask; the
 * gateway then withholds the response.
 */
export class PhiMasker implements ResponseMasker {
  readonly policy: MaskingPolicy;
  /** The same policy, with the catalog columns of SHOW / DESCRIBE output declared harmless. */
  private readonly catalogPolicy: MaskingPolicy;
  private readonly catalogTools: Set<string>;

  constructor(target: Pick<TargetConfig, 'name' | 'masking'>, private readonly tokenKey?: Uint8Array | string, catalogTools: readonly string[] = CATALOG_TOOLS) {
    try {
      this.policy = parseMaskingPolicy(target.masking);
    } catch (error) {
      throw new Error(`target ${target.name}: the masking policy is invalid: ${(error as Error).message}`, { cause: error });
    }
    const catalogColumns = Object.fromEntries(CATALOG_COLUMNS.map((c) => [c, 'none' as const]));
    this.catalogPolicy = { ...this.policy, columns: { ...catalogColumns, ...this.policy.columns } };
    this.catalogTools = new Set(catalogTools);
  }

  mask<T>(value: T, context?: MaskContext): MaskOutcome<T> {
    // Catalog listings name tables and columns ("name" would otherwise read as a person's name);
    // their free-text columns (comment, ...) are still scanned.
    const policy = context?.part === 'result' && context.tool && this.catalogTools.has(context.tool) ? this.catalogPolicy : this.policy;
    const { value: masked, report } = maskJson(value, policy, this.tokenKey === undefined ? {} : { tokenKey: this.tokenKey });
    const counts: Record<string, number> = {};
    for (const [type, count] of Object.entries(report.counts)) if (count) counts[type] = count;
    return { masked: masked as T, report: { counts, total: report.total } };
  }
}
