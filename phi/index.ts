/**
 * PHI detection and masking: the library the gateway calls on every response before it is
 * recorded and returned. Pure and synchronous; a thrown MaskingError means "withhold the
 * response" (fail closed).
 */
import type { MaskOptions } from './mask-text';
import type { OperatorContext } from './operators';
import { maskText as maskTextImpl } from './mask-text';
import { parseMaskingPolicy, type MaskingPolicy } from './policy';
import { ReportBuilder } from './report';
import { maskJsonValue } from './structured/json';
import { maskJsonSchemaValue } from './structured/json-schema';
import { maskRowsInto } from './structured/rows';
import { serializeJson } from './structured/serialize';
import { scanText as scanTextImpl } from './text/scan';
import type { Finding, MaskReport } from './types';
import { looksLikeSql as looksLikeSqlImpl, maskSqlText as maskSqlTextImpl } from './sql-text';

export { maskingPolicySchema, defaultMaskingPolicy, parseMaskingPolicy, type MaskingPolicy, type MaskingPolicyInput } from './policy';
export { entityTypes, operatorNames, validatorBackedTypes, type EntityType, type Finding, type MaskReport, type MaskedLocation, type ColumnDecision, type OperatorName } from './types';
export { MaskingError, RESTRICTED_ZIP3 } from './operators';
export { serializeJson } from './structured/serialize';
export { sameJson } from './structured/same-json';
export type { MaskOptions } from './mask-text';
export * from './lineage';
export { maskSqlText, looksLikeSql, type MaskedSql } from './sql-text';
export { identifierReadsAsPhi, phiInIdentifier, withNeutralNames } from './identifiers';

/** Per-call options: a fresh token memo, so no value outlives the call. */
const perCall = (options: MaskOptions): MaskOptions & OperatorContext => ({ ...options, tokenMemo: new Map() });

/** Finds identifiers in free text without changing it (offsets only, never values). */
export function scanText(text: string, policy: MaskingPolicy = parseMaskingPolicy({})): Finding[] {
  return scanTextImpl(text, { minScore: policy.minScore, ignore: policy.ignore });
}

/** Masks free text, or bytes decoded as UTF-8 (invalid sequences become U+FFFD). */
export function maskText(input: string | Uint8Array, policy: MaskingPolicy, options: MaskOptions = {}): { text: string; report: MaskReport } {
  return maskTextImpl(input, policy, perCall(options));
}

/** Masks a SQL result given as column names and row arrays. */
export function maskRows(columns: readonly string[], rows: readonly (readonly unknown[])[], policy: MaskingPolicy, options: MaskOptions = {}): { rows: unknown[][]; report: MaskReport } {
  const report = new ReportBuilder(options.maxReportLocations);
  const masked = maskRowsInto(columns, rows, policy, perCall(options), report);
  return { rows: masked, report: report.build() };
}

/** Masks any JSON value (records, {columns, rows} tables, MCP results whose text holds JSON). */
export function maskJson(value: unknown, policy: MaskingPolicy, options: MaskOptions = {}): { value: unknown; report: MaskReport } {
  const report = new ReportBuilder(options.maxReportLocations);
  const masked = maskJsonValue(value, policy, perCall(options), report);
  return { value: masked, report: report.build() };
}

/**
 * Masks a JSON Schema (a tool's inputSchema, an elicitation's requestedSchema): keywords, types
 * and property names stay; default / const / enum / examples are masked as the class their
 * property's name announces, else by content; descriptions and titles are scanned as free text.
 */
export function maskJsonSchema(schema: unknown, policy: MaskingPolicy, options: MaskOptions = {}): { value: unknown; report: MaskReport } {
  const report = new ReportBuilder(options.maxReportLocations);
  const masked = maskJsonSchemaValue(schema, policy, perCall(options), report);
  return { value: masked, report: report.build() };
}

/**
 * Masks a JSON document given as text and returns text (serialized without recursion, so deep
 * nesting survives). Text that is not JSON is masked as free text.
 */
export function maskJsonText(input: string | Uint8Array, policy: MaskingPolicy, options: MaskOptions = {}): { text: string; report: MaskReport } {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return maskTextImpl(text, policy, perCall(options));
  }
  const { value, report } = maskJson(parsed, policy, options);
  return { text: serializeJson(value), report };
}

/**
 * Text the audit trail records or shows (a held command's summary, a reason): SQL is masked as
 * SQL (maskSqlText: keywords and identifiers readable, literals replaced), anything else as free
 * text under the policy.
 */
export function maskRecordedText(text: string, policy: MaskingPolicy, options: MaskOptions = {}): string {
  return looksLikeSqlImpl(text) ? maskSqlTextImpl(text).text : maskTextImpl(text, policy, perCall(options)).text;
}
