import { maskJson, parseMaskingPolicy, type MaskingPolicy } from '../phi';
import type { TargetConfig } from '../policy';
import type { MaskOutcome, ResponseMasker } from './masking';

/**
 * The PHI engine (phi/) behind the gateway's ResponseMasker: every value (MCP results with
 * content text, structuredContent tables, JSON inside text, arguments for the recording) is
 * masked with the target's `masking:` policy. The engine throws when it cannot mask; the
 * gateway then withholds the response.
 */
export class PhiMasker implements ResponseMasker {
  readonly policy: MaskingPolicy;

  constructor(target: Pick<TargetConfig, 'name' | 'masking'>, private readonly tokenKey?: Uint8Array | string) {
    try {
      this.policy = parseMaskingPolicy(target.masking);
    } catch (error) {
      throw new Error(`target ${target.name}: the masking policy is invalid: ${(error as Error).message}`, { cause: error });
    }
  }

  mask<T>(value: T): MaskOutcome<T> {
    const { value: masked, report } = maskJson(value, this.policy, this.tokenKey === undefined ? {} : { tokenKey: this.tokenKey });
    const counts: Record<string, number> = {};
    for (const [type, count] of Object.entries(report.counts)) if (count) counts[type] = count;
    return { masked: masked as T, report: { counts, total: report.total } };
  }
}
