import { z } from 'zod';
import { entityTypes, operatorNames } from './types';

const entityType = z.enum(entityTypes);
const operator = z.enum(operatorNames);
const columnClass = z.union([entityType, z.literal('text'), z.literal('none')]);
/** DATABASE.SCHEMA.TABLE.COLUMN, each part a Snowflake identifier (unquoted). */
const FQ_COLUMN = /^[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*){3}$/;

/**
 * The `masking:` block of a target in gatehouse.yaml.
 *
 * ```yaml
 * masking:
 *   defaultOperator: redact          # for every type not listed under operators
 *   operators: { NAME: tokenize, MRN: tokenize, DATE: generalize, SSN: partial }
 *   columns:                         # policy tags, by column name (case-insensitive)
 *     PATIENT_SSN: SSN               #   a PHI type: every cell is masked as that type
 *     NOTE_TEXT: text                #   free text: scanned like any unclassified string
 *     VISIT_COUNT: none              #   declared harmless: passed through unscanned
 *   ignore: []                       # types never masked (minimum-necessary exceptions)
 *   minScore: 0.5                    # free-text findings below this confidence are kept as is
 *   sampling: { rows: 16, threshold: 0.5 }
 *   binary: redact                   # binary-looking strings: withheld whole (or "scan")
 *   publicHosts: []                  # links to these hosts (public docs) are kept unless they carry a query
 * ```
 */
const PUBLIC_HOST = /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const maskingPolicySchema = z.strictObject({
  defaultOperator: operator.default('redact'),
  operators: z.partialRecord(entityType, operator).default({}),
  columns: z.record(z.string().min(1), z.union([entityType, z.literal('text'), z.literal('none')])).default({}),
  ignore: z.array(entityType).default([]),
  minScore: z.number().min(0).max(1).default(0.5),
  sampling: z
    .strictObject({
      /** How many non-empty cells of an unclassified column are scanned to classify it. */
      rows: z.number().int().min(1).max(1000).default(16),
      /** Share of sampled cells that must be one PHI type for the whole column to be masked. */
      threshold: z.number().gt(0).max(1).default(0.5),
    })
    .default({ rows: 16, threshold: 0.5 }),
  binary: z.enum(['redact', 'scan']).default('redact'),
  /**
   * Hosts whose links are public documentation, not data (`modelcontextprotocol.io`, or
   * `*.example.org` for every subdomain): an http(s) link to one, without credentials or a query
   * string, is kept. Anything the detectors find inside it (an SSN in the path) is still masked.
   */
  publicHosts: z.array(z.string().regex(PUBLIC_HOST, 'use a host name such as docs.example.org or *.example.org')).max(200).default([]),
  /**
   * The PHI catalog pinned by a reviewer: a class per fully qualified source column
   * (`CLINICAL.PHI.PATIENTS.SSN: SSN`). It wins over Snowflake's tags and over discovery.
   */
  catalog: z.record(z.string().regex(FQ_COLUMN, 'use DATABASE.SCHEMA.TABLE.COLUMN'), columnClass).default({}),
  /** What a query whose WHERE / JOIN / GROUP BY / HAVING / ORDER BY / QUALIFY touches a PHI type gets (see phi/lineage). */
  phiPredicates: z.partialRecord(z.enum([...entityTypes, 'default']), z.enum(['allow', 'hold', 'deny'])).default({}),
});

export type MaskingPolicyInput = z.input<typeof maskingPolicySchema>;
export type MaskingPolicy = z.output<typeof maskingPolicySchema>;

/** The policy an empty `masking: {}` block means: every type redacted with its label. */
export const defaultMaskingPolicy: MaskingPolicy = maskingPolicySchema.parse({});

/** Validates a raw `masking:` block; errors name the offending path. */
export function parseMaskingPolicy(raw: unknown): MaskingPolicy {
  return maskingPolicySchema.parse(raw ?? {});
}
