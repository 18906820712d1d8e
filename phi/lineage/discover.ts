import { parseMaskingPolicy } from '../policy';
import { classifyBySample, sampleValues } from '../structured/classify';
import { typeFromColumnName } from '../structured/column-names';
import { entityTypes, type EntityType } from '../types';
import { norm, type CatalogColumn, type CatalogTable, type ColumnClass, type PhiCatalog } from './catalog';

/** Runs one statement with the discovering identity and returns its table; throws on a Snowflake error. */
export type CatalogQuery = (sql: string) => Promise<{ columns: string[]; rows: unknown[][] }>;

/** Snowflake's classification tags (SEMANTIC_CATEGORY values) as Gatehouse types. */
const SEMANTIC: Record<string, ColumnClass> = {
  NAME: 'NAME', US_SSN: 'SSN', NATIONAL_IDENTIFIER: 'SSN', TAX_IDENTIFIER: 'SSN', EMAIL: 'EMAIL', PHONE_NUMBER: 'PHONE',
  DATE_OF_BIRTH: 'DATE', US_POSTAL_CODE: 'ZIP', POSTAL_CODE: 'ZIP', STREET_ADDRESS: 'STREET_ADDRESS', US_STREET_ADDRESS: 'STREET_ADDRESS',
  CITY: 'CITY', US_CITY: 'CITY', IP_ADDRESS: 'IP_ADDRESS', URL: 'URL', PAYMENT_CARD: 'CARD_NUMBER', US_BANK_ACCOUNT: 'ACCOUNT_NUMBER',
  IBAN: 'ACCOUNT_NUMBER', BANK_ACCOUNT: 'ACCOUNT_NUMBER', US_DRIVERS_LICENSE: 'LICENSE_NUMBER', DRIVERS_LICENSE: 'LICENSE_NUMBER',
  US_PASSPORT: 'LICENSE_NUMBER', PASSPORT: 'LICENSE_NUMBER', AGE: 'AGE', MEDICARE_NUMBER: 'HEALTH_PLAN_ID', NPI: 'NPI', DEA_NUMBER: 'DEA_NUMBER',
  VIN: 'VIN', IMEI: 'DEVICE_ID', LATITUDE: 'OTHER_ID', LONGITUDE: 'OTHER_ID', LAT_LONG: 'OTHER_ID',
};

/**
 * A tag on a column as a class: Gatehouse's own tag (GATEHOUSE_PHI = a type, `text` or `none`)
 * or Snowflake's SEMANTIC_CATEGORY; PRIVACY_CATEGORY alone (IDENTIFIER / QUASI_IDENTIFIER /
 * SENSITIVE) says PHI without a type: OTHER_ID.
 */
export function classFromTag(tag: string, value: string): ColumnClass | undefined {
  const name = norm(tag.slice(tag.lastIndexOf('.') + 1));
  const v = value.trim().toUpperCase();
  if (name === 'GATEHOUSE_PHI') {
    if (v === 'TEXT' || v === 'NONE') return v.toLowerCase() as ColumnClass;
    return (entityTypes as readonly string[]).includes(v) ? (v as EntityType) : 'OTHER_ID';
  }
  if (name === 'SEMANTIC_CATEGORY') return SEMANTIC[v] ?? 'OTHER_ID';
  if (name === 'PRIVACY_CATEGORY') return v === 'IDENTIFIER' || v === 'QUASI_IDENTIFIER' || v === 'SENSITIVE' ? 'OTHER_ID' : undefined;
  return undefined;
}

const NUMERIC = /^(NUMBER|DECIMAL|NUMERIC|INT|INTEGER|BIGINT|SMALLINT|TINYINT|BYTEINT|FLOAT|DOUBLE|REAL|FIXED|BOOLEAN)/i;
const TEMPORAL = /^(DATE|TIMESTAMP|DATETIME|TIME)/i;
const SAMPLE_ROWS = 64;

export interface DiscoveryOptions {
  target: string;
  /** DATABASE.SCHEMA names (every table in them) or DATABASE.SCHEMA.TABLE names. */
  scope: string[];
  /** Sample values to classify columns whose names say nothing (default true). */
  sample?: boolean;
  now?: () => Date;
}

export interface DiscoveryResult {
  catalog: PhiCatalog;
  /** What could not be read (tags unavailable, a table not readable); the catalog is still usable. */
  notes: string[];
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
const fq = (...parts: string[]) => parts.map(quote).join('.');

/**
 * Reads the objects of a target's scope and classifies every column: Snowflake tags first, then
 * the column's name, then sampled values, then its data type (numbers and booleans with no
 * PHI name or value are `none`; dates are DATE; everything else is `text`). Never sends a value
 * anywhere: samples are classified here and dropped.
 */
export async function discoverCatalog(query: CatalogQuery, options: DiscoveryOptions): Promise<DiscoveryResult> {
  const notes: string[] = [];
  const policy = parseMaskingPolicy({});
  const tables: CatalogTable[] = [];
  const names: [string, string, string][] = [];
  for (const entry of options.scope) {
    const parts = entry.split('.').map(norm);
    if (parts.length === 3) names.push(parts as [string, string, string]);
    else if (parts.length === 2) {
      const shown = await query(`SHOW TABLES IN SCHEMA ${fq(...parts)}`);
      const at = shown.columns.indexOf('name');
      for (const row of shown.rows) names.push([parts[0]!, parts[1]!, String(row[at])]);
    } else notes.push(`${entry}: not DATABASE.SCHEMA or DATABASE.SCHEMA.TABLE; skipped`);
  }
  for (const [database, schema, name] of names) {
    let described: { columns: string[]; rows: unknown[][] };
    try {
      described = await query(`DESCRIBE TABLE ${fq(database, schema, name)}`);
    } catch (error) {
      notes.push(`${database}.${schema}.${name}: could not be described (${(error as Error).message}); it stays unknown (masked as the strictest type)`);
      continue;
    }
    const nameAt = described.columns.indexOf('name');
    const typeAt = described.columns.indexOf('type');
    const columns = described.rows.map((r) => ({ name: String(r[nameAt]), dataType: String(r[typeAt] ?? '') }));
    const tags = new Map<string, ColumnClass>();
    try {
      // https://docs.snowflake.com/en/sql-reference/functions/tag_references_all_columns : every tag on every
      // column, set on it or inherited from the table; the object name is an identifier inside a string.
      const objectName = fq(database, schema, name).replace(/'/g, "''");
      const found = await query(`SELECT COLUMN_NAME, TAG_NAME, TAG_VALUE FROM TABLE(${quote(database)}.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('${objectName}', 'table'))`);
      const [c, t, v] = ['COLUMN_NAME', 'TAG_NAME', 'TAG_VALUE'].map((k) => found.columns.indexOf(k)) as [number, number, number];
      for (const row of found.rows) {
        const cls = classFromTag(String(row[t]), String(row[v] ?? ''));
        if (cls) tags.set(norm(String(row[c])), cls);
      }
    } catch (error) {
      notes.push(`${database}.${schema}.${name}: tags not readable (${(error as Error).message.slice(0, 120)})`);
    }
    let samples: { columns: string[]; rows: unknown[][] } | undefined;
    if (options.sample !== false) {
      try {
        samples = await query(`SELECT * FROM ${fq(database, schema, name)} LIMIT ${SAMPLE_ROWS}`);
      } catch (error) {
        notes.push(`${database}.${schema}.${name}: values not readable for sampling (${(error as Error).message.slice(0, 120)})`);
      }
    }
    const classified: CatalogColumn[] = columns.map(({ name: column, dataType }) => {
      const tag = tags.get(norm(column));
      if (tag) return { name: column, class: tag, source: 'snowflake-tag', dataType };
      const byName = typeFromColumnName(column);
      if (byName) return { name: column, class: byName, source: 'discovered-name', dataType };
      const at = samples?.columns.map(norm).indexOf(norm(column)) ?? -1;
      if (samples && at >= 0) {
        const bySample = classifyBySample(column, sampleValues(samples.rows.map((r) => r[at]), SAMPLE_ROWS), policy);
        if (bySample) return { name: column, class: bySample, source: 'discovered-sample', dataType };
      }
      if (TEMPORAL.test(dataType)) return { name: column, class: 'DATE', source: 'discovered-type', dataType };
      if (NUMERIC.test(dataType) && samples && at >= 0) return { name: column, class: 'none', source: 'discovered-type', dataType };
      return { name: column, class: 'text', source: 'discovered-type', dataType };
    });
    tables.push({ database, schema, name: norm(name), columns: classified });
  }
  return { catalog: { target: options.target, discoveredAt: (options.now?.() ?? new Date()).toISOString(), tables }, notes };
}
