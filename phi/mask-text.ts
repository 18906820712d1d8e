import { knownClean, rememberClean, SHORT_NUMBER } from './clean-texts';
import { looksBinary, toText } from './input';
import { applyOperator, redact, type OperatorContext } from './operators';
import type { MaskingPolicy } from './policy';
import { ReportBuilder } from './report';
import { findTextTables } from './structured/text-tables';
import { resolveOverlaps, scanText } from './text/scan';
import type { EntityType, Finding, MaskReport } from './types';

export interface MaskOptions extends Pick<OperatorContext, 'tokenKey'> {
  /** Most locations listed in the report (counts stay exact). Default 1000. */
  maxReportLocations?: number;
}

export const BINARY_PLACEHOLDER = '[BINARY DATA WITHHELD]';

/** The operator the policy picks for a type. */
export function operatorFor(type: EntityType, policy: MaskingPolicy) {
  return policy.operators[type] ?? policy.defaultOperator;
}

/** Every finding in a string: free-text detectors plus whole cells of PHI columns in embedded tables. */
export function findInText(text: string, policy: MaskingPolicy, report?: ReportBuilder, path = 'text'): Finding[] {
  const free = scanText(text, { minScore: policy.minScore, ignore: policy.ignore, publicHosts: policy.publicHosts });
  const cells = findTextTables(text, policy, report, path).filter((f) => !policy.ignore.includes(f.type));
  return cells.length ? resolveOverlaps(text, [...cells, ...free]) : free;
}

/** Replaces each finding with its operator's output and records it. Findings must not overlap. */
export function applyFindings(text: string, findings: readonly Finding[], policy: MaskingPolicy, context: OperatorContext, report: ReportBuilder, path: string): string {
  if (findings.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const f of findings) {
    const operator = operatorFor(f.type, policy);
    // (Redaction needs no value; past the report's location cap a finding is only counted.)
    parts.push(text.slice(at, f.start), operator === 'redact' ? redact(f.type) : applyOperator(operator, f.type, text.slice(f.start, f.end), context));
    if (report.wantsLocations) report.add({ type: f.type, path, start: f.start, end: f.end, operator });
    else report.addUnlisted(f.type);
    at = f.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Masks one string in place of the report builder the caller owns (used by the structured walkers). */
export function maskString(value: string, policy: MaskingPolicy, context: OperatorContext, report: ReportBuilder, path: string): string {
  // Three characters, or a short plain number ("12", "98.6"), cannot hold any identifier the
  // detectors know without a label, and a label would make the string longer.
  if (value.length < 4 || SHORT_NUMBER.test(value)) return toText(value);
  // One line: its findings depend on the text and the scan settings alone (embedded tables need
  // two lines), so a line found clean before is clean now (clean-texts.ts). Asked first: a
  // remembered text is well-formed and, under binary: redact, not binary-looking, so the two
  // checks below would pass it unchanged.
  if (knownClean(value, policy)) return value;
  const text = toText(value);
  if (policy.binary === 'redact' && looksBinary(text)) {
    report.binaryValues++;
    return BINARY_PLACEHOLDER;
  }
  const oneLine = !text.includes('\n');
  const findings = text.length <= 64 && oneLine ? report.remembered(text, () => findInText(text, policy)) : findInText(text, policy, report, path);
  if (findings.length === 0) {
    if (oneLine) rememberClean(text, policy, 'well-formed, not binary');
    return text;
  }
  return applyFindings(text, findings, policy, context, report, path);
}

/** Masks free text (or bytes, decoded as UTF-8): notes, error messages, Markdown or CSV output. */
export function maskText(input: string | Uint8Array, policy: MaskingPolicy, options: MaskOptions & OperatorContext = {}): { text: string; report: MaskReport } {
  const report = new ReportBuilder(options.maxReportLocations);
  const text = maskString(typeof input === 'string' ? input : toText(input), policy, options, report, 'text');
  return { text, report: report.build() };
}
