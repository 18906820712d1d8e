import { maskRecordedText, parseMaskingPolicy, type MaskingPolicy } from '../phi';
import type { GatehouseConfig } from '../policy';

/**
 * Masks PHI that people typed into free text (reasons, held-command summaries) with the PHI
 * engine and the target's `masking:` policy: before the worker archives it, and again when the
 * API or the CLI shows an archive. A held command's SQL is masked as SQL (identifiers and
 * keywords readable, literals replaced), not as prose.
 */
export function freeTextMasker(config: Pick<GatehouseConfig, 'targets'>): (text: string, target: string) => string {
  const policies = new Map<string, MaskingPolicy>();
  const fallback = parseMaskingPolicy({});
  for (const t of config.targets) {
    try {
      policies.set(t.name, parseMaskingPolicy(t.masking));
    } catch {
      // an invalid policy stops the gateway; here the default policy still masks
    }
  }
  return (text, target) => maskRecordedText(text, policies.get(target) ?? fallback);
}
