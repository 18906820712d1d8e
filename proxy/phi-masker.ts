import { maskJson, parseMaskingPolicy, type MaskingPolicy, type MaskReport } from '../phi';
import type { TargetConfig } from '../policy';
import type { MaskContext, MaskOutcome, MaskSummary, ResponseMasker } from './masking';

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

  /** `masking` is re-validated here, so a policy that bypassed gatehouse.yaml's schema is caught too. */
  constructor(target: Pick<TargetConfig, 'name'> & { masking: unknown }, private readonly tokenKey?: Uint8Array | string, catalogTools: readonly string[] = CATALOG_TOOLS) {
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
    const options = this.tokenKey === undefined ? {} : { tokenKey: this.tokenKey };
    const twin = textTwinOfStructured(value);
    if (twin) {
      // The text is the structured result as JSON (the reference server's shape): mask the table
      // once and write its text from the masked table, instead of masking the same data twice.
      const { value: masked, report } = maskJson(twin.rest, policy, options);
      const structured = (masked as { structuredContent: unknown }).structuredContent;
      const text = JSON.stringify(structured);
      const content = twin.content.map((item, i) => (twin.twins.has(i) ? { ...(item as object), text } : (masked as { content: unknown[] }).content[twin.order.indexOf(i)]));
      return { masked: { ...(masked as object), content } as T, report: summary(report) };
    }
    const { value: masked, report } = maskJson(value, policy, options);
    return { masked: masked as T, report: summary(report) };
  }
}

function summary(report: MaskReport): MaskSummary {
  const counts: Record<string, number> = {};
  for (const [type, count] of Object.entries(report.counts)) if (count) counts[type] = count;
  return { counts, total: report.total };
}

/**
 * When a tool result carries structuredContent and text items that are exactly its JSON, returns
 * the result without those items (to mask) and where they were; otherwise undefined.
 */
function textTwinOfStructured(value: unknown): { rest: Record<string, unknown>; content: unknown[]; twins: Set<number>; order: number[] } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const result = value as Record<string, unknown>;
  if (!result.structuredContent || typeof result.structuredContent !== 'object' || !Array.isArray(result.content)) return undefined;
  const json = JSON.stringify(result.structuredContent);
  const twins = new Set<number>();
  result.content.forEach((item, i) => {
    const it = item as { type?: unknown; text?: unknown };
    if (it && it.type === 'text' && it.text === json) twins.add(i);
  });
  if (twins.size === 0) return undefined;
  const order = result.content.map((_, i) => i).filter((i) => !twins.has(i));
  const content = result.content as unknown[];
  return { rest: { ...result, content: order.map((i) => content[i]) }, content, twins, order };
}
