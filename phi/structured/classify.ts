import { knownClean, passesUnscanned, rememberClean } from '../clean-texts';
import type { MaskingPolicy } from '../policy';
import { scanText } from '../text/scan';
import type { ReportBuilder } from '../report';
import type { ColumnDecision, EntityType, Finding } from '../types';
import { typeFromColumnName } from './column-names';
import { identifierShaped, nameShaped, oneIdentifierShaped, oneNameShaped, placeShaped, stateShaped, townLike, typeFromValueShape, zipShaped } from './value-shapes';

export type ColumnClass =
  | { kind: 'phi'; type: EntityType; reason: ColumnDecision['reason'] }
  /** Not PHI as a whole: each value goes through free-text detection. */
  | { kind: 'text' }
  /** Declared harmless by a policy tag: passed through. */
  | { kind: 'none' };

/** A policy tag for this column, matched case-insensitively on "table.column" or "column". */
function policyTag(column: string, policy: MaskingPolicy): MaskingPolicy['columns'][string] | undefined {
  const lower = column.toLowerCase();
  const bare = lower.slice(lower.lastIndexOf('.') + 1);
  for (const [key, tag] of Object.entries(policy.columns)) {
    const k = key.toLowerCase();
    if (k === lower || k === bare) return tag;
  }
  return undefined;
}

/** Classifies by policy tag, then by name; sampling is separate because it needs the values. */
export function classifyByName(column: string, policy: MaskingPolicy): ColumnClass | undefined {
  const tag = policyTag(column, policy);
  if (tag === 'none') return { kind: 'none' };
  if (tag === 'text') return { kind: 'text' };
  if (tag) return { kind: 'phi', type: tag, reason: 'policy-tag' };
  const type = typeFromColumnName(column);
  if (type && !policy.ignore.includes(type)) return { kind: 'phi', type, reason: 'column-name' };
  return undefined;
}

const HAS_IDENTIFIER_MARK = /[0-9A-Z@]/;

/** Up to `count` non-empty values spread evenly over the column. */
export function sampleValues(values: readonly unknown[], count: number): string[] {
  const present: string[] = [];
  const step = Math.max(1, Math.floor(values.length / count));
  for (let i = 0; i < values.length && present.length < count; i += step) {
    const v = values[i];
    if ((typeof v === 'string' && v.trim() !== '') || typeof v === 'number' || typeof v === 'bigint') present.push(String(v));
  }
  return present;
}

/**
 * A PHI type that at least `threshold` of the sampled values are wholly made of (the first to
 * get there), or undefined. Sampling stops as soon as the answer is certain either way.
 * Each value is scanned after its column name ("member id W12345") so labelled detectors see it.
 */
export function classifyBySample(column: string, samples: readonly string[], policy: MaskingPolicy, report?: ReportBuilder): EntityType | undefined {
  if (samples.length === 0) return undefined;
  const votes = new Map<EntityType, number>();
  const needed = Math.ceil(samples.length * policy.sampling.threshold);
  const label = column.replace(/[_.]+/g, ' ');
  const scanOptions = { minScore: policy.minScore, ignore: policy.ignore, publicHosts: policy.publicHosts };
  let leader = 0;
  for (let s = 0; s < samples.length; s++) {
    // Stop as soon as no type can still reach the threshold.
    if (leader + (samples.length - s) < needed) return undefined;
    const value = samples[s]!;
    if (value.length > 200) continue; // long free text is never one identifier
    // Lower-case words without digits or "@" ("open", "pending") are no identifier's whole value.
    if (!HAS_IDENTIFIER_MARK.test(value)) continue;
    // A space, not a colon, joins label and value: a colon would wake the IPv6 detector.
    const probe = `${label} ${value}`;
    const offset = label.length + 1;
    const size = value.replace(/\s/g, '').length || 1;
    // A probe is a one-line text like any other (clean-texts.ts); it is remembered as clean only
    // once its value itself was scanned clean as a cell or passes unscanned, i.e. left in clear.
    if (knownClean(probe, policy)) continue;
    const scan = (): Finding[] => scanText(probe, scanOptions);
    const findings = report ? report.remembered(probe, scan) : scan();
    if (findings.length === 0) {
      if (passesUnscanned(value) || knownClean(value, policy)) rememberClean(probe, policy);
      continue;
    }
    for (const f of findings) {
      // Sum what findings of this type cover of the value; vote once per type.
      if (findings.find((g) => g.type === f.type) !== f) continue;
      let chars = 0;
      for (const g of findings) if (g.type === f.type) chars += Math.max(0, g.end - Math.max(g.start, offset));
      if (chars / size < 0.8) continue;
      const n = (votes.get(f.type) ?? 0) + 1;
      votes.set(f.type, n);
      leader = Math.max(leader, n);
      // Enough cells are this type whatever the rest hold: the column is PHI.
      if (n >= needed) return f.type;
    }
  }
  return undefined;
}

export function classifyColumn(column: string, values: readonly unknown[], policy: MaskingPolicy, report?: ReportBuilder): ColumnClass {
  const byName = classifyByName(column, policy);
  if (byName) return byName;
  const samples = sampleValues(values, policy.sampling.rows);
  const sampled = classifyBySample(column, samples, policy, report);
  if (sampled) return { kind: 'phi', type: sampled, reason: 'value-sample' };
  const shaped = typeFromValueShape(samples, policy.sampling.threshold);
  return shaped && !policy.ignore.includes(shaped) ? { kind: 'phi', type: shaped, reason: 'value-shape' } : { kind: 'text' };
}

/**
 * The table-level rule: in a table that holds PHI, a column of high-cardinality codes nobody
 * tagged or named (an unlabelled MRN, a member id) is an identifier too, and a column of distinct
 * proper nouns no dictionary knows under a header that says nothing (`c2`, `field_b`) is a name
 * (under "medication" it is drugs). Changes `classes` in
 * place and returns the columns it turned into PHI.
 */
/** A header that says nothing: `c1`, `col_3`, `field_b`, `v2`, `x`, `A`, `one`, `two`, pandas' `Unnamed: 0`, empty. */
const SAYS_NOTHING = /^(?:(?:c|col|column|field|fld|f|v|var|value|attr|prop|item|key)[ _-]?(?:\d{1,3}|[a-z])?|[a-z]{1,2}\d{0,3}|\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|unnamed(?::? ?\d{1,3})?)$/i;

export function identifiersInPhiTable(classes: ColumnClass[], valuesOf: (index: number) => readonly unknown[], policy: MaskingPolicy, columnNames?: readonly string[]): number[] {
  if (!classes.some((c) => c.kind === 'phi') || policy.ignore.includes('OTHER_ID')) return [];
  const changed: number[] = [];
  const saysNothing = (i: number) => columnNames !== undefined && SAYS_NOTHING.test(columnNames[i]!.trim());
  classes.forEach((c, i) => {
    if (c.kind !== 'text') return;
    const samples = sampleValues(valuesOf(i), policy.sampling.rows);
    // A table of one row under headers that say nothing (a PDMP line, a lone export row): its one cell, judged alone.
    const single = samples.length === 1 && saysNothing(i) ? String(samples[0]) : undefined;
    if (saysNothing(i) && zipShaped(samples) && !policy.ignore.includes('ZIP')) {
      classes[i] = { kind: 'phi', type: 'ZIP', reason: 'identifier-in-phi-table' };
      changed.push(i);
    } else if (saysNothing(i) && !policy.ignore.includes('CITY') && placeShaped(samples)) {
      classes[i] = { kind: 'phi', type: 'CITY', reason: 'identifier-in-phi-table' };
      changed.push(i);
    } else if (identifierShaped(samples) || (single !== undefined && oneIdentifierShaped(single))) {
      classes[i] = { kind: 'phi', type: 'OTHER_ID', reason: 'identifier-in-phi-table' };
      changed.push(i);
    } else if (saysNothing(i) && !policy.ignore.includes('NAME') && (nameShaped(samples) || (single !== undefined && oneNameShaped(single)))) {
      classes[i] = { kind: 'phi', type: 'NAME', reason: 'identifier-in-phi-table' };
      changed.push(i);
    }
  });
  // Proper nouns typed NAME by their values, standing before a ZIP or a state, are towns
  // (rows of "..., Salem, 01970"); a column of "Given Family" names stays NAME (townLike).
  if (!policy.ignore.includes('CITY')) {
    classes.forEach((c, i) => {
      if (c.kind !== 'phi' || c.type !== 'NAME' || c.reason === 'policy-tag' || c.reason === 'column-name' || !saysNothing(i) || i + 1 >= classes.length) return;
      const next = classes[i + 1]!;
      const nextSamples = sampleValues(valuesOf(i + 1), policy.sampling.rows);
      if (!((next.kind === 'phi' && next.type === 'ZIP') || zipShaped(nextSamples) || stateShaped(nextSamples))) return;
      if (!townLike(sampleValues(valuesOf(i), policy.sampling.rows))) return;
      classes[i] = { kind: 'phi', type: 'CITY', reason: c.reason };
      if (!changed.includes(i)) changed.push(i);
    });
  }
  return changed;
}
