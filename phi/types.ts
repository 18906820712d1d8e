/**
 * The identifiers the engine finds. One per HIPAA Safe Harbor category that text can carry
 * (45 CFR 164.514(b)(2)(i)), split where the format differs enough to need its own detector.
 */
export const entityTypes = [
  'NAME',
  'STREET_ADDRESS',
  'CITY',
  'ZIP',
  'DATE',
  'AGE',
  'PHONE',
  'FAX',
  'EMAIL',
  'SSN',
  'MRN',
  'HEALTH_PLAN_ID',
  'ACCOUNT_NUMBER',
  'LICENSE_NUMBER',
  'DEA_NUMBER',
  'NPI',
  'VIN',
  'LICENSE_PLATE',
  'DEVICE_ID',
  'URL',
  'IP_ADDRESS',
  'CARD_NUMBER',
  'OTHER_ID',
] as const;
export type EntityType = (typeof entityTypes)[number];

/** Types whose format carries a checksum or a hard structural rule the detector verifies. */
export const validatorBackedTypes: readonly EntityType[] = ['SSN', 'CARD_NUMBER', 'NPI', 'DEA_NUMBER', 'VIN', 'IP_ADDRESS', 'EMAIL'];

/** One identifier found in a string: where it is, never what it was. */
export interface Finding {
  type: EntityType;
  /** UTF-16 offsets into the scanned string, end exclusive. */
  start: number;
  end: number;
  /** 0..1: how sure the detector is (a passed checksum is near 1, a bare dictionary hit lower). */
  score: number;
}

/** Where a masked value lived, for the report. Paths use JSON-pointer style ("/rows/3/ssn"). */
export interface MaskedLocation {
  type: EntityType;
  /** The cell, JSON path or "text" the value was in. */
  path: string;
  start?: number;
  end?: number;
  operator: OperatorName;
}

export const operatorNames = ['redact', 'partial', 'tokenize', 'generalize'] as const;
export type OperatorName = (typeof operatorNames)[number];

/** What masking did, safe to record: types, counts and places, never the original values. */
export interface MaskReport {
  counts: Partial<Record<EntityType, number>>;
  total: number;
  locations: MaskedLocation[];
  /** Set when the report stopped listing locations (counts stay exact). */
  locationsTruncated: boolean;
  /** Columns masked as a whole and why. */
  columns: ColumnDecision[];
  /** Binary-looking strings withheld whole (policy `binary: redact`). */
  binaryValues: number;
}

export interface ColumnDecision {
  path: string;
  column: string;
  type: EntityType;
  reason: 'policy-tag' | 'column-name' | 'value-sample' | 'value-shape' | 'identifier-in-phi-table';
}
