import { maskText, parseMaskingPolicy, type MaskingPolicy } from '../phi';
import type { GatehouseConfig } from '../policy';

/**
 * Masks PHI that people typed into free text (reasons, held-command summaries) with the PHI
 * engine and the target's `masking:` policy: before the worker archives it, and again when the
 * API or the CLI shows an archive.
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
  return (text, target) => maskText(text, policies.get(target) ?? fallback).text;
}
